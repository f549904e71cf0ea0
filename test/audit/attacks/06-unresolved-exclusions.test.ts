// Attack: an exclusion known only at deploy (a NotResources entry, a StringNotEquals or StringNotLike value taken from
// a parameter or an intrinsic the resolver does not follow) may name exactly this store, so the selection must not
// count as protecting it. And two different unfollowed values (two Fn::Select) must not compare equal.
import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { BackupCoverage } from '../../../lib';
import { coverageOf, stackOf } from './helpers';

const ENV = { account: '111111111111', region: 'us-east-1' };

function setup(selection: (p: CfnParameter) => Partial<backup.CfnBackupSelection.BackupSelectionResourceTypeProperty>): Stack {
  const stack = new Stack(new App(), 'S', { env: ENV });
  BackupCoverage.check(stack);
  const param = new CfnParameter(stack, 'Excluded', { type: 'String' });
  new dynamodb.Table(stack, 'Orders', { tableName: 'orders', partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
  const plan = new backup.BackupPlan(stack, 'Plan', { backupVault: new backup.BackupVault(stack, 'Vault') });
  plan.addRule(new backup.BackupPlanRule({ ruleName: 'Daily', deleteAfter: Duration.days(35) }));
  new backup.CfnBackupSelection(stack, 'Sel', {
    backupPlanId: plan.backupPlanId,
    backupSelection: { selectionName: 's', iamRoleArn: 'arn:aws:iam::111111111111:role/backup', resources: ['arn:aws:dynamodb:*:*:table/*'], ...selection(param) },
  });
  return stack;
}

const errorsOn = (stack: Stack) => Annotations.fromStack(stack).findError('/S/Orders/Resource', Match.anyValue());

test('NotResources from a parameter (deploy with Excluded=arn:…:table/orders) is not known to spare the table', () => {
  expect(errorsOn(setup((p) => ({ notResources: [p.valueAsString] })))).toHaveLength(1);
});

test('Conditions StringNotEquals aws:ResourceTag/team with a parameter value is not known to hold', () => {
  const stack = setup((p) => ({ conditions: { StringNotEquals: [{ ConditionKey: 'aws:ResourceTag/team', ConditionValue: p.valueAsString }] } }));
  expect(errorsOn(stack)).toHaveLength(1);
});

test('two different Fn::Select values resolve to the same marker, and a ListOfTags selection then "matches"', () => {
  const stacks = [stackOf({
    Resources: {
      Orders: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'orders', Tags: [{ Key: 'backup', Value: { 'Fn::Select': [0, { 'Fn::Split': [',', 'never'] }] } }] } },
      Vault: { Type: 'AWS::Backup::BackupVault', Properties: { BackupVaultName: 'v' } },
      Plan: { Type: 'AWS::Backup::BackupPlan', Properties: { BackupPlan: { BackupPlanName: 'p', BackupPlanRule: [{ RuleName: 'Daily', TargetBackupVault: 'v', Lifecycle: { DeleteAfterDays: 35 } }] } } },
      Sel: {
        Type: 'AWS::Backup::BackupSelection',
        Properties: { BackupPlanId: { Ref: 'Plan' }, BackupSelection: { SelectionName: 's', IamRoleArn: 'r', ListOfTags: [{ ConditionType: 'STRINGEQUALS', ConditionKey: 'backup', ConditionValue: { 'Fn::Select': [0, { 'Fn::Split': [',', 'daily'] }] } }] } },
      },
    },
  })];
  expect(coverageOf(stacks, 'Orders').problems).not.toEqual([]);
});
