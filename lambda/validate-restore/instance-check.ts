// The instance check of an Aurora restore: AWS Backup restores the cluster without a DB instance, so the drill
// validator's state machine adds one, checks the data through it, removes it and reports, calling this function for
// the three steps that need judgement:
//
//   prepare  the restore job read back (this plan's, not validated yet), its cluster checked (created by the job, no
//            replica, not the source); returns the cluster, the instance to add (`<cluster>-check`) and its class;
//   check    the same checks as any restore, through the added instance; returns the status, the message and, when it
//            passed, a token (an HMAC only the validator can make) that the report step requires for SUCCESSFUL;
//   report   once the instance is gone: RestoreValidationSuccess and the signed result.
//
// The state machine passes only the restore job's id (and the check's outcome to the report): everything it acts on
// comes from the job this function read back, so whoever may start an execution can make it touch nothing else.

import { DescribeDBClustersCommand } from '@aws-sdk/client-rds';
import { DRILL_METRIC, INSTANCE_CHECK_ACTION } from '../../lib/private/job-contract';
import type { ValidateConfig } from './config';
import { checkToken, verifyCheckToken } from './signature';
import { assertRestoredByTheJob, readDrillJob, report, ValidateDeps, validateRestored, ValidationStepError } from './validate';

/** An event of the state machine. */
export interface InstanceCheckEvent {
  readonly action: (typeof INSTANCE_CHECK_ACTION)[keyof typeof INSTANCE_CHECK_ACTION];
  readonly restoreJobId?: unknown;
  /** The check's outcome, for the report. */
  readonly result?: { readonly status?: unknown; readonly message?: unknown; readonly token?: unknown };
}

/** What the state machine acts on. */
export interface InstanceCheckTarget {
  readonly clusterIdentifier: string;
  readonly instanceIdentifier: string;
  readonly engine: string;
  readonly instanceClass: string;
}

export interface InstanceCheckResult {
  readonly status: 'SUCCESSFUL' | 'FAILED';
  readonly message: string;
  readonly token?: string;
}

/** The instance class when the selection names none: a small provisioned class every Aurora PostgreSQL version takes. */
export const DEFAULT_INSTANCE_CLASS = 'db.t4g.medium';

function jobIdOf(event: InstanceCheckEvent): string {
  if (typeof event.restoreJobId !== 'string' || event.restoreJobId === '') {
    throw new Error(`the ${event.action} event has no restoreJobId; the drill's instance check state machine sends it`);
  }
  return event.restoreJobId;
}

/** `<cluster>-check`, within the 63 characters of a DB instance identifier, no double hyphen, not ending with one. */
export function checkInstanceIdentifier(clusterIdentifier: string): string {
  return `${clusterIdentifier.slice(0, 57).replace(/-+$/, '')}-check`.replace(/--+/g, '-');
}

/** The prepare step: the job and its cluster verified; what to add. Throws (the state machine then reports FAILED). */
export async function prepareInstanceCheck(event: InstanceCheckEvent, config: ValidateConfig, deps: ValidateDeps): Promise<InstanceCheckTarget> {
  const restoreJobId = jobIdOf(event);
  const read = await readDrillJob(restoreJobId, config, deps);
  if ('ignored' in read) {
    throw new ValidationStepError(read.ignored.message);
  }
  const { job, selection } = read;
  const created = job.CreatedResourceArn;
  if (job.Status !== 'COMPLETED' || !created || selection.resourceType !== 'Aurora' || !selection.checks) {
    throw new ValidationStepError(`restore job ${restoreJobId} is no completed Aurora restore with checks (status ${job.Status}, ${selection.resourceType})`);
  }
  if (created === job.SourceResourceArn || !/^arn:[^:]+:rds:[^:]+:\d{12}:cluster:/.test(created)) {
    throw new ValidationStepError(`restore job ${restoreJobId} names ${created} as the restored cluster; the instance check adds instances to restores only`);
  }
  const { DBClusters } = await deps.rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: created }), { abortSignal: deps.signal });
  const cluster = DBClusters?.[0];
  if (!cluster?.DBClusterIdentifier || !cluster.Engine) {
    throw new ValidationStepError(`the restored cluster ${created} is not there`);
  }
  assertRestoredByTheJob(created, { address: cluster.Endpoint ?? '', port: cluster.Port ?? 0, created: cluster.ClusterCreateTime, replicaOf: cluster.ReplicationSourceIdentifier }, job);
  return {
    clusterIdentifier: cluster.DBClusterIdentifier,
    instanceIdentifier: checkInstanceIdentifier(cluster.DBClusterIdentifier),
    engine: cluster.Engine,
    instanceClass: selection.checks.instanceClass ?? DEFAULT_INSTANCE_CLASS,
  };
}

/** The check step, through the added instance: never throws for a failed check, only for a job it must not touch. */
export async function checkInstance(event: InstanceCheckEvent, config: ValidateConfig, deps: ValidateDeps): Promise<InstanceCheckResult> {
  const restoreJobId = jobIdOf(event);
  const read = await readDrillJob(restoreJobId, config, deps);
  if ('ignored' in read) {
    throw new ValidationStepError(read.ignored.message);
  }
  const { job, selection } = read;
  const { status, message } = await validateRestored(job, selection.checks!, config, deps, `the restore of ${selection.database}`,
    ` (recovery point of ${job.RecoveryPointCreationDate?.toISOString()}), through a DB instance added for the check`);
  if (status === 'FAILED') {
    return { status, message };
  }
  const token = config.resultKeyArn && deps.kms ? await checkToken(deps.kms, config.resultKeyArn, restoreJobId, deps.signal) : undefined;
  return { status, message, token };
}

/**
 * The report step, after the added instance is gone (or on the state machine's failure path, with the error as the
 * message). SUCCESSFUL needs the check's token; anything else is reported as FAILED.
 */
export async function reportInstanceCheck(event: InstanceCheckEvent, config: ValidateConfig, deps: ValidateDeps): Promise<InstanceCheckResult> {
  const restoreJobId = jobIdOf(event);
  const read = await readDrillJob(restoreJobId, config, deps);
  if ('ignored' in read) {
    throw new ValidationStepError(read.ignored.message);
  }
  const { selection } = read;
  const claimed = event.result ?? {};
  const message = typeof claimed.message === 'string' && claimed.message !== '' ? claimed.message : 'the instance check failed without a message';
  let status: 'SUCCESSFUL' | 'FAILED' = 'FAILED';
  let text = message;
  if (claimed.status === 'SUCCESSFUL') {
    const genuine = config.resultKeyArn !== undefined && deps.kms !== undefined
      && await verifyCheckToken(deps.kms, config.resultKeyArn, restoreJobId, claimed.token, deps.signal);
    if (genuine) {
      status = 'SUCCESSFUL';
    } else {
      text = 'a SUCCESSFUL check result without the validator\'s token was refused; the check did not pass here';
      deps.logger.error(text, { restoreJobId });
    }
  }
  const metrics = deps.metrics(selection.database);
  try {
    metrics.add(DRILL_METRIC.RESTORE_VALIDATION_SUCCESS, 'Count', status === 'SUCCESSFUL' ? 1 : 0);
    await report(deps, restoreJobId, status, text, config.resultKeyArn);
  } finally {
    metrics.flush();
  }
  (status === 'SUCCESSFUL' ? deps.logger.info : deps.logger.error).call(deps.logger, 'validation reported', { status, message: text });
  return { status, message: text };
}
