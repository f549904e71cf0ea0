// The pg-dump job's settings: defaults and limits, their validation, and the configuration the handler reads from
// the environment PgDumpJob sets (DUMP_ENV of the job contract).
import { StorageClass } from '@aws-sdk/client-s3';
import { DUMP_ENV, DUMP_STORAGE_CLASSES } from '../../lib/private/job-contract';
import { Env, integerEnv, optionalEnv, requiredEnv } from '../shared/env';
import { normalizePrefix, validateDatabaseSegment } from '../shared/keys';
import { parseSslMode } from '../shared/postgres';
import { errorMessage } from '../shared/secret';
import { parseCompression } from './compression';

export const JOB_NAME = 'pg-dump';
/** The job's default (`PgDumpJob` sets it too): level 3, see `DumpCompression.gzip`. */
export const DEFAULT_COMPRESSION = 'gzip:3';
export const DEFAULT_PART_SIZE_MIB = 16;
export const MIN_PART_SIZE_MIB = 5;
export const MAX_PART_SIZE_MIB = 5120;
export const DEFAULT_QUEUE_SIZE = 2;
export const DEFAULT_SAFETY_MARGIN_MS = 60_000;
export const DEFAULT_WATCHDOG_INTERVAL_MS = 1000;
export const DEFAULT_PROGRESS_INTERVAL_MS = 10_000;
export const DEFAULT_EXACT_COUNT_MAX_BYTES = 16 * 1024 * 1024;
/** How long pg_dump and the row counts wait for a table lock: well inside the 15-minute limit of a run. */
export const DEFAULT_LOCK_WAIT_TIMEOUT_SECONDS = 60;
export const MAX_LOCK_WAIT_TIMEOUT_SECONDS = 600;
export const MIB = 1024 * 1024;

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

/** Validates a multipart part size in bytes against S3's limits. */
export function checkPartSize(partSizeBytes: number): number {
  if (!Number.isInteger(partSizeBytes) || partSizeBytes < MIN_PART_SIZE_MIB * MIB || partSizeBytes > MAX_PART_SIZE_MIB * MIB) {
    throw new Error(`part size ${partSizeBytes} bytes is outside S3's multipart limits ${MIN_PART_SIZE_MIB} MiB-${MAX_PART_SIZE_MIB} MiB`);
  }
  return partSizeBytes;
}

/** Validates the seconds pg_dump and the row counts wait for a table lock. */
export function checkLockWaitTimeout(seconds: number): number {
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_LOCK_WAIT_TIMEOUT_SECONDS) {
    throw new Error(`lock wait timeout is ${seconds} s; allowed: 1-${MAX_LOCK_WAIT_TIMEOUT_SECONDS} whole seconds`);
  }
  return seconds;
}

/** Validates the number of parts uploaded in parallel (1-4: memory is about (queueSize + 2) x part size). */
export function checkQueueSize(queueSize: number): number {
  if (!Number.isInteger(queueSize) || queueSize < 1 || queueSize > 4) {
    throw new Error(`upload queue size ${queueSize} must be 1-4 (memory is about (queueSize + 2) x part size)`);
  }
  return queueSize;
}

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
  readonly lockWaitTimeoutSeconds: number;
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
    lockWaitTimeoutSeconds: integerEnv(env, DUMP_ENV.LOCK_WAIT_TIMEOUT_SECONDS, DEFAULT_LOCK_WAIT_TIMEOUT_SECONDS, 1,
      MAX_LOCK_WAIT_TIMEOUT_SECONDS),
  };
}
