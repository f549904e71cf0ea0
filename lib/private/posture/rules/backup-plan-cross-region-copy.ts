import type { Located } from '../app-index';
import { copiesElsewhere } from './plan-copies';
import { DrRule, RuleContext } from './rule';

/** A backup plan copies its recovery points into a vault of another region. */
export const BackupPlanCrossRegionCopy: DrRule = {
  id: 'BackupPlanCrossRegionCopy',
  title: 'The backup plan copies recovery points into a vault of another region.',
  explanation: 'Recovery points kept in one region are unreachable while that region is down, so a regional outage '
    + 'leaves nothing to restore elsewhere.',
  types: ['AWS::Backup::BackupPlan'],
  check: (at: Located, context: RuleContext) => copiesElsewhere(at, context, 'region'),
};
