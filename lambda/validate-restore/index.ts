// validate-restore Lambda handler (RestoreDrill's validator): reads the VALIDATE_* environment, then runs
// `validateRestore` (validate.ts), which does the work and is what the tests call directly.

import { BackupClient } from '@aws-sdk/client-backup';
import { RDSClient } from '@aws-sdk/client-rds';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DRILL_DIMENSION, VALIDATE_ENV } from '../../lib/private/job-contract';
import { deadlineSignal, JOB_CLIENT_CONFIG } from '../shared/aws-clients';
import { optionalEnv } from '../shared/env';
import { createJobLogger } from '../shared/logger';
import { PowertoolsMetricsRecorder } from '../shared/metrics';
import { readValidateConfig } from './config';
import { RestoreJobEvent, validateRestore, ValidationOutcome } from './validate';

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

/** Lambda entry point (EventBridge rule of the drill). */
export async function handler(event: RestoreJobEvent, context?: HandlerContext): Promise<ValidationOutcome> {
  const drill = optionalEnv(process.env, VALIDATE_ENV.DRILL) ?? 'unknown';
  const logger = createJobLogger('validate-restore', drill);
  const config = readValidateConfig(process.env);
  const backup = new BackupClient(JOB_CLIENT_CONFIG);
  const rds = new RDSClient(JOB_CLIENT_CONFIG);
  const secrets = new SecretsManagerClient(JOB_CLIENT_CONFIG);
  try {
    return await validateRestore(event, config, {
      backup, rds, secrets, logger,
      metrics: (database) => new PowertoolsMetricsRecorder(database, { dimensions: { [DRILL_DIMENSION]: config.drill } }),
      signal: deadlineSignal(context?.getRemainingTimeInMillis(), DEADLINE_MARGIN_MS),
    });
  } finally {
    backup.destroy();
    rds.destroy();
    secrets.destroy();
  }
}
