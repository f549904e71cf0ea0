import type { Located } from '../app-index';
import { planAt } from './plan-copies';
import { DrRule, NOT_APPLICABLE, outcome, RuleContext } from './rule';

/** Every rule and copy action of a plan sets how long its recovery points live, consistently with cold storage. */
export const BackupCopyLifecycle: DrRule = {
  id: 'BackupCopyLifecycle',
  title: 'Every copy action of the backup plan sets a lifecycle (DeleteAfterDays) of at least the minimum retention, and at least 90 days after any move to cold storage.',
  explanation: 'A copy without a lifecycle takes the source rule\'s, which the team of the source account can change; '
    + 'a copy that moves to cold storage must stay there 90 days or AWS Backup rejects the plan.',
  types: ['AWS::Backup::BackupPlan'],
  check(at: Located, { index, options }: RuleContext) {
    const plan = planAt(at, index);
    if (!plan) return NOT_APPLICABLE;
    const reasons: string[] = [];
    for (const rule of plan.rules) {
      rule.copies.forEach((copy, i) => {
        const name = `rule ${rule.name}, copy ${i + 1} (${copy.vaultArn})`;
        if (copy.deleteAfterDays === undefined) reasons.push(`${name} sets no DeleteAfterDays`);
        else if (copy.deleteAfterDays < options.minimumRetentionDays) reasons.push(`${name} deletes after ${copy.deleteAfterDays} day(s), less than ${options.minimumRetentionDays}`);
        else if (copy.coldAfterDays !== undefined && copy.deleteAfterDays < copy.coldAfterDays + 90) {
          reasons.push(`${name} deletes after ${copy.deleteAfterDays} days, less than 90 days after cold storage (${copy.coldAfterDays})`);
        }
      });
    }
    return outcome(reasons);
  },
};
