// The RPO watch: a scheduled function that publishes, per protected database, RecoveryPointLagSeconds (now minus
// RDS's LatestRestorableTime) and NewestRecoveryPointAgeSeconds per vault (local recovery points, and copies by their
// completed copy jobs), so that each tier's RPO is a measured number with an alarm. Nothing is written: it only reads.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { BackupClient, paginateListCopyJobs, paginateListRecoveryPointsByResource } from '@aws-sdk/client-backup';
import { DBClusterNotFoundFault, DBInstanceNotFoundFault, DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { JOB_METRICS_DATABASE_DIMENSION, JOB_METRICS_NAMESPACE, RPO_ENV, RPO_VAULT_DIMENSION } from '../../lib/private/job-contract';
import { deadlineSignal, JOB_CLIENT_CONFIG } from '../shared/aws-clients';
import { Env, integerEnv, requiredEnv } from '../shared/env';
import { createJobLogger, Logger } from '../shared/logger';
import {
  CopyJobSummary, isCluster, Measurement, pitrLag, PitrState, recoveryPointAges, RecoveryPointSummary, Skipped, WatchedDatabase,
} from './measure';

/** The dimension of a recovery point age besides `Database`. */
export const VAULT_DIMENSION = RPO_VAULT_DIMENSION;

export interface WatchConfig {
  readonly databases: WatchedDatabase[];
  /** Copy jobs older than this are not listed (the newest copy matters). */
  readonly copyLookbackDays: number;
}

export function readConfig(env: Env): WatchConfig {
  const raw = requiredEnv(env, RPO_ENV.DATABASES);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new Error(`environment variable ${RPO_ENV.DATABASES} is not JSON (${(error as Error).message})`, { cause: error });
  }
  if (!Array.isArray(parsed) || parsed.some((db) => typeof db?.name !== 'string' || typeof db?.arn !== 'string' || !/^arn:[^:]+:rds:/.test(db.arn))) {
    throw new Error(`environment variable ${RPO_ENV.DATABASES} must be a list of { "name", "arn" } with RDS ARNs, got ${raw}`);
  }
  return { databases: parsed as WatchedDatabase[], copyLookbackDays: integerEnv(env, RPO_ENV.COPY_LOOKBACK_DAYS, 35, 1, 36500) };
}

/** What `watch` reads with, and where its results go. */
export interface WatchDependencies {
  readonly rds: RDSClient;
  readonly backup: BackupClient;
  readonly now: () => Date;
  /** Aborts the calls before the function's deadline. */
  readonly signal?: AbortSignal;
  readonly logger: Logger;
}

export interface WatchResult {
  readonly measurements: Measurement[];
  readonly skipped: Skipped[];
  /** Databases whose calls failed, with the error. */
  readonly failed: { readonly database: string; readonly error: string }[];
}

/** Measures every database; a database whose calls fail is reported and the others are still measured. */
export async function watch(config: WatchConfig, deps: WatchDependencies): Promise<WatchResult> {
  const result: { measurements: Measurement[]; skipped: Skipped[]; failed: { database: string; error: string }[] } = {
    measurements: [], skipped: [], failed: [],
  };
  for (const db of config.databases) {
    try {
      // The paginators take no abort signal: the deadline is checked between calls and pages.
      deps.signal?.throwIfAborted();
      const now = deps.now();
      const lag = pitrLag(db, await pitrState(db, deps), now);
      if ('seconds' in lag) {
        result.measurements.push(lag);
      } else {
        result.skipped.push(lag);
      }
      const points = await recoveryPoints(db, deps);
      const copies = await copyJobs(db, deps, new Date(now.getTime() - config.copyLookbackDays * 86_400_000));
      result.measurements.push(...recoveryPointAges(db, points, copies, now));
    } catch (error) {
      result.failed.push({ database: db.name, error: `${(error as Error).name}: ${(error as Error).message}` });
    }
  }
  return result;
}

async function pitrState(db: WatchedDatabase, deps: WatchDependencies): Promise<PitrState | undefined> {
  const options = { abortSignal: deps.signal };
  try {
    if (isCluster(db.arn)) {
      const { DBClusters } = await deps.rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: db.arn }), options);
      const cluster = DBClusters?.[0];
      return cluster && { status: cluster.Status ?? 'unknown', latestRestorableTime: cluster.LatestRestorableTime };
    }
    const { DBInstances } = await deps.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: db.arn }), options);
    const instance = DBInstances?.[0];
    return instance && { status: instance.DBInstanceStatus ?? 'unknown', latestRestorableTime: instance.LatestRestorableTime };
  } catch (error) {
    if (error instanceof DBInstanceNotFoundFault || error instanceof DBClusterNotFoundFault) {
      return undefined;
    }
    throw error;
  }
}

async function recoveryPoints(db: WatchedDatabase, deps: WatchDependencies): Promise<RecoveryPointSummary[]> {
  const points: RecoveryPointSummary[] = [];
  const pages = paginateListRecoveryPointsByResource({ client: deps.backup }, { ResourceArn: db.arn });
  for await (const page of pages) {
    deps.signal?.throwIfAborted();
    for (const point of page.RecoveryPoints ?? []) {
      if (point.RecoveryPointArn && point.BackupVaultName && point.CreationDate) {
        points.push({ arn: point.RecoveryPointArn, vaultName: point.BackupVaultName, status: point.Status ?? 'UNKNOWN', creationDate: point.CreationDate });
      }
    }
  }
  return points;
}

async function copyJobs(db: WatchedDatabase, deps: WatchDependencies, since: Date): Promise<CopyJobSummary[]> {
  const jobs: CopyJobSummary[] = [];
  const pages = paginateListCopyJobs({ client: deps.backup }, { ByResourceArn: db.arn, ByState: 'COMPLETED', ByCreatedAfter: since });
  for await (const page of pages) {
    deps.signal?.throwIfAborted();
    for (const job of page.CopyJobs ?? []) {
      if (job.DestinationBackupVaultArn && job.SourceRecoveryPointArn) {
        jobs.push({
          state: job.State ?? 'UNKNOWN',
          destinationVaultArn: job.DestinationBackupVaultArn,
          sourceRecoveryPointArn: job.SourceRecoveryPointArn,
          completionDate: job.CompletionDate,
        });
      }
    }
  }
  return jobs;
}

/** Publishes the measurements as EMF (namespace `CdkBackupDr`, dimensions `Database` and, for ages, `Vault`). */
export function publish(result: WatchResult, metricsFactory: () => Metrics = () => new Metrics({ namespace: JOB_METRICS_NAMESPACE })): void {
  for (const measurement of result.measurements) {
    // One document per value: Powertools' own `service` dimension removed, as in the jobs' recorder, because
    // CloudWatch identifies a metric by all its dimensions and the alarms use these alone.
    const metrics = metricsFactory();
    metrics.clearDefaultDimensions();
    metrics.setDefaultDimensions({ [JOB_METRICS_DATABASE_DIMENSION]: measurement.database });
    if (measurement.vault !== undefined) {
      metrics.addDimension(VAULT_DIMENSION, measurement.vault);
    }
    metrics.addMetric(measurement.metric, MetricUnit.Seconds, measurement.seconds);
    metrics.publishStoredMetrics();
  }
}

/** The part of the Lambda context the watch uses. */
export interface LambdaContext {
  getRemainingTimeInMillis(): number;
}

/** The Lambda entry point: reads, measures, publishes, logs what was skipped or failed; fails when a database failed. */
export async function handler(_event: unknown, context?: LambdaContext): Promise<WatchResult> {
  const config = readConfig(process.env);
  const logger = createJobLogger('rpo-watch', config.databases.map((db) => db.name).join(','));
  const signal = deadlineSignal(context?.getRemainingTimeInMillis(), 5_000);
  const result = await watch(config, {
    rds: new RDSClient(JOB_CLIENT_CONFIG),
    backup: new BackupClient(JOB_CLIENT_CONFIG),
    now: () => new Date(),
    signal,
    logger,
  });
  publish(result);
  for (const skipped of result.skipped) {
    logger.info('not measured', { ...skipped });
  }
  logger.info('measured', { measurements: result.measurements.length, skipped: result.skipped.length, failed: result.failed.length });
  if (result.failed.length > 0) {
    throw new Error(`the RPO of ${result.failed.map((f) => `${f.database} (${f.error})`).join('; ')} could not be measured`);
  }
  return result;
}
