// pg-dump Lambda handler (PgDumpJob): reads the DUMP_* environment of the job contract and calls `runPgDump`
// (dump.ts), which does the work and is what the tests and the benchmark call directly.
//
// A run writes `<prefix><database>/<UTC yyyy-mm-ddThh-mm-ssZ>.dump` (pg_dump --format=custom, streamed through
// SHA-256 into a multipart upload with SSE-KMS; upload.ts) and then `<dump key>.manifest.json`. On success it emits
// BackupSuccess 1, BackupSizeBytes and BackupDurationSeconds; on any failure BackupSuccess 0 only (nothing when
// DUMP_DATABASE, the metric's dimension, is missing). A failed dump leaves no object and no open multipart upload;
// when only the manifest cannot be written, the complete dump stays without one (and is not verified).
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { JOB_CLIENT_CONFIG } from '../shared/aws-clients';
import { DUMP_ENV } from '../../lib/private/job-contract';
import { requiredEnv } from '../shared/env';
import { createJobLogger } from '../shared/logger';
import { PowertoolsMetricsRecorder } from '../shared/metrics';
import { errorMessage, getDatabaseSecret } from '../shared/secret';
import { DumpConfig, JOB_NAME, MIB, readDumpConfig } from './config';
import { recordFailure, runPgDump } from './dump';

export * from './compression';
export * from './config';
export { runPgDump } from './dump';
export type { PgDumpInput, PgDumpResult } from './dump';
export { dumpedCounts } from './row-counts';
export type { DumpedCounts } from './row-counts';

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
  s3Client ??= new S3Client(JOB_CLIENT_CONFIG);
  secretsClient ??= new SecretsManagerClient(JOB_CLIENT_CONFIG);
  const secrets = secretsClient;
  const result = await runPgDump({
    s3: s3Client,
    bucket: config.bucket,
    prefix: config.prefix,
    database: config.database,
    secret: (abortSignal) => getDatabaseSecret(secrets, config.secretArn, abortSignal),
    kmsKeyId: config.kmsKeyId,
    expectedBucketOwner: config.bucketOwner,
    compression: config.compression,
    partSizeBytes: config.partSizeMiB * MIB,
    storageClass: config.storageClass,
    sslMode: config.sslMode,
    sslRootCert: config.sslRootCert,
    lockWaitTimeoutSeconds: config.lockWaitTimeoutSeconds,
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
