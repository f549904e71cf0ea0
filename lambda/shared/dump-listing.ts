// Listing the objects of one database's dump prefix, as the verify job and the restore command both choose a dump.
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';

/**
 * Key → size of the objects directly under `listPrefix` (`<prefix><database>/`; a deeper key belongs to something
 * else), every page read.
 */
export async function listDumpObjects(
  s3: S3Client, bucket: string, listPrefix: string, expectedBucketOwner: string | undefined, signal?: AbortSignal,
): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({
      Bucket: bucket, Prefix: listPrefix, ContinuationToken: token, ExpectedBucketOwner: expectedBucketOwner,
    }), { abortSignal: signal });
    for (const o of page.Contents ?? []) {
      if (o.Key !== undefined && !o.Key.slice(listPrefix.length).includes('/')) found.set(o.Key, o.Size ?? 0);
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return found;
}
