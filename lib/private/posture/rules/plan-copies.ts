// Where a plan's copies go, for the two copy rules.
import type { AppIndex, Located, PlanView } from '../app-index';
import { NOT_APPLICABLE, outcome, RuleContext, RuleOutcome } from './rule';

/** The plan of an AWS::Backup::BackupPlan resource. */
export function planAt(at: Located, index: AppIndex): PlanView | undefined {
  return index.plans.find((p) => p.at === at);
}

/** Whether a copy's vault lies outside `here` (account or region): both known at synth, and different. */
export function leaves(target: string | undefined, here: string | undefined): boolean {
  return target !== undefined && here !== undefined && target !== here;
}

/** Whether the plan at `at` copies into a vault of another account or region (`dimension`). */
export function copiesElsewhere(at: Located, { index }: RuleContext, dimension: 'account' | 'region'): RuleOutcome {
  const plan = planAt(at, index);
  if (!plan) return NOT_APPLICABLE;
  const copies = plan.rules.flatMap((rule) => rule.copies);
  const here = at.stack[dimension];
  if (here === undefined) {
    return outcome([`the plan's stack has no ${dimension} at synth (environment-agnostic), so no copy can be shown to leave it; give the stack an env`]);
  }
  return outcome(copies.some((c) => leaves(c[dimension], here)) ? []
    : [copies.length === 0 ? 'no rule has a copy action' : `every copy action targets a vault of the same ${dimension}`]);
}
