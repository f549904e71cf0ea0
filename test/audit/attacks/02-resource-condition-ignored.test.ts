// Attack: a resource with a CloudFormation `Condition` is created only when the condition holds. A selection, bucket
// policy or alarm under a condition that is never true must not count as protection (app-index.ts: only `certain`
// resources protect), whereas the checks still judge conditional subjects.
import { App, CfnCondition, CfnResource, Duration, Fn, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { BackupCoverage, BackupDrChecks, CrossAccountBucket } from '../../../lib';

const ENV = { account: '111111111111', region: 'us-east-1' };

function never(stack: Stack): CfnCondition {
  return new CfnCondition(stack, 'Never', { expression: Fn.conditionEquals('a', 'b') });
}

function ruleFindings(stack: Stack, rule: string): string[] {
  return new BackupDrChecks().validateScope(stack).violations.filter((v) => v.ruleName === `BackupDR-${rule}`)
    .flatMap((v) => v.violatingResources.map((r) => r.constructPath ?? ''));
}

test('coverage: a table selected only by a BackupSelection that is never created is not protected', () => {
  const stack = new Stack(new App(), 'S', { env: ENV });
  BackupCoverage.check(stack);
  const table = new dynamodb.Table(stack, 'Orders', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
  const plan = new backup.BackupPlan(stack, 'Plan', { backupVault: new backup.BackupVault(stack, 'Vault') });
  plan.addRule(new backup.BackupPlanRule({ ruleName: 'Daily', deleteAfter: Duration.days(35) }));
  const selection = plan.addSelection('Selection', { resources: [backup.BackupResource.fromDynamoDbTable(table)] });
  (selection.node.defaultChild as CfnResource).cfnOptions.condition = never(stack);
  expect(Annotations.fromStack(stack).findError('/S/Orders/Resource', Match.anyValue())).toHaveLength(1);
});

test('BackupBucketConditionalWrites/KmsOnly: the bucket policy of a CrossAccountBucket that is never created', () => {
  const stack = new Stack(new App(), 'S', { env: ENV });
  const dumps = new CrossAccountBucket(stack, 'Dumps', { bucketName: 'acme-dumps' });
  (dumps.bucket.policy!.node.defaultChild as CfnResource).cfnOptions.condition = never(stack);
  expect(ruleFindings(stack, 'BackupBucketConditionalWrites')).toEqual(['S/Dumps/Resource/Resource']);
  expect(ruleFindings(stack, 'BackupBucketKmsOnly')).toEqual(['S/Dumps/Resource/Resource']);
});

test('BackupFailureAlarm: an alarm that is never created', () => {
  const stack = new Stack(new App(), 'S', { env: ENV });
  const vault = new backup.BackupVault(stack, 'Vault', { lockConfiguration: { minRetention: Duration.days(7) } });
  const plan = new backup.BackupPlan(stack, 'Plan', { backupVault: vault });
  plan.addRule(new backup.BackupPlanRule({ ruleName: 'Daily', deleteAfter: Duration.days(35) }));
  const alarm = new cloudwatch.Alarm(stack, 'Failed', {
    metric: new cloudwatch.Metric({ namespace: 'AWS/Backup', metricName: 'NumberOfBackupJobsFailed', dimensionsMap: { BackupVaultName: vault.backupVaultName } }),
    threshold: 1, evaluationPeriods: 1,
  });
  (alarm.node.defaultChild as CfnResource).cfnOptions.condition = never(stack);
  expect(ruleFindings(stack, 'BackupFailureAlarm')).toEqual(['S/Plan/Resource']);
});
