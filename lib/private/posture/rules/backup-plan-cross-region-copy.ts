import type { Located } from '../app-index';
import { leaves, planAt } from './plan-copies';
import { DrRule, NOT_APPLICABLE, outcome, RuleContext } from './rule';

/** A backup plan copies its recovery points into a vault of another region. */
export const BackupPlanCrossRegionCopy: DrRule = {
  id: 'BackupPlanCrossRegionCopy',
  title: 'The backup plan copies recovery points into a vault of another region.',
  explanation: 'Recovery points kept in one region are unreachable while that region is down, so a regional outage '
    + 'leaves nothing to restore elsewhere.',
  types: ['AWS::Backup::BackupPlan'],
  check(at: Located, { index }: RuleContext) {
    const plan = planAt(at, index);
    if (!plan) return NOT_APPLICABLE;
    const copies = plan.rules.flatMap((rule) => rule.copies);
    if (at.stack.region === undefined) {
      return outcome([`the plan's stack has no region at synth (environment-agnostic), so no copy can be shown to leave it; give the stack an env`]);
    }
    return outcome(copies.some((c) => leaves(c.region, at.stack.region)) ? []
      : [copies.length === 0 ? 'no rule has a copy action' : 'every copy action targets a vault of the same region']);
  },
};
