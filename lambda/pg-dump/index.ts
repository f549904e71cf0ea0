// pg-dump job: pg_dump --format=custom of one database, streamed through SHA-256 into a multipart upload with
// SSE-KMS, then `<key>.manifest.json`. `handler` only reads the environment (DUMP_ENV of the job contract) and calls
// `runPgDump`, which takes plain inputs so tests run it against a real PostgreSQL and s3rver.
//
// Guarantees:
// - the dump object becomes visible only when pg_dump exited 0, its output began with `PGDMP` and the table row
//   counts were taken: the upload's input stream is ended only then and destroyed with the error otherwise, and
//   `@aws-sdk/lib-storage` completes a multipart upload only when its input ends (a dump smaller than one part is
//   sent by a single PutObject, also only at the end); on failure the multipart upload is aborted and the abort is
//   confirmed with our own AbortMultipartUpload (NoSuchUpload = already aborted);
// - an existing key is never overwritten: a listing of the key before dumping (ListObjectsV2, which the job's
//   s3:ListBucket allows; HeadObject would need s3:GetObject), and `If-None-Match: *` on the upload and the
//   manifest (real S3 refuses with 412 when a concurrent run wrote the key first);
// - memory is bounded: no temp file; at most about (queueSize + 2) x partSize bytes are buffered;
// - the manifest's row counts are taken in the same snapshot pg_dump dumps (`pg_export_snapshot()` + `--snapshot`):
//   exact `count(*)` for tables up to `exactCountMaxBytes` on disk (and for never-analyzed tables), otherwise the
//   planner estimate `pg_class.reltuples` (`exact: false`). Only ordinary tables and leaf partitions are listed
//   (a partitioned parent holds no rows of its own); extension member tables are left out;
// - a watchdog stops pg_dump and aborts the upload `safetyMarginMs` before the Lambda deadline;
// - BackupSuccess 1/0 is flushed on success and on every failure; errors say what failed and what to check.
import { ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { Transform, TransformCallback } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  StorageClass,
} from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Upload } from '@aws-sdk/lib-storage';
import type { Client } from 'pg';
import { DUMP_ENV, DUMP_STORAGE_CLASSES, DumpManifest, JOB_METRIC, ManifestTable } from '../../lib/private/job-contract';
import { Env, integerEnv, optionalEnv, requiredEnv } from '../shared/env';
import { dumpKey, manifestKey, normalizePrefix, validateDatabaseSegment } from '../shared/keys';
import { createJobLogger, Logger, progressFigures, startProgress } from '../shared/logger';
import { MetricsRecorder, PowertoolsMetricsRecorder, recordJobMetric } from '../shared/metrics';
import {
  BoundedCapture,
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
import { DatabaseSecret, errorMessage, getDatabaseSecret } from '../shared/secret';

export const JOB_NAME = 'pg-dump';
/** The job's default (`PgDumpJob` sets it too): level 3, see `DumpCompression.gzip`. */
export const DEFAULT_COMPRESSION = 'gzip:3';
export const DEFAULT_PART_SIZE_MIB = 16;
export const MIN_PART_SIZE_MIB = 5;
export const MAX_PART_SIZE_MIB = 5120;
export const DEFAULT_QUEUE_SIZE = 2;
export const DEFAULT_SAFETY_MARGIN_MS = 60_000;
export const DEFAULT_PROGRESS_INTERVAL_MS = 10_000;
export const DEFAULT_EXACT_COUNT_MAX_BYTES = 16 * 1024 * 1024;
const MIB = 1024 * 1024;
const DUMP_MAGIC = Buffer.from('PGDMP', 'ascii');
const KILL_GRACE_MS = 5_000;

// ---------------------------------------------------------------------------------------------------------------
// Compression
// ---------------------------------------------------------------------------------------------------------------

export interface PgDumpCompression {
  /** Normalized spec, recorded in the manifest: `gzip:6`, `lz4`, `zstd:3`, `none`. */
  readonly spec: string;
  /** The value of pg_dump's `--compress`. */
  readonly pgDumpArg: string;
}

/** Validates a dump storage class; `undefined` keeps S3's STANDARD. */
export function parseStorageClass(value: string | undefined): StorageClass | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (!(DUMP_STORAGE_CLASSES as readonly string[]).includes(value)) {
    throw new Error(
      `storage class '${value}' is not one a dump may be written in; use ${DUMP_STORAGE_CLASSES.join(', ')} (GLACIER and ` +
        'DEEP_ARCHIVE objects cannot be read without a restore: reach them with a lifecycle transition)',
    );
  }
  return value as StorageClass;
}

/**
 * Validates a compression spec for a pg_dump major: `gzip[:0-9]` (default level 6), `lz4[:1-12]` and
 * `zstd[:1-22]` (pg_dump >= 16 only), `none`. gzip uses pg_dump's integer form, which every version reads.
 */
export function parseCompression(spec: string, clientMajorVersion: number): PgDumpCompression {
  const match = /^(gzip|lz4|zstd|none)(?::(\d+))?$/.exec(spec.trim().toLowerCase());
  if (!match) {
    throw new Error(`compression '${spec}' is not valid; use gzip:<0-9>, lz4[:1-12], zstd[:1-22] or none`);
  }
  const method = match[1];
  const level = match[2] === undefined ? undefined : Number(match[2]);
  if (method === 'none') {
    if (level !== undefined) {
      throw new Error(`compression '${spec}' is not valid: none takes no level`);
    }
    return { spec: 'none', pgDumpArg: '0' };
  }
  if (method === 'gzip') {
    const gzipLevel = level ?? 6;
    if (gzipLevel > 9) {
      throw new Error(`compression '${spec}': the gzip level must be 0-9`);
    }
    return { spec: `gzip:${gzipLevel}`, pgDumpArg: String(gzipLevel) };
  }
  if (clientMajorVersion < 16) {
    throw new Error(`compression '${spec}' needs pg_dump 16 or newer, but the job's pg_dump is ${clientMajorVersion}; use gzip:<0-9> or rebuild the image with a newer client`);
  }
  const max = method === 'lz4' ? 12 : 22;
  if (level !== undefined && (level < 1 || level > max)) {
    throw new Error(`compression '${spec}': the ${method} level must be 1-${max}`);
  }
  const normalized = level === undefined ? method : `${method}:${level}`;
  return { spec: normalized, pgDumpArg: normalized };
}

// ---------------------------------------------------------------------------------------------------------------
// Inputs and outputs
// ---------------------------------------------------------------------------------------------------------------

export interface PgDumpInput {
  readonly s3: S3Client;
  readonly bucket: string;
  /** Key prefix ('' or ending in '/'; a missing trailing '/' is added). */
  readonly prefix: string;
  /** Logical database name: key segment and metric dimension (not necessarily the secret's dbname). */
  readonly database: string;
  /** The source database secret, or a function reading it (its failure counts as a failed backup). */
  readonly secret: DatabaseSecret | (() => Promise<DatabaseSecret>);
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

// ---------------------------------------------------------------------------------------------------------------
// The job
// ---------------------------------------------------------------------------------------------------------------

/** Dumps the database to S3 and writes the manifest; records BackupSuccess/Size/Duration and flushes them. */
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

/** Records and flushes BackupSuccess 0; a failing flush is logged, the job's own error is what is thrown. */
function recordFailure(metrics: MetricsRecorder, logger: Logger): void {
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
  const manifestObjectKey = manifestKey(key);
  logger.appendKeys({ bucket: input.bucket, key });

  // Configuration first: a bad setting fails before any work.
  const partSizeBytes = input.partSizeBytes ?? DEFAULT_PART_SIZE_MIB * MIB;
  if (!Number.isInteger(partSizeBytes) || partSizeBytes < MIN_PART_SIZE_MIB * MIB || partSizeBytes > MAX_PART_SIZE_MIB * MIB) {
    throw new Error(`part size ${partSizeBytes} bytes is outside S3's multipart limits ${MIN_PART_SIZE_MIB} MiB-${MAX_PART_SIZE_MIB} MiB`);
  }
  const queueSize = input.queueSize ?? DEFAULT_QUEUE_SIZE;
  if (!Number.isInteger(queueSize) || queueSize < 1 || queueSize > 4) {
    throw new Error(`upload queue size ${queueSize} must be 1-4 (memory is about (queueSize + 2) x part size)`);
  }
  parseSslMode(input.sslMode, input.sslRootCert);
  const storageClass = parseStorageClass(input.storageClass);
  const pgDumpPath = input.pgDumpPath ?? 'pg_dump';
  const clientMajorVersion = input.clientMajor ?? (await readClientMajor(pgDumpPath));
  const compression = parseCompression(input.compression ?? DEFAULT_COMPRESSION, clientMajorVersion);
  const remaining = input.remainingTimeMs ?? (() => Number.POSITIVE_INFINITY);
  const safetyMarginMs = input.safetyMarginMs ?? DEFAULT_SAFETY_MARGIN_MS;
  if (remaining() <= safetyMarginMs) {
    throw new Error(`watchdog: only ${remaining()} ms left before the deadline, less than the safety margin of ${safetyMarginMs} ms; not starting the dump`);
  }

  const s3Target = { s3: input.s3, bucket: input.bucket, expectedBucketOwner: input.expectedBucketOwner };
  await assertKeyAbsent(s3Target, key);

  const secret = typeof input.secret === 'function' ? await input.secret() : input.secret;
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
    const snapshot = (await client.query<{ snapshot: string }>('SELECT pg_export_snapshot() AS snapshot')).rows[0].snapshot;
    logger.info('pg_dump starting', {
      source: describeTarget(connection),
      serverVersionNum: serverVersion,
      clientMajor: clientMajorVersion,
      compression: compression.spec,
      partSizeMiB: partSizeBytes / MIB,
      queueSize,
    });
    const rowCounts = settle(tableRowCounts(client, input.exactCountMaxBytes ?? DEFAULT_EXACT_COUNT_MAX_BYTES));
    const uploaded = await streamDumpToS3({
      ...s3Target,
      key,
      kmsKeyId: input.kmsKeyId,
      storageClass,
      partSizeBytes,
      queueSize,
      pgDumpPath,
      pgDumpArgs: ['--format=custom', `--compress=${compression.pgDumpArg}`, '--no-password', `--snapshot=${snapshot}`],
      env: childProcessEnv(libpqEnv(connection)),
      rowCounts,
      logger,
      remaining,
      safetyMarginMs,
      watchdogIntervalMs: input.watchdogIntervalMs ?? 1000,
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
      tables: counted.value,
    };
    try {
      await input.s3.send(new PutObjectCommand({
        Bucket: input.bucket,
        Key: manifestObjectKey,
        Body: JSON.stringify(manifest, null, 2),
        ContentType: 'application/json',
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: input.kmsKeyId,
        IfNoneMatch: '*',
        ExpectedBucketOwner: input.expectedBucketOwner,
      }));
    } catch (error) {
      throw new Error(`the dump s3://${input.bucket}/${key} was uploaded but writing its manifest ${manifestObjectKey} failed: ${errorMessage(error)}; without a manifest the dump is not verified (check the bucket policy and KMS key permissions)`, { cause: error });
    }
    logger.info('backup complete', { manifestKey: manifestObjectKey, tables: manifest.tables.length, ...progressFigures(manifest.sizeBytes, durationSeconds), sha256: manifest.sha256 });
    return { bucket: input.bucket, key, manifestKey: manifestObjectKey, manifest };
  } finally {
    await client.end().catch((error: unknown) => logger.warn('closing the PostgreSQL connection failed', { error: errorMessage(error) }));
  }
}

interface S3Target {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly expectedBucketOwner?: string;
}

/**
 * Refuses a key whose dump or manifest exists. ListObjectsV2 with `Prefix = <key>` rather than HeadObject: the
 * job may list its prefix (s3:ListBucket) but not read objects, and HeadObject needs s3:GetObject (403 without).
 */
async function assertKeyAbsent(target: S3Target, key: string): Promise<void> {
  let existing: string[];
  try {
    const listed = await target.s3.send(new ListObjectsV2Command({
      Bucket: target.bucket,
      Prefix: key,
      MaxKeys: 10,
      ExpectedBucketOwner: target.expectedBucketOwner,
    }));
    existing = (listed.Contents ?? []).map((object) => object.Key ?? '').filter((found) => found === key || found === manifestKey(key));
  } catch (error) {
    throw new Error(`cannot check whether s3://${target.bucket}/${key} exists: ${errorMessage(error)} (the job needs s3:ListBucket on its prefix; check the bucket owner ${target.expectedBucketOwner ?? '(not set)'})`, { cause: error });
  }
  if (existing.length > 0) {
    throw new Error(`s3://${target.bucket}/${existing[0]} already exists; refusing to overwrite a backup (is another run of this job writing the same second?)`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Row counts
// ---------------------------------------------------------------------------------------------------------------

type Settled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

/** A promise that never rejects (so a failure nobody awaits yet is not an unhandled rejection). */
function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Row counts of the ordinary tables and leaf partitions, exact up to `exactCountMaxBytes`, else estimated. */
export async function tableRowCounts(client: Client, exactCountMaxBytes: number): Promise<ManifestTable[]> {
  const tables = await client.query<{ schema: string; name: string; reltuples: number; bytes: string }>(`
    SELECT n.nspname AS schema, c.relname AS name, c.reltuples::float8 AS reltuples, pg_relation_size(c.oid) AS bytes
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'r'
      AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
      AND NOT EXISTS (
        SELECT 1 FROM pg_depend d
        WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
    ORDER BY n.nspname, c.relname`);
  const result: ManifestTable[] = [];
  for (const table of tables.rows) {
    const name = `${table.schema}.${table.name}`;
    if (Number(table.bytes) <= exactCountMaxBytes || table.reltuples < 0) {
      const counted = await client.query<{ rows: string }>(`SELECT count(*) AS rows FROM ${quoteIdent(table.schema)}.${quoteIdent(table.name)}`);
      result.push({ name, rows: Number(counted.rows[0].rows), exact: true });
    } else {
      result.push({ name, rows: Math.round(table.reltuples), exact: false });
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// Streaming
// ---------------------------------------------------------------------------------------------------------------

/** Passes pg_dump's output through, hashing and counting it, and fails fast unless it starts with `PGDMP`. */
class DumpDigest extends Transform {
  public bytes = 0;
  public headerOk = false;
  /** Set when the output is not a custom-format archive. */
  public formatError: Error | undefined;
  private readonly hash = createHash('sha256');
  private header = Buffer.alloc(0);

  public constructor(private readonly onChunk?: (bytesSoFar: number) => void) {
    super();
  }

  public override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (!this.headerOk) {
      this.header = Buffer.concat([this.header, chunk.subarray(0, DUMP_MAGIC.length - this.header.length)]);
      if (this.header.length >= DUMP_MAGIC.length) {
        if (!this.header.equals(DUMP_MAGIC)) {
          this.formatError = new Error(`pg_dump output does not start with PGDMP (got ${JSON.stringify(this.header.toString('latin1'))}); not a custom-format archive`);
          callback(this.formatError);
          return;
        }
        this.headerOk = true;
      }
    }
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this.onChunk?.(this.bytes);
    callback(null, chunk);
  }

  public digest(): string {
    return this.hash.digest('hex');
  }
}

interface StreamOptions extends S3Target {
  readonly key: string;
  readonly kmsKeyId?: string;
  readonly storageClass?: StorageClass;
  readonly partSizeBytes: number;
  readonly queueSize: number;
  readonly pgDumpPath: string;
  readonly pgDumpArgs: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly rowCounts: Promise<Settled<ManifestTable[]>>;
  readonly logger: Logger;
  readonly remaining: () => number;
  readonly safetyMarginMs: number;
  readonly watchdogIntervalMs: number;
  readonly progressIntervalMs: number;
  readonly onBytes?: (bytesSoFar: number, pgDump: ChildProcess) => void;
}

interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly error?: Error;
}

/**
 * pg_dump stdout → DumpDigest → lib-storage Upload. The digest stream is ended only after pg_dump exited 0 with a
 * PGDMP header and the row counts succeeded; any failure destroys it, which makes lib-storage abort the upload.
 */
async function streamDumpToS3(options: StreamOptions): Promise<{ sizeBytes: number; sha256: string }> {
  const { logger } = options;
  const location = `s3://${options.bucket}/${options.key}`;
  const child = spawn(options.pgDumpPath, options.pgDumpArgs, { env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr = new BoundedCapture(16 * 1024);
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
    child.once('close', (code, signal) => resolve({ code, signal }));
  });

  let failure: Error | undefined;
  let streamEnded = false;
  let uploadSettled = false;
  let killTimer: NodeJS.Timeout | undefined;

  const body = new DumpDigest(options.onBytes ? (bytes) => options.onBytes?.(bytes, child) : undefined);
  const stopChild = (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
      return;
    }
    child.kill(signal);
    if (signal !== 'SIGKILL') {
      child.kill('SIGCONT'); // a stopped process handles SIGTERM only once continued
      killTimer ??= setTimeout(() => stopChild('SIGKILL'), KILL_GRACE_MS);
      killTimer.unref();
    }
  };
  const fail = (error: Error, signal: NodeJS.Signals = 'SIGTERM') => {
    failure ??= error;
    stopChild(signal);
    if (!streamEnded && !body.destroyed) {
      body.destroy(failure);
    }
  };
  body.on('error', (error) => {
    // Only the digest's own format error starts a failure here. When the upload gives up (e.g. a part failed),
    // lib-storage stops reading and Node destroys the stream with a generic AbortError; the upload's rejection,
    // which arrives once lib-storage has aborted the multipart upload, carries the real cause.
    if (error === body.formatError) {
      fail(error);
    }
  });
  child.stdout?.pipe(body, { end: false });

  const upload = new Upload({
    client: options.s3,
    partSize: options.partSizeBytes,
    queueSize: options.queueSize,
    leavePartsOnError: false,
    params: {
      Bucket: options.bucket,
      Key: options.key,
      Body: body,
      ContentType: 'application/octet-stream',
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: options.kmsKeyId,
      StorageClass: options.storageClass,
      IfNoneMatch: '*',
      ExpectedBucketOwner: options.expectedBucketOwner,
    },
  });
  let partsUploaded = 0;
  upload.on('httpUploadProgress', () => {
    partsUploaded += 1;
  });
  const uploadOutcome = upload.done().then(
    () => {
      uploadSettled = true;
    },
    (error: unknown) => {
      uploadSettled = true;
      fail(new Error(`upload to ${location} failed: ${errorMessage(error)} (check the bucket policy, the KMS key policy and the S3 endpoint)`, { cause: error }));
    },
  );

  const progress = startProgress(logger, {
    intervalMs: options.progressIntervalMs,
    message: 'pg_dump progress',
    bytes: () => body.bytes,
    extra: () => ({ partsUploaded }),
  });
  let watchdogFired = false;
  let hardStopped = false;
  const watchdog = setInterval(() => {
    const left = options.remaining();
    if (!watchdogFired && !streamEnded && left <= options.safetyMarginMs) {
      watchdogFired = true;
      const figures = progressFigures(body.bytes, progress.stop().seconds);
      fail(new Error(
        `watchdog: stopped pg_dump ${Math.round(left / 1000)} s before the deadline (safety margin ${options.safetyMarginMs / 1000} s) ` +
        `after ${figures.bytes} bytes (${figures.mibPerSecond} MiB/s); the upload was aborted. ` +
        'Raise the job timeout (Lambda max 15 min), use faster compression, or dump less per run',
      ), 'SIGKILL');
    } else if (!uploadSettled && !hardStopped && left <= options.safetyMarginMs / 2) {
      // The upload did not wind down in time (e.g. a hung part): stop waiting for it. done() rejects at once and
      // confirmAborted() aborts the multipart upload; a part still in flight may outlive that abort (S3 documents
      // that aborting again may be needed), which the bucket's abort-incomplete-multipart lifecycle rule covers.
      hardStopped = true;
      fail(new Error(`watchdog: the upload to ${location} did not stop within half the safety margin; aborted it`), 'SIGKILL');
      void upload.abort();
    }
  }, options.watchdogIntervalMs);
  watchdog.unref();

  try {
    const status = await exited;
    if (!failure) {
      if (status.error) {
        fail(new Error(`cannot run ${options.pgDumpPath}: ${status.error.message} (is the PostgreSQL client installed in the image?)`));
      } else if (status.code !== 0) {
        const how = status.signal ? `was killed by ${status.signal}` : `exited with code ${status.code}`;
        fail(new Error(`pg_dump ${how} after ${body.bytes} bytes; the upload was aborted. pg_dump stderr: ${stderr.text() || '(empty)'}`));
      } else if (!body.headerOk) {
        fail(new Error(`pg_dump exited 0 but wrote ${body.bytes} bytes without a PGDMP header; the upload was aborted`));
      }
    }
    if (!failure) {
      const counts = await options.rowCounts;
      if (!counts.ok) {
        fail(new Error(`counting the rows of the dumped tables failed: ${errorMessage(counts.error)}; the upload was aborted`, { cause: counts.error }));
      }
    }
    if (!failure) {
      streamEnded = true;
      body.end();
    }
    await uploadOutcome;
  } finally {
    clearInterval(watchdog);
    if (killTimer) {
      clearTimeout(killTimer);
    }
    progress.stop();
  }

  if (failure) {
    await confirmAborted(options, upload, logger);
    throw failure;
  }
  const warnings = stderr.text();
  if (warnings) {
    logger.warn('pg_dump wrote to stderr', { stderr: warnings });
  }
  return { sizeBytes: body.bytes, sha256: body.digest() };
}

/**
 * lib-storage aborts the multipart upload itself on failure; this confirms it with our own
 * AbortMultipartUpload, where NoSuchUpload means it is already gone. (The upload id is an internal field of
 * lib-storage's Upload; without it there was no multipart upload to abort, or lib-storage changed.)
 */
async function confirmAborted(options: StreamOptions, upload: Upload, logger: Logger): Promise<void> {
  const uploadId = (upload as unknown as { uploadId?: string }).uploadId;
  if (!uploadId) {
    return;
  }
  try {
    await options.s3.send(new AbortMultipartUploadCommand({
      Bucket: options.bucket,
      Key: options.key,
      UploadId: uploadId,
      ExpectedBucketOwner: options.expectedBucketOwner,
    }));
    logger.info('multipart upload aborted', { uploadId });
  } catch (error) {
    const name = (error as { name?: string }).name;
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (name === 'NoSuchUpload' || status === 404) {
      return;
    }
    logger.error('could not abort the multipart upload; the bucket lifecycle rule removes it after 1 day', { uploadId, error: errorMessage(error) });
    throw new Error(`could not abort multipart upload ${uploadId} of s3://${options.bucket}/${options.key}: ${errorMessage(error)}`, { cause: error });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Lambda handler
// ---------------------------------------------------------------------------------------------------------------

/** The job's configuration from the environment (DUMP_ENV of the job contract). */
export interface DumpConfig {
  readonly secretArn: string;
  readonly database: string;
  readonly bucket: string;
  readonly prefix: string;
  readonly bucketOwner?: string;
  readonly kmsKeyId?: string;
  readonly compression: string;
  readonly partSizeMiB: number;
  readonly storageClass?: StorageClass;
  readonly sslMode: string;
  readonly sslRootCert?: string;
}

function storageClassEnv(env: Env): StorageClass | undefined {
  try {
    return parseStorageClass(optionalEnv(env, DUMP_ENV.STORAGE_CLASS));
  } catch (error) {
    throw new Error(`${DUMP_ENV.STORAGE_CLASS}: ${errorMessage(error)}`, { cause: error });
  }
}

/** Reads and validates DUMP_ENV; errors name the variable. */
export function readDumpConfig(env: Env): DumpConfig {
  const sslRootCert = optionalEnv(env, DUMP_ENV.SSL_ROOT_CERT);
  const sslMode = optionalEnv(env, DUMP_ENV.SSL_MODE) ?? 'verify-full';
  try {
    parseSslMode(sslMode, sslRootCert);
  } catch (error) {
    throw new Error(`${DUMP_ENV.SSL_MODE}/${DUMP_ENV.SSL_ROOT_CERT}: ${errorMessage(error)}`, { cause: error });
  }
  const compression = optionalEnv(env, DUMP_ENV.COMPRESSION) ?? DEFAULT_COMPRESSION;
  // Syntax only here (the client version is known later): 99 accepts every method.
  try {
    parseCompression(compression, 99);
  } catch (error) {
    throw new Error(`${DUMP_ENV.COMPRESSION}: ${errorMessage(error)}`, { cause: error });
  }
  const database = requiredEnv(env, DUMP_ENV.DATABASE);
  validateDatabaseSegment(database);
  return {
    secretArn: requiredEnv(env, DUMP_ENV.SECRET_ARN),
    database,
    bucket: requiredEnv(env, DUMP_ENV.BUCKET),
    prefix: normalizePrefix(optionalEnv(env, DUMP_ENV.PREFIX)),
    bucketOwner: optionalEnv(env, DUMP_ENV.BUCKET_OWNER),
    kmsKeyId: optionalEnv(env, DUMP_ENV.KMS_KEY),
    compression,
    partSizeMiB: integerEnv(env, DUMP_ENV.PART_SIZE_MIB, DEFAULT_PART_SIZE_MIB, MIN_PART_SIZE_MIB, MAX_PART_SIZE_MIB),
    storageClass: storageClassEnv(env),
    sslMode,
    sslRootCert,
  };
}

/** The part of the Lambda context the handler uses. */
export interface LambdaContext {
  getRemainingTimeInMillis(): number;
}

export interface PgDumpSummary {
  readonly bucket: string;
  readonly key: string;
  readonly manifestKey: string;
  readonly sizeBytes: number;
  readonly sha256: string;
}

let s3Client: S3Client | undefined;
let secretsClient: SecretsManagerClient | undefined;

/** Lambda entry point (EventBridge Scheduler event; the event's content is not used). */
export async function handler(_event: unknown, context?: LambdaContext): Promise<PgDumpSummary> {
  const database = requiredEnv(process.env, DUMP_ENV.DATABASE);
  const logger = createJobLogger(JOB_NAME, database);
  const metrics = new PowertoolsMetricsRecorder(database);
  let config: DumpConfig;
  try {
    config = readDumpConfig(process.env);
  } catch (error) {
    logger.error('invalid configuration', { error: errorMessage(error) });
    recordFailure(metrics, logger);
    throw error;
  }
  s3Client ??= new S3Client({});
  secretsClient ??= new SecretsManagerClient({});
  const secrets = secretsClient;
  const result = await runPgDump({
    s3: s3Client,
    bucket: config.bucket,
    prefix: config.prefix,
    database: config.database,
    secret: () => getDatabaseSecret(secrets, config.secretArn),
    kmsKeyId: config.kmsKeyId,
    expectedBucketOwner: config.bucketOwner,
    compression: config.compression,
    partSizeBytes: config.partSizeMiB * MIB,
    storageClass: config.storageClass,
    sslMode: config.sslMode,
    sslRootCert: config.sslRootCert,
    metrics,
    logger,
    remainingTimeMs: context ? () => context.getRemainingTimeInMillis() : undefined,
  });
  return {
    bucket: result.bucket,
    key: result.key,
    manifestKey: result.manifestKey,
    sizeBytes: result.manifest.sizeBytes,
    sha256: result.manifest.sha256,
  };
}
