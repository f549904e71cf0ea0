// validate-restore: the validator of a RestoreDrill, invoked by EventBridge for each "Restore Job State Change" of the
// drill's restore testing plan that reached COMPLETED, FAILED or ABORTED.
//
//   DescribeRestoreJob (the event is only a pointer: the job is read back, and must be the plan's) → the selection of its
//   source resource → RestoreDurationSeconds (creation → completion) → when the selection has checks: VALIDATING →
//   the restored database's endpoint (DescribeDBInstances / DescribeDBClusters, waiting until available) → TLS
//   verify-full with the selection's secret (AWSCURRENT, then AWSPREVIOUS) → the checks shared with verify-dump →
//   PutRestoreValidationResult SUCCESSFUL or FAILED with a message naming what failed → RestoreValidationSuccess.
//
// Nothing runs past the deadline signal: the step in progress is abandoned (its connection closed) and FAILED is
// reported, naming the step, with time kept in reserve for that call.

import { BackupClient, DescribeRestoreJobCommand, DescribeRestoreJobOutput, PutRestoreValidationResultCommand, RestoreValidationStatus } from '@aws-sdk/client-backup';
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Client } from 'pg';
import { DRILL_METRIC, ValidatedSelection, ValidationChecks } from '../../lib/private/job-contract';
import {
  CheckResult, checkTablesPresent, compareMinimumRows, countRows, listRestoredTables, prepareCheckSession, runFreshnessCheck, runSqlCheck,
} from '../shared/checks';
import type { Logger } from '../shared/logger';
import type { MetricsRecorder } from '../shared/metrics';
import { connect, ConnectionOptions } from '../shared/postgres';
import { DatabaseSecret, errorMessage, parseDatabaseSecret } from '../shared/secret';
import { selectionOf, ValidateConfig } from './config';
import { startInstanceCheck } from './instance-start';
import { signMessage } from './signature';

/** The part of the EventBridge event the validator reads. */
export interface RestoreJobEvent {
  readonly detail?: { readonly restoreJobId?: unknown };
}

export interface ValidateDeps {
  readonly backup: BackupClient;
  readonly rds: RDSClient;
  readonly secrets: SecretsManagerClient;
  /** Signs SUCCESSFUL and FAILED results with the config's `resultKeyArn`. @default - results unsigned */
  readonly kms?: KMSClient;
  /** Starts the instance check of Aurora restores. */
  readonly sfn?: SFNClient;
  /** The metrics of one database (dimensions `Database` and `Drill`). */
  readonly metrics: (database: string) => MetricsRecorder;
  readonly logger: Logger;
  /** Aborts the validation before the function's deadline; the result is still reported. */
  readonly signal?: AbortSignal;
  /** Between polls of the restored database's status and between connection attempts. @default 15000 */
  readonly retryDelayMs?: number;
  /** statement_timeout of each SQL check. @default 300 */
  readonly sqlCheckTimeoutSeconds?: number;
  /** How long the PutRestoreValidationResult call may take. @default 10000 */
  readonly reportTimeoutMs?: number;
}

/** What happened to one restore job. */
export interface ValidationOutcome {
  readonly restoreJobId: string;
  /**
   * `ignored`: not this plan's job, or of no selection; `timed`: completed, duration recorded, no checks;
   * `restoreFailed`: the restore job failed or was aborted; `delegated`: an Aurora restore handed to the instance check;
   * `SUCCESSFUL` / `FAILED`: the validation reported.
   */
  readonly status: 'ignored' | 'timed' | 'restoreFailed' | 'delegated' | 'SUCCESSFUL' | 'FAILED';
  readonly message: string;
  readonly database?: string;
  readonly restoreDurationSeconds?: number;
  readonly checks?: readonly CheckResult[];
}

const DEFAULT_RETRY_DELAY_MS = 15_000;
const DEFAULT_SQL_CHECK_TIMEOUT_SECONDS = 300;
const DEFAULT_REPORT_TIMEOUT_MS = 10_000;
/** ValidationStatusMessage has no documented limit; the console shows a line. Long messages are cut here. */
const MAX_MESSAGE_LENGTH = 1000;

/** A failed step of a validation: the message names the step and the cause. */
export class ValidationStepError extends Error {}

/**
 * The restore job, read back, with its selection: or why it is not validated (another plan's job, no selection names
 * its source, or validated already, so a repeated event or a second invocation neither validates again nor overwrites).
 */
export async function readDrillJob(
  restoreJobId: string, config: ValidateConfig, deps: Pick<ValidateDeps, 'backup' | 'logger' | 'signal'>,
): Promise<{ readonly job: DescribeRestoreJobOutput; readonly selection: ValidatedSelection } | { readonly ignored: ValidationOutcome }> {
  const job = await deps.backup.send(new DescribeRestoreJobCommand({ RestoreJobId: restoreJobId }), { abortSignal: deps.signal });
  const ignore = (message: string, fields: Record<string, unknown> = {}) => {
    deps.logger.warn(message, { restoreJobId, ...fields });
    return { ignored: { restoreJobId, status: 'ignored' as const, message } };
  };
  const plan = job.CreatedBy?.RestoreTestingPlanArn;
  if (plan !== config.planArn) {
    return ignore(`restore job ${restoreJobId} was not started by this drill's restore testing plan (${plan ?? 'not by a plan'}); not validated`,
      { plan: plan ?? null, expected: config.planArn });
  }
  const selection = selectionOf(config.selections, job.SourceResourceArn, job.ResourceType);
  if (selection === undefined) {
    return ignore(`restore job ${restoreJobId} restored ${job.SourceResourceArn} (${job.ResourceType}), which no selection of the drill names; not validated`);
  }
  const final = job.ValidationStatus;
  if (final === 'SUCCESSFUL' || final === 'FAILED' || final === 'TIMED_OUT') {
    return ignore(`restore job ${restoreJobId} is already validated (${final}); not validated again`);
  }
  return { job, selection };
}

/** Validates (or times, or ignores) the restore job of `event`. Throws only when the job cannot be read or the result cannot be reported. */
export async function validateRestore(event: RestoreJobEvent, config: ValidateConfig, deps: ValidateDeps): Promise<ValidationOutcome> {
  const restoreJobId = event?.detail?.restoreJobId;
  if (typeof restoreJobId !== 'string' || restoreJobId === '') {
    throw new Error(`the event has no detail.restoreJobId (${JSON.stringify(event?.detail ?? null)}); the function is invoked by the drill's "Restore Job State Change" rule`);
  }
  const read = await readDrillJob(restoreJobId, config, deps);
  if ('ignored' in read) {
    return read.ignored;
  }
  const { job, selection } = read;
  deps.logger.appendKeys({ restoreJobId, database: selection.database, sourceResourceArn: job.SourceResourceArn, createdResourceArn: job.CreatedResourceArn });
  const metrics = deps.metrics(selection.database);
  try {
    return await measureAndValidate(restoreJobId, job, selection, config, deps, metrics);
  } finally {
    metrics.flush();
  }
}

async function measureAndValidate(
  restoreJobId: string, job: DescribeRestoreJobOutput, selection: ValidatedSelection, config: ValidateConfig,
  deps: ValidateDeps, metrics: MetricsRecorder,
): Promise<ValidationOutcome> {
  const database = selection.database;
  if (job.Status !== 'COMPLETED') {
    metrics.add(DRILL_METRIC.RESTORE_VALIDATION_SUCCESS, 'Count', 0);
    const message = `restore job ${restoreJobId} of ${job.SourceResourceArn} is ${job.Status}: ${job.StatusMessage ?? 'no status message'}`;
    deps.logger.error('the drill\'s restore failed', { status: job.Status, statusMessage: job.StatusMessage });
    return { restoreJobId, status: 'restoreFailed', message, database };
  }
  const restoreDurationSeconds = job.CreationDate && job.CompletionDate
    ? Math.max(0, Math.round((job.CompletionDate.getTime() - job.CreationDate.getTime()) / 1000))
    : undefined;
  if (restoreDurationSeconds !== undefined) {
    metrics.add(DRILL_METRIC.RESTORE_DURATION_SECONDS, 'Seconds', restoreDurationSeconds);
  }
  deps.logger.info('restore completed', { restoreDurationSeconds, recoveryPointCreationDate: job.RecoveryPointCreationDate?.toISOString() });
  if (!selection.checks) {
    return { restoreJobId, status: 'timed', message: `restore of ${job.SourceResourceArn} took ${restoreDurationSeconds} s; the selection has no checks`, database, restoreDurationSeconds };
  }

  await report(deps, restoreJobId, 'VALIDATING', `cdk-backup-dr is checking the restored database of ${database}`);
  if (selection.resourceType === 'Aurora') {
    // AWS Backup restores an Aurora cluster without a DB instance: the instance check adds one, checks, removes it.
    await startInstanceCheck(restoreJobId, config, deps);
    return { restoreJobId, status: 'delegated', message: `restore of ${database} handed to the instance check`, database, restoreDurationSeconds };
  }
  const { status, message, checks } = await validateRestored(job, selection.checks, config, deps, `the restore of ${database}`,
    ` (recovery point of ${job.RecoveryPointCreationDate?.toISOString()})`);
  for (const check of checks) {
    (check.status === 'failed' ? deps.logger.warn : deps.logger.info).call(deps.logger, `check ${check.status}`, { check: check.kind, name: check.name, detail: check.detail });
  }
  metrics.add(DRILL_METRIC.RESTORE_VALIDATION_SUCCESS, 'Count', status === 'SUCCESSFUL' ? 1 : 0);
  await report(deps, restoreJobId, status, message, config.resultKeyArn);
  (status === 'SUCCESSFUL' ? deps.logger.info : deps.logger.error).call(deps.logger, 'validation reported', { status, message });
  return { restoreJobId, status, message, database, restoreDurationSeconds, checks };
}

/** A restore's checks summed up: SUCCESSFUL, or FAILED with a message naming each failed check or the step that failed. */
export interface RestoreVerdict {
  readonly status: 'SUCCESSFUL' | 'FAILED';
  readonly message: string;
  /** The checks that ran (none when a step before them failed). */
  readonly checks: CheckResult[];
}

/**
 * Runs the checks of a restored database within the deadline (`runValidation`) and sums them up; never throws for a
 * failed check or step. `what` names the restore in the message (`the restore of orders`); `passedNote` follows a pass.
 */
export async function validateRestored(
  job: DescribeRestoreJobOutput, checks: ValidationChecks, config: ValidateConfig, deps: ValidateDeps, what: string, passedNote: string,
): Promise<RestoreVerdict> {
  try {
    const results = await untilDeadline(deps.signal, (progress) => runValidation(job, checks, config, deps, progress));
    const failed = results.filter((c) => c.status === 'failed');
    return failed.length === 0
      ? { status: 'SUCCESSFUL', message: `${results.length} checks passed on ${what}${passedNote}`, checks: results }
      : { status: 'FAILED', message: `${failed.length} of ${results.length} checks failed on ${what}: ${failed.map((c) => c.detail).join('; ')}`, checks: results };
  } catch (error) {
    return { status: 'FAILED', message: `validation of ${what} failed: ${errorMessage(error)}`, checks: [] };
  }
}

/** PutRestoreValidationResult, within its own time limit (the deadline signal may already have fired). */
export async function report(
  deps: ValidateDeps, restoreJobId: string, status: RestoreValidationStatus, message: string, resultKeyArn?: string,
): Promise<void> {
  let text = message.length > MAX_MESSAGE_LENGTH ? `${message.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : message;
  if (status !== 'VALIDATING' && resultKeyArn !== undefined && deps.kms) {
    try {
      text = await signMessage(deps.kms, resultKeyArn, restoreJobId, status, message, MAX_MESSAGE_LENGTH,
        AbortSignal.timeout(deps.reportTimeoutMs ?? DEFAULT_REPORT_TIMEOUT_MS));
    } catch (error) {
      // Reported unsigned: the hourly age check does not count it, so a missing drill alarms rather than a forged one passing.
      deps.logger.error('cannot sign the validation result; reporting it unsigned', { error: errorMessage(error) });
    }
  }
  try {
    await deps.backup.send(new PutRestoreValidationResultCommand({
      RestoreJobId: restoreJobId, ValidationStatus: status, ValidationStatusMessage: text,
    }), { abortSignal: AbortSignal.timeout(deps.reportTimeoutMs ?? DEFAULT_REPORT_TIMEOUT_MS) });
  } catch (error) {
    throw new Error(`cannot report ${status} for restore job ${restoreJobId}: ${errorMessage(error)} (check the function's backup:PutRestoreValidationResult permission)`, { cause: error });
  }
}

/** What the validation is doing, for the deadline's message; and what to close when it is abandoned. */
export interface Progress {
  step: string;
  client?: Client;
}

/** Runs `work`; when `signal` fires first, closes its connection and fails naming the step it was on. */
export async function untilDeadline<T>(signal: AbortSignal | undefined, work: (progress: Progress) => Promise<T>): Promise<T> {
  const progress: Progress = { step: 'starting' };
  if (signal === undefined) {
    return work(progress);
  }
  let onAbort: (() => void) | undefined;
  const deadline = new Promise<never>((_, reject) => {
    onAbort = () => {
      void progress.client?.end().catch(() => undefined);
      reject(new ValidationStepError(`it did not finish before the function's deadline: stopped while ${progress.step}`));
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  const running = work(progress);
  running.catch(() => undefined); // its rejection after the deadline is not news
  try {
    return await Promise.race([running, deadline]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

export async function runValidation(
  job: DescribeRestoreJobOutput, checks: ValidationChecks, config: ValidateConfig, deps: ValidateDeps, progress: Progress,
): Promise<CheckResult[]> {
  const created = job.CreatedResourceArn;
  if (!created) {
    throw new ValidationStepError('the restore job names no created resource (CreatedResourceArn)');
  }
  if (created === job.SourceResourceArn) {
    throw new ValidationStepError(`the restore job names its source ${created} as the restored resource; the validator checks restores only, never the source`);
  }
  progress.step = `waiting for ${created} to be available`;
  const endpoint = await restoredEndpoint(created, deps);
  assertRestoredByTheJob(created, endpoint, job);
  progress.step = `reading the secret ${checks.secretArn}`;
  const client = await connectWithSecret(endpoint, checks, config, deps, progress);
  progress.client = client;
  try {
    progress.step = `running the checks on ${endpoint.address}`;
    return await runChecks(client, checks, job.RecoveryPointCreationDate, deps);
  } finally {
    progress.client = undefined;
    await client.end().catch(() => undefined);
  }
}

export interface Endpoint {
  readonly address: string;
  readonly port: number;
  /** When the instance or cluster was created. */
  readonly created?: Date;
  /** The source of a read replica (instance) or replication (cluster): a restore has none. */
  readonly replicaOf?: string;
}

/** Margin around the restore job's creation and completion for the restored resource's creation time. */
const CREATION_MARGIN_MS = 5 * 60_000;

/**
 * The resource behind the created ARN must be the one the job restored: created while the job ran, and no replica of
 * another database. An identifier of the plan's restores replaced during the validation window (by a replica of
 * production, say) is refused.
 */
export function assertRestoredByTheJob(arn: string, endpoint: Endpoint, job: DescribeRestoreJobOutput): void {
  if (endpoint.replicaOf) {
    throw new ValidationStepError(`${arn} replicates ${endpoint.replicaOf}; a restore is no replica, so this is not the database the job restored`);
  }
  const from = job.CreationDate && job.CreationDate.getTime() - CREATION_MARGIN_MS;
  const to = (job.CompletionDate ?? new Date()).getTime() + CREATION_MARGIN_MS;
  if (!endpoint.created || from === undefined || endpoint.created.getTime() < from || endpoint.created.getTime() > to) {
    throw new ValidationStepError(
      `${arn} was created ${endpoint.created?.toISOString() ?? 'at an unknown time'}, not while restore job ${job.RestoreJobId} ran `
      + `(${job.CreationDate?.toISOString()} to ${job.CompletionDate?.toISOString()}); it is not the database the job restored`);
  }
}

/** Waits `ms`, or less when `signal` fires. */
function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** The endpoint of the restored instance or cluster, once it is available (polled until the deadline). */
export async function restoredEndpoint(arn: string, deps: ValidateDeps): Promise<Endpoint> {
  const isCluster = /^arn:[^:]+:rds:[^:]+:\d{12}:cluster:/.test(arn);
  if (!isCluster && !/^arn:[^:]+:rds:[^:]+:\d{12}:db:/.test(arn)) {
    throw new ValidationStepError(`the restored resource ${arn} is not an RDS instance or cluster; the validator checks PostgreSQL databases`);
  }
  for (;;) {
    let state: { status: string; address?: string; port?: number; members?: number; created?: Date; replicaOf?: string };
    try {
      if (isCluster) {
        const { DBClusters } = await deps.rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: arn }), { abortSignal: deps.signal });
        const c = DBClusters?.[0];
        state = {
          status: c?.Status ?? 'missing', address: c?.Endpoint, port: c?.Port, members: c?.DBClusterMembers?.length ?? 0,
          created: c?.ClusterCreateTime, replicaOf: c?.ReplicationSourceIdentifier,
        };
      } else {
        const { DBInstances } = await deps.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: arn }), { abortSignal: deps.signal });
        const i = DBInstances?.[0];
        state = {
          status: i?.DBInstanceStatus ?? 'missing', address: i?.Endpoint?.Address, port: i?.Endpoint?.Port,
          created: i?.InstanceCreateTime, replicaOf: i?.ReadReplicaSourceDBInstanceIdentifier,
        };
      }
    } catch (error) {
      throw new ValidationStepError(`cannot describe the restored database ${arn}: ${errorMessage(error)} (check the function's rds:Describe* permission)`, { cause: error });
    }
    const ready = state.status === 'available' && state.address && state.port && (!isCluster || (state.members ?? 0) > 0);
    if (ready) {
      return { address: state.address!, port: state.port!, created: state.created, replicaOf: state.replicaOf };
    }
    deps.logger.info('waiting for the restored database', { status: state.status, members: state.members });
    if (isCluster && state.status === 'available' && state.members === 0) {
      // AWS Backup restores an Aurora cluster with its instance when restore testing creates it; without one, nothing answers.
      deps.logger.warn('the restored cluster has no DB instance yet');
    }
    await delay(deps.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS, deps.signal);
    if (deps.signal?.aborted) {
      throw new ValidationStepError(`the restored database ${arn} was not available before the deadline (status ${state.status}${isCluster ? `, ${state.members} instances` : ''})`);
    }
  }
}

async function readSecret(deps: ValidateDeps, secretArn: string, stage: 'AWSCURRENT' | 'AWSPREVIOUS'): Promise<DatabaseSecret | undefined> {
  try {
    const { SecretString } = await deps.secrets.send(new GetSecretValueCommand({ SecretId: secretArn, VersionStage: stage }), { abortSignal: deps.signal });
    if (SecretString === undefined) {
      throw new Error('the secret has no SecretString');
    }
    return parseDatabaseSecret(SecretString, `${secretArn} (${stage})`);
  } catch (error) {
    if (stage === 'AWSPREVIOUS' && (error as { name?: string }).name === 'ResourceNotFoundException') {
      return undefined; // never rotated: there is no previous value
    }
    throw new ValidationStepError(`cannot read the secret ${secretArn} (${stage}): ${errorMessage(error)} (check the function's secretsmanager:GetSecretValue permission and the secret's KMS key policy)`, { cause: error });
  }
}

/** Codes of connection failures worth another attempt while the restored database comes up (and pg's connect timeout). */
const RETRYABLE = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', '57P03']);
const AUTHENTICATION = new Set(['28P01', '28000']);

function codeOf(error: unknown): string | undefined {
  let inner: unknown = error;
  while (inner instanceof Error && inner.cause !== undefined && (inner as { code?: string }).code === undefined) {
    inner = inner.cause;
  }
  if (inner instanceof AggregateError && inner.errors.length > 0) {
    inner = inner.errors[0];
  }
  return (inner as { code?: string }).code;
}

/**
 * Connects to the restored database with the secret's credentials (its host and port replaced by the endpoint). A
 * restored database has the passwords of the recovery point's time: after a rotation (RDS-managed master passwords
 * rotate every 7 days) the AWSCURRENT value is refused, and the AWSPREVIOUS one, the value before the last rotation, is
 * tried. Network failures are retried until the deadline.
 */
async function connectWithSecret(
  endpoint: Endpoint, checks: ValidationChecks, config: ValidateConfig, deps: ValidateDeps, progress: Progress,
): Promise<Client> {
  const attempt = async (secret: DatabaseSecret): Promise<Client> => {
    const options: ConnectionOptions = {
      secret: { ...secret, host: endpoint.address, port: endpoint.port },
      database: checks.dbname ?? secret.dbname,
      sslMode: config.sslMode,
      sslRootCert: config.sslRootCert,
      applicationName: 'cdk-backup-dr validate-restore',
    };
    for (;;) {
      progress.step = `connecting to ${endpoint.address}:${endpoint.port}`;
      let client: Client;
      try {
        client = await connect(options);
      } catch (error) {
        const code = codeOf(error);
        const timeout = /timeout/i.test(errorMessage(error));
        if (!(code !== undefined && RETRYABLE.has(code)) && !timeout) {
          throw error;
        }
        deps.logger.info('the restored database does not answer yet', { error: errorMessage(error) });
        await delay(deps.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS, deps.signal);
        if (deps.signal?.aborted) {
          throw new ValidationStepError(`the restored database did not accept a connection before the deadline: ${errorMessage(error)}`, { cause: error });
        }
        continue;
      }
      if (deps.signal?.aborted) {
        // Connected after the deadline: the validation was abandoned and reported; nothing runs on this connection.
        await client.end().catch(() => undefined);
        throw new ValidationStepError('connected only after the deadline');
      }
      return client;
    }
  };

  const current = (await readSecret(deps, checks.secretArn, 'AWSCURRENT'))!;
  try {
    return await attempt(current);
  } catch (error) {
    if (!AUTHENTICATION.has(codeOf(error) ?? '')) {
      throw new ValidationStepError(errorMessage(error), { cause: error });
    }
    progress.step = `reading the previous value of the secret ${checks.secretArn}`;
    const previous = await readSecret(deps, checks.secretArn, 'AWSPREVIOUS');
    if (previous === undefined) {
      throw new ValidationStepError(`${errorMessage(error)}; the secret has no previous value to try`, { cause: error });
    }
    deps.logger.info('the current secret value was refused; trying the previous one (the recovery point predates a rotation)');
    try {
      return await attempt(previous);
    } catch (previousError) {
      throw new ValidationStepError(
        `authentication failed with the current and the previous value of ${checks.secretArn}: the restored database has the `
        + 'passwords of the recovery point\'s time, older than the last two rotations. Give the drill a secret of a user '
        + `whose password does not rotate, or restore newer recovery points (${errorMessage(previousError)})`, { cause: previousError });
    }
  }
}

async function runChecks(client: Client, checks: ValidationChecks, recoveryPointTime: Date | undefined, deps: ValidateDeps): Promise<CheckResult[]> {
  await prepareCheckSession(client);
  const restored = await listRestoredTables(client);
  const results: CheckResult[] = [...checkTablesPresent(checks.requiredTables, restored)];
  for (const minimum of checks.minimumRows) {
    const table = restored.get(minimum.table);
    results.push(table
      ? compareMinimumRows(minimum, await countRows(client, table))
      : { kind: 'minimumRows', name: minimum.table, status: 'failed', detail: `${minimum.table}: missing from the restored database (at least ${minimum.rows} rows required)` });
  }
  if (checks.freshness.length > 0) {
    if (recoveryPointTime === undefined) {
      throw new ValidationStepError('the restore job has no RecoveryPointCreationDate to compare the newest timestamps with');
    }
    for (const check of checks.freshness) {
      results.push(await runFreshnessCheck(client, restored, check, recoveryPointTime, 'the recovery point'));
    }
  }
  for (const check of checks.sql) {
    results.push(await runSqlCheck(client, check, deps.sqlCheckTimeoutSeconds ?? DEFAULT_SQL_CHECK_TIMEOUT_SECONDS));
  }
  return results;
}
