// Issue 13, "RTO measured": BackupAlarms.watchDrill — a restore slower than the tier's RTO, a failed validation, and no
// validated drill within the interval the drill's schedule implies.
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { BackupAlarms, RecoveryTier, RestoreDrill, RestoreDrillResourceType } from '../../lib';

const ACCOUNT = '111111111111';
const REGION = 'us-east-1';

function build(schedule = events.Schedule.expression('cron(0 2 ? * SUN#1 *)')) {
  const stack = new Stack(new App(), 'Drills', { env: { account: ACCOUNT, region: REGION } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'r', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const group = new ec2.SecurityGroup(stack, 'Restores', { vpc });
  const drill = new RestoreDrill(stack, 'Drill', { restoreTestingPlanName: 'monthly', schedule, validator: { vpc } });
  drill.addSelection('orders', {
    resourceType: RestoreDrillResourceType.RDS,
    resourceArns: [`arn:aws:rds:${REGION}:${ACCOUNT}:db:orders`],
    subnetGroupName: 'restores',
    securityGroups: [group],
    validation: { secret: new secretsmanager.Secret(stack, 'Secret'), minimumRows: { 'public.orders': 1 } },
  });
  drill.addSelection('docs', { resourceType: RestoreDrillResourceType.DOCUMENTDB, resourceArns: [`arn:aws:rds:${REGION}:${ACCOUNT}:cluster:docs`], subnetGroupName: 'restores' });
  const alarms = new BackupAlarms(stack, 'Alarms', { alarmNamePrefix: 'shop', dashboard: false });
  return { stack, drill, alarms };
}

test('one alarm per threshold: RTO (the tier), failed validation, no validated drill in 37 days for a first-Sunday drill', () => {
  const { stack, drill, alarms } = build();
  const created = alarms.watchDrill(drill, { rto: RecoveryTier.TEAM.rto });
  expect(created).toHaveLength(4);
  const template = Template.fromStack(stack);
  const alarm = (name: string) => Object.values(template.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: name } }))[0] as { Properties: Record<string, unknown> };
  expect(alarm('shop-monthly-orders-DrillRestoreTime').Properties).toMatchObject({
    MetricName: 'RestoreDurationSeconds', Namespace: 'CdkBackupDr', Statistic: 'Maximum', Period: 86400,
    Dimensions: [{ Name: 'Database', Value: 'orders' }, { Name: 'Drill', Value: 'monthly' }],
    Threshold: RecoveryTier.TEAM.rto.toSeconds(), ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'ignore',
    AlarmActions: [{ Ref: expect.stringMatching(/^AlarmsTopic/) }], OKActions: [{ Ref: expect.stringMatching(/^AlarmsTopic/) }],
  });
  expect(alarm('shop-monthly-orders-DrillValidationFailed').Properties).toMatchObject({
    MetricName: 'RestoreValidationSuccess', Statistic: 'Minimum', Period: 3600, Threshold: 1,
    ComparisonOperator: 'LessThanThreshold', TreatMissingData: 'ignore',
  });
  expect(alarm('shop-monthly-orders-DrillMissing').Properties).toMatchObject({
    MetricName: 'ValidatedRestoreAgeSeconds', Statistic: 'Maximum', Period: 3600, EvaluationPeriods: 3, DatapointsToAlarm: 3,
    Threshold: (35 + 1 + 1) * 86400, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'breaching',
  });
  // The unvalidated DocumentDB selection: its restore time only.
  expect(alarm('shop-monthly-docs-DrillRestoreTime').Properties).toMatchObject({ Dimensions: [{ Name: 'Database', Value: 'docs' }, { Name: 'Drill', Value: 'monthly' }] });
  expect(template.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: 'shop-monthly-docs-DrillMissing' } })).toEqual({});
});

test('a weekly drill: 7 days, the start window and a day', () => {
  const { stack, drill, alarms } = build(events.Schedule.cron({ minute: '0', hour: '6', weekDay: 'SUN' }));
  alarms.watchDrill(drill, { rto: Duration.minutes(60), databaseNames: ['orders'] });
  Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'shop-monthly-orders-DrillMissing', Threshold: 9 * 86400 });
  Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'shop-monthly-orders-DrillRestoreTime', Threshold: 3600 });
});

test('an explicit interval wins; an RTO under a minute and a drill without selections are refused', () => {
  const { stack, drill, alarms } = build();
  alarms.watchDrill(drill, { rto: Duration.hours(1), databaseNames: ['orders'], maxValidatedRestoreAge: Duration.days(100) });
  Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'shop-monthly-orders-DrillMissing', Threshold: 100 * 86400 });
  expect(() => alarms.watchDrill(drill, { rto: Duration.seconds(30) })).toThrow('watchDrill(monthly) rto is 30 seconds; an RTO is at least a minute');
  const empty = new RestoreDrill(stack, 'Empty', { schedule: events.Schedule.expression('cron(0 2 ? * SUN#1 *)'), validator: { vpc: new ec2.Vpc(stack, 'V2', { natGateways: 0, maxAzs: 1, subnetConfiguration: [{ name: 'r', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] }) } });
  expect(() => alarms.watchDrill(empty, { rto: Duration.hours(1) })).toThrow('has nothing to watch: add the drill\'s selections first');
});

test('a database\'s rto: restoring its newest dump from the bucket (download and pg_restore) slower than it alarms', () => {
  const stack = new Stack(new App(), 'Dumps', { env: { account: ACCOUNT, region: REGION } });
  new BackupAlarms(stack, 'Alarms', { alarmNamePrefix: 'shop', dashboard: false, databases: [{ name: 'orders', rto: RecoveryTier.TEAM.rto }, { name: 'billing' }] });
  const template = Template.fromStack(stack);
  template.hasResourceProperties('AWS::CloudWatch::Alarm', {
    AlarmName: 'shop-orders-VerificationRestoreTime', MetricName: 'RestoreDurationSeconds', Statistic: 'Maximum', Period: 86400,
    Threshold: 7200, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'ignore', Dimensions: [{ Name: 'Database', Value: 'orders' }],
  });
  expect(template.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: 'shop-billing-VerificationRestoreTime' } })).toEqual({});
  expect(() => new BackupAlarms(new Stack(), 'A', { databases: [{ name: 'orders', hasDumpJob: false, rto: Duration.hours(1) }] }))
    .toThrow("databases 'orders' sets rto but has no verify job");
});
