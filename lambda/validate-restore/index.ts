// validate-restore Lambda handler (RestoreDrill's validator): reads the VALIDATE_* environment, then runs
// `validateRestore` (validate.ts), which does the work and is what the tests call directly.

import { BackupClient } from '@aws-sdk/client-backup';
import { KMSClient } from '@aws-sdk/client-kms';
import { RDSClient } from '@aws-sdk/client-rds';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DRILL_DIMENSION, VALIDATE_ENV, VALIDATED_RESTORE_AGE_EVENT } from '../../lib/private/job-contract';
import { deadlineSignal, JOB_CLIENT_CONFIG } from '../shared/aws-clients';
import { integerEnv, optionalEnv } from '../shared/env';
import { createJobLogger } from '../shared/logger';
import { PowertoolsMetricsRecorder } from '../shared/metrics';
import { measureValidatedRestoreAges, ValidatedRestoreAge } from './age';
import { readValidateConfig } from './config';
import { RestoreJobEvent, validateRestore, ValidationOutcome } from './validate';

export { measureValidatedRestoreAges } from './age';
export type { AgeDeps, ValidatedRestoreAge } from './age';
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
  event: RestoreJobEvent | typeof VALIDATED_RESTORE_AGE_EVENT, context?: HandlerContext,
): Promise<ValidationOutcome | ValidatedRestoreAge[]> {
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
  try {
    return await validateRestore(event as RestoreJobEvent, config, { backup, rds, secrets, kms, logger, metrics, signal });
  } finally {
    backup.destroy();
    kms.destroy();
    rds.destroy();
    secrets.destroy();
  }
}
