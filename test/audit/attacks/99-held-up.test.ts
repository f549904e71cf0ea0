// Forms an attacker might try that the checks already handle.
import { bucketPolicy, coverageOf, DUMP_JOB, lockedKmsBucket, OBJECTS, ruleOutcome, stackOf } from './helpers';

const KMS_DENY = { Effect: 'Deny', Principal: '*', Action: 's3:Put*', Resource: OBJECTS, Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } } };

test('ConditionalWrites: Null written as a boolean, key in another case, Principal "*", s3:Put* wildcard', () => {
  const deny = { Effect: 'Deny', Principal: '*', Action: 'S3:Put*', Resource: OBJECTS, Condition: { Null: { 'S3:If-None-Match': true } } };
  const stacks = [stackOf({ Resources: { Dumps: lockedKmsBucket() as never, Policy: bucketPolicy([deny, KMS_DENY]) as never, Job: DUMP_JOB } })];
  expect(ruleOutcome(stacks, 'BackupBucketConditionalWrites', 'Dumps').status).toBe('compliant');
});

test('ConditionalWrites: a Deny in the policy of another bucket does not count; Null "false" does not count', () => {
  const other = { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'other' } };
  const elsewhere = { ...(bucketPolicy([{ Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: OBJECTS, Condition: { Null: { 's3:if-none-match': 'true' } } }]) as { Properties: Record<string, unknown> }) };
  elsewhere.Properties = { ...elsewhere.Properties, Bucket: { Ref: 'Other' } };
  const stacks = [stackOf({ Resources: { Dumps: lockedKmsBucket() as never, Other: other as never, Policy: elsewhere as never, Job: DUMP_JOB } })];
  expect(ruleOutcome(stacks, 'BackupBucketConditionalWrites', 'Dumps').status).toBe('non-compliant');
  const inverted = [stackOf({ Resources: { Dumps: lockedKmsBucket() as never, Policy: bucketPolicy([{ Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: OBJECTS, Condition: { Null: { 's3:if-none-match': 'false' } } }]) as never, Job: DUMP_JOB } })];
  expect(ruleOutcome(inverted, 'BackupBucketConditionalWrites', 'Dumps').status).toBe('non-compliant');
});

test('NotPrincipal / a named principal is not "everyone"', () => {
  const deny = { Effect: 'Deny', NotPrincipal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 's3:PutObject', Resource: OBJECTS, Condition: { Null: { 's3:if-none-match': 'true' } } };
  const stacks = [stackOf({ Resources: { Dumps: lockedKmsBucket() as never, Policy: bucketPolicy([deny, KMS_DENY]) as never, Job: DUMP_JOB } })];
  expect(ruleOutcome(stacks, 'BackupBucketConditionalWrites', 'Dumps').status).toBe('non-compliant');
});

test('key policy: kms:* and kms:Schedule*/kms:Disable* wildcards are read as covering the destruction actions; DESTROY is reported', () => {
  const key = (statement: unknown, deletion = 'Retain') => [stackOf({
    Resources: {
      Key: { Type: 'AWS::KMS::Key', DeletionPolicy: deletion, UpdateReplacePolicy: deletion, Properties: { KeyPolicy: { Statement: [statement] } } },
      Vault: { Type: 'AWS::Backup::BackupVault', Properties: { BackupVaultName: 'v', EncryptionKeyArn: { Ref: 'Key' } } },
    },
  })];
  expect(ruleOutcome(key({ Effect: 'Deny', Principal: '*', Action: ['kms:Schedule*', 'kms:Disable*', 'kms:Put*'], Resource: '*' }), 'BackupKeyUndeletable', 'Key').status).toBe('compliant');
  expect(ruleOutcome(key({ Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*' }, 'Delete'), 'BackupKeyUndeletable', 'Key').status).toBe('non-compliant');
});

test('vault lock: MinRetentionDays as a string is read; 0 or a parameter is not a lock', () => {
  const vault = (lock: unknown) => [stackOf({ Resources: { Vault: { Type: 'AWS::Backup::BackupVault', Properties: { LockConfiguration: lock } } } })];
  expect(ruleOutcome(vault({ MinRetentionDays: '7', ChangeableForDays: 3 }), 'BackupVaultLocked', 'Vault').status).toBe('compliant');
  expect(ruleOutcome(vault({ MinRetentionDays: 0 }), 'BackupVaultLocked', 'Vault').status).toBe('non-compliant');
  expect(ruleOutcome(vault({ MinRetentionDays: { Ref: 'Days' } }), 'BackupVaultLocked', 'Vault').status).toBe('non-compliant');
});

test('copies: a destination with an unresolved account, a "*" region or the plan\'s own account is not cross-account/region', () => {
  const plan = (arn: unknown) => [stackOf({
    Resources: {
      Plan: { Type: 'AWS::Backup::BackupPlan', Properties: { BackupPlan: { BackupPlanName: 'p', BackupPlanRule: [{ RuleName: 'd', TargetBackupVault: 'v', CopyActions: [{ DestinationBackupVaultArn: arn, Lifecycle: { DeleteAfterDays: 35 } }] }] } } },
    },
  })];
  expect(ruleOutcome(plan({ 'Fn::Sub': 'arn:aws:backup:us-west-2:${Other}:backup-vault:dr' }), 'BackupPlanCrossAccountCopy', 'Plan').status).toBe('non-compliant');
  expect(ruleOutcome(plan('arn:aws:backup:*:222222222222:backup-vault:dr'), 'BackupPlanCrossRegionCopy', 'Plan').status).toBe('non-compliant');
  expect(ruleOutcome(plan({ 'Fn::Sub': 'arn:aws:backup:us-west-2:${AWS::AccountId}:backup-vault:dr' }), 'BackupPlanCrossAccountCopy', 'Plan').status).toBe('non-compliant');
});

test('selections: NotResources "*" pattern, StringNotLike, aws:ResourceTag/ prefix in ListOfTags', () => {
  const app = (selection: Record<string, unknown>, tags = [{ Key: 'backup', Value: 'daily' }]) => [stackOf({
    Resources: {
      Orders: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'orders', Tags: tags } },
      Plan: { Type: 'AWS::Backup::BackupPlan', Properties: { BackupPlan: { BackupPlanName: 'p', BackupPlanRule: [{ RuleName: 'd', TargetBackupVault: 'v', Lifecycle: { DeleteAfterDays: 35 } }] } } },
      Sel: { Type: 'AWS::Backup::BackupSelection', Properties: { BackupPlanId: { Ref: 'Plan' }, BackupSelection: { SelectionName: 's', IamRoleArn: 'r', ...selection } } },
    },
  })];
  expect(coverageOf(app({ Resources: ['*'], NotResources: ['arn:aws:dynamodb:*:*:table/ord*'] }), 'Orders').problems).not.toEqual([]);
  expect(coverageOf(app({ Resources: ['*'], Conditions: { StringNotLike: [{ ConditionKey: 'aws:ResourceTag/backup', ConditionValue: 'dai*' }] } }), 'Orders').problems).not.toEqual([]);
  expect(coverageOf(app({ ListOfTags: [{ ConditionType: 'STRINGEQUALS', ConditionKey: 'aws:ResourceTag/backup', ConditionValue: 'daily' }] }), 'Orders').problems).toEqual([]);
});

test('coverage: native backups written as strings; RDS "0" is off; replication to a bucket outside the app is no history', () => {
  const one = (type: string, props: Record<string, unknown>) => coverageOf([stackOf({ Resources: { X: { Type: type, Properties: props } } })], 'X');
  expect(one('AWS::RDS::DBInstance', { Engine: 'postgres', BackupRetentionPeriod: '0' }).problems).not.toEqual([]);
  expect(one('AWS::ElastiCache::ReplicationGroup', { Engine: 'redis', SnapshotRetentionLimit: '7' }).problems).toEqual([]);
  expect(one('AWS::DynamoDB::Table', { PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: 'true', RecoveryPeriodInDays: '3' } }).problems).not.toEqual([]);
  expect(one('AWS::S3::Bucket', { VersioningConfiguration: { Status: 'Enabled' }, ReplicationConfiguration: { Rules: [{ Status: 'Enabled', Destination: { Bucket: 'arn:aws:s3:::elsewhere' } }] } }).problems).not.toEqual([]);
  expect(one('AWS::EFS::FileSystem', { BackupPolicy: { Status: 'DISABLED' } }).problems).not.toEqual([]);
});
