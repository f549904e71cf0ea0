import { App, Aspects, Duration, Lazy, Stack, Tags } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { BackupCoverage, CoverageLevel } from '../../lib';
import { indexConstructTree } from '../../lib/audit/construct-templates';

const ENV = { account: '111111111111', region: 'us-east-1' };

/** The error annotations of a stack, as `<path>: <message>`. */
function errors(stack: Stack): string[] {
  return Annotations.fromStack(stack).findError('*', Match.anyValue()).map((m) => `${m.id}: ${m.entry.data as string}`);
}

function table(stack: Stack, id: string, props: Partial<dynamodb.TableProps> = {}): dynamodb.Table {
  return new dynamodb.Table(stack, id, { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING }, ...props });
}

function planSelecting(stack: Stack, resources: backup.BackupResource[], deleteAfter = Duration.days(35)): backup.BackupPlan {
  const plan = new backup.BackupPlan(stack, 'Plan', { backupVault: new backup.BackupVault(stack, 'Vault') });
  plan.addRule(new backup.BackupPlanRule({ ruleName: 'Daily', deleteAfter }));
  plan.addSelection('Selection', { resources });
  return plan;
}

function checked(stack: Stack, props = {}): Stack {
  BackupCoverage.check(stack, props);
  return stack;
}

describe('BackupCoverage', () => {
  test('an unprotected table is an error naming the store, what is missing and the fix', () => {
    const stack = checked(new Stack(new App(), 'S', { env: ENV }));
    table(stack, 'Orders');
    expect(errors(stack)).toEqual([
      '/S/Orders/Resource: DynamoDB table S/Orders/Resource is not protected: no backup plan selects it (by construct, ARN or tag), point-in-time recovery '
      + 'is off, and no dump job dumps it. Select it in a backup plan (RecoveryPlan selections, backup.BackupSelection), turn on its own backups with '
      + 'enough retention, or say why it needs none with BackupCoverage.exempt(construct, reason)',
    ]);
  });

  test.each([
    ['by construct', (stack: Stack, t: dynamodb.Table) => planSelecting(stack, [backup.BackupResource.fromDynamoDbTable(t)])],
    ['by ARN', (stack: Stack) => planSelecting(stack, [backup.BackupResource.fromArn('arn:aws:dynamodb:us-east-1:111111111111:table/orders')])],
    ['by an ARN pattern', (stack: Stack) => planSelecting(stack, [backup.BackupResource.fromArn('arn:aws:dynamodb:*:*:table/*')])],
    ['by a tag it carries (ListOfTags)', (stack: Stack) => planSelecting(stack, [backup.BackupResource.fromTag('backup', 'daily')])],
    ['by the tag its scope carries', (stack: Stack) => planSelecting(stack, [backup.BackupResource.fromTag('team', 'orders')])],
  ])('a table selected %s is protected', (_name, select) => {
    const stack = checked(new Stack(new App(), 'S', { env: ENV }));
    const orders = table(stack, 'Orders', { tableName: 'orders' });
    Tags.of(orders).add('backup', 'daily');
    Tags.of(stack).add('team', 'orders');
    select(stack, orders);
    expect(errors(stack)).toEqual([]);
  });

  test('Conditions must all hold, and NotResources excludes', () => {
    const stack = checked(new Stack(new App(), 'S', { env: ENV }));
    const orders = table(stack, 'Orders', { tableName: 'orders' });
    Tags.of(orders).add('backup', 'daily');
    table(stack, 'Carts', { tableName: 'carts' });
    const plan = new backup.BackupPlan(stack, 'Plan', { backupVault: new backup.BackupVault(stack, 'Vault') });
    plan.addRule(new backup.BackupPlanRule({ ruleName: 'Daily', deleteAfter: Duration.days(35) }));
    new backup.CfnBackupSelection(stack, 'Tagged', {
      backupPlanId: plan.backupPlanId,
      backupSelection: {
        selectionName: 'tagged', iamRoleArn: 'arn:aws:iam::111111111111:role/backup',
        resources: ['arn:aws:dynamodb:*:*:table/*'], notResources: ['arn:aws:dynamodb:*:*:table/carts'],
        conditions: { StringEquals: [{ ConditionKey: 'aws:ResourceTag/backup', ConditionValue: 'daily' }] },
      },
    });
    expect(errors(stack).map((e) => e.split(':')[0])).toEqual(['/S/Carts/Resource']);
  });

  test('a tag it does not carry, or a plan of another region, protects nothing', () => {
    const app = new App();
    const stack = checked(new Stack(app, 'S', { env: ENV }));
    table(stack, 'Orders', { tableName: 'orders' });
    planSelecting(stack, [backup.BackupResource.fromTag('backup', 'daily')]);
    planSelecting(new Stack(app, 'West', { env: { ...ENV, region: 'us-west-2' } }), [backup.BackupResource.fromArn('arn:aws:dynamodb:*:*:table/*')]);
    expect(errors(stack).map((e) => e.split(':')[0])).toEqual(['/S/Orders/Resource']);
  });

  test('a plan in another stack of the app counts (the aspect reads the whole app)', () => {
    const app = new App();
    const data = checked(new Stack(app, 'Data', { env: ENV }));
    const orders = table(data, 'Orders');
    planSelecting(new Stack(app, 'Backups', { env: ENV }), [backup.BackupResource.fromDynamoDbTable(orders)]);
    expect(errors(data)).toEqual([]);
  });

  test('retention shorter than the minimum is reported with the numbers', () => {
    const stack = checked(new Stack(new App(), 'S', { env: ENV }), { minimumRetention: Duration.days(30) });
    const orders = table(stack, 'Orders', { pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true, recoveryPeriodInDays: 7 } });
    planSelecting(stack, [backup.BackupResource.fromDynamoDbTable(orders)], Duration.days(14));
    expect(errors(stack)[0]).toContain('is not protected: its longest-kept protection reaches back 14 days, less than the required 30 days');
  });

  test('own backups count: RDS automated backups, DynamoDB PITR, EFS automatic backups, ElastiCache snapshots, S3 Object Lock', () => {
    const stack = checked(new Stack(new App(), 'S', { env: ENV }));
    new rds.CfnDBInstance(stack, 'Db', { engine: 'postgres', dbInstanceClass: 'db.t4g.micro', allocatedStorage: '20', backupRetentionPeriod: 7 });
    table(stack, 'Orders', { pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true } });
    new efs.CfnFileSystem(stack, 'Files', { backupPolicy: { status: 'ENABLED' } });
    new elasticache.CfnReplicationGroup(stack, 'Cache', { replicationGroupDescription: 'c', engine: 'redis', cacheNodeType: 'cache.t4g.micro', snapshotRetentionLimit: 7 });
    new s3.Bucket(stack, 'Locked', { versioned: true, objectLockEnabled: true, objectLockDefaultRetention: s3.ObjectLockRetention.compliance(Duration.days(30)) });
    expect(errors(stack)).toEqual([]);
  });

  test('each store type without protection is named by its label', () => {
    const stack = checked(new Stack(new App(), 'S', { env: ENV }));
    new rds.CfnDBInstance(stack, 'Db', { engine: 'postgres', dbInstanceClass: 'db.t4g.micro', allocatedStorage: '20', backupRetentionPeriod: 0 });
    new rds.CfnDBCluster(stack, 'Aurora', { engine: 'aurora-postgresql', backupRetentionPeriod: 1 });
    new efs.CfnFileSystem(stack, 'Files');
    new elasticache.CfnReplicationGroup(stack, 'Cache', { replicationGroupDescription: 'c', engine: 'redis', cacheNodeType: 'cache.t4g.micro' });
    new ec2.CfnVolume(stack, 'Volume', { availabilityZone: 'us-east-1a', size: 10 });
    new s3.Bucket(stack, 'Plain');
    expect(errors(stack).map((e) => /: (.*?) S\//.exec(e)?.[1])).toEqual([
      'RDS instance', 'Aurora cluster', 'EFS file system', 'ElastiCache replication group', 'EBS volume', 'S3 bucket',
    ]);
  });

  test('what is part of another store is not a store: Aurora instances, read replicas; memcached keeps nothing', () => {
    const stack = checked(new Stack(new App(), 'S', { env: ENV }));
    new rds.CfnDBCluster(stack, 'Aurora', { engine: 'aurora-postgresql', backupRetentionPeriod: 7 });
    new rds.CfnDBInstance(stack, 'Writer', { engine: 'aurora-postgresql', dbInstanceClass: 'db.r6g.large', dbClusterIdentifier: 'aurora' });
    new rds.CfnDBInstance(stack, 'Replica', { dbInstanceClass: 'db.t4g.micro', sourceDbInstanceIdentifier: 'source' });
    new elasticache.CfnCacheCluster(stack, 'Memcached', { engine: 'memcached', cacheNodeType: 'cache.t4g.micro', numCacheNodes: 1 });
    expect(errors(stack)).toEqual([]);
  });

  test('a GOVERNANCE Object Lock counts only when the bucket denies bypassing it', () => {
    const stack = checked(new Stack(new App(), 'S', { env: ENV }));
    new s3.Bucket(stack, 'Governed', { versioned: true, objectLockEnabled: true, objectLockDefaultRetention: s3.ObjectLockRetention.governance(Duration.days(30)) });
    expect(errors(stack)[0]).toContain('(GOVERNANCE, and the bucket does not deny s3:BypassGovernanceRetention: not counted)');
  });

  test('an S3 bucket that a plan selects needs versioning, which AWS Backup requires', () => {
    const stack = checked(new Stack(new App(), 'S', { env: ENV }));
    const bucket = new s3.Bucket(stack, 'Files');
    planSelecting(stack, [backup.BackupResource.fromArn(bucket.bucketArn)]);
    expect(errors(stack)[0]).toContain('AWS Backup backs up S3 buckets only with versioning on, and this bucket has it off');
  });

  test('an access-log bucket is skipped unless includeLogBuckets', () => {
    const build = (props = {}) => {
      const stack = checked(new Stack(new App(), 'S', { env: ENV }), props);
      const logs = new s3.Bucket(stack, 'Logs');
      new s3.Bucket(stack, 'Data', { serverAccessLogsBucket: logs, versioned: true, objectLockEnabled: true, objectLockDefaultRetention: s3.ObjectLockRetention.compliance(Duration.days(30)) });
      return stack;
    };
    expect(errors(build())).toEqual([]);
    expect(errors(build({ includeLogBuckets: true })).map((e) => e.split(':')[0])).toEqual(['/S/Logs/Resource']);
  });

  test('an exemption says why in the template and as info; a short reason or a scope without stores is refused', () => {
    const stack = checked(new Stack(new App(), 'S', { env: ENV }));
    const sessions = table(stack, 'Sessions');
    BackupCoverage.exempt(sessions, 'Session tokens that expire within an hour; users sign in again');
    expect(errors(stack)).toEqual([]);
    Template.fromStack(stack).hasResource('AWS::DynamoDB::Table', {
      Metadata: { 'cdk-backup-dr:BackupCoverage.exemption': 'Session tokens that expire within an hour; users sign in again' },
    });
    expect(Annotations.fromStack(stack).findInfo('/S/Sessions/Resource', 'DynamoDB table exempt from backup coverage: Session tokens that expire within an hour; users sign in again')).toHaveLength(1);
    expect(() => BackupCoverage.exempt(sessions, 'temp')).toThrow(/S\/Sessions: BackupCoverage.exempt: reason 'temp' is 4 characters; say in at least 10 why the data needs no backup/);
    expect(() => BackupCoverage.exempt(new backup.BackupVault(stack, 'Vault'), 'not a data store at all')).toThrow(/S\/Vault: BackupCoverage.exempt: S\/Vault holds no data store/);
  });

  test('warning and info levels', () => {
    const warned = checked(new Stack(new App(), 'S', { env: ENV }), { level: CoverageLevel.WARNING });
    table(warned, 'Orders');
    expect(errors(warned)).toEqual([]);
    const warnings = Annotations.fromStack(warned).findWarning('/S/Orders/Resource', Match.anyValue());
    expect(warnings.map((w) => w.entry.data)).toEqual([expect.stringMatching(/is not protected.*\[ack: cdk-backup-dr:BackupCoverage.unprotected\]$/)]);
    const informed = checked(new Stack(new App(), 'S', { env: ENV }), { level: CoverageLevel.INFO });
    table(informed, 'Orders');
    expect(errors(informed)).toEqual([]);
    expect(Annotations.fromStack(informed).findInfo('/S/Orders/Resource', Match.anyValue()).map((m) => m.entry.data)).toEqual([expect.stringContaining('is not protected')]);
  });

  test('applied to one stack, it reports that stack only', () => {
    const app = new App();
    const checkedStack = checked(new Stack(app, 'Checked', { env: ENV }));
    const other = new Stack(app, 'Other', { env: ENV });
    table(checkedStack, 'Orders');
    table(other, 'Carts');
    expect(errors(checkedStack)).toHaveLength(1);
    expect(errors(other)).toEqual([]);
  });

  test('it checks after every aspect has run: one added later, which turns on PITR, is seen', () => {
    const stack = checked(new Stack(new App(), 'S', { env: ENV }));
    table(stack, 'Orders');
    Aspects.of(stack).add({
      visit: (node) => {
        if (node instanceof dynamodb.CfnTable) node.pointInTimeRecoverySpecification = { pointInTimeRecoveryEnabled: true };
      },
    });
    expect(errors(stack)).toEqual([]);
  });

  test('a resource the check cannot render is named in an info annotation, not skipped in silence', () => {
    const stack = new Stack(new App(), 'S', { env: ENV });
    const table = new dynamodb.CfnTable(stack, 'Broken', { keySchema: [{ attributeName: 'pk', keyType: 'HASH' }] });
    table.addPropertyOverride('BillingMode', Lazy.string({ produce: () => { throw new Error('not known yet'); } }));
    expect(indexConstructTree(stack).index.ofType('AWS::DynamoDB::Table')).toEqual([]);
    const infos = table.node.metadata.filter((m) => m.type === 'aws:cdk:info').map((m) => m.data as string);
    expect(infos).toEqual([expect.stringMatching(/^the backup coverage check and the DR pack cannot read S\/Broken \(.*not known yet.*\); they judge the app without it/)]);
  });

  test('minimumRetention is whole days from 1 to 36500', () => {
    expect(() => new BackupCoverage({ minimumRetention: Duration.days(0) })).toThrow(/BackupCoverage minimumRetention is 0 days; allowed range is 1-36500 days \(e.g. 1\)/);
    expect(() => new BackupCoverage({ minimumRetention: Duration.hours(12) })).toThrow(/BackupCoverage minimumRetention is 12 hours, which is not a whole number of days; use Duration.days\(1\)/);
  });
});
