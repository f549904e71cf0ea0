// The hourly half of the validator: for each selection with checks, the age of its newest restore that passed
// validation (ValidatedRestoreAgeSeconds), so that an alarm can say "no validated drill in the expected period" for
// drills that run monthly or quarterly, longer than the 7 days a CloudWatch alarm can look back.

import { BackupClient, GetRestoreTestingPlanCommand, paginateListRestoreJobs } from '@aws-sdk/client-backup';
import type { KMSClient } from '@aws-sdk/client-kms';
import { DRILL_METRIC } from '../../lib/private/job-contract';
import type { Logger } from '../shared/logger';
import type { MetricsRecorder } from '../shared/metrics';
import { selectionOf, ValidateConfig } from './config';
import { verifyMessage } from './signature';

export interface AgeDeps {
  readonly backup: BackupClient;
  /** Verifies the results' signatures with the config's `resultKeyArn`. */
  readonly kms?: KMSClient;
  readonly metrics: (database: string) => MetricsRecorder;
  readonly logger: Logger;
  readonly now: () => Date;
  /** The paginator takes no abort signal: the deadline is checked between pages. */
  readonly signal?: AbortSignal;
}

export interface ValidatedRestoreAge {
  readonly database: string;
  readonly ageSeconds: number;
  /** The newest validated restore job, or undefined when the age counts from the plan's creation. */
  readonly restoreJobId?: string;
}

/** Measures and records the age of each validated selection's newest restore that passed validation. */
export async function measureValidatedRestoreAges(config: ValidateConfig, lookbackDays: number, deps: AgeDeps): Promise<ValidatedRestoreAge[]> {
  const validated = config.selections.filter((s) => s.checks !== undefined);
  if (validated.length === 0) {
    return [];
  }
  const now = deps.now();
  const candidates = new Map<string, Array<{ completed: Date; restoreJobId: string; message?: string }>>();
  const pages = paginateListRestoreJobs({ client: deps.backup }, {
    ByRestoreTestingPlanArn: config.planArn,
    ByStatus: 'COMPLETED',
    ByCompleteAfter: new Date(now.getTime() - lookbackDays * 86_400_000),
  });
  for await (const page of pages) {
    deps.signal?.throwIfAborted();
    for (const job of page.RestoreJobs ?? []) {
      const selection = selectionOf(validated, job.SourceResourceArn, job.ResourceType);
      if (!selection || job.ValidationStatus !== 'SUCCESSFUL' || !job.CompletionDate || !job.RestoreJobId) {
        continue;
      }
      const list = candidates.get(selection.database) ?? [];
      list.push({ completed: job.CompletionDate, restoreJobId: job.RestoreJobId, message: job.ValidationStatusMessage });
      candidates.set(selection.database, list);
    }
  }
  // Per selection, the newest SUCCESSFUL result the validator signed; one it did not sign is somebody else's word.
  const newest = new Map<string, { completed: Date; restoreJobId: string }>();
  for (const [database, list] of candidates) {
    for (const candidate of list.sort((a, b) => b.completed.getTime() - a.completed.getTime())) {
      const check = config.resultKeyArn === undefined || !deps.kms
        ? { valid: false, reason: 'the validator has no key to verify signatures with' }
        : await verifyMessage(deps.kms, config.resultKeyArn, candidate.restoreJobId, 'SUCCESSFUL', candidate.message, deps.signal);
      if (check.valid) {
        newest.set(database, candidate);
        break;
      }
      deps.logger.warn('a SUCCESSFUL validation result the validator did not sign is not counted', {
        database, restoreJobId: candidate.restoreJobId, reason: check.reason,
      });
    }
  }
  let planCreated: Date | undefined;
  const ages: ValidatedRestoreAge[] = [];
  for (const selection of validated) {
    const found = newest.get(selection.database);
    if (!found && planCreated === undefined) {
      const { RestoreTestingPlan } = await deps.backup.send(new GetRestoreTestingPlanCommand({ RestoreTestingPlanName: config.drill }), { abortSignal: deps.signal });
      planCreated = RestoreTestingPlan?.CreationTime ?? now;
    }
    const since = found?.completed ?? planCreated!;
    const ageSeconds = Math.max(0, Math.round((now.getTime() - since.getTime()) / 1000));
    ages.push({ database: selection.database, ageSeconds, restoreJobId: found?.restoreJobId });
    if (!found) {
      deps.logger.info('no validated restore yet within the lookback; the age counts from the plan\'s creation', { database: selection.database, lookbackDays });
    }
  }
  for (const age of ages) {
    const metrics = deps.metrics(age.database);
    metrics.add(DRILL_METRIC.VALIDATED_RESTORE_AGE_SECONDS, 'Seconds', age.ageSeconds);
    metrics.flush();
  }
  return ages;
}
