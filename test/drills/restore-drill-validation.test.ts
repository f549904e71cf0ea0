// Issue 13, "Drill validation": the validator RestoreDrill creates — its event rule, environment, permissions, network
// path, hourly age check, metrics and the synth-time checks of its props.
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  RestoreDrill, RestoreDrillProps, RestoreDrillResourceType, RestoreDrillSelectionOptions, RestoreValidationOptions,
} from '../../lib';
import { DRILL_METRIC } from '../../lib/private/job-contract';
import { formatFindings, nagFindings } from '../nag';
import { decide, PolicyDocument, resolve } from '../policy-simulation';

const ACCOUNT = '111111111111';
const REGION = 'us-east-1';
const ORDERS = `arn:aws:rds:${REGION}:${ACCOUNT}:db:orders`;
/** Seed 002: monthly on the first Sunday, 02:00 UTC. */
const MONTHLY = events.Schedule.expression('cron(0 2 ? * SUN#1 *)');

interface Built {
  readonly stack: Stack;
  readonly drill: RestoreDrill;
  readonly restoreGroup: ec2.SecurityGroup;
  readonly secret: secretsmanager.Secret;
  template(): Template;
}

function build(
  validation: Partial<RestoreValidationOptions> | null = {},
  selection: Partial<RestoreDrillSelectionOptions> = {},
  props: Partial<RestoreDrillProps> = {},
): Built {
  const stack = new Stack(new App(), 'Drills', { env: { account: ACCOUNT, region: REGION } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'restores', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const restoreGroup = new ec2.SecurityGroup(stack, 'RestoreGroup', { vpc, allowAllOutbound: false });
  const secret = new secretsmanager.Secret(stack, 'OrdersSecret');
  const drill = new RestoreDrill(stack, 'Monthly', {
    restoreTestingPlanName: 'orders_monthly',
    schedule: MONTHLY,
    validator: { vpc },
    ...props,
  });
  drill.addSelection('orders', {
    resourceType: RestoreDrillResourceType.RDS,
    resourceArns: [ORDERS],
    subnetGroupName: 'restore-tests',
    securityGroups: [restoreGroup],
    ...(validation === null ? {} : {
      validation: {
        secret,
        requiredTables: ['public.orders'],
        minimumRows: { 'public.orders': 1000 },
        freshnessChecks: [{ table: 'public.orders', column: 'created_at', maxAge: Duration.hours(25) }],
        sqlChecks: [{ name: 'amounts positive', sql: 'select bool_and(amount > 0) from orders' }],
        ...validation,
      },
    }),
    ...selection,
  });
  return { stack, drill, restoreGroup, secret, template: () => Template.fromStack(stack) };
}

const PLAN_ARN = { 'Fn::GetAtt': [Match.stringLikeRegexp('^Monthly[A-F0-9]{8}$'), 'RestoreTestingPlanArn'] };

test('the rule: the plan\'s restore jobs that completed, failed or were aborted, to the validator with a dead-letter queue', () => {
  const template = build().template();
  template.hasResourceProperties('AWS::Events::Rule', {
    EventPattern: {
      'source': ['aws.backup'],
      'detail-type': ['Restore Job State Change'],
      'detail': { restoreTestingPlanArn: [PLAN_ARN], status: ['COMPLETED', 'FAILED', 'ABORTED'] },
    },
    Targets: [Match.objectLike({
      Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MonthlyValidator'), 'Arn'] },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MonthlyValidatorDeadLetterQueue'), 'Arn'] } },
      RetryPolicy: { MaximumRetryAttempts: 4, MaximumEventAgeInSeconds: 7200 },
    })],
  });
  // Only this rule may invoke the function through EventBridge.
  template.hasResourceProperties('AWS::Lambda::Permission', {
    Principal: 'events.amazonaws.com',
    SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MonthlyValidatorRestoreJobRule'), 'Arn'] },
  });
});

test('the environment: the plan, its name, each selection with its checks; TLS verify-full with the RDS CA bundle', () => {
  const { template } = build();
  const env = template().findResources('AWS::Lambda::Function');
  const variables = Object.values(env).map((fn) => (fn as { Properties: { Environment: { Variables: Record<string, unknown> } } }).Properties.Environment.Variables)[0];
  expect(variables).toMatchObject({
    VALIDATE_PLAN_ARN: { 'Fn::GetAtt': [expect.stringMatching(/^Monthly[A-F0-9]{8}$/), 'RestoreTestingPlanArn'] },
    VALIDATE_DRILL: 'orders_monthly',
    VALIDATE_LOOKBACK_DAYS: '400',
    VALIDATE_SSL_MODE: 'verify-full',
    VALIDATE_SSL_ROOT_CERT: '/opt/rds-ca/global-bundle.pem',
  });
  const json = (variables.VALIDATE_SELECTIONS as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  const text = json.map((part) => (typeof part === 'string' ? part : '<secret-arn>')).join('');
  expect(JSON.parse(text)).toEqual([{
    database: 'orders',
    resourceType: 'RDS',
    arns: [ORDERS],
    checks: {
      secretArn: '<secret-arn>',
      requiredTables: ['public.orders'],
      minimumRows: [{ table: 'public.orders', rows: 1000 }],
      freshness: [{ table: 'public.orders', column: 'created_at', maxAgeSeconds: 90000 }],
      sql: [{ name: 'amounts positive', sql: 'select bool_and(amount > 0) from orders' }],
    },
  }]);
});

test('a validated selection keeps its restore an hour for validation unless told otherwise', () => {
  build().template().hasResourceProperties('AWS::Backup::RestoreTestingSelection', { ValidationWindowHours: 1 });
  build({}, { validationWindow: Duration.hours(4) }).template()
    .hasResourceProperties('AWS::Backup::RestoreTestingSelection', { ValidationWindowHours: 4 });
  build(null).template().hasResourceProperties('AWS::Backup::RestoreTestingSelection', { ValidationWindowHours: Match.absent() });
});

test('permissions: the job calls that take no resource, the plan, the restored databases, the secret; nothing that writes to a database', () => {
  const template = build().template();
  const policies = template.findResources('AWS::IAM::ManagedPolicy', { Properties: { Description: Match.stringLikeRegexp('^Permissions of the validate-restore') } });
  const statements = Object.values(policies).flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: Array<{ Action: string | string[]; Resource: unknown; Sid?: string }> } } }).Properties.PolicyDocument.Statement);
  const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort();
  expect(actions).toEqual([
    'backup:DescribeRestoreJob', 'backup:GetRestoreTestingPlan', 'backup:ListRestoreJobs', 'backup:PutRestoreValidationResult',
    'kms:GenerateMac', 'kms:VerifyMac',
    'rds:DescribeDBClusters', 'rds:DescribeDBInstances',
    'secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue',
    'sqs:SendMessage',
  ]);
  expect(statements.find((s) => s.Sid === 'ReadThePlan')!.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Monthly[A-F0-9]{8}$/), 'RestoreTestingPlanArn'] });
  expect(statements.find((s) => s.Sid === 'DescribeTheRestoredDatabases')!.Resource).toEqual([
    { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:rds:${REGION}:${ACCOUNT}:db:*`]] },
    { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:rds:${REGION}:${ACCOUNT}:cluster:*`]] },
  ]);
});

test('only the validator may sign results: an administrator of the account (kms:* on *) cannot generate a MAC with the key', async () => {
  const { stack, template } = build();
  const roles = template().findResources('AWS::IAM::Role', { Properties: { Description: Match.stringLikeRegexp('^Execution role of the validate-restore') } });
  const roleId = Object.keys(roles)[0];
  const validator = `arn:aws:iam::${ACCOUNT}:role/validator`;
  const [key] = Object.values(template().findResources('AWS::KMS::Key', { Properties: { KeySpec: 'HMAC_256' } }));
  expect(key.Properties.KeyUsage).toBe('GENERATE_VERIFY_MAC');
  const policy = resolve(key.Properties.KeyPolicy, stack, { [roleId]: validator }) as PolicyDocument;
  const sign = (principal: string) => decide(policy, {
    action: 'kms:GenerateMac', principal, resource: `arn:aws:kms:${REGION}:${ACCOUNT}:key/result`, resourceAccount: ACCOUNT,
  });
  expect(await sign(`arn:aws:iam::${ACCOUNT}:role/Admin`)).toBe('ExplicitlyDenied');
  expect(await sign(`arn:aws:sts::${ACCOUNT}:assumed-role/Admin/mallory`)).toBe('ExplicitlyDenied');
  expect(await sign(validator)).toBe('Allowed');
  // The validator's own grant holds only for calls made with the function's credentials (lambda:SourceFunctionArn).
  template().hasResourceProperties('AWS::IAM::ManagedPolicy', {
    PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({
      Sid: 'SignAndVerifyResults', Action: ['kms:GenerateMac', 'kms:VerifyMac'],
      Condition: { ArnEquals: { 'lambda:SourceFunctionArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:lambda:${REGION}:${ACCOUNT}:function:orders_monthly-validator`]] } } },
    })]) },
  });
  template().hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'orders_monthly-validator' });
});

test('the network: the validator reaches the restored database\'s security group on its port, nothing else but HTTPS', () => {
  const { template } = build({ port: 6432 });
  template().hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
    IpProtocol: 'tcp', FromPort: 6432, ToPort: 6432,
    GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RestoreGroup'), 'GroupId'] },
    SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MonthlyValidatorSecurityGroup'), 'GroupId'] },
  });
  const groups = template().findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('validate-restore') } });
  const egress = Object.values(groups).flatMap((g) => (g as { Properties: { SecurityGroupEgress?: Array<{ FromPort: number; CidrIp?: string }> } }).Properties.SecurityGroupEgress ?? []);
  expect(egress.map((e) => `${e.CidrIp}:${e.FromPort}`)).toEqual(['0.0.0.0/0:443']);
});

test('the hourly age check: a schedule invoking the validator with the age event', () => {
  build().template().hasResourceProperties('AWS::Scheduler::Schedule', {
    ScheduleExpression: 'cron(7 * * * ? *)',
    Target: Match.objectLike({ Input: '{"check":"validatedRestoreAge"}' }),
  });
});

test('metrics: Database and Drill dimensions; the longest validated-restore interval from the schedule', () => {
  const { drill } = build({ databaseName: 'orders-db' });
  expect(drill.validatedDatabases).toEqual(['orders-db']);
  const metric = drill.metricRestoreDuration('orders-db');
  expect(metric.dimensions).toEqual({ Database: 'orders-db', Drill: 'orders_monthly' });
  expect([metric.metricName, metric.namespace, metric.statistic]).toEqual([DRILL_METRIC.RESTORE_DURATION_SECONDS, 'CdkBackupDr', 'Maximum']);
  expect(drill.metricRestoreValidationSuccess('orders-db').statistic).toBe('Minimum');
  expect(drill.metricValidatedRestoreAge('orders-db').metricName).toBe('ValidatedRestoreAgeSeconds');
  // First Sundays are at most 35 days apart; plus the 24-hour start window and a day for restore and validation.
  expect(drill.maxValidatedRestoreInterval?.toHours()).toBe(35 * 24 + 24 + 24);
  expect(() => drill.metricRestoreDuration('billing')).toThrow("no selection of the drill publishes Database 'billing'; its selections publish 'orders-db'");
});

test('no unacknowledged cdk-nag finding on the drill and its validator', () => {
  const { drill } = build();
  expect(formatFindings(nagFindings(drill))).toBe('');
});

describe('synth-time checks', () => {
  test.each<[string, () => unknown, RegExp]>([
    ['validation without a validator', () => build({}, {}, { validator: undefined }), /selection 'orders' has validation, but the drill has no validator to run it/],
    ['validation of a DocumentDB selection', () => build({}, { resourceType: RestoreDrillResourceType.DOCUMENTDB, resourceArns: [`arn:aws:rds:${REGION}:${ACCOUNT}:cluster:docs`] }),
      /resourceType DocumentDB is not RDS or Aurora PostgreSQL/],
    ['an instance class for an RDS restore', () => build({ instanceClass: 'db.t4g.medium' }), /validation.instanceClass is for Aurora restores, which have no instance/],
    ['a malformed instance class', () => build({ instanceClass: 't4g.medium' }, { resourceType: RestoreDrillResourceType.AURORA, resourceArns: [`arn:aws:rds:${REGION}:${ACCOUNT}:cluster:orders`] }),
      /validation.instanceClass 't4g.medium'.*db.<family>.<size> or db.serverless/],
    ['validation without security groups', () => build({}, { securityGroups: undefined }), /has validation but no securityGroups/],
    ['validation that checks nothing', () => build({ requiredTables: [], minimumRows: {}, freshnessChecks: [], sqlChecks: [] }), /validation checks nothing; give requiredTables, minimumRows/],
    ['a table without a schema', () => build({ requiredTables: ['orders'] }), /validation.requiredTables\[0\] 'orders'.*'schema.table'/],
    ['a negative minimum', () => build({ minimumRows: { 'public.orders': -1 } }), /validation.minimumRows\['public.orders'\] is -1; give a whole number of rows/],
    ['a freshness limit under a minute', () => build({ freshnessChecks: [{ table: 'public.orders', column: 'created_at', maxAge: Duration.seconds(30) }] }),
      /validation.freshnessChecks\[0\].maxAge is 30 seconds; it must be whole seconds, at least 1 minute/],
    ['two SQL checks of one name', () => build({ sqlChecks: [{ name: 'a', sql: 'select true' }, { name: 'a', sql: 'select true' }] }), /validation.sqlChecks\[1\].name 'a' is used twice/],
    ['a timeout over 15 minutes', () => build({}, {}, { validator: { vpc: undefined as never, timeout: Duration.minutes(16) } }), /validator.timeout is 16 minutes; a validation runs in Lambda for whole seconds from 1 to 15 minutes/],
  ])('%s', (_what, make, error) => {
    expect(make).toThrow(error);
  });

  test('two selections publishing one Database name', () => {
    const { drill, restoreGroup, secret } = build();
    expect(() => drill.addSelection('orders2', {
      resourceType: RestoreDrillResourceType.RDS, resourceArns: [`arn:aws:rds:${REGION}:${ACCOUNT}:db:orders-2`],
      subnetGroupName: 'restore-tests', securityGroups: [restoreGroup],
      validation: { secret, databaseName: 'orders', requiredTables: ['public.orders'] },
    })).toThrow("selection 'orders2' would publish its metrics as Database 'orders', which another selection of the drill uses");
  });

  test('more checks than a Lambda environment holds', () => {
    const sqlChecks = Array.from({ length: 40 }, (_, i) => ({ name: `check ${i}`, sql: `select count(*) > 0 from public.orders where status = 'state-${i}'` }));
    const { stack } = build({ sqlChecks });
    expect(() => Template.fromStack(stack)).toThrow(/the drill's selections and checks make the validator's environment about \d+ bytes .* Lambda allows 4096 bytes/);
  });

  test('metrics need the validator', () => {
    const stack = new Stack(new App(), 'S', { env: { account: ACCOUNT, region: REGION } });
    const drill = new RestoreDrill(stack, 'D', { schedule: MONTHLY });
    drill.addSelection('orders', { resourceType: RestoreDrillResourceType.RDS, databaseInstances: [rds.DatabaseInstance.fromDatabaseInstanceAttributes(stack, 'I', {
      instanceIdentifier: 'orders', instanceEndpointAddress: 'orders.example', port: 5432, securityGroups: [],
    })] });
    expect(() => drill.metricRestoreDuration('orders')).toThrow('RestoreDurationSeconds is published by the drill\'s validator: set validator');
    expect(drill.validatedDatabases).toEqual([]);
  });
});

test('restores into the source database\'s own security group are refused: the validator would reach production', () => {
  const stack = new Stack(new App(), 'Shared', { env: { account: ACCOUNT, region: REGION } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'db', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const db = new rds.DatabaseInstance(stack, 'Db', {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }), vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
  });
  const drill = new RestoreDrill(stack, 'D', { schedule: MONTHLY, validator: { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } } });
  expect(() => drill.addSelection('orders', {
    resourceType: RestoreDrillResourceType.RDS, databaseInstances: [db], subnetGroupName: 'restores',
    securityGroups: db.connections.securityGroups, validation: { secret: db.secret!, requiredTables: ['public.orders'] },
  })).toThrow(/selection 'orders' restores into security group Shared\/Db\/SecurityGroup, which the source database uses too/);
});

describe('Aurora: the instance check (AWS Backup restores the cluster without a DB instance)', () => {
  const aurora = () => build({ instanceClass: 'db.r7g.large' }, { resourceType: RestoreDrillResourceType.AURORA, resourceArns: [`arn:aws:rds:${REGION}:${ACCOUNT}:cluster:orders`] });

  test('a state machine: prepare, add the tagged instance, wait, check, delete, wait, report; the validator may start it', () => {
    const { drill, template } = aurora();
    const machines = template().findResources('AWS::StepFunctions::StateMachine');
    expect(Object.keys(machines)).toHaveLength(1);
    const definition = JSON.stringify(Object.values(machines)[0].Properties.DefinitionString);
    for (const step of ['Prepare', 'CreateInstance', 'WaitUntilAvailable', 'Check', 'DeleteInstance', 'WaitUntilGone', 'Report', 'FailedAfterCreate']) {
      expect(definition).toContain(`\\"${step}\\"`);
    }
    expect(definition).toContain('cdk-backup-dr:drill');
    expect(definition).toContain('Rds.DbInstanceNotFoundException');
    template().hasResourceProperties('AWS::StepFunctions::StateMachine', {
      TracingConfiguration: { Enabled: true }, LoggingConfiguration: Match.objectLike({ Level: 'ALL' }),
    });
    template().hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'StartTheInstanceCheck', Action: 'states:StartExecution' })]) },
    });
    expect(drill.validatedDatabases).toEqual(['orders']);
    expect(formatFindings(nagFindings(drill))).toBe('');
  });

  test('its role creates instances only with the drill\'s tag and deletes only instances that carry it', async () => {
    const { stack, template } = aurora();
    const [policy] = Object.values(template().findResources('AWS::IAM::ManagedPolicy', { Properties: { Description: Match.stringLikeRegexp('^Permissions of the instance check') } }));
    const fnId = Object.keys(template().findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('^Validates the restores') } }))[0];
    const identity = resolve(policy.Properties.PolicyDocument, stack, { [fnId]: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:validator` }) as PolicyDocument;
    const role = `arn:aws:iam::${ACCOUNT}:role/instance-check`;
    const ask = (action: string, resource: string, context: Record<string, string>) =>
      decide(undefined, { action, principal: role, resource, resourceAccount: ACCOUNT, context, identityPolicies: [identity] });
    const production = `arn:aws:rds:${REGION}:${ACCOUNT}:db:orders-prod`;
    expect(await ask('rds:DeleteDBInstance', production, {})).not.toBe('Allowed');
    expect(await ask('rds:DeleteDBInstance', production, { 'aws:ResourceTag/cdk-backup-dr:drill': 'another_drill' })).not.toBe('Allowed');
    expect(await ask('rds:DeleteDBInstance', `arn:aws:rds:${REGION}:${ACCOUNT}:db:restore-check`, { 'aws:ResourceTag/cdk-backup-dr:drill': 'orders_monthly' })).toBe('Allowed');
    expect(await ask('rds:CreateDBInstance', `arn:aws:rds:${REGION}:${ACCOUNT}:db:x-check`, {})).not.toBe('Allowed');
    expect(await ask('rds:CreateDBInstance', `arn:aws:rds:${REGION}:${ACCOUNT}:db:x-check`, { 'aws:RequestTag/cdk-backup-dr:drill': 'orders_monthly' })).toBe('Allowed');
    expect(await ask('rds:ModifyDBInstance', production, { 'aws:ResourceTag/cdk-backup-dr:drill': 'orders_monthly' })).not.toBe('Allowed');
    // Tagging (then deleting) an existing instance of another name, or adding one under another name: refused.
    expect(await ask('rds:AddTagsToResource', production, { 'aws:RequestTag/cdk-backup-dr:drill': 'orders_monthly' })).not.toBe('Allowed');
    expect(await ask('rds:DeleteDBInstance', production, { 'aws:ResourceTag/cdk-backup-dr:drill': 'orders_monthly' })).not.toBe('Allowed');
    expect(await ask('rds:CreateDBInstance', `arn:aws:rds:${REGION}:${ACCOUNT}:db:orders-reader`, { 'aws:RequestTag/cdk-backup-dr:drill': 'orders_monthly' })).not.toBe('Allowed');
  });

  test('only this state machine may run as its role; an instance of the name that exists already is neither used nor deleted', () => {
    const { template } = aurora();
    template().hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({
        Principal: { Service: 'states.amazonaws.com' },
        Condition: Match.objectLike({ ArnEquals: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:states:${REGION}:${ACCOUNT}:stateMachine:orders_monthly-instance-check`]] } } }),
      })] },
    });
    const body = Object.values(template().findResources('AWS::StepFunctions::StateMachine'))[0].Properties.DefinitionString;
    const definition = JSON.parse(body['Fn::Join'][1].map((part: unknown) => (typeof part === 'string' ? part : 'x')).join(''));
    const catches = definition.States.CreateInstance.Catch;
    expect(catches[0]).toEqual({ ErrorEquals: ['Rds.DbInstanceAlreadyExistsException'], ResultPath: '$.error', Next: 'NameTaken' });
    expect(definition.States.NameTaken.Next).toBe('Report');
    expect(definition.States.DeleteInstance.Catch.map((c: { Next: string }) => c.Next)).toEqual(['Report', 'NotDeleted']);
  });

  test('an Aurora selection with validation keeps its restore 4 hours, and refuses under 3', () => {
    aurora().template().hasResourceProperties('AWS::Backup::RestoreTestingSelection', { ValidationWindowHours: 4 });
    expect(() => build({}, { resourceType: RestoreDrillResourceType.AURORA, resourceArns: [`arn:aws:rds:${REGION}:${ACCOUNT}:cluster:orders`], validationWindow: Duration.hours(2) }))
      .toThrow(/validationWindow is 2 hours; an Aurora restore with validation is checked through a DB instance.*at least 3 hours/);
  });
});
