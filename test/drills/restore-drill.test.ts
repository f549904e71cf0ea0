import { App, CfnParameter, Duration, Stack, TimeZone } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as docdb from 'aws-cdk-lib/aws-docdb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import {
  BackupVault,
  RestoreDrill,
  RestoreDrillAlgorithm,
  RestoreDrillProps,
  RestoreDrillRecoveryPointType,
  RestoreDrillResourceType,
  RestoreDrillSelectionOptions,
} from '../../lib';
import { formatFindings, nagFindings } from '../nag';

const ACCOUNT = '111111111111';
const REGION = 'us-east-1';
const AURORA_ARN = `arn:aws:rds:${REGION}:${ACCOUNT}:cluster:database-2`;
const RESTORE_POLICY = {
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores']],
};
/** Seed 004: weekly, Sunday 06:00 UTC. */
const WEEKLY = events.Schedule.cron({ minute: '0', hour: '6', weekDay: 'SUN' });

function newStack(): Stack {
  return new Stack(new App(), 'Stack', { env: { account: ACCOUNT, region: REGION } });
}

function newDrill(stack: Stack, props: Partial<RestoreDrillProps> = {}): RestoreDrill {
  return new RestoreDrill(stack, 'Drill', { schedule: WEEKLY, ...props });
}

/** A drill with one selection of everything of a type, for the selection tests. */
function addSelection(options: Partial<RestoreDrillSelectionOptions> = {}, id = 'Aurora', props: Partial<RestoreDrillProps> = {}) {
  const stack = newStack();
  const drill = newDrill(stack, props);
  const selection = drill.addSelection(id, { resourceType: RestoreDrillResourceType.AURORA, ...options });
  return { stack, drill, selection };
}

function auroraCluster(stack: Stack, id = 'Aurora', identifier = 'database-2'): rds.IDatabaseCluster {
  return rds.DatabaseCluster.fromDatabaseClusterAttributes(stack, id, { clusterIdentifier: identifier });
}

function documentDbCluster(stack: Stack, identifier = 'distro-docdb'): docdb.IDatabaseCluster {
  return docdb.DatabaseCluster.fromDatabaseClusterAttributes(stack, 'DocDb', {
    clusterIdentifier: identifier,
    clusterEndpointAddress: `${identifier}.cluster-abc.${REGION}.docdb.amazonaws.com`,
    readerEndpointAddress: `${identifier}.cluster-ro-abc.${REGION}.docdb.amazonaws.com`,
    instanceIdentifiers: [`${identifier}-1`],
    instanceEndpointAddresses: [`${identifier}-1.abc.${REGION}.docdb.amazonaws.com`],
    port: 27017,
    securityGroup: ec2.SecurityGroup.fromSecurityGroupId(stack, 'DocDbSg', 'sg-0docdb0000000000a'),
  });
}

function postgresInstance(stack: Stack): rds.IDatabaseInstance {
  return rds.DatabaseInstance.fromDatabaseInstanceAttributes(stack, 'Postgres', {
    instanceIdentifier: 'roleferry-prod-db',
    instanceEndpointAddress: `roleferry-prod-db.abc.${REGION}.rds.amazonaws.com`,
    port: 5432,
    securityGroups: [],
  });
}

function restoreSecurityGroup(stack: Stack, id = 'RestoreSg', groupId = 'sg-0restore00000000a'): ec2.ISecurityGroup {
  return ec2.SecurityGroup.fromSecurityGroupId(stack, id, groupId);
}

describe('RestoreDrill', () => {
  test('defaults: 24-hour start window, latest of snapshot or continuous points of the last 30 days, every vault', () => {
    const { stack, drill } = addSelection();
    const template = Template.fromStack(stack);

    template.resourceCountIs('AWS::Backup::RestoreTestingPlan', 1);
    template.hasResourceProperties('AWS::Backup::RestoreTestingPlan', {
      RestoreTestingPlanName: Match.stringLikeRegexp('^Stack_Drill_[A-F0-9]{8}$'),
      ScheduleExpression: 'cron(0 6 ? * SUN *)',
      ScheduleExpressionTimezone: Match.absent(),
      StartWindowHours: 24,
      RecoveryPointSelection: {
        Algorithm: 'LATEST_WITHIN_WINDOW',
        IncludeVaults: ['*'],
        RecoveryPointTypes: ['CONTINUOUS', 'SNAPSHOT'],
        SelectionWindowDays: 30,
      },
      Tags: Match.absent(),
    });
    const [planName] = Object.values(template.findResources('AWS::Backup::RestoreTestingPlan'))
      .map((plan: any) => plan.Properties.RestoreTestingPlanName as string);
    expect(planName).toMatch(/^[a-zA-Z0-9_]{1,50}$/);
    expect(Object.keys(template.findResources('AWS::Backup::RestoreTestingPlan'))[0]).toMatch(/^Drill/);
    expect(stack.resolve(drill.restoreTestingPlanName)).toEqual({ Ref: expect.stringMatching(/^Drill/) });
    expect(stack.resolve(drill.restoreTestingPlanArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Drill/), 'RestoreTestingPlanArn'] });
  });

  test('the default plan name fits the pattern for deep and long construct paths', () => {
    const stack = newStack();
    const deep = new RestoreDrill(new Stack(stack, 'A-very-long-nested-stack-name-with-hyphens.and.dots'),
      'Weekly-restore-drill-for-the-aurora-and-documentdb-clusters', { schedule: WEEKLY });
    const name = Stack.of(deep).resolve((deep.node.defaultChild as any).restoreTestingPlanName) as string;
    expect(name).toMatch(/^[a-zA-Z0-9_]{1,50}$/);
  });

  test('default role: trusted by AWS Backup, AWSBackupServiceRolePolicyForRestores, used by every selection', () => {
    const { stack, drill } = addSelection();
    drill.addSelection('DocumentDB', { resourceType: RestoreDrillResourceType.DOCUMENTDB });
    const template = Template.fromStack(stack);

    template.resourceCountIs('AWS::IAM::Role', 1);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'backup.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      Description: 'AWS Backup restores recovery points for the restore drill Stack/Drill',
      ManagedPolicyArns: [RESTORE_POLICY],
      Policies: Match.absent(),
    });
    const roleArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^DrillRole'), 'Arn'] };
    template.resourcePropertiesCountIs('AWS::Backup::RestoreTestingSelection', { IamRoleArn: roleArn }, 2);
    expect(drill.role).toBe(drill.node.findChild('Role'));
  });

  test('a selection without resources tests every protected resource of its type and keeps nothing for validation', () => {
    const { stack, selection } = addSelection();
    Template.fromStack(stack).hasResourceProperties('AWS::Backup::RestoreTestingSelection', {
      RestoreTestingPlanName: { Ref: Match.stringLikeRegexp('^Drill') },
      RestoreTestingSelectionName: 'Aurora',
      ProtectedResourceType: 'Aurora',
      ProtectedResourceArns: ['*'],
      ProtectedResourceConditions: Match.absent(),
      IamRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DrillRole'), 'Arn'] },
      ValidationWindowHours: Match.absent(),
      RestoreMetadataOverrides: Match.absent(),
    });
    expect(selection.node.path).toBe('Stack/Drill/Aurora');
  });

  test('seed 004: weekly PITR drill of Aurora Serverless v2 and DocumentDB in the workload VPC', () => {
    const stack = newStack();
    const vault = BackupVault.fromBackupVaultName(stack, 'Vault', 'distro-vault');
    const drill = newDrill(stack, {
      restoreTestingPlanName: 'distro_weekly_pitr',
      scheduleTimezone: TimeZone.AMERICA_NEW_YORK,
      startWindow: Duration.hours(4),
      selectionWindow: Duration.days(7),
      algorithm: RestoreDrillAlgorithm.LATEST_WITHIN_WINDOW,
      backupVaults: [vault],
    });
    const sg = restoreSecurityGroup(stack);
    drill.addSelection('Aurora', {
      resourceType: RestoreDrillResourceType.AURORA,
      databaseClusters: [auroraCluster(stack)],
      subnetGroupName: 'restore-tests',
      securityGroups: [sg],
      validationWindow: Duration.hours(2),
    });
    drill.addSelection('DocumentDB', {
      resourceType: RestoreDrillResourceType.DOCUMENTDB,
      restoreTestingSelectionName: 'docdb_daily',
      documentDbClusters: [documentDbCluster(stack)],
      subnetGroupName: 'restore-tests',
      securityGroups: [sg, restoreSecurityGroup(stack, 'Second', 'sg-0second0000000000')],
    });
    const template = Template.fromStack(stack);

    template.hasResourceProperties('AWS::Backup::RestoreTestingPlan', {
      RestoreTestingPlanName: 'distro_weekly_pitr',
      ScheduleExpression: 'cron(0 6 ? * SUN *)',
      ScheduleExpressionTimezone: 'America/New_York',
      StartWindowHours: 4,
      RecoveryPointSelection: {
        Algorithm: 'LATEST_WITHIN_WINDOW',
        IncludeVaults: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:backup:${REGION}:${ACCOUNT}:backup-vault:distro-vault`]] }],
        RecoveryPointTypes: ['CONTINUOUS', 'SNAPSHOT'],
        SelectionWindowDays: 7,
      },
    });
    template.hasResourceProperties('AWS::Backup::RestoreTestingSelection', {
      RestoreTestingSelectionName: 'Aurora',
      ProtectedResourceType: 'Aurora',
      ProtectedResourceArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:rds:${REGION}:${ACCOUNT}:cluster:database-2`]] }],
      ValidationWindowHours: 2,
      RestoreMetadataOverrides: { dbSubnetGroupName: 'restore-tests', vpcSecurityGroupIds: '["sg-0restore00000000a"]' },
    });
    template.hasResourceProperties('AWS::Backup::RestoreTestingSelection', {
      RestoreTestingSelectionName: 'docdb_daily',
      ProtectedResourceType: 'DocumentDB',
      ProtectedResourceArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:rds:${REGION}:${ACCOUNT}:cluster:distro-docdb`]] }],
      ValidationWindowHours: Match.absent(),
      RestoreMetadataOverrides: {
        dbSubnetGroupName: 'restore-tests',
        vpcSecurityGroupIds: '["sg-0restore00000000a","sg-0second0000000000"]',
      },
    });
    expect(drill.resourceTypes).toEqual([RestoreDrillResourceType.AURORA, RestoreDrillResourceType.DOCUMENTDB]);
    expect(drill.selections.map((s) => s.restoreTestingSelectionName)).toEqual(['Aurora', 'docdb_daily']);
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('seed 002: monthly drill of the latest snapshot of an RDS PostgreSQL instance', () => {
    const stack = newStack();
    const drill = newDrill(stack, {
      schedule: events.Schedule.expression('cron(0 2 ? * SUN#1 *)'),
      recoveryPointTypes: [RestoreDrillRecoveryPointType.SNAPSHOT],
    });
    drill.addSelection('Postgres', {
      resourceType: RestoreDrillResourceType.RDS,
      databaseInstances: [postgresInstance(stack)],
      subnetGroupName: 'roleferry-private',
      restoreMetadataOverrides: { dbInstanceClass: 'db.t4g.micro', availabilityZones: '["us-east-1a"]' },
    });
    const template = Template.fromStack(stack);

    template.hasResourceProperties('AWS::Backup::RestoreTestingPlan', {
      ScheduleExpression: 'cron(0 2 ? * SUN#1 *)',
      RecoveryPointSelection: Match.objectLike({ RecoveryPointTypes: ['SNAPSHOT'] }),
    });
    template.hasResourceProperties('AWS::Backup::RestoreTestingSelection', {
      ProtectedResourceType: 'RDS',
      ProtectedResourceArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:rds:${REGION}:${ACCOUNT}:db:roleferry-prod-db`]] }],
      RestoreMetadataOverrides: {
        dbSubnetGroupName: 'roleferry-private',
        dbInstanceClass: 'db.t4g.micro',
        availabilityZones: '["us-east-1a"]',
      },
    });
  });

  test('random recovery points, ARNs and a given role', () => {
    const stack = newStack();
    const role = iam.Role.fromRoleArn(stack, 'Restore', `arn:aws:iam::${ACCOUNT}:role/restore-tests`);
    const drill = newDrill(stack, { algorithm: RestoreDrillAlgorithm.RANDOM_WITHIN_WINDOW, role });
    drill.addSelection('Orders', { resourceType: RestoreDrillResourceType.AURORA, resourceArns: [AURORA_ARN], subnetGroupName: 'tests' });
    drill.addSelection('Uploads', { resourceType: RestoreDrillResourceType.S3, resourceArns: ['arn:aws:s3:::roleferry-uploads'] });
    const template = Template.fromStack(stack);

    template.resourceCountIs('AWS::IAM::Role', 0);
    template.hasResourceProperties('AWS::Backup::RestoreTestingPlan', {
      RecoveryPointSelection: Match.objectLike({ Algorithm: 'RANDOM_WITHIN_WINDOW' }),
    });
    template.hasResourceProperties('AWS::Backup::RestoreTestingSelection', {
      ProtectedResourceType: 'Aurora',
      ProtectedResourceArns: [AURORA_ARN],
      IamRoleArn: `arn:aws:iam::${ACCOUNT}:role/restore-tests`,
    });
    template.hasResourceProperties('AWS::Backup::RestoreTestingSelection', {
      ProtectedResourceType: 'S3',
      ProtectedResourceArns: ['arn:aws:s3:::roleferry-uploads'],
      RestoreMetadataOverrides: Match.absent(),
    });
    expect(drill.role).toBe(role);
  });

  test('a CONTINUOUS-only drill accepts the types AWS Backup keeps continuous backups of', () => {
    const stack = newStack();
    const drill = newDrill(stack, { recoveryPointTypes: [RestoreDrillRecoveryPointType.CONTINUOUS] });
    for (const type of [RestoreDrillResourceType.AURORA, RestoreDrillResourceType.RDS, RestoreDrillResourceType.S3]) {
      expect(() => drill.addSelection(type, { resourceType: type, subnetGroupName: type === RestoreDrillResourceType.S3 ? undefined : 'tests' }))
        .not.toThrow();
    }
  });

  test('selection names derive from the construct id', () => {
    const { drill } = addSelection({}, '-Aurora PITR / orders-');
    expect(drill.selections[0].restoreTestingSelectionName).toBe('Aurora_PITR_orders');
    const long = drill.addSelection(`${'x'.repeat(49)}-tail`, { resourceType: RestoreDrillResourceType.AURORA });
    expect(long.restoreTestingSelectionName).toBe('x'.repeat(49));
  });

  test('warns when a database restore has no DB subnet group (default VPC)', () => {
    const { stack, drill } = addSelection();
    drill.addSelection('Rds', { resourceType: RestoreDrillResourceType.RDS, restoreMetadataOverrides: { DBSubnetGroupName: 'given-raw' } });
    drill.addSelection('Ebs', { resourceType: RestoreDrillResourceType.EBS });
    const warnings = Annotations.fromStack(stack).findWarning('/Stack/Drill', Match.stringLikeRegexp('default'));
    expect(warnings.map((w) => w.entry.data)).toEqual([
      "selection 'Aurora' restores Aurora resources without a DB subnet group, so AWS Backup restores them into the " +
        'default VPC; the restore fails where the default VPC or its subnets were deleted, and otherwise runs outside ' +
        'your network controls. Set subnetGroupName (and securityGroups) to place the restores in your VPC ' +
        '[ack: cdk-backup-dr:RestoreDrill.defaultVpc]',
    ]);
  });

  test('warns when a selection restores every resource of its type, not when it names them', () => {
    const { stack, drill } = addSelection({ resourceArns: undefined, databaseClusters: undefined, subnetGroupName: 'tests' }, 'All');
    drill.addSelection('Named', { resourceType: RestoreDrillResourceType.AURORA, resourceArns: [AURORA_ARN], subnetGroupName: 'tests' });
    const warnings = Annotations.fromStack(stack).findWarning('/Stack/Drill', Match.stringLikeRegexp('every'));
    expect(warnings.map((w) => w.entry.data)).toEqual([
      "selection 'All' restores every Aurora resource with a recovery point in the drill's vaults on every run (each one " +
        'billed while it exists); name the databases (databaseInstances, databaseClusters, documentDbClusters or resourceArns) to test only ' +
        'those [ack: cdk-backup-dr:RestoreDrill.everyResource]',
    ]);
  });

  describe('metrics', () => {
    test('metric() is an AWS/Backup metric by resource type, summed hourly', () => {
      const { drill } = addSelection();
      const metric = drill.metric('NumberOfRestoreJobsRunning', RestoreDrillResourceType.RDS, { period: Duration.minutes(5) });
      expect([metric.namespace, metric.metricName, metric.statistic, metric.period.toMinutes(), metric.dimensions])
        .toEqual(['AWS/Backup', 'NumberOfRestoreJobsRunning', 'Sum', 5, { ResourceType: 'RDS' }]);
    });

    test('one resource type: the failed and completed restore job metrics of that type', () => {
      const { drill } = addSelection();
      drill.addSelection('More', { resourceType: RestoreDrillResourceType.AURORA, resourceArns: [AURORA_ARN] });
      const failed = drill.metricRestoreJobsFailed() as cloudwatch.Metric;
      const completed = drill.metricRestoreJobsCompleted({ period: Duration.days(1) }) as cloudwatch.Metric;
      expect(failed).toBeInstanceOf(cloudwatch.Metric);
      expect([failed.namespace, failed.metricName, failed.statistic, failed.period.toHours(), failed.dimensions])
        .toEqual(['AWS/Backup', 'NumberOfRestoreJobsFailed', 'Sum', 1, { ResourceType: 'Aurora' }]);
      expect([completed.metricName, completed.period.toDays(), completed.dimensions])
        .toEqual(['NumberOfRestoreJobsCompleted', 1, { ResourceType: 'Aurora' }]);
    });

    test('several resource types: the sum over the types', () => {
      const { drill } = addSelection();
      drill.addSelection('DocumentDB', { resourceType: RestoreDrillResourceType.DOCUMENTDB });
      const failed = drill.metricRestoreJobsFailed() as cloudwatch.MathExpression;
      expect(failed).toBeInstanceOf(cloudwatch.MathExpression);
      expect(failed.expression).toBe('SUM([m0, m1])');
      expect(failed.period.toHours()).toBe(1);
      expect(failed.label).toBe('NumberOfRestoreJobsFailed (Aurora, DocumentDB)');
      expect(Object.entries(failed.usingMetrics).map(([id, m]) => [id, (m as cloudwatch.Metric).metricName, (m as cloudwatch.Metric).dimensions]))
        .toEqual([
          ['m0', 'NumberOfRestoreJobsFailed', { ResourceType: 'Aurora' }],
          ['m1', 'NumberOfRestoreJobsFailed', { ResourceType: 'DocumentDB' }],
        ]);
    });

    test('an alarm on failed drills', () => {
      const { stack, drill } = addSelection();
      drill.addSelection('DocumentDB', { resourceType: RestoreDrillResourceType.DOCUMENTDB });
      new cloudwatch.Alarm(stack, 'DrillFailed', {
        metric: drill.metricRestoreJobsFailed(),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      });
      Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
        Metrics: Match.arrayWith([
          Match.objectLike({ Id: 'expr_1', Expression: 'SUM([m0, m1])' }),
          Match.objectLike({
            Id: 'm0',
            MetricStat: Match.objectLike({
              Metric: { Namespace: 'AWS/Backup', MetricName: 'NumberOfRestoreJobsFailed', Dimensions: [{ Name: 'ResourceType', Value: 'Aurora' }] },
              Period: 3600,
              Stat: 'Sum',
            }),
            ReturnData: false,
          }),
        ]),
      });
    });

    test('fails when a drill metric is read before any selection', () => {
      const drill = newDrill(newStack());
      expect(() => drill.metricRestoreJobsFailed())
        .toThrow("Stack/Drill: metricRestoreJobsFailed() needs the drill's resource types: call addSelection() first");
    });
  });

  describe('cdk-nag', () => {
    test('a drill with an Aurora and a DocumentDB selection has no unacknowledged findings', () => {
      const stack = newStack();
      const drill = newDrill(stack, { backupVaults: [BackupVault.fromBackupVaultName(stack, 'Vault', 'distro-vault')] });
      const sg = restoreSecurityGroup(stack);
      drill.addSelection('Aurora', {
        resourceType: RestoreDrillResourceType.AURORA,
        databaseClusters: [auroraCluster(stack)],
        subnetGroupName: 'restore-tests',
        securityGroups: [sg],
      });
      drill.addSelection('DocumentDB', {
        resourceType: RestoreDrillResourceType.DOCUMENTDB,
        documentDbClusters: [documentDbCluster(stack)],
        subnetGroupName: 'restore-tests',
        securityGroups: [sg],
      });

      const findings = nagFindings(stack);
      expect(formatFindings(findings)).toBe('');
      expect(findings).toEqual([]);
    });

    test('the packs do flag the restore role when it is not acknowledged (control)', () => {
      const stack = newStack();
      new iam.Role(stack, 'Raw', {
        assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
        managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSBackupServiceRolePolicyForRestores')],
      });
      expect(nagFindings(stack).map((finding) => finding.rule)).toContain(
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores]',
      );
    });
  });

  describe('validation', () => {
    test.each(['has-hyphen', 'dots.not.allowed', 'x'.repeat(51), '', 'space inside'])('fails when restoreTestingPlanName is %p', (name) => {
      expect(() => newDrill(newStack(), { restoreTestingPlanName: name }))
        .toThrow(/restoreTestingPlanName '.*' is invalid: restore testing plan names are 1-50 letters, digits or underscores \(e.g. 'weekly_restore_drill'\)/);
    });

    test.each(['a', 'x'.repeat(50), '_leading_and_trailing_', 'Weekly_PITR_2'])('accepts restoreTestingPlanName %p', (name) => {
      expect(() => newDrill(newStack(), { restoreTestingPlanName: name })).not.toThrow();
    });

    test.each([
      ['rate(7 days)', "schedule 'rate(7 days)' is not a cron expression"],
      ['cron(0 6 ? * SUN)', "schedule 'cron(0 6 ? * SUN)' has 5 fields"],
      ['cron(0 6 * * SUN *)', 'exactly one of them must be \'?\''],
      ['cron(0 25 ? * SUN *)', "has hours '25'"],
      ['cron(0 6 ? * SUN#6 *)', "has day-of-week 'SUN#6'"],
    ])('fails when the schedule is %s', (expression, message) => {
      expect(() => newDrill(newStack(), { schedule: events.Schedule.expression(expression) })).toThrow(message);
    });

    test('fails when a JavaScript caller leaves out schedule', () => {
      expect(() => new RestoreDrill(newStack(), 'Drill', {} as RestoreDrillProps))
        .toThrow(/schedule is missing; give a cron schedule/);
    });

    test.each([
      [Duration.hours(0), 'startWindow is 0 hours; AWS Backup restore testing starts jobs within 1-168 hours (e.g. Duration.hours(1))'],
      [Duration.hours(169), 'startWindow is 169 hours; AWS Backup restore testing starts jobs within 1-168 hours (e.g. Duration.hours(168))'],
      [Duration.days(8), 'startWindow is 192 hours; AWS Backup restore testing starts jobs within 1-168 hours (e.g. Duration.hours(168))'],
      [Duration.minutes(90), 'startWindow is 1 hour 30 minutes, which is not a whole number of hours; use Duration.hours(2)'],
    ])('fails when startWindow is %s', (startWindow, message) => {
      expect(() => newDrill(newStack(), { startWindow })).toThrow(`Stack/Drill: ${message}`);
    });

    test.each([[1], [168]])('accepts startWindow of %p hours', (hours) => {
      const stack = newStack();
      newDrill(stack, { startWindow: Duration.hours(hours) }).addSelection('S3', { resourceType: RestoreDrillResourceType.S3 });
      Template.fromStack(stack).hasResourceProperties('AWS::Backup::RestoreTestingPlan', { StartWindowHours: hours });
    });

    test.each([
      [Duration.days(0), 'selectionWindow is 0 days; AWS Backup restore testing picks recovery points from the last 1-365 days (e.g. Duration.days(1))'],
      [Duration.days(366), 'selectionWindow is 366 days; AWS Backup restore testing picks recovery points from the last 1-365 days (e.g. Duration.days(365))'],
      [Duration.hours(36), 'selectionWindow is 1 day 12 hours, which is not a whole number of days; use Duration.days(2)'],
    ])('fails when selectionWindow is %s', (selectionWindow, message) => {
      expect(() => newDrill(newStack(), { selectionWindow })).toThrow(`Stack/Drill: ${message}`);
    });

    test.each([[1], [365]])('accepts selectionWindow of %p days', (days) => {
      const stack = newStack();
      newDrill(stack, { selectionWindow: Duration.days(days) }).addSelection('S3', { resourceType: RestoreDrillResourceType.S3 });
      Template.fromStack(stack).hasResourceProperties('AWS::Backup::RestoreTestingPlan', {
        RecoveryPointSelection: Match.objectLike({ SelectionWindowDays: days }),
      });
    });

    test.each([
      [Duration.hours(0), "selection 'Aurora' validationWindow is 0 hours; AWS Backup keeps a restored resource for validation 1-168 hours (e.g. Duration.hours(1)), or leave it out to delete the resource as soon as the restore completes"],
      [Duration.hours(169), "selection 'Aurora' validationWindow is 169 hours; AWS Backup keeps a restored resource for validation 1-168 hours (e.g. Duration.hours(168))"],
      [Duration.minutes(30), "selection 'Aurora' validationWindow is 30 minutes, which is not a whole number of hours; use Duration.hours(1)"],
    ])('fails when validationWindow is %s', (validationWindow, message) => {
      expect(() => addSelection({ validationWindow })).toThrow(message);
    });

    test.each([[1], [168]])('accepts validationWindow of %p hours', (hours) => {
      const { stack } = addSelection({ validationWindow: Duration.hours(hours) });
      Template.fromStack(stack).hasResourceProperties('AWS::Backup::RestoreTestingSelection', { ValidationWindowHours: hours });
    });

    test('fails when recoveryPointTypes is empty, repeats a type or holds an unknown one', () => {
      expect(() => newDrill(newStack(), { recoveryPointTypes: [] })).toThrow(/recoveryPointTypes is empty; give SNAPSHOT and\/or CONTINUOUS/);
      expect(() => newDrill(newStack(), {
        recoveryPointTypes: [RestoreDrillRecoveryPointType.SNAPSHOT, RestoreDrillRecoveryPointType.SNAPSHOT],
      })).toThrow('recoveryPointTypes [SNAPSHOT, SNAPSHOT] lists a type twice; give each type once');
      expect(() => newDrill(newStack(), { recoveryPointTypes: ['PITR' as RestoreDrillRecoveryPointType] }))
        .toThrow("recoveryPointTypes contains 'PITR'; allowed: SNAPSHOT, CONTINUOUS");
    });

    test.each([
      RestoreDrillResourceType.DOCUMENTDB,
      RestoreDrillResourceType.NEPTUNE,
      RestoreDrillResourceType.DYNAMODB,
      RestoreDrillResourceType.EBS,
      RestoreDrillResourceType.EC2,
      RestoreDrillResourceType.EFS,
      RestoreDrillResourceType.FSX,
    ])('fails when a CONTINUOUS-only drill tests %s', (type) => {
      const drill = newDrill(newStack(), { recoveryPointTypes: [RestoreDrillRecoveryPointType.CONTINUOUS] });
      expect(() => drill.addSelection('Sel', { resourceType: type }))
        .toThrow(`selection 'Sel' tests ${type} resources but recoveryPointTypes is [CONTINUOUS]; AWS Backup keeps continuous ` +
          'backups only of Aurora, RDS, S3');
    });

    test('fails when backupVaults is empty, lists a vault twice or more than 30', () => {
      const stack = newStack();
      const vault = BackupVault.fromBackupVaultName(stack, 'V', 'central');
      expect(() => new RestoreDrill(stack, 'Empty', { schedule: WEEKLY, backupVaults: [] }))
        .toThrow(/backupVaults is empty; give the vaults to test from, or leave backupVaults out/);
      expect(() => new RestoreDrill(stack, 'Twice', { schedule: WEEKLY, backupVaults: [vault, vault] }))
        .toThrow("backupVaults lists 'Stack/V' twice; give each vault once");
      const imported = (name: string) => BackupVault.fromBackupVaultArn(stack, `I${name}`, `arn:aws:backup:${REGION}:${ACCOUNT}:backup-vault:${name}`);
      const again = BackupVault.fromBackupVaultArn(stack, 'Again', `arn:aws:backup:${REGION}:${ACCOUNT}:backup-vault:a`);
      expect(() => new RestoreDrill(stack, 'SameArn', { schedule: WEEKLY, backupVaults: [imported('a'), imported('a2'), again] }))
        .toThrow(`backupVaults lists 'arn:aws:backup:${REGION}:${ACCOUNT}:backup-vault:a' twice`);
      const many = Array.from({ length: 31 }, (_, i) => imported(`v${i}`));
      expect(() => new RestoreDrill(stack, 'Many', { schedule: WEEKLY, backupVaults: many }))
        .toThrow(/backupVaults lists 31 vaults; AWS Backup restore testing takes at most 30 vault selectors/);
      expect(() => new RestoreDrill(stack, 'Thirty', { schedule: WEEKLY, backupVaults: many.slice(0, 30) })).not.toThrow();
    });

    test('fails when the drill has no selection', () => {
      const stack = newStack();
      newDrill(stack);
      expect(() => Template.fromStack(stack))
        .toThrow(/RestoreDrill tests nothing: call addSelection\(\)/);
    });

    test.each([
      ['has-hyphen', /restoreTestingSelectionName 'has-hyphen' is invalid/],
      ['trailing_', /restoreTestingSelectionName 'trailing_' is invalid/],
      ['_leading', /restoreTestingSelectionName '_leading' is invalid/],
      ['x'.repeat(51), /restoreTestingSelectionName 'x{51}' is invalid: restore testing selection names are 1-50 letters, digits or underscores, starting and ending with a letter or digit \(e.g. 'aurora_pitr'\)/],
    ])('fails when restoreTestingSelectionName is %p', (name, message) => {
      expect(() => addSelection({ restoreTestingSelectionName: name })).toThrow(message);
    });

    test('fails when the construct id has nothing to name the selection after', () => {
      expect(() => addSelection({}, '--'))
        .toThrow("selection '--' has no letter or digit to name it after; set restoreTestingSelectionName (e.g. 'aurora_pitr')");
    });

    test('fails when two selections have the same name', () => {
      const { drill } = addSelection({}, 'Aurora');
      expect(() => drill.addSelection('Other', { resourceType: RestoreDrillResourceType.RDS, restoreTestingSelectionName: 'Aurora' }))
        .toThrow("selection 'Aurora' is added twice; selection names are unique in a restore testing plan (set restoreTestingSelectionName)");
      expect(() => drill.addSelection('Aurora-', { resourceType: RestoreDrillResourceType.RDS })).toThrow(/'Aurora' is added twice/);
    });

    test('fails when a drill gets a 31st selection', () => {
      const drill = newDrill(newStack());
      for (let i = 0; i < 30; i++) {
        drill.addSelection(`S${i}`, { resourceType: RestoreDrillResourceType.S3 });
      }
      expect(() => drill.addSelection('S30', { resourceType: RestoreDrillResourceType.S3 }))
        .toThrow("selection 'S30' would be selection 31; AWS Backup allows 30 selections per restore testing plan");
    });

    test('fails when resourceType is not a restore testing type', () => {
      expect(() => addSelection({ resourceType: 'Redshift' as RestoreDrillResourceType }))
        .toThrow(/selection 'Aurora' resourceType 'Redshift' is not a restore testing resource type; use one of Aurora, DocumentDB/);
    });

    test('fails when databases are given under another resource type', () => {
      const stack = newStack();
      const drill = newDrill(stack);
      expect(() => drill.addSelection('A', { resourceType: RestoreDrillResourceType.AURORA, databaseInstances: [postgresInstance(stack)] }))
        .toThrow("selection 'A' has resourceType Aurora but sets databaseInstances, which are RDS DB instances; one selection tests one " +
          'resource type: use resourceType RestoreDrillResourceType.RDS, or add another selection for them');
      expect(() => drill.addSelection('B', { resourceType: RestoreDrillResourceType.RDS, databaseClusters: [auroraCluster(stack)] }))
        .toThrow(/sets databaseClusters, which are Aurora clusters; .*RestoreDrillResourceType.AURORA/);
      expect(() => drill.addSelection('C', { resourceType: RestoreDrillResourceType.AURORA, documentDbClusters: [documentDbCluster(stack)] }))
        .toThrow(/sets documentDbClusters, which are DocumentDB clusters; .*RestoreDrillResourceType.DOCUMENTDB/);
    });

    test('fails when resources are not ARNs or ARNs of another service', () => {
      expect(() => addSelection({ resourceArns: ['database-2'] }))
        .toThrow("selection 'Aurora' resourceArns contains 'database-2', which is not an ARN");
      expect(() => addSelection({ resourceArns: ['arn:aws:s3:::bucket'] }))
        .toThrow("selection 'Aurora' resourceArns contains 'arn:aws:s3:::bucket', an ARN of service 's3', but resourceType Aurora " +
          "resources have 'rds' ARNs");
    });

    test('fails when the wildcard is combined with specific resources', () => {
      expect(() => addSelection({ resourceArns: ['*', AURORA_ARN] }))
        .toThrow("selection 'Aurora' combines '*' with specific resources; AWS Backup takes either specific ARNs or the wildcard");
      const { stack } = addSelection({ resourceArns: ['*'] });
      Template.fromStack(stack).hasResourceProperties('AWS::Backup::RestoreTestingSelection', { ProtectedResourceArns: ['*'] });
    });

    test('fails when a selection lists more than 30 resources', () => {
      const arns = Array.from({ length: 31 }, (_, i) => `arn:aws:rds:${REGION}:${ACCOUNT}:cluster:c${i}`);
      expect(() => addSelection({ resourceArns: arns }))
        .toThrow("selection 'Aurora' lists 31 resources; AWS Backup allows 30 protected resource ARNs per selection");
      expect(() => addSelection({ resourceArns: arns.slice(0, 30) })).not.toThrow();
    });

    test('fails when network placement is given for a type that is not restored into a DB subnet group', () => {
      const stack = newStack();
      const drill = newDrill(stack);
      expect(() => drill.addSelection('Ec2', { resourceType: RestoreDrillResourceType.EC2, subnetGroupName: 'tests' }))
        .toThrow("selection 'Ec2' sets subnetGroupName, which places RDS, Aurora, DocumentDB and Neptune restores; EC2 restores " +
          'take other keys (e.g. EC2 subnetId and securityGroupIds): set them in restoreMetadataOverrides');
      expect(() => drill.addSelection('S3', { resourceType: RestoreDrillResourceType.S3, securityGroups: [restoreSecurityGroup(stack)] }))
        .toThrow(/selection 'S3' sets securityGroups, which places RDS, Aurora, DocumentDB and Neptune restores/);
    });

    test('fails when subnetGroupName or securityGroups is empty', () => {
      expect(() => addSelection({ subnetGroupName: ' ' })).toThrow("selection 'Aurora' subnetGroupName is empty");
      expect(() => addSelection({ subnetGroupName: 'tests', securityGroups: [] })).toThrow("selection 'Aurora' securityGroups is empty");
    });

    test('fails when securityGroups is given without subnetGroupName (the restore would land in the default VPC)', () => {
      const stack = newStack();
      const sg = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-0123456789abcdef0');
      expect(() => addSelection({ securityGroups: [sg] })).toThrow(
        "selection 'Aurora' sets securityGroups without subnetGroupName; without a DB subnet group AWS Backup restores " +
          'into the default VPC, where these security groups do not exist and every restore fails',
      );
    });

    test.each([
      [RestoreDrillResourceType.AURORA, `arn:aws:rds:${REGION}:${ACCOUNT}:db:orders`, "an RDS 'db' ARN, but resourceType Aurora resources are 'cluster' ARNs"],
      [RestoreDrillResourceType.RDS, `arn:aws:rds:${REGION}:${ACCOUNT}:cluster:orders`, "an RDS 'cluster' ARN, but resourceType RDS resources are 'db' ARNs"],
    ])('fails when a %s selection names an RDS ARN of the other kind', (resourceType, arn, message) => {
      expect(() => addSelection({ resourceType, resourceArns: [arn] })).toThrow(message);
    });

    test('fails when a vault is of another account or region', () => {
      const stack = newStack();
      const foreign = BackupVault.fromBackupVaultArn(stack, 'Central', `arn:aws:backup:${REGION}:222222222222:backup-vault:central`);
      expect(() => new RestoreDrill(stack, 'Foreign', { schedule: WEEKLY, backupVaults: [foreign] })).toThrow(
        `backupVaults includes 'central' of 222222222222/${REGION}, but a restore testing plan restores recovery points ` +
          `of its own account and region (${ACCOUNT}/${REGION})`,
      );
      const otherRegion = BackupVault.fromBackupVaultArn(stack, 'Dr', `arn:aws:backup:us-west-2:${ACCOUNT}:backup-vault:dr`);
      expect(() => new RestoreDrill(stack, 'OtherRegion', { schedule: WEEKLY, backupVaults: [otherRegion] })).toThrow(
        `backupVaults includes 'dr' of ${ACCOUNT}/us-west-2`,
      );
    });

    test('fails when restoreMetadataOverrides repeats a key, whatever its case', () => {
      expect(() => addSelection({ subnetGroupName: 'tests', restoreMetadataOverrides: { DBSUBNETGROUPNAME: 'other' } }))
        .toThrow("selection 'Aurora' restoreMetadataOverrides key 'DBSUBNETGROUPNAME' repeats subnetGroupName (key " +
          "'dbSubnetGroupName'); restore metadata keys are not case sensitive, so give each key once");
      expect(() => addSelection({ restoreMetadataOverrides: { port: '5432', Port: '5433' } }))
        .toThrow("restoreMetadataOverrides key 'Port' repeats key 'port'");
      expect(() => addSelection({ restoreMetadataOverrides: { '': 'x' } }))
        .toThrow("restoreMetadataOverrides has an empty key (value 'x')");
    });

    test('tokens are not validated', () => {
      const stack = newStack();
      const param = (id: string) => new CfnParameter(stack, id).valueAsString;
      const hours = new CfnParameter(stack, 'Hours', { type: 'Number' }).valueAsNumber;
      const drill = new RestoreDrill(stack, 'Drill', {
        restoreTestingPlanName: param('Name'),
        schedule: events.Schedule.expression(param('Schedule')),
        startWindow: Duration.hours(hours),
        selectionWindow: Duration.days(hours),
        backupVaults: [BackupVault.fromBackupVaultArn(stack, 'V', param('VaultArn'))],
      });
      expect(() => drill.addSelection('Aurora', {
        resourceType: RestoreDrillResourceType.AURORA,
        restoreTestingSelectionName: param('SelectionName'),
        resourceArns: [param('Arn')],
        validationWindow: Duration.hours(hours),
        subnetGroupName: param('SubnetGroup'),
      })).not.toThrow();
      Template.fromStack(stack).hasResourceProperties('AWS::Backup::RestoreTestingPlan', {
        RestoreTestingPlanName: { Ref: 'Name' },
        ScheduleExpression: { Ref: 'Schedule' },
        StartWindowHours: { Ref: 'Hours' },
        RecoveryPointSelection: Match.objectLike({ IncludeVaults: [{ Ref: 'VaultArn' }], SelectionWindowDays: { Ref: 'Hours' } }),
      });
    });
  });

  test('the enum values are the strings AWS Backup takes', () => {
    expect(Object.values(RestoreDrillRecoveryPointType)).toEqual(['SNAPSHOT', 'CONTINUOUS']);
    expect(Object.values(RestoreDrillAlgorithm)).toEqual(['LATEST_WITHIN_WINDOW', 'RANDOM_WITHIN_WINDOW']);
    expect(Object.values(RestoreDrillResourceType))
      .toEqual(['Aurora', 'DocumentDB', 'DynamoDB', 'EBS', 'EC2', 'EFS', 'FSx', 'Neptune', 'RDS', 'S3']);
  });
});
