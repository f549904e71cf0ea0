import { App, AspectPriority, Aspects, CfnParameter, CfnResource, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as docdb from 'aws-cdk-lib/aws-docdb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import { IConstruct } from 'constructs';
import { EnforcementMode, PitrSettings, RdsPitrPolicy } from '../../lib';
import { ScratchDatabase } from '../../lib/databases/scratch-database';
import { formatFindings, nagFindings } from '../nag';

const WEST_KEY_ARN = 'arn:aws:kms:us-west-2:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab';

interface Fixture {
  readonly app: App;
  readonly stack: Stack;
  readonly vpc: ec2.Vpc;
}

function fixture(region = 'us-east-1'): Fixture {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: { account: '111111111111', region } });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'db', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  return { app, stack, vpc };
}

/** RDS for PostgreSQL 15, encrypted, in isolated subnets (seed 000 InstantPDF). */
function pgInstance(f: Fixture, props: Partial<rds.DatabaseInstanceProps> = {}, id = 'Db'): rds.DatabaseInstance {
  return new rds.DatabaseInstance(f.stack, id, {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_15 }),
    vpc: f.vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    storageEncrypted: true,
    ...props,
  });
}

/** Aurora PostgreSQL Serverless v2, encrypted (seed 004 Distro Nation). */
function auroraCluster(f: Fixture, props: Partial<rds.DatabaseClusterProps> = {}): rds.DatabaseCluster {
  return new rds.DatabaseCluster(f.stack, 'Aurora', {
    engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_15_17 }),
    writer: rds.ClusterInstance.serverlessV2('Writer'),
    serverlessV2MinCapacity: 0.5,
    serverlessV2MaxCapacity: 16,
    vpc: f.vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    storageEncrypted: true,
    ...props,
  });
}

/** DocumentDB (seed 004 Distro Nation); the L2 encrypts storage by default. */
function docdbCluster(f: Fixture, props: Partial<docdb.DatabaseClusterProps> = {}): docdb.DatabaseCluster {
  return new docdb.DatabaseCluster(f.stack, 'DocDb', {
    masterUser: { username: 'docdbadmin' },
    instanceType: ec2.InstanceType.of(ec2.InstanceClass.R5, ec2.InstanceSize.LARGE),
    vpc: f.vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ...props,
  });
}

/** A policy on a fresh encrypted PG instance. */
function onInstance(settings: PitrSettings, instanceProps: Partial<rds.DatabaseInstanceProps> = {}): Fixture {
  const f = fixture();
  const instance = pgInstance(f, instanceProps);
  new RdsPitrPolicy(f.stack, 'Pitr', { databaseInstance: instance, ...settings });
  return f;
}

/** The synthesized properties of one resource, found by its logical id. */
function propertiesOf(f: Fixture, resource: IConstruct): Record<string, unknown> {
  const cfn = CfnResource.isCfnResource(resource) ? resource : resource.node.defaultChild as CfnResource;
  const template = Template.fromStack(f.stack).toJSON() as { Resources: Record<string, { Properties: Record<string, unknown> }> };
  const entry = template.Resources[f.stack.getLogicalId(cfn)];
  if (!entry) {
    throw new Error(`no resource for ${cfn.node.path}`);
  }
  return entry.Properties;
}

function ruleIds(findings: ReturnType<typeof nagFindings>, path: string): string[] {
  return findings.filter((finding) => finding.path === path).map((finding) => finding.rule);
}

describe('RdsPitrPolicy on a DB instance', () => {
  test('defaults: 7-day retention, copy tags, deletion protection, PostgreSQL log exports, no replication', () => {
    const f = onInstance({});
    Template.fromStack(f.stack).hasResourceProperties('AWS::RDS::DBInstance', {
      Engine: 'postgres',
      BackupRetentionPeriod: 7,
      CopyTagsToSnapshot: true,
      DeletionProtection: true,
      EnableCloudwatchLogsExports: ['postgresql', 'upgrade'],
      StorageEncrypted: true,
      PreferredBackupWindow: Match.absent(),
      PreferredMaintenanceWindow: Match.absent(),
      AutomaticBackupReplicationRegion: Match.absent(),
      AutomaticBackupReplicationKmsKeyId: Match.absent(),
      AutomaticBackupReplicationRetentionPeriod: Match.absent(),
    });
  });

  test('seed 000 InstantPDF: 30-day retention, backup window 03:00-04:00', () => {
    const f = onInstance({ backupRetention: Duration.days(30), preferredBackupWindow: '03:00-04:00' });
    Template.fromStack(f.stack).hasResourceProperties('AWS::RDS::DBInstance', {
      BackupRetentionPeriod: 30,
      PreferredBackupWindow: '03:00-04:00',
    });
  });

  test('seed 003 IndoStar: 7-day retention, backup window 02:00-03:00, maintenance window set', () => {
    const f = onInstance({
      backupRetention: Duration.days(7),
      preferredBackupWindow: '02:00-03:00',
      preferredMaintenanceWindow: 'sun:04:00-sun:04:30',
    });
    Template.fromStack(f.stack).hasResourceProperties('AWS::RDS::DBInstance', {
      BackupRetentionPeriod: 7,
      PreferredBackupWindow: '02:00-03:00',
      PreferredMaintenanceWindow: 'sun:04:00-sun:04:30',
    });
  });

  test('raises a shorter retention and keeps a longer one', () => {
    const shorter = onInstance({ backupRetention: Duration.days(14) }, { backupRetention: Duration.days(3) });
    Template.fromStack(shorter.stack).hasResourceProperties('AWS::RDS::DBInstance', { BackupRetentionPeriod: 14 });

    const longer = onInstance({ backupRetention: Duration.days(14) }, { backupRetention: Duration.days(35) });
    Template.fromStack(longer.stack).hasResourceProperties('AWS::RDS::DBInstance', { BackupRetentionPeriod: 35 });
  });

  test('keeps log exports the database already has and adds the missing ones', () => {
    const f = onInstance({}, { cloudwatchLogsExports: ['iam-db-auth-error', 'postgresql'] });
    Template.fromStack(f.stack).hasResourceProperties('AWS::RDS::DBInstance', {
      EnableCloudwatchLogsExports: ['iam-db-auth-error', 'postgresql', 'upgrade'],
    });
  });

  test('explicit cloudwatchLogsExports replaces the engine default; an empty list requires nothing', () => {
    const explicit = onInstance({ cloudwatchLogsExports: ['postgresql'] });
    Template.fromStack(explicit.stack).hasResourceProperties('AWS::RDS::DBInstance', {
      EnableCloudwatchLogsExports: ['postgresql'],
    });

    const none = onInstance({ cloudwatchLogsExports: [] });
    Template.fromStack(none.stack).hasResourceProperties('AWS::RDS::DBInstance', {
      EnableCloudwatchLogsExports: Match.absent(),
    });
  });

  test('copyTagsToSnapshot and deletionProtection false leave the database\'s own settings', () => {
    const f = onInstance(
      { copyTagsToSnapshot: false, deletionProtection: false },
      { copyTagsToSnapshot: false, deletionProtection: true },
    );
    Template.fromStack(f.stack).hasResourceProperties('AWS::RDS::DBInstance', {
      CopyTagsToSnapshot: false,
      DeletionProtection: true,
    });

    const unset = onInstance({ deletionProtection: false });
    Template.fromStack(unset.stack).hasResourceProperties('AWS::RDS::DBInstance', {
      DeletionProtection: Match.absent(),
    });
  });

  test('log exports of an engine other than PostgreSQL are left unchanged', () => {
    const f = fixture();
    const instance = pgInstance(f, {
      engine: rds.DatabaseInstanceEngine.mysql({ version: rds.MysqlEngineVersion.VER_8_0_46 }),
    });
    new RdsPitrPolicy(f.stack, 'Pitr', { databaseInstance: instance });
    Template.fromStack(f.stack).hasResourceProperties('AWS::RDS::DBInstance', {
      Engine: 'mysql',
      BackupRetentionPeriod: 7,
      EnableCloudwatchLogsExports: Match.absent(),
    });
  });

  test('cross-region automated-backup replication with a destination-region key and retention', () => {
    const f = fixture();
    const instance = pgInstance(f);
    const key = kms.Key.fromKeyArn(f.stack, 'ReplicaKey', WEST_KEY_ARN);
    const policy = new RdsPitrPolicy(f.stack, 'Pitr', {
      databaseInstance: instance,
      backupReplicationRegion: 'us-west-2',
      backupReplicationKmsKey: key,
      backupReplicationRetention: Duration.days(14),
    });
    Template.fromStack(f.stack).hasResourceProperties('AWS::RDS::DBInstance', {
      BackupRetentionPeriod: 7,
      AutomaticBackupReplicationRegion: 'us-west-2',
      AutomaticBackupReplicationKmsKeyId: WEST_KEY_ARN,
      AutomaticBackupReplicationRetentionPeriod: 14,
    });
    expect(policy.databaseResource).toBe(instance.node.defaultChild);
  });

  test('replication retention defaults to the instance\'s retention (property left out)', () => {
    const f = fixture();
    const instance = pgInstance(f);
    new RdsPitrPolicy(f.stack, 'Pitr', {
      databaseInstance: instance,
      backupReplicationRegion: 'us-west-2',
      backupReplicationKmsKey: kms.Key.fromKeyArn(f.stack, 'ReplicaKey', WEST_KEY_ARN),
    });
    Template.fromStack(f.stack).hasResourceProperties('AWS::RDS::DBInstance', {
      AutomaticBackupReplicationRegion: 'us-west-2',
      AutomaticBackupReplicationRetentionPeriod: Match.absent(),
    });
  });

  test('an instance restored from a snapshot inherits encryption and is accepted', () => {
    const f = fixture();
    const instance = new rds.DatabaseInstanceFromSnapshot(f.stack, 'Db', {
      snapshotIdentifier: 'arn:aws:rds:us-east-1:111111111111:snapshot:encrypted',
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_15 }),
      vpc: f.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    });
    new RdsPitrPolicy(f.stack, 'Pitr', { databaseInstance: instance });
    Template.fromStack(f.stack).hasResourceProperties('AWS::RDS::DBInstance', {
      DBSnapshotIdentifier: 'arn:aws:rds:us-east-1:111111111111:snapshot:encrypted',
      BackupRetentionPeriod: 7,
    });
  });

  test('tokens are not validated and are rendered as given', () => {
    const f = fixture();
    const instance = pgInstance(f);
    const retention = new CfnParameter(f.stack, 'Retention', { type: 'Number' });
    const window = new CfnParameter(f.stack, 'Window');
    const maintenance = new CfnParameter(f.stack, 'Maintenance');
    const region = new CfnParameter(f.stack, 'Region');
    const keyArn = new CfnParameter(f.stack, 'KeyArn');
    const replicaRetention = new CfnParameter(f.stack, 'ReplicaRetention', { type: 'Number' });
    expect(() => new RdsPitrPolicy(f.stack, 'Pitr', {
      databaseInstance: instance,
      backupRetention: Duration.days(retention.valueAsNumber),
      preferredBackupWindow: window.valueAsString,
      preferredMaintenanceWindow: maintenance.valueAsString,
      backupReplicationRegion: region.valueAsString,
      backupReplicationKmsKey: kms.Key.fromKeyArn(f.stack, 'ReplicaKey', keyArn.valueAsString),
      backupReplicationRetention: Duration.days(replicaRetention.valueAsNumber),
    })).not.toThrow();
    Template.fromStack(f.stack).hasResourceProperties('AWS::RDS::DBInstance', {
      BackupRetentionPeriod: { Ref: 'Retention' },
      PreferredBackupWindow: { Ref: 'Window' },
      PreferredMaintenanceWindow: { Ref: 'Maintenance' },
      AutomaticBackupReplicationRegion: { Ref: 'Region' },
      AutomaticBackupReplicationKmsKeyId: { Ref: 'KeyArn' },
      AutomaticBackupReplicationRetentionPeriod: { Ref: 'ReplicaRetention' },
    });
  });

  test('a retention that is a token on the database is left alone', () => {
    const f = fixture();
    const retention = new CfnParameter(f.stack, 'Retention', { type: 'Number' });
    const instance = pgInstance(f, { backupRetention: Duration.days(retention.valueAsNumber) });
    new RdsPitrPolicy(f.stack, 'Pitr', { databaseInstance: instance, backupRetention: Duration.days(30) });
    Template.fromStack(f.stack).hasResourceProperties('AWS::RDS::DBInstance', {
      BackupRetentionPeriod: { Ref: 'Retention' },
    });
  });

  test('a database window that is a token is not checked against the policy\'s window', () => {
    const f = fixture();
    const maintenance = new CfnParameter(f.stack, 'Maintenance');
    const instance = pgInstance(f, { preferredMaintenanceWindow: maintenance.valueAsString });
    expect(() => new RdsPitrPolicy(f.stack, 'Pitr', { databaseInstance: instance, preferredBackupWindow: '03:00-04:00' })).not.toThrow();
  });
});

describe('RdsPitrPolicy on clusters', () => {
  test('seed 004 Aurora PostgreSQL: cluster-level settings, instances untouched', () => {
    const f = fixture();
    const cluster = auroraCluster(f);
    new RdsPitrPolicy(f.stack, 'Pitr', {
      databaseCluster: cluster,
      backupRetention: Duration.days(7),
      preferredBackupWindow: '04:00-05:00',
    });
    const template = Template.fromStack(f.stack);
    template.hasResourceProperties('AWS::RDS::DBCluster', {
      Engine: 'aurora-postgresql',
      BackupRetentionPeriod: 7,
      PreferredBackupWindow: '04:00-05:00',
      CopyTagsToSnapshot: true,
      DeletionProtection: true,
      EnableCloudwatchLogsExports: ['postgresql'],
      StorageEncrypted: true,
    });
    template.hasResourceProperties('AWS::RDS::DBInstance', {
      Engine: 'aurora-postgresql',
      BackupRetentionPeriod: Match.absent(),
      DeletionProtection: Match.absent(),
      EnableCloudwatchLogsExports: Match.absent(),
    });
  });

  test('seed 004 DocumentDB: 30 days, 03:00-04:00, audit and profiler exports', () => {
    const f = fixture();
    const cluster = docdbCluster(f);
    new RdsPitrPolicy(f.stack, 'Pitr', {
      documentDbCluster: cluster,
      backupRetention: Duration.days(30),
      preferredBackupWindow: '03:00-04:00',
    });
    Template.fromStack(f.stack).hasResourceProperties('AWS::DocDB::DBCluster', {
      BackupRetentionPeriod: 30,
      PreferredBackupWindow: '03:00-04:00',
      CopyTagsToSnapshot: true,
      DeletionProtection: true,
      EnableCloudwatchLogsExports: ['audit', 'profiler'],
      StorageEncrypted: true,
    });
  });

  test('DocumentDB audit and profiler exports come with a warning about the cluster parameter group', () => {
    const f = fixture();
    new RdsPitrPolicy(f.stack, 'Pitr', { documentDbCluster: docdbCluster(f) });
    Annotations.fromStack(f.stack).hasWarning('/Stack/Pitr', Match.stringLikeRegexp(
      "Stack/DocDb/Resource: EnableCloudwatchLogsExports includes 'audit' and 'profiler', but DocumentDB writes those logs " +
        'only when the cluster parameter group enables them \\(audit_logs: enabled, profiler: enabled, with ' +
        'profiler_threshold_ms\\); otherwise the log groups stay empty.*\\[ack: cdk-backup-dr:RdsPitrPolicy.docdbLogs\\]'));
  });

  test('no DocumentDB log warning when the policy requires no audit or profiler export', () => {
    const f = fixture();
    new RdsPitrPolicy(f.stack, 'Pitr', { documentDbCluster: docdbCluster(f), cloudwatchLogsExports: [] });
    Annotations.fromStack(f.stack).hasNoWarning('*', Match.stringLikeRegexp('docdbLogs'));
  });

  test('the DocumentDB log warning names only the required log type', () => {
    const f = fixture();
    new RdsPitrPolicy(f.stack, 'Pitr', { documentDbCluster: docdbCluster(f), cloudwatchLogsExports: ['audit'] });
    Annotations.fromStack(f.stack).hasWarning('/Stack/Pitr', Match.stringLikeRegexp(
      "includes 'audit', but DocumentDB writes those logs only when the cluster parameter group enables them \\(audit_logs: enabled\\); "));
  });

  test('the cluster\'s own maintenance window is kept and checked', () => {
    const f = fixture();
    const cluster = auroraCluster(f, { preferredMaintenanceWindow: 'sun:05:00-sun:05:30' });
    new RdsPitrPolicy(f.stack, 'Pitr', { databaseCluster: cluster, preferredBackupWindow: '04:00-05:00' });
    Template.fromStack(f.stack).hasResourceProperties('AWS::RDS::DBCluster', {
      PreferredBackupWindow: '04:00-05:00',
      PreferredMaintenanceWindow: 'sun:05:00-sun:05:30',
    });
  });
});

describe('RdsPitrPolicy window parsing', () => {
  test.each([
    ['03:00-03:30', 30],
    ['03:00-04:00', 60],
    ['23:30-00:30', 60],
    ['23:45-00:15', 30],
    ['00:00-23:59', 1439],
  ])('accepts backup window %s (%d minutes)', (window) => {
    const f = onInstance({ preferredBackupWindow: window });
    Template.fromStack(f.stack).hasResourceProperties('AWS::RDS::DBInstance', { PreferredBackupWindow: window });
  });

  test.each([
    ['03:00-03:29', 29, '03:00-03:30'],
    ['03:00-03:10', 10, '03:00-03:30'],
    ['23:45-00:14', 29, '23:45-00:15'],
    ['23:50-00:00', 10, '23:50-00:20'],
    ['03:00-03:00', 0, '03:00-03:30'],
  ])('fails when the backup window %s is %d minutes', (window, minutes, fix) => {
    expect(() => onInstance({ preferredBackupWindow: window })).toThrow(
      `Stack/Pitr: preferredBackupWindow '${window}' is ${minutes} minutes; RDS requires at least 30 (e.g. '${fix}')`);
  });

  test.each(['3:00-04:00', '24:00-00:30', '03:00-03:60', '03:00 - 04:00', '03:00', '03:00-04:00 ', 'sun:03:00-sun:04:00', ''])(
    'fails when the backup window is malformed: %p', (window) => {
      expect(() => onInstance({ preferredBackupWindow: window })).toThrow(
        `preferredBackupWindow '${window}' is invalid: the format is hh24:mi-hh24:mi in UTC, hours 00-23 and minutes 00-59 (e.g. '03:00-04:00')`);
    });

  test.each(['sun:05:00-sun:05:30', 'Sun:23:45-Mon:00:15', 'sat:22:00-sun:06:00', 'sun:23:50-mon:00:20'])(
    'accepts maintenance window %s', (window) => {
      const f = onInstance({ preferredMaintenanceWindow: window });
      Template.fromStack(f.stack).hasResourceProperties('AWS::RDS::DBInstance', { PreferredMaintenanceWindow: window });
    });

  test.each(['sun:03:00-04:00', 'xyz:03:00-sun:04:00', 'sun:24:00-mon:00:30', 'sunday:03:00-sunday:04:00', '03:00-04:00'])(
    'fails when the maintenance window is malformed: %p', (window) => {
      expect(() => onInstance({ preferredMaintenanceWindow: window })).toThrow(
        `preferredMaintenanceWindow '${window}' is invalid: the format is ddd:hh24:mi-ddd:hh24:mi in UTC, days mon-sun`);
    });

  test.each([
    ['sun:03:00-sun:03:29', 29, 'sun:03:00-sun:03:30'],
    ['sun:23:45-mon:00:14', 29, 'sun:23:45-mon:00:15'],
    ['mon:00:00-mon:00:00', 0, 'mon:00:00-mon:00:30'],
  ])('fails when the maintenance window %s is %d minutes', (window, minutes, fix) => {
    expect(() => onInstance({ preferredMaintenanceWindow: window })).toThrow(
      `preferredMaintenanceWindow '${window}' is ${minutes} minutes; RDS requires at least 30 (e.g. '${fix}')`);
  });

  test.each([
    // backup window, maintenance window
    ['03:00-04:00', 'sun:04:00-sun:04:30'], // touches the end
    ['03:00-04:00', 'sun:02:30-sun:03:00'], // touches the start
    ['23:30-00:30', 'tue:00:30-tue:01:00'], // backup crosses midnight, maintenance right after
    ['02:00-03:00', 'sun:23:30-mon:00:30'], // maintenance crosses midnight and Sunday -> Monday
    ['23:50-00:20', 'sun:23:00-sun:23:30'],
    ['04:00-05:00', 'sat:22:00-sun:04:00'], // long maintenance window ending where the backup starts
  ])('accepts backup window %s with maintenance window %s', (backup, maintenance) => {
    const f = onInstance({ preferredBackupWindow: backup, preferredMaintenanceWindow: maintenance });
    Template.fromStack(f.stack).hasResourceProperties('AWS::RDS::DBInstance', {
      PreferredBackupWindow: backup,
      PreferredMaintenanceWindow: maintenance,
    });
  });

  test.each([
    // backup window, maintenance window, day of the overlapping backup, suggested backup window
    ['03:00-04:00', 'sun:03:30-sun:04:30', 'Sunday 03:00', '04:30-05:30'],
    ['03:00-04:00', 'wed:02:00-wed:03:01', 'Wednesday 03:00', '03:01-04:01'],
    ['23:30-00:30', 'mon:00:00-mon:00:30', 'Sunday 23:30', '00:30-01:30'], // backup crosses midnight into Monday
    ['04:00-05:00', 'sun:23:30-mon:04:30', 'Monday 04:00', '04:30-05:30'], // maintenance crosses Sunday -> Monday
    ['00:00-00:30', 'sun:23:45-mon:00:15', 'Monday 00:00', '00:15-00:45'], // week wrap at the start of the backup
    ['23:50-00:20', 'mon:00:10-mon:00:40', 'Sunday 23:50', '00:40-01:10'], // both around the week boundary
    ['03:00-04:00', 'sat:22:00-sun:06:00', 'Sunday 03:00', '06:00-07:00'], // long maintenance window
  ])('fails when backup window %s overlaps maintenance window %s', (backup, maintenance, day, fix) => {
    expect(() => onInstance({ preferredBackupWindow: backup, preferredMaintenanceWindow: maintenance })).toThrow(
      `Stack/Pitr: preferredBackupWindow '${backup}' overlaps preferredMaintenanceWindow '${maintenance}' ` +
        `(the backup starting ${day} UTC); RDS requires the backup window and the maintenance window not to overlap ` +
        `(e.g. backup window '${fix}')`);
  });

  test('fails when the backup window overlaps the database\'s own maintenance window', () => {
    expect(() => onInstance({ preferredBackupWindow: '03:00-04:00' }, { preferredMaintenanceWindow: 'sun:03:30-sun:04:00' }))
      .toThrow("preferredBackupWindow '03:00-04:00' overlaps the maintenance window of Stack/Db/Resource 'sun:03:30-sun:04:00' " +
        '(the backup starting Sunday 03:00 UTC)');
  });

  test('fails when the maintenance window overlaps the database\'s own backup window', () => {
    expect(() => onInstance({ preferredMaintenanceWindow: 'mon:00:00-mon:00:30' }, { preferredBackupWindow: '23:30-00:30' }))
      .toThrow("PreferredBackupWindow of Stack/Db/Resource '23:30-00:30' overlaps preferredMaintenanceWindow 'mon:00:00-mon:00:30' " +
        '(the backup starting Sunday 23:30 UTC)');
  });

  test('fails when the database\'s own maintenance window is malformed', () => {
    expect(() => onInstance({ preferredBackupWindow: '03:00-04:00' }, { preferredMaintenanceWindow: 'sunday 03:00' }))
      .toThrow("PreferredMaintenanceWindow of Stack/Db/Resource 'sunday 03:00' is invalid");
  });

  test('the policy\'s maintenance window replaces the database\'s own before the overlap check', () => {
    const f = onInstance(
      { preferredBackupWindow: '03:00-04:00', preferredMaintenanceWindow: 'sun:05:00-sun:05:30' },
      { preferredMaintenanceWindow: 'sun:03:30-sun:04:00' },
    );
    Template.fromStack(f.stack).hasResourceProperties('AWS::RDS::DBInstance', {
      PreferredBackupWindow: '03:00-04:00',
      PreferredMaintenanceWindow: 'sun:05:00-sun:05:30',
    });
  });
});

describe('RdsPitrPolicy validation', () => {
  test('fails when no database is given', () => {
    const f = fixture();
    expect(() => new RdsPitrPolicy(f.stack, 'Pitr', {})).toThrow(
      'Stack/Pitr: give exactly one database: databaseInstance, databaseCluster or documentDbCluster (got none)');
  });

  test('fails when two databases are given', () => {
    const f = fixture();
    const instance = pgInstance(f);
    const cluster = auroraCluster(f);
    expect(() => new RdsPitrPolicy(f.stack, 'Pitr', { databaseInstance: instance, databaseCluster: cluster })).toThrow(
      'give exactly one database: databaseInstance, databaseCluster or documentDbCluster (got databaseInstance and databaseCluster)');
  });

  test('fails when the database is imported', () => {
    const f = fixture();
    const instance = rds.DatabaseInstance.fromDatabaseInstanceAttributes(f.stack, 'Imported', {
      instanceIdentifier: 'orders',
      instanceEndpointAddress: 'orders.example.us-east-1.rds.amazonaws.com',
      port: 5432,
      securityGroups: [],
    });
    expect(() => new RdsPitrPolicy(f.stack, 'Pitr', { databaseInstance: instance })).toThrow(
      'databaseInstance Stack/Imported has no AWS::RDS::DBInstance resource in this app (imported with from...Attributes?)');
  });

  test('fails when the instance is a read replica', () => {
    const f = fixture();
    const source = pgInstance(f);
    const replica = new rds.DatabaseInstanceReadReplica(f.stack, 'Replica', {
      sourceDatabaseInstance: source,
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MEDIUM),
      vpc: f.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      storageEncrypted: true,
    });
    expect(() => new RdsPitrPolicy(f.stack, 'Pitr', { databaseInstance: replica })).toThrow(
      'databaseInstance Stack/Replica is a read replica (SourceDBInstanceIdentifier is set)');
  });

  test('fails when backupRetention is 0 days', () => {
    expect(() => onInstance({ backupRetention: Duration.days(0) })).toThrow(
      'Stack/Pitr: backupRetention is 0 days, which turns off automated backups and point-in-time recovery ' +
        '(RDS accepts 0 for instances, this policy does not); allowed range is 1-35 days (e.g. Duration.days(7))');
  });

  test('fails when backupRetention is more than 35 days', () => {
    expect(() => onInstance({ backupRetention: Duration.days(36) })).toThrow(
      'backupRetention is 36 days; RDS keeps automated backups 1-35 days (e.g. Duration.days(35))');
  });

  test.each([[1], [35]])('accepts backupRetention of %d days', (daysValue) => {
    const f = onInstance({ backupRetention: Duration.days(daysValue) }, { backupRetention: Duration.days(1) });
    Template.fromStack(f.stack).hasResourceProperties('AWS::RDS::DBInstance', { BackupRetentionPeriod: daysValue });
  });

  test('fails when backupRetention is not a whole number of days', () => {
    expect(() => onInstance({ backupRetention: Duration.hours(36) })).toThrow(
      'backupRetention is 1 day 12 hours, which is not a whole number of days; use Duration.days(2)');
  });

  test('fails when the instance\'s storage is not encrypted', () => {
    expect(() => onInstance({}, { storageEncrypted: undefined })).toThrow(
      'Stack/Pitr: DB instance Stack/Db/Resource has unencrypted storage (StorageEncrypted is not set), so its automated ' +
        'backups and snapshots are unencrypted too; encrypt it (storageEncrypted: true, or storageEncryptionKey). ' +
        'An existing database cannot be encrypted in place: restore an encrypted copy of a snapshot');
  });

  test('fails when the Aurora cluster\'s storage is not encrypted', () => {
    const f = fixture();
    const cluster = auroraCluster(f, { storageEncrypted: false });
    expect(() => new RdsPitrPolicy(f.stack, 'Pitr', { databaseCluster: cluster })).toThrow(
      'DB cluster Stack/Aurora/Resource has unencrypted storage (StorageEncrypted is false)');
  });

  test('fails when the DocumentDB cluster\'s storage is not encrypted', () => {
    const f = fixture();
    const cluster = docdbCluster(f, { storageEncrypted: false });
    expect(() => new RdsPitrPolicy(f.stack, 'Pitr', { documentDbCluster: cluster })).toThrow(
      'DocumentDB cluster Stack/DocDb/Resource has unencrypted storage (StorageEncrypted is false)');
  });

  test('fails when replication is asked for a cluster', () => {
    const f = fixture();
    const cluster = auroraCluster(f);
    expect(() => new RdsPitrPolicy(f.stack, 'Pitr', {
      databaseCluster: cluster,
      backupReplicationRegion: 'us-west-2',
      backupReplicationKmsKey: kms.Key.fromKeyArn(f.stack, 'ReplicaKey', WEST_KEY_ARN),
    })).toThrow(
      "backupReplicationRegion 'us-west-2' is set for DB cluster Stack/Aurora/Resource; automated-backup replication " +
        'exists for DB instances only');
  });

  test('fails when replication is asked with a retention of 0 days', () => {
    const f = fixture();
    const instance = pgInstance(f);
    expect(() => new RdsPitrPolicy(f.stack, 'Pitr', {
      databaseInstance: instance,
      backupRetention: Duration.days(0),
      backupReplicationRegion: 'us-west-2',
      backupReplicationKmsKey: kms.Key.fromKeyArn(f.stack, 'ReplicaKey', WEST_KEY_ARN),
    })).toThrow(
      "backupReplicationRegion 'us-west-2' replicates automated backups, but backupRetention is 0 days, which turns " +
        'automated backups off; RDS replicates only with a retention above 0');
  });

  test('fails when the replication region is the stack\'s region', () => {
    const f = fixture('us-west-2');
    const instance = pgInstance(f);
    expect(() => new RdsPitrPolicy(f.stack, 'Pitr', {
      databaseInstance: instance,
      backupReplicationRegion: 'us-west-2',
      backupReplicationKmsKey: kms.Key.fromKeyArn(f.stack, 'ReplicaKey', WEST_KEY_ARN),
    })).toThrow("backupReplicationRegion 'us-west-2' is the region of DB instance Stack/Db/Resource itself");
  });

  test('fails when an explicit cloudwatchLogsExports names a log type the Aurora PostgreSQL cluster does not export', () => {
    const f = fixture();
    const cluster = auroraCluster(f);
    expect(() => new RdsPitrPolicy(f.stack, 'Pitr', { databaseCluster: cluster, cloudwatchLogsExports: ['postgresql', 'upgrade'] })).toThrow(
      "Stack/Pitr: cloudwatchLogsExports 'upgrade' is not a log type of DB cluster Stack/Aurora/Resource (Aurora PostgreSQL), " +
        "which exports 'postgresql', 'instance', 'iam-db-auth-error'; remove it from the list, or leave " +
        "cloudwatchLogsExports unset to export each engine's defaults (an explicit list applies to every database the policy reaches)");
  });

  test('fails when an explicit cloudwatchLogsExports names PostgreSQL logs for a DocumentDB cluster', () => {
    const f = fixture();
    const cluster = docdbCluster(f);
    expect(() => new RdsPitrPolicy(f.stack, 'Pitr', { documentDbCluster: cluster, cloudwatchLogsExports: ['postgresql', 'audit', 'upgrade'] }))
      .toThrow("cloudwatchLogsExports 'postgresql', 'upgrade' are not log types of DocumentDB cluster Stack/DocDb/Resource " +
        "(DocumentDB), which exports 'audit', 'profiler'; remove them from the list");
  });

  test('fails when an explicit cloudwatchLogsExports names DocumentDB logs for a PostgreSQL instance', () => {
    expect(() => onInstance({ cloudwatchLogsExports: ['audit'] })).toThrow(
      "cloudwatchLogsExports 'audit' is not a log type of DB instance Stack/Db/Resource (RDS for PostgreSQL), which exports " +
        "'postgresql', 'upgrade', 'iam-db-auth-error'");
  });

  test('an explicit list of the engine\'s own log types is accepted', () => {
    const f = onInstance({ cloudwatchLogsExports: ['postgresql', 'upgrade', 'iam-db-auth-error'] });
    Template.fromStack(f.stack).hasResourceProperties('AWS::RDS::DBInstance', {
      EnableCloudwatchLogsExports: ['postgresql', 'upgrade', 'iam-db-auth-error'],
    });
  });

  test('an explicit list is applied unchecked to an engine the policy does not know (MySQL)', () => {
    const f = fixture();
    const instance = pgInstance(f, { engine: rds.DatabaseInstanceEngine.mysql({ version: rds.MysqlEngineVersion.VER_8_0_46 }) });
    new RdsPitrPolicy(f.stack, 'Pitr', { databaseInstance: instance, cloudwatchLogsExports: ['error', 'slowquery'] });
    Template.fromStack(f.stack).hasResourceProperties('AWS::RDS::DBInstance', {
      Engine: 'mysql',
      EnableCloudwatchLogsExports: ['error', 'slowquery'],
    });
  });

  test('fails when the replication region is malformed', () => {
    expect(() => onInstance({ backupReplicationRegion: 'US-WEST-2' })).toThrow(
      "backupReplicationRegion 'US-WEST-2' is not an AWS region name; did you mean 'us-west-2'?");
  });

  test('fails when the replication key is missing', () => {
    expect(() => onInstance({ backupReplicationRegion: 'us-west-2' })).toThrow(
      "backupReplicationRegion 'us-west-2' is set without backupReplicationKmsKey; the policy requires encrypted storage, " +
        'and RDS replicates encrypted backups only with a KMS key of the destination region');
  });

  test('fails when the replication key is imported from another region', () => {
    const f = fixture();
    const instance = pgInstance(f);
    expect(() => new RdsPitrPolicy(f.stack, 'Pitr', {
      databaseInstance: instance,
      backupReplicationRegion: 'us-west-2',
      backupReplicationKmsKey: kms.Key.fromKeyArn(f.stack, 'ReplicaKey',
        'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab'),
    })).toThrow("backupReplicationKmsKey is a key of eu-west-1, but backupReplicationRegion is 'us-west-2'");
  });

  test('fails when the replication key is a key of this stack', () => {
    const f = fixture();
    const instance = pgInstance(f);
    expect(() => new RdsPitrPolicy(f.stack, 'Pitr', {
      databaseInstance: instance,
      backupReplicationRegion: 'us-west-2',
      backupReplicationKmsKey: new kms.Key(f.stack, 'LocalKey', { enableKeyRotation: true }),
    })).toThrow("backupReplicationKmsKey is a key of us-east-1, but backupReplicationRegion is 'us-west-2'");
  });

  test('fails when the replication key is given without a region', () => {
    const f = fixture();
    const instance = pgInstance(f);
    expect(() => new RdsPitrPolicy(f.stack, 'Pitr', {
      databaseInstance: instance,
      backupReplicationKmsKey: kms.Key.fromKeyArn(f.stack, 'ReplicaKey', WEST_KEY_ARN),
    })).toThrow('backupReplicationKmsKey is set but backupReplicationRegion is not');
  });

  test('fails when the replication retention is given without a region', () => {
    expect(() => onInstance({ backupReplicationRetention: Duration.days(7) })).toThrow(
      'backupReplicationRetention is 7 days but backupReplicationRegion is not set');
  });

  test.each([[0, 7], [36, 35]])('fails when the replication retention is %d days', (value, fix) => {
    const f = fixture();
    const instance = pgInstance(f);
    expect(() => new RdsPitrPolicy(f.stack, 'Pitr', {
      databaseInstance: instance,
      backupReplicationRegion: 'us-west-2',
      backupReplicationKmsKey: kms.Key.fromKeyArn(f.stack, 'ReplicaKey', WEST_KEY_ARN),
      backupReplicationRetention: Duration.days(value),
    })).toThrow(`backupReplicationRetention is ${value} days; allowed range is 1-35 days (e.g. Duration.days(${fix}))`);
  });
});

describe('RdsPitrPolicy.enforce', () => {
  /** A PG instance, an Aurora cluster, a DocumentDB cluster, a read replica and an L1-only instance. */
  interface Mixed extends Fixture {
    readonly db: rds.DatabaseInstance;
    readonly long: rds.DatabaseInstance;
    readonly aurora: rds.DatabaseCluster;
    readonly replica: rds.DatabaseInstanceReadReplica;
    readonly raw: rds.CfnDBInstance;
  }

  function mixedStack(): Mixed {
    const f = fixture();
    const long = pgInstance(f, { backupRetention: Duration.days(35) }, 'Long');
    const db = pgInstance(f);
    const aurora = auroraCluster(f);
    docdbCluster(f);
    const replica = new rds.DatabaseInstanceReadReplica(f.stack, 'Replica', {
      sourceDatabaseInstance: long,
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MEDIUM),
      vpc: f.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    });
    const raw = new rds.CfnDBInstance(f.stack, 'RawDb', {
      engine: 'postgres',
      dbInstanceClass: 'db.t3.medium',
      allocatedStorage: '20',
      storageEncrypted: true,
      masterUsername: 'postgres',
      manageMasterUserPassword: true,
      backupRetentionPeriod: 1,
    });
    return { ...f, db, long, aurora, replica, raw };
  }

  test('APPLY sets every DB instance and cluster, L1-only ones included; replicas and cluster members are skipped', () => {
    const f = mixedStack();
    RdsPitrPolicy.enforce(f.stack, { backupRetention: Duration.days(14), preferredBackupWindow: '03:00-04:00' });
    Annotations.fromStack(f.stack).hasNoError('*', Match.anyValue());

    expect(propertiesOf(f, f.db)).toMatchObject({
      BackupRetentionPeriod: 14,
      PreferredBackupWindow: '03:00-04:00',
      CopyTagsToSnapshot: true,
      DeletionProtection: true,
      EnableCloudwatchLogsExports: ['postgresql', 'upgrade'],
    });
    expect(propertiesOf(f, f.long)).toMatchObject({ BackupRetentionPeriod: 35 });
    expect(propertiesOf(f, f.raw)).toMatchObject({
      BackupRetentionPeriod: 14,
      DeletionProtection: true,
      EnableCloudwatchLogsExports: ['postgresql', 'upgrade'],
    });
    const replica = propertiesOf(f, f.replica);
    expect(replica.SourceDBInstanceIdentifier).toBeDefined();
    expect(replica.BackupRetentionPeriod).toBeUndefined();
    expect(replica.PreferredBackupWindow).toBeUndefined();
    const writer = propertiesOf(f, f.aurora.node.findChild('Writer').node.defaultChild as CfnResource);
    expect(writer.DBClusterIdentifier).toBeDefined();
    expect(writer.BackupRetentionPeriod).toBeUndefined();

    const template = Template.fromStack(f.stack);
    template.hasResourceProperties('AWS::RDS::DBCluster', {
      BackupRetentionPeriod: 14,
      PreferredBackupWindow: '03:00-04:00',
      DeletionProtection: true,
      EnableCloudwatchLogsExports: ['postgresql'],
    });
    template.hasResourceProperties('AWS::DocDB::DBCluster', {
      BackupRetentionPeriod: 14,
      PreferredBackupWindow: '03:00-04:00',
      DeletionProtection: true,
      EnableCloudwatchLogsExports: ['audit', 'profiler'],
    });
  });

  test.each([EnforcementMode.APPLY, EnforcementMode.AUDIT])('%s skips a database excluded with RdsPitrPolicy.exclude, and only it', (mode) => {
    const f = mixedStack();
    RdsPitrPolicy.exclude(f.long, 'holds transient restores only');
    RdsPitrPolicy.enforce(f.stack, { backupRetention: Duration.days(14), mode });
    const long = propertiesOf(f, f.long);
    expect([long.BackupRetentionPeriod, long.DeletionProtection]).toEqual([35, undefined]);
    if (mode === EnforcementMode.APPLY) {
      expect(propertiesOf(f, f.db)).toMatchObject({ BackupRetentionPeriod: 14, DeletionProtection: true });
    } else {
      Annotations.fromStack(f.stack).hasError(`/${f.stack.stackName}/Db/Resource`, Match.anyValue());
    }
    Annotations.fromStack(f.stack).hasNoError(`/${f.stack.stackName}/Long/Resource`, Match.anyValue());
    expect(f.long.node.metadata.map((m) => [m.type, m.data])).toContainEqual(['cdk-backup-dr:RdsPitrPolicy.excluded', 'holds transient restores only']);
  });

  test('a ScratchDatabase under an enforced scope keeps no backups and no deletion protection', () => {
    const f = fixture();
    const scratch = new ScratchDatabase(f.stack, 'Scratch', { vpc: f.vpc, engineVersion: rds.PostgresEngineVersion.VER_16 });
    RdsPitrPolicy.enforce(f.stack, { backupRetention: Duration.days(14) });
    expect(propertiesOf(f, scratch.instance.node.defaultChild as CfnResource)).toMatchObject({ BackupRetentionPeriod: 0, DeletionProtection: false });
  });

  test('fails when exclude is given no reason', () => {
    const f = fixture();
    expect(() => RdsPitrPolicy.exclude(pgInstance(f), ' ')).toThrow('exclude: reason is empty');
  });

  test('fails when exclude is given a stack or the app, which would exempt every database in it', () => {
    const f = fixture();
    expect(() => RdsPitrPolicy.exclude(f.stack, 'scratch')).toThrow(
      "exclude: 'Stack' is a stack, which would exempt every database in it; exclude the database, or the construct that holds it",
    );
    expect(() => RdsPitrPolicy.exclude(f.app, 'scratch')).toThrow("exclude: '(app)' is an app or stage");
  });

  test('an excluded database carries an info annotation with the reason where enforce() skipped it', () => {
    const f = fixture();
    const db = pgInstance(f);
    RdsPitrPolicy.exclude(db, 'holds transient restores only');
    RdsPitrPolicy.enforce(f.stack);
    Annotations.fromStack(f.stack).hasInfo('/Stack/Db/Resource',
      'Stack/Db/Resource: excluded from RdsPitrPolicy.enforce(): holds transient restores only');
  });

  test('APPLY reports an explicit log list an engine does not export and leaves that database unchanged', () => {
    const f = fixture();
    pgInstance(f);
    auroraCluster(f);
    RdsPitrPolicy.enforce(f.stack, { cloudwatchLogsExports: ['postgresql', 'upgrade'] });
    const template = Template.fromStack(f.stack);
    template.hasResourceProperties('AWS::RDS::DBInstance', { Engine: 'postgres', EnableCloudwatchLogsExports: ['postgresql', 'upgrade'] });
    template.hasResourceProperties('AWS::RDS::DBCluster', {
      EnableCloudwatchLogsExports: Match.absent(),
      BackupRetentionPeriod: Match.absent(),
    });
    const annotations = Annotations.fromStack(f.stack);
    annotations.hasError('/Stack/Aurora/Resource', Match.stringLikeRegexp(
      "cloudwatchLogsExports 'upgrade' is not a log type of DB cluster Stack/Aurora/Resource \\(Aurora PostgreSQL\\)"));
    annotations.hasNoError('/Stack/Db/Resource', Match.anyValue());
  });

  test('APPLY and AUDIT warn about DocumentDB audit and profiler logs on the cluster\'s resource', () => {
    const f = fixture();
    docdbCluster(f);
    RdsPitrPolicy.enforce(f.stack);
    RdsPitrPolicy.enforce(f.stack, { mode: EnforcementMode.AUDIT });
    const warnings = Annotations.fromStack(f.stack).findWarning('/Stack/DocDb/Resource', Match.stringLikeRegexp('docdbLogs'));
    expect(warnings).toHaveLength(1);
  });

  test('APPLY is a mutating aspect, AUDIT a read-only one', () => {
    const f = fixture();
    RdsPitrPolicy.enforce(f.stack);
    RdsPitrPolicy.enforce(f.stack, { mode: EnforcementMode.AUDIT });
    expect(Aspects.of(f.stack).applied.map((applied) => applied.priority))
      .toEqual([AspectPriority.MUTATING, AspectPriority.READONLY]);
  });

  test('APPLY replicates backups of instances and warns about clusters', () => {
    const f = fixture();
    pgInstance(f);
    auroraCluster(f);
    RdsPitrPolicy.enforce(f.stack, {
      backupReplicationRegion: 'us-west-2',
      backupReplicationKmsKey: kms.Key.fromKeyArn(f.stack, 'ReplicaKey', WEST_KEY_ARN),
    });
    const template = Template.fromStack(f.stack);
    template.hasResourceProperties('AWS::RDS::DBInstance', {
      Engine: 'postgres',
      AutomaticBackupReplicationRegion: 'us-west-2',
      AutomaticBackupReplicationKmsKeyId: WEST_KEY_ARN,
    });
    template.hasResourceProperties('AWS::RDS::DBCluster', {
      BackupRetentionPeriod: 7,
      AutomaticBackupReplicationRegion: Match.absent(),
    });
    const annotations = Annotations.fromStack(f.stack);
    annotations.hasWarning('/Stack/Aurora/Resource',
      Match.stringLikeRegexp("backupReplicationRegion 'us-west-2' is not applied to this DB cluster"));
    annotations.hasNoError('*', Match.anyValue());
  });

  test('APPLY reports an unencrypted database as an error and leaves it unchanged', () => {
    const f = fixture();
    pgInstance(f, { storageEncrypted: false });
    RdsPitrPolicy.enforce(f.stack);
    Annotations.fromStack(f.stack).hasError('/Stack/Db/Resource',
      Match.stringLikeRegexp('DB instance Stack/Db/Resource has unencrypted storage'));
    Template.fromStack(f.stack).hasResourceProperties('AWS::RDS::DBInstance', { BackupRetentionPeriod: Match.absent() });
  });

  test('APPLY reports a backup window that would overlap a database\'s maintenance window', () => {
    const f = fixture();
    pgInstance(f, { preferredMaintenanceWindow: 'sun:23:30-mon:00:30' });
    RdsPitrPolicy.enforce(f.stack, { preferredBackupWindow: '00:00-01:00' });
    Annotations.fromStack(f.stack).hasError('/Stack/Db/Resource', Match.stringLikeRegexp(
      "preferredBackupWindow '00:00-01:00' overlaps the maintenance window of Stack/Db/Resource 'sun:23:30-mon:00:30'"));
  });

  test('APPLY reports replication to the database\'s own region', () => {
    const f = fixture('us-west-2');
    pgInstance(f);
    RdsPitrPolicy.enforce(f.stack, {
      backupReplicationRegion: 'us-west-2',
      backupReplicationKmsKey: kms.Key.fromKeyArn(f.stack, 'ReplicaKey', WEST_KEY_ARN),
    });
    Annotations.fromStack(f.stack).hasError('/Stack/Db/Resource',
      Match.stringLikeRegexp("backupReplicationRegion 'us-west-2' is the region of DB instance Stack/Db/Resource itself"));
  });

  test('AUDIT reports each non-compliant setting and changes nothing', () => {
    const f = fixture();
    pgInstance(f, { backupRetention: Duration.days(1), cloudwatchLogsExports: ['postgresql'] });
    RdsPitrPolicy.enforce(f.stack, {
      mode: EnforcementMode.AUDIT,
      preferredBackupWindow: '03:00-04:00',
      preferredMaintenanceWindow: 'sun:05:00-sun:05:30',
    });
    const annotations = Annotations.fromStack(f.stack);
    const errors = annotations.findError('/Stack/Db/Resource', Match.anyValue())
      .map((message) => String(message.entry.data));
    expect(errors).toEqual([
      'Stack/Db/Resource: BackupRetentionPeriod is 1 day; the policy requires at least 7 (RdsPitrPolicy audit; apply the policy with EnforcementMode.APPLY or set it on the database)',
      "Stack/Db/Resource: PreferredBackupWindow is not set; the policy requires '03:00-04:00' (RdsPitrPolicy audit; apply the policy with EnforcementMode.APPLY or set it on the database)",
      "Stack/Db/Resource: PreferredMaintenanceWindow is not set; the policy requires 'sun:05:00-sun:05:30' (RdsPitrPolicy audit; apply the policy with EnforcementMode.APPLY or set it on the database)",
      'Stack/Db/Resource: DeletionProtection is not set (false); the policy requires true (RdsPitrPolicy audit; apply the policy with EnforcementMode.APPLY or set it on the database)',
      "Stack/Db/Resource: EnableCloudwatchLogsExports lacks 'upgrade'; the policy requires 'postgresql', 'upgrade' (RdsPitrPolicy audit; apply the policy with EnforcementMode.APPLY or set it on the database)",
    ]);
    annotations.hasError('/Stack/Db/Resource', Match.stringLikeRegexp('BackupRetentionPeriod'));
    Template.fromStack(f.stack).hasResourceProperties('AWS::RDS::DBInstance', {
      BackupRetentionPeriod: 1,
      PreferredBackupWindow: Match.absent(),
      DeletionProtection: Match.absent(),
      EnableCloudwatchLogsExports: ['postgresql'],
    });
  });

  test('AUDIT reports missing replication settings of an instance', () => {
    const f = fixture();
    pgInstance(f, { backupRetention: Duration.days(7), deletionProtection: true, cloudwatchLogsExports: ['postgresql', 'upgrade'] });
    RdsPitrPolicy.enforce(f.stack, {
      mode: EnforcementMode.AUDIT,
      backupReplicationRegion: 'us-west-2',
      backupReplicationKmsKey: kms.Key.fromKeyArn(f.stack, 'ReplicaKey', WEST_KEY_ARN),
      backupReplicationRetention: Duration.days(7),
    });
    const errors = Annotations.fromStack(f.stack).findError('/Stack/Db/Resource', Match.anyValue())
      .map((message) => String(message.entry.data).split(' (RdsPitrPolicy audit')[0]);
    expect(errors).toEqual([
      "Stack/Db/Resource: AutomaticBackupReplicationRegion is not set; the policy requires 'us-west-2'",
      `Stack/Db/Resource: AutomaticBackupReplicationKmsKeyId is not set; the policy requires '${WEST_KEY_ARN}'`,
      'Stack/Db/Resource: AutomaticBackupReplicationRetentionPeriod is not set; the policy requires 7',
    ]);
  });

  test('AUDIT reports an unencrypted database and a short DocumentDB retention', () => {
    const f = fixture();
    docdbCluster(f, { storageEncrypted: false, backup: { retention: Duration.days(3) } });
    RdsPitrPolicy.enforce(f.stack, { mode: EnforcementMode.AUDIT });
    const annotations = Annotations.fromStack(f.stack);
    annotations.hasError('/Stack/DocDb/Resource',
      Match.stringLikeRegexp('DocumentDB cluster Stack/DocDb/Resource has unencrypted storage \\(StorageEncrypted is false\\)'));
    annotations.hasError('/Stack/DocDb/Resource',
      Match.stringLikeRegexp('BackupRetentionPeriod is 3 days; the policy requires at least 7'));
    annotations.hasError('/Stack/DocDb/Resource',
      Match.stringLikeRegexp("EnableCloudwatchLogsExports lacks 'audit', 'profiler'"));
  });

  test('AUDIT finds nothing on a database that meets the policy', () => {
    const f = fixture();
    pgInstance(f, {
      backupRetention: Duration.days(30),
      preferredBackupWindow: '03:00-04:00',
      deletionProtection: true,
      cloudwatchLogsExports: ['postgresql', 'upgrade'],
    });
    RdsPitrPolicy.enforce(f.stack, { mode: EnforcementMode.AUDIT, preferredBackupWindow: '03:00-04:00' });
    Annotations.fromStack(f.stack).hasNoError('*', Match.anyValue());
  });

  test('AUDIT after APPLY finds nothing', () => {
    const f = mixedStack();
    RdsPitrPolicy.enforce(f.stack, { preferredBackupWindow: '03:00-04:00' });
    RdsPitrPolicy.enforce(f.stack, { mode: EnforcementMode.AUDIT, preferredBackupWindow: '03:00-04:00' });
    Annotations.fromStack(f.stack).hasNoError('*', Match.anyValue());
  });

  test('AUDIT does not judge settings that are tokens', () => {
    const f = fixture();
    const retention = new CfnParameter(f.stack, 'Retention', { type: 'Number' });
    const window = new CfnParameter(f.stack, 'Window');
    const deletion = new CfnParameter(f.stack, 'Deletion', { allowedValues: ['true', 'false'] });
    const db = pgInstance(f, {
      backupRetention: Duration.days(retention.valueAsNumber),
      preferredBackupWindow: window.valueAsString,
      cloudwatchLogsExports: ['postgresql', 'upgrade'],
    });
    (db.node.defaultChild as rds.CfnDBInstance).deletionProtection = deletion.valueAsString as unknown as boolean;
    RdsPitrPolicy.enforce(f.stack, { mode: EnforcementMode.AUDIT, preferredBackupWindow: '03:00-04:00' });
    Annotations.fromStack(f.stack).hasNoError('*', Match.anyValue());
  });

  test('fails at once when the settings are invalid', () => {
    const f = fixture();
    expect(() => RdsPitrPolicy.enforce(f.stack, { preferredBackupWindow: '03:00-03:10' })).toThrow(
      "Stack: preferredBackupWindow '03:00-03:10' is 10 minutes; RDS requires at least 30 (e.g. '03:00-03:30')");
    expect(() => RdsPitrPolicy.enforce(f.app, { backupRetention: Duration.days(40) })).toThrow(/^backupRetention is 40 days/);
    expect(Aspects.of(f.stack).applied).toHaveLength(0);
  });

  test('fails when the mode is not an EnforcementMode (JavaScript callers)', () => {
    const f = fixture();
    expect(() => RdsPitrPolicy.enforce(f.stack, { mode: 'FIX' as EnforcementMode })).toThrow(
      "mode 'FIX' is invalid; use EnforcementMode.APPLY or EnforcementMode.AUDIT");
  });
});

describe('RdsPitrPolicy with another copy of aws-cdk-lib', () => {
  interface OtherCopy {
    readonly cdk: typeof import('aws-cdk-lib');
    readonly rds: typeof import('aws-cdk-lib/aws-rds');
    readonly docdb: typeof import('aws-cdk-lib/aws-docdb');
    readonly ec2: typeof import('aws-cdk-lib/aws-ec2');
    readonly assertions: typeof import('aws-cdk-lib/assertions');
  }

  /**
   * Runs `fn` with a second, separately loaded aws-cdk-lib, as an app that has its own copy next to this library's.
   * Everything runs inside the isolated registry, because aws-cdk-lib loads its modules lazily.
   */
  function withOtherCopy(fn: (other: OtherCopy) => void): void {
    // This library's classes are loaded before the isolation starts, so that they stay this copy's.
    expect([rds.CfnDBInstance, rds.CfnDBCluster, docdb.CfnDBCluster].every((c) => typeof c === 'function')).toBe(true);
    jest.isolateModules(() => {
      // require() inside isolateModules loads fresh module instances; import() cannot run under ts-jest's CommonJS.
      /* eslint-disable @typescript-eslint/no-require-imports */
      const other: OtherCopy = {
        cdk: require('aws-cdk-lib'),
        rds: require('aws-cdk-lib/aws-rds'),
        docdb: require('aws-cdk-lib/aws-docdb'),
        ec2: require('aws-cdk-lib/aws-ec2'),
        assertions: require('aws-cdk-lib/assertions'),
      };
      /* eslint-enable @typescript-eslint/no-require-imports */
      expect(other.rds.CfnDBInstance).not.toBe(rds.CfnDBInstance); // really another copy
      expect(other.docdb.CfnDBCluster).not.toBe(docdb.CfnDBCluster);
      fn(other);
    });
  }

  test('enforce() finds the DB instances and clusters of the other copy by CloudFormation type', () => {
    withOtherCopy((other) => {
      const app = new other.cdk.App();
      const stack = new other.cdk.Stack(app, 'Stack', { env: { account: '111111111111', region: 'us-east-1' } });
      const instance = new other.rds.CfnDBInstance(stack, 'Db', {
        engine: 'postgres',
        dbInstanceClass: 'db.t3.medium',
        allocatedStorage: '20',
        storageEncrypted: true,
        masterUsername: 'postgres',
        manageMasterUserPassword: true,
      });
      new other.rds.CfnDBCluster(stack, 'Aurora', {
        engine: 'aurora-postgresql',
        storageEncrypted: true,
        masterUsername: 'postgres',
        manageMasterUserPassword: true,
      });
      new other.docdb.CfnDBCluster(stack, 'DocDb', {
        storageEncrypted: true,
        masterUsername: 'docdbadmin',
        masterUserPassword: 'not-a-real-password',
      });
      expect(instance).not.toBeInstanceOf(rds.CfnDBInstance);

      RdsPitrPolicy.enforce(stack as unknown as IConstruct, { backupRetention: Duration.days(14) });
      const template = other.assertions.Template.fromStack(stack);
      template.hasResourceProperties('AWS::RDS::DBInstance', {
        BackupRetentionPeriod: 14,
        DeletionProtection: true,
        CopyTagsToSnapshot: true,
        EnableCloudwatchLogsExports: ['postgresql', 'upgrade'],
      });
      template.hasResourceProperties('AWS::RDS::DBCluster', { BackupRetentionPeriod: 14, EnableCloudwatchLogsExports: ['postgresql'] });
      template.hasResourceProperties('AWS::DocDB::DBCluster', { BackupRetentionPeriod: 14, EnableCloudwatchLogsExports: ['audit', 'profiler'] });
    });
  });

  test('the constructor takes an L2 instance of the other copy', () => {
    withOtherCopy((other) => {
      const app = new other.cdk.App();
      const stack = new other.cdk.Stack(app, 'Stack', { env: { account: '111111111111', region: 'us-east-1' } });
      const vpc = new other.ec2.Vpc(stack, 'Vpc', {
        maxAzs: 2,
        natGateways: 0,
        subnetConfiguration: [{ name: 'db', subnetType: other.ec2.SubnetType.PRIVATE_ISOLATED }],
      });
      const instance = new other.rds.DatabaseInstance(stack, 'Db', {
        engine: other.rds.DatabaseInstanceEngine.postgres({ version: other.rds.PostgresEngineVersion.VER_15 }),
        vpc,
        vpcSubnets: { subnetType: other.ec2.SubnetType.PRIVATE_ISOLATED },
        storageEncrypted: true,
      });
      expect(instance.node.defaultChild).not.toBeInstanceOf(rds.CfnDBInstance);
      const policy = new RdsPitrPolicy(stack as unknown as Stack, 'Pitr', {
        databaseInstance: instance as unknown as rds.IDatabaseInstance,
        backupRetention: Duration.days(30),
      });
      expect(policy.databaseResource).toBe(instance.node.defaultChild);
      other.assertions.Template.fromStack(stack).hasResourceProperties('AWS::RDS::DBInstance', {
        BackupRetentionPeriod: 30,
        EnableCloudwatchLogsExports: ['postgresql', 'upgrade'],
      });
    });
  });
});

describe('RdsPitrPolicy and cdk-nag', () => {
  const fixedByPolicy = [
    'AwsSolutions-RDS10',
    'AwsSolutions-RDS13',
    'HIPAA.Security-RDSInstanceBackupEnabled',
    'HIPAA.Security-RDSInstanceDeletionProtectionEnabled',
    'HIPAA.Security-RDSLoggingEnabled[LogExport::postgresql]',
    'HIPAA.Security-RDSLoggingEnabled[LogExport::upgrade]',
    'NIST.800.53.R5-RDSInstanceBackupEnabled',
    'NIST.800.53.R5-RDSInstanceDeletionProtectionEnabled',
    'NIST.800.53.R5-RDSLoggingEnabled[LogExport::postgresql]',
    'NIST.800.53.R5-RDSLoggingEnabled[LogExport::upgrade]',
    'PCI.DSS.321-RDSLoggingEnabled[LogExport::postgresql]',
    'PCI.DSS.321-RDSLoggingEnabled[LogExport::upgrade]',
  ];

  test('the policy removes the instance\'s backup, deletion-protection and log-export findings and adds none', () => {
    const build = (withPolicy: boolean) => {
      const f = fixture();
      const instance = pgInstance(f, { backupRetention: Duration.days(0) });
      if (withPolicy) {
        new RdsPitrPolicy(f.stack, 'Pitr', { databaseInstance: instance, backupRetention: Duration.days(30), preferredBackupWindow: '03:00-04:00' });
      }
      return nagFindings(f.stack);
    };
    const before = build(false);
    const after = build(true);
    const beforeIds = ruleIds(before, 'Stack/Db/Resource');
    const afterIds = ruleIds(after, 'Stack/Db/Resource');

    expect(beforeIds).toEqual(expect.arrayContaining(fixedByPolicy));
    for (const id of fixedByPolicy) {
      expect(afterIds).not.toContain(id);
    }
    const beforeAll = new Set(before.map((finding) => `${finding.rule} at ${finding.path}`));
    const added = after.filter((finding) => !beforeAll.has(`${finding.rule} at ${finding.path}`));
    expect(formatFindings(added)).toBe('');
  });

  test('enforce() fixes the Aurora and DocumentDB findings it can, after synthesis runs the aspect', () => {
    const build = (withPolicy: boolean) => {
      const f = fixture();
      auroraCluster(f);
      docdbCluster(f);
      if (withPolicy) {
        RdsPitrPolicy.enforce(f.stack);
      }
      f.app.synth();
      return nagFindings(f.stack);
    };
    const before = build(false);
    const after = build(true);
    const fixed: Array<[string, string]> = [
      ['AwsSolutions-RDS10', 'Stack/Aurora/Resource'],
      ['NIST.800.53.R5-RDSInstanceDeletionProtectionEnabled', 'Stack/Aurora/Resource'],
      ['NIST.800.53.R5-RDSLoggingEnabled[LogExport::postgresql]', 'Stack/Aurora/Resource'],
      ['AwsSolutions-DOC4', 'Stack/DocDb/Resource'],
    ];
    for (const [id, path] of fixed) {
      expect(ruleIds(before, path)).toContain(id);
      expect(ruleIds(after, path)).not.toContain(id);
    }
    const beforeAll = new Set(before.map((finding) => `${finding.rule} at ${finding.path}`));
    const added = after.filter((finding) => !beforeAll.has(`${finding.rule} at ${finding.path}`));
    expect(formatFindings(added)).toBe('');
  });
});
