// Downloading an S3 object to a new local file while hashing it (SHA-256), as both the verify job and the
// restore command compare a dump with its manifest before pg_restore reads it.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';

export interface DownloadRequest {
  readonly bucket: string;
  readonly key: string;
  /** Account that must own the bucket (`ExpectedBucketOwner`). @default - not checked */
  readonly expectedBucketOwner?: string;
  /** The file to create; it must not exist (created 0600). */
  readonly file: string;
  readonly signal?: AbortSignal;
  /** Called with the byte count after every chunk (progress display). */
  readonly onBytes?: (bytes: number) => void;
}

export interface Downloaded {
  readonly bytes: number;
  /** Lower-case hex SHA-256 of the bytes written. */
  readonly sha256: string;
}

/** Streams `s3://bucket/key` into `file`, counting and hashing the bytes on the way. */
export async function downloadHashing(s3: S3Client, request: DownloadRequest): Promise<Downloaded> {
  const res = await s3.send(new GetObjectCommand({
    Bucket: request.bucket, Key: request.key, ExpectedBucketOwner: request.expectedBucketOwner,
  }), { abortSignal: request.signal });
  if (!(res.Body instanceof Readable)) throw new Error('the response body is not a Node.js stream');
  const hash = createHash('sha256');
  let bytes = 0;
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      bytes += chunk.length;
      request.onBytes?.(bytes);
      callback(null, chunk);
    },
  });
  await pipeline(res.Body, hashing, createWriteStream(request.file, { flags: 'wx', mode: 0o600 }), { signal: request.signal });
  return { bytes, sha256: hash.digest('hex') };
}
