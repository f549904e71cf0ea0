// Hands an Aurora restore to the instance check (the drill validator's state machine): started once per restore job
// (the execution is named after it), with the job's id alone; every step reads the job back itself.

import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Logger } from '../shared/logger';
import type { ValidateConfig } from './config';

export async function startInstanceCheck(
  restoreJobId: string, config: ValidateConfig, deps: { readonly sfn?: SFNClient; readonly logger: Logger; readonly signal?: AbortSignal },
): Promise<void> {
  if (!config.instanceCheckArn || !deps.sfn) {
    throw new Error('the drill has an Aurora selection with checks but no instance check state machine (VALIDATE_INSTANCE_CHECK_ARN)');
  }
  try {
    await deps.sfn.send(new StartExecutionCommand({
      stateMachineArn: config.instanceCheckArn,
      // Execution names: 1-80 of letters, digits, - and _.
      name: restoreJobId.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 80),
      input: JSON.stringify({ restoreJobId }),
    }), { abortSignal: deps.signal });
    deps.logger.info('instance check started', { restoreJobId });
  } catch (error) {
    if (error instanceof ExecutionAlreadyExists) {
      deps.logger.warn('the instance check of this restore job runs already', { restoreJobId });
      return;
    }
    throw error;
  }
}
