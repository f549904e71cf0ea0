// validate-restore Lambda handler (RestoreDrill's validator): reads the VALIDATE_* environment, then runs
// `validateRestore` (validate.ts), which does the work and is what the tests call directly.

import { BackupClient } from '@aws-sdk/client-backup';
import { KMSClient } from '@aws-sdk/client-kms';
import { RDSClient } from '@aws-sdk/client-rds';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DRILL_DIMENSION, INSTANCE_CHECK_ACTION, PITR_ACTION, PITR_ENV, VALIDATE_ENV, VALIDATED_RESTORE_AGE_EVENT } from '../../lib/private/job-contract';
import { deadlineSignal, JOB_CLIENT_CONFIG } from '../shared/aws-clients';
import { integerEnv, optionalEnv, requiredEnv } from '../shared/env';
import { createJobLogger } from '../shared/logger';
import { PowertoolsMetricsRecorder } from '../shared/metrics';
import { measureValidatedRestoreAges, ValidatedRestoreAge } from './age';
import { readValidateConfig } from './config';
import { checkPitr, pitrAge, PitrCheckEvent, PitrResult, readPitrConfig, reportPitr } from './pitr';
import {
  checkInstance, InstanceCheckEvent, InstanceCheckResult, InstanceCheckTarget, prepareInstanceCheck, reportInstanceCheck,
} from './instance-check';
import { RestoreJobEvent, validateRestore, ValidationOutcome } from './validate';

export { measureValidatedRestoreAges } from './age';
export type { AgeDeps, ValidatedRestoreAge } from './age';
export { checkInstance, checkInstanceIdentifier, prepareInstanceCheck, reportInstanceCheck } from './instance-check';
export type { InstanceCheckEvent, InstanceCheckResult, InstanceCheckTarget } from './instance-check';
export { checkPitr, pitrAge, readPitrConfig, reportPitr } from './pitr';
export type { PitrCheckEvent, PitrConfig, PitrResult } from './pitr';
export { parseSelections, readValidateConfig, selectionOf } from './config';
export type { ValidateConfig } from './config';
export { validateRestore } from './validate';
export type { RestoreJobEvent, ValidateDeps, ValidationOutcome } from './validate';

/** Time kept before the Lambda deadline: the validation stops, FAILED is reported and the metrics are written. */
export const DEADLINE_MARGIN_MS = 30_000;

/** The part of the Lambda context the handler uses. */
export interface HandlerContext {
  getRemainingTimeInMillis(): number;
}

/**
 * Lambda entry point: the drill's "Restore Job State Change" rule (validate one restore job), or its hourly schedule
 * (`VALIDATED_RESTORE_AGE_EVENT`: the age of each selection's newest validated restore).
 */
export async function handler(
  event: RestoreJobEvent | typeof VALIDATED_RESTORE_AGE_EVENT | InstanceCheckEvent | (PitrCheckEvent & { action?: string }), context?: HandlerContext,
): Promise<ValidationOutcome | ValidatedRestoreAge[] | InstanceCheckTarget | InstanceCheckResult | PitrResult | { ageSeconds: number }> {
  if (optionalEnv(process.env, PITR_ENV.CONFIG) !== undefined) {
    return pitrHandler(event as PitrCheckEvent & { action?: string }, context);
  }
  const drill = optionalEnv(process.env, VALIDATE_ENV.DRILL) ?? 'unknown';
  const logger = createJobLogger('validate-restore', drill);
  const config = readValidateConfig(process.env);
  const backup = new BackupClient(JOB_CLIENT_CONFIG);
  const kms = new KMSClient(JOB_CLIENT_CONFIG);
  const metrics = (database: string) => new PowertoolsMetricsRecorder(database, { dimensions: { [DRILL_DIMENSION]: config.drill } });
  const signal = deadlineSignal(context?.getRemainingTimeInMillis(), DEADLINE_MARGIN_MS);
  if ((event as { check?: unknown }).check === VALIDATED_RESTORE_AGE_EVENT.check) {
    try {
      const ages = await measureValidatedRestoreAges(config, integerEnv(process.env, VALIDATE_ENV.LOOKBACK_DAYS, 400, 1, 3650), {
        backup, kms, metrics, logger, now: () => new Date(), signal,
      });
      logger.info('measured the validated restores\' ages', { ages });
      return ages;
    } finally {
      backup.destroy();
      kms.destroy();
    }
  }
  const rds = new RDSClient(JOB_CLIENT_CONFIG);
  const secrets = new SecretsManagerClient(JOB_CLIENT_CONFIG);
  const sfn = new SFNClient(JOB_CLIENT_CONFIG);
  const deps = { backup, rds, secrets, kms, sfn, logger, metrics, signal };
  try {
    switch ((event as InstanceCheckEvent).action) {
      case INSTANCE_CHECK_ACTION.PREPARE: return await prepareInstanceCheck(event as InstanceCheckEvent, config, deps);
      case INSTANCE_CHECK_ACTION.CHECK: return await checkInstance(event as InstanceCheckEvent, config, deps);
      case INSTANCE_CHECK_ACTION.REPORT: return await reportInstanceCheck(event as InstanceCheckEvent, config, deps);
      default: return await validateRestore(event as RestoreJobEvent, config, deps);
    }
  } finally {
    for (const client of [backup, kms, rds, secrets, sfn]) {
      client.destroy();
    }
  }
}

/** The validator of a PitrDrill: its state machine's check and report steps, and its hourly age. */
async function pitrHandler(event: PitrCheckEvent & { action?: string }, context?: HandlerContext): Promise<PitrResult | { ageSeconds: number }> {
  const config = readPitrConfig(process.env);
  const logger = createJobLogger('validate-restore', config.drill.drill);
  const metrics = (database: string) => new PowertoolsMetricsRecorder(database, { dimensions: { [DRILL_DIMENSION]: config.drill.drill } });
  const signal = deadlineSignal(context?.getRemainingTimeInMillis(), DEADLINE_MARGIN_MS);
  const clients = { backup: new BackupClient(JOB_CLIENT_CONFIG), rds: new RDSClient(JOB_CLIENT_CONFIG), secrets: new SecretsManagerClient(JOB_CLIENT_CONFIG), sfn: new SFNClient(JOB_CLIENT_CONFIG) };
  try {
    switch (event.action) {
      case PITR_ACTION.CHECK: return await checkPitr(event, config, { ...clients, logger, metrics, signal });
      case PITR_ACTION.REPORT: return reportPitr(event, config, { logger, metrics });
      case PITR_ACTION.AGE: return await pitrAge(requiredEnv(process.env, PITR_ENV.STATE_MACHINE_ARN), config, { sfn: clients.sfn, logger, metrics, signal, now: () => new Date() });
      default: throw new Error(`unknown action ${JSON.stringify(event.action)}; a point-in-time drill's validator takes ${Object.values(PITR_ACTION).join(', ')}`);
    }
  } finally {
    for (const client of Object.values(clients)) {
      client.destroy();
    }
  }
}
