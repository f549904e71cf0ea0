// validate-restore Lambda handler (RestoreDrill's validator): reads the VALIDATE_* environment, then runs
// `validateRestore` (validate.ts), which does the work and is what the tests call directly.

import { BackupClient } from '@aws-sdk/client-backup';
import { KMSClient } from '@aws-sdk/client-kms';
import { RDSClient } from '@aws-sdk/client-rds';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DRILL_DIMENSION, INSTANCE_CHECK_ACTION, VALIDATE_ENV, VALIDATED_RESTORE_AGE_EVENT } from '../../lib/private/job-contract';
import { deadlineSignal, JOB_CLIENT_CONFIG } from '../shared/aws-clients';
import { integerEnv, optionalEnv } from '../shared/env';
import { createJobLogger } from '../shared/logger';
import { PowertoolsMetricsRecorder } from '../shared/metrics';
import { measureValidatedRestoreAges, ValidatedRestoreAge } from './age';
import { readValidateConfig } from './config';
import {
  checkInstance, InstanceCheckEvent, InstanceCheckResult, InstanceCheckTarget, prepareInstanceCheck, reportInstanceCheck,
} from './instance-check';
import { RestoreJobEvent, validateRestore, ValidationOutcome } from './validate';

export { measureValidatedRestoreAges } from './age';
export type { AgeDeps, ValidatedRestoreAge } from './age';
export { checkInstance, checkInstanceIdentifier, prepareInstanceCheck, reportInstanceCheck } from './instance-check';
export type { InstanceCheckEvent, InstanceCheckResult, InstanceCheckTarget } from './instance-check';
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
  event: RestoreJobEvent | typeof VALIDATED_RESTORE_AGE_EVENT | InstanceCheckEvent, context?: HandlerContext,
): Promise<ValidationOutcome | ValidatedRestoreAge[] | InstanceCheckTarget | InstanceCheckResult> {
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
