// The point-in-time drill (PitrDrill): for a database with RDS automated backups only, which AWS Backup restore testing
// cannot see, a state machine restores the source to its latest restorable time into the drill's network, and calls
// this function to check the restore (the same checks and code path as a drill's) and, once the instance is deleted, to
// record the result; every hour it also measures the age of the newest passed run.
//
//   check   the instance the state machine restored (its configured name, created during this run, no replica, not the
//           source) checked like any restore; returns the status and message;
//   report  RestoreValidationSuccess and RestoreDurationSeconds (execution start → the instance available), logged. It takes
//           the status it is given: whoever may invoke the function can only add a 0 (a false alarm) or a shorter
//           duration, which the alarms' Minimum and Maximum do not let hide a real one;
//   age     ValidatedRestoreAgeSeconds from the state machine's newest SUCCEEDED execution whose output is SUCCESSFUL
//           (executions take no input: whoever may start one runs a real drill).

import { DescribeExecutionCommand, DescribeStateMachineCommand, paginateListExecutions, SFNClient } from '@aws-sdk/client-sfn';
import { z } from 'zod';
import { DRILL_METRIC, PITR_ENV, PitrDrillConfig, VALIDATE_ENV } from '../../lib/private/job-contract';
import { Env, optionalEnv, requiredEnv } from '../shared/env';
import type { MetricsRecorder } from '../shared/metrics';
import { parseSslMode } from '../shared/postgres';
import { errorMessage } from '../shared/secret';
import { checksSchema, ValidateConfig } from './config';
import { ValidateDeps, validateRestored } from './validate';

/** The PITR drill's configuration and the validator's TLS settings. */
export interface PitrConfig {
  readonly drill: PitrDrillConfig;
  readonly validate: ValidateConfig;
}

const pitrSchema = z.strictObject({
  database: z.string().min(1),
  drill: z.string().min(1),
  sourceArn: z.string().regex(/^arn:[^:]+:rds:[^:]+:\d{12}:db:.+$/),
  targetArn: z.string().regex(/^arn:[^:]+:rds:[^:]+:\d{12}:db:.+$/),
  checks: checksSchema,
});

/** Reads `VALIDATE_PITR` and the TLS settings; errors name the variable and the field. */
export function readPitrConfig(env: Env): PitrConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(requiredEnv(env, PITR_ENV.CONFIG));
  } catch (error) {
    throw new Error(`environment variable ${PITR_ENV.CONFIG} is not JSON (${errorMessage(error)})`, { cause: error });
  }
  const result = pitrSchema.safeParse(parsed);
  if (!result.success) {
    throw new Error(`environment variable ${PITR_ENV.CONFIG} is invalid: ${result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  const drill = result.data;
  if (drill.targetArn === drill.sourceArn) {
    throw new Error(`environment variable ${PITR_ENV.CONFIG}: targetArn is the source; the drill restores into an instance of its own`);
  }
  const sslRootCert = optionalEnv(env, VALIDATE_ENV.SSL_ROOT_CERT);
  return {
    drill,
    validate: {
      planArn: '', drill: drill.drill, selections: [], sslRootCert,
      sslMode: parseSslMode(optionalEnv(env, VALIDATE_ENV.SSL_MODE), sslRootCert),
    },
  };
}

export interface PitrCheckEvent {
  /** When the state machine's execution started (`$$.Execution.StartTime`): the restore started then. */
  readonly startedAt?: unknown;
  /** The check's outcome, for the report. */
  readonly result?: { readonly status?: unknown; readonly message?: unknown; readonly restoreDurationSeconds?: unknown };
}

export interface PitrResult {
  readonly status: 'SUCCESSFUL' | 'FAILED';
  readonly message: string;
  readonly restoreDurationSeconds?: number;
}

/** The check step: never throws for a failed check; the state machine deletes the instance next either way. */
export async function checkPitr(event: PitrCheckEvent, config: PitrConfig, deps: ValidateDeps, now: () => Date = () => new Date()): Promise<PitrResult> {
  const startedAt = typeof event.startedAt === 'string' ? new Date(event.startedAt) : undefined;
  if (!startedAt || Number.isNaN(startedAt.getTime())) {
    throw new Error('the checkPitr event has no startedAt; the drill\'s state machine sends $$.Execution.StartTime');
  }
  const { drill } = config;
  const restoreDurationSeconds = Math.max(0, Math.round((now().getTime() - startedAt.getTime()) / 1000));
  // The run as a restore job: created by this execution, restored to about its start (the latest restorable time).
  const job = {
    RestoreJobId: `pitr-${startedAt.toISOString()}`, SourceResourceArn: drill.sourceArn, CreatedResourceArn: drill.targetArn,
    CreationDate: startedAt, CompletionDate: now(), RecoveryPointCreationDate: startedAt,
  };
  const { status, message } = await validateRestored(job, drill.checks, config.validate, deps, `the point-in-time restore of ${drill.database}`,
    `, restored in ${restoreDurationSeconds} s`);
  return { status, message, restoreDurationSeconds };
}

/** The report step, after the instance is deleted (or on the failure path, with the error): the metrics and the log. */
export function reportPitr(event: PitrCheckEvent, config: PitrConfig, deps: Pick<ValidateDeps, 'metrics' | 'logger'>): PitrResult {
  const claimed = event.result ?? {};
  const status = claimed.status === 'SUCCESSFUL' ? 'SUCCESSFUL' : 'FAILED';
  const message = typeof claimed.message === 'string' && claimed.message !== '' ? claimed.message : 'the point-in-time drill failed without a message';
  const duration = typeof claimed.restoreDurationSeconds === 'number' ? claimed.restoreDurationSeconds : undefined;
  const metrics: MetricsRecorder = deps.metrics(config.drill.database);
  try {
    metrics.add(DRILL_METRIC.RESTORE_VALIDATION_SUCCESS, 'Count', status === 'SUCCESSFUL' ? 1 : 0);
    if (duration !== undefined) {
      metrics.add(DRILL_METRIC.RESTORE_DURATION_SECONDS, 'Seconds', duration);
    }
  } finally {
    metrics.flush();
  }
  (status === 'SUCCESSFUL' ? deps.logger.info : deps.logger.error).call(deps.logger, 'point-in-time drill', { status, message, restoreDurationSeconds: duration });
  return { status, message, ...(duration !== undefined ? { restoreDurationSeconds: duration } : {}) };
}

/** The hourly age: since the newest SUCCEEDED execution whose output is SUCCESSFUL, or since the state machine's creation. */
export async function pitrAge(
  stateMachineArn: string, config: PitrConfig, deps: Pick<ValidateDeps, 'metrics' | 'logger' | 'signal'> & { readonly sfn: SFNClient; readonly now: () => Date },
): Promise<{ readonly database: string; readonly ageSeconds: number; readonly execution?: string }> {
  let since: Date | undefined;
  let execution: string | undefined;
  // Newest first (ListExecutions' order); the paginator takes no abort signal, so the deadline is checked between pages.
  for await (const page of paginateListExecutions({ client: deps.sfn }, { stateMachineArn, statusFilter: 'SUCCEEDED' })) {
    deps.signal?.throwIfAborted();
    for (const item of page.executions ?? []) {
      const { output, stopDate } = await deps.sfn.send(new DescribeExecutionCommand({ executionArn: item.executionArn }), { abortSignal: deps.signal });
      if (stopDate && (JSON.parse(output ?? '{}') as { status?: unknown }).status === 'SUCCESSFUL') {
        since = stopDate;
        execution = item.executionArn;
        break;
      }
    }
    if (since) {
      break;
    }
  }
  if (!since) {
    since = (await deps.sfn.send(new DescribeStateMachineCommand({ stateMachineArn }), { abortSignal: deps.signal })).creationDate ?? deps.now();
    deps.logger.info('no passed point-in-time drill yet; the age counts from the state machine\'s creation');
  }
  const ageSeconds = Math.max(0, Math.round((deps.now().getTime() - since.getTime()) / 1000));
  const metrics = deps.metrics(config.drill.database);
  metrics.add(DRILL_METRIC.VALIDATED_RESTORE_AGE_SECONDS, 'Seconds', ageSeconds);
  metrics.flush();
  return { database: config.drill.database, ageSeconds, execution };
}
