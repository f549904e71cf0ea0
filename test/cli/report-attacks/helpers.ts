// Helpers of the report's attack tests: stacks for readPosture without a cloud assembly on disk.
import type { AssemblyStack } from '../../../cli/app/assembly';

export function stack(name: string, resources: Record<string, unknown>, account?: string, region?: string): AssemblyStack {
  return { id: name, stackName: name, account, region, template: { Resources: resources as never } };
}

export function table(name: string, extra: Record<string, unknown> = {}): unknown {
  return {
    Type: 'AWS::DynamoDB::Table',
    Properties: {
      TableName: name, DeletionProtectionEnabled: true, KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], ...extra,
    },
  };
}

export function plan(name: string, rules: Array<Record<string, unknown>>): unknown {
  return { Type: 'AWS::Backup::BackupPlan', Properties: { BackupPlan: { BackupPlanName: name, BackupPlanRule: rules } } };
}

export function selection(planId: string, resources: unknown[] = [], tags: Array<{ key: string; value: string }> = []): unknown {
  return {
    Type: 'AWS::Backup::BackupSelection',
    Properties: {
      BackupPlanId: { 'Fn::GetAtt': [planId, 'BackupPlanId'] },
      BackupSelection: {
        SelectionName: 's', IamRoleArn: 'arn:aws:iam::111111111111:role/r', Resources: resources,
        ListOfTags: tags.map((t) => ({ ConditionType: 'STRINGEQUALS', ConditionKey: t.key, ConditionValue: t.value })),
      },
    },
  };
}

export function vault(name: string): unknown {
  return { Type: 'AWS::Backup::BackupVault', Properties: { BackupVaultName: name } };
}
