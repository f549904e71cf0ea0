import { App, Duration, Size, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { CrossAccountBucket, DumpBucket, DumpBucketAttributes, DumpVerifyJob, DumpVerifyJobProps, PgDumpJob } from '../../lib';
import { acknowledgedIds, formatFindings, nagFindings } from '../nag';
import { describeRoleTag } from './role-tag';

const SCRATCH_ARN = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:scratch-AbCdEf';
const PRODUCTION_ARN = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:orders-prod-GhIjKl';
const BUCKET = 'acme-dumps-222222222222-us-east-1';
const ALIAS_ARN = `arn:aws:kms:us-east-1:222222222222:alias/${BUCKET}`;
const CROSS_ACCOUNT: DumpBucketAttributes = { bucketName: BUCKET, account: '222222222222', encryptionKeyArn: ALIAS_ARN };

interface Fixture {
  readonly stack: Stack;
  readonly vpc: ec2.Vpc;
  readonly scratch: secretsmanager.ISecret;
  readonly scratchSg: ec2.SecurityGroup;
}

function fixture(): Fixture {
  const stack = new Stack(new App(), 'S', { env: { account: '111111111111', region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'db', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  return {
    stack,
    vpc,
    scratch: secretsmanager.Secret.fromSecretCompleteArn(stack, 'Scratch', SCRATCH_ARN),
    scratchSg: new ec2.SecurityGroup(stack, 'ScratchSg', { vpc, description: 'scratch server' }),
  };
}

/** A PostgreSQL instance of this app, with its generated secret. */
function postgres(f: Fixture, id: string, version: rds.PostgresEngineVersion): rds.DatabaseInstance {
  return new rds.DatabaseInstance(f.stack, id, {
    engine: rds.DatabaseInstanceEngine.postgres({ version }),
    vpc: f.vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    storageEncrypted: true,
  });
}

/** The job; `bucket` changes the attributes of the default bucket, another account's by name. */
type BuildProps = Partial<DumpVerifyJobProps> & { readonly bucket?: Partial<DumpBucketAttributes> };

function build(buildProps: BuildProps = {}, f: Fixture = fixture()) {
  const { bucket, ...props } = buildProps;
  const job = new DumpVerifyJob(f.stack, 'Verify', {
    databaseName: 'orders',
    vpc: f.vpc,
    scratchSecret: f.scratch,
    scratchServer: new ec2.Connections({ securityGroups: [f.scratchSg] }),
    productionTarget: 'orders.abc123xyz.us-east-1.rds.amazonaws.com:5432/orders',
    dumpBucket: props.dumpBucket ?? DumpBucket.fromDumpBucketAttributes(f.stack, 'Dumps', { ...CROSS_ACCOUNT, ...bucket }),
    ...props,
  });
  let template: Template | undefined;
  return {
    ...f,
    job,
    get template(): Template {
      template ??= Template.fromStack(f.stack);
      return template;
    },
  };
}

function logicalId(template: Template, prefix: string): string {
  const ids = Object.keys(template.toJSON().Resources).filter((key) => new RegExp(`^${prefix}[0-9A-F]{8}$`).test(key));
  expect(ids).toHaveLength(1);
  return ids[0];
}

const getAtt = (prefix: string, attribute = 'Arn') => ({ 'Fn::GetAtt': [Match.stringLikeRegexp(`^${prefix}[0-9A-F]{8}$`), attribute] });
const s3Arn = (suffix: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::${suffix}`]] });

function environment(template: Template): Record<string, unknown> {
  const [fn] = Object.values(template.findResources('AWS::Lambda::Function')) as any[];
  return fn.Properties.Environment.Variables;
}


describe('DumpVerifyJob', () => {

  describeRoleTag(build);
  describe('function', () => {
    test('a container-image function running verify-dump/index.handler, with /tmp for the whole dump', () => {
      const { template } = build();
      template.hasResourceProperties('AWS::Lambda::Function', {
        PackageType: 'Image',
        ImageConfig: { Command: ['verify-dump/index.handler'] },
        MemorySize: 2048,
        Timeout: 900,
        EphemeralStorage: { Size: 10240 },
        ReservedConcurrentExecutions: 1,
        DeadLetterConfig: { TargetArn: getAtt('VerifyDeadLetterQueue') },
        LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^VerifyLogGroup') } },
        VpcConfig: {
          SecurityGroupIds: [getAtt('VerifySecurityGroup', 'GroupId')],
          SubnetIds: [{ Ref: Match.stringLikeRegexp('^VpcdbSubnet1Subnet') }, { Ref: Match.stringLikeRegexp('^VpcdbSubnet2Subnet') }],
        },
      });
    });

    test('the default environment: scratch secret, database, bucket, owner, 1 % tolerance, no checks, 2 workers, TLS', () => {
      expect(environment(build().template)).toEqual({
        VERIFY_SECRET_ARN: SCRATCH_ARN,
        VERIFY_DATABASE: 'orders',
        VERIFY_BUCKET: BUCKET,
        VERIFY_PREFIX: 'pg-dump/',
        VERIFY_BUCKET_OWNER: '222222222222',
        VERIFY_PRODUCTION_TARGET: 'orders.abc123xyz.us-east-1.rds.amazonaws.com:5432/orders',
        VERIFY_ROW_COUNT_TOLERANCE_PERCENT: '1',
        VERIFY_FRESHNESS_CHECKS: '[]',
        VERIFY_SQL_CHECKS: '[]',
        VERIFY_RESTORE_JOBS: '2',
        VERIFY_SSL_MODE: 'verify-full',
        VERIFY_SSL_ROOT_CERT: '/opt/rds-ca/global-bundle.pem',
      });
    });

    test('checks, tolerance, workers, single table and the production target are passed to the handler', () => {
      const env = environment(build({
        rowCountTolerancePercent: 0.5,
        freshnessChecks: [{ table: 'public.orders', column: 'created_at', maxAge: Duration.hours(25) }],
        sqlChecks: [{ name: 'users exist', sql: 'select count(*) > 0 from users' }],
        restoreJobs: 4,
        singleTable: 'public.orders',
        productionTarget: 'orders.abc123xyz.us-east-1.rds.amazonaws.com:5432/orders',
      }).template);
      expect(env).toEqual(expect.objectContaining({
        VERIFY_ROW_COUNT_TOLERANCE_PERCENT: '0.5',
        VERIFY_RESTORE_JOBS: '4',
        VERIFY_SINGLE_TABLE: 'public.orders',
        VERIFY_PRODUCTION_TARGET: 'orders.abc123xyz.us-east-1.rds.amazonaws.com:5432/orders',
      }));
      expect(JSON.parse(env.VERIFY_FRESHNESS_CHECKS as string)).toEqual([
        { table: 'public.orders', column: 'created_at', maxAgeSeconds: 90000 },
      ]);
      expect(JSON.parse(env.VERIFY_SQL_CHECKS as string)).toEqual([{ name: 'users exist', sql: 'select count(*) > 0 from users' }]);
    });
  });

  describe('network', () => {
    test('egress only to the scratch server port and to HTTPS; ingress on the scratch group from the job', () => {
      const { template } = build({ scratchPort: 5433 });
      template.hasResourceProperties('AWS::EC2::SecurityGroup', {
        GroupDescription: 'verify-dump job S/Verify: egress to its database and to AWS APIs only',
        SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: Match.anyValue() }],
      });
      template.resourceCountIs('AWS::EC2::SecurityGroupEgress', 1);
      template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
        GroupId: getAtt('VerifySecurityGroup', 'GroupId'),
        DestinationSecurityGroupId: getAtt('ScratchSg', 'GroupId'),
        FromPort: 5433,
        ToPort: 5433,
      });
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        GroupId: getAtt('ScratchSg', 'GroupId'),
        SourceSecurityGroupId: getAtt('VerifySecurityGroup', 'GroupId'),
        FromPort: 5433,
        ToPort: 5433,
      });
    });
  });

  describe('permissions', () => {
    test('read-only access to <prefix><database>/ of the bucket, decrypt through S3, the scratch secret', () => {
      const { template } = build();
      const [policy] = Object.entries(template.findResources('AWS::IAM::ManagedPolicy'))
        .filter(([key]) => key.startsWith('VerifyServicePolicy')) as any[];
      expect(policy[1].Properties.Roles).toEqual([{ Ref: logicalId(template, 'VerifyServiceRole') }]);
      expect(policy[1].Properties.PolicyDocument.Statement).toEqual([
        { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [logicalId(template, 'VerifyDeadLetterQueue'), 'Arn'] } },
        { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: SCRATCH_ARN },
        { Effect: 'Allow', Action: 's3:GetObject', Resource: s3Arn(`${BUCKET}/pg-dump/orders/*`) },
        {
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: s3Arn(BUCKET),
          Condition: { StringLike: { 's3:prefix': ['pg-dump/orders/*'] } },
        },
        {
          Effect: 'Allow',
          Action: 'kms:Decrypt',
          Resource: 'arn:aws:kms:us-east-1:222222222222:key/*',
          Condition: {
            'StringEquals': { 'kms:ViaService': 's3.us-east-1.amazonaws.com' },
            'StringLike': { 'kms:EncryptionContext:aws:s3:arn': [s3Arn(BUCKET), s3Arn(`${BUCKET}/pg-dump/orders/*`)] },
            'ForAnyValue:StringEquals': { 'kms:ResourceAliases': `alias/${BUCKET}` },
          },
        },
      ]);
      template.resourceCountIs('AWS::IAM::Policy', 0);
    });

    test('a CrossAccountBucket of the same stack is read under its prefix with its key', () => {
      const f = fixture();
      const dumps = new CrossAccountBucket(f.stack, 'Dumps', { bucketName: 'acme-dumps' });
      const { template } = build({ dumpBucket: dumps }, f);
      template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Action: 'kms:Decrypt', Resource: getAtt('DumpsKey') })]),
        },
      });
      expect(environment(template)).toEqual(expect.objectContaining({ VERIFY_BUCKET_OWNER: '111111111111', VERIFY_PREFIX: 'pg-dump/' }));
    });
  });

  describe('schedule', () => {
    test('weekly on Sunday at 04:00 UTC, after the default daily dump, with retries and the dead-letter queue', () => {
      build().template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'cron(0 4 ? * SUN *)',
        ScheduleExpressionTimezone: 'Etc/UTC',
        Target: {
          Arn: getAtt('Verify'),
          RoleArn: getAtt('VerifyScheduleRole'),
          RetryPolicy: { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 3600 },
          DeadLetterConfig: { Arn: getAtt('VerifyDeadLetterQueue') },
        },
      });
    });

    test('a daily verification (seed 001)', () => {
      build({ schedule: scheduler.ScheduleExpression.cron({ minute: '0', hour: '5' }) }).template
        .hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(0 5 * * ? *)' });
    });
  });

  describe('metrics', () => {
    test.each([
      ['metricVerificationSuccess', 'VerificationSuccess', 'Minimum'],
      ['metricVerifiedBackupAgeSeconds', 'VerifiedBackupAgeSeconds', 'Maximum'],
      ['metricRestoreDurationSeconds', 'RestoreDurationSeconds', 'Maximum'],
    ] as const)('%s reads %s of the database, %s over 1 hour', (method, metricName, statistic) => {
      const metric = build().job[method]();
      expect(metric.namespace).toBe('CdkBackupDr');
      expect(metric.metricName).toBe(metricName);
      expect(metric.dimensions).toEqual({ Database: 'orders' });
      expect(metric.statistic).toBe(statistic);
      expect(metric.period.toSeconds()).toBe(3600);
    });
  });

  describe('the scratch target is never the production database', () => {
    test('fails when the production secret is the scratch secret', () => {
      const f = fixture();
      expect(() => build({ productionSecret: f.scratch }, f))
        .toThrow(`S/Verify: scratchSecret is the productionSecret ('${SCRATCH_ARN}'); the verification creates and drops databases`);
    });

    test.each([
      ['the same complete ARN', SCRATCH_ARN],
      ['its partial ARN', 'arn:aws:secretsmanager:us-east-1:111111111111:secret:scratch'],
    ])('fails when the production secret is the scratch secret by %s', (_how, arn) => {
      const f = fixture();
      const production = arn === SCRATCH_ARN
        ? secretsmanager.Secret.fromSecretCompleteArn(f.stack, 'Production', arn)
        : secretsmanager.Secret.fromSecretPartialArn(f.stack, 'Production', arn);
      expect(() => build({ productionSecret: production }, f)).toThrow(/scratchSecret is the productionSecret/);
    });

    test('fails when the production server is the scratch server', () => {
      const f = fixture();
      const server = new ec2.Connections({ securityGroups: [f.scratchSg] });
      expect(() => build({ scratchServer: server, productionServer: server }, f))
        .toThrow(/scratchServer is the productionServer \('the same connections'\); the verification restores whole dumps/);
    });

    test('fails when the production server is the same RDS instance', () => {
      const f = fixture();
      const instance = (id: string) => rds.DatabaseInstance.fromDatabaseInstanceAttributes(f.stack, id, {
        instanceIdentifier: 'orders-prod',
        instanceEndpointAddress: 'orders-prod.abc123xyz.us-east-1.rds.amazonaws.com',
        port: 5432,
        securityGroups: [f.scratchSg],
      });
      expect(() => build({ scratchServer: instance('A'), productionServer: instance('B') }, f))
        .toThrow(/scratchServer is the productionServer \('S\/A'\)/);
    });

    test('fails when the production server is a database of this app whose generated secret is the scratch secret', () => {
      const f = fixture();
      const production = postgres(f, 'Production', rds.PostgresEngineVersion.VER_16);
      expect(() => build({ scratchSecret: production.secret!, productionServer: production }, f))
        .toThrow(/^S\/Verify: scratchSecret is the secret of productionServer \('.+'\); the verification creates and drops databases/);
    });

    test('a separate scratch server and secret pass', () => {
      const f = fixture();
      const productionSg = new ec2.SecurityGroup(f.stack, 'ProductionSg', { vpc: f.vpc });
      expect(() => build({
        productionSecret: secretsmanager.Secret.fromSecretCompleteArn(f.stack, 'Production', PRODUCTION_ARN),
        productionServer: new ec2.Connections({ securityGroups: [productionSg] }),
        productionTarget: 'orders.abc123xyz.us-east-1.rds.amazonaws.com:5432/orders',
      }, f)).not.toThrow();
    });
  });

  describe('PostgreSQL majors', () => {
    test('fails at synth when the PgDumpJob writing the dumps uses a newer client than this job', () => {
      const f = fixture();
      const dumps = DumpBucket.fromDumpBucketAttributes(f.stack, 'Dumps', CROSS_ACCOUNT);
      build({ dumpBucket: dumps, pgMajor: 15 }, f);
      new PgDumpJob(f.stack, 'Dump', {
        databaseName: 'orders',
        vpc: f.vpc,
        databaseSecret: secretsmanager.Secret.fromSecretCompleteArn(f.stack, 'Production', PRODUCTION_ARN),
        databaseServer: new ec2.Connections({ securityGroups: [f.scratchSg] }),
        dumpBucket: dumps,
        pgMajor: 17,
      });
      expect(() => Template.fromStack(f.stack)).toThrow(
        "pgMajor is 15 but PgDumpJob 'S/Dump', which writes the dumps this job restores, uses 17; pg_restore cannot read " +
          "archives of a newer pg_dump: use pgMajor: 17 (the job image's build arg PG_MAJOR=17) here, or the same major in both jobs");
    });

    test.each([
      ['the same major', 16, 'orders', undefined],
      ['an older dump client', 15, 'orders', undefined],
      ['a newer dump client of another database', 17, 'billing', undefined],
      ['a newer dump client under another prefix', 17, 'orders', 'other/'],
    ])('passes beside a PgDumpJob with %s', (_case, dumpMajor, databaseName, prefix) => {
      const f = fixture();
      build({ pgMajor: 16 }, f);
      new PgDumpJob(f.stack, 'Dump', {
        databaseName,
        vpc: f.vpc,
        databaseSecret: secretsmanager.Secret.fromSecretCompleteArn(f.stack, 'Production', PRODUCTION_ARN),
        databaseServer: new ec2.Connections({ securityGroups: [f.scratchSg] }),
        dumpBucket: DumpBucket.fromDumpBucketAttributes(f.stack, 'Dumps2', { ...CROSS_ACCOUNT, prefix }),
        pgMajor: dumpMajor,
      });
      expect(() => Template.fromStack(f.stack)).not.toThrow();
    });

    test('warns when the scratch server runs an older major than production', () => {
      const f = fixture();
      build({ scratchServer: postgres(f, 'Scratch16', rds.PostgresEngineVersion.VER_16), productionServer: postgres(f, 'Prod17', rds.PostgresEngineVersion.VER_17) }, f);
      Annotations.fromStack(f.stack).hasWarning('/S/Verify', Match.stringLikeRegexp(
        '^scratchServer runs PostgreSQL 16, older than productionServer \\(PostgreSQL 17\\); .* run the scratch server on PostgreSQL 17'));
    });

    test('no warning when the scratch server runs the production major', () => {
      const f = fixture();
      build({ scratchServer: postgres(f, 'Scratch17', rds.PostgresEngineVersion.VER_17), productionServer: postgres(f, 'Prod17', rds.PostgresEngineVersion.VER_17) }, f);
      expect(Annotations.fromStack(f.stack).findWarning('/S/Verify', Match.stringLikeRegexp('scratchServer runs'))).toHaveLength(0);
    });
  });

  describe('validation', () => {
    test.each([
      ['rowCountTolerancePercent is negative', { rowCountTolerancePercent: -1 }, /rowCountTolerancePercent is -1; it is a percentage, 0-100/],
      ['rowCountTolerancePercent is above 100', { rowCountTolerancePercent: 101 }, /rowCountTolerancePercent is 101;/],
      ['restoreJobs is out of range', { restoreJobs: 0 }, /restoreJobs is 0 workers; allowed range is 1-16 workers/],
      ['singleTable has no schema', { singleTable: 'orders' }, /singleTable 'orders' is invalid: a table is 'schema.table'/],
      ['a freshness table has no schema', { freshnessChecks: [{ table: 'orders', column: 'created_at', maxAge: Duration.days(1) }] },
        /freshnessChecks\[0\].table 'orders' is invalid/],
      ['a freshness column is an expression', { freshnessChecks: [{ table: 'public.orders', column: 'now()', maxAge: Duration.days(1) }] },
        /freshnessChecks\[0\].column 'now\(\)' is invalid: a column name is a plain identifier/],
      ['a freshness age is under a minute', { freshnessChecks: [{ table: 'public.orders', column: 'created_at', maxAge: Duration.seconds(30) }] },
        /freshnessChecks\[0\].maxAge is 30 seconds; it must be whole seconds, at least 1 minute/],
      ['a SQL check has no name', { sqlChecks: [{ name: ' ', sql: 'select true' }] }, /sqlChecks\[0\].name ' ' is empty/],
      ['two SQL checks share a name', { sqlChecks: [{ name: 'a', sql: 'select true' }, { name: 'a', sql: 'select true' }] },
        /sqlChecks\[1\].name 'a' is used twice/],
      ['a SQL check has no query', { sqlChecks: [{ name: 'a', sql: '' }] }, /sqlChecks\[0\].sql is empty/],
      ['productionTarget is not host:port/dbname', { productionTarget: 'orders-prod' }, /productionTarget 'orders-prod' is invalid: the production database as 'host:port\/dbname'/],
      ['productionTarget has no valid port', { productionTarget: 'db.example.com:99999/orders' }, /productionTarget 'db.example.com:99999\/orders' port is 99999; a TCP port is a whole number 1-65535/],
      ['the checks exceed the 4 KB environment', { sqlChecks: [{ name: 'long', sql: `select ${'1 + '.repeat(1100)}1 > 0` }] },
        /the job's environment is \d+ bytes; Lambda allows 4096 in total/],
      ['ephemeralStorageSize is below the Lambda minimum', { ephemeralStorageSize: Size.mebibytes(256) }, /ephemeralStorageSize is 256 MiB; Lambda allows 512-10240 MiB/],
      ['the schedule is not cron', { schedule: scheduler.ScheduleExpression.rate(Duration.days(7)) }, /schedule 'rate\(7 days\)' is not a cron expression/],
      ['timeout exceeds the Lambda maximum', { timeout: Duration.hours(1) }, /timeout is 1 hour; Lambda stops an invocation at 15 minutes/],
      ['pgMajor is unsupported', { pgMajor: 13 }, /pgMajor is 13;/],
      ['databaseName is invalid', { databaseName: '' }, /databaseName '' is invalid/],
      ["another account's bucket has no key", { bucket: { encryptionKeyArn: undefined } }, /of account 222222222222 has no encryptionKeyArn/],
      ['scratchPort is out of range', { scratchPort: 0 }, /scratchPort is 0; a TCP port is a whole number 1-65535/],
    ])('fails when %s', (_what, props, message) => {
      expect(() => build(props as BuildProps)).toThrow(message);
    });
  });

  describe('cdk-nag', () => {
    test('no unacknowledged finding on the job\'s resources in the five packs', () => {
      const { job } = build();
      expect(formatFindings(nagFindings(job))).toBe('');
    });

    test('no unacknowledged finding with a CrossAccountBucket of the same stack', () => {
      const f = fixture();
      const dumps = new CrossAccountBucket(f.stack, 'Dumps', { bucketName: 'acme-dumps' });
      const { job } = build({ dumpBucket: dumps }, f);
      expect(formatFindings(nagFindings(job))).toBe('');
    });

    test('acknowledgements sit on the resources that cause them', () => {
      const { job } = build();
      expect(acknowledgedIds(job)).toEqual([]);
      expect(acknowledgedIds(job.node.findChild('ServicePolicy'))).toEqual([
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${BUCKET}/pg-dump/orders/*]`,
        'AwsSolutions-IAM5[Resource::arn:aws:kms:us-east-1:222222222222:key/*]',
      ]);
    });
  });
});
