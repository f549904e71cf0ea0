// Where a plan's copies go, for the two copy rules.
import type { AppIndex, Located, PlanView } from '../app-index';

/** The plan of an AWS::Backup::BackupPlan resource. */
export function planAt(at: Located, index: AppIndex): PlanView | undefined {
  return index.plans.find((p) => p.at === at);
}

/** Whether a copy's vault lies outside `here` (account or region): both known at synth, and different. */
export function leaves(target: string | undefined, here: string | undefined): boolean {
  return target !== undefined && here !== undefined && target !== here;
}
