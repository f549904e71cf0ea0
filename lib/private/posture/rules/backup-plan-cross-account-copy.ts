import type { Located } from '../app-index';
import { copiesElsewhere } from './plan-copies';
import { DrRule, RuleContext } from './rule';

/** A backup plan copies its recovery points into a vault of another account. */
export const BackupPlanCrossAccountCopy: DrRule = {
  id: 'BackupPlanCrossAccountCopy',
  title: 'The backup plan copies recovery points into a vault of another account.',
  explanation: 'Recovery points that stay in the workload account are lost with it: an attacker or a mistake with '
    + 'administrator rights there can delete the vault\'s contents (an unlocked vault) or close the account.',
  types: ['AWS::Backup::BackupPlan'],
  check: (at: Located, context: RuleContext) => copiesElsewhere(at, context, 'account'),
};
