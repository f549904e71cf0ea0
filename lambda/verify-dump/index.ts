// verify-dump Lambda handler (DumpVerifyJob): reads the VERIFY_* environment and the scratch server's secret,
// then runs `verifyNewestDump` (verify.ts), which does the work and is what the tests call directly.

import { tmpdir } from 'node:os';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { deadlineSignal, JOB_CLIENT_CONFIG } from '../shared/aws-clients';
import { JOB_METRIC, VERIFY_ENV } from '../../lib/private/job-contract';
import { requiredEnv } from '../shared/env';
import { createJobLogger } from '../shared/logger';
import { PowertoolsMetricsRecorder, recordJobMetric } from '../shared/metrics';
import { errorMessage, getDatabaseSecret } from '../shared/secret';
import { readVerifyConfig } from './config';
import { verifyNewestDump } from './verify';

export { readVerifyConfig, parseFreshnessChecks, parseSqlChecks } from './config';
export type { VerifyConfig } from './config';
export { compareFreshness, compareRowCount, DEFAULT_ROW_COUNT_POLICY } from '../shared/checks';
export type { CheckResult, FreshnessCheck, RowCountPolicy, SqlCheck } from '../shared/checks';
export { VerificationError } from './errors';
export type { VerificationStage } from './errors';
export { parseManifest } from './manifest';
export { scratchDatabaseCreatedAt, scratchDatabaseName } from './scratch';
export { assertNotProduction, normalizeHost, parseProductionTarget } from './target';
export type { DatabaseTarget, HostResolver } from './target';
export { verifyNewestDump } from './verify';
export type { VerifyDeps, VerifyOptions, VerifyResult } from './verify';

/** Time kept free before the Lambda deadline: pg_restore and the download are stopped, then the scratch database is dropped. */
export const DEADLINE_MARGIN_MS = 45_000;

/** The part of the Lambda context the handler uses. */
export interface HandlerContext {
  getRemainingTimeInMillis(): number;
}

/** What the handler returns (also logged): the verified key and the check counts. */
export interface VerifySummary {
  readonly database: string;
  readonly key: string;
  readonly startedAt: string;
  readonly verifiedBackupAgeSeconds: number;
  readonly restoreDurationSeconds: number;
  readonly checksPassed: number;
  readonly checksSkipped: number;
}

/** Lambda entry point (EventBridge Scheduler; the event is ignored). */
export async function handler(_event: unknown, context?: HandlerContext): Promise<VerifySummary> {
  const database = requiredEnv(process.env, VERIFY_ENV.DATABASE);
  const logger = createJobLogger('verify-dump', database);
  const metrics = new PowertoolsMetricsRecorder(database);
  let config;
  let secret;
  try {
    config = readVerifyConfig(process.env, tmpdir());
    secret = await getDatabaseSecret(new SecretsManagerClient(JOB_CLIENT_CONFIG), config.secretArn,
      deadlineSignal(context?.getRemainingTimeInMillis(), DEADLINE_MARGIN_MS));
  } catch (err) {
    // verifyNewestDump records its own failures; these happen before it runs.
    recordJobMetric(metrics, JOB_METRIC.VERIFICATION_SUCCESS, 0);
    metrics.flush();
    logger.error('verification failed', { stage: 'config', error: errorMessage(err) });
    throw err;
  }

  const deadline = new AbortController();
  const remaining = context?.getRemainingTimeInMillis();
  const timer = remaining === undefined ? undefined : setTimeout(() => {
    logger.warn('stopping before the Lambda deadline', { marginMs: DEADLINE_MARGIN_MS });
    deadline.abort();
  }, Math.max(0, remaining - DEADLINE_MARGIN_MS));
  const s3 = new S3Client(JOB_CLIENT_CONFIG);
  try {
    const result = await verifyNewestDump({
      s3,
      scratch: { secret, sslMode: config.sslMode, sslRootCert: config.sslRootCert },
      clock: () => new Date(),
      metrics,
      logger,
      signal: deadline.signal,
    }, config.options);
    return {
      database,
      key: result.key,
      startedAt: result.manifest.startedAt,
      verifiedBackupAgeSeconds: result.verifiedBackupAgeSeconds,
      restoreDurationSeconds: result.restoreDurationSeconds,
      checksPassed: result.checks.filter((c) => c.status === 'passed').length,
      checksSkipped: result.checks.filter((c) => c.status === 'skipped').length,
    };
  } finally {
    clearTimeout(timer);
    s3.destroy();
  }
}
