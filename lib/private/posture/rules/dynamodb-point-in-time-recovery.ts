import type { Located } from '../app-index';
import { bool } from '../template';
import { DrRule, outcome } from './rule';

function enabled(spec: unknown): boolean {
  return bool((spec as { PointInTimeRecoveryEnabled?: unknown } | undefined)?.PointInTimeRecoveryEnabled) === true;
}

/** DynamoDB tables restore to any second of their recovery window. */
export const DynamoDBPointInTimeRecovery: DrRule = {
  id: 'DynamoDBPointInTimeRecovery',
  title: 'The DynamoDB table has point-in-time recovery on (every replica of a global table).',
  explanation: 'Without point-in-time recovery a table overwritten or emptied by mistake comes back only from its last '
    + 'on-demand or AWS Backup backup, losing everything written since.',
  types: ['AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable'],
  check(at: Located) {
    const p = at.resource.Properties ?? {};
    if (at.resource.Type === 'AWS::DynamoDB::Table') return outcome(enabled(p.PointInTimeRecoverySpecification) ? [] : ['PointInTimeRecoverySpecification is not enabled']);
    const replicas = (p.Replicas ?? []) as Array<{ Region?: unknown; PointInTimeRecoverySpecification?: unknown }>;
    return outcome(replicas.filter((rep) => !enabled(rep.PointInTimeRecoverySpecification))
      .map((rep) => `replica ${at.r.resolve(rep.Region) ?? '?'} has point-in-time recovery off`));
  },
};
