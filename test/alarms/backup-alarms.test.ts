import { App, CfnParameter, Duration, Size, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as docdb from 'aws-cdk-lib/aws-docdb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct } from 'constructs';
import { AlarmTuning, BackupAlarms, BackupAlarmsProps, ReplicationWatch } from '../../lib';
import { FAMILIES as FAMILY_TABLE } from '../../lib/alarms/families';
import { BackupVault } from '../../lib/vault/backup-vault';
import { formatFindings, nagFindings } from '../nag';

// ---------------------------------------------------------------------------------------------------------------
// Fixtures

function newStack(): Stack {
  return new Stack(new App(), 'Stack', { env: { account: '111111111111', region: 'us-east-1' } });
}

function instance(stack: Stack, id: string, identifier: string): rds.IDatabaseInstance {
  return rds.DatabaseInstance.fromDatabaseInstanceAttributes(stack, id, {
    instanceIdentifier: identifier,
    instanceEndpointAddress: `${identifier}.abc.us-east-1.rds.amazonaws.com`,
    port: 5432,
    securityGroups: [],
  });
}

function docdbCluster(stack: Stack, id: string, identifier: string): docdb.IDatabaseCluster {
  return docdb.DatabaseCluster.fromDatabaseClusterAttributes(stack, id, { clusterIdentifier: identifier });
}

function s3Metric(metricName: string, statistic: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/S3',
    metricName,
    dimensionsMap: { SourceBucket: 'app-files', DestinationBucket: 'app-files-dr', RuleId: 'to-dr' },
    statistic,
    period: Duration.minutes(1),
  });
}

function replication(name = 'files-to-dr'): ReplicationWatch {
  return {
    name,
    failedOperations: s3Metric('OperationsFailedReplication', 'Sum'),
    latency: s3Metric('ReplicationLatency', 'Maximum'),
  };
}

interface Fixture {
  readonly stack: Stack;
  readonly alarms: BackupAlarms;
  readonly template: Template;
}

/** BackupAlarms with one of everything: vault, dumped database on an instance with a replica, Aurora, replication. */
function build(props: BackupAlarmsProps = {}, stack: Stack = newStack()): Fixture {
  const vault = new BackupVault(stack, 'Vault');
  const alarms = new BackupAlarms(stack, 'Alarms', {
    vaults: [vault],
    databases: [
      {
        name: 'orders',
        databaseInstance: instance(stack, 'OrdersDb', 'orders-prod'),
        readReplicas: [instance(stack, 'OrdersReplica', 'orders-replica')],
      },
      {
        name: 'distro',
        databaseCluster: rds.DatabaseCluster.fromDatabaseClusterAttributes(stack, 'DistroCluster', { clusterIdentifier: 'distro-prod' }),
        hasDumpJob: false,
        maxBackupStorage: Size.gibibytes(2000),
      },
    ],
    replications: [replication()],
    ...props,
  });
  return { stack, alarms, template: Template.fromStack(stack) };
}

function find(root: IConstruct, path: string): IConstruct {
  return path.split('/').reduce((c, id) => c.node.findChild(id), root);
}

function logicalId(f: Fixture, path: string): string {
  const alarm = find(f.alarms, path) as cloudwatch.Alarm;
  return f.stack.resolve((alarm.node.defaultChild as cloudwatch.CfnAlarm).logicalId);
}

/** The Properties of the alarm at `path` below the BackupAlarms construct. */
function alarmProps(f: Fixture, path: string): Record<string, any> {
  return f.template.toJSON().Resources[logicalId(f, path)].Properties;
}

function alarmPaths(f: Fixture): string[] {
  return f.alarms.node.findAll()
    .filter((c) => c instanceof cloudwatch.Alarm)
    .map((c) => c.node.path.replace(`${f.alarms.node.path}/`, ''))
    .sort();
}

/** `{ Ref: <topic> }` as plain JSON (stack.resolve returns objects that toMatchObject tells apart by prototype). */
function topicRef(f: Fixture): unknown {
  return JSON.parse(JSON.stringify(f.stack.resolve(f.alarms.topic.topicArn)));
}

/** The dashboard body with every token replaced by TOKEN, parsed. */
function dashboardBody(f: Fixture): { widgets: Array<{ type: string; properties: Record<string, any> }> } {
  const [dashboard] = Object.values(f.template.findResources('AWS::CloudWatch::Dashboard'));
  const body = dashboard.Properties.DashboardBody;
  const text = typeof body === 'string'
    ? body
    : (body['Fn::Join'][1] as unknown[]).map((part) => (typeof part === 'string' ? part : 'TOKEN')).join('');
  return JSON.parse(text);
}

function widgetTitles(f: Fixture): string[] {
  return dashboardBody(f).widgets.map((w) => w.properties.title).filter((t) => t !== undefined);
}

const ALL_DEFAULT_ALARMS = [
  'Database-distro/BackupStorage',
  'Database-orders/DumpDuration',
  'Database-orders/DumpFailed',
  'Database-orders/DumpMissing',
  'Database-orders/DumpSizeChange',
  'Database-orders/FreeStorage',
  'Database-orders/Replica-OrdersReplica/FreeStorage',
  'Database-orders/Replica-OrdersReplica/ReplicaLag',
  'Database-orders/VerificationFailed',
  'Database-orders/VerificationMissing',
  'Database-orders/VerificationStale',
  'Replication-files-to-dr/FailedOperations',
  'Replication-files-to-dr/Latency',
  'Vault-Vault/BackupJobsFailed',
  'Vault-Vault/CopyJobsFailed',
  'Vault-Vault/RestoreJobsFailed',
];

// ---------------------------------------------------------------------------------------------------------------

describe('BackupAlarms topic', () => {
  test('defaults: a TLS-only topic encrypted with a rotating CMK whose policy lets CloudWatch alarms of this account publish', () => {
    const f = build();
    f.template.resourceCountIs('AWS::SNS::Topic', 2); // the vault's and ours
    f.template.hasResourceProperties('AWS::KMS::Key', {
      Description: 'Encrypts the backup and DR alarm notifications of Stack/Alarms',
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          {
            Sid: 'AllowCloudWatchAlarmsToPublishEncrypted',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Resource: '*',
          },
        ]),
      },
    });
    const keyId = f.stack.resolve((f.alarms.encryptionKey!.node.defaultChild as any).logicalId);
    f.template.hasResourceProperties('AWS::SNS::Topic', {
      DisplayName: 'Backup and DR alarms',
      KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
    f.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [topicRef(f)],
      PolicyDocument: {
        Statement: [
          {
            Sid: 'AllowPublishThroughSSLOnly',
            Effect: 'Deny',
            Principal: '*',
            Action: 'sns:Publish',
            Resource: topicRef(f),
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
          {
            Sid: 'AllowCloudWatchAlarmsToPublish',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: topicRef(f),
            Condition: {
              ArnLike: {
                'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:us-east-1:111111111111:alarm:*']] },
              },
              StringEquals: { 'aws:SourceAccount': '111111111111' },
            },
          },
        ],
        Version: '2012-10-17',
      },
    });
  });

  test('a given topic receives the alarms; no topic or key is created, and CloudWatch may publish to it', () => {
    const stack = newStack();
    const topic = new sns.Topic(stack, 'OnCall');
    const alarms = new BackupAlarms(stack, 'Alarms', { topic, databases: [{ name: 'orders' }] });
    const template = Template.fromStack(stack);
    expect(alarms.topic).toBe(topic);
    expect(alarms.encryptionKey).toBeUndefined();
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::KMS::Key', 0);
    const onCall = stack.resolve(topic.topicArn);
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [onCall],
      PolicyDocument: { Statement: [Match.objectLike({ Sid: 'AllowCloudWatchAlarmsToPublish', Principal: { Service: 'cloudwatch.amazonaws.com' } })] },
    });
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toEqual([onCall]);
      expect(alarm.Properties.OKActions).toEqual([onCall]);
    }
  });

  test('two BackupAlarms sharing a topic add one publish statement, not two', () => {
    const stack = newStack();
    const topic = new sns.Topic(stack, 'OnCall');
    new BackupAlarms(stack, 'A', { topic, databases: [{ name: 'orders' }] });
    new BackupAlarms(stack, 'B', { topic, databases: [{ name: 'billing' }] });
    const [policy] = Object.values(Template.fromStack(stack).findResources('AWS::SNS::TopicPolicy'));
    const sids = policy.Properties.PolicyDocument.Statement.map((s: { Sid: string }) => s.Sid);
    expect(sids).toEqual(['AllowCloudWatchAlarmsToPublish']);
  });

  test('email subscribes to the topic; none without email', () => {
    const f = build({ email: 'oncall@example.com' });
    f.template.resourceCountIs('AWS::SNS::Subscription', 1);
    f.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
      TopicArn: topicRef(f),
    });
    build().template.resourceCountIs('AWS::SNS::Subscription', 0);
  });
});

describe('BackupAlarms default alarms', () => {
  test('one alarm per signal, and `alarms` lists every one', () => {
    const f = build();
    expect(alarmPaths(f)).toEqual(ALL_DEFAULT_ALARMS);
    f.template.resourceCountIs('AWS::CloudWatch::Alarm', ALL_DEFAULT_ALARMS.length);
    expect(f.alarms.alarms).toHaveLength(ALL_DEFAULT_ALARMS.length);
  });

  test('every alarm notifies the topic on ALARM and OK, has no physical name, and says what to check first', () => {
    const f = build();
    for (const path of ALL_DEFAULT_ALARMS) {
      const props = alarmProps(f, path);
      expect(props.AlarmActions).toEqual([topicRef(f)]);
      expect(props.OKActions).toEqual([topicRef(f)]);
      expect(props.AlarmName).toBeUndefined();
      const description = JSON.stringify(f.stack.resolve(props.AlarmDescription));
      expect(description).toMatch(/First /);
      expect(description.length).toBeLessThanOrEqual(1024);
    }
  });

  test.each([
    ['BackupJobsFailed', 'NumberOfBackupJobsFailed'],
    ['CopyJobsFailed', 'NumberOfCopyJobsFailed'],
    ['RestoreJobsFailed', 'NumberOfRestoreJobsFailed'],
  ])('vault %s: AWS/Backup %s Sum >= 1 in 1 hour, missing data not breaching', (id, metricName) => {
    const f = build();
    const vault = f.stack.node.findChild('Vault') as BackupVault;
    expect(alarmProps(f, `Vault-Vault/${id}`)).toEqual({
      Namespace: 'AWS/Backup',
      MetricName: metricName,
      Dimensions: [{ Name: 'BackupVaultName', Value: f.stack.resolve(vault.backupVaultName) }],
      Statistic: 'Sum',
      Period: 3600,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmDescription: expect.anything(),
      AlarmActions: [topicRef(f)],
      OKActions: [topicRef(f)],
    });
  });

  test('dump failed: BackupSuccess Minimum < 1 over 5 minutes, missing data ignored (keeps the last run\'s verdict)', () => {
    const f = build();
    expect(alarmProps(f, 'Database-orders/DumpFailed')).toEqual({
      Namespace: 'CdkBackupDr',
      MetricName: 'BackupSuccess',
      Dimensions: [{ Name: 'Database', Value: 'orders' }],
      Statistic: 'Minimum',
      Period: 300,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'ignore',
      AlarmDescription: expect.stringMatching(/^The latest pg_dump of database 'orders' failed/),
      AlarmActions: [topicRef(f)],
      OKActions: [topicRef(f)],
    });
  });

  test('dump missing: hourly BackupSuccess Maximum < 1 in all of 25 periods, missing data BREACHING', () => {
    const f = build();
    expect(alarmProps(f, 'Database-orders/DumpMissing')).toEqual({
      Namespace: 'CdkBackupDr',
      MetricName: 'BackupSuccess',
      Dimensions: [{ Name: 'Database', Value: 'orders' }],
      Statistic: 'Maximum',
      Period: 3600,
      EvaluationPeriods: 25,
      DatapointsToAlarm: 25,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      AlarmDescription: expect.stringMatching(/^No successful pg_dump of database 'orders' in 25 hours/),
      AlarmActions: [topicRef(f)],
      OKActions: [topicRef(f)],
    });
  });

  test('dump size change: metric math on daily BackupSizeBytes Maximum, > 20 %, 1 of 2 periods, missing not breaching', () => {
    const f = build();
    expect(alarmProps(f, 'Database-orders/DumpSizeChange')).toEqual({
      Metrics: [
        {
          Id: 'expr_1',
          Expression: '100 * ABS(DIFF(size)) / (size - DIFF(size))',
          Label: 'Dump size change of orders (%)',
          ReturnData: true,
        },
        {
          Id: 'size',
          MetricStat: {
            Metric: {
              Namespace: 'CdkBackupDr',
              MetricName: 'BackupSizeBytes',
              Dimensions: [{ Name: 'Database', Value: 'orders' }],
            },
            Period: 86400,
            Stat: 'Maximum',
          },
          ReturnData: false,
        },
      ],
      EvaluationPeriods: 2,
      DatapointsToAlarm: 1,
      Threshold: 20,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmDescription: expect.stringMatching(/changed size by more than 20 % compared with the previous dump/),
      AlarmActions: [topicRef(f)],
      OKActions: [topicRef(f)],
    });
  });

  test('dump duration: BackupDurationSeconds Maximum > 720 s (before Lambda stops the job at 900 s), missing data ignored', () => {
    const f = build();
    const props = alarmProps(f, 'Database-orders/DumpDuration');
    expect(props).toMatchObject({
      Namespace: 'CdkBackupDr',
      MetricName: 'BackupDurationSeconds',
      Dimensions: [{ Name: 'Database', Value: 'orders' }],
      Statistic: 'Maximum',
      Period: 300,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      Threshold: 720,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'ignore',
      AlarmDescription: expect.stringMatching(/took longer than 12 minutes/),
    });
    expect(props.Threshold).toBeLessThan(900);
  });

  test('verification missing: hourly VerificationSuccess Maximum < 1 in all of 168 periods (7 days), missing data BREACHING', () => {
    const f = build();
    expect(alarmProps(f, 'Database-orders/VerificationMissing')).toEqual({
      Namespace: 'CdkBackupDr',
      MetricName: 'VerificationSuccess',
      Dimensions: [{ Name: 'Database', Value: 'orders' }],
      Statistic: 'Maximum',
      Period: 3600,
      EvaluationPeriods: 168,
      DatapointsToAlarm: 168,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      AlarmDescription: expect.stringMatching(
        /^No passing restore verification of database 'orders' in 168 hours .*First check that the verify schedule is enabled/),
      AlarmActions: [topicRef(f)],
      OKActions: [topicRef(f)],
    });
  });

  test('verification alarms follow hasVerifyJob, not hasDumpJob: a verify-only database gets all three', () => {
    const f = build({ databases: [{ name: 'orders', hasDumpJob: false, hasVerifyJob: true }], vaults: [], replications: [] });
    expect(alarmPaths(f)).toEqual([
      'Database-orders/VerificationFailed',
      'Database-orders/VerificationMissing',
      'Database-orders/VerificationStale',
    ]);
  });

  test('verification failed: VerificationSuccess Minimum < 1, missing data ignored', () => {
    const f = build();
    expect(alarmProps(f, 'Database-orders/VerificationFailed')).toMatchObject({
      Namespace: 'CdkBackupDr',
      MetricName: 'VerificationSuccess',
      Dimensions: [{ Name: 'Database', Value: 'orders' }],
      Statistic: 'Minimum',
      Period: 300,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'ignore',
    });
  });

  test('verification stale: VerifiedBackupAgeSeconds Maximum > 8 days, missing data ignored', () => {
    const f = build();
    expect(alarmProps(f, 'Database-orders/VerificationStale')).toMatchObject({
      Namespace: 'CdkBackupDr',
      MetricName: 'VerifiedBackupAgeSeconds',
      Dimensions: [{ Name: 'Database', Value: 'orders' }],
      Statistic: 'Maximum',
      Period: 300,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      Threshold: 691200,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'ignore',
      AlarmDescription: expect.stringMatching(/was older than 8 days/),
    });
  });

  test.each([
    ['Database-orders/FreeStorage', 'orders-prod'],
    ['Database-orders/Replica-OrdersReplica/FreeStorage', 'orders-replica'],
  ])('%s: FreeStorageSpace Average < 10 GiB in 2 of 2 five-minute periods (seed 000), missing data left missing',
    (path, identifier) => {
      const f = build();
      expect(alarmProps(f, path)).toMatchObject({
        Namespace: 'AWS/RDS',
        MetricName: 'FreeStorageSpace',
        Dimensions: [{ Name: 'DBInstanceIdentifier', Value: identifier }],
        Statistic: 'Average',
        Period: 300,
        EvaluationPeriods: 2,
        DatapointsToAlarm: 2,
        Threshold: 10737418240,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'missing',
        AlarmDescription: expect.stringMatching(`${identifier} has less than 10 GiB of free storage`),
      });
    });

  test('replica lag: ReplicaLag Maximum > 300 s in 5 of 5 one-minute periods, missing data breaching', () => {
    const f = build();
    expect(alarmProps(f, 'Database-orders/Replica-OrdersReplica/ReplicaLag')).toMatchObject({
      Namespace: 'AWS/RDS',
      MetricName: 'ReplicaLag',
      Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'orders-replica' }],
      Statistic: 'Maximum',
      Period: 60,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 5,
      Threshold: 300,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  test('Aurora backup storage: TotalBackupStorageBilled daily Average > maxBackupStorage; no free-storage alarm for a cluster', () => {
    const f = build();
    expect(alarmProps(f, 'Database-distro/BackupStorage')).toMatchObject({
      Namespace: 'AWS/RDS',
      MetricName: 'TotalBackupStorageBilled',
      Dimensions: [{ Name: 'DBClusterIdentifier', Value: 'distro-prod' }],
      Statistic: 'Average',
      Period: 86400,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      Threshold: 2000 * 1024 ** 3,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'missing',
      AlarmDescription: expect.stringMatching(/bills more than 2000 GiB of backup storage/),
    });
    expect(alarmPaths(f).filter((p) => p.startsWith('Database-distro/'))).toEqual(['Database-distro/BackupStorage']);
  });

  test('DocumentDB backup storage: AWS/DocDB TotalBackupStorageBilled of the cluster, daily Average > maxBackupStorage', () => {
    const stack = newStack();
    const f = build({
      vaults: [],
      replications: [],
      databases: [{ name: 'documentdb', documentDbCluster: docdbCluster(stack, 'Docdb', 'distro-docdb'), maxBackupStorage: Size.gibibytes(2000) }],
    }, stack);
    expect(alarmProps(f, 'Database-documentdb/BackupStorage')).toEqual({
      Namespace: 'AWS/DocDB',
      MetricName: 'TotalBackupStorageBilled',
      Dimensions: [{ Name: 'DBClusterIdentifier', Value: 'distro-docdb' }],
      Statistic: 'Average',
      Period: 86400,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      Threshold: 2000 * 1024 ** 3,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'missing',
      AlarmDescription: 'DocumentDB cluster distro-docdb of database \'documentdb\' bills more than 2000 GiB of backup storage '
        + '(TotalBackupStorageBilled, daily average). First look for manual snapshots that are no longer needed and for a '
        + 'retention period longer than planned; then raise maxBackupStorage if the growth is expected.',
      AlarmActions: [topicRef(f)],
      OKActions: [topicRef(f)],
    });
  });

  test('a DocumentDB database has no dump or verification alarms by default: only its backup-storage alarm', () => {
    const stack = newStack();
    const f = build({
      vaults: [],
      replications: [],
      databases: [{ name: 'documentdb', documentDbCluster: docdbCluster(stack, 'Docdb', 'distro-docdb'), maxBackupStorage: Size.gibibytes(1) }],
    }, stack);
    expect(alarmPaths(f)).toEqual(['Database-documentdb/BackupStorage']);
    Annotations.fromStack(stack).hasNoWarning('/Stack/Alarms', Match.anyValue());
  });

  test('hasDumpJob false on a DocumentDB database is accepted (it is the default)', () => {
    const stack = newStack();
    const f = build({
      vaults: [],
      replications: [],
      databases: [{
        name: 'documentdb', documentDbCluster: docdbCluster(stack, 'Docdb', 'd'), hasDumpJob: false, hasVerifyJob: false,
        maxBackupStorage: Size.gibibytes(1),
      }],
    }, stack);
    expect(alarmPaths(f)).toEqual(['Database-documentdb/BackupStorage']);
  });

  test('a warning when a DocumentDB database has no maxBackupStorage: nothing is watched for it', () => {
    const stack = newStack();
    new BackupAlarms(stack, 'Alarms', { databases: [{ name: 'documentdb', documentDbCluster: docdbCluster(stack, 'Docdb', 'd') }] });
    Template.fromStack(stack).resourceCountIs('AWS::CloudWatch::Alarm', 0);
    Annotations.fromStack(stack).hasWarning('/Stack/Alarms',
      Match.stringLikeRegexp("databases 'documentdb' has no dump job, no verify job.*nothing is watched"));
  });

  test('no backup-storage alarm for a cluster without maxBackupStorage', () => {
    const stack = newStack();
    const cluster = rds.DatabaseCluster.fromDatabaseClusterAttributes(stack, 'C', { clusterIdentifier: 'c' });
    new BackupAlarms(stack, 'Alarms', { databases: [{ name: 'distro', databaseCluster: cluster, hasDumpJob: false }] });
    Template.fromStack(stack).resourceCountIs('AWS::CloudWatch::Alarm', 0);
  });

  test.each([
    ['FailedOperations', 'OperationsFailedReplication', 'Sum', 1, 'GreaterThanOrEqualToThreshold'],
    ['Latency', 'ReplicationLatency', 'Maximum', 900, 'GreaterThanThreshold'],
  ])('replication %s: the given %s metric as is (%s, its own period), threshold %p, missing data not breaching',
    (id, metricName, statistic, threshold, comparison) => {
      const f = build();
      expect(alarmProps(f, `Replication-files-to-dr/${id}`)).toMatchObject({
        Namespace: 'AWS/S3',
        MetricName: metricName,
        Dimensions: [
          { Name: 'DestinationBucket', Value: 'app-files-dr' },
          { Name: 'RuleId', Value: 'to-dr' },
          { Name: 'SourceBucket', Value: 'app-files' },
        ],
        Statistic: statistic,
        Period: 60,
        EvaluationPeriods: 1,
        DatapointsToAlarm: 1,
        Threshold: threshold,
        ComparisonOperator: comparison,
        TreatMissingData: 'notBreaching',
      });
    });

  test('hasDumpJob false drops the dump and (by default) verification alarms, keeping the RDS ones', () => {
    const stack = newStack();
    const f = build({
      databases: [{ name: 'orders', hasDumpJob: false, databaseInstance: instance(stack, 'Db', 'orders-prod') }],
      vaults: [],
      replications: [],
    }, stack);
    expect(alarmPaths(f)).toEqual(['Database-orders/FreeStorage']);
  });

  test('hasVerifyJob false drops only the verification alarms', () => {
    const f = build({ databases: [{ name: 'orders', hasVerifyJob: false }], vaults: [], replications: [] });
    expect(alarmPaths(f)).toEqual([
      'Database-orders/DumpDuration',
      'Database-orders/DumpFailed',
      'Database-orders/DumpMissing',
      'Database-orders/DumpSizeChange',
    ]);
  });

  test('alarmNamePrefix gives every alarm the physical name <prefix>-<subject>-<alarm>', () => {
    const f = build({ alarmNamePrefix: 'instantpdf-prod' });
    expect(alarmProps(f, 'Database-orders/DumpMissing').AlarmName).toBe('instantpdf-prod-orders-DumpMissing');
    expect(alarmProps(f, 'Vault-Vault/CopyJobsFailed').AlarmName).toBe('instantpdf-prod-Vault-CopyJobsFailed');
    expect(alarmProps(f, 'Database-orders/Replica-OrdersReplica/ReplicaLag').AlarmName)
      .toBe('instantpdf-prod-orders-OrdersReplica-ReplicaLag');
    expect(alarmProps(f, 'Database-distro/BackupStorage').AlarmName).toBe('instantpdf-prod-distro-BackupStorage');
    const stack = newStack();
    const docdbAlarms = build({
      alarmNamePrefix: 'distronation-prod',
      vaults: [],
      replications: [],
      databases: [{ name: 'documentdb', documentDbCluster: docdbCluster(stack, 'Docdb', 'd'), maxBackupStorage: Size.gibibytes(1) }],
    }, stack);
    expect(alarmProps(docdbAlarms, 'Database-documentdb/BackupStorage').AlarmName).toBe('distronation-prod-documentdb-BackupStorage');
    expect(alarmProps(f, 'Replication-files-to-dr/Latency').AlarmName).toBe('instantpdf-prod-files-to-dr-Latency');
  });

  test('a warning when a database watch watches nothing', () => {
    const stack = newStack();
    new BackupAlarms(stack, 'Alarms', { databases: [{ name: 'orders', hasDumpJob: false }] });
    Annotations.fromStack(stack).hasWarning('/Stack/Alarms',
      Match.stringLikeRegexp("databases 'orders' has no dump job, no verify job.*nothing is watched"));
  });

  test('no warning when the database is dumped', () => {
    const stack = newStack();
    new BackupAlarms(stack, 'Alarms', { databases: [{ name: 'orders' }] });
    Annotations.fromStack(stack).hasNoWarning('/Stack/Alarms', Match.anyValue());
  });
});

describe('BackupAlarms vaults', () => {
  const CENTRAL = 'arn:aws:backup:us-east-1:111111111111:backup-vault:central';

  test('an imported vault (IBackupVault) is watched through its metric methods, named after the vault', () => {
    const stack = newStack();
    const vault = BackupVault.fromBackupVaultArn(stack, 'Central', CENTRAL);
    const alarms = new BackupAlarms(stack, 'Alarms', { vaults: [vault], alarmNamePrefix: 'prod' });
    const f: Fixture = { stack, alarms, template: Template.fromStack(stack) };
    expect(alarmPaths(f)).toEqual([
      'Vault-central/BackupJobsFailed',
      'Vault-central/CopyJobsFailed',
      'Vault-central/RestoreJobsFailed',
    ]);
    expect(alarmProps(f, 'Vault-central/BackupJobsFailed')).toMatchObject({
      Namespace: 'AWS/Backup',
      MetricName: 'NumberOfBackupJobsFailed',
      Dimensions: [{ Name: 'BackupVaultName', Value: 'central' }],
      Statistic: 'Sum',
      Period: 3600,
      AlarmName: 'prod-central-BackupJobsFailed',
      AlarmDescription: expect.stringMatching(/backup job\(s\) of vault central failed/),
    });
    const widgets = dashboardBody(f).widgets;
    const backupJobs = widgets.find((w) => w.properties.title === 'AWS Backup jobs failed')!.properties;
    expect(backupJobs.metrics).toEqual([
      ['AWS/Backup', 'NumberOfBackupJobsFailed', 'BackupVaultName', 'central', { label: 'central', period: 3600, stat: 'Sum' }],
    ]);
    expect(vault.metricBackupJobsFailed().account).toBeUndefined(); // same account and region as the stack
  });

  test('backupMissing is off by default and, given, alarms when no backup job completed in 25 hourly periods', () => {
    const stack = newStack();
    const vault = BackupVault.fromBackupVaultArn(stack, 'Central', CENTRAL);
    const off = new BackupAlarms(stack, 'Off', { vaults: [vault] });
    expect(off.node.tryFindChild('Vault-central')?.node.tryFindChild('BackupMissing')).toBeUndefined();
    const alarms = new BackupAlarms(stack, 'Alarms', { vaults: [vault], alarmNamePrefix: 'prod', backupMissing: {} });
    const f: Fixture = { stack, alarms, template: Template.fromStack(stack) };
    expect(alarmPaths(f)).toContain('Vault-central/BackupMissing');
    expect(alarmProps(f, 'Vault-central/BackupMissing')).toMatchObject({
      Namespace: 'AWS/Backup',
      MetricName: 'NumberOfBackupJobsCompleted',
      Dimensions: [{ Name: 'BackupVaultName', Value: 'central' }],
      Statistic: 'Sum',
      Period: 3600,
      EvaluationPeriods: 25,
      DatapointsToAlarm: 25,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      AlarmName: 'prod-central-BackupMissing',
      AlarmDescription: expect.stringMatching(/^No AWS Backup job into vault central completed for 25 periods of 1 hour/),
    });
  });

  test('backupMissing is tunable and refuses a threshold and a partial window', () => {
    const stack = newStack();
    const vault = BackupVault.fromBackupVaultArn(stack, 'Central', CENTRAL);
    const alarms = new BackupAlarms(stack, 'Alarms', { vaults: [vault], backupMissing: { evaluationPeriods: 49 } });
    expect(alarmProps({ stack, alarms, template: Template.fromStack(stack) }, 'Vault-central/BackupMissing'))
      .toMatchObject({ EvaluationPeriods: 49, DatapointsToAlarm: 49 });
    expect(() => new BackupAlarms(newStack(), 'A', { backupMissing: { threshold: 2 } })).toThrow('backupMissing.threshold is 2, but this alarm\'s threshold is fixed');
    expect(() => new BackupAlarms(newStack(), 'B', { backupMissing: { evaluationPeriods: 25, datapointsToAlarm: 20 } })).toThrow(/backupMissing/);
    expect(() => new BackupAlarms(newStack(), 'C', { backupMissing: { enabled: false } })).not.toThrow();
  });

  test('two vaults with the same construct id in different scopes are both watched, each under its own path', () => {
    const stack = newStack();
    const a = new BackupVault(new Construct(stack, 'A'), 'Vault');
    const b = new BackupVault(new Construct(stack, 'B'), 'Vault');
    const alarms = new BackupAlarms(stack, 'Alarms', { vaults: [a, b] });
    const f: Fixture = { stack, alarms, template: Template.fromStack(stack) };
    expect(alarmPaths(f)).toEqual([
      'Vault-Stack-A-Vault/BackupJobsFailed',
      'Vault-Stack-A-Vault/CopyJobsFailed',
      'Vault-Stack-A-Vault/RestoreJobsFailed',
      'Vault-Stack-B-Vault/BackupJobsFailed',
      'Vault-Stack-B-Vault/CopyJobsFailed',
      'Vault-Stack-B-Vault/RestoreJobsFailed',
    ]);
    expect(alarmProps(f, 'Vault-Stack-A-Vault/BackupJobsFailed').Dimensions)
      .toEqual([{ Name: 'BackupVaultName', Value: f.stack.resolve(a.backupVaultName) }]);
    expect(alarmProps(f, 'Vault-Stack-B-Vault/BackupJobsFailed').Dimensions)
      .toEqual([{ Name: 'BackupVaultName', Value: f.stack.resolve(b.backupVaultName) }]);
  });

  test('a vault of another account: the alarm reads that account\'s metric, with a warning about cross-account observability', () => {
    const stack = newStack();
    const vault = BackupVault.fromBackupVaultArn(stack, 'Central', 'arn:aws:backup:us-east-1:222222222222:backup-vault:central');
    const alarms = new BackupAlarms(stack, 'Alarms', { vaults: [vault] });
    const f: Fixture = { stack, alarms, template: Template.fromStack(stack) };
    expect(alarmProps(f, 'Vault-central/BackupJobsFailed').Metrics).toEqual([{
      Id: 'm1',
      AccountId: '222222222222',
      MetricStat: {
        Metric: { Namespace: 'AWS/Backup', MetricName: 'NumberOfBackupJobsFailed', Dimensions: [{ Name: 'BackupVaultName', Value: 'central' }] },
        Period: 3600,
        Stat: 'Sum',
      },
      ReturnData: true,
    }]);
    Annotations.fromStack(stack).hasWarning('/Stack/Alarms', Match.stringLikeRegexp(
      'backup vault Stack/Central belongs to account 222222222222.*cross-account observability monitoring account'));
  });
});

describe('BackupAlarms tuning', () => {
  const FAMILIES: Array<[keyof BackupAlarmsProps, string[]]> = [
    ['backupJobsFailed', ['Vault-Vault/BackupJobsFailed']],
    ['copyJobsFailed', ['Vault-Vault/CopyJobsFailed']],
    ['restoreJobsFailed', ['Vault-Vault/RestoreJobsFailed']],
    ['dumpFailed', ['Database-orders/DumpFailed']],
    ['dumpMissing', ['Database-orders/DumpMissing']],
    ['dumpSizeChange', ['Database-orders/DumpSizeChange']],
    ['dumpDuration', ['Database-orders/DumpDuration']],
    ['verificationFailed', ['Database-orders/VerificationFailed']],
    ['verificationMissing', ['Database-orders/VerificationMissing']],
    ['verificationStale', ['Database-orders/VerificationStale']],
    // Alarms only for a database with an rto (none here): turning it off removes none of these.
    ['verificationRestoreTime', []],
    ['freeStorage', ['Database-orders/FreeStorage', 'Database-orders/Replica-OrdersReplica/FreeStorage']],
    ['replicaLag', ['Database-orders/Replica-OrdersReplica/ReplicaLag']],
    ['backupStorage', ['Database-distro/BackupStorage']],
    ['replicationFailed', ['Replication-files-to-dr/FailedOperations']],
    ['replicationLatency', ['Replication-files-to-dr/Latency']],
  ];

  test.each(FAMILIES)('%s can be turned off, and only its alarms go', (family, paths) => {
    const f = build({ [family]: { enabled: false } });
    expect(alarmPaths(f)).toEqual(ALL_DEFAULT_ALARMS.filter((p) => !paths.includes(p)));
  });

  test('every family of the table is turned off above (adding a family means one record and one test)', () => {
    expect(FAMILY_TABLE.map((family) => family.name).sort())
      .toEqual([...FAMILIES.map(([family]) => family), 'backupMissing'].sort());
  });

  test('backupStorage can be tuned (period, evaluation periods) but takes its threshold from maxBackupStorage', () => {
    const f = build({ backupStorage: { period: Duration.hours(12), evaluationPeriods: 4, datapointsToAlarm: 2 } });
    expect(alarmProps(f, 'Database-distro/BackupStorage')).toMatchObject({
      Threshold: 2000 * 1024 ** 3, Period: 43200, EvaluationPeriods: 4, DatapointsToAlarm: 2, Statistic: 'Average',
    });
    expect(() => build({ backupStorage: { threshold: 5 } })).toThrow(
      "Stack/Alarms: backupStorage.threshold is 5, but each alarm of this family takes its threshold from the database's "
        + 'maxBackupStorage; remove threshold and set that instead');
  });

  test.each([
    ['backupJobsFailed', 'Vault-Vault/BackupJobsFailed', { threshold: 3, period: Duration.minutes(5), evaluationPeriods: 3 },
      { Threshold: 3, Period: 300, EvaluationPeriods: 3, DatapointsToAlarm: 3 }],
    ['dumpFailed', 'Database-orders/DumpFailed', { period: Duration.hours(1) },
      { Threshold: 1, Period: 3600, EvaluationPeriods: 1, DatapointsToAlarm: 1 }],
    // seed 003: backup not completed in 24 hours
    ['dumpMissing', 'Database-orders/DumpMissing', { evaluationPeriods: 24 },
      { Threshold: 1, Period: 3600, EvaluationPeriods: 24, DatapointsToAlarm: 24, TreatMissingData: 'breaching' }],
    // seed 000: BackupSuccess Sum < 1 over 86400 s
    ['dumpMissing', 'Database-orders/DumpMissing', { period: Duration.days(1), evaluationPeriods: 1 },
      { Threshold: 1, Period: 86400, EvaluationPeriods: 1, DatapointsToAlarm: 1 }],
    ['dumpDuration', 'Database-orders/DumpDuration', { threshold: 600 },
      { Threshold: 600, Period: 300, EvaluationPeriods: 1 }],
    // seed 003: dump duration > 1 h, for a dump that runs outside Lambda
    ['dumpDuration', 'Database-orders/DumpDuration', { threshold: 3600 },
      { Threshold: 3600, Period: 300, EvaluationPeriods: 1, AlarmDescription: expect.stringMatching(/took longer than 1 hour/) }],
    // a daily verification
    ['verificationMissing', 'Database-orders/VerificationMissing', { evaluationPeriods: 25 },
      { Threshold: 1, Period: 3600, EvaluationPeriods: 25, DatapointsToAlarm: 25, TreatMissingData: 'breaching',
        AlarmDescription: expect.stringMatching(/in 25 hours/) }],
    ['verificationStale', 'Database-orders/VerificationStale', { threshold: 90000, period: Duration.hours(1) },
      { Threshold: 90000, Period: 3600 }],
    ['freeStorage', 'Database-orders/FreeStorage', { threshold: 5 * 1024 ** 3, evaluationPeriods: 3 },
      { Threshold: 5 * 1024 ** 3, Period: 300, EvaluationPeriods: 3, DatapointsToAlarm: 3 }],
    ['replicaLag', 'Database-orders/Replica-OrdersReplica/ReplicaLag', { threshold: 60, evaluationPeriods: 10, datapointsToAlarm: 8 },
      { Threshold: 60, Period: 60, EvaluationPeriods: 10, DatapointsToAlarm: 8 }],
    ['replicationFailed', 'Replication-files-to-dr/FailedOperations', { threshold: 5, period: Duration.minutes(5) },
      { Threshold: 5, Period: 300, Statistic: 'Sum', MetricName: 'OperationsFailedReplication' }],
    ['replicationLatency', 'Replication-files-to-dr/Latency', { threshold: 1800, evaluationPeriods: 3 },
      { Threshold: 1800, Period: 60, EvaluationPeriods: 3, DatapointsToAlarm: 3 }],
  ] as Array<[string, string, AlarmTuning, Record<string, unknown>]>)('%s tuned %#', (family, path, tuning, expected) => {
    const f = build({ [family]: tuning });
    expect(alarmProps(f, path)).toMatchObject(expected);
  });

  test('dumpSizeChange tuned to seed 003 (50 %) keeps 1 datapoint of 2 and the daily period', () => {
    const f = build({ dumpSizeChange: { threshold: 50 } });
    const props = alarmProps(f, 'Database-orders/DumpSizeChange');
    expect(props).toMatchObject({ Threshold: 50, EvaluationPeriods: 2, DatapointsToAlarm: 1 });
    expect(props.Metrics[1].MetricStat.Period).toBe(86400);
  });

  test('dumpSizeChange with a 4-hour period applies it to the size metric', () => {
    const f = build({ dumpSizeChange: { period: Duration.hours(4), evaluationPeriods: 3 } });
    const props = alarmProps(f, 'Database-orders/DumpSizeChange');
    expect(props).toMatchObject({ EvaluationPeriods: 3, DatapointsToAlarm: 1 });
    expect(props.Metrics[1].MetricStat.Period).toBe(14400);
  });

  test.each([
    [899, false], [900, true], [3600, true],
  ])('dumpDuration threshold %d s: warns that a Lambda dump cannot run that long: %s', (threshold, warns) => {
    const f = build({ dumpDuration: { threshold } });
    const warnings = Annotations.fromStack(f.stack).findWarning('/Stack/Alarms', Match.stringLikeRegexp('dumpDurationBeyondLambda'));
    expect(warnings.length).toBe(warns ? 1 : 0);
    if (warns) {
      expect(warnings[0].entry.data).toMatch(new RegExp(`^dumpDuration threshold is ${threshold} seconds, but PgDumpJob runs in Lambda`));
    }
  });

  test('no dumpDuration warning when no database has a dump job', () => {
    const stack = newStack();
    new BackupAlarms(stack, 'Alarms', { dumpDuration: { threshold: 3600 }, databases: [{ name: 'orders', hasDumpJob: false, databaseInstance: instance(stack, 'Db', 'orders') }] });
    expect(Annotations.fromStack(stack).findWarning('/Stack/Alarms', Match.stringLikeRegexp('dumpDurationBeyondLambda'))).toEqual([]);
  });

  test('a threshold from a token (CfnParameter) is not checked at synth and is rendered as a Ref', () => {
    const stack = newStack();
    const threshold = new CfnParameter(stack, 'MaxDumpSeconds', { type: 'Number' }).valueAsNumber;
    const f = build({ dumpDuration: { threshold } }, stack);
    expect(alarmProps(f, 'Database-orders/DumpDuration').Threshold).toEqual({ Ref: 'MaxDumpSeconds' });
  });

  test('boundary windows CloudWatch accepts: 1 minute × 1440, 30 minutes × 48, 1 hour × 168, 1 day × 7', () => {
    expect(() => build({
      replicaLag: { period: Duration.minutes(1), evaluationPeriods: 1440 },
      dumpFailed: { period: Duration.minutes(30), evaluationPeriods: 48 },
      dumpMissing: { period: Duration.hours(1), evaluationPeriods: 168 },
      verificationStale: { period: Duration.days(1), evaluationPeriods: 7 },
    })).not.toThrow();
  });
});

describe('BackupAlarms addAlarm', () => {
  test('wires alarm and OK actions, names it with the prefix, lists it, and graphs it on the dashboard', () => {
    const stack = newStack();
    const alarms = new BackupAlarms(stack, 'Alarms', { alarmNamePrefix: 'prod', databases: [{ name: 'orders' }] });
    const alarm = alarms.addAlarm('OrdersNotVerifiedDaily', {
      metric: new cloudwatch.Metric({
        namespace: 'CdkBackupDr', metricName: 'VerificationSuccess', dimensionsMap: { Database: 'orders' },
        statistic: 'Maximum', period: Duration.hours(1),
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 25,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      alarmDescription: 'No passing verification of orders in 25 hours. First check the verify-dump schedule.',
    });
    const f: Fixture = { stack, alarms, template: Template.fromStack(stack) };
    expect(alarmProps(f, 'OrdersNotVerifiedDaily')).toMatchObject({
      AlarmName: 'prod-OrdersNotVerifiedDaily',
      AlarmActions: [topicRef(f)],
      OKActions: [topicRef(f)],
      EvaluationPeriods: 25,
      TreatMissingData: 'breaching',
    });
    expect(alarms.alarms).toContain(alarm);
    const widget = dashboardBody(f).widgets.find((w) => w.properties.title === 'OrdersNotVerifiedDaily');
    expect(widget?.properties.annotations).toEqual({ alarms: ['TOKEN'] });
  });

  test('fails when the alarm has no description', () => {
    const stack = newStack();
    const alarms = new BackupAlarms(stack, 'Alarms');
    expect(() => alarms.addAlarm('Mine', {
      metric: new cloudwatch.Metric({ namespace: 'N', metricName: 'M' }),
      threshold: 1,
      evaluationPeriods: 1,
    })).toThrow(/Stack\/Alarms: addAlarm\('Mine'\): alarmDescription is missing; say what the alarm means and what to check first/);
  });

  test('fails when the alarm window is longer than CloudWatch allows', () => {
    const stack = newStack();
    const alarms = new BackupAlarms(stack, 'Alarms');
    expect(() => alarms.addAlarm('Mine', {
      metric: new cloudwatch.Metric({ namespace: 'N', metricName: 'M', period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 289,
      alarmDescription: 'Mine. First check mine.',
    })).toThrow(/addAlarm\('Mine'\): period 5 minutes × evaluationPeriods 289 is 1 day 5 minutes; CloudWatch allows at most 1 day for periods under 1 hour \(e.g. evaluationPeriods 288, or a period of at least 1 hour\)/);
  });

  test('fails when the alarm\'s datapointsToAlarm exceeds its evaluationPeriods', () => {
    const stack = newStack();
    const alarms = new BackupAlarms(stack, 'Alarms');
    expect(() => alarms.addAlarm('Mine', {
      metric: new cloudwatch.Metric({ namespace: 'N', metricName: 'M' }),
      threshold: 1,
      evaluationPeriods: 2,
      datapointsToAlarm: 3,
      alarmDescription: 'Mine. First check mine.',
    })).toThrow(/addAlarm\('Mine'\).datapointsToAlarm is 3 datapoints; allowed range is 1-2 datapoints/);
  });
});

describe('BackupAlarms dashboard', () => {
  test('one dashboard by default, with a status widget of every alarm and a graph per signal family', () => {
    const f = build();
    f.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    expect(f.alarms.dashboard).toBeInstanceOf(cloudwatch.Dashboard);
    expect(widgetTitles(f)).toEqual([
      'Alarms',
      'AWS Backup jobs completed',
      'AWS Backup jobs failed',
      'AWS Backup copy jobs failed',
      'AWS Backup restore jobs failed',
      'pg_dump failed (lowest BackupSuccess, 0 = a run failed)',
      'pg_dump succeeded (highest BackupSuccess, 1 = a run succeeded)',
      'pg_dump size change',
      'pg_dump duration',
      'pg_dump size',
      'Verification failed (lowest VerificationSuccess, 0 = a run failed)',
      'Verification passed (highest VerificationSuccess, 1 = a run passed)',
      'Age of the newest verified dump',
      'Restore time of the newest dump',
      'Verification restore duration',
      'RDS free storage',
      'Read replica lag',
      'Aurora and DocumentDB backup storage billed',
      'S3 replication failed operations',
      'S3 replication latency',
    ]);
    const status = dashboardBody(f).widgets.find((w) => w.type === 'alarm')!;
    expect(status.properties.alarms).toHaveLength(ALL_DEFAULT_ALARMS.length);
  });

  test('graphs show the same metrics the alarms watch, with the threshold as an annotation', () => {
    const f = build();
    const widgets = dashboardBody(f).widgets;
    const byTitle = (title: string) => widgets.find((w) => w.properties.title === title)!.properties;
    expect(byTitle('pg_dump size').metrics).toEqual([
      ['CdkBackupDr', 'BackupSizeBytes', 'Database', 'orders', { label: 'orders', stat: 'Maximum', period: 3600 }],
    ]);
    // The duration alarm reads 5-minute maxima: its graph does too, so the threshold line sits on that series.
    expect(byTitle('pg_dump duration').metrics).toEqual([
      ['CdkBackupDr', 'BackupDurationSeconds', 'Database', 'orders', { label: 'orders', stat: 'Maximum' }],
    ]);
    expect(alarmProps(f, 'Database-orders/DumpDuration')).toMatchObject({ Statistic: 'Maximum', Period: 300 });
    expect(byTitle('pg_dump duration').annotations).toEqual({
      horizontal: [{ value: 720, label: 'dumpDuration threshold', color: '#d62728', yAxis: 'left' }],
    });
    expect(byTitle('Read replica lag').metrics).toEqual([
      ['AWS/RDS', 'ReplicaLag', 'DBInstanceIdentifier', 'orders-replica', { label: 'orders OrdersReplica', stat: 'Maximum', period: 60 }],
    ]);
    expect(byTitle('pg_dump failed (lowest BackupSuccess, 0 = a run failed)').metrics).toEqual([
      ['CdkBackupDr', 'BackupSuccess', 'Database', 'orders', { label: 'orders', stat: 'Minimum' }],
    ]);
    expect(byTitle('pg_dump succeeded (highest BackupSuccess, 1 = a run succeeded)').metrics).toEqual([
      ['CdkBackupDr', 'BackupSuccess', 'Database', 'orders', { label: 'orders', stat: 'Maximum', period: 3600 }],
    ]);
    expect(byTitle('Aurora and DocumentDB backup storage billed').annotations).toEqual({
      horizontal: [{ value: 2000 * 1024 ** 3, label: 'distro backupStorage threshold', color: '#d62728', yAxis: 'left' }],
    });
    expect(byTitle('S3 replication latency').metrics[0].slice(0, 2)).toEqual(['AWS/S3', 'ReplicationLatency']);
    expect(byTitle('AWS Backup jobs failed').metrics[0].slice(0, 3)).toEqual(['AWS/Backup', 'NumberOfBackupJobsFailed', 'BackupVaultName']);
  });

  test('Aurora and DocumentDB clusters share one graph of their billed backup storage', () => {
    const stack = newStack();
    const f = build({
      databases: [
        { name: 'aurora', databaseCluster: rds.DatabaseCluster.fromDatabaseClusterAttributes(stack, 'A', { clusterIdentifier: 'a' }), hasDumpJob: false },
        { name: 'documentdb', documentDbCluster: docdbCluster(stack, 'Docdb', 'distro-docdb') },
      ],
      vaults: [],
      replications: [],
    }, stack);
    expect(widgetTitles(f)).toEqual(['Aurora and DocumentDB backup storage billed']); // no alarm, no status widget
    const widget = dashboardBody(f).widgets.find((w) => w.properties.title === 'Aurora and DocumentDB backup storage billed')!;
    expect(widget.properties.metrics).toEqual([
      ['AWS/RDS', 'TotalBackupStorageBilled', 'DBClusterIdentifier', 'a', { label: 'aurora', period: 86400 }],
      ['AWS/DocDB', 'TotalBackupStorageBilled', 'DBClusterIdentifier', 'distro-docdb', { label: 'documentdb', period: 86400 }],
    ]);
    expect(widget.properties.annotations).toBeUndefined(); // no maxBackupStorage, no threshold line
    expect(widget.properties.yAxis).toEqual({ left: { label: 'bytes', showUnits: false } });
  });

  test('a turned-off family keeps its graph but loses its threshold line', () => {
    const f = build({ dumpDuration: { enabled: false } });
    const duration = dashboardBody(f).widgets.find((w) => w.properties.title === 'pg_dump duration')!;
    expect(duration.properties.annotations).toBeUndefined();
  });

  test('only the families that have something to watch get a graph', () => {
    const stack = newStack();
    const alarms = new BackupAlarms(stack, 'Alarms', { databases: [{ name: 'orders' }], dashboardName: 'orders-backups' });
    const f: Fixture = { stack, alarms, template: Template.fromStack(stack) };
    f.template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'orders-backups' });
    expect(widgetTitles(f)).toEqual([
      'Alarms',
      'pg_dump failed (lowest BackupSuccess, 0 = a run failed)',
      'pg_dump succeeded (highest BackupSuccess, 1 = a run succeeded)',
      'pg_dump size change',
      'pg_dump duration',
      'pg_dump size',
      'Verification failed (lowest VerificationSuccess, 0 = a run failed)',
      'Verification passed (highest VerificationSuccess, 1 = a run passed)',
      'Age of the newest verified dump',
      'Restore time of the newest dump',
      'Verification restore duration',
    ]);
  });

  test('dashboard: false creates no dashboard but the same alarms, wired to the topic', () => {
    const withDashboard = build();
    const f = build({ dashboard: false });
    f.template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    expect(f.alarms.dashboard).toBeUndefined();
    expect(alarmPaths(f)).toEqual(alarmPaths(withDashboard));
    expect(alarmProps(f, 'Database-orders/DumpFailed')).toMatchObject({ AlarmActions: [topicRef(f)], OKActions: [topicRef(f)] });
  });

  test('dashboard: false with a shared topic: the alarms notify that topic, and addAlarm still wires and lists', () => {
    const stack = newStack();
    const main = new BackupAlarms(stack, 'Main', { vaults: [new BackupVault(stack, 'Vault')] });
    const alarms = new BackupAlarms(stack, 'Alarms', { topic: main.topic, dashboard: false, databases: [{ name: 'orders' }] });
    const alarm = alarms.addAlarm('OrdersNotVerifiedDaily', {
      metric: new cloudwatch.Metric({ namespace: 'CdkBackupDr', metricName: 'VerificationSuccess', period: Duration.hours(1) }),
      threshold: 1,
      evaluationPeriods: 25,
      alarmDescription: 'No passing verification of orders in 25 hours. First check the verify-dump schedule.',
    });
    const f: Fixture = { stack, alarms, template: Template.fromStack(stack) };
    f.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1); // Main's
    expect(alarms.topic).toBe(main.topic);
    expect(alarms.node.tryFindChild('Topic')).toBeUndefined();
    expect(alarms.alarms).toContain(alarm);
    expect(alarmProps(f, 'OrdersNotVerifiedDaily')).toMatchObject({ AlarmActions: [topicRef(f)], OKActions: [topicRef(f)] });
    expect(alarmProps(f, 'Database-orders/DumpFailed')).toMatchObject({ AlarmActions: [topicRef(f)] });
  });

  test('dashboard: false refuses a dashboardName', () => {
    expect(() => new BackupAlarms(newStack(), 'Alarms', { dashboard: false, dashboardName: 'orders-backups' }))
      .toThrow(/Stack\/Alarms: dashboardName is 'orders-backups' but dashboard is false, so there is no dashboard to name/);
  });

  test('more than 100 alarms are split over several status widgets (a widget shows at most 100)', () => {
    const stack = newStack();
    const databases = Array.from({ length: 17 }, (_, i) => ({ name: `db${i}` })); // 17 × 7 = 119 alarms
    const alarms = new BackupAlarms(stack, 'Alarms', { databases });
    const f: Fixture = { stack, alarms, template: Template.fromStack(stack) };
    const status = dashboardBody(f).widgets.filter((w) => w.type === 'alarm');
    expect(status.map((w) => [w.properties.title, w.properties.alarms.length])).toEqual([
      ['Alarms 1-100', 100],
      ['Alarms 101-119', 19],
    ]);
  });
});

describe('BackupAlarms compliance', () => {
  test('with a BackupVault and an RDS instance: no unacknowledged cdk-nag findings on BackupAlarms\' resources', () => {
    const stack = newStack();
    const vault = new BackupVault(stack, 'Vault');
    const vpc = new ec2.Vpc(stack, 'Vpc');
    const db = new rds.DatabaseInstance(stack, 'Db', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
      vpc,
      storageEncrypted: true,
    });
    new BackupAlarms(stack, 'Alarms', {
      email: 'oncall@example.com',
      vaults: [vault],
      databases: [{ name: 'orders', databaseInstance: db }],
    });
    Template.fromStack(stack); // the tree is complete
    const findings = nagFindings(stack).filter((finding) => finding.path.startsWith('Stack/Alarms/'));
    expect(formatFindings(findings)).toBe('');
  });

  test('with a DocumentDB cluster: no unacknowledged cdk-nag findings on BackupAlarms\' resources', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc');
    const cluster = new docdb.DatabaseCluster(stack, 'Docdb', {
      masterUser: { username: 'distro' },
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MEDIUM),
      vpc,
    });
    const alarms = new BackupAlarms(stack, 'Alarms', {
      databases: [{ name: 'documentdb', documentDbCluster: cluster, maxBackupStorage: Size.gibibytes(2000) }],
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/DocDB',
      Dimensions: [{ Name: 'DBClusterIdentifier', Value: { Ref: stack.getLogicalId(cluster.node.defaultChild as docdb.CfnDBCluster) } }],
    });
    expect(alarms.alarms).toHaveLength(1);
    const findings = nagFindings(stack).filter((finding) => finding.path.startsWith('Stack/Alarms/'));
    expect(formatFindings(findings)).toBe('');
  });
});

describe('BackupAlarms validation', () => {
  const newAlarms = (props: BackupAlarmsProps) => () => new BackupAlarms(newStack(), 'Alarms', props);

  test.each([
    ['backupJobsFailed', 0, 'failed jobs', 1],
    ['copyJobsFailed', -1, 'failed jobs', 1],
    ['restoreJobsFailed', 0, 'failed jobs', 1],
    ['dumpDuration', 0, 'seconds', 720],
    ['verificationStale', -5, 'seconds', 691200],
    ['freeStorage', 0, 'bytes', 10737418240],
    ['replicaLag', 0, 'seconds', 300],
    ['replicationFailed', 0, 'failed operations', 1],
    ['replicationLatency', Number.NaN, 'seconds', 900],
  ])('fails when %s.threshold is %p', (family, threshold, unit, example) => {
    expect(newAlarms({ [family]: { threshold } })).toThrow(
      `Stack/Alarms: ${family}.threshold is ${threshold} ${unit}; it must be greater than 0 (e.g. ${example})`);
  });

  test.each([0.2, 0.5, 1001])('fails when dumpSizeChange.threshold is %p percent (a fraction, or beyond 1000)', (threshold) => {
    expect(newAlarms({ dumpSizeChange: { threshold } })).toThrow(
      `dumpSizeChange.threshold is ${threshold} percent; allowed range is 1-1000 percent, given as a percentage, not a fraction (e.g. 20 for 20 %)`);
  });

  test.each([1, 1000])('dumpSizeChange.threshold %p percent is accepted', (threshold) => {
    expect(newAlarms({ dumpSizeChange: { threshold } })).not.toThrow();
  });

  test.each(['dumpFailed', 'dumpMissing', 'verificationFailed', 'verificationMissing'])('fails when %s.threshold is set (fixed at 1)', (family) => {
    expect(newAlarms({ [family]: { threshold: 2 } })).toThrow(
      `${family}.threshold is 2, but this alarm's threshold is fixed (a success flag below 1); remove threshold`);
  });

  test.each([0, 1.5, -2])('fails when evaluationPeriods is %p', (evaluationPeriods) => {
    expect(newAlarms({ freeStorage: { evaluationPeriods } }))
      .toThrow(`freeStorage.evaluationPeriods is ${evaluationPeriods}; it must be a whole number of at least 1`);
  });

  test('fails when dumpSizeChange.evaluationPeriods is 1 (DIFF needs the previous period in range)', () => {
    expect(newAlarms({ dumpSizeChange: { evaluationPeriods: 1 } })).toThrow(
      'dumpSizeChange.evaluationPeriods is 1; it must be a whole number of at least 2 so that the newest period '
      + 'always has its predecessor in the evaluated range (e.g. 2)');
  });

  test.each([[3, 2], [0, 2]])('fails when datapointsToAlarm is %p with evaluationPeriods %p', (datapointsToAlarm, evaluationPeriods) => {
    expect(newAlarms({ replicaLag: { datapointsToAlarm, evaluationPeriods } }))
      .toThrow(`replicaLag.datapointsToAlarm is ${datapointsToAlarm} datapoints; allowed range is 1-${evaluationPeriods} datapoints`);
  });

  test('fails when datapointsToAlarm exceeds the default evaluationPeriods', () => {
    expect(newAlarms({ dumpFailed: { datapointsToAlarm: 2 } }))
      .toThrow('dumpFailed.datapointsToAlarm is 2 datapoints; allowed range is 1-1 datapoints');
  });

  test('fails when verificationMissing.datapointsToAlarm differs from evaluationPeriods', () => {
    expect(newAlarms({ verificationMissing: { datapointsToAlarm: 100 } })).toThrow(
      'verificationMissing.datapointsToAlarm is 100 but evaluationPeriods is 168; this alarm means "no success in any '
      + 'evaluated period", so every period must breach: remove datapointsToAlarm or set it to 168');
  });

  test('fails when verificationMissing spans more than the 7 days CloudWatch evaluates', () => {
    expect(newAlarms({ verificationMissing: { evaluationPeriods: 169 } })).toThrow(
      'verificationMissing: period 1 hour × evaluationPeriods 169 is 7 days 1 hour; CloudWatch allows at most 7 days '
      + '(e.g. evaluationPeriods 168)');
  });

  test('fails when dumpMissing.datapointsToAlarm differs from evaluationPeriods ("M of N" would fire between daily dumps)', () => {
    expect(newAlarms({ dumpMissing: { datapointsToAlarm: 20 } })).toThrow(
      'dumpMissing.datapointsToAlarm is 20 but evaluationPeriods is 25; this alarm means "no success in any evaluated '
      + 'period", so every period must breach: remove datapointsToAlarm or set it to 25');
  });

  test.each([
    [Duration.seconds(45), 60],
    [Duration.seconds(90), 120],
    [Duration.seconds(15), 60],
    [Duration.seconds(40), 60],
    [Duration.millis(500), 60],
  ])('fails when period is %s', (period, fix) => {
    expect(newAlarms({ dumpFailed: { period } })).toThrow(new RegExp(
      `dumpFailed.period is .*; CloudWatch alarms take 10, 20 or 30 seconds or a multiple of 60 seconds \\(e.g. Duration.seconds\\(${fix}\\)\\)`));
  });

  test.each([Duration.seconds(10), Duration.seconds(30), Duration.minutes(2)])('period %s is accepted', (period) => {
    expect(() => build({ dumpFailed: { period } })).not.toThrow();
  });

  test('fails when a tuning period is 20 seconds (CloudWatch takes it, aws-cdk-lib\'s Metric does not)', () => {
    expect(newAlarms({ dumpFailed: { period: Duration.seconds(20) } })).toThrow(
      "dumpFailed.period is 20 seconds; CloudWatch alarms take it, but aws-cdk-lib's Metric, which builds this alarm's "
      + 'metric, does not: use 10 or 30 seconds or a multiple of 60 seconds (e.g. Duration.seconds(30))');
  });

  test('addAlarm takes a metric with a 20-second period (high resolution, as PutMetricAlarm allows)', () => {
    const stack = newStack();
    const alarms = new BackupAlarms(stack, 'Alarms');
    const base = new cloudwatch.Metric({ namespace: 'N', metricName: 'M', period: Duration.seconds(10) });
    const twentySeconds: cloudwatch.IMetric = {
      toMetricConfig: () => {
        const config = base.toMetricConfig();
        return { ...config, metricStat: { ...config.metricStat!, period: Duration.seconds(20) } };
      },
    };
    alarms.addAlarm('Fast', {
      metric: twentySeconds,
      threshold: 1,
      evaluationPeriods: 3,
      alarmDescription: 'Mine. First check mine.',
    });
    const f: Fixture = { stack, alarms, template: Template.fromStack(stack) };
    expect(alarmProps(f, 'Fast').Period).toBe(20);
  });

  test('a period longer than 1 day is accepted within the 7-day window (CloudWatch has no 1-day period maximum)', () => {
    const f = build({ dumpSizeChange: { period: Duration.days(2), evaluationPeriods: 3 } });
    expect(alarmProps(f, 'Database-orders/DumpSizeChange').Metrics[1].MetricStat.Period).toBe(172800);
  });

  test('fails when a period under 1 hour makes a window over 1 day', () => {
    expect(newAlarms({ dumpMissing: { period: Duration.minutes(30), evaluationPeriods: 50 } })).toThrow(
      'dumpMissing: period 30 minutes × evaluationPeriods 50 is 1 day 1 hour; CloudWatch allows at most 1 day for '
      + 'periods under 1 hour (e.g. evaluationPeriods 48, or a period of at least 1 hour)');
  });

  test('fails when a window is over 7 days', () => {
    expect(newAlarms({ verificationStale: { period: Duration.days(1), evaluationPeriods: 8 } })).toThrow(
      'verificationStale: period 1 day × evaluationPeriods 8 is 8 days; CloudWatch allows at most 7 days (e.g. evaluationPeriods 7)');
  });

  test('fails when a given replication metric has a period CloudWatch alarms do not take', () => {
    const r = replication();
    expect(newAlarms({ replications: [{ ...r, latency: (r.latency as cloudwatch.Metric).with({ period: Duration.seconds(5) }) }] }))
      .toThrow("replicationLatency: the given metric's period is 5 seconds; CloudWatch alarms take 10, 20 or 30 seconds");
  });

  test('fails when a given replication metric\'s period makes a window over 1 day', () => {
    expect(newAlarms({ replications: [replication()], replicationFailed: { evaluationPeriods: 1441 } })).toThrow(
      'replicationFailed: period 1 minute × evaluationPeriods 1441 is 1 day 1 minute; CloudWatch allows at most 1 day');
  });

  test('fails when a replication period is set but the given metric cannot change its period', () => {
    const opaque: cloudwatch.IMetric = { toMetricConfig: () => s3Metric('ReplicationLatency', 'Maximum').toMetricConfig() };
    expect(newAlarms({
      replications: [{ ...replication(), latency: opaque }],
      replicationLatency: { period: Duration.minutes(5) },
    })).toThrow('replicationLatency.period is set, but the given metric cannot change its period');
  });

  test.each(['oncall', 'oncall@example', 'on call@example.com', 'a@@b.com'])('fails when email is %p', (email) => {
    expect(newAlarms({ email })).toThrow(`email '${email}' is not an email address: it needs one '@' and a domain with a dot, and no spaces (e.g. 'oncall@example.com')`);
  });

  test('an email from a token is not checked', () => {
    expect(newAlarms({ email: Token.asString({ Ref: 'Email' }) })).not.toThrow();
  });

  test.each(['', 'has space', 'a/b', 'x'.repeat(65)])('fails when alarmNamePrefix is %p', (alarmNamePrefix) => {
    expect(newAlarms({ alarmNamePrefix })).toThrow(`alarmNamePrefix '${alarmNamePrefix}' is invalid: use 1-64 letters`);
  });

  test.each(['', 'my db', 'a/b', 'x'.repeat(64)])('fails when a database name is %p', (name) => {
    expect(newAlarms({ databases: [{ name }] })).toThrow(
      `databases '${name}' name '${name}' is invalid: use the PostgreSQL database name: 1-63 letters`);
  });

  test('fails when a database name is a token', () => {
    expect(newAlarms({ databases: [{ name: Token.asString({ Ref: 'Db' }) }] }))
      .toThrow('databases: name is a token; it names the alarms and must be known at synth time');
  });

  test('fails when two databases have the same name', () => {
    expect(newAlarms({ databases: [{ name: 'orders' }, { name: 'billing' }, { name: 'orders' }] })).toThrow(
      "Stack/Alarms: databases lists 'orders' twice; each entry must have its own name");
  });

  test('fails when two replications have the same name', () => {
    expect(newAlarms({ replications: [replication('dr'), replication('dr')] }))
      .toThrow("replications lists 'dr' twice");
  });

  test.each(['', 'to dr', 'x'.repeat(65)])('fails when a replication name is %p', (name) => {
    expect(newAlarms({ replications: [replication(name)] })).toThrow(`replications '${name}' name '${name}' is invalid`);
  });

  test('fails when a vault is listed twice', () => {
    const stack = newStack();
    const vault = new BackupVault(stack, 'Vault');
    expect(() => new BackupAlarms(stack, 'Alarms', { vaults: [vault, vault] })).toThrow(
      'Stack/Alarms: vaults lists the same backup vault twice (Stack/Vault and Stack/Vault); list each vault once');
  });

  test('fails when two references name the same vault', () => {
    const stack = newStack();
    const arn = 'arn:aws:backup:us-east-1:111111111111:backup-vault:central';
    const a = BackupVault.fromBackupVaultArn(stack, 'A', arn);
    const b = BackupVault.fromBackupVaultAttributes(stack, 'B', { backupVaultArn: arn });
    expect(() => new BackupAlarms(stack, 'Alarms', { vaults: [a, b] })).toThrow(
      "vaults lists the backup vault 'central' twice (Stack/A and Stack/B); list each vault once");
  });

  test('fails when two imports share a token ARN (the same vault)', () => {
    const stack = newStack();
    const arn = new CfnParameter(stack, 'VaultArn').valueAsString;
    const a = BackupVault.fromBackupVaultArn(stack, 'A', arn);
    const b = BackupVault.fromBackupVaultArn(stack, 'B', arn);
    expect(() => new BackupAlarms(stack, 'Alarms', { vaults: [a, b] })).toThrow(
      'vaults lists the same backup vault twice (Stack/A and Stack/B)');
  });

  test('fails when a vault is in another region (alarms read metrics of their own region only)', () => {
    const stack = newStack();
    const vault = BackupVault.fromBackupVaultArn(stack, 'West', 'arn:aws:backup:us-west-2:111111111111:backup-vault:central');
    expect(() => new BackupAlarms(stack, 'Alarms', { vaults: [vault] })).toThrow(
      'vaults: backup vault Stack/West is in us-west-2, but this stack is in us-east-1 and a CloudWatch alarm reads '
      + 'metrics of its own region only; watch it from a BackupAlarms in a stack of us-west-2');
  });

  test('fails when a database sets both databaseInstance and databaseCluster', () => {
    const stack = newStack();
    expect(() => new BackupAlarms(stack, 'Alarms', {
      databases: [{
        name: 'orders',
        databaseInstance: instance(stack, 'Db', 'orders-prod'),
        databaseCluster: rds.DatabaseCluster.fromDatabaseClusterAttributes(stack, 'C', { clusterIdentifier: 'c' }),
      }],
    })).toThrow("databases 'orders' sets both databaseInstance and databaseCluster; a database lives in one of them: remove one");
  });

  test('fails when maxBackupStorage is set without a databaseCluster or documentDbCluster', () => {
    expect(newAlarms({ databases: [{ name: 'orders', maxBackupStorage: Size.gibibytes(100) }] })).toThrow(
      "databases 'orders' sets maxBackupStorage without databaseCluster or documentDbCluster; TotalBackupStorageBilled is a metric of "
      + 'Aurora and DocumentDB clusters: add databaseCluster or documentDbCluster, or remove maxBackupStorage');
  });

  test.each([
    ['instance', 'both databaseInstance and documentDbCluster', 'one'],
    ['cluster', 'both databaseCluster and documentDbCluster', 'one'],
    ['instance+cluster', 'databaseInstance, databaseCluster and documentDbCluster', 'all but one'],
  ])('fails when a database sets documentDbCluster with %s', (others, list, fix) => {
    const stack = newStack();
    expect(() => new BackupAlarms(stack, 'Alarms', {
      databases: [{
        name: 'orders',
        databaseInstance: others.includes('instance') ? instance(stack, 'Db', 'orders-prod') : undefined,
        databaseCluster: others.includes('cluster')
          ? rds.DatabaseCluster.fromDatabaseClusterAttributes(stack, 'C', { clusterIdentifier: 'c' })
          : undefined,
        documentDbCluster: docdbCluster(stack, 'Docdb', 'd'),
      }],
    })).toThrow(`databases 'orders' sets ${list}; a database lives in one of them: remove ${fix}`);
  });

  test('fails when a DocumentDB database lists readReplicas', () => {
    const stack = newStack();
    expect(() => new BackupAlarms(stack, 'Alarms', {
      databases: [{
        name: 'documentdb',
        documentDbCluster: docdbCluster(stack, 'Docdb', 'd'),
        readReplicas: [instance(stack, 'Replica', 'r')],
      }],
    })).toThrow("databases 'documentdb' sets readReplicas with documentDbCluster; readReplicas are RDS DB instances, and the "
      + 'replicas of a DocumentDB cluster are instances of the cluster itself: remove readReplicas');
  });

  test.each([
    ['hasDumpJob', 'dump'],
    ['hasVerifyJob', 'verification'],
  ])('fails when a DocumentDB database sets %s true (pg_dump cannot read DocumentDB)', (prop, alarms) => {
    const stack = newStack();
    expect(() => new BackupAlarms(stack, 'Alarms', {
      databases: [{ name: 'documentdb', documentDbCluster: docdbCluster(stack, 'Docdb', 'd'), [prop]: true }],
    })).toThrow(`databases 'documentdb' sets ${prop} true with documentDbCluster; PgDumpJob and DumpVerifyJob run pg_dump and `
      + `pg_restore, which cannot read DocumentDB, so the ${alarms} alarms would fire forever: remove ${prop} (it defaults `
      + 'to false for a DocumentDB cluster)');
  });

  test('fails when maxBackupStorage is 0 on a DocumentDB cluster', () => {
    const stack = newStack();
    expect(() => new BackupAlarms(stack, 'Alarms', {
      databases: [{ name: 'documentdb', documentDbCluster: docdbCluster(stack, 'Docdb', 'd'), maxBackupStorage: Size.bytes(0) }],
    })).toThrow("databases 'documentdb' maxBackupStorage is 0 bytes; it must be greater than 0 (e.g. Size.gibibytes(2000))");
  });

  test('fails when maxBackupStorage is 0', () => {
    const stack = newStack();
    expect(() => new BackupAlarms(stack, 'Alarms', {
      databases: [{
        name: 'distro',
        databaseCluster: rds.DatabaseCluster.fromDatabaseClusterAttributes(stack, 'C', { clusterIdentifier: 'c' }),
        maxBackupStorage: Size.bytes(0),
      }],
    })).toThrow("databases 'distro' maxBackupStorage is 0 bytes; it must be greater than 0 (e.g. Size.gibibytes(2000))");
  });

  test('a turned-off family is not validated further than its switch', () => {
    expect(newAlarms({ dumpMissing: { enabled: false, datapointsToAlarm: 3 } })).not.toThrow();
  });
});
