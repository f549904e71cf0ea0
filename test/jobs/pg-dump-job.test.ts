import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Size, Stack, TimeZone } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { AssetManifestArtifact } from 'aws-cdk-lib/cx-api';
import {
  CrossAccountBucket, DumpBucket, DumpBucketAttributes, DumpCompression, DumpVerifyJob, IDumpBucket, PgDumpJob, PgDumpJobProps,
} from '../../lib';
import {
  DEFAULT_PG_MAJOR, JOB_IMAGE_DIRECTORY, PG_DUMP_HANDLER, RDS_CA_BUNDLE_PATH, RPO_WATCH_HANDLER, SUPPORTED_PG_MAJORS, VERIFY_DUMP_HANDLER, VALIDATE_RESTORE_HANDLER,
} from '../../lib/private/job-image';
import { acknowledgedIds, formatFindings, nagFindings } from '../nag';
import { describeRoleTag } from './role-tag';

const ROOT = path.join(__dirname, '..', '..');
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:orders-prod-AbCdEf';
const BUCKET = 'acme-dumps-222222222222-us-east-1';
const ALIAS_ARN = `arn:aws:kms:us-east-1:222222222222:alias/${BUCKET}`;
const KEY_ARN = 'arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab';
/** Another account's bucket, named by plain strings as the reference app does. */
const CROSS_ACCOUNT: DumpBucketAttributes = { bucketName: BUCKET, account: '222222222222', encryptionKeyArn: ALIAS_ARN };

interface Fixture {
  readonly app: App;
  readonly stack: Stack;
  readonly vpc: ec2.Vpc;
  readonly secret: secretsmanager.ISecret;
  readonly dbSg: ec2.SecurityGroup;
}

function fixture(): Fixture {
  const app = new App();
  const stack = new Stack(app, 'S', { env: { account: '111111111111', region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'db', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  const secret = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Secret', SECRET_ARN);
  const dbSg = new ec2.SecurityGroup(stack, 'DbSg', { vpc, description: 'database' });
  return { app, stack, vpc, secret, dbSg };
}

/** Another account's bucket by name, `CROSS_ACCOUNT` unless `attrs` say otherwise. */
function named(f: Fixture, attrs: Partial<DumpBucketAttributes> = {}, id = 'Dumps'): IDumpBucket {
  return DumpBucket.fromDumpBucketAttributes(f.stack, id, { ...CROSS_ACCOUNT, ...attrs });
}

/** The job; `bucket` changes the attributes of the default `named()` bucket. */
type BuildProps = Partial<PgDumpJobProps> & { readonly bucket?: Partial<DumpBucketAttributes> };

function build(buildProps: BuildProps = {}, f: Fixture = fixture()) {
  const { bucket, ...props } = buildProps;
  const job = new PgDumpJob(f.stack, 'Dump', {
    databaseName: 'orders',
    vpc: f.vpc,
    databaseSecret: f.secret,
    databaseServer: new ec2.Connections({ securityGroups: [f.dbSg] }),
    dumpBucket: props.dumpBucket ?? named(f, bucket),
    ...props,
  });
  let template: Template | undefined;
  return {
    ...f,
    job,
    /** Synthesizes on first use: tests that add to the stack do so before reading the template. */
    get template(): Template {
      template ??= Template.fromStack(f.stack);
      return template;
    },
  };
}

const id = (prefix: string) => Match.stringLikeRegexp(`^${prefix}[0-9A-F]{8}$`);
const getAtt = (prefix: string, attribute = 'Arn') => ({ 'Fn::GetAtt': [id(prefix), attribute] });

/** The one logical id `<prefix><8 hex digits>` of a template, for exact (`toEqual`) comparisons. */
function logicalId(template: Template, prefix: string): string {
  const ids = Object.keys(template.toJSON().Resources).filter((key) => new RegExp(`^${prefix}[0-9A-F]{8}$`).test(key));
  expect(ids).toHaveLength(1);
  return ids[0];
}
const s3Arn = (suffix: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::${suffix}`]] });

function policyStatements(template: Template, prefix: string): unknown[] {
  const policies = Object.entries(template.findResources('AWS::IAM::ManagedPolicy'))
    .filter(([logicalId]) => new RegExp(`^${prefix}[0-9A-F]{8}$`).test(logicalId));
  expect(policies).toHaveLength(1);
  return (policies[0][1] as any).Properties.PolicyDocument.Statement;
}


describe('PgDumpJob', () => {
  describeRoleTag(build);

  describe('function', () => {
    test('a container-image function running pg-dump/index.handler, sized for a 15-minute streamed dump', () => {
      const { template } = build();
      template.hasResourceProperties('AWS::Lambda::Function', {
        PackageType: 'Image',
        ImageConfig: { Command: ['pg-dump/index.handler'] },
        MemorySize: 2048,
        Timeout: 900,
        EphemeralStorage: { Size: 512 },
        ReservedConcurrentExecutions: 1,
        DeadLetterConfig: { TargetArn: getAtt('DumpDeadLetterQueue') },
        LoggingConfig: { LogGroup: { Ref: id('DumpLogGroup') } },
        Role: getAtt('DumpServiceRole'),
        Description: `pg_dump of orders to s3://${BUCKET}/pg-dump/orders/`,
      });
      const [fn] = Object.values(template.findResources('AWS::Lambda::Function')) as any[];
      expect(fn.Properties.Architectures).toBeUndefined(); // x86_64, as the image is built
      expect(fn.Properties.Code.ImageUri['Fn::Sub']).toMatch(
        /^111111111111\.dkr\.ecr\.us-east-1\.\$\{AWS::URLSuffix\}\/cdk-hnb659fds-container-assets-111111111111-us-east-1:[0-9a-f]{64}$/);
      expect(fn.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^DumpServicePolicy[0-9A-F]{8}$/)]));
    });

    test('the environment carries the job contract: secret, database, bucket, owner, key, compression, part size, TLS', () => {
      const { template } = build();
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: {
            DUMP_SECRET_ARN: SECRET_ARN,
            DUMP_DATABASE: 'orders',
            DUMP_BUCKET: BUCKET,
            DUMP_PREFIX: 'pg-dump/',
            DUMP_BUCKET_OWNER: '222222222222',
            DUMP_KMS_KEY: ALIAS_ARN,
            DUMP_COMPRESSION: 'gzip:3',
            DUMP_PART_SIZE_MIB: '16',
            DUMP_LOCK_WAIT_TIMEOUT_SECONDS: '60',
            DUMP_SSL_MODE: 'verify-full',
            DUMP_SSL_ROOT_CERT: '/opt/rds-ca/global-bundle.pem',
          },
        },
      });
    });

    test.each([
      ['gzip()', DumpCompression.gzip(), 'gzip:3'],
      ['gzip(9)', DumpCompression.gzip(9), 'gzip:9'],
      ['lz4()', DumpCompression.lz4(), 'lz4:1'],
      ['zstd()', DumpCompression.zstd(), 'zstd:3'],
      ['zstd(19)', DumpCompression.zstd(19), 'zstd:19'],
      ['none()', DumpCompression.none(), 'none'],
    ])('DumpCompression.%s is passed as DUMP_COMPRESSION %s', (_name, compression, value) => {
      build({ compression }).template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ DUMP_COMPRESSION: value }) },
      });
    });

    test('memory, timeout, /tmp, part size and prefix can be set', () => {
      const { template } = build({
        memorySize: 4096,
        timeout: Duration.minutes(10),
        ephemeralStorageSize: Size.gibibytes(1),
        partSize: Size.mebibytes(64),
        bucket: { prefix: 'dumps/' },
      });
      template.hasResourceProperties('AWS::Lambda::Function', {
        MemorySize: 4096,
        Timeout: 600,
        EphemeralStorage: { Size: 1024 },
        Environment: { Variables: Match.objectLike({ DUMP_PART_SIZE_MIB: '64', DUMP_PREFIX: 'dumps/' }) },
      });
    });

    test.each([
      [s3.StorageClass.INFREQUENT_ACCESS, 'STANDARD_IA'],
      [s3.StorageClass.INTELLIGENT_TIERING, 'INTELLIGENT_TIERING'],
      [s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, 'GLACIER_IR'],
    ])('storageClass %s is passed on as DUMP_STORAGE_CLASS %s; unset, the variable is absent', (storageClass, value) => {
      build({ storageClass }).template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ DUMP_STORAGE_CLASS: value }) },
      });
      build().template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ DUMP_STORAGE_CLASS: Match.absent() }) },
      });
    });

    test('runs in the given subnets behind its own security group', () => {
      const { template } = build();
      template.hasResourceProperties('AWS::Lambda::Function', {
        VpcConfig: {
          SecurityGroupIds: [getAtt('DumpSecurityGroup', 'GroupId')],
          SubnetIds: [{ Ref: Match.stringLikeRegexp('^VpcdbSubnet1Subnet') }, { Ref: Match.stringLikeRegexp('^VpcdbSubnet2Subnet') }],
        },
      });
    });

    test('reserveConcurrency: false leaves the concurrency unreserved', () => {
      const [fn] = Object.values(build({ reserveConcurrency: false }).template.findResources('AWS::Lambda::Function')) as any[];
      expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
    });
  });

  describe('network', () => {
    test('egress only to the database port and to HTTPS; ingress on the database group from the job', () => {
      const { template } = build();
      template.hasResourceProperties('AWS::EC2::SecurityGroup', {
        GroupDescription: 'pg-dump job S/Dump: egress to its database and to AWS APIs only',
        SecurityGroupEgress: [{
          CidrIp: '0.0.0.0/0',
          IpProtocol: 'tcp',
          FromPort: 443,
          ToPort: 443,
          Description: 'HTTPS to the S3, Secrets Manager, KMS and CloudWatch Logs endpoints',
        }],
      });
      template.resourceCountIs('AWS::EC2::SecurityGroupEgress', 1);
      template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
        GroupId: getAtt('DumpSecurityGroup', 'GroupId'),
        DestinationSecurityGroupId: getAtt('DbSg', 'GroupId'),
        IpProtocol: 'tcp',
        FromPort: 5432,
        ToPort: 5432,
      });
      template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 1);
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        GroupId: getAtt('DbSg', 'GroupId'),
        SourceSecurityGroupId: getAtt('DumpSecurityGroup', 'GroupId'),
        IpProtocol: 'tcp',
        FromPort: 5432,
        ToPort: 5432,
      });
    });

    test.each([
      ['databasePort', { databasePort: 6432 }, undefined, 6432],
      ["the database's default port", {}, ec2.Port.tcp(5433), 5433],
    ])('the port is %s', (_what, props, defaultPort, port) => {
      const f = fixture();
      const { template } = build({ ...props, databaseServer: new ec2.Connections({ securityGroups: [f.dbSg], defaultPort }) }, f);
      for (const type of ['AWS::EC2::SecurityGroupEgress', 'AWS::EC2::SecurityGroupIngress']) {
        template.hasResourceProperties(type, { FromPort: port, ToPort: port });
      }
    });

    test.each([
      ['a DatabaseInstance with its port', { port: 6543 }, 6543],
      ['a DatabaseInstance with the engine default', {}, 5432],
    ])('the rule carries the literal port of %s, not its endpoint token', (_what, props, port) => {
      const f = fixture();
      const db = new rds.DatabaseInstance(f.stack, 'Db', {
        engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
        vpc: f.vpc,
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        storageEncrypted: true,
        ...props,
      });
      const { template } = build({ databaseServer: db }, f);
      for (const type of ['AWS::EC2::SecurityGroupEgress', 'AWS::EC2::SecurityGroupIngress']) {
        template.hasResourceProperties(type, { FromPort: port, ToPort: port });
      }
    });

    test('an Aurora PostgreSQL cluster of the app without a port: the rule carries 5432, the engine default', () => {
      const f = fixture();
      const cluster = new rds.DatabaseCluster(f.stack, 'Aurora', {
        engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
        vpc: f.vpc,
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        writer: rds.ClusterInstance.serverlessV2('Writer'),
      });
      const { template } = build({ databaseServer: cluster }, f);
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 5432, ToPort: 5432 });
    });
  });

  describe('permissions', () => {
    test('write-only access to <prefix><database>/ of another account\'s bucket, its key by alias through S3, the secret', () => {
      const { template } = build();
      expect(policyStatements(template, 'DumpServicePolicy')).toEqual([
        { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [logicalId(template, 'DumpDeadLetterQueue'), 'Arn'] } },
        {
          Effect: 'Allow',
          Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
          Resource: SECRET_ARN,
        },
        {
          Effect: 'Allow',
          Action: ['s3:PutObject', 's3:AbortMultipartUpload'],
          Resource: s3Arn(`${BUCKET}/pg-dump/orders/*`),
        },
        {
          Effect: 'Allow',
          Action: 's3:ListBucket',
          Resource: s3Arn(BUCKET),
          Condition: { StringLike: { 's3:prefix': ['pg-dump/orders/*'] } },
        },
        {
          Effect: 'Allow',
          Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
          Resource: 'arn:aws:kms:us-east-1:222222222222:key/*',
          Condition: {
            'StringEquals': { 'kms:ViaService': 's3.us-east-1.amazonaws.com' },
            'StringLike': { 'kms:EncryptionContext:aws:s3:arn': [s3Arn(BUCKET), s3Arn(`${BUCKET}/pg-dump/orders/*`)] },
            'ForAnyValue:StringEquals': { 'kms:ResourceAliases': `alias/${BUCKET}` },
          },
        },
      ]);
    });

    test('a key ARN is the resource itself, without an alias condition', () => {
      const statements = policyStatements(build({ bucket: { encryptionKeyArn: KEY_ARN } }).template, 'DumpServicePolicy') as any[];
      expect(statements[4]).toEqual({
        Effect: 'Allow',
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: KEY_ARN,
        Condition: {
          StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' },
          StringLike: { 'kms:EncryptionContext:aws:s3:arn': [s3Arn(BUCKET), s3Arn(`${BUCKET}/pg-dump/orders/*`)] },
        },
      });
    });

    test('a bucket of this account without a key gets no KMS permission and no DUMP_KMS_KEY, with a warning', () => {
      const { template, stack } = build({ bucket: { bucketName: 'acme-dumps', account: undefined, encryptionKeyArn: undefined } });
      Annotations.fromStack(stack).hasWarning('/S/Dump',
        Match.stringLikeRegexp("the dump bucket 'acme-dumps' has no encryptionKeyArn, so the job gets no KMS permission"));
      const statements = policyStatements(template, 'DumpServicePolicy') as any[];
      expect(statements.map((s) => s.Action)).toEqual([
        'sqs:SendMessage',
        ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        ['s3:PutObject', 's3:AbortMultipartUpload'],
        's3:ListBucket',
      ]);
      const [fn] = Object.values(template.findResources('AWS::Lambda::Function')) as any[];
      expect(fn.Properties.Environment.Variables.DUMP_KMS_KEY).toBeUndefined();
      expect(fn.Properties.Environment.Variables.DUMP_BUCKET_OWNER).toBe('111111111111');
    });

    test('a CrossAccountBucket of the same stack: its name, prefix and key ARN', () => {
      const f = fixture();
      const dumps = new CrossAccountBucket(f.stack, 'Dumps', { bucketName: 'acme-dumps', prefix: 'db/' });
      const { template } = build({ dumpBucket: dumps }, f);
      const bucket = { Ref: logicalId(template, 'Dumps') };
      const bucketArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', bucket]] };
      const objects = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', bucket, '/db/orders/*']] };
      const statements = policyStatements(template, 'DumpServicePolicy') as any[];
      expect(statements.slice(2)).toEqual([
        { Effect: 'Allow', Action: ['s3:PutObject', 's3:AbortMultipartUpload'], Resource: objects },
        { Effect: 'Allow', Action: 's3:ListBucket', Resource: bucketArn, Condition: { StringLike: { 's3:prefix': ['db/orders/*'] } } },
        {
          Effect: 'Allow',
          Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
          Resource: { 'Fn::GetAtt': [logicalId(template, 'DumpsKey'), 'Arn'] },
          Condition: {
            StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' },
            StringLike: { 'kms:EncryptionContext:aws:s3:arn': [bucketArn, objects] },
          },
        },
      ]);
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({
            DUMP_BUCKET: { Ref: id('Dumps') },
            DUMP_PREFIX: 'db/',
            DUMP_BUCKET_OWNER: '111111111111',
            DUMP_KMS_KEY: getAtt('DumpsKey'),
          }),
        },
      });
    });

    test('a CrossAccountBucket of another account\'s stack is named by its name and alias ARN, without references', () => {
      const app = new App();
      const backup = new Stack(app, 'Backup', { env: { account: '222222222222', region: 'us-east-1' } });
      const dumps = new CrossAccountBucket(backup, 'Dumps', { bucketName: BUCKET, writerPrincipals: ['111111111111'] });
      const stack = new Stack(app, 'S', { env: { account: '111111111111', region: 'us-east-1' } });
      const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'db', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
      const f = { app, stack, vpc, secret: secretsmanager.Secret.fromSecretCompleteArn(stack, 'Secret', SECRET_ARN), dbSg: new ec2.SecurityGroup(stack, 'DbSg', { vpc }) };
      const { template } = build({ dumpBucket: dumps }, f);
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({
            DUMP_BUCKET: BUCKET,
            DUMP_BUCKET_OWNER: '222222222222',
            DUMP_KMS_KEY: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:kms:us-east-1:222222222222:alias/${BUCKET}`]] },
          }),
        },
      });
      const statements = policyStatements(template, 'DumpServicePolicy') as any[];
      expect(statements[4].Resource).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':kms:us-east-1:222222222222:key/*']] });
      expect(statements[4].Condition['ForAnyValue:StringEquals']).toEqual({ 'kms:ResourceAliases': `alias/${BUCKET}` });
      expect(JSON.stringify(template.toJSON())).not.toContain('Fn::ImportValue');
    });

    test('no inline policy: the execution role has the VPC access policy and its own customer-managed policy', () => {
      const { template } = build();
      template.resourceCountIs('AWS::IAM::Policy', 0);
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'lambda.amazonaws.com' } }],
        },
        ManagedPolicyArns: [{
          'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole']],
        }],
      });
      template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
        Roles: [{ Ref: id('DumpServiceRole') }],
        Description: 'Permissions of the pg-dump job S/Dump',
      });
    });

    test('roleName gives the execution role a physical name', () => {
      build({ roleName: 'acme-pg-dump-orders' }).template.hasResourceProperties('AWS::IAM::Role', { RoleName: 'acme-pg-dump-orders' });
    });

    test('grants to the job land in its managed policy', () => {
      const built = build();
      const key = new kms.Key(built.stack, 'SecretKey');
      key.grantDecrypt(built.job);
      const { template } = built;
      const statements = policyStatements(template, 'DumpServicePolicy') as any[];
      expect(statements).toContainEqual({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': [logicalId(template, 'SecretKey'), 'Arn'] } });
      template.resourceCountIs('AWS::IAM::Policy', 0);
    });
  });

  describe('schedule', () => {
    test('daily at 03:00 UTC, with retries and the dead-letter queue', () => {
      const { template } = build();
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'cron(0 3 * * ? *)',
        ScheduleExpressionTimezone: 'Etc/UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: 'ENABLED',
        Target: {
          Arn: getAtt('Dump'),
          RoleArn: getAtt('DumpScheduleRole'),
          RetryPolicy: { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 3600 },
          DeadLetterConfig: { Arn: getAtt('DumpDeadLetterQueue') },
        },
      });
    });

    test('a cron schedule in another time zone', () => {
      const schedule = scheduler.ScheduleExpression.cron({ minute: '30', hour: '1', timeZone: TimeZone.EUROPE_BERLIN });
      build({ schedule }).template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'cron(30 1 * * ? *)',
        ScheduleExpressionTimezone: 'Europe/Berlin',
      });
    });

    test('the schedule role may be assumed by Scheduler of this account only, and may only invoke the job and send to its queue', () => {
      const { template } = build();
      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [{
            Effect: 'Allow',
            Action: 'sts:AssumeRole',
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: {
              StringEquals: {
                'aws:SourceAccount': '111111111111',
                'aws:SourceArn': {
                  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':scheduler:us-east-1:111111111111:schedule-group/default']],
                },
              },
            },
          }],
        },
      });
      expect(policyStatements(template, 'DumpSchedulePolicy')).toEqual([
        { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': [logicalId(template, 'Dump'), 'Arn'] } },
        { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [logicalId(template, 'DumpDeadLetterQueue'), 'Arn'] } },
      ]);
    });

    test('the dead-letter queue is encrypted, TLS-only and keeps messages 14 days', () => {
      const { template } = build();
      template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        PolicyDocument: {
          Statement: [{
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 'sqs:*',
            Resource: getAtt('DumpDeadLetterQueue'),
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }],
        },
      });
    });
  });

  describe('logs', () => {
    test('a log group kept one year, encrypted with a rotated key that CloudWatch Logs of this account may use', () => {
      const { template } = build();
      template.hasResource('AWS::Logs::LogGroup', {
        DeletionPolicy: 'Retain',
        Properties: { RetentionInDays: 365, KmsKeyId: getAtt('DumpLogKey') },
      });
      template.hasResourceProperties('AWS::KMS::Key', {
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([{
            Sid: 'AllowCloudWatchLogsOfThisAccount',
            Effect: 'Allow',
            Principal: { Service: 'logs.us-east-1.amazonaws.com' },
            Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
            Resource: '*',
            Condition: {
              ArnLike: {
                'kms:EncryptionContext:aws:logs:arn': {
                  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:us-east-1:111111111111:log-group:*']],
                },
              },
            },
          }]),
        },
      });
    });

    test('logRetention and logEncryptionKey can be given', () => {
      const f = fixture();
      const key = new kms.Key(f.stack, 'Logs', { enableKeyRotation: true });
      const { template } = build({ logRetention: logs.RetentionDays.TEN_YEARS, logEncryptionKey: key }, f);
      template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 3653, KmsKeyId: getAtt('Logs') });
      template.resourceCountIs('AWS::KMS::Key', 1);
    });
  });

  describe('metrics', () => {
    test.each([
      ['metricBackupSuccess', 'BackupSuccess', 'Minimum'],
      ['metricBackupSizeBytes', 'BackupSizeBytes', 'Maximum'],
      ['metricBackupDurationSeconds', 'BackupDurationSeconds', 'Maximum'],
    ] as const)('%s reads %s of the database, %s over 1 hour', (method, metricName, statistic) => {
      const metric = build().job[method]();
      expect(metric.namespace).toBe('CdkBackupDr');
      expect(metric.metricName).toBe(metricName);
      expect(metric.dimensions).toEqual({ Database: 'orders' });
      expect(metric.statistic).toBe(statistic);
      expect(metric.period.toSeconds()).toBe(3600);
      expect(build().job[method]({ period: Duration.days(1) }).period.toSeconds()).toBe(86400);
    });
  });

  describe('the client major against the database server', () => {
    function postgres(f: Fixture, version: rds.PostgresEngineVersion | rds.AuroraPostgresEngineVersion): ec2.IConnectable {
      if (version instanceof rds.AuroraPostgresEngineVersion) {
        return new rds.DatabaseCluster(f.stack, 'Db', {
          engine: rds.DatabaseClusterEngine.auroraPostgres({ version }),
          vpc: f.vpc,
          vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
          writer: rds.ClusterInstance.serverlessV2('Writer'),
        });
      }
      return new rds.DatabaseInstance(f.stack, 'Db', {
        engine: rds.DatabaseInstanceEngine.postgres({ version }),
        vpc: f.vpc,
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        storageEncrypted: true,
      });
    }

    test.each([
      ['an RDS instance', rds.PostgresEngineVersion.VER_16],
      ['an Aurora cluster', rds.AuroraPostgresEngineVersion.VER_16_4],
    ])('fails when pg_dump is older than %s it dumps, naming the build arg that fixes it', (_kind, version) => {
      const f = fixture();
      expect(() => build({ databaseServer: postgres(f, version), pgMajor: 15 }, f)).toThrow(
        "S/Dump: pgMajor is 15 but databaseServer runs PostgreSQL 16; pg_dump refuses servers newer than itself: use " +
          "pgMajor: 16 (the job image's build arg PG_MAJOR=16) or newer (e.g. pgMajor: 17 (the job image's build arg PG_MAJOR=17))");
    });

    test.each([16, 17])('a client of major %i dumps a PostgreSQL 16 server', (pgMajor) => {
      const f = fixture();
      expect(() => build({ databaseServer: postgres(f, rds.PostgresEngineVersion.VER_16), pgMajor }, f)).not.toThrow();
    });

    test('warns that no client of the image can dump a PostgreSQL 18 server yet', () => {
      const f = fixture();
      const { stack } = build({ databaseServer: postgres(f, rds.PostgresEngineVersion.VER_18) }, f);
      Annotations.fromStack(stack).hasWarning('/S/Dump', Match.stringLikeRegexp(
        '^databaseServer runs PostgreSQL 18, newer than every client the job image can install \\(Amazon Linux 2023 packages ' +
          'majors 15, 16, 17; build arg PG_MAJOR\\): pg_dump 17 refuses a PostgreSQL 18 server.*' +
          '\\[ack: cdk-backup-dr:PgDumpJob.serverNewerThanClients\\]$'));
    });

    test('a server whose engine is not known at synth is not compared', () => {
      const f = fixture();
      expect(() => build({ pgMajor: 15 }, f)).not.toThrow();
    });
  });

  describe('validation', () => {
    test.each([
      ['databaseName is not a database name', { databaseName: '../orders' }, /databaseName '..\/orders' is invalid/],
      ['pgMajor is older than Amazon Linux 2023 packages', { pgMajor: 14 }, /pgMajor is 14; .* packages majors 15, 16, 17/],
      ['pgMajor is newer than Amazon Linux 2023 packages', { pgMajor: 18 }, /pgMajor is 18;/],
      ['timeout exceeds the Lambda maximum', { timeout: Duration.minutes(16) }, /timeout is 16 minutes; Lambda stops an invocation at 15 minutes/],
      ['timeout is under a minute', { timeout: Duration.seconds(30) }, /timeout is 30 seconds;.* allowed range is 1-15 minutes/],
      ['memorySize is out of range', { memorySize: 64 }, /memorySize is 64 MiB; allowed range is 128-10240 MiB/],
      ['ephemeralStorageSize is out of range', { ephemeralStorageSize: Size.gibibytes(11) }, /ephemeralStorageSize is 11264 MiB; Lambda allows 512-10240 MiB/],
      ['the schedule is a rate', { schedule: scheduler.ScheduleExpression.rate(Duration.days(1)) }, /schedule 'rate\(1 day\)' is not a cron expression/],
      ['the schedule has five fields', { schedule: scheduler.ScheduleExpression.expression('cron(0 3 * * ?)') }, /schedule 'cron\(0 3 \* \* \?\)' has 5 fields; a cron expression has 6/],
      ['the schedule runs more than hourly', { schedule: scheduler.ScheduleExpression.expression('cron(0/15 * * * ? *)') }, /schedule 'cron\(0\/15 \* \* \* \? \*\)' is not a valid cron expression for a job: minutes is one number/],
      ['the schedule sets both day fields', { schedule: scheduler.ScheduleExpression.expression('cron(0 3 * * MON *)') }, /exactly one of day-of-month and day-of-week is '\?'/],
      ['lz4 needs a newer client', { compression: DumpCompression.lz4(), pgMajor: 15 }, /compression 'lz4:1' needs a PostgreSQL 16\+ client but pgMajor is 15/],
      ['lockWaitTimeout is under a second', { lockWaitTimeout: Duration.millis(500) },
        /lockWaitTimeout is 500 millis; it must be whole seconds from 1 second to 600 seconds/],
      ['lockWaitTimeout leaves the dump no time', { lockWaitTimeout: Duration.minutes(4), timeout: Duration.minutes(5) },
        /lockWaitTimeout is 4 minutes; it must be whole seconds from 1 second to 180 seconds \(at most 10 minutes, and 2 minutes shorter than the job's timeout of 5 minutes\)/],
      ['lockWaitTimeout is over 10 minutes', { lockWaitTimeout: Duration.minutes(11) }, /lockWaitTimeout is 11 minutes; .* to 600 seconds/],
      ['partSize is below the S3 minimum', { partSize: Size.mebibytes(4) }, /partSize is 4 MiB; S3 multipart parts are 5 MiB-5 GiB/],
      ['partSize is not whole MiB', { partSize: Size.kibibytes(5 * 1024 + 512) }, /partSize is 5.5 MiB;/],
      ['partSize takes more than a quarter of the memory', { partSize: Size.mebibytes(256), memorySize: 512 }, /partSize is 256 MiB but memorySize is 512 MiB/],
      ['storageClass is GLACIER', { storageClass: s3.StorageClass.GLACIER }, /storageClass is GLACIER; a dump is written in a class readable at once/],
      ['storageClass is ONEZONE_IA', { storageClass: s3.StorageClass.ONE_ZONE_INFREQUENT_ACCESS }, /storageClass is ONEZONE_IA;/],
      ['databasePort is out of range', { databasePort: 70000 }, /databasePort is 70000; a TCP port is a whole number 1-65535/],
      ['roleName is not an IAM role name', { roleName: 'pg dump' }, /roleName 'pg dump' is invalid: IAM role names/],
      ["another account's bucket has no key", { bucket: { encryptionKeyArn: undefined } }, new RegExp(`the dump bucket '${BUCKET}' of account 222222222222 has no encryptionKeyArn`)],
      ['encryptionKeyArn is not a KMS ARN', { bucket: { encryptionKeyArn: 'alias/acme' } }, /S\/Dumps: encryptionKeyArn 'alias\/acme' is invalid: expected the ARN of a KMS key or of its alias/],
      ["the key is not in the bucket's account", { bucket: { encryptionKeyArn: 'arn:aws:kms:us-east-1:333333333333:alias/acme' } }, /is in account 333333333333, not in the bucket's account 222222222222/],
      ['the bucket is in another region', { bucket: { encryptionKeyArn: 'arn:aws:kms:eu-west-1:222222222222:alias/acme' } }, new RegExp(`the dump bucket '${BUCKET}' is in eu-west-1 but the job is in us-east-1`)],
      ['the bucket is in another region by its region', { bucket: { region: 'eu-west-1', encryptionKeyArn: undefined, account: undefined } }, new RegExp(`the dump bucket '${BUCKET}' is in eu-west-1 but the job is in us-east-1`)],
      ["the key is not in the bucket's region", { bucket: { region: 'us-east-2' } }, /is in us-east-1, not in the bucket's region us-east-2/],
      ['account is not an account id', { bucket: { account: '2222' } }, /S\/Dumps: account '2222' is invalid/],
      ['region is not a region', { bucket: { region: 'moon-1' } }, /S\/Dumps: region 'moon-1' is not an AWS region name \(e\.g\. 'us-west-2'\)/],
      ['bucketName is not a bucket name', { bucket: { bucketName: 'Acme_Dumps' } }, /bucketName 'Acme_Dumps' is invalid/],
      ['prefix does not end with a slash', { bucket: { prefix: 'dumps' } }, /prefix 'dumps' is invalid: it must end with '\/'/],
      ['prefix has a wildcard', { bucket: { prefix: 'dumps/*/' } }, /prefix 'dumps\/\*\/' is invalid/],
    ])('fails when %s', (_what, props, message) => {
      expect(() => build(props as BuildProps)).toThrow(message);
    });

    test.each([
      ['gzip', () => DumpCompression.gzip(0), /DumpCompression.gzip level is 0; pg_dump accepts gzip levels 1-9/],
      ['lz4', () => DumpCompression.lz4(13), /DumpCompression.lz4 level is 13; pg_dump accepts lz4 levels 1-12/],
      ['zstd', () => DumpCompression.zstd(23), /DumpCompression.zstd level is 23; pg_dump accepts zstd levels 1-22/],
    ])('fails when a %s level is out of range', (_method, make, message) => {
      expect(make).toThrow(message);
    });

    test('fails when the dumpBucket of another environment has no alias to name its key by', () => {
      const app = new App();
      const backup = new Stack(app, 'Backup', { env: { account: '222222222222', region: 'us-east-1' } });
      const dumps = new CrossAccountBucket(backup, 'Dumps', { bucketName: BUCKET, encryptionKey: new kms.Key(backup, 'Key') });
      const stack = new Stack(app, 'S', { env: { account: '111111111111', region: 'us-east-1' } });
      const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'db', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
      const f = { app, stack, vpc, secret: secretsmanager.Secret.fromSecretCompleteArn(stack, 'Secret', SECRET_ARN), dbSg: new ec2.SecurityGroup(stack, 'DbSg', { vpc }) };
      expect(() => build({ dumpBucket: dumps }, f))
        .toThrow(/the dump bucket 'Backup\/Dumps' is in another environment \(222222222222\/us-east-1\) and its key has no alias/);
    });

    test('a dumpBucket of another environment whose given key has a literal ARN is named by that ARN', () => {
      const app = new App();
      const backup = new Stack(app, 'Backup', { env: { account: '222222222222', region: 'us-east-1' } });
      const keyArn = 'arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab';
      const dumps = new CrossAccountBucket(backup, 'Dumps', { bucketName: BUCKET, encryptionKey: kms.Key.fromKeyArn(backup, 'Key', keyArn) });
      const stack = new Stack(app, 'S', { env: { account: '111111111111', region: 'us-east-1' } });
      const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'db', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
      const f = { app, stack, vpc, secret: secretsmanager.Secret.fromSecretCompleteArn(stack, 'Secret', SECRET_ARN), dbSg: new ec2.SecurityGroup(stack, 'DbSg', { vpc }) };
      const { template } = build({ dumpBucket: dumps }, f);
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ DUMP_KMS_KEY: keyArn, DUMP_BUCKET_OWNER: '222222222222' }) },
      });
    });

    test('an environment-agnostic stack: a bucket of its own account without a key gets the warning, not an error', () => {
      const app = new App();
      const stack = new Stack(app, 'S');
      const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'db', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
      const f = { app, stack, vpc, secret: secretsmanager.Secret.fromSecretCompleteArn(stack, 'Secret', SECRET_ARN), dbSg: new ec2.SecurityGroup(stack, 'DbSg', { vpc }) };
      build({ bucket: { bucketName: 'acme-dumps', account: undefined, encryptionKeyArn: undefined } }, f);
      Annotations.fromStack(stack).hasWarning('/S/Dump',
        Match.stringLikeRegexp("the dump bucket 'acme-dumps' has no encryptionKeyArn, so the job gets no KMS permission"));
      const named = DumpBucket.fromDumpBucketAttributes(stack, 'Other', { bucketName: 'acme-dumps', account: '222222222222' });
      expect(() => new PgDumpJob(stack, 'Dump2', {
        databaseName: 'orders', vpc, databaseSecret: f.secret, databaseServer: new ec2.Connections({ securityGroups: [f.dbSg] }),
        dumpBucket: named,
      })).toThrow(/the dump bucket 'acme-dumps' of account 222222222222 has no encryptionKeyArn/);
    });

    test('synthesizes without warnings when the bucket is named with its key', () => {
      const { stack } = build();
      expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
    });

    test('messages name the construct path', () => {
      expect(() => build({ pgMajor: 12 })).toThrow(/^S\/Dump: pgMajor is 12/);
    });
  });

  describe('cdk-nag', () => {
    test.each([
      ["another account's bucket by alias", {}],
      ['a key ARN', { bucket: { encryptionKeyArn: KEY_ARN } }],
      ['unreserved concurrency', { reserveConcurrency: false }],
    ])('no unacknowledged finding on the job\'s resources in the five packs (%s)', (_what, props) => {
      const { job } = build(props);
      expect(formatFindings(nagFindings(job))).toBe('');
    });

    test('no unacknowledged finding with a CrossAccountBucket of the same stack', () => {
      const f = fixture();
      const dumps = new CrossAccountBucket(f.stack, 'Dumps', { bucketName: 'acme-dumps' });
      const { job } = build({ dumpBucket: dumps }, f);
      expect(formatFindings(nagFindings(job))).toBe('');
      expect(formatFindings(nagFindings(dumps))).toBe('');
    });

    test('acknowledgements sit on the resources that cause them, never on the stack or the construct', () => {
      const { stack, job } = build();
      // aws-cdk-lib itself acknowledges CloudFormation-Validate::W3010 (literal AZs) on stacks with a VPC.
      expect(acknowledgedIds(stack).filter((ack) => !ack.startsWith('CloudFormation-Validate::'))).toEqual([]);
      expect(acknowledgedIds(job)).toEqual([]);
      expect(acknowledgedIds(job.role)).toEqual([
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
      ]);
      expect(acknowledgedIds(job.node.findChild('ServicePolicy'))).toEqual([
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${BUCKET}/pg-dump/orders/*]`,
        'AwsSolutions-IAM5[Resource::arn:aws:kms:us-east-1:222222222222:key/*]',
      ]);
      expect(acknowledgedIds(job.lambdaFunction)).toEqual(['Serverless-LambdaTracing']);
      expect(acknowledgedIds(job.deadLetterQueue)).toEqual(['Serverless-SQSRedrivePolicy']);
    });
  });
});

describe('job image', () => {
  const dockerfile = fs.readFileSync(path.join(JOB_IMAGE_DIRECTORY, 'Dockerfile'), 'utf8');

  test('the constructs build lambda/image of this package', () => {
    expect(JOB_IMAGE_DIRECTORY).toBe(path.join(ROOT, 'lambda', 'image'));
  });

  test('the Dockerfile installs the default client major, places the RDS CA bundle where the handlers look, copies the bundles', () => {
    expect(dockerfile).toMatch(/^FROM public\.ecr\.aws\/lambda\/nodejs:22$/m);
    expect(dockerfile).toContain(`ARG PG_MAJOR=${DEFAULT_PG_MAJOR}`);
    expect(dockerfile).toContain('dnf install -y "postgresql${PG_MAJOR}"');
    expect(dockerfile).toContain(`-o ${RDS_CA_BUNDLE_PATH} https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem`);
    expect(dockerfile).toContain('COPY dist/ ${LAMBDA_TASK_ROOT}/');
    expect(dockerfile).toContain(`packages ${SUPPORTED_PG_MAJORS.map((m) => `postgresql${m}`).join(', ').replace(/, (?=[^,]*$)/, ' and ')}`);
  });

  test('the image commands are the bundles the bundling script writes', () => {
    const script = fs.readFileSync(path.join(ROOT, 'scripts', 'bundle-handlers.mjs'), 'utf8');
    const handlers = JSON.parse(/const HANDLERS = (\[.*\]);/.exec(script)![1].replace(/'/g, '"'));
    expect([PG_DUMP_HANDLER, VERIFY_DUMP_HANDLER, RPO_WATCH_HANDLER, VALIDATE_RESTORE_HANDLER]).toEqual(handlers.map((name: string) => `${name}/index.handler`));
  });

  test('.dockerignore sends only the Dockerfile and the handler bundles', () => {
    expect(fs.readFileSync(path.join(JOB_IMAGE_DIRECTORY, '.dockerignore'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#')))
      .toEqual(['*', '!Dockerfile', '!dist/*/index.js']);
  });

  test('the synthesized asset is lambda/image built for x86_64 with PG_MAJOR; jobs of one major share it', () => {
    const f = fixture();
    build({}, f);
    new DumpVerifyJob(f.stack, 'Verify', {
      databaseName: 'orders',
      vpc: f.vpc,
      scratchSecret: secretsmanager.Secret.fromSecretCompleteArn(f.stack, 'Scratch', SECRET_ARN.replace('orders-prod', 'scratch')),
      scratchServer: new ec2.Connections({ securityGroups: [f.dbSg] }),
      productionTarget: 'orders.abc123xyz.us-east-1.rds.amazonaws.com:5432/orders',
      dumpBucket: f.stack.node.findChild('Dumps') as IDumpBucket,
    });
    new PgDumpJob(f.stack, 'Dump16', {
      databaseName: 'legacy',
      vpc: f.vpc,
      databaseSecret: f.secret,
      databaseServer: new ec2.Connections({ securityGroups: [f.dbSg] }),
      pgMajor: 16,
      dumpBucket: f.stack.node.findChild('Dumps') as IDumpBucket,
    });
    const assembly = f.app.synth();
    const manifest = assembly.artifacts.find((a) => a instanceof AssetManifestArtifact) as AssetManifestArtifact;
    const images = Object.values(JSON.parse(fs.readFileSync(manifest.file, 'utf8')).dockerImages) as any[];
    const sorted = images.map((image) => [image.source.dockerBuildArgs, image.source.platform])
      .sort((a, b) => a[0].PG_MAJOR.localeCompare(b[0].PG_MAJOR));
    expect(sorted).toEqual([
      [{ PG_MAJOR: '16' }, 'linux/amd64'],
      [{ PG_MAJOR: '17' }, 'linux/amd64'],
    ]);
    for (const image of images) {
      const staged = path.join(assembly.directory, image.source.directory);
      expect(fs.readFileSync(path.join(staged, 'Dockerfile'), 'utf8')).toBe(dockerfile);
    }
  });

  test('the bundling script fails with a clear message when a handler entry is missing', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-'));
    try {
      fs.mkdirSync(path.join(dir, 'scripts'));
      fs.mkdirSync(path.join(dir, 'lambda', 'pg-dump'), { recursive: true });
      fs.copyFileSync(path.join(ROOT, 'scripts', 'bundle-handlers.mjs'), path.join(dir, 'scripts', 'bundle-handlers.mjs'));
      fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
      fs.writeFileSync(path.join(dir, 'lambda', 'pg-dump', 'index.ts'), 'export const handler = async () => 1;\n');
      const run = spawnSync(process.execPath, [path.join(dir, 'scripts', 'bundle-handlers.mjs')], { encoding: 'utf8' });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain('bundle-handlers: lambda/verify-dump/index.ts does not exist; the verify-dump handler must export `handler`');
      expect(fs.existsSync(path.join(dir, 'lambda', 'image', 'dist'))).toBe(false);

      fs.mkdirSync(path.join(dir, 'lambda', 'verify-dump'));
      fs.writeFileSync(path.join(dir, 'lambda', 'verify-dump', 'index.ts'), 'export const handler = async () => 2;\n');
      fs.mkdirSync(path.join(dir, 'lambda', 'rpo-watch'));
      fs.writeFileSync(path.join(dir, 'lambda', 'rpo-watch', 'index.ts'), 'export const handler = async () => 3;\n');
      fs.mkdirSync(path.join(dir, 'lambda', 'validate-restore'));
      fs.writeFileSync(path.join(dir, 'lambda', 'validate-restore', 'index.ts'), 'export const handler = async () => 4;\n');
      const ok = spawnSync(process.execPath, [path.join(dir, 'scripts', 'bundle-handlers.mjs')], { encoding: 'utf8' });
      expect(ok.status).toBe(0);
      for (const [name, value] of [['pg-dump', '1'], ['verify-dump', '2'], ['rpo-watch', '3'], ['validate-restore', '4']]) {
        const bundle = path.join(dir, 'lambda', 'image', 'dist', name, 'index.js');
        const call = `require(${JSON.stringify(bundle)}).handler().then((v) => process.stdout.write(String(v)))`;
        expect(spawnSync(process.execPath, ['-e', call], { encoding: 'utf8' }).stdout).toBe(value);
        expect(fs.readFileSync(bundle, 'utf8')).toContain('//# sourceMappingURL=index.js.map');
        expect(fs.existsSync(`${bundle}.map`)).toBe(true);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
