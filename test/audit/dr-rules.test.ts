import { App, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Template } from 'aws-cdk-lib/assertions';
import { BackupDrChecks, BackupVault, CrossAccountBucket, VaultLock } from '../../lib';

const ENV = { account: '111111111111', region: 'us-east-1' };

/** `<rule id> <construct path>` of every unacknowledged BackupDR finding under `scope`. */
function findings(scope: App | Stack, checks = new BackupDrChecks()): string[] {
  return checks.validateScope(scope).violations
    .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${r.constructPath}`)).sort();
}

function ruleFindings(scope: App | Stack, rule: string): string[] {
  return findings(scope).filter((f) => f.startsWith(`BackupDR-${rule} `));
}

function database(stack: Stack, id: string, props: Partial<rds.CfnDBInstanceProps> = {}): rds.CfnDBInstance {
  return new rds.CfnDBInstance(stack, id, { engine: 'postgres', dbInstanceClass: 'db.t4g.micro', allocatedStorage: '20', ...props });
}

/** A plan in `stack` whose one rule copies into `copies`. */
function planWithCopies(stack: Stack, copies: backup.BackupPlanCopyActionProps[]): backup.BackupPlan {
  const vault = new backup.BackupVault(stack, 'Vault', { lockConfiguration: { minRetention: Duration.days(7), changeableFor: Duration.days(3) } });
  const plan = new backup.BackupPlan(stack, 'Plan', { backupVault: vault });
  plan.addRule(new backup.BackupPlanRule({ ruleName: 'Daily', deleteAfter: Duration.days(35), copyActions: copies }));
  return plan;
}

function otherVault(stack: Stack, id: string, account: string, region: string): backup.IBackupVault {
  return backup.BackupVault.fromBackupVaultArn(stack, id, `arn:aws:backup:${region}:${account}:backup-vault:dr`);
}

/** A function that the rules read as a pg_dump job of `database` writing to `bucket`. */
function dumpJob(stack: Stack, id: string, databaseName: string, bucket: s3.IBucket): lambda.Function {
  return new lambda.Function(stack, id, {
    runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}'),
    environment: { DUMP_DATABASE: databaseName, DUMP_BUCKET: bucket.bucketName, DUMP_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:db-AbCdEf' },
  });
}

describe('BackupDR-DatabaseBackupRetention', () => {
  test('compliant: 7 days of automated backups', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    database(stack, 'Db', { backupRetentionPeriod: 7 });
    new rds.CfnDBCluster(stack, 'Cluster', { engine: 'aurora-postgresql', backupRetentionPeriod: 14 });
    expect(ruleFindings(stack, 'DatabaseBackupRetention')).toEqual([]);
  });

  test('non-compliant: 3 days, and unset (CloudFormation keeps 1 day)', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    database(stack, 'Short', { backupRetentionPeriod: 3 });
    new rds.CfnDBCluster(stack, 'Unset', { engine: 'aurora-postgresql' });
    expect(ruleFindings(stack, 'DatabaseBackupRetention')).toEqual(['BackupDR-DatabaseBackupRetention S/Short', 'BackupDR-DatabaseBackupRetention S/Unset']);
  });

  test('not applicable to an Aurora instance or a read replica (their cluster or source holds the data)', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    database(stack, 'Member', { engine: 'aurora-postgresql', dbClusterIdentifier: 'c' });
    database(stack, 'Replica', { sourceDbInstanceIdentifier: 'source' });
    expect(ruleFindings(stack, 'DatabaseBackupRetention')).toEqual([]);
  });

  test('minimumRetention sets the bar, and a bad value names the prop and the range', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    database(stack, 'Db', { backupRetentionPeriod: 7, deletionProtection: true });
    expect(findings(stack, new BackupDrChecks(undefined, { minimumRetention: Duration.days(14) }))).toContain('BackupDR-DatabaseBackupRetention S/Db');
    expect(() => new BackupDrChecks(undefined, { minimumRetention: Duration.days(36) })).toThrow(/BackupDrChecks minimumRetention is 36 days; allowed range is 1-35 days/);
    expect(() => new BackupDrChecks(undefined, { minimumRetention: Duration.hours(36) })).toThrow(/not a whole number of days; use Duration.days\(2\)/);
  });
});

describe('BackupDR-DatabaseDeletionProtection', () => {
  test('compliant: databases and tables with deletion protection', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    database(stack, 'Db', { deletionProtection: true });
    new dynamodb.CfnTable(stack, 'Table', { keySchema: [{ attributeName: 'pk', keyType: 'HASH' }], attributeDefinitions: [{ attributeName: 'pk', attributeType: 'S' }], deletionProtectionEnabled: true, billingMode: 'PAY_PER_REQUEST' });
    expect(ruleFindings(stack, 'DatabaseDeletionProtection')).toEqual([]);
  });

  test('non-compliant: off or unset', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    database(stack, 'Db', { deletionProtection: false });
    new dynamodb.CfnTable(stack, 'Table', { keySchema: [{ attributeName: 'pk', keyType: 'HASH' }], attributeDefinitions: [{ attributeName: 'pk', attributeType: 'S' }], billingMode: 'PAY_PER_REQUEST' });
    expect(ruleFindings(stack, 'DatabaseDeletionProtection')).toEqual(['BackupDR-DatabaseDeletionProtection S/Db', 'BackupDR-DatabaseDeletionProtection S/Table']);
  });
});

describe('BackupDR-DynamoDBPointInTimeRecovery', () => {
  test('compliant: a table and a global table with PITR on', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    new dynamodb.Table(stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING }, pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true } });
    new dynamodb.TableV2(stack, 'Global', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING }, pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true }, replicas: [{ region: 'us-west-2' }] });
    expect(ruleFindings(stack, 'DynamoDBPointInTimeRecovery')).toEqual([]);
  });

  test('non-compliant: PITR off on a table, and on a global table', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    new dynamodb.Table(stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
    new dynamodb.TableV2(stack, 'Global', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING }, replicas: [{ region: 'us-west-2' }] });
    expect(ruleFindings(stack, 'DynamoDBPointInTimeRecovery')).toEqual(['BackupDR-DynamoDBPointInTimeRecovery S/Global/Resource', 'BackupDR-DynamoDBPointInTimeRecovery S/Table/Resource']);
  });
});

describe('BackupDR-BackupVaultLocked', () => {
  test('compliant: a compliance-mode vault lock with at least the minimum retention', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    new backup.BackupVault(stack, 'Vault', { lockConfiguration: { minRetention: Duration.days(7), changeableFor: Duration.days(3) } });
    expect(ruleFindings(stack, 'BackupVaultLocked')).toEqual([]);
  });

  test('compliant: a governance-mode lock whose vault denies removing or changing it (BackupVault)', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    new BackupVault(stack, 'Vault', { vaultLock: VaultLock.governance({ minRetention: Duration.days(7) }) });
    expect(ruleFindings(stack, 'BackupVaultLocked')).toEqual([]);
  });

  test('non-compliant: a governance-mode lock nothing guards, and a minimum of one day', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    new backup.BackupVault(stack, 'Governance', { lockConfiguration: { minRetention: Duration.days(7) } });
    new backup.BackupVault(stack, 'OneDay', { lockConfiguration: { minRetention: Duration.days(1), changeableFor: Duration.days(3) } });
    const violation = new BackupDrChecks().validateScope(stack).violations.filter((v) => v.ruleName === 'BackupDR-BackupVaultLocked');
    expect(violation.flatMap((v) => v.violatingResources.map((r) => r.constructPath))).toEqual(['S/Governance/Resource', 'S/OneDay/Resource']);
    expect(violation[0].description).toContain('its lock is in governance mode (no ChangeableForDays) and its access policy does not deny backup:DeleteBackupVaultLockConfiguration');
    // cdk-nag keeps one description per rule (the first resource's, which it names): the one-day lock is checked on its own.
    const oneDay = new Stack(new App(), 'T', { env: ENV });
    new backup.BackupVault(oneDay, 'OneDay', { lockConfiguration: { minRetention: Duration.days(1), changeableFor: Duration.days(3) } });
    expect(new BackupDrChecks().validateScope(oneDay).violations[0].description).toContain("its lock's MinRetentionDays is 1, less than 7");
  });

  test('non-compliant: no lock', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    new backup.BackupVault(stack, 'Vault');
    expect(ruleFindings(stack, 'BackupVaultLocked')).toEqual(['BackupDR-BackupVaultLocked S/Vault/Resource']);
  });
});

describe('BackupDR-BackupPlanCrossAccountCopy and BackupDR-BackupPlanCrossRegionCopy', () => {
  test('compliant: one copy to another account in another region', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    planWithCopies(stack, [{ destinationBackupVault: otherVault(stack, 'Dr', '222222222222', 'us-west-2'), deleteAfter: Duration.days(35) }]);
    expect(ruleFindings(stack, 'BackupPlanCrossAccountCopy')).toEqual([]);
    expect(ruleFindings(stack, 'BackupPlanCrossRegionCopy')).toEqual([]);
  });

  test('non-compliant: a copy within the account and region, and no copy at all', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    planWithCopies(stack, [{ destinationBackupVault: otherVault(stack, 'Here', '111111111111', 'us-east-1'), deleteAfter: Duration.days(35) }]);
    expect(ruleFindings(stack, 'BackupPlanCrossAccountCopy')).toEqual(['BackupDR-BackupPlanCrossAccountCopy S/Plan/Resource']);
    expect(ruleFindings(stack, 'BackupPlanCrossRegionCopy')).toEqual(['BackupDR-BackupPlanCrossRegionCopy S/Plan/Resource']);
    const bare = new Stack(new App(), 'T', { env: ENV });
    planWithCopies(bare, []);
    expect(ruleFindings(bare, 'BackupPlanCrossAccountCopy')).toEqual(['BackupDR-BackupPlanCrossAccountCopy T/Plan/Resource']);
  });

  test('another region of the same account is cross-region only', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    planWithCopies(stack, [{ destinationBackupVault: otherVault(stack, 'Dr', '111111111111', 'us-west-2'), deleteAfter: Duration.days(35) }]);
    expect(ruleFindings(stack, 'BackupPlanCrossAccountCopy')).toEqual(['BackupDR-BackupPlanCrossAccountCopy S/Plan/Resource']);
    expect(ruleFindings(stack, 'BackupPlanCrossRegionCopy')).toEqual([]);
  });
});

describe('BackupDR-BackupCopyLifecycle', () => {
  test('compliant: every copy sets DeleteAfterDays', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    planWithCopies(stack, [{ destinationBackupVault: otherVault(stack, 'Dr', '222222222222', 'us-west-2'), deleteAfter: Duration.days(35) }]);
    expect(ruleFindings(stack, 'BackupCopyLifecycle')).toEqual([]);
  });

  test('non-compliant: a copy without a lifecycle, and one deleted before 90 days in cold storage', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    new backup.CfnBackupPlan(stack, 'Plan', {
      backupPlan: {
        backupPlanName: 'p',
        backupPlanRule: [{
          ruleName: 'Daily', targetBackupVault: 'v', lifecycle: { deleteAfterDays: 35 },
          copyActions: [
            { destinationBackupVaultArn: 'arn:aws:backup:us-west-2:222222222222:backup-vault:dr' },
            { destinationBackupVaultArn: 'arn:aws:backup:us-west-2:222222222222:backup-vault:dr', lifecycle: { moveToColdStorageAfterDays: 30, deleteAfterDays: 100 } },
          ],
        }],
      },
    });
    const checks = new BackupDrChecks();
    const violation = checks.validateScope(stack).violations.find((v) => v.ruleName === 'BackupDR-BackupCopyLifecycle');
    expect(violation?.violatingResources.map((r) => r.constructPath)).toEqual(['S/Plan']);
    expect(violation?.description).toContain('rule Daily, copy 1 (arn:aws:backup:us-west-2:222222222222:backup-vault:dr) sets no DeleteAfterDays');
    expect(violation?.description).toContain('copy 2 (arn:aws:backup:us-west-2:222222222222:backup-vault:dr) deletes after 100 days, less than 90 days after cold storage (30)');
  });
});

describe('backup buckets: BackupDR-BackupBucketObjectLock, -Versioned, -KmsOnly, -ConditionalWrites', () => {
  const bucketRules = ['BackupBucketObjectLock', 'BackupBucketVersioned', 'BackupBucketKmsOnly', 'BackupBucketConditionalWrites'];

  test('compliant: a CrossAccountBucket passes all four', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    new CrossAccountBucket(stack, 'Dumps', { bucketName: 'acme-dumps' });
    for (const rule of bucketRules) {
      expect(ruleFindings(stack, rule)).toEqual([]);
    }
    // The rules did apply: the bucket is known as a backup bucket from its metadata.
    Template.fromStack(stack).hasResource('AWS::S3::Bucket', { Metadata: { 'cdk-backup-dr:CrossAccountBucket.backupBucket': true } });
  });

  test('non-compliant: a plain bucket that a dump job writes to fails all four', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    const bucket = new s3.Bucket(stack, 'Dumps', { encryption: s3.BucketEncryption.S3_MANAGED, enforceSSL: true });
    dumpJob(stack, 'Dump', 'shop', bucket);
    for (const rule of bucketRules) {
      expect(ruleFindings(stack, rule)).toEqual([`BackupDR-${rule} S/Dumps/Resource`]);
    }
  });

  test('a KMS bucket with Object Lock and versioning still needs the two policy statements', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    const bucket = new s3.Bucket(stack, 'Dumps', {
      encryption: s3.BucketEncryption.KMS, versioned: true, objectLockEnabled: true, objectLockDefaultRetention: s3.ObjectLockRetention.compliance(Duration.days(30)), enforceSSL: true,
    });
    dumpJob(stack, 'Dump', 'shop', bucket);
    expect(findings(stack).filter((f) => f.includes('BackupBucket'))).toEqual([
      'BackupDR-BackupBucketConditionalWrites S/Dumps/Resource',
      'BackupDR-BackupBucketKmsOnly S/Dumps/Resource',
    ]);
  });

  test('not applicable to a bucket that holds no backups', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    new s3.Bucket(stack, 'Assets', { enforceSSL: true });
    expect(findings(stack).filter((f) => f.includes('BackupBucket'))).toEqual([]);
  });
});

describe('BackupDR-BackupKeyUndeletable', () => {
  test('compliant: the keys of a CrossAccountBucket are retained and guarded', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    new CrossAccountBucket(stack, 'Dumps', { bucketName: 'acme-dumps' });
    expect(ruleFindings(stack, 'BackupKeyUndeletable')).toEqual([]);
  });

  test('non-compliant: a vault key that may be deleted', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    const key = new kms.Key(stack, 'Key', { removalPolicy: RemovalPolicy.DESTROY });
    new backup.BackupVault(stack, 'Vault', { encryptionKey: key, lockConfiguration: { minRetention: Duration.days(7) } });
    const violation = new BackupDrChecks().validateScope(stack).violations.find((v) => v.ruleName === 'BackupDR-BackupKeyUndeletable');
    expect(violation?.violatingResources.map((r) => r.constructPath)).toEqual(['S/Key/Resource']);
    expect(violation?.description).toContain('its DeletionPolicy or UpdateReplacePolicy is not Retain; its key policy does not deny kms:ScheduleKeyDeletion to everyone but named principals; '
      + 'its key policy does not deny kms:DisableKey to everyone but named principals; its key policy does not deny kms:PutKeyPolicy to everyone but named principals');
  });

  test('not applicable to a key that encrypts no backups', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    new kms.Key(stack, 'Key', { removalPolicy: RemovalPolicy.DESTROY });
    expect(ruleFindings(stack, 'BackupKeyUndeletable')).toEqual([]);
  });
});

describe('BackupDR-BackupFailureAlarm', () => {
  test('compliant: an alarm on failed backup jobs of the plan\'s vault, and on the dump job\'s success metric', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    const plan = planWithCopies(stack, []);
    const topic = new sns.Topic(stack, 'Oncall', { enforceSSL: true });
    new cloudwatch.Alarm(stack, 'Failed', {
      metric: new cloudwatch.Metric({ namespace: 'AWS/Backup', metricName: 'NumberOfBackupJobsFailed', dimensionsMap: { BackupVaultName: plan.backupVault.backupVaultName } }),
      threshold: 1, evaluationPeriods: 1,
    }).addAlarmAction(new cwActions.SnsAction(topic));
    const bucket = new CrossAccountBucket(stack, 'Dumps', { bucketName: 'acme-dumps' });
    dumpJob(stack, 'Dump', 'shop', bucket.bucket);
    const dumpAlarm = new cloudwatch.Alarm(stack, 'DumpFailed', {
      metric: new cloudwatch.Metric({ namespace: 'CdkBackupDr', metricName: 'BackupSuccess', dimensionsMap: { Database: 'shop' } }),
      threshold: 1, evaluationPeriods: 1, comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    });
    dumpAlarm.addAlarmAction(new cwActions.SnsAction(topic));
    expect(ruleFindings(stack, 'BackupFailureAlarm')).toEqual([]);
  });

  test('non-compliant: alarms that tell nobody (no actions) do not count', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    const plan = planWithCopies(stack, []);
    new cloudwatch.Alarm(stack, 'Failed', {
      metric: new cloudwatch.Metric({ namespace: 'AWS/Backup', metricName: 'NumberOfBackupJobsFailed', dimensionsMap: { BackupVaultName: plan.backupVault.backupVaultName } }),
      threshold: 1, evaluationPeriods: 1,
    });
    expect(ruleFindings(stack, 'BackupFailureAlarm')).toEqual(['BackupDR-BackupFailureAlarm S/Plan/Resource']);
  });

  test('compliant: an EventBridge rule on failed backup jobs', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    planWithCopies(stack, []);
    new events.Rule(stack, 'OnFailure', {
      eventPattern: { source: ['aws.backup'], detailType: ['Backup Job State Change'], detail: { state: ['FAILED'] } },
      targets: [new targets.SqsQueue(new sqs.Queue(stack, 'Queue', { enforceSSL: true }))],
    });
    expect(ruleFindings(stack, 'BackupFailureAlarm')).toEqual([]);
  });

  test('non-compliant: a plan and a dump job nobody watches; an alarm on another vault does not count', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    planWithCopies(stack, []);
    new cloudwatch.Alarm(stack, 'OtherVault', {
      metric: new cloudwatch.Metric({ namespace: 'AWS/Backup', metricName: 'NumberOfBackupJobsFailed', dimensionsMap: { BackupVaultName: 'someone-else' } }),
      threshold: 1, evaluationPeriods: 1,
    });
    const bucket = new CrossAccountBucket(stack, 'Dumps', { bucketName: 'acme-dumps' });
    dumpJob(stack, 'Dump', 'shop', bucket.bucket);
    expect(ruleFindings(stack, 'BackupFailureAlarm')).toEqual(['BackupDR-BackupFailureAlarm S/Dump/Resource', 'BackupDR-BackupFailureAlarm S/Plan/Resource']);
  });
});

describe('BackupDR-RestoreDrillValidated', () => {
  function restoreTesting(stack: Stack, withValidator: boolean): void {
    const testing = new backup.CfnRestoreTestingPlan(stack, 'Drill', {
      restoreTestingPlanName: 'monthly_drill', scheduleExpression: 'cron(0 3 1 * ? *)',
      recoveryPointSelection: { algorithm: 'LATEST_WITHIN_WINDOW', includeVaults: ['*'], recoveryPointTypes: ['SNAPSHOT'] },
    });
    new backup.CfnRestoreTestingSelection(stack, 'DrillSelection', {
      restoreTestingPlanName: testing.ref, restoreTestingSelectionName: 'db', protectedResourceType: 'RDS', iamRoleArn: 'arn:aws:iam::111111111111:role/drill',
      protectedResourceArns: ['*'],
    });
    if (withValidator) {
      new events.Rule(stack, 'Validator', {
        eventPattern: { source: ['aws.backup'], detailType: ['Restore Job State Change'], detail: { restoreTestingPlanArn: [testing.attrRestoreTestingPlanArn] } },
        targets: [new targets.SqsQueue(new sqs.Queue(stack, 'Queue', { enforceSSL: true }))],
      });
    }
  }

  test('compliant: a restore testing plan with a selection and a validator', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    planWithCopies(stack, []);
    restoreTesting(stack, true);
    expect(ruleFindings(stack, 'RestoreDrillValidated')).toEqual([]);
  });

  test('non-compliant: no drill, or a drill that nothing validates', () => {
    const bare = new Stack(new App(), 'S', { env: ENV });
    planWithCopies(bare, []);
    expect(ruleFindings(bare, 'RestoreDrillValidated')).toEqual(['BackupDR-RestoreDrillValidated S/Plan/Resource']);
    const unchecked = new Stack(new App(), 'T', { env: ENV });
    planWithCopies(unchecked, []);
    restoreTesting(unchecked, false);
    expect(ruleFindings(unchecked, 'RestoreDrillValidated')).toEqual(['BackupDR-RestoreDrillValidated T/Plan/Resource']);
  });

  test('a drill in another region does not prove this region\'s backups', () => {
    const app = new App();
    const here = new Stack(app, 'Here', { env: ENV });
    planWithCopies(here, []);
    restoreTesting(new Stack(app, 'There', { env: { ...ENV, region: 'us-west-2' } }), true);
    expect(ruleFindings(app, 'RestoreDrillValidated')).toEqual(['BackupDR-RestoreDrillValidated Here/Plan/Resource']);
  });
});

describe('the pack in an app', () => {
  test('registered as a validation plugin, an unacknowledged finding fails synth, naming the rule and what was found', () => {
    const app = new App();
    Validations.of(app).addPlugins(new BackupDrChecks(app));
    new backup.BackupVault(new Stack(app, 'S', { env: ENV }), 'Vault');
    expect(() => app.synth()).toThrow(/ERROR The backup vault has a vault lock with at least the minimum retention;.* Found on S\/Vault\/Resource: it has no LockConfiguration\. \(BackupDR\)\s+S\/Vault\/Resource/);
  });

  test('an acknowledgement on the resource silences the finding and is recorded in its template metadata with the reason', () => {
    const app = new App();
    Validations.of(app).addPlugins(new BackupDrChecks(app));
    const stack = new Stack(app, 'S', { env: ENV });
    const vault = new backup.BackupVault(stack, 'Vault');
    Validations.of(vault).acknowledge({ id: 'BackupDR-BackupVaultLocked', reason: 'A sandbox vault: nothing in it is the last copy of anything' });
    expect(findings(app)).toEqual([]);
    app.synth();
    Template.fromStack(stack).hasResource('AWS::Backup::BackupVault', {
      Metadata: { 'cdk-backup-dr:BackupDrChecks.acknowledged': { 'BackupDR-BackupVaultLocked': 'A sandbox vault: nothing in it is the last copy of anything' } },
    });
  });

  test('rules that look across stacks read the whole app: a dump job in one stack makes a bucket of another a backup bucket', () => {
    const app = new App();
    const backupStack = new Stack(app, 'Backup', { env: { ...ENV, account: '222222222222' } });
    const bucket = new s3.Bucket(backupStack, 'Dumps', { bucketName: 'acme-dumps', enforceSSL: true });
    const workload = new Stack(app, 'Workload', { env: ENV });
    dumpJob(workload, 'Dump', 'shop', s3.Bucket.fromBucketName(workload, 'Imported', 'acme-dumps'));
    expect(ruleFindings(backupStack, 'BackupBucketObjectLock')).toEqual(['BackupDR-BackupBucketObjectLock Backup/Dumps/Resource']);
    expect(bucket.bucketName).toBeDefined();
  });

  test('the rule ids are listed', () => {
    expect(BackupDrChecks.RULE_IDS).toEqual([
      'DatabaseBackupRetention', 'DatabaseDeletionProtection', 'DynamoDBPointInTimeRecovery', 'BackupVaultLocked', 'BackupPlanCrossAccountCopy',
      'BackupPlanCrossRegionCopy', 'BackupCopyLifecycle', 'BackupBucketObjectLock', 'BackupBucketVersioned', 'BackupBucketKmsOnly',
      'BackupBucketConditionalWrites', 'BackupKeyUndeletable', 'BackupFailureAlarm', 'RestoreDrillValidated',
    ]);
  });
});
