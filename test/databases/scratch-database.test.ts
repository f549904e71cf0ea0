import { App, CfnParameter, RemovalPolicy, Size, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import { DumpBucket, DumpVerifyJob } from '../../lib';
import { ScratchDatabase, ScratchDatabaseProps } from '../../lib/databases/scratch-database';
import { acknowledgedIds, formatFindings, nagFindings } from '../nag';

const BUCKET = 'acme-dumps-222222222222-us-east-1';
const PRIVATE = ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'];
const ISOLATED = ['subnet-0bbbbbbbbbbbbbbb1', 'subnet-0bbbbbbbbbbbbbbb2'];
const PUBLIC = ['subnet-0ccccccccccccccc1', 'subnet-0ccccccccccccccc2'];
const ZONES = ['us-east-1a', 'us-east-1b'];

type Subnets = 'private' | 'isolated' | 'public';

function stackWithVpc(kinds: Subnets[] = ['private', 'isolated', 'public']): { stack: Stack; vpc: ec2.IVpc } {
  const stack = new Stack(new App(), 'S', { env: { account: '111111111111', region: 'us-east-1' } });
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ZONES,
    privateSubnetIds: kinds.includes('private') ? PRIVATE : undefined,
    isolatedSubnetIds: kinds.includes('isolated') ? ISOLATED : undefined,
    publicSubnetIds: kinds.includes('public') ? PUBLIC : undefined,
  });
  return { stack, vpc };
}

function build(props: Partial<ScratchDatabaseProps> = {}, kinds?: Subnets[]) {
  const { stack, vpc } = stackWithVpc(kinds);
  const scratch = new ScratchDatabase(stack, 'Scratch', { vpc, engineVersion: rds.PostgresEngineVersion.VER_16, ...props });
  let template: Template | undefined;
  return {
    stack,
    vpc,
    scratch,
    get template(): Template {
      template ??= Template.fromStack(stack);
      return template;
    },
  };
}

function verifyJob(stack: Stack, vpc: ec2.IVpc, scratch: ScratchDatabase): DumpVerifyJob {
  return new DumpVerifyJob(stack, 'Verify', {
    databaseName: 'orders',
    vpc,
    dumpBucket: DumpBucket.fromDumpBucketAttributes(stack, 'Dumps', {
      bucketName: BUCKET,
      account: '222222222222',
      encryptionKeyArn: `arn:aws:kms:us-east-1:222222222222:alias/${BUCKET}`,
    }),
    scratchSecret: scratch.secret,
    scratchServer: scratch,
    productionTarget: 'orders.abc123xyz.us-east-1.rds.amazonaws.com:5432/orders',
  });
}

const getAtt = (prefix: string, attribute = 'Arn') => ({ 'Fn::GetAtt': [Match.stringLikeRegexp(`^${prefix}[0-9A-F]{8}$`), attribute] });

function instanceResource(template: Template): { Properties: Record<string, unknown>; DeletionPolicy?: string } {
  const instances = Object.values(template.findResources('AWS::RDS::DBInstance'));
  expect(instances).toHaveLength(1);
  return instances[0] as { Properties: Record<string, unknown>; DeletionPolicy?: string };
}


describe('ScratchDatabase', () => {
  describe('defaults', () => {
    test('a db.t4g.medium PostgreSQL 16 instance: CMK-encrypted gp3, private, single-AZ, no backups, logs, monitoring, IAM auth', () => {
      const { template } = build();
      template.hasResourceProperties('AWS::RDS::DBInstance', {
        Engine: 'postgres',
        EngineVersion: '16',
        DBInstanceClass: 'db.t4g.medium',
        StorageType: 'gp3',
        AllocatedStorage: '20',
        MaxAllocatedStorage: 100,
        StorageEncrypted: true,
        KmsKeyId: getAtt('ScratchKey'),
        PubliclyAccessible: false,
        MultiAZ: false,
        Port: '5433',
        DeletionProtection: false,
        BackupRetentionPeriod: 0,
        AutoMinorVersionUpgrade: true,
        EnableIAMDatabaseAuthentication: true,
        EnableCloudwatchLogsExports: ['postgresql', 'upgrade'],
        MonitoringInterval: 60,
        MonitoringRoleArn: getAtt('ScratchMonitoringRole'),
        DBParameterGroupName: { Ref: Match.stringLikeRegexp('^ScratchParameterGroup') },
        DBSubnetGroupName: { Ref: Match.stringLikeRegexp('^ScratchSubnetGroup') },
        VPCSecurityGroups: [getAtt('ScratchSecurityGroup', 'GroupId')],
      });
    });

    test('the instance and its key and secret are deleted with the stack, without a final snapshot', () => {
      const { template } = build();
      expect(instanceResource(template).DeletionPolicy).toBe('Delete');
      template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete', Properties: { EnableKeyRotation: true } });
      template.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Delete' });
    });

    test('TLS is enforced by its own parameter group', () => {
      const { template } = build();
      template.resourceCountIs('AWS::RDS::DBParameterGroup', 1);
      template.hasResourceProperties('AWS::RDS::DBParameterGroup', {
        Family: 'postgres16',
        Parameters: { 'rds.force_ssl': '1', 'log_error_verbosity': 'terse' },
      });
    });

    test('the subnet group uses the isolated subnets when the VPC has them', () => {
      build().template.hasResourceProperties('AWS::RDS::DBSubnetGroup', {
        DBSubnetGroupDescription: 'Scratch database S/Scratch',
        SubnetIds: ISOLATED,
      });
    });

    test('the subnet group uses the private subnets when the VPC has no isolated ones', () => {
      build({}, ['private', 'public']).template.hasResourceProperties('AWS::RDS::DBSubnetGroup', { SubnetIds: PRIVATE });
    });

    test('a security group with no ingress and no egress until a peer is allowed', () => {
      const { template } = build();
      template.hasResourceProperties('AWS::EC2::SecurityGroup', {
        GroupDescription: 'Scratch database S/Scratch: PostgreSQL from allowed peers only, no egress',
        VpcId: 'vpc-0123456789abcdef0',
        SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' })],
        SecurityGroupIngress: Match.absent(),
      });
      template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
    });

    test('an admin secret in the RDS rotation format, encrypted with the key and attached to the instance', () => {
      const { template, scratch } = build();
      template.hasResourceProperties('AWS::SecretsManager::Secret', {
        KmsKeyId: getAtt('ScratchKey'),
        GenerateSecretString: Match.objectLike({
          SecretStringTemplate: '{"username":"postgres","dbname":"postgres"}',
          GenerateStringKey: 'password',
        }),
      });
      template.hasResourceProperties('AWS::SecretsManager::SecretTargetAttachment', {
        SecretId: { Ref: Match.stringLikeRegexp('^ScratchSecret') },
        TargetId: { Ref: Match.stringLikeRegexp('^Scratch[0-9A-F]{8}$') },
        TargetType: 'AWS::RDS::DBInstance',
      });
      expect(scratch.secret).toBe(scratch.instance.secret);
    });

    test('connections: the security group, default port 5433', () => {
      const { scratch } = build();
      expect(scratch.port).toBe(5433);
      expect(scratch.connections.defaultPort?.toString()).toBe('5433');
      expect(scratch.connections.securityGroups).toEqual([scratch.securityGroup]);
      expect(scratch.instance.node.id).toBe('Resource');
    });
  });

  describe('options', () => {
    test('instance class, storage, ceiling, port and identifier', () => {
      const { template, scratch } = build({
        instanceType: ec2.InstanceType.of(ec2.InstanceClass.M7G, ec2.InstanceSize.LARGE),
        allocatedStorage: Size.gibibytes(200),
        maxAllocatedStorage: Size.gibibytes(500),
        port: 6543,
        instanceIdentifier: 'Orders-Scratch',
      });
      template.hasResourceProperties('AWS::RDS::DBInstance', {
        DBInstanceClass: 'db.m7g.large',
        AllocatedStorage: '200',
        MaxAllocatedStorage: 500,
        Port: '6543',
        DBInstanceIdentifier: 'orders-scratch',
      });
      expect(scratch.port).toBe(6543);
      expect(scratch.connections.defaultPort?.toString()).toBe('6543');
    });

    test('another engine version gets its parameter group family', () => {
      const { template } = build({ engineVersion: rds.PostgresEngineVersion.VER_17_2 });
      template.hasResourceProperties('AWS::RDS::DBInstance', { EngineVersion: '17.2' });
      template.hasResourceProperties('AWS::RDS::DBParameterGroup', { Family: 'postgres17' });
    });

    test('the default ceiling is 5 × allocatedStorage, capped at 65536 GiB', () => {
      expect(instanceResource(build({ allocatedStorage: Size.gibibytes(50) }).template).Properties.MaxAllocatedStorage).toBe(250);
      expect(instanceResource(build({ allocatedStorage: Size.tebibytes(20) }).template).Properties.MaxAllocatedStorage).toBe(65536);
    });

    test('no autoscaling by default when allocatedStorage leaves no room under 65536 GiB', () => {
      const { template } = build({ allocatedStorage: Size.gibibytes(60000) });
      expect(instanceResource(template).Properties.MaxAllocatedStorage).toBeUndefined();
    });

    test('no autoscaling by default when allocatedStorage is a token', () => {
      const built = build({ allocatedStorage: Size.gibibytes(Token.asNumber({ Ref: 'Storage' })) });
      new CfnParameter(built.stack, 'Storage', { type: 'Number' });
      const { template } = built;
      expect(instanceResource(template).Properties).toEqual(expect.objectContaining({ AllocatedStorage: { Ref: 'Storage' } }));
      expect(instanceResource(template).Properties.MaxAllocatedStorage).toBeUndefined();
    });

    test('a given key encrypts the storage and the secret; no key is created', () => {
      const { stack, vpc } = stackWithVpc();
      const key = new kms.Key(stack, 'Mine', { enableKeyRotation: true });
      const scratch = new ScratchDatabase(stack, 'Scratch', { vpc, engineVersion: rds.PostgresEngineVersion.VER_16, storageEncryptionKey: key });
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::KMS::Key', 1);
      template.hasResourceProperties('AWS::RDS::DBInstance', { KmsKeyId: getAtt('Mine') });
      template.hasResourceProperties('AWS::SecretsManager::Secret', { KmsKeyId: getAtt('Mine') });
      expect(scratch.encryptionKey).toBe(key);
    });

    test('given subnets are used', () => {
      const { template } = build({ vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } });
      template.hasResourceProperties('AWS::RDS::DBSubnetGroup', { SubnetIds: PRIVATE });
    });

    test('RemovalPolicy.SNAPSHOT keeps a final snapshot, the key and the secret, with a warning', () => {
      const { template, stack } = build({ removalPolicy: RemovalPolicy.SNAPSHOT });
      expect(instanceResource(template).DeletionPolicy).toBe('Snapshot');
      template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
      template.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain' });
      Annotations.fromStack(stack).hasWarning('/S/Scratch',
        Match.stringLikeRegexp('removalPolicy is SNAPSHOT: a final snapshot stays behind.*\\[ack: cdk-backup-dr:ScratchDatabase.removalPolicy\\]'));
    });

    test('RemovalPolicy.RETAIN retains every resource the server uses, with a warning', () => {
      const { template, stack } = build({ removalPolicy: RemovalPolicy.RETAIN });
      const policies = Object.entries(template.toJSON().Resources as Record<string, { DeletionPolicy?: string }>)
        .map(([logicalId, resource]) => [logicalId, resource.DeletionPolicy]);
      expect(policies.length).toBeGreaterThan(5);
      expect(policies.filter(([, policy]) => policy !== 'Retain')).toEqual([]);
      Annotations.fromStack(stack).hasWarning('/S/Scratch', Match.stringLikeRegexp('removalPolicy is RETAIN: a running server stays behind'));
    });

    test('no removal warning by default', () => {
      const { stack } = build();
      Annotations.fromStack(stack).hasNoWarning('/S/Scratch', Match.anyValue());
    });
  });

  describe('warnings', () => {
    test('public subnets are accepted with a warning; the server stays not publicly accessible', () => {
      const { template, stack } = build({ vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } });
      template.hasResourceProperties('AWS::RDS::DBSubnetGroup', { SubnetIds: PUBLIC });
      template.hasResourceProperties('AWS::RDS::DBInstance', { PubliclyAccessible: false });
      Annotations.fromStack(stack).hasWarning('/S/Scratch',
        Match.stringLikeRegexp('vpcSubnets selects public subnets.*\\[ack: cdk-backup-dr:ScratchDatabase.publicSubnets\\]'));
    });

    test('public subnets selected by id draw the warning too', () => {
      const { stack, vpc } = stackWithVpc();
      new ScratchDatabase(stack, 'Scratch', {
        vpc,
        engineVersion: rds.PostgresEngineVersion.VER_16,
        vpcSubnets: { subnets: vpc.publicSubnets },
      });
      Annotations.fromStack(stack).hasWarning('/S/Scratch', Match.stringLikeRegexp('vpcSubnets selects public subnets'));
    });

    test.each([
      [20, 22, true],
      [20, 25, true],
      [20, 26, false],
      [100, 125, true],
      [100, 126, false],
    ])('allocatedStorage %i GiB with a ceiling of %i GiB warns: %s', (allocated, max, warns) => {
      const { stack } = build({ allocatedStorage: Size.gibibytes(allocated), maxAllocatedStorage: Size.gibibytes(max) });
      const warnings = Annotations.fromStack(stack).findWarning('/S/Scratch',
        Match.stringLikeRegexp('less than 26 % above allocatedStorage.*RDS-EVENT-0225'));
      expect(warnings.length > 0).toBe(warns);
    });
  });

  describe('validation', () => {
    test.each([
      [19, /allocatedStorage is 19 GiB; RDS for PostgreSQL gp3 storage is 20-65536 GiB \(e.g. Size.gibibytes\(20\)\)/],
      [65537, /allocatedStorage is 65537 GiB; RDS for PostgreSQL gp3 storage is 20-65536 GiB \(e.g. Size.gibibytes\(65536\)\)/],
    ])('fails when allocatedStorage is %i GiB', (gib, message) => {
      expect(() => build({ allocatedStorage: Size.gibibytes(gib) })).toThrow(message);
    });

    test.each([20, 65536])('allocatedStorage %i GiB passes', (gib) => {
      expect(() => build({ allocatedStorage: Size.gibibytes(gib) })).not.toThrow();
    });

    test('fails when allocatedStorage is not whole GiB', () => {
      expect(() => build({ allocatedStorage: Size.mebibytes(20 * 1024 + 512) }))
        .toThrow(/allocatedStorage is 20992 MiB, which is not a whole number of GiB; RDS allocates storage in GiB \(e.g. Size.gibibytes\(21\)\)/);
    });

    test.each([
      [20, 21, /maxAllocatedStorage is 21 GiB with allocatedStorage 20 GiB; RDS requires the autoscaling ceiling to be at least 10 % above the allocated storage: at least 22 GiB/],
      [20, 20, /maxAllocatedStorage is 20 GiB with allocatedStorage 20 GiB;.*at least 22 GiB \(e.g. Size.gibibytes\(100\)\)/],
      [100, 50, /maxAllocatedStorage is 50 GiB with allocatedStorage 100 GiB;.*at least 110 GiB/],
      [100, 109, /maxAllocatedStorage is 109 GiB with allocatedStorage 100 GiB;.*at least 110 GiB/],
    ])('fails when allocatedStorage is %i GiB and maxAllocatedStorage %i GiB', (allocated, max, message) => {
      expect(() => build({ allocatedStorage: Size.gibibytes(allocated), maxAllocatedStorage: Size.gibibytes(max) })).toThrow(message);
    });

    test.each([[20, 22], [100, 110]])('allocatedStorage %i GiB with a ceiling of %i GiB passes', (allocated, max) => {
      expect(() => build({ allocatedStorage: Size.gibibytes(allocated), maxAllocatedStorage: Size.gibibytes(max) })).not.toThrow();
    });

    test('fails when maxAllocatedStorage is above 65536 GiB', () => {
      expect(() => build({ maxAllocatedStorage: Size.gibibytes(65537) }))
        .toThrow(/maxAllocatedStorage is 65537 GiB; RDS for PostgreSQL storage grows to at most 65536 GiB/);
    });

    test.each([0, 1149, 65536, 5432.5])('fails when port is %d', (port) => {
      expect(() => build({ port })).toThrow(new RegExp(`port is ${port}; RDS for PostgreSQL listens on a whole number 1150-65535 \\(e.g. 5433\\)`));
    });

    test.each([1150, 5432, 65535])('port %i passes', (port) => {
      expect(() => build({ port })).not.toThrow();
    });

    test.each([
      ['it starts with a digit', '1scratch'],
      ['it ends with a hyphen', 'scratch-'],
      ['it has two hyphens in a row', 'orders--scratch'],
      ['it has an underscore', 'orders_scratch'],
      ['it is longer than 63 characters', `s${'a'.repeat(63)}`],
      ['it is empty', ''],
    ])('fails when instanceIdentifier is invalid: %s', (_what, identifier) => {
      expect(() => build({ instanceIdentifier: identifier }))
        .toThrow(new RegExp(`instanceIdentifier '${identifier}' is invalid: RDS identifiers are 1-63 letters, digits and hyphens`));
    });

    test.each(['a', `s${'a'.repeat(62)}`, 'orders-scratch-1'])('instanceIdentifier %s passes', (identifier) => {
      expect(() => build({ instanceIdentifier: identifier })).not.toThrow();
    });

    test('tokens are not validated', () => {
      expect(() => build({
        port: Token.asNumber({ Ref: 'Port' }),
        instanceIdentifier: Token.asString({ Ref: 'Identifier' }),
        allocatedStorage: Size.gibibytes(Token.asNumber({ Ref: 'Storage' })),
        maxAllocatedStorage: Size.gibibytes(Token.asNumber({ Ref: 'MaxStorage' })),
      })).not.toThrow();
    });

    test('fails when the VPC has no isolated or private subnets and no vpcSubnets are given', () => {
      expect(() => build({}, ['public'])).toThrow(/vpc has no isolated or private subnets, and the scratch server holds a copy of production data: give vpcSubnets/);
    });

    test('fails when vpcSubnets lie in one Availability Zone', () => {
      const { stack, vpc } = stackWithVpc();
      expect(() => new ScratchDatabase(stack, 'Scratch', {
        vpc,
        engineVersion: rds.PostgresEngineVersion.VER_16,
        vpcSubnets: { subnets: [vpc.isolatedSubnets[0]] },
      })).toThrow(/vpcSubnets selects 1 subnet\(s\) in us-east-1a; an RDS subnet group needs subnets in at least two Availability Zones/);
    });

    test('fails when the default subnets lie in one Availability Zone', () => {
      const stack = new Stack(new App(), 'S', { env: { account: '111111111111', region: 'us-east-1' } });
      const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
        vpcId: 'vpc-0123456789abcdef0',
        availabilityZones: ['us-east-1a'],
        isolatedSubnetIds: [ISOLATED[0]],
      });
      expect(() => new ScratchDatabase(stack, 'Scratch', { vpc, engineVersion: rds.PostgresEngineVersion.VER_16 }))
        .toThrow(/the VPC's default subnets for the server are 1 subnet\(s\) in us-east-1a; an RDS subnet group needs subnets in at least two Availability Zones/);
    });
  });

  describe('with a DumpVerifyJob', () => {
    test('the job gets ingress on the scratch port and egress to it; it reads the scratch secret and decrypts it through Secrets Manager', () => {
      const { stack, vpc, scratch } = build();
      verifyJob(stack, vpc, scratch);
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        GroupId: getAtt('ScratchSecurityGroup', 'GroupId'),
        SourceSecurityGroupId: getAtt('VerifySecurityGroup', 'GroupId'),
        IpProtocol: 'tcp',
        FromPort: 5433,
        ToPort: 5433,
      });
      template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
        GroupId: getAtt('VerifySecurityGroup', 'GroupId'),
        DestinationSecurityGroupId: getAtt('ScratchSecurityGroup', 'GroupId'),
        FromPort: 5433,
        ToPort: 5433,
      });
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ VERIFY_SECRET_ARN: { Ref: Match.stringLikeRegexp('^ScratchSecretAttachment') } }) },
      });
      template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([{
            Effect: 'Allow',
            Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
            Resource: { Ref: Match.stringLikeRegexp('^ScratchSecretAttachment') },
          }]),
        },
      });
      template.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([{
            Effect: 'Allow',
            Principal: { AWS: getAtt('VerifyServiceRole') },
            Action: 'kms:Decrypt',
            Resource: '*',
            Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } },
          }]),
        },
      });
    });

    test('a non-default port given to the server is the port the job opens', () => {
      const { stack, vpc, scratch } = build({ port: 6543 });
      verifyJob(stack, vpc, scratch);
      Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        GroupId: getAtt('ScratchSecurityGroup', 'GroupId'),
        SourceSecurityGroupId: getAtt('VerifySecurityGroup', 'GroupId'),
        FromPort: 6543,
        ToPort: 6543,
      });
    });
  });

  describe('cdk-nag', () => {
    test('no unacknowledged finding in the five packs for a stack with the server and the job that uses it', () => {
      const { stack, vpc, scratch } = build();
      verifyJob(stack, vpc, scratch);
      expect(formatFindings(nagFindings(stack))).toBe('');
    });

    test.each<[string, Partial<ScratchDatabaseProps>]>([
      ['port 5432', { port: 5432 }],
      ['RemovalPolicy.SNAPSHOT', { removalPolicy: RemovalPolicy.SNAPSHOT }],
      ['private subnets and a given identifier', { vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }, instanceIdentifier: 'orders-scratch' }],
    ])('no unacknowledged finding with %s', (_what, props) => {
      const { stack } = build(props);
      expect(formatFindings(nagFindings(stack))).toBe('');
    });

    test('acknowledgements sit on the resources that cause them', () => {
      const { scratch } = build();
      const packs = ['HIPAA.Security', 'NIST.800.53.R5'];
      expect(acknowledgedIds(scratch)).toEqual([]);
      expect(acknowledgedIds(scratch.instance)).toEqual([
        'AwsSolutions-RDS10',
        'AwsSolutions-RDS13',
        'AwsSolutions-RDS3',
        'BackupDR-DatabaseBackupRetention',
        'BackupDR-DatabaseDeletionProtection',
        ...packs.flatMap((pack) => [
          `${pack}-RDSInBackupPlan`,
          `${pack}-RDSInstanceBackupEnabled`,
          `${pack}-RDSInstanceDeletionProtectionEnabled`,
          `${pack}-RDSMultiAZSupport`,
        ]),
      ].sort());
      expect(acknowledgedIds(scratch.instance.node.findChild('MonitoringRole'))).toEqual([
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]',
      ]);
      expect(acknowledgedIds(scratch.node.findChild('Secret'))).toEqual([
        'AwsSolutions-SMG4',
        ...packs.map((pack) => `${pack}-SecretsManagerRotationEnabled`),
      ].sort());
    });

    test('the default port needs no acknowledgement; 5432 is acknowledged on the instance', () => {
      expect(acknowledgedIds(build().scratch.instance)).not.toContain('AwsSolutions-RDS11');
      expect(acknowledgedIds(build({ port: 5432 }).scratch.instance)).toContain('AwsSolutions-RDS11');
    });
  });
});
