// Choosing the dump to restore: the newest one that has a manifest, the newest taken at or before a time, or a
// named key; its manifest is read and checked against the listed object before anything is downloaded.
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { listDumpObjects } from '../../lambda/shared/dump-listing';
import type { DumpManifest } from '../../lib/private/job-contract';
import { dumpKeyPrefix, dumpKeysNewestFirst, manifestKey, parseDumpKey } from '../../lambda/shared/keys';
import { parseManifest } from '../../lambda/verify-dump/manifest';
import { awsFailure } from '../aws-errors';
import { CliError, EXIT } from '../exit-codes';

export interface DumpSource {
  readonly bucket: string;
  /** Key prefix of the dump job ('' or ending in '/'). */
  readonly prefix: string;
  /** The logical database: the key segment `<prefix><database>/`. */
  readonly database: string;
  readonly expectedBucketOwner?: string;
}

export interface DumpChoice {
  /** A dump key to restore exactly. */
  readonly key?: string;
  /** The newest dump started at or before this time. */
  readonly before?: Date;
}

export interface SelectedDump {
  readonly key: string;
  readonly manifest: DumpManifest;
  /** Size of the object in the listing. */
  readonly listedSize: number;
  /** Newer dumps passed over: without a manifest (still running, or failed), or after `before`. */
  readonly passedOver: readonly string[];
}

/** Lists `<prefix><database>/` (one level only). */
async function listDumpPrefix(s3: S3Client, source: DumpSource, signal?: AbortSignal): Promise<Map<string, number>> {
  const listPrefix = dumpKeyPrefix(source.prefix, source.database);
  try {
    return await listDumpObjects(s3, source.bucket, listPrefix, source.expectedBucketOwner, signal);
  } catch (err) {
    throw awsFailure(err, `listing s3://${source.bucket}/${listPrefix}`, 's3:ListBucket')
      ?? new CliError(EXIT.FAILED, `listing s3://${source.bucket}/${listPrefix} failed: ${(err as Error).message}`, { cause: err });
  }
}

async function readManifest(s3: S3Client, source: DumpSource, key: string, signal?: AbortSignal): Promise<DumpManifest> {
  const where = `s3://${source.bucket}/${manifestKey(key)}`;
  let text: string;
  try {
    const res = await s3.send(new GetObjectCommand({
      Bucket: source.bucket, Key: manifestKey(key), ExpectedBucketOwner: source.expectedBucketOwner,
    }), { abortSignal: signal });
    if (!res.Body) throw new Error('the response has no body');
    text = await res.Body.transformToString('utf8');
  } catch (err) {
    throw awsFailure(err, `reading ${where}`, 's3:GetObject')
      ?? new CliError(EXIT.FAILED, `reading ${where} failed: ${(err as Error).message}`, { cause: err });
  }
  try {
    return parseManifest(text, where, key, source.database);
  } catch (err) {
    throw new CliError(EXIT.INTEGRITY, (err as Error).message, { cause: err });
  }
}

/** Finds the dump to restore and reads its manifest. */
export async function selectDump(s3: S3Client, source: DumpSource, choice: DumpChoice, signal?: AbortSignal): Promise<SelectedDump> {
  const listPrefix = dumpKeyPrefix(source.prefix, source.database);
  const location = `s3://${source.bucket}/${listPrefix}`;
  const sizes = await listDumpPrefix(s3, source, signal);
  const dumps = dumpKeysNewestFirst([...sizes.keys()]);
  if (choice.key !== undefined) {
    const parsed = parseDumpKey(choice.key);
    if (!parsed || !choice.key.startsWith(listPrefix)) {
      throw new CliError(EXIT.USAGE, `--key '${choice.key}' is not a dump of '${source.database}': dump keys look like `
        + `${listPrefix}2026-01-02T03-04-05Z.dump (${dumps.length > 0 ? `newest: ${dumps[0]}` : `none under ${location}`})`);
    }
    if (!sizes.has(choice.key)) {
      throw new CliError(EXIT.USAGE, `no object ${choice.key} in s3://${source.bucket}; list the dumps with `
        + `\`aws s3 ls ${location}\`${dumps.length > 0 ? ` (newest: ${dumps[0]})` : ''}`);
    }
    if (!sizes.has(manifestKey(choice.key))) {
      throw new CliError(EXIT.INTEGRITY, `${choice.key} has no manifest (${manifestKey(choice.key)}): the dump job writes it only `
        + 'after the dump completed, so this dump is incomplete or its run failed; choose another dump');
    }
    return { key: choice.key, manifest: await readManifest(s3, source, choice.key, signal), listedSize: sizes.get(choice.key) ?? 0, passedOver: [] };
  }
  const passedOver: string[] = [];
  for (const key of dumps) {
    const startedAt = (parseDumpKey(key) as { startedAt: Date }).startedAt;
    if (choice.before && startedAt.getTime() > choice.before.getTime()) {
      passedOver.push(key);
      continue;
    }
    if (!sizes.has(manifestKey(key))) {
      passedOver.push(key);
      continue;
    }
    return { key, manifest: await readManifest(s3, source, key, signal), listedSize: sizes.get(key) ?? 0, passedOver };
  }
  const before = choice.before ? ` taken at or before ${choice.before.toISOString()}` : '';
  throw new CliError(EXIT.USAGE, dumps.length === 0
    ? `no dump under ${location}; check --bucket, --prefix and --database (the PgDumpJob's bucket, prefix and database name)`
    : `no dump with a manifest${before} under ${location} (${dumps.length} dump(s), oldest ${dumps[dumps.length - 1]}); `
      + (before ? 'choose a later --before' : 'the dump job writes the manifest after the dump completed: check its runs'));
}
