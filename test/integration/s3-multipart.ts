// CompleteMultipartUpload for the test harness's s3rver, as S3 does it.
//
// s3rver 3.7.1 completes an upload by streaming every byte of every part through an MD5 into a new file before it
// answers, and answers that MD5 as the ETag; it also hashes every part with MD5 as it arrives. On the benchmark's
// two cores that is seconds of CPU per GB of dump, and the completion's part sits between the job's last part and
// its answer: the dump benchmark's (c) charged 2.5 s of 20 s at 1 GB to the pg-dump job, although S3's completion
// does not grow with the object and S3 hashes on its own machines. s3rver also accepted any ETag for any part.
// Installed on s3rver's store, the part upload and the completion instead:
//   - give the parts of an SSE-KMS upload opaque ETags without hashing them (S3's ETags of SSE-KMS and multipart
//     objects are not MD5s either); other uploads keep s3rver's MD5 ETags;
//   - refuse a part list that is not in ascending order (400 InvalidPartOrder) or names a part that was not
//     uploaded or with another ETag than the stored part's (400 InvalidPart), as S3 does;
//   - answer S3's multipart ETag (the MD5 of the parts' binary ETags, `-`, the number of parts) at once, and
//     assemble the object afterwards, in the kernel (`cat`, which uses copy_file_range); the middleware holds any
//     request on that key, or listing its bucket, until the object is there (`settled`), so no client sees it
//     missing or partial.
// The object and its metadata are stored as s3rver stores them.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, createWriteStream, promises as fs, openSync } from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';

/** The parts of s3rver's FilesystemStore this module replaces or calls (lib/stores/filesystem.js). */
export interface MultipartStore {
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5: string): Promise<void>;
  putPart(bucket: string, uploadId: string, partNumber: number | string, content: unknown): Promise<{ md5: string; size?: number }>;
  putObjectMultipart(bucket: string, uploadId: string, parts: readonly CompletedPart[]): Promise<{ md5: string; size: number }>;
}

/** One entry of the CompleteMultipartUpload request, as s3rver's controller passes it (ETag without quotes). */
export interface CompletedPart {
  readonly number: number;
  readonly etag: string;
}

// s3rver ships no type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3Error = require('s3rver/lib/models/error') as new (code: string, message: string, detail?: Record<string, unknown>) => Error;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3Object = require('s3rver/lib/models/object') as new (bucket: string, key: string, content: unknown, metadata: Record<string, string>) => {
  readonly metadata: Record<string, string>;
};

/** What the middleware needs of the completion: ordering of requests behind the assemblies they must not overtake. */
export interface MultipartCompletion {
  /**
   * Waits for the assemblies a request to `bucket`/`key` must see finished: that key's, or every one of the bucket's
   * for a request on the bucket itself (`key` empty: listing, deleting the bucket).
   */
  settled(bucket: string, key: string): Promise<void>;
  /** Whether a completed upload of the key is still being assembled: the key exists (for `If-None-Match: *`). */
  assembling(bucket: string, key: string): boolean;
  /** Waits for every assembly; rejects with the first that failed. */
  idle(): Promise<void>;
}

/** Replaces the store's part upload and completion (see the file's comment). */
export function installMultipartCompletion(store: MultipartStore): MultipartCompletion {
  const uploadsDirOf = (bucket: string) => store.getResourcePath(bucket, undefined, 'uploads');
  /** ETag (without quotes) of each stored part, by `<upload directory>/<part number>`. */
  const partEtags = new Map<string, string>();
  /** Whether an upload was started with SSE-KMS, by upload directory (its parts then get opaque ETags). */
  const kmsUploads = new Map<string, Promise<boolean>>();
  /** Assemblies in progress, by `<bucket>/<key>`. */
  const assemblies = new Map<string, Promise<void>>();
  const failures: Error[] = [];

  const putPart = store.putPart.bind(store);
  store.putPart = async (bucket, uploadId, partNumber, content) => {
    const uploadDir = path.join(uploadsDirOf(bucket), uploadId);
    const file = path.join(uploadDir, String(partNumber));
    if (!kmsUploads.has(uploadDir)) {
      kmsUploads.set(uploadDir, fs.readFile(path.join(uploadDir, 'metadata'), 'utf8')
        .then((text) => (JSON.parse(text) as Record<string, string>)['x-amz-server-side-encryption'] === 'aws:kms', () => false));
    }
    // A part sent again replaces the earlier one only once it has arrived whole: until then neither ETag counts.
    partEtags.delete(file);
    let etag: string;
    if (await kmsUploads.get(uploadDir)) {
      // S3 gives parts of an SSE-KMS upload an ETag that is not their MD5; hashing every byte here would only add
      // work on the client's cores that S3 does on its own.
      const partial = `${file}.partial`;
      await pipeline(content as NodeJS.ReadableStream, createWriteStream(partial));
      await fs.rename(partial, file);
      etag = randomBytes(16).toString('hex');
    } else {
      etag = (await putPart(bucket, uploadId, partNumber, content)).md5;
    }
    partEtags.set(file, etag);
    return { md5: etag };
  };

  store.putObjectMultipart = async (bucket, uploadId, parts) => {
    const uploadDir = path.join(uploadsDirOf(bucket), uploadId);
    const [key, headers] = await Promise.all([
      fs.readFile(path.join(uploadDir, 'key'), 'utf8'),
      fs.readFile(path.join(uploadDir, 'metadata'), 'utf8').then((text) => JSON.parse(text) as Record<string, string>),
    ]);
    const partFiles: string[] = [];
    const etags: Buffer[] = [];
    let previous = 0;
    for (const part of parts) {
      if (part.number <= previous) {
        throw new S3Error('InvalidPartOrder', 'The list of parts was not in ascending order. The parts list must be specified in order by part number.');
      }
      previous = part.number;
      const file = path.join(uploadDir, String(part.number));
      const etag = partEtags.get(file);
      if (etag === undefined || etag !== part.etag) {
        throw new S3Error('InvalidPart', 'One or more of the specified parts could not be found. The part may not have been uploaded, '
          + "or the specified entity tag may not match the part's entity tag.", { PartNumber: part.number, ETag: part.etag });
      }
      partFiles.push(String(part.number));
      etags.push(Buffer.from(etag, 'hex'));
    }
    const object = new S3Object(bucket, key, null, headers);
    const sizes = await Promise.all(partFiles.map(async (name) => (await fs.stat(path.join(uploadDir, name))).size));
    const etag = `${createHash('md5').update(Buffer.concat(etags)).digest('hex')}-${parts.length}`;

    // The upload is complete from here: its directory leaves the open uploads at once (a rename), and the object
    // is assembled after the answer, as S3 answers without the client waiting on the object's size. Requests that
    // read the key, or list the bucket, wait for the assembly (`settled`).
    const staging = path.join(store.getResourcePath(bucket, undefined, 'completing'), uploadId);
    await fs.mkdir(path.dirname(staging), { recursive: true });
    await fs.rename(uploadDir, staging);
    kmsUploads.delete(uploadDir);
    for (const name of partFiles) {
      partEtags.delete(path.join(uploadDir, name));
    }
    const id = `${bucket}/${key}`;
    const before = assemblies.get(id) ?? Promise.resolve();
    const assembly = before.then(async () => {
      // Assembled beside the parts and renamed into place: a reader of the key's earlier object keeps reading it whole.
      const assembled = path.join(staging, 'object');
      const objectPath = store.getResourcePath(bucket, key, 'object');
      await concatenate(partFiles.map((name) => path.join(staging, name)), assembled);
      await fs.mkdir(path.dirname(objectPath), { recursive: true });
      await store.putMetadata(bucket, key, object.metadata, etag);
      await fs.rename(assembled, objectPath);
      await fs.rm(staging, { recursive: true, force: true });
    }).catch((error: unknown) => {
      failures.push(new Error(`assembling s3://${id} from ${staging} failed: ${(error as Error).message}`, { cause: error }));
    }).finally(() => {
      if (assemblies.get(id) === assembly) {
        assemblies.delete(id);
      }
    });
    assemblies.set(id, assembly);
    return { md5: etag, size: sizes.reduce((sum, size) => sum + size, 0) };
  };

  const pendingOf = (bucket: string, key: string) => (key
    ? [assemblies.get(`${bucket}/${key}`)].filter((assembly) => assembly !== undefined)
    : [...assemblies.entries()].filter(([id]) => id.startsWith(`${bucket}/`)).map(([, assembly]) => assembly));
  return {
    settled: async (bucket, key) => {
      // Again until none is left: a completion of the same key may have been registered while waiting.
      for (let pending = pendingOf(bucket, key); pending.length > 0; pending = pendingOf(bucket, key)) {
        await Promise.all(pending);
      }
    },
    assembling: (bucket, key) => assemblies.has(`${bucket}/${key}`),
    idle: async () => {
      await Promise.all([...assemblies.values()]);
      if (failures.length > 0) {
        throw failures[0];
      }
    },
  };
}

/** Writes the files, in order, into `target` with `cat` (copy_file_range: the bytes stay in the kernel). */
async function concatenate(files: readonly string[], target: string): Promise<void> {
  const fd = openSync(target, 'w');
  try {
    await new Promise<void>((resolve, reject) => {
      let stderr = '';
      const child = spawn('cat', ['--', ...files], { stdio: ['ignore', fd, 'pipe'] });
      child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
      child.once('error', reject);
      child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`cat of ${files.length} parts into ${target} exited ${code}: ${stderr}`))));
    });
  } finally {
    closeSync(fd);
  }
}
