// Issue 13, "RPO watched": the construct that runs lambda/rpo-watch on a schedule and alarms per database when the
// point-in-time lag exceeds the tier's RPO plus a margin, or was not measured.
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as sns from 'aws-cdk-lib/aws-sns';
import { RecoveryTier, RpoWatch, RpoWatchProps } from '../../lib';
import { formatFindings, nagFindings } from '../nag';

const INSTANCE = 'arn:aws:rds:us-east-1:111111111111:db:orders';
const CLUSTER = 'arn:aws:rds:us-east-1:111111111111:cluster:billing';

function build(props: Partial<RpoWatchProps> = {}): { stack: Stack; template: Template; watch: RpoWatch } {
  const stack = new Stack(new App(), 'Workload', { env: { account: '111111111111', region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'jobs', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const watch = new RpoWatch(stack, 'RpoWatch', {
    vpc,
    databases: [
      { databaseName: 'orders', databaseArn: INSTANCE, rpo: RecoveryTier.TEAM.rpo },
      { databaseName: 'billing', databaseArn: CLUSTER, rpo: RecoveryTier.ENTERPRISE.rpo },
    ],
    alarmTopic: new sns.Topic(stack, 'Alarms', { enforceSSL: true }),
    ...props,
  });
  return { stack, template: Template.fromStack(stack), watch };
}

test('the job image runs rpo-watch/index.handler every 5 minutes with the databases in its environment', () => {
  const { template } = build();
  template.hasResourceProperties('AWS::Lambda::Function', {
    PackageType: 'Image',
    ImageConfig: { Command: ['rpo-watch/index.handler'] },
    Environment: { Variables: { RPO_DATABASES: JSON.stringify([{ name: 'orders', arn: INSTANCE }, { name: 'billing', arn: CLUSTER }]) } },
  });
  template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(0/5 * * * ? *)' });
});

test('the role describes the watched databases only and lists recovery points and copy jobs; it writes nothing', () => {
  const { template } = build();
  const policies = Object.values(template.findResources('AWS::IAM::ManagedPolicy'))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
  expect(policies).toEqual(expect.arrayContaining([
    { Effect: 'Allow', Action: 'rds:DescribeDBInstances', Resource: INSTANCE },
    { Effect: 'Allow', Action: 'rds:DescribeDBClusters', Resource: CLUSTER },
    { Effect: 'Allow', Action: ['backup:ListRecoveryPointsByResource', 'backup:ListCopyJobs'], Resource: '*' },
  ]));
  const actions = policies.flatMap((statement: any) => [statement.Action].flat());
  expect(actions.filter((action: string) => /^(rds|backup):/.test(action) && !/:(Describe|List)/.test(action))).toEqual([]);
});

test('one alarm per database at its tier\'s RPO plus 5 minutes, breaching when nothing was measured', () => {
  const { template } = build();
  const lag = (database: string, threshold: number) => template.hasResourceProperties('AWS::CloudWatch::Alarm', {
    Namespace: 'CdkBackupDr',
    MetricName: 'RecoveryPointLagSeconds',
    Dimensions: [{ Name: 'Database', Value: database }],
    Statistic: 'Maximum',
    Threshold: threshold,
    ComparisonOperator: 'GreaterThanThreshold',
    TreatMissingData: 'breaching',
    AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alarms') }],
  });
  lag('orders', 3600 + 300); // TEAM: RPO 1 h
  lag('billing', 900 + 300); // ENTERPRISE: RPO 15 min
});

test('no unacknowledged cdk-nag finding on the watch (the test\'s VPC and topic are fixtures)', () => {
  const { watch } = build();
  expect(formatFindings(nagFindings(watch))).toBe('');
});

test.each<[string, Partial<RpoWatchProps>, RegExp]>([
  ['no database', { databases: [] }, /databases is empty/],
  ['a name twice', { databases: [{ databaseName: 'orders', databaseArn: INSTANCE, rpo: Duration.hours(1) }, { databaseName: 'orders', databaseArn: CLUSTER, rpo: Duration.hours(1) }] },
    /databases\[1\].databaseName 'orders' is given twice/],
  ['a non-RDS ARN', { databases: [{ databaseName: 'orders', databaseArn: 'arn:aws:dynamodb:us-east-1:111111111111:table/orders', rpo: Duration.hours(1) }] },
    /databases\[0\].databaseArn 'arn:aws:dynamodb:us-east-1:111111111111:table\/orders' is not an RDS instance or cluster ARN/],
  ['more databases than a Lambda environment holds', {
    databases: Array.from({ length: 60 }, (_, i) => ({ databaseName: `database${i}`, databaseArn: `arn:aws:rds:us-east-1:111111111111:db:database-${i}-production`, rpo: Duration.hours(1) })),
  }, /databases: 60 databases make the function's RPO_DATABASES variable \d+ bytes, and Lambda allows 4096 bytes of environment variables in all: split them/],
  ['an RPO under a minute', { databases: [{ databaseName: 'orders', databaseArn: INSTANCE, rpo: Duration.seconds(30) }] }, /databases\[0\].rpo is 30 seconds; an RPO is at least a minute/],
])('%s fails the synth', (_case, props, message) => {
  expect(() => build(props)).toThrow(message);
});

test('RpoWatch.recoveryPointAgeAlarm: the newest recovery point of a database in a vault, above its interval for an hour or not measured', () => {
  const stack = new Stack(new App(), 'Ages', { env: { account: '111111111111', region: 'us-east-1' } });
  RpoWatch.recoveryPointAgeAlarm(stack, 'Age', { databaseName: 'orders', vault: '222222222222/us-west-2/backup-dr-dr', maxAge: Duration.hours(30) });
  Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
    Namespace: 'CdkBackupDr', MetricName: 'NewestRecoveryPointAgeSeconds', Statistic: 'Maximum', Period: 900,
    Dimensions: [{ Name: 'Database', Value: 'orders' }, { Name: 'Vault', Value: '222222222222/us-west-2/backup-dr-dr' }],
    Threshold: 108000, EvaluationPeriods: 4, DatapointsToAlarm: 4, TreatMissingData: 'breaching',
  });
  expect(() => RpoWatch.recoveryPointAgeAlarm(stack, 'Short', { databaseName: 'orders', vault: 'v', maxAge: Duration.minutes(30) }))
    .toThrow('maxAge is 30 minutes; AWS Backup runs a rule at most hourly, so give at least an hour');
});
