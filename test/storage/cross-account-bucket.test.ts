import { App, CfnParameter, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { CrossAccountBucket, CrossAccountBucketProps, LifecycleAge } from '../../lib';
import { ReplicationDestination, ReplicationRule, ReplicationRuleProps } from '../../lib';
import { acknowledgedIds, formatFindings, nagFindings } from '../nag';

const WRITER_ACCOUNT = '222222222222';
const READER_ROLE = 'arn:aws:iam::222222222222:role/verify-dump';
const BREAK_GLASS_ROLE = 'arn:aws:iam::111111111111:role/break-glass';

type Statement = Record<string, unknown>;

function newStack(app: App = new App()): Stack {
  return new Stack(app, 'S', { env: { account: '111111111111', region: 'us-east-1' } });
}

function build(props: CrossAccountBucketProps = {}): { stack: Stack; dumps: CrossAccountBucket; template: Template } {
  const stack = newStack();
  const dumps = new CrossAccountBucket(stack, 'Dumps', { bucketName: 'acme-dumps', ...props });
  return { stack, dumps, template: Template.fromStack(stack) };
}

/** Logical id of the object-lock (dump) bucket. */
function dumpBucketId(template: Template): string {
  const ids = Object.keys(template.findResources('AWS::S3::Bucket', { Properties: { ObjectLockEnabled: true } }));
  expect(ids).toHaveLength(1);
  return ids[0];
}

function accessLogsBucketId(template: Template): string {
  const ids = Object.keys(template.findResources('AWS::S3::Bucket')).filter((id) => id !== dumpBucketId(template));
  expect(ids).toHaveLength(1);
  return ids[0];
}

function bucketPolicyStatements(template: Template, bucketId: string): Statement[] {
  const policies = Object.values(template.findResources('AWS::S3::BucketPolicy', { Properties: { Bucket: { Ref: bucketId } } }));
  expect(policies).toHaveLength(1);
  return (policies[0] as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement;
}

function keyPolicyStatements(template: Template): Statement[] {
  const keys = Object.values(template.findResources('AWS::KMS::Key'));
  expect(keys).toHaveLength(1);
  return (keys[0] as { Properties: { KeyPolicy: { Statement: Statement[] } } }).Properties.KeyPolicy.Statement;
}

const dumpBucketArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^Dumps[0-9A-F]{8}$'), 'Arn'] };
const dumpObjects = (suffix: string) => ({ 'Fn::Join': ['', [dumpBucketArn, suffix]] });
const keyArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^DumpsKey'), 'Arn'] };
const accountRoot = (account: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${account}:root`]] });
const viaS3For = (bucketName: string) => ({
  StringEquals: {
    'kms:ViaService': 's3.us-east-1.amazonaws.com',
    'kms:EncryptionContext:aws:s3:arn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::${bucketName}`]] },
  },
});


describe('CrossAccountBucket', () => {
  describe('bucket', () => {
    test('defaults: object lock GOVERNANCE 30 days, SSE-KMS with its own key and a bucket key, owner enforced, private, retained', () => {
      const { template } = build();

      template.hasResource('AWS::S3::Bucket', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: Match.objectLike({
          BucketName: 'acme-dumps',
          VersioningConfiguration: { Status: 'Enabled' },
          ObjectLockEnabled: true,
          ObjectLockConfiguration: {
            ObjectLockEnabled: 'Enabled',
            Rule: { DefaultRetention: { Days: 30, Mode: 'GOVERNANCE' } },
          },
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [{
              BucketKeyEnabled: true,
              ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn },
            }],
          },
          OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
        }),
      });
      template.hasResource('AWS::KMS::Key', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: Match.objectLike({ EnableKeyRotation: true }),
      });
    });

    test('the main child is the bucket, with id Resource', () => {
      const { dumps } = build();
      expect(dumps.node.defaultChild).toBe(dumps.bucket);
      expect(dumps.bucket).toBeInstanceOf(s3.Bucket);
      expect(dumps.prefix).toBe('pg-dump/');
    });

    test('COMPLIANCE mode with a custom retention is emitted in Days', () => {
      const { template } = build({ objectLockMode: s3.ObjectLockMode.COMPLIANCE, objectLockRetention: Duration.days(365) });
      template.hasResourceProperties('AWS::S3::Bucket', {
        ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Days: 365, Mode: 'COMPLIANCE' } } },
      });
    });

    test('default bucket name is deterministic: construct path, account and region', () => {
      const stack = newStack();
      new CrossAccountBucket(stack, 'Dumps');
      const template = Template.fromStack(stack);
      const bucket = template.findResources('AWS::S3::Bucket', { Properties: { ObjectLockEnabled: true } });
      const name = (Object.values(bucket)[0] as { Properties: { BucketName: string } }).Properties.BucketName;
      expect(name).toMatch(/^s-dumps-[0-9a-f]{8}-111111111111-us-east-1$/);
    });

    test('default bucket name stays within 63 characters for long construct paths', () => {
      const stack = new Stack(new App(), 'AVeryLongStackNameForTheBackupAccount', {
        env: { account: '111111111111', region: 'ap-southeast-4' },
      });
      new CrossAccountBucket(stack, 'ADumpBucketWithAnEvenLongerConstructIdThanTheStack');
      const template = Template.fromStack(stack);
      const bucket = template.findResources('AWS::S3::Bucket', { Properties: { ObjectLockEnabled: true } });
      const name = (Object.values(bucket)[0] as { Properties: { BucketName: string } }).Properties.BucketName;
      expect(name.length).toBeLessThanOrEqual(63);
      expect(name).toMatch(/^[a-z0-9][a-z0-9-]*-111111111111-ap-southeast-4$/);
    });

    test('bucketName resolves to the literal name in a stack of another account', () => {
      const app = new App();
      const backup = newStack(app);
      const dumps = new CrossAccountBucket(backup, 'Dumps', { bucketName: 'acme-dumps' });
      const workload = new Stack(app, 'Workload', { env: { account: '222222222222', region: 'us-east-1' } });
      new ssm.StringParameter(workload, 'DumpBucket', { stringValue: dumps.bucketName });

      const template = Template.fromStack(workload);
      template.hasResourceProperties('AWS::SSM::Parameter', { Value: 'acme-dumps' });
      expect(JSON.stringify(template.toJSON())).not.toContain('Fn::ImportValue');
    });

    test('removalPolicy DESTROY applies to both buckets and the key', () => {
      const { template } = build({ removalPolicy: RemovalPolicy.DESTROY });
      template.resourceCountIs('AWS::S3::Bucket', 2);
      template.allResources('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
      template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
    });

    test('MFA delete cannot be set by CloudFormation nor combined with lifecycle: an info annotation says so', () => {
      const { stack } = build();
      Annotations.fromStack(stack).hasInfo(
        '/S/Dumps',
        Match.stringLikeRegexp(
          '^MFA delete is not enabled on this bucket: CloudFormation cannot set it.*' +
            'S3 does not support lifecycle configuration on MFA-delete buckets.*Object Lock default retention',
        ),
      );
    });

    test('blocks SSE-C uploads, which no policy header condition can see', () => {
      const { template } = build();
      template.hasResourceProperties('AWS::S3::Bucket', {
        ObjectLockEnabled: true,
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [Match.objectLike({
            BlockedEncryptionTypes: { EncryptionType: ['SSE-C'] },
          })],
        },
      });
    });
  });

  describe('encryption key', () => {
    test('a given key is used and no key is created', () => {
      const stack = newStack();
      const key = new kms.Key(stack, 'OwnKey', { enableKeyRotation: true });
      const dumps = new CrossAccountBucket(stack, 'Dumps', { bucketName: 'acme-dumps', encryptionKey: key, writerPrincipals: [WRITER_ACCOUNT] });
      const template = Template.fromStack(stack);

      expect(dumps.encryptionKey).toBe(key);
      template.resourceCountIs('AWS::KMS::Key', 1);
      template.hasResourceProperties('AWS::S3::Bucket', {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OwnKey'), 'Arn'] } },
          }],
        },
      });
      template.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowExternalWritersViaS3' })]) },
      });
    });

    test('an imported key with external principals gets a warning, since its policy cannot be changed here', () => {
      const stack = newStack();
      const key = kms.Key.fromKeyArn(stack, 'Imported', 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab');
      new CrossAccountBucket(stack, 'Dumps', { bucketName: 'acme-dumps', encryptionKey: key, writerPrincipals: [WRITER_ACCOUNT] });
      const template = Template.fromStack(stack);

      template.resourceCountIs('AWS::KMS::Key', 0);
      Annotations.fromStack(stack).hasWarning(
        '/S/Dumps',
        Match.stringLikeRegexp('the key policy of the imported encryptionKey cannot be changed here.*kms:GenerateDataKey, kms:Decrypt to 222222222222'),
      );
    });

    test('an imported key without external principals needs no warning', () => {
      const stack = newStack();
      const key = kms.Key.fromKeyArn(stack, 'Imported', 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab');
      new CrossAccountBucket(stack, 'Dumps', { bucketName: 'acme-dumps', encryptionKey: key });
      Annotations.fromStack(stack).hasNoWarning('/S/Dumps', Match.anyValue());
    });

    test('the key policy names the bucket by an ARN built from its name, so there is no dependency cycle', () => {
      const { template } = build({ writerPrincipals: [WRITER_ACCOUNT] });
      const keyResource = Object.values(template.findResources('AWS::KMS::Key'))[0] as Record<string, unknown>;
      expect(keyResource.DependsOn).toBeUndefined();
      expect(JSON.stringify(keyResource)).not.toContain(dumpBucketId(template));
    });
  });

  describe('encryption key alias', () => {
    test('the key created here gets the alias alias/<bucketName>, retained with it', () => {
      const { template } = build();
      template.resourceCountIs('AWS::KMS::Alias', 1);
      template.hasResource('AWS::KMS::Alias', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: { AliasName: 'alias/acme-dumps', TargetKeyId: keyArn },
      });
    });

    test('encryptionKeyAliasArn is built from the account, the region and the alias name, without a reference', () => {
      const { stack, dumps } = build();
      expect(stack.resolve(dumps.encryptionKeyAliasArn)).toEqual(
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':kms:us-east-1:111111111111:alias/acme-dumps']] },
      );
    });

    test('encryptionKeyAliasArn resolves to the literal alias ARN in a stack of another account and region', () => {
      const app = new App();
      const backup = new Stack(app, 'Backup', { env: { account: '222222222222', region: 'us-west-2' } });
      const dumps = new CrossAccountBucket(backup, 'Dumps', { bucketName: 'acme-dumps' });
      const workload = new Stack(app, 'Workload', { env: { account: '111111111111', region: 'us-east-1' } });
      new ssm.StringParameter(workload, 'ReplicaKey', { stringValue: dumps.encryptionKeyAliasArn! });

      const template = Template.fromStack(workload);
      template.hasResourceProperties('AWS::SSM::Parameter', {
        Value: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':kms:us-west-2:222222222222:alias/acme-dumps']] },
      });
      expect(JSON.stringify(template.toJSON())).not.toContain('Fn::ImportValue');
      expect(() => app.synth()).not.toThrow();
    });

    test('a given encryptionKeyAlias names the alias', () => {
      const { stack, dumps, template } = build({ encryptionKeyAlias: 'alias/backup/pg_dumps-1' });
      template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/backup/pg_dumps-1', TargetKeyId: keyArn });
      expect(stack.resolve(dumps.encryptionKeyAliasArn)).toEqual(
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':kms:us-east-1:111111111111:alias/backup/pg_dumps-1']] },
      );
    });

    test('the dots of a bucket name, which aliases do not allow, become underscores in the default alias', () => {
      const { template } = build({ bucketName: 'acme.pg-dumps.2024' });
      template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/acme_pg-dumps_2024' });
    });

    test('a given key gets no alias and no encryptionKeyAliasArn', () => {
      const stack = newStack();
      const key = kms.Key.fromKeyArn(stack, 'Imported', 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab');
      const dumps = new CrossAccountBucket(stack, 'Dumps', { bucketName: 'acme-dumps', encryptionKey: key });
      Template.fromStack(stack).resourceCountIs('AWS::KMS::Alias', 0);
      expect(dumps.encryptionKeyAliasArn).toBeUndefined();
    });

    test('removalPolicy DESTROY applies to the alias too', () => {
      const { template } = build({ removalPolicy: RemovalPolicy.DESTROY });
      template.hasResource('AWS::KMS::Alias', { DeletionPolicy: 'Delete' });
    });

    test.each(['alias/a', `alias/${'a'.repeat(250)}`, 'alias/team/acme_dumps-1', 'alias/awsome'])('accepts encryptionKeyAlias %p', (encryptionKeyAlias) => {
      expect(() => build({ encryptionKeyAlias })).not.toThrow();
    });

    test.each([
      ['acme-dumps', 'it does not start with alias/'],
      ['alias/', 'nothing follows alias/'],
      [`alias/${'a'.repeat(251)}`, 'it is 257 characters long'],
      ['alias/acme.dumps', 'it contains a dot'],
      ['alias/acme dumps', 'it contains a space'],
      ['arn:aws:kms:us-east-1:111111111111:alias/acme-dumps', 'it is an alias ARN, not a name'],
    ])('fails when encryptionKeyAlias is %p (%s)', (encryptionKeyAlias) => {
      expect(() => build({ encryptionKeyAlias })).toThrow(
        `S/Dumps: encryptionKeyAlias '${encryptionKeyAlias}' is invalid: KMS aliases are 'alias/' followed by 1-250 letters, ` +
          "digits, '/', '_' and '-' (e.g. 'alias/acme-dumps')",
      );
    });

    test.each(['alias/aws/s3', 'alias/aws/acme-dumps'])('fails when encryptionKeyAlias starts with alias/aws/: %p', (encryptionKeyAlias) => {
      expect(() => build({ encryptionKeyAlias })).toThrow(
        `S/Dumps: encryptionKeyAlias '${encryptionKeyAlias}' starts with 'alias/aws/', which KMS reserves for AWS managed keys`,
      );
    });

    test('fails when encryptionKeyAlias is set together with a given encryptionKey', () => {
      const stack = newStack();
      const key = new kms.Key(stack, 'OwnKey', { enableKeyRotation: true });
      expect(() => new CrossAccountBucket(stack, 'Dumps', { bucketName: 'acme-dumps', encryptionKey: key, encryptionKeyAlias: 'alias/acme-dumps' }))
        .toThrow("S/Dumps: encryptionKeyAlias 'alias/acme-dumps' is set but encryptionKey is given; the alias is created only for a key created here");
    });

    test('the cdk-nag packs have nothing to say about the alias', () => {
      const { stack } = build({ encryptionKeyAlias: 'alias/backup/acme-dumps' });
      expect(formatFindings(nagFindings(stack))).toBe('');
    });
  });

  describe('bucket policy', () => {
    test('denies requests without TLS and with TLS older than 1.2', () => {
      const { template } = build();
      const bucketAndObjects = [dumpBucketArn, dumpObjects('/*')];
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: dumpBucketId(template) },
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: 's3:*',
              Resource: bucketAndObjects,
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
            {
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: 's3:*',
              Resource: bucketAndObjects,
              Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
            },
          ]),
        },
      });
    });

    test('denies uploads whose headers ask for another encryption, another key, or the AWS managed key', () => {
      const { template } = build();
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: dumpBucketId(template) },
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Sid: 'DenyUploadsNotSseKms',
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: 's3:PutObject',
              Resource: dumpObjects('/*'),
              Condition: {
                StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' },
                Null: { 's3:x-amz-server-side-encryption': 'false' },
              },
            },
            {
              Sid: 'DenyUploadsWithOtherKey',
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: 's3:PutObject',
              Resource: dumpObjects('/*'),
              Condition: {
                StringNotEquals: {
                  's3:x-amz-server-side-encryption-aws-kms-key-id': [
                    keyArn,
                    { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':kms:us-east-1:111111111111:alias/acme-dumps']] },
                  ],
                },
                Null: { 's3:x-amz-server-side-encryption-aws-kms-key-id': 'false' },
              },
            },
            {
              Sid: 'DenyUploadsWithAwsManagedKey',
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: 's3:PutObject',
              Resource: dumpObjects('/*'),
              Condition: {
                StringEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' },
                Null: { 's3:x-amz-server-side-encryption-aws-kms-key-id': 'true' },
              },
            },
          ]),
        },
      });
    });

    test('headerless uploads get this key as the bucket default encryption', () => {
      const { template } = build();
      template.hasResourceProperties('AWS::S3::Bucket', {
        ObjectLockEnabled: true,
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn },
          }],
        },
      });
    });

    test('denies deletes and governance bypass to everyone when there is no break-glass role', () => {
      const { template } = build();
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: dumpBucketId(template) },
        PolicyDocument: {
          Statement: Match.arrayWith([{
            Sid: 'DenyDeletes',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:BypassGovernanceRetention', 's3:PutObjectRetention', 's3:PutObjectLegalHold', 's3:UpdateObjectEncryption'],
            Resource: dumpObjects('/*'),
          }]),
        },
      });
    });

    test('denies deletes and governance bypass to everyone but the break-glass role', () => {
      const stack = newStack();
      new CrossAccountBucket(stack, 'Dumps', {
        bucketName: 'acme-dumps',
        breakGlassRole: iam.Role.fromRoleArn(stack, 'BreakGlass', BREAK_GLASS_ROLE),
      });
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: dumpBucketId(template) },
        PolicyDocument: {
          Statement: Match.arrayWith([{
            Sid: 'DenyDeletes',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:BypassGovernanceRetention', 's3:PutObjectRetention', 's3:PutObjectLegalHold', 's3:UpdateObjectEncryption'],
            Resource: dumpObjects('/*'),
            Condition: { ArnNotEquals: { 'aws:PrincipalArn': BREAK_GLASS_ROLE } },
          }]),
        },
      });
    });

    test('denies bucket configuration changes to all but break-glass and the policy editors (CloudFormation\'s role)', () => {
      const stack = newStack();
      new CrossAccountBucket(stack, 'Dumps', { bucketName: 'acme-dumps', breakGlassRole: iam.Role.fromRoleArn(stack, 'BreakGlass', BREAK_GLASS_ROLE) });
      const template = Template.fromStack(stack);
      const [deny] = bucketPolicyStatements(template, dumpBucketId(template)).filter((s) => s.Sid === 'DenyBucketConfigurationChanges');
      expect(deny).toEqual({
        Sid: 'DenyBucketConfigurationChanges',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: [
          's3:PutLifecycleConfiguration', 's3:PutBucketObjectLockConfiguration', 's3:PutBucketVersioning', 's3:PutReplicationConfiguration',
          's3:PutEncryptionConfiguration', 's3:PutBucketLogging', 's3:PutBucketOwnershipControls', 's3:PutBucketPublicAccessBlock',
          's3:PutBucketPolicy', 's3:DeleteBucketPolicy', 's3:DeleteBucket',
        ],
        Resource: { 'Fn::GetAtt': [dumpBucketId(template), 'Arn'] },
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': [
          BREAK_GLASS_ROLE,
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:role/cdk-hnb659fds-cfn-exec-role-111111111111-us-east-1']] },
        ] } },
      });
    });

    test('without external principals the policy allows nothing', () => {
      const { template } = build();
      const allows = bucketPolicyStatements(template, dumpBucketId(template)).filter((s) => s.Effect === 'Allow');
      expect(allows).toEqual([]);
      expect(keyPolicyStatements(template).filter((s) => s.Effect === 'Allow')).toHaveLength(1);
    });

    test('external writers may put and abort uploads under the prefix only', () => {
      const { template } = build({ writerPrincipals: [WRITER_ACCOUNT, 'arn:aws:iam::333333333333:role/pg-dump'] });
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: dumpBucketId(template) },
        PolicyDocument: {
          Statement: Match.arrayWith([{
            Sid: 'AllowExternalWriters',
            Effect: 'Allow',
            Principal: { AWS: [accountRoot(WRITER_ACCOUNT), 'arn:aws:iam::333333333333:role/pg-dump'] },
            Action: ['s3:PutObject', 's3:AbortMultipartUpload'],
            Resource: dumpObjects('/pg-dump/*'),
          }]),
        },
      });
    });

    test('external readers may get objects under the prefix and list only that prefix', () => {
      const { template } = build({ readerPrincipals: [READER_ROLE] });
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: dumpBucketId(template) },
        PolicyDocument: {
          Statement: Match.arrayWith([
            {
              Sid: 'AllowExternalReaders',
              Effect: 'Allow',
              Principal: { AWS: READER_ROLE },
              Action: ['s3:GetObject', 's3:GetObjectVersion'],
              Resource: dumpObjects('/pg-dump/*'),
            },
            {
              Sid: 'AllowExternalReadersToList',
              Effect: 'Allow',
              Principal: { AWS: READER_ROLE },
              Action: 's3:ListBucket',
              Resource: dumpBucketArn,
              Condition: { StringLike: { 's3:prefix': ['pg-dump/*'] } },
            },
          ]),
        },
      });
    });

    test('a custom prefix scopes every grant', () => {
      const { template } = build({ prefix: 'db/prod/', writerPrincipals: [WRITER_ACCOUNT], readerPrincipals: [READER_ROLE] });
      const allows = bucketPolicyStatements(template, dumpBucketId(template)).filter((s) => s.Effect === 'Allow');
      expect(allows.map((s) => s.Sid)).toEqual(['AllowExternalWriters', 'AllowExternalReaders', 'AllowExternalReadersToList']);
      expect(JSON.stringify(allows)).not.toContain('pg-dump');
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Sid: 'AllowExternalWriters', Resource: dumpObjects('/db/prod/*') }),
            Match.objectLike({ Sid: 'AllowExternalReaders', Resource: dumpObjects('/db/prod/*') }),
            Match.objectLike({ Sid: 'AllowExternalReadersToList', Condition: { StringLike: { 's3:prefix': ['db/prod/*'] } } }),
          ]),
        },
      });
    });

    test('addToResourcePolicy passes statements through to the bucket policy', () => {
      const stack = newStack();
      const dumps = new CrossAccountBucket(stack, 'Dumps', { bucketName: 'acme-dumps' });
      const result = dumps.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'AllowReplication',
        principals: [new iam.ArnPrincipal('arn:aws:iam::222222222222:role/replication')],
        actions: ['s3:ReplicateObject'],
        resources: [dumps.bucket.arnForObjects('*')],
      }));
      expect(result.statementAdded).toBe(true);
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: dumpBucketId(template) },
        PolicyDocument: {
          Statement: Match.arrayWith([{
            Sid: 'AllowReplication',
            Effect: 'Allow',
            Principal: { AWS: 'arn:aws:iam::222222222222:role/replication' },
            Action: 's3:ReplicateObject',
            Resource: dumpObjects('/*'),
          }]),
        },
      });
    });
  });

  describe('key policy', () => {
    test('external writers may generate data keys and decrypt, only through S3 for this bucket', () => {
      const { template } = build({ writerPrincipals: [WRITER_ACCOUNT] });
      template.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([{
            Sid: 'AllowExternalWritersViaS3',
            Effect: 'Allow',
            Principal: { AWS: accountRoot(WRITER_ACCOUNT) },
            Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
            Resource: '*',
            Condition: viaS3For('acme-dumps'),
          }]),
        },
      });
    });

    test('external readers may decrypt, only through S3 for this bucket', () => {
      const { template } = build({ readerPrincipals: [READER_ROLE] });
      template.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([{
            Sid: 'AllowExternalReadersViaS3',
            Effect: 'Allow',
            Principal: { AWS: READER_ROLE },
            Action: 'kms:Decrypt',
            Resource: '*',
            Condition: viaS3For('acme-dumps'),
          }]),
        },
      });
    });

    test('addToKeyPolicy passes statements through, and reports when the key is imported', () => {
      const stack = newStack();
      const dumps = new CrossAccountBucket(stack, 'Dumps', { bucketName: 'acme-dumps' });
      const statement = new iam.PolicyStatement({
        sid: 'AllowReplicaEncryption',
        principals: [new iam.ArnPrincipal('arn:aws:iam::222222222222:role/replication')],
        actions: ['kms:Encrypt'],
        resources: ['*'],
      });
      expect(dumps.addToKeyPolicy(statement).statementAdded).toBe(true);
      Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowReplicaEncryption', Action: 'kms:Encrypt' })]) },
      });

      const other = newStack();
      const imported = new CrossAccountBucket(other, 'Dumps', {
        bucketName: 'acme-dumps',
        encryptionKey: kms.Key.fromKeyArn(other, 'Key', 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab'),
      });
      expect(imported.addToKeyPolicy(statement).statementAdded).toBe(false);
    });
  });

  describe('grants to principals of this account', () => {
    test('grantWrite: put and abort under the prefix, key use only through S3 for this bucket', () => {
      const stack = newStack();
      const dumps = new CrossAccountBucket(stack, 'Dumps', { bucketName: 'acme-dumps' });
      const role = new iam.Role(stack, 'Writer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      const grant = dumps.grantWrite(role);
      expect(grant.success).toBe(true);

      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: Match.stringLikeRegexp('^Writer') }],
        PolicyDocument: {
          Statement: [
            { Effect: 'Allow', Action: ['s3:PutObject', 's3:AbortMultipartUpload'], Resource: dumpObjects('/pg-dump/*') },
            { Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: keyArn, Condition: viaS3For('acme-dumps') },
          ],
        },
      });
      // Same account: the identity policy is enough, the resource policies stay untouched.
      expect(bucketPolicyStatements(template, dumpBucketId(template)).filter((s) => s.Effect === 'Allow')).toEqual([]);
      expect(keyPolicyStatements(template).filter((s) => s.Effect === 'Allow')).toHaveLength(1);
    });

    test('grantRead: get under the prefix, list that prefix only, decrypt only through S3 for this bucket', () => {
      const stack = newStack();
      const dumps = new CrossAccountBucket(stack, 'Dumps', { bucketName: 'acme-dumps', prefix: 'dumps/' });
      const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      dumps.grantRead(role);

      Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: Match.stringLikeRegexp('^Reader') }],
        PolicyDocument: {
          Statement: [
            { Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: dumpObjects('/dumps/*') },
            {
              Effect: 'Allow',
              Action: 's3:ListBucket',
              Resource: dumpBucketArn,
              Condition: { StringLike: { 's3:prefix': ['dumps/*'] } },
            },
            { Effect: 'Allow', Action: 'kms:Decrypt', Resource: keyArn, Condition: viaS3For('acme-dumps') },
          ],
        },
      });
    });

    test('grantWrite to a role of another account lands in the bucket and key policies', () => {
      const stack = newStack();
      const dumps = new CrossAccountBucket(stack, 'Dumps', { bucketName: 'acme-dumps' });
      const writer = iam.Role.fromRoleArn(stack, 'ExternalWriter', 'arn:aws:iam::222222222222:role/pg-dump');
      dumps.grantWrite(writer);

      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: dumpBucketId(template) },
        PolicyDocument: {
          Statement: Match.arrayWith([{
            Effect: 'Allow',
            Principal: { AWS: 'arn:aws:iam::222222222222:role/pg-dump' },
            Action: ['s3:PutObject', 's3:AbortMultipartUpload'],
            Resource: dumpObjects('/pg-dump/*'),
          }]),
        },
      });
      template.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([{
            Effect: 'Allow',
            Principal: { AWS: 'arn:aws:iam::222222222222:role/pg-dump' },
            Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
            Resource: '*',
            Condition: viaS3For('acme-dumps'),
          }]),
        },
      });
    });
  });

  describe('lifecycle', () => {
    test('defaults from the seeds: IA 30 d, Glacier 90 d, expiry 730 d, noncurrent 30 d, abort multipart 1 d', () => {
      const { template } = build();
      template.hasResourceProperties('AWS::S3::Bucket', {
        ObjectLockEnabled: true,
        LifecycleConfiguration: {
          Rules: [
            {
              Id: 'TierAndExpireDumps',
              Status: 'Enabled',
              Transitions: [
                { StorageClass: 'STANDARD_IA', TransitionInDays: 30 },
                { StorageClass: 'GLACIER', TransitionInDays: 90 },
              ],
              ExpirationInDays: 730,
              NoncurrentVersionExpiration: { NoncurrentDays: 30 },
              AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
            },
            { Id: 'RemoveExpiredDeleteMarkers', Status: 'Enabled', ExpiredObjectDeleteMarker: true },
          ],
        },
      });
    });

    test('current versions can be kept forever, for a bucket of live files', () => {
      const { template } = build({ infrequentAccessAfter: LifecycleAge.NEVER, glacierAfter: LifecycleAge.NEVER, expireAfter: LifecycleAge.NEVER });
      template.hasResourceProperties('AWS::S3::Bucket', {
        ObjectLockEnabled: true,
        LifecycleConfiguration: {
          Rules: [
            {
              Id: 'TierAndExpireDumps',
              Status: 'Enabled',
              NoncurrentVersionExpiration: { NoncurrentDays: 30 },
              AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
            },
            { Id: 'RemoveExpiredDeleteMarkers', Status: 'Enabled', ExpiredObjectDeleteMarker: true },
          ],
        },
      });
    });

    test.each([
      ['infrequentAccessAfter', { Transitions: [{ StorageClass: 'GLACIER', TransitionInDays: 90 }], ExpirationInDays: 730 }],
      ['glacierAfter', { Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }], ExpirationInDays: 730 }],
      ['expireAfter', {
        Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }, { StorageClass: 'GLACIER', TransitionInDays: 90 }],
        ExpirationInDays: Match.absent(),
      }],
    ])('%s: LifecycleAge.NEVER leaves that step out and keeps the others', (prop, rule) => {
      build({ [prop]: LifecycleAge.NEVER }).template.hasResourceProperties('AWS::S3::Bucket', {
        LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Id: 'TierAndExpireDumps', ...rule })]) },
      });
    });

    test('every duration can be overridden', () => {
      const { template } = build({
        infrequentAccessAfter: LifecycleAge.after(Duration.days(45)),
        glacierAfter: LifecycleAge.after(Duration.days(120)),
        expireAfter: LifecycleAge.after(Duration.days(400)),
        noncurrentExpireAfter: Duration.days(7),
        objectLockRetention: Duration.days(90),
      });
      template.hasResourceProperties('AWS::S3::Bucket', {
        ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Days: 90, Mode: 'GOVERNANCE' } } },
        LifecycleConfiguration: {
          Rules: Match.arrayWith([{
            Id: 'TierAndExpireDumps',
            Status: 'Enabled',
            Transitions: [
              { StorageClass: 'STANDARD_IA', TransitionInDays: 45 },
              { StorageClass: 'GLACIER', TransitionInDays: 120 },
            ],
            ExpirationInDays: 400,
            NoncurrentVersionExpiration: { NoncurrentDays: 7 },
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
          }]),
        },
      });
    });

    test('seed 000: keep 30 days without tiering', () => {
      const { template } = build({ infrequentAccessAfter: LifecycleAge.NEVER, glacierAfter: LifecycleAge.NEVER, expireAfter: LifecycleAge.after(Duration.days(30)) });
      template.hasResourceProperties('AWS::S3::Bucket', {
        ObjectLockEnabled: true,
        LifecycleConfiguration: {
          Rules: Match.arrayWith([{
            Id: 'TierAndExpireDumps',
            Status: 'Enabled',
            ExpirationInDays: 30,
            NoncurrentVersionExpiration: { NoncurrentDays: 30 },
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
          }]),
        },
      });
    });

    test('Glacier without IA', () => {
      const { template } = build({ infrequentAccessAfter: LifecycleAge.NEVER, glacierAfter: LifecycleAge.after(Duration.days(1)), expireAfter: LifecycleAge.after(Duration.days(91)) });
      template.hasResourceProperties('AWS::S3::Bucket', {
        ObjectLockEnabled: true,
        LifecycleConfiguration: {
          Rules: Match.arrayWith([Match.objectLike({
            Id: 'TierAndExpireDumps',
            Transitions: [{ StorageClass: 'GLACIER', TransitionInDays: 1 }],
            ExpirationInDays: 91,
          })]),
        },
      });
    });
  });

  describe('server access logs', () => {
    test('go to a separate SSE-S3, versioned, private bucket that expires them', () => {
      const { template } = build();
      const logsId = accessLogsBucketId(template);
      template.hasResourceProperties('AWS::S3::Bucket', {
        ObjectLockEnabled: true,
        LoggingConfiguration: { DestinationBucketName: { Ref: logsId } },
      });
      template.hasResource('AWS::S3::Bucket', {
        DeletionPolicy: 'Retain',
        Properties: {
          BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
          VersioningConfiguration: { Status: 'Enabled' },
          OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
          LifecycleConfiguration: {
            Rules: [{
              Id: 'ExpireAccessLogs',
              Status: 'Enabled',
              ExpirationInDays: 365,
              NoncurrentVersionExpiration: { NoncurrentDays: 1 },
              AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
            }],
          },
        },
      });
    });

    test('log delivery is allowed by bucket policy for this bucket only, whatever the feature flags', () => {
      const { template } = build({ accessLogsExpireAfter: Duration.days(400) });
      const logsId = accessLogsBucketId(template);
      const logsArn = { 'Fn::GetAtt': [logsId, 'Arn'] };
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: logsId },
        PolicyDocument: {
          Statement: [
            {
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: 's3:*',
              Resource: [logsArn, { 'Fn::Join': ['', [logsArn, '/*']] }],
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
            {
              Sid: 'AllowServerAccessLogDelivery',
              Effect: 'Allow',
              Principal: { Service: 'logging.s3.amazonaws.com' },
              Action: 's3:PutObject',
              Resource: { 'Fn::Join': ['', [logsArn, '/*']] },
              Condition: {
                ArnLike: { 'aws:SourceArn': dumpBucketArn },
                StringEquals: { 'aws:SourceAccount': '111111111111' },
              },
            },
          ],
        },
      });
      template.hasResourceProperties('AWS::S3::Bucket', {
        LifecycleConfiguration: { Rules: [Match.objectLike({ Id: 'ExpireAccessLogs', ExpirationInDays: 400 })] },
      });
      const logBucket = template.findResources('AWS::S3::Bucket')[logsId] as { Properties: Record<string, unknown> };
      expect(logBucket.Properties.AccessControl).toBeUndefined();
      expect(logBucket.Properties.ObjectLockConfiguration).toBeUndefined();
    });
  });

  describe('validation', () => {
    test.each([
      ['infrequentAccessAfter 30 d (S3 minimum)', { infrequentAccessAfter: LifecycleAge.after(Duration.days(30)) }],
      ['glacierAfter 30 d after IA', { infrequentAccessAfter: LifecycleAge.after(Duration.days(30)), glacierAfter: LifecycleAge.after(Duration.days(60)), expireAfter: LifecycleAge.after(Duration.days(150)) }],
      ['expireAfter 90 d after Glacier', { glacierAfter: LifecycleAge.after(Duration.days(90)), expireAfter: LifecycleAge.after(Duration.days(180)) }],
      ['expireAfter 30 d after IA when Glacier is off', { glacierAfter: LifecycleAge.NEVER, expireAfter: LifecycleAge.after(Duration.days(60)) }],
      ['expireAfter 1 d without transitions', {
        infrequentAccessAfter: LifecycleAge.NEVER, glacierAfter: LifecycleAge.NEVER, expireAfter: LifecycleAge.after(Duration.days(1)), objectLockRetention: Duration.days(1),
      }],
      ['Glacier at day 0 without IA', { infrequentAccessAfter: LifecycleAge.NEVER, glacierAfter: LifecycleAge.after(Duration.days(0)), expireAfter: LifecycleAge.after(Duration.days(90)) }],
      ['objectLockRetention equal to expireAfter', { objectLockRetention: Duration.days(730) }],
      ['objectLockRetention 36500 d', { objectLockRetention: Duration.days(36500), expireAfter: LifecycleAge.after(Duration.days(36500)) }],
      ['noncurrentExpireAfter 1 d', { noncurrentExpireAfter: Duration.days(1) }],
      ['accessLogsExpireAfter 1 d', { accessLogsExpireAfter: Duration.days(1) }],
    ])('accepts the boundary: %s', (_name, props: CrossAccountBucketProps) => {
      expect(() => build(props)).not.toThrow();
    });

    test.each([
      ['infrequentAccessAfter 29 d', { infrequentAccessAfter: LifecycleAge.after(Duration.days(29)) }, /^S\/Dumps: infrequentAccessAfter is 29 days; S3 requires at least 30 days before STANDARD_IA \(e\.g\. LifecycleAge\.after\(Duration\.days\(30\)\)/],
      ['glacierAfter 29 d after IA', { glacierAfter: LifecycleAge.after(Duration.days(59)) }, /glacierAfter is 59 days; it must be at least 30 days later than infrequentAccessAfter \(30 days\)/],
      ['expireAfter 89 d after Glacier', { expireAfter: LifecycleAge.after(Duration.days(179)) }, /expireAfter is 179 days; it must be at least 90 days later than glacierAfter \(90 days\)/],
      ['expireAfter 29 d after IA without Glacier', { glacierAfter: LifecycleAge.NEVER, expireAfter: LifecycleAge.after(Duration.days(59)) }, /expireAfter is 59 days; it must be at least 30 days later than infrequentAccessAfter \(30 days\)/],
      ['expireAfter 0 d', { infrequentAccessAfter: LifecycleAge.NEVER, glacierAfter: LifecycleAge.NEVER, expireAfter: LifecycleAge.after(Duration.days(0)) }, /expireAfter is 0 days; it must be at least 1 day/],
      ['objectLockRetention 1 d over expireAfter', { objectLockRetention: Duration.days(731) }, /objectLockRetention is 731 days but expireAfter is 730 days/],
      ['objectLockRetention 0 d', { objectLockRetention: Duration.days(0) }, /objectLockRetention is 0 days; allowed range is 1-36500 days/],
      ['objectLockRetention 36501 d', { objectLockRetention: Duration.days(36501), expireAfter: LifecycleAge.after(Duration.days(40000)) }, /objectLockRetention is 36501 days; allowed range is 1-36500 days/],
      ['noncurrentExpireAfter 0 d', { noncurrentExpireAfter: Duration.days(0) }, /noncurrentExpireAfter is 0 days; it must be at least 1 day/],
      ['accessLogsExpireAfter 0 d', { accessLogsExpireAfter: Duration.days(0) }, /accessLogsExpireAfter is 0 days; it must be at least 1 day/],
    ])('rejects the boundary: %s', (_name, props: CrossAccountBucketProps, message: RegExp) => {
      expect(() => build(props)).toThrow(message);
    });

    test('fails when infrequentAccessAfter is under the S3 minimum of 30 days', () => {
      expect(() => build({ infrequentAccessAfter: LifecycleAge.after(Duration.days(7)) })).toThrow(
        'S/Dumps: infrequentAccessAfter is 7 days; S3 requires at least 30 days before STANDARD_IA ' +
          '(e.g. LifecycleAge.after(Duration.days(30)), or infrequentAccessAfter: LifecycleAge.NEVER)',
      );
    });

    test('fails when glacierAfter is not at least 30 days after infrequentAccessAfter', () => {
      expect(() => build({ glacierAfter: LifecycleAge.after(Duration.days(20)) })).toThrow(
        'S/Dumps: glacierAfter is 20 days; it must be at least 30 days later than infrequentAccessAfter (30 days), ' +
          'since objects stay 30 days in STANDARD_IA (e.g. LifecycleAge.after(Duration.days(60)))',
      );
    });

    test('fails when expireAfter is less than 90 days after glacierAfter', () => {
      expect(() => build({ expireAfter: LifecycleAge.after(Duration.days(100)) })).toThrow(
        'S/Dumps: expireAfter is 100 days; it must be at least 90 days later than glacierAfter (90 days), ' +
          'the minimum storage duration of GLACIER (e.g. LifecycleAge.after(Duration.days(180)), or glacierAfter: LifecycleAge.NEVER)',
      );
    });

    test('fails when expireAfter is less than 30 days after infrequentAccessAfter and Glacier is off', () => {
      expect(() => build({ glacierAfter: LifecycleAge.NEVER, infrequentAccessAfter: LifecycleAge.after(Duration.days(60)), expireAfter: LifecycleAge.after(Duration.days(70)) })).toThrow(
        'S/Dumps: expireAfter is 70 days; it must be at least 30 days later than infrequentAccessAfter (60 days), ' +
          'the minimum storage duration of STANDARD_IA (e.g. LifecycleAge.after(Duration.days(90)), or infrequentAccessAfter: LifecycleAge.NEVER)',
      );
    });

    test('fails when expireAfter is 0 days', () => {
      expect(() => build({ infrequentAccessAfter: LifecycleAge.NEVER, glacierAfter: LifecycleAge.NEVER, expireAfter: LifecycleAge.after(Duration.days(0)) })).toThrow(
        'S/Dumps: expireAfter is 0 days; it must be at least 1 day (e.g. LifecycleAge.after(Duration.days(730)))',
      );
    });

    test('fails when objectLockRetention exceeds expireAfter', () => {
      expect(() => build({ objectLockRetention: Duration.days(800) })).toThrow(
        'S/Dumps: objectLockRetention is 800 days but expireAfter is 730 days; the retention must not exceed the expiry, ' +
          'or lifecycle would hide dumps that are still locked and could not remove their versions ' +
          '(e.g. objectLockRetention: Duration.days(730) or expireAfter: LifecycleAge.after(Duration.days(800)))',
      );
    });

    test('fails when objectLockRetention is outside 1-36500 days', () => {
      expect(() => build({ objectLockRetention: Duration.days(0) })).toThrow(
        'S/Dumps: objectLockRetention is 0 days; allowed range is 1-36500 days (e.g. 1)',
      );
    });

    test('fails when noncurrentExpireAfter is 0 days', () => {
      expect(() => build({ noncurrentExpireAfter: Duration.days(0) })).toThrow(
        'S/Dumps: noncurrentExpireAfter is 0 days; it must be at least 1 day (e.g. Duration.days(30))',
      );
    });

    test('fails when accessLogsExpireAfter is 0 days', () => {
      expect(() => build({ accessLogsExpireAfter: Duration.days(0) })).toThrow(
        'S/Dumps: accessLogsExpireAfter is 0 days; it must be at least 1 day (e.g. Duration.days(365))',
      );
    });

    test('fails when a duration is not a whole number of days', () => {
      expect(() => build({ expireAfter: LifecycleAge.after(Duration.hours(36)) })).toThrow(
        'S/Dumps: expireAfter is 1 day 12 hours, which is not a whole number of days; use Duration.days(2)',
      );
      expect(() => build({ objectLockRetention: Duration.hours(12) })).toThrow(
        'S/Dumps: objectLockRetention is 12 hours, which is not a whole number of days; use Duration.days(1)',
      );
    });

    test.each([
      '12345',
      '1234567890123',
      'arn:aws:iam::123456789012:user/bob',
      'arn:aws:iam::123456789012:root',
      'arn:aws:s3:::some-bucket',
      ' 123456789012',
    ])('fails when a writer principal is not an account id or role ARN: %p', (bad) => {
      expect(() => build({ writerPrincipals: [WRITER_ACCOUNT, bad] })).toThrow(
        `S/Dumps: writerPrincipals[1] '${bad}' is invalid: expected a 12-digit AWS account id or an IAM role ARN ` +
          "(e.g. '123456789012' or 'arn:aws:iam::123456789012:role/pg-dump')",
      );
    });

    test('fails when a reader principal is not an account id or role ARN', () => {
      expect(() => build({ readerPrincipals: ['arn:aws:iam::12345:role/verify'] })).toThrow(
        "S/Dumps: readerPrincipals[0] 'arn:aws:iam::12345:role/verify' is invalid: expected a 12-digit AWS account id or an IAM role ARN",
      );
    });

    test('accepts account ids and role ARNs with paths, in any partition', () => {
      expect(() => build({
        writerPrincipals: ['123456789012', 'arn:aws:iam::123456789012:role/jobs/pg-dump'],
        readerPrincipals: ['arn:aws-us-gov:iam::123456789012:role/verify'],
      })).not.toThrow();
    });

    test.each([
      ['/pg-dump/', 'it must not start with a slash'],
      ['pg-dump', "it must end with '/'"],
      ['', "it must end with '/'"],
      ['pg-*/', "it must not contain '*' or '?', which would widen the grants"],
      ['db?/', "it must not contain '*' or '?', which would widen the grants"],
      ['db//prod/', "it must not contain '//'"],
    ])('fails when prefix is %p', (prefix, problem) => {
      expect(() => build({ prefix })).toThrow(`S/Dumps: prefix '${prefix}' is invalid: ${problem} (e.g. 'pg-dump/')`);
    });

    test.each([
      ['ab', 'it is 2 characters long; S3 allows 3-63'],
      ['a'.repeat(64), 'it is 64 characters long; S3 allows 3-63'],
      ['Acme-Dumps', 'only lowercase letters, digits, dots and hyphens are allowed'],
      ['acme_dumps', 'only lowercase letters, digits, dots and hyphens are allowed'],
      ['-acme-dumps', 'it must begin and end with a lowercase letter or digit'],
      ['acme-dumps.', 'it must begin and end with a lowercase letter or digit'],
      ['acme..dumps', 'it must not contain two adjacent dots'],
      ['192.168.10.1', 'it must not look like an IP address'],
      ['xn--acme-dumps', "it must not start with 'xn--'"],
      ['sthree-acme', "it must not start with 'sthree-'"],
      ['amzn-s3-demo-acme', "it must not start with 'amzn-s3-demo-'"],
      ['acme-s3alias', "it must not end with '-s3alias'"],
      ['acme--ol-s3', "it must not end with '--ol-s3'"],
      ['acme.mrap', "it must not end with '.mrap'"],
      ['acme--x-s3', "it must not end with '--x-s3'"],
      ['acme--table-s3', "it must not end with '--table-s3'"],
    ])('fails when bucketName is %p', (bucketName, problem) => {
      expect(() => build({ bucketName })).toThrow(
        new RegExp(`^S/Dumps: bucketName '${bucketName.replace(/\./g, '\\.')}' is invalid: .*${problem.replace(/[.*?()]/g, '\\$&')}.* \\(e\\.g\\. 'acme-pg-dumps-123456789012'\\)$`),
      );
    });

    test.each(['abc', 'a'.repeat(63), 'acme.pg-dumps.2024', '0-acme-dumps-9'])('accepts bucketName %p', (bucketName) => {
      expect(() => build({ bucketName })).not.toThrow();
    });
  });

  describe('tokens are not validated at synth time', () => {
    test.each([s3.ObjectLockMode.GOVERNANCE, s3.ObjectLockMode.COMPLIANCE])(
      'lifecycle durations from CfnParameters, the %s lock retention included, render as the parameters', (mode) => {
        const stack = newStack();
        const days = (id: string) => Duration.days(new CfnParameter(stack, id, { type: 'Number' }).valueAsNumber);
        expect(() => new CrossAccountBucket(stack, 'Dumps', {
          bucketName: 'acme-dumps',
          objectLockMode: mode,
          objectLockRetention: days('LockDays'),
          expireAfter: LifecycleAge.after(days('ExpireDays')),
          noncurrentExpireAfter: days('NoncurrentDays'),
        })).not.toThrow();
        const template = Template.fromStack(stack);
        template.hasResourceProperties('AWS::S3::Bucket', {
          ObjectLockEnabled: true,
          ObjectLockConfiguration: {
            ObjectLockEnabled: 'Enabled',
            Rule: { DefaultRetention: { Mode: mode, Days: { Ref: 'LockDays' } } },
          },
          LifecycleConfiguration: {
            Rules: Match.arrayWith([Match.objectLike({
              Id: 'TierAndExpireDumps',
              ExpirationInDays: { Ref: 'ExpireDays' },
              NoncurrentVersionExpiration: { NoncurrentDays: { Ref: 'NoncurrentDays' } },
            })]),
          },
        });
      });

    test('account ids, the bucket name and the prefix from CfnParameters', () => {
      const stack = newStack();
      const account = new CfnParameter(stack, 'WriterAccount', { type: 'String' });
      const name = new CfnParameter(stack, 'BucketName', { type: 'String' });
      const prefix = new CfnParameter(stack, 'Prefix', { type: 'String' });
      expect(() => new CrossAccountBucket(stack, 'Dumps', {
        bucketName: name.valueAsString,
        prefix: prefix.valueAsString,
        writerPrincipals: [account.valueAsString],
        readerPrincipals: [account.valueAsString],
      })).not.toThrow();

      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::S3::Bucket', { BucketName: { Ref: 'BucketName' } });
      template.hasResourceProperties('AWS::KMS::Alias', {
        AliasName: { 'Fn::Join': ['', ['alias/', { 'Fn::Join': ['_', { 'Fn::Split': ['.', { Ref: 'BucketName' }] }] }]] },
      });
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({
            Sid: 'AllowExternalWriters',
            Principal: { AWS: { Ref: 'WriterAccount' } },
            Resource: { 'Fn::Join': ['', [dumpBucketArn, '/', { Ref: 'Prefix' }, '*']] },
          })]),
        },
      });
      template.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([Match.objectLike({
            Sid: 'AllowExternalWritersViaS3',
            Principal: { AWS: { Ref: 'WriterAccount' } },
            Condition: {
              StringEquals: {
                'kms:ViaService': 's3.us-east-1.amazonaws.com',
                'kms:EncryptionContext:aws:s3:arn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', { Ref: 'BucketName' }]] },
              },
            },
          })]),
        },
      });
    });

    test('durations from CfnParameters', () => {
      const stack = newStack();
      const days = new CfnParameter(stack, 'ExpireDays', { type: 'Number' });
      expect(() => new CrossAccountBucket(stack, 'Dumps', {
        bucketName: 'acme-dumps',
        expireAfter: LifecycleAge.after(Duration.days(Token.asNumber(days.valueAsNumber))),
      })).not.toThrow();
      Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
        LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: { Ref: 'ExpireDays' } })]) },
      });
    });

    test('an environment-agnostic stack gets a name and a kms:ViaService built from pseudo parameters', () => {
      const stack = new Stack(new App(), 'Agnostic');
      new CrossAccountBucket(stack, 'Dumps', { writerPrincipals: [WRITER_ACCOUNT] });
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::S3::Bucket', {
        BucketName: { 'Fn::Join': ['', [Match.stringLikeRegexp('^agnostic-dumps-[0-9a-f]{8}-$'), { Ref: 'AWS::AccountId' }, '-', { Ref: 'AWS::Region' }]] },
      });
      template.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([Match.objectLike({
            Sid: 'AllowExternalWritersViaS3',
            Condition: {
              StringEquals: Match.objectLike({ 'kms:ViaService': { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } }),
            },
          })]),
        },
      });
    });
  });

  describe('cdk-nag', () => {
    test.each<[string, (stack: Stack) => CrossAccountBucketProps]>([
      ['defaults', () => ({})],
      ['writers, readers and a break-glass role', (stack) => ({
        bucketName: 'acme-dumps',
        writerPrincipals: [WRITER_ACCOUNT],
        readerPrincipals: [READER_ROLE],
        breakGlassRole: iam.Role.fromRoleArn(stack, 'BreakGlass', BREAK_GLASS_ROLE),
        objectLockMode: s3.ObjectLockMode.COMPLIANCE,
      })],
      ['no tiering', () => ({ infrequentAccessAfter: LifecycleAge.NEVER, glacierAfter: LifecycleAge.NEVER, expireAfter: LifecycleAge.after(Duration.days(30)) })],
    ])('has no unacknowledged cdk-nag findings: %s', (_name, props) => {
      const stack = newStack();
      new CrossAccountBucket(stack, 'Dumps', props(stack));
      expect(formatFindings(nagFindings(stack))).toBe('');
    });

    test('acknowledgements sit on the resources that cause them, never on the stack or the construct', () => {
      const { stack, dumps } = build();
      expect(acknowledgedIds(stack)).toEqual([]);
      expect(acknowledgedIds(dumps)).toEqual([]);
      expect(acknowledgedIds(dumps.bucket)).toEqual([
        'HIPAA.Security-S3BucketReplicationEnabled',
        'NIST.800.53.R5-S3BucketReplicationEnabled',
        'PCI.DSS.321-S3BucketReplicationEnabled',
      ]);
      expect(acknowledgedIds(dumps.accessLogsBucket)).toEqual([
        'HIPAA.Security-S3BucketReplicationEnabled',
        'HIPAA.Security-S3DefaultEncryptionKMS',
        'NIST.800.53.R5-S3BucketReplicationEnabled',
        'NIST.800.53.R5-S3DefaultEncryptionKMS',
        'PCI.DSS.321-S3BucketReplicationEnabled',
        'PCI.DSS.321-S3DefaultEncryptionKMS',
      ]);
      expect(acknowledgedIds(dumps.encryptionKey)).toEqual([]);
    });
  });
});

// Kept with the tests of acceptReplicationFrom so that this block can be read (and moved) on its own.

describe('CrossAccountBucket.acceptReplicationFrom', () => {
  const REPLICA_KEY_ARN = 'arn:aws:kms:us-west-2:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  const OTHER_KEY_ARN = 'arn:aws:kms:us-west-2:222222222222:key/9999abcd-12ab-34cd-56ef-1234567890ab';
  const join = (...parts: unknown[]) => ({ 'Fn::Join': ['', parts] });

  interface TwoAccounts {
    readonly app: App;
    readonly workload: Stack;
    readonly backup: Stack;
    readonly source: s3.Bucket;
    readonly dumps: CrossAccountBucket;
  }

  /** The workload account's bucket in us-east-1 and the backup account's dump bucket in us-west-2, in one app. */
  function twoAccounts(options: { sourceKms?: boolean; agnosticWorkload?: boolean; dumps?: (backup: Stack) => CrossAccountBucketProps } = {}): TwoAccounts {
    const app = new App();
    const workload = options.agnosticWorkload
      ? new Stack(app, 'Workload')
      : new Stack(app, 'Workload', { env: { account: '111111111111', region: 'us-east-1' } });
    const backup = new Stack(app, 'Backup', { env: { account: '222222222222', region: 'us-west-2' } });
    const sourceKms = options.sourceKms ?? true;
    const source = new s3.Bucket(workload, 'Source', {
      versioned: true,
      encryption: sourceKms ? s3.BucketEncryption.KMS : s3.BucketEncryption.S3_MANAGED,
      encryptionKey: sourceKms ? new kms.Key(workload, 'SourceKey', { enableKeyRotation: true }) : undefined,
    });
    const dumps = new CrossAccountBucket(backup, 'Dumps', { bucketName: 'acme-dumps', ...options.dumps?.(backup) });
    return { app, workload, backup, source, dumps };
  }

  /** A rule to the dump bucket, with the deployed key's ARN (a key of another account is not known at synth). */
  function ruleTo(t: TwoAccounts, props: Partial<ReplicationRuleProps> = {}): ReplicationRule {
    return new ReplicationRule(t.workload, 'ToBackup', {
      sourceBucket: t.source,
      destination: ReplicationDestination.fromBucket(t.dumps.bucket, {
        encryptionKey: kms.Key.fromKeyArn(t.workload, 'ReplicaKey', REPLICA_KEY_ARN),
      }),
      prefix: 'pg-dump/',
      ...props,
    });
  }

  /** A rule to the dump bucket whose replica key is named by an alias ARN, as a workload app of another account would. */
  function ruleByAlias(t: TwoAccounts, encryptionKeyArn: string, props: Partial<ReplicationRuleProps> = {}): ReplicationRule {
    return ruleTo(t, {
      destination: ReplicationDestination.fromAttributes({
        bucketArn: 'arn:aws:s3:::acme-dumps', region: 'us-west-2', account: '222222222222', encryptionKeyArn, objectLockEnabled: true,
      }),
      ...props,
    });
  }

  function roleArnOf(t: TwoAccounts) {
    const roles = Object.values(Template.fromStack(t.workload).findResources('AWS::IAM::Role'));
    expect(roles).toHaveLength(1);
    const name = (roles[0] as { Properties: { RoleName: string } }).Properties.RoleName;
    return join('arn:', { Ref: 'AWS::Partition' }, `:iam::111111111111:role/${name}`);
  }

  test('adds the rule statements to the bucket policy and the key policy, for the source account narrowed to the role', () => {
    const t = twoAccounts();
    t.dumps.acceptReplicationFrom(ruleTo(t));
    const template = Template.fromStack(t.backup);
    const onlyTheRole = { ArnEquals: { 'aws:PrincipalArn': roleArnOf(t) } };

    expect(bucketPolicyStatements(template, dumpBucketId(template))).toEqual(expect.arrayContaining([
      {
        Sid: expect.stringMatching(/^ReplicateWorkloadToBackup[0-9A-F]{8}Objects$/),
        Effect: 'Allow',
        Principal: { AWS: accountRoot('111111111111') },
        Action: ['s3:ReplicateObject', 's3:ReplicateTags', 's3:ObjectOwnerOverrideToBucketOwner'],
        Resource: join('arn:', { Ref: 'AWS::Partition' }, ':s3:::acme-dumps/pg-dump/*'),
        Condition: onlyTheRole,
      },
      {
        Sid: expect.stringMatching(/^ReplicateWorkloadToBackup[0-9A-F]{8}Versioning$/),
        Effect: 'Allow',
        Principal: { AWS: accountRoot('111111111111') },
        Action: 's3:GetBucketVersioning',
        Resource: join('arn:', { Ref: 'AWS::Partition' }, ':s3:::acme-dumps'),
        Condition: onlyTheRole,
      },
    ]));
    expect(keyPolicyStatements(template)).toEqual(expect.arrayContaining([{
      Sid: expect.stringMatching(/^ReplicateWorkloadToBackup[0-9A-F]{8}Encrypt$/),
      Effect: 'Allow',
      Principal: { AWS: accountRoot('111111111111') },
      Action: ['kms:Encrypt', 'kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: '*',
      Condition: {
        StringEquals: { 'kms:ViaService': 's3.us-west-2.amazonaws.com' },
        StringLike: {
          'kms:EncryptionContext:aws:s3:arn': [
            join('arn:', { Ref: 'AWS::Partition' }, ':s3:::acme-dumps'),
            join('arn:', { Ref: 'AWS::Partition' }, ':s3:::acme-dumps/pg-dump/*'),
          ],
        },
        ...onlyTheRole,
      },
    }]));
  });

  test('the workload rule targets the dump bucket by name, owned by the backup account, encrypted with its key', () => {
    const t = twoAccounts();
    t.dumps.acceptReplicationFrom(ruleTo(t));
    const buckets = Template.fromStack(t.workload).findResources('AWS::S3::Bucket');
    const [rule] = (Object.values(buckets)[0] as { Properties: { ReplicationConfiguration: { Rules: Statement[] } } })
      .Properties.ReplicationConfiguration.Rules;

    expect(rule.Destination).toEqual({
      Bucket: join('arn:', { Ref: 'AWS::Partition' }, ':s3:::acme-dumps'),
      Account: '222222222222',
      AccessControlTranslation: { Owner: 'Destination' },
      StorageClass: 'STANDARD_IA',
      EncryptionConfiguration: { ReplicaKmsKeyID: REPLICA_KEY_ARN },
      Metrics: { Status: 'Enabled' },
    });
  });

  test('no cross-stack reference and no dependency of the key policy on the bucket: the app synthesizes', () => {
    const t = twoAccounts();
    t.dumps.acceptReplicationFrom(ruleTo(t));
    const template = Template.fromStack(t.backup);

    expect(JSON.stringify(keyPolicyStatements(template))).not.toContain(dumpBucketId(template));
    expect(() => t.app.synth()).not.toThrow();
  });

  test('the backup stack stays free of cdk-nag findings', () => {
    const t = twoAccounts();
    t.dumps.acceptReplicationFrom(ruleTo(t));
    expect(formatFindings(nagFindings(t.backup))).toBe('');
  });

  test('warns when the rule replicates delete markers', () => {
    const t = twoAccounts();
    t.dumps.acceptReplicationFrom(ruleTo(t, { deleteMarkerReplication: true }));
    Annotations.fromStack(t.backup).hasWarning(
      '/Backup/Dumps',
      Match.stringLikeRegexp("rule 'Workload/ToBackup' replicates delete markers: a delete in the source account hides the replica here"),
    );
  });

  test('warns when the key is imported and its policy cannot be changed', () => {
    const t = twoAccounts({ dumps: (backup) => ({ encryptionKey: kms.Key.fromKeyArn(backup, 'Imported', REPLICA_KEY_ARN) }) });
    t.dumps.acceptReplicationFrom(ruleTo(t));
    Annotations.fromStack(t.backup).hasWarning(
      '/Backup/Dumps',
      Match.stringLikeRegexp("add rule 'Workload/ToBackup's destinationPolicy\\(\\).keyPolicyStatements to it"),
    );
  });

  describe('a replica key named by the alias of the dump bucket', () => {
    const aliasArnOfDumps = join('arn:', { Ref: 'AWS::Partition' }, ':kms:us-west-2:222222222222:alias/acme-dumps');

    test.each<[string, (t: TwoAccounts) => string]>([
      ['encryptionKeyAliasArn', (t) => t.dumps.encryptionKeyAliasArn!],
      ['the same alias ARN written literally', () => 'arn:aws:kms:us-west-2:222222222222:alias/acme-dumps'],
    ])('is accepted as this bucket\'s key: %s', (_name, aliasArn) => {
      const t = twoAccounts();
      const rule = ruleByAlias(t, aliasArn(t));
      t.dumps.acceptReplicationFrom(rule);

      expect(keyPolicyStatements(Template.fromStack(t.backup))).toEqual(expect.arrayContaining([
        expect.objectContaining({ Sid: expect.stringMatching(/^ReplicateWorkloadToBackup[0-9A-F]{8}Encrypt$/), Resource: '*' }),
      ]));
      expect(formatFindings(nagFindings(t.backup))).toBe('');
      expect(() => t.app.synth()).not.toThrow();
    });

    test('the workload rule writes the alias ARN as ReplicaKmsKeyID and lets the role use the keys with that alias', () => {
      const t = twoAccounts();
      const rule = ruleByAlias(t, t.dumps.encryptionKeyAliasArn!);
      t.dumps.acceptReplicationFrom(rule);
      const workload = Template.fromStack(t.workload);
      const buckets = workload.findResources('AWS::S3::Bucket');
      const [rendered] = (Object.values(buckets)[0] as { Properties: { ReplicationConfiguration: { Rules: Statement[] } } })
        .Properties.ReplicationConfiguration.Rules;
      const policy = Object.values(workload.findResources('AWS::IAM::ManagedPolicy'))[0] as
        { Properties: { PolicyDocument: { Statement: Statement[] } } };

      expect((rendered.Destination as Statement).EncryptionConfiguration).toEqual({ ReplicaKmsKeyID: aliasArnOfDumps });
      expect(policy.Properties.PolicyDocument.Statement.find((s) => s.Sid === 'EncryptReplicas')).toEqual({
        Sid: 'EncryptReplicas',
        Effect: 'Allow',
        Action: ['kms:Encrypt', 'kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: join('arn:', { Ref: 'AWS::Partition' }, ':kms:us-west-2:222222222222:key/*'),
        Condition: {
          'StringEquals': { 'kms:ViaService': 's3.us-west-2.amazonaws.com' },
          'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/acme-dumps' },
          'StringLike': { 'kms:EncryptionContext:aws:s3:arn': ['arn:aws:s3:::acme-dumps', 'arn:aws:s3:::acme-dumps/pg-dump/*'] },
        },
      });
      expect(formatFindings(nagFindings(t.workload).filter((f) => f.path.startsWith('Workload/Source/Replication/')))).toBe('');
    });

    test.each([
      ['another alias of the account', 'arn:aws:kms:us-west-2:222222222222:alias/other-key'],
      ['the same alias name in another account', 'arn:aws:kms:us-west-2:333333333333:alias/acme-dumps'],
    ])('fails when the rule names %s', (_name, aliasArn) => {
      const t = twoAccounts();
      expect(() => t.dumps.acceptReplicationFrom(ruleByAlias(t, aliasArn))).toThrow(
        `Backup/Dumps: acceptReplicationFrom: rule 'Workload/ToBackup' encrypts replicas with the alias '${aliasArn}', not with ` +
          "this bucket's key alias 'alias/acme-dumps' in 222222222222/us-west-2; use this bucket's encryptionKeyAliasArn",
      );
    });

    test('fails when the rule names an alias but the bucket\'s key was given, so the alias cannot be checked', () => {
      const t = twoAccounts({ dumps: (backup) => ({ encryptionKey: kms.Key.fromKeyArn(backup, 'Imported', REPLICA_KEY_ARN) }) });
      const aliasArn = 'arn:aws:kms:us-west-2:222222222222:alias/acme-dumps';
      expect(() => t.dumps.acceptReplicationFrom(ruleByAlias(t, aliasArn))).toThrow(
        `acceptReplicationFrom: rule 'Workload/ToBackup' encrypts replicas with the alias '${aliasArn}', but this bucket's ` +
          'key was given (encryptionKey) and has no alias created here',
      );
    });
  });

  test('fails when the rule replicates to another bucket', () => {
    const t = twoAccounts();
    const rule = ruleTo(t, {
      destination: ReplicationDestination.fromAttributes({
        bucketArn: 'arn:aws:s3:::other-bucket', region: 'us-west-2', account: '222222222222',
        encryptionKeyArn: REPLICA_KEY_ARN, objectLockEnabled: true,
      }),
    });
    expect(() => t.dumps.acceptReplicationFrom(rule)).toThrow(
      "Backup/Dumps: acceptReplicationFrom: rule 'Workload/ToBackup' replicates to 'other-bucket', not to this bucket ('acme-dumps')",
    );
  });

  test('fails when the rule has no replica key', () => {
    const t = twoAccounts({ sourceKms: false });
    const rule = ruleTo(t, { destination: ReplicationDestination.fromBucket(t.dumps.bucket) });
    expect(() => t.dumps.acceptReplicationFrom(rule)).toThrow(
      "acceptReplicationFrom: rule 'Workload/ToBackup' has no replica key, so S3 would keep the source encryption",
    );
  });

  test('fails when the rule encrypts replicas with another key', () => {
    const t = twoAccounts({ dumps: (backup) => ({ encryptionKey: kms.Key.fromKeyArn(backup, 'Imported', OTHER_KEY_ARN) }) });
    expect(() => t.dumps.acceptReplicationFrom(ruleTo(t))).toThrow(
      `acceptReplicationFrom: rule 'Workload/ToBackup' encrypts replicas with '${REPLICA_KEY_ARN}', not with this bucket's key '${OTHER_KEY_ARN}'`,
    );
  });

  test('fails when the rule names the bucket by its bucketArn attribute (the key policy would depend on the bucket)', () => {
    const t = twoAccounts();
    const rule = ruleTo(t, {
      destination: ReplicationDestination.fromAttributes({
        bucketArn: t.dumps.bucketArn, region: 'us-west-2', account: '222222222222',
        encryptionKeyArn: REPLICA_KEY_ARN, objectLockEnabled: true,
      }),
    });
    expect(() => t.dumps.acceptReplicationFrom(rule)).toThrow(
      "acceptReplicationFrom: rule 'Workload/ToBackup' names this bucket by its bucketArn attribute",
    );
  });

  test('fails when the stack of the source bucket has no explicit account', () => {
    const t = twoAccounts({ agnosticWorkload: true });
    expect(() => t.dumps.acceptReplicationFrom(ruleTo(t))).toThrow(
      "acceptReplicationFrom: the stack of the source bucket 'Workload/Source' has no explicit account",
    );
  });
});
