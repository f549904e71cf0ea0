// The job's requests to the dump bucket around the upload: refusing a key that exists, and writing the manifest.
// Both send `ExpectedBucketOwner`; the manifest is written with SSE-KMS and `If-None-Match: *` like the dump.
import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DumpManifest } from '../../lib/private/job-contract';
import { manifestKey } from '../shared/keys';
import { errorMessage } from '../shared/secret';

/** The dump bucket and the client that reaches it. */
export interface S3Target {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly expectedBucketOwner?: string;
  /** A signal per call that aborts it before the run's deadline; default none. */
  readonly callSignal?: () => AbortSignal | undefined;
}

/**
 * Refuses a key whose dump or manifest exists. ListObjectsV2 with `Prefix = <key>` rather than HeadObject: the
 * job may list its prefix (s3:ListBucket) but not read objects, and HeadObject needs s3:GetObject (403 without).
 */
export async function assertKeyAbsent(target: S3Target, key: string): Promise<void> {
  let existing: string[];
  try {
    const listed = await target.s3.send(new ListObjectsV2Command({
      Bucket: target.bucket,
      Prefix: key,
      MaxKeys: 10,
      ExpectedBucketOwner: target.expectedBucketOwner,
    }), { abortSignal: target.callSignal?.() });
    existing = (listed.Contents ?? []).map((object) => object.Key ?? '').filter((found) => found === key || found === manifestKey(key));
  } catch (error) {
    throw new Error(`cannot check whether s3://${target.bucket}/${key} exists: ${errorMessage(error)} (the job needs s3:ListBucket on its prefix; check the bucket owner ${target.expectedBucketOwner ?? '(not set)'})`, { cause: error });
  }
  if (existing.length > 0) {
    throw new Error(`s3://${target.bucket}/${existing[0]} already exists; refusing to overwrite a backup (is another run of this job writing the same second?)`);
  }
}

/** Writes `<dump key>.manifest.json` (storage class STANDARD); the dump object must be complete already. */
export async function writeManifest(target: S3Target, manifest: DumpManifest, kmsKeyId: string | undefined): Promise<string> {
  const key = manifestKey(manifest.key);
  try {
    await target.s3.send(new PutObjectCommand({
      Bucket: target.bucket,
      Key: key,
      Body: JSON.stringify(manifest, null, 2),
      ContentType: 'application/json',
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: kmsKeyId,
      IfNoneMatch: '*',
      ExpectedBucketOwner: target.expectedBucketOwner,
    }), { abortSignal: target.callSignal?.() });
  } catch (error) {
    throw new Error(`the dump s3://${target.bucket}/${manifest.key} was uploaded but writing its manifest ${key} failed: ${errorMessage(error)}; without a manifest the dump is not verified (check the bucket policy and KMS key permissions)`, { cause: error });
  }
  return key;
}
