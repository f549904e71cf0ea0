// Issue 13, "a PITR restore test" (seed 002): PitrDrill, a scheduled point-in-time restore of an instance with RDS
// automated backups only, checked and deleted by the drill code path.
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { BackupAlarms, PitrDrill, PitrDrillProps } from '../../lib';
import { formatFindings, nagFindings } from '../nag';
import { decide, PolicyDocument, resolve } from '../policy-simulation';

const ACCOUNT = '111111111111';
const REGION = 'us-east-1';

function build(props: Partial<PitrDrillProps> = {}) {
  const stack = new Stack(new App(), 'Pitr', { env: { account: ACCOUNT, region: REGION } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'db', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const db = rds.DatabaseInstance.fromDatabaseInstanceAttributes(stack, 'Db', {
    instanceIdentifier: 'roleferry-prod-db', instanceEndpointAddress: 'roleferry.example', port: 5433,
    securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'DbSg', 'sg-0123456789abcdef0')],
  });
  const restores = new ec2.SecurityGroup(stack, 'Restores', { vpc, allowAllOutbound: false });
  const drill = new PitrDrill(stack, 'Pitr', {
    drillName: 'roleferry_pitr',
    databaseInstance: db,
    schedule: events.Schedule.expression('cron(0 3 ? * SUN#1 *)'),
    subnetGroupName: 'roleferry-db-subnet',
    securityGroups: [restores],
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    validation: {
      secret: new secretsmanager.Secret(stack, 'Secret'), databaseName: 'roleferry', port: 5433,
      sqlChecks: [{ name: 'users has rows', sql: 'SELECT count(*) > 0 FROM public.users' }],
    },
    ...props,
  });
  return { stack, drill, db, template: () => Template.fromStack(stack) };
}

test('a state machine restores the latest restorable time into the scratch network under the drill\'s name and tag', () => {
  const { template } = build();
  const [machine] = Object.values(template().findResources('AWS::StepFunctions::StateMachine'));
  expect(machine.Properties.StateMachineName).toBe('roleferry_pitr-pitr-drill');
  const definition = JSON.stringify(machine.Properties.DefinitionString);
  for (const text of ['restoreDBInstanceToPointInTime', 'roleferry-pitr-pitr', 'UseLatestRestorableTime', 'roleferry-db-subnet',
    'cdk-backup-dr:drill', 'deleteDBInstance', 'checkPitr', 'reportPitr', 'Execution.StartTime']) {
    expect(definition).toContain(text);
  }
  template().hasResourceProperties('AWS::Scheduler::Schedule', {
    ScheduleExpression: 'cron(0 3 ? * SUN#1 *)',
    Target: Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('^PitrRun') }, Input: '{}' }),
  });
  template().hasResourceProperties('AWS::Scheduler::Schedule', { Target: Match.objectLike({ Input: '{"action":"pitrAge"}' }) });
});

test('the validator\'s configuration: source, target, checks', () => {
  const { template } = build();
  const fns = Object.values(template().findResources('AWS::Lambda::Function')) as any[];
  const variables = fns.map((fn) => fn.Properties.Environment?.Variables ?? {}).find((v) => v.VALIDATE_PITR);
  const text = variables.VALIDATE_PITR['Fn::Join'][1].map((part: unknown) => (typeof part === 'string' ? part : '<token>')).join('');
  expect(JSON.parse(text)).toMatchObject({
    database: 'roleferry', drill: 'roleferry_pitr',
    targetArn: 'arn:<token>:rds:us-east-1:111111111111:db:roleferry-pitr-pitr',
    checks: { sql: [{ name: 'users has rows', sql: 'SELECT count(*) > 0 FROM public.users' }] },
  });
});

test('its role restores only with the drill\'s tag and deletes only instances carrying it: production is out of reach', async () => {
  const { stack, template } = build();
  const [policy] = Object.values(template().findResources('AWS::IAM::ManagedPolicy', { Properties: { Description: 'Permissions of the point-in-time drill roleferry_pitr' } }));
  const fnId = Object.keys(template().findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('^Checks the point-in-time drill') } }))[0];
  const identity = resolve(policy.Properties.PolicyDocument, stack, { [fnId]: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:v` }) as PolicyDocument;
  const ask = (action: string, resource: string, context: Record<string, string> = {}) => decide(undefined, {
    action, principal: `arn:aws:iam::${ACCOUNT}:role/pitr`, resource, resourceAccount: ACCOUNT, context, identityPolicies: [identity],
  });
  const production = `arn:aws:rds:${REGION}:${ACCOUNT}:db:roleferry-prod-db`;
  expect(await ask('rds:DeleteDBInstance', production)).not.toBe('Allowed');
  expect(await ask('rds:ModifyDBInstance', production, { 'aws:ResourceTag/cdk-backup-dr:drill': 'roleferry_pitr' })).not.toBe('Allowed');
  expect(await ask('rds:RestoreDBInstanceToPointInTime', production)).not.toBe('Allowed');
  expect(await ask('rds:RestoreDBInstanceToPointInTime', production, { 'aws:RequestTag/cdk-backup-dr:drill': 'roleferry_pitr' })).toBe('Allowed');
  expect(await ask('rds:DeleteDBInstance', `arn:aws:rds:${REGION}:${ACCOUNT}:db:roleferry-pitr-pitr`, { 'aws:ResourceTag/cdk-backup-dr:drill': 'roleferry_pitr' })).toBe('Allowed');
});

test('alarms like any drill: restore time above the RTO, failed validation, no passed run in 35 days and 6 hours', () => {
  const { stack, drill } = build();
  new BackupAlarms(stack, 'Alarms', { alarmNamePrefix: 'roleferry', dashboard: false }).watchDrill(drill, { rto: Duration.minutes(15) });
  const template = Template.fromStack(stack);
  template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'roleferry-roleferry_pitr-roleferry-DrillRestoreTime', Threshold: 900 });
  template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'roleferry-roleferry_pitr-roleferry-DrillMissing', Threshold: (35 * 24 + 6) * 3600 });
  template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'roleferry-roleferry_pitr-roleferry-DrillValidationFailed' });
});

test('no unacknowledged cdk-nag finding', () => {
  expect(formatFindings(nagFindings(build().drill))).toBe('');
});

test.each<[string, (db: rds.IDatabaseInstance) => Partial<PitrDrillProps>, RegExp]>([
  ['the source\'s own security group', (db) => ({ securityGroups: db.connections.securityGroups }), /securityGroups includes .*which the source database uses too/],
  ['no security group', () => ({ securityGroups: [] }), /securityGroups is empty/],
  ['a drill name with spaces', () => ({ drillName: 'role ferry' }), /drillName 'role ferry'.*1-40 letters, digits, _ or -/],
  ['a drill name whose restore would take the source\'s name', () => ({ drillName: 'x' }), /would restore into 'x-pitr'/],
  ['a schedule that is not cron', () => ({ schedule: events.Schedule.rate(Duration.days(7)) }), /schedule 'rate\(7 days\)' is not a cron expression/],
])('refuses %s', (_what, change, error) => {
  expect(() => {
    const stack = new Stack(new App(), 'S', { env: { account: ACCOUNT, region: REGION } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'db', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const db = rds.DatabaseInstance.fromDatabaseInstanceAttributes(stack, 'Db', {
      instanceIdentifier: 'x-pitr', instanceEndpointAddress: 'x', port: 5432, securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'DbSg', 'sg-1')],
    });
    new PitrDrill(stack, 'P', {
      databaseInstance: db, schedule: events.Schedule.expression('cron(0 3 ? * SUN#1 *)'), subnetGroupName: 'g',
      securityGroups: [new ec2.SecurityGroup(stack, 'R', { vpc })], vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      validation: { secret: new secretsmanager.Secret(stack, 'Secret'), requiredTables: ['public.t'] },
      ...change(db),
    });
  }).toThrow(error);
});
