// One pg-dump run: settings checked first, the key refused if it exists, the source connected and its version
// checked, one snapshot exported for pg_dump and the row counts, the dump streamed to S3 (upload.ts), then
// `<key>.manifest.json`. `runPgDump` takes plain inputs, so tests run it against a real PostgreSQL and s3rver.
//
// An existing key is never overwritten: a listing of the key before dumping (bucket.ts), and `If-None-Match: *` on
// the upload and the manifest (real S3 refuses with 412 when a concurrent run wrote the key first).
import { ChildProcess } from 'node:child_process';
import { S3Client } from '@aws-sdk/client-s3';
import { DumpManifest, JOB_METRIC } from '../../lib/private/job-contract';
import { dumpKey, normalizePrefix, validateDatabaseSegment } from '../shared/keys';
import { createJobLogger, Logger, progressFigures } from '../shared/logger';
import { MetricsRecorder, recordJobMetric } from '../shared/metrics';
import {
  checkServerVersion,
  childProcessEnv,
  clientMajor as readClientMajor,
  connect,
  ConnectionOptions,
  describeTarget,
  libpqEnv,
  parseSslMode,
  serverVersionNum,
} from '../shared/postgres';
import { DatabaseSecret, errorMessage } from '../shared/secret';
import { deadlineSignal } from '../shared/aws-clients';
import { assertKeyAbsent, writeManifest } from './bucket';
import { parseCompression } from './compression';
import {
  checkLockWaitTimeout,
  checkPartSize,
  checkQueueSize,
  DEFAULT_COMPRESSION,
  DEFAULT_EXACT_COUNT_MAX_BYTES,
  DEFAULT_LOCK_WAIT_TIMEOUT_SECONDS,
  DEFAULT_PART_SIZE_MIB,
  DEFAULT_PROGRESS_INTERVAL_MS,
  DEFAULT_QUEUE_SIZE,
  DEFAULT_SAFETY_MARGIN_MS,
  DEFAULT_WATCHDOG_INTERVAL_MS,
  JOB_NAME,
  MIB,
  parseStorageClass,
} from './config';
import { describeLockHolders } from './locks';
import { PG_DUMP_OUTPUT_BUFFER, STDBUF_PATH, stdbufWorks } from './pg-dump-process';
import { dumpedCounts, settle } from './row-counts';
import { streamDumpToS3 } from './upload';
import { checkTimeToStart } from './watchdog';

export interface PgDumpInput {
  readonly s3: S3Client;
  readonly bucket: string;
  /** Key prefix ('' or ending in '/'; a leading '/' is dropped and a missing trailing '/' added). */
  readonly prefix: string;
  /** Logical database name: key segment and metric dimension (not necessarily the secret's dbname). */
  readonly database: string;
  /** The source database secret, or a function reading it (its failure counts as a failed backup). */
  readonly secret: DatabaseSecret | ((abortSignal?: AbortSignal) => Promise<DatabaseSecret>);
  /** KMS key for SSE-KMS (`SSEKMSKeyId`); default the bucket's default key (still `aws:kms`). */
  readonly kmsKeyId?: string;
  /** `ExpectedBucketOwner` of every request; default none. */
  readonly expectedBucketOwner?: string;
  /** Default 'gzip:3'; see `parseCompression`. */
  readonly compression?: string;
  /** Multipart part size; default 16 MiB, 5 MiB-5 GiB. Max dump size is 10,000 parts. */
  readonly partSizeBytes?: number;
  /** Parts uploaded in parallel; default 2, 1-4. */
  readonly queueSize?: number;
  /** S3 storage class of the dump object (`DUMP_STORAGE_CLASSES`); default STANDARD. The manifest stays STANDARD. */
  readonly storageClass?: string;
  /** libpq sslmode; default 'verify-full'. */
  readonly sslMode?: string;
  readonly sslRootCert?: string;
  /** Default 10. */
  readonly connectTimeoutSeconds?: number;
  readonly metrics: MetricsRecorder;
  /** Default a Powertools logger with job and database. */
  readonly logger?: Logger;
  /** Wall clock for the key timestamp and `startedAt`; default `new Date()`. */
  readonly clock?: () => Date;
  /** Milliseconds left before the deadline (Lambda's `context.getRemainingTimeInMillis`); default no deadline. */
  readonly remainingTimeMs?: () => number;
  /** Stop this long before the deadline; default 60 s. */
  readonly safetyMarginMs?: number;
  /** How often the watchdog looks at the remaining time; default 1 s. */
  readonly watchdogIntervalMs?: number;
  /** Default 10 s. */
  readonly progressIntervalMs?: number;
  /** Default 'pg_dump' (from PATH). */
  readonly pgDumpPath?: string;
  /** pg_dump major version; default read from `pg_dump --version` (tests inject a lower one). */
  readonly clientMajor?: number;
  /**
   * How long pg_dump (`--lock-wait-timeout`) and the row counts (`lock_timeout`) wait for a table's lock before the
   * run fails naming the table and who holds the lock; default 60 s.
   */
  readonly lockWaitTimeoutSeconds?: number;
  /** Tables up to this size on disk get an exact count(*); default 16 MiB. */
  readonly exactCountMaxBytes?: number;
  /** Test hook, called from the stream after every chunk of pg_dump output with the bytes so far. */
  readonly onBytes?: (bytesSoFar: number, pgDump: ChildProcess) => void;
}

export interface PgDumpResult {
  readonly bucket: string;
  readonly key: string;
  readonly manifestKey: string;
  readonly manifest: DumpManifest;
}

/**
 * Dumps the database to S3 and writes the manifest. On success records BackupSuccess 1, BackupSizeBytes and
 * BackupDurationSeconds; on any failure only BackupSuccess 0. Either way the metrics are flushed.
 */
export async function runPgDump(input: PgDumpInput): Promise<PgDumpResult> {
  const logger = input.logger ?? createJobLogger(JOB_NAME, input.database);
  try {
    const result = await dumpToS3(input, logger);
    recordJobMetric(input.metrics, JOB_METRIC.BACKUP_SUCCESS, 1);
    recordJobMetric(input.metrics, JOB_METRIC.BACKUP_SIZE_BYTES, result.manifest.sizeBytes);
    recordJobMetric(input.metrics, JOB_METRIC.BACKUP_DURATION_SECONDS, result.manifest.durationSeconds);
    input.metrics.flush();
    return result;
  } catch (error) {
    logger.error('backup failed', { error: errorMessage(error) });
    recordFailure(input.metrics, logger);
    throw error;
  }
}

/**
 * Records and flushes BackupSuccess 0, the only metric of a failed run (no size, no duration); a failing flush is
 * logged, the job's own error is what is thrown.
 */
export function recordFailure(metrics: MetricsRecorder, logger: Logger): void {
  try {
    recordJobMetric(metrics, JOB_METRIC.BACKUP_SUCCESS, 0);
    metrics.flush();
  } catch (flushError) {
    logger.error('could not publish the failure metric', { error: errorMessage(flushError) });
  }
}

async function dumpToS3(input: PgDumpInput, logger: Logger): Promise<PgDumpResult> {
  const started = process.hrtime.bigint();
  const elapsedSeconds = () => Number(process.hrtime.bigint() - started) / 1e9;
  // Whole seconds: the key has second precision and the manifest's startedAt must equal it.
  const startedAt = new Date(Math.floor((input.clock ?? (() => new Date()))().getTime() / 1000) * 1000);
  const database = validateDatabaseSegment(input.database);
  const key = dumpKey(normalizePrefix(input.prefix), database, startedAt);
  logger.appendKeys({ bucket: input.bucket, key });

  // Configuration first: a bad setting fails before any work.
  const partSizeBytes = checkPartSize(input.partSizeBytes ?? DEFAULT_PART_SIZE_MIB * MIB);
  const queueSize = checkQueueSize(input.queueSize ?? DEFAULT_QUEUE_SIZE);
  parseSslMode(input.sslMode, input.sslRootCert);
  const storageClass = parseStorageClass(input.storageClass);
  const pgDumpPath = input.pgDumpPath ?? 'pg_dump';
  const clientMajorVersion = input.clientMajor ?? (await readClientMajor(pgDumpPath));
  const compression = parseCompression(input.compression ?? DEFAULT_COMPRESSION, clientMajorVersion);
  const lockWaitMs = checkLockWaitTimeout(input.lockWaitTimeoutSeconds ?? DEFAULT_LOCK_WAIT_TIMEOUT_SECONDS) * 1000;
  const remaining = input.remainingTimeMs ?? (() => Number.POSITIVE_INFINITY);
  const safetyMarginMs = input.safetyMarginMs ?? DEFAULT_SAFETY_MARGIN_MS;
  checkTimeToStart(remaining(), safetyMarginMs);
  // Checked here, before the snapshot's transaction is open (it runs a process, synchronously, the first time).
  // Once per run: the log line says what the spawn then does.
  const useStdbuf = stdbufWorks();
  const pgDumpOutputBuffer = useStdbuf ? PG_DUMP_OUTPUT_BUFFER : `stdio's own (no working ${STDBUF_PATH})`;

  // Each call ends, at the latest, a quarter of the safety margin before the deadline: time to report the failure.
  const callSignal = () => deadlineSignal(remaining(), safetyMarginMs / 4);
  const s3Target = { s3: input.s3, bucket: input.bucket, expectedBucketOwner: input.expectedBucketOwner, callSignal };
  await assertKeyAbsent(s3Target, key);

  const secret = typeof input.secret === 'function' ? await input.secret(callSignal()) : input.secret;
  const connection: ConnectionOptions = {
    secret,
    sslMode: input.sslMode,
    sslRootCert: input.sslRootCert,
    connectTimeoutSeconds: input.connectTimeoutSeconds,
    applicationName: 'cdk-backup-dr pg-dump',
  };
  const client = await connect(connection);
  try {
    const serverVersion = await serverVersionNum(client);
    checkServerVersion(serverVersion, clientMajorVersion, 'pg_dump');
    // One snapshot for pg_dump and the row counts, so the manifest describes exactly what was dumped.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    // A table locked by another session (ALTER TABLE, VACUUM FULL, TRUNCATE...) stops the counts and pg_dump after
    // this long, not at the deadline: the error then names the table and the lock, not the dump's size or speed.
    await client.query(`SET LOCAL lock_timeout = '${lockWaitMs}ms'`);
    const snapshot = (await client.query<{ snapshot: string }>('SELECT pg_export_snapshot() AS snapshot')).rows[0].snapshot;
    logger.info('pg_dump starting', {
      source: describeTarget(connection),
      serverVersionNum: serverVersion,
      clientMajor: clientMajorVersion,
      compression: compression.spec,
      partSizeMiB: partSizeBytes / MIB,
      queueSize,
      pgDumpOutputBuffer,
    });
    const rowCounts = settle(dumpedCounts(client, input.exactCountMaxBytes ?? DEFAULT_EXACT_COUNT_MAX_BYTES));
    const uploaded = await streamDumpToS3({
      ...s3Target,
      key,
      kmsKeyId: input.kmsKeyId,
      storageClass,
      partSizeBytes,
      queueSize,
      pgDumpPath,
      useStdbuf,
      pgDumpArgs: ['--format=custom', `--compress=${compression.pgDumpArg}`, '--no-password', `--snapshot=${snapshot}`,
        `--lock-wait-timeout=${lockWaitMs}`],
      lockWaitMs,
      lockHolders: (table) => describeLockHolders(connection, table),
      env: childProcessEnv(libpqEnv(connection)),
      rowCounts,
      logger,
      remaining,
      safetyMarginMs,
      watchdogIntervalMs: input.watchdogIntervalMs ?? DEFAULT_WATCHDOG_INTERVAL_MS,
      progressIntervalMs: input.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS,
      onBytes: input.onBytes,
    });
    const counted = await rowCounts;
    if (!counted.ok) {
      // Unreachable: the upload is only completed after the counts succeeded.
      throw counted.error;
    }
    // The read-only snapshot transaction is rolled back when the connection closes (finally); nothing to commit.
    const durationSeconds = Math.round(elapsedSeconds() * 1000) / 1000;
    const manifest: DumpManifest = {
      formatVersion: 1,
      database,
      key,
      sizeBytes: uploaded.sizeBytes,
      sha256: uploaded.sha256,
      startedAt: startedAt.toISOString(),
      durationSeconds,
      serverVersionNum: serverVersion,
      clientMajor: clientMajorVersion,
      compression: compression.spec,
      tables: counted.value.tables,
      materializedViews: counted.value.materializedViews,
      largeObjects: counted.value.largeObjects,
    };
    const manifestObjectKey = await writeManifest(s3Target, manifest, input.kmsKeyId);
    logger.info('backup complete', { manifestKey: manifestObjectKey, tables: manifest.tables.length,
      materializedViews: counted.value.materializedViews.length, largeObjects: counted.value.largeObjects.count, ...progressFigures(manifest.sizeBytes, durationSeconds), sha256: manifest.sha256 });
    return { bucket: input.bucket, key, manifestKey: manifestObjectKey, manifest };
  } finally {
    await client.end().catch((error: unknown) => logger.warn('closing the PostgreSQL connection failed', { error: errorMessage(error) }));
  }
}
