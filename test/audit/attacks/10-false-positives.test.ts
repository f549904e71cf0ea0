// False positives that push users to acknowledge a rule wholesale (and with it the real findings it would raise).
import { App, Duration, Stack, Tags } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { BackupCoverage, BackupDrChecks } from '../../../lib';
import { ruleOutcome, stackOf } from './helpers';

const ENV = { account: '111111111111', region: 'us-east-1' };

test('DatabaseDeletionProtection: a TableV2 (AWS::DynamoDB::GlobalTable) with deletion protection on is flagged: the property is per replica', () => {
  const stack = new Stack(new App(), 'S', { env: ENV });
  new dynamodb.TableV2(stack, 'Global', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING }, deletionProtection: true,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
  });
  const found = new BackupDrChecks().validateScope(stack).violations.filter((v) => v.ruleName === 'BackupDR-DatabaseDeletionProtection');
  expect(found).toEqual([]);
});

test('BackupKeyUndeletable: a NotAction Deny (everything but encrypt/decrypt) does deny ScheduleKeyDeletion and DisableKey', () => {
  const stacks = [stackOf({
    Resources: {
      Key: {
        Type: 'AWS::KMS::Key', DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain',
        Properties: {
          KeyPolicy: {
            Statement: [
              { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'kms:*', Resource: '*' },
              {
                Effect: 'Deny', Principal: { AWS: '*' }, Resource: '*',
                NotAction: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey', 'kms:CreateGrant', 'kms:ListGrants'],
                Condition: { ArnNotEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/break-glass' } },
              },
            ],
          },
        },
      },
      Vault: { Type: 'AWS::Backup::BackupVault', Properties: { BackupVaultName: 'v', EncryptionKeyArn: { 'Fn::GetAtt': ['Key', 'Arn'] } } },
    },
  })];
  expect(ruleOutcome(stacks, 'BackupKeyUndeletable', 'Key').status).toBe('compliant');
});

test('BackupCoverage: a TableV2 selected by a tag it carries is "not protected": a GlobalTable carries its tags per replica (Replicas[].Tags)', () => {
  const stack = new Stack(new App(), 'S', { env: ENV });
  BackupCoverage.check(stack);
  const table = new dynamodb.TableV2(stack, 'Global', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
  Tags.of(table).add('backup', 'daily');
  const plan = new backup.BackupPlan(stack, 'Plan', { backupVault: new backup.BackupVault(stack, 'Vault') });
  plan.addRule(new backup.BackupPlanRule({ ruleName: 'Daily', deleteAfter: Duration.days(35) }));
  plan.addSelection('Sel', { resources: [backup.BackupResource.fromTag('backup', 'daily')] });
  expect(Annotations.fromStack(stack).findError('/S/Global/Resource', Match.anyValue())).toEqual([]);
});
