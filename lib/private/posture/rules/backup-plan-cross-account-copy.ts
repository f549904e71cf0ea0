import type { Located } from '../app-index';
import { leaves, planAt } from './plan-copies';
import { DrRule, NOT_APPLICABLE, outcome, RuleContext } from './rule';

/** A backup plan copies its recovery points into a vault of another account. */
export const BackupPlanCrossAccountCopy: DrRule = {
  id: 'BackupPlanCrossAccountCopy',
  title: 'The backup plan copies recovery points into a vault of another account.',
  explanation: 'Recovery points that stay in the workload account are lost with it: an attacker or a mistake with '
    + 'administrator rights there can delete the vault\'s contents (an unlocked vault) or close the account.',
  types: ['AWS::Backup::BackupPlan'],
  check(at: Located, { index }: RuleContext) {
    const plan = planAt(at, index);
    if (!plan) return NOT_APPLICABLE;
    const copies = plan.rules.flatMap((rule) => rule.copies);
    if (at.stack.account === undefined) {
      return outcome([`the plan's stack has no account at synth (environment-agnostic), so no copy can be shown to leave it; give the stack an env`]);
    }
    return outcome(copies.some((c) => leaves(c.account, at.stack.account)) ? []
      : [copies.length === 0 ? 'no rule has a copy action' : 'every copy action targets a vault of the same account']);
  },
};
