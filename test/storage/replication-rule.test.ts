import { App, CfnElement, CfnParameter, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import {
  ReplicationDestination,
  ReplicationDestinationAttributes,
  ReplicationRule,
  ReplicationRuleProps,
} from '../../lib';
import { CrossAccountBucket } from '../../lib';
import { rules as nagRules } from 'cdk-nag';
import { acknowledgedIds, formatFindings, nagFindings } from '../nag';

const SOURCE_ACCOUNT = '111111111111';
const DR_ACCOUNT = '222222222222';
const DR_KEY_ARN = 'arn:aws:kms:us-west-2:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const OTHER_KEY_ARN = 'arn:aws:kms:us-west-2:111111111111:key/9999abcd-12ab-34cd-56ef-1234567890ab';
/** The replica key of the DR account named by its alias: deterministic, unlike its key ARN. */
const DR_ALIAS_ARN = 'arn:aws:kms:us-west-2:222222222222:alias/acme-dr-replica';

type Json = Record<string, unknown>;

interface Fixture {
  readonly app: App;
  readonly stack: Stack;
  readonly source: s3.Bucket;
  readonly sourceKey?: kms.Key;
}

interface FixtureOptions {
  /** SSE-KMS with a customer-managed key (default), SSE-S3, or SSE-KMS with the AWS managed key. */
  readonly encryption?: 'cmk' | 's3' | 'aws-managed';
  readonly versioned?: boolean;
  readonly objectLock?: boolean;
}

/** A workload stack with a source bucket that is compliant on its own: versioned, KMS, TLS only, logged, private. */
function fixture(options: FixtureOptions = {}): Fixture {
  const app = new App();
  const stack = new Stack(app, 'Workload', { env: { account: SOURCE_ACCOUNT, region: 'us-east-1' } });
  const encryption = options.encryption ?? 'cmk';
  const sourceKey = encryption === 'cmk' ? new kms.Key(stack, 'SourceKey', { enableKeyRotation: true }) : undefined;
  const logs = new s3.Bucket(stack, 'AccessLogs', {
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    versioned: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  });
  const source = new s3.Bucket(stack, 'Source', {
    versioned: options.versioned ?? true,
    objectLockEnabled: options.objectLock,
    encryption: {
      'cmk': s3.BucketEncryption.KMS,
      's3': s3.BucketEncryption.S3_MANAGED,
      'aws-managed': s3.BucketEncryption.KMS_MANAGED,
    }[encryption],
    encryptionKey: sourceKey,
    bucketKeyEnabled: encryption === 'cmk' ? true : undefined,
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    serverAccessLogsBucket: logs,
  });
  return { app, stack, source, sourceKey };
}

/** The replica bucket of the DR account, outside this app. */
function external(attrs: Partial<ReplicationDestinationAttributes> = {}): ReplicationDestination {
  return ReplicationDestination.fromAttributes({
    bucketArn: 'arn:aws:s3:::acme-dr-replica',
    region: 'us-west-2',
    account: DR_ACCOUNT,
    encryptionKeyArn: DR_KEY_ARN,
    ...attrs,
  });
}

function rule(f: Fixture, props: Partial<ReplicationRuleProps> = {}, id = 'ToDr'): ReplicationRule {
  return new ReplicationRule(f.stack, id, { sourceBucket: f.source, destination: external(), ...props });
}

function logicalId(f: Fixture, construct: IConstruct): string {
  return f.stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

/** The ReplicationConfiguration of the single bucket that has one. */
function replicationConfiguration(stack: Stack): Json {
  const buckets = Object.values(
    Template.fromStack(stack).findResources('AWS::S3::Bucket', { Properties: { ReplicationConfiguration: Match.anyValue() } }),
  );
  expect(buckets).toHaveLength(1);
  return (buckets[0] as { Properties: { ReplicationConfiguration: Json } }).Properties.ReplicationConfiguration;
}

function rules(stack: Stack): Json[] {
  return replicationConfiguration(stack).Rules as Json[];
}

/** Statements of the single customer-managed policy (the replication policy). */
function policyStatements(stack: Stack): Json[] {
  const policies = Object.values(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy'));
  expect(policies).toHaveLength(1);
  return (policies[0] as { Properties: { PolicyDocument: { Statement: Json[] } } }).Properties.PolicyDocument.Statement;
}

const join = (...parts: unknown[]) => ({ 'Fn::Join': ['', parts] });
const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const rootOf = (account: string) => join('arn:', { Ref: 'AWS::Partition' }, `:iam::${account}:root`);


describe('ReplicationRule', () => {
  describe('replication configuration', () => {
    test('seed 000 (InstantPDF): whole bucket to us-west-2, replica KMS key, STANDARD_IA, SSE-KMS objects, no delete markers', () => {
      const f = fixture();
      const r = new ReplicationRule(f.stack, 'UserFiles', {
        sourceBucket: f.source,
        destination: ReplicationDestination.fromAttributes({
          bucketArn: 'arn:aws:s3:::instantpdf-user-files-replica',
          region: 'us-west-2',
          encryptionKeyArn: 'arn:aws:kms:us-west-2:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab',
        }),
        priority: 1,
      });

      expect(replicationConfiguration(f.stack)).toEqual({
        Role: arnOf(logicalId(f, r.role)),
        Rules: [{
          Id: r.ruleId,
          Priority: 1,
          Status: 'Enabled',
          Filter: { Prefix: '' },
          DeleteMarkerReplication: { Status: 'Disabled' },
          SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
          Destination: {
            Bucket: 'arn:aws:s3:::instantpdf-user-files-replica',
            StorageClass: 'STANDARD_IA',
            EncryptionConfiguration: {
              ReplicaKmsKeyID: 'arn:aws:kms:us-west-2:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab',
            },
            Metrics: { Status: 'Enabled' },
          },
        }],
      });
      expect(r.ruleId).toMatch(/^WorkloadUserFiles[0-9A-F]{8}$/);
    });

    test('seed 001 (Deeldesk): delete markers replicated, STANDARD_IA, SSE-S3 source without KMS settings', () => {
      const f = fixture({ encryption: 's3' });
      new ReplicationRule(f.stack, 'Uploads', {
        sourceBucket: f.source,
        destination: ReplicationDestination.fromAttributes({ bucketArn: 'arn:aws:s3:::deeldesk-uploads-dr', region: 'us-west-2' }),
        deleteMarkerReplication: true,
        priority: 1,
        ruleId: 'uploads-to-dr',
      });

      expect(rules(f.stack)).toEqual([{
        Id: 'uploads-to-dr',
        Priority: 1,
        Status: 'Enabled',
        Filter: { Prefix: '' },
        DeleteMarkerReplication: { Status: 'Enabled' },
        Destination: {
          Bucket: 'arn:aws:s3:::deeldesk-uploads-dr',
          StorageClass: 'STANDARD_IA',
          Metrics: { Status: 'Enabled' },
        },
      }]);
    });

    test('seed 002 (RoleFerry): resume files to us-west-2 with the source bucket key as the default source key', () => {
      const f = fixture();
      new ReplicationRule(f.stack, 'Resumes', {
        sourceBucket: f.source,
        destination: external({ account: undefined, encryptionKeyArn: OTHER_KEY_ARN }),
        prefix: 'resumes/',
        ruleId: 'resumes-to-us-west-2',
      });

      expect(rules(f.stack)).toEqual([{
        Id: 'resumes-to-us-west-2',
        Priority: 0,
        Status: 'Enabled',
        Filter: { Prefix: 'resumes/' },
        DeleteMarkerReplication: { Status: 'Disabled' },
        SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
        Destination: {
          Bucket: 'arn:aws:s3:::acme-dr-replica',
          StorageClass: 'STANDARD_IA',
          EncryptionConfiguration: { ReplicaKmsKeyID: OTHER_KEY_ARN },
          Metrics: { Status: 'Enabled' },
        },
      }]);
    });

    test('cross-account: replicas owned by the destination account (AccessControlTranslation and Account)', () => {
      const f = fixture();
      rule(f, { ruleId: 'dumps', prefix: 'pg-dump/' });

      expect(rules(f.stack)[0].Destination).toEqual({
        Bucket: 'arn:aws:s3:::acme-dr-replica',
        Account: DR_ACCOUNT,
        AccessControlTranslation: { Owner: 'Destination' },
        StorageClass: 'STANDARD_IA',
        EncryptionConfiguration: { ReplicaKmsKeyID: DR_KEY_ARN },
        Metrics: { Status: 'Enabled' },
      });
    });

    test('a replica key named by its alias ARN is rendered as ReplicaKmsKeyID as it is', () => {
      const f = fixture();
      const r = rule(f, { destination: external({ encryptionKeyArn: DR_ALIAS_ARN }) });

      expect(r.destination.encryptionKeyArn).toBe(DR_ALIAS_ARN);
      expect(r.replicaKmsKeyArn).toBe(DR_ALIAS_ARN);
      expect((rules(f.stack)[0].Destination as Json).EncryptionConfiguration).toEqual({ ReplicaKmsKeyID: DR_ALIAS_ARN });
    });

    test('cross-account with ownerOverride: false keeps the source owner (no AccessControlTranslation, no Account)', () => {
      const f = fixture();
      rule(f, { ownerOverride: false });

      const destination = rules(f.stack)[0].Destination as Json;
      expect(destination.AccessControlTranslation).toBeUndefined();
      expect(destination.Account).toBeUndefined();
    });

    test('replication time control: 15 minutes, with metrics and a 15-minute event threshold', () => {
      const f = fixture();
      rule(f, { replicationTime: true });

      const destination = rules(f.stack)[0].Destination as Json;
      expect(destination.ReplicationTime).toEqual({ Status: 'Enabled', Time: { Minutes: 15 } });
      expect(destination.Metrics).toEqual({ Status: 'Enabled', EventThreshold: { Minutes: 15 } });
    });

    test('metrics: false leaves replication metrics off', () => {
      const f = fixture();
      const r = rule(f, { metrics: false });

      const destination = rules(f.stack)[0].Destination as Json;
      expect(destination.Metrics).toBeUndefined();
      expect(destination.ReplicationTime).toBeUndefined();
      expect(r.metricsEnabled).toBe(false);
    });

    test.each<[string, Partial<ReplicationRuleProps>, Json]>([
      ['one tag alone', { tags: { backup: 'dr' } }, { TagFilter: { Key: 'backup', Value: 'dr' } }],
      ['a prefix and a tag', { prefix: 'pg-dump/', tags: { backup: 'dr' } },
        { And: { Prefix: 'pg-dump/', TagFilters: [{ Key: 'backup', Value: 'dr' }] } }],
      ['two tags', { tags: { backup: 'dr', tier: 'gold' } },
        { And: { TagFilters: [{ Key: 'backup', Value: 'dr' }, { Key: 'tier', Value: 'gold' }] } }],
    ])('filter: %s', (_name, props, filter) => {
      const f = fixture();
      rule(f, props);
      expect(rules(f.stack)[0].Filter).toEqual(filter);
    });

    test.each<[s3.StorageClass, string]>([
      [s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, 'GLACIER_IR'],
      [s3.StorageClass.DEEP_ARCHIVE, 'DEEP_ARCHIVE'],
      [new s3.StorageClass('STANDARD'), 'STANDARD'],
    ])('storage class %s', (storageClass, expected) => {
      const f = fixture();
      rule(f, { storageClass });
      expect((rules(f.stack)[0].Destination as Json).StorageClass).toBe(expected);
    });

    test('a destination bucket of this app in another region is named by its physical name, without a reference', () => {
      const f = fixture({ encryption: 's3' });
      const dr = new Stack(f.app, 'Dr', { env: { account: SOURCE_ACCOUNT, region: 'us-west-2' } });
      const replica = new s3.Bucket(dr, 'Replica', { bucketName: 'acme-replica', versioned: true });
      const r = rule(f, { destination: ReplicationDestination.fromBucket(replica) });

      expect(r.destination.region).toBe('us-west-2');
      expect(r.destination.bucketName).toBe('acme-replica');
      expect((rules(f.stack)[0].Destination as Json).Bucket).toEqual(join('arn:', { Ref: 'AWS::Partition' }, ':s3:::acme-replica'));
      expect(() => f.app.synth()).not.toThrow();
    });
  });

  describe('several rules on one bucket', () => {
    test('two rules coexist in one configuration with one role and one policy; default priorities 0 and 1', () => {
      const f = fixture();
      const dumps = rule(f, { prefix: 'pg-dump/', ruleId: 'dumps' }, 'Dumps');
      const uploads = rule(f, { prefix: 'uploads/', ruleId: 'uploads', deleteMarkerReplication: true }, 'Uploads');
      const template = Template.fromStack(f.stack);

      expect(rules(f.stack).map((r) => [r.Id, r.Priority, (r.Filter as Json).Prefix])).toEqual([
        ['dumps', 0, 'pg-dump/'],
        ['uploads', 1, 'uploads/'],
      ]);
      expect(dumps.role).toBe(uploads.role);
      expect(dumps.policy).toBe(uploads.policy);
      template.resourceCountIs('AWS::IAM::Role', 1);
      template.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    });

    test('a default priority skips the explicit priorities of rules added later', () => {
      const f = fixture();
      rule(f, { ruleId: 'a' }, 'A');
      rule(f, { ruleId: 'b', priority: 0 }, 'B');
      rule(f, { ruleId: 'c' }, 'C');

      expect(rules(f.stack).map((r) => [r.Id, r.Priority])).toEqual([['a', 1], ['b', 0], ['c', 2]]);
    });

    test('the rules share the role given to the first one', () => {
      const f = fixture();
      const role = new iam.Role(f.stack, 'Given', { assumedBy: new iam.ServicePrincipal('s3.amazonaws.com') });
      const first = rule(f, { role }, 'A');
      const second = rule(f, {}, 'B');

      expect(first.role).toBe(role);
      expect(second.role).toBe(role);
      expect(replicationConfiguration(f.stack).Role).toEqual(arnOf(logicalId(f, role)));
      Template.fromStack(f.stack).resourceCountIs('AWS::IAM::Role', 1);
    });

    test('the policy groups the object resources of rules with the same actions', () => {
      const f = fixture();
      rule(f, { prefix: 'a/' }, 'A');
      rule(f, { prefix: 'b/' }, 'B');
      rule(f, { prefix: 'c/', deleteMarkerReplication: true }, 'C');

      const writes = policyStatements(f.stack).filter((s) => String(s.Sid).startsWith('WriteReplicas'));
      expect(writes.map((s) => [s.Sid, s.Resource])).toEqual([
        ['WriteReplicas', ['arn:aws:s3:::acme-dr-replica/a/*', 'arn:aws:s3:::acme-dr-replica/b/*']],
        ['WriteReplicas2', 'arn:aws:s3:::acme-dr-replica/c/*'],
      ]);
    });
  });

  describe('replication role', () => {
    test('trusted by S3 only, with a fixed name; the policy is a customer-managed policy attached to it', () => {
      const f = fixture();
      const r = rule(f);
      const template = Template.fromStack(f.stack);

      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' } }],
        },
        RoleName: Match.stringLikeRegexp('^WorkloadSourceReplication[0-9A-F]{8}$'),
        Description: 'S3 replication of bucket Workload/Source',
      });
      template.hasResourceProperties('AWS::IAM::ManagedPolicy', { Roles: [{ Ref: logicalId(f, r.role) }] });
      template.resourceCountIs('AWS::IAM::Policy', 0);
    });

    test('least privilege for a prefix, SSE-KMS source and replica key, cross-account owner override', () => {
      const f = fixture();
      rule(f, { prefix: 'pg-dump/' });
      const source = arnOf(logicalId(f, f.source));
      const sourceObjects = join(source, '/pg-dump/*');

      expect(policyStatements(f.stack)).toEqual([
        {
          Sid: 'ReadSourceReplicationConfiguration',
          Effect: 'Allow',
          Action: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
          Resource: source,
        },
        {
          Sid: 'ReadSourceObjectVersions',
          Effect: 'Allow',
          Action: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'],
          Resource: sourceObjects,
        },
        {
          Sid: 'WriteReplicas',
          Effect: 'Allow',
          Action: ['s3:ReplicateObject', 's3:ReplicateTags', 's3:ObjectOwnerOverrideToBucketOwner'],
          Resource: 'arn:aws:s3:::acme-dr-replica/pg-dump/*',
        },
        {
          Sid: 'DecryptSourceObjects',
          Effect: 'Allow',
          Action: 'kms:Decrypt',
          Resource: arnOf(logicalId(f, f.sourceKey!)),
          Condition: {
            StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' },
            StringLike: { 'kms:EncryptionContext:aws:s3:arn': [source, sourceObjects] },
          },
        },
        {
          Sid: 'EncryptReplicas',
          Effect: 'Allow',
          Action: ['kms:Encrypt', 'kms:GenerateDataKey', 'kms:Decrypt'],
          Resource: DR_KEY_ARN,
          Condition: {
            StringEquals: { 'kms:ViaService': 's3.us-west-2.amazonaws.com' },
            StringLike: {
              'kms:EncryptionContext:aws:s3:arn': ['arn:aws:s3:::acme-dr-replica', 'arn:aws:s3:::acme-dr-replica/pg-dump/*'],
            },
          },
        },
      ]);
    });

    test('a replica key named by its alias ARN: every key of the alias account and region, narrowed to the alias', () => {
      const f = fixture();
      rule(f, { prefix: 'pg-dump/', destination: external({ encryptionKeyArn: DR_ALIAS_ARN }) });
      const source = arnOf(logicalId(f, f.source));
      const sourceObjects = join(source, '/pg-dump/*');

      expect(policyStatements(f.stack)).toEqual([
        {
          Sid: 'ReadSourceReplicationConfiguration',
          Effect: 'Allow',
          Action: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
          Resource: source,
        },
        {
          Sid: 'ReadSourceObjectVersions',
          Effect: 'Allow',
          Action: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'],
          Resource: sourceObjects,
        },
        {
          Sid: 'WriteReplicas',
          Effect: 'Allow',
          Action: ['s3:ReplicateObject', 's3:ReplicateTags', 's3:ObjectOwnerOverrideToBucketOwner'],
          Resource: 'arn:aws:s3:::acme-dr-replica/pg-dump/*',
        },
        {
          Sid: 'DecryptSourceObjects',
          Effect: 'Allow',
          Action: 'kms:Decrypt',
          Resource: arnOf(logicalId(f, f.sourceKey!)),
          Condition: {
            StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' },
            StringLike: { 'kms:EncryptionContext:aws:s3:arn': [source, sourceObjects] },
          },
        },
        {
          Sid: 'EncryptReplicas',
          Effect: 'Allow',
          Action: ['kms:Encrypt', 'kms:GenerateDataKey', 'kms:Decrypt'],
          Resource: 'arn:aws:kms:us-west-2:222222222222:key/*',
          Condition: {
            'StringEquals': { 'kms:ViaService': 's3.us-west-2.amazonaws.com' },
            'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/acme-dr-replica' },
            'StringLike': {
              'kms:EncryptionContext:aws:s3:arn': ['arn:aws:s3:::acme-dr-replica', 'arn:aws:s3:::acme-dr-replica/pg-dump/*'],
            },
          },
        },
      ]);
    });

    test('an alias ARN with a token partition keeps the partition token in the key resource', () => {
      const f = fixture();
      const aliasArn = `arn:${f.stack.partition}:kms:us-west-2:222222222222:alias/acme-dr-replica`;
      const r = rule(f, { destination: external({ encryptionKeyArn: aliasArn }) });

      expect(r.replicaKmsKeyArn).toBe(aliasArn);
      const encrypt = policyStatements(f.stack).find((s) => s.Sid === 'EncryptReplicas')!;
      expect(encrypt.Resource).toEqual(join('arn:', { Ref: 'AWS::Partition' }, ':kms:us-west-2:222222222222:key/*'));
      expect((encrypt.Condition as Json)['ForAnyValue:StringEquals']).toEqual({ 'kms:ResourceAliases': 'alias/acme-dr-replica' });
    });

    test('rules with the same replica alias share one key statement', () => {
      const f = fixture();
      const destination = external({ encryptionKeyArn: DR_ALIAS_ARN });
      rule(f, { destination, prefix: 'a/' }, 'A');
      rule(f, { destination, prefix: 'b/' }, 'B');

      const encrypt = policyStatements(f.stack).filter((s) => String(s.Sid).startsWith('EncryptReplicas'));
      expect(encrypt).toHaveLength(1);
      expect(encrypt[0].Resource).toBe('arn:aws:kms:us-west-2:222222222222:key/*');
      expect((encrypt[0].Condition as Json).StringLike).toEqual({
        'kms:EncryptionContext:aws:s3:arn': [
          'arn:aws:s3:::acme-dr-replica', 'arn:aws:s3:::acme-dr-replica/a/*', 'arn:aws:s3:::acme-dr-replica/b/*',
        ],
      });
    });

    test('whole bucket, SSE-S3, same account, delete markers: ReplicateDelete, no owner override, no KMS', () => {
      const f = fixture({ encryption: 's3' });
      rule(f, { destination: external({ account: undefined, encryptionKeyArn: undefined }), deleteMarkerReplication: true });
      const statements = policyStatements(f.stack);

      expect(statements.map((s) => s.Sid)).toEqual(['ReadSourceReplicationConfiguration', 'ReadSourceObjectVersions', 'WriteReplicas']);
      expect(statements[1].Resource).toEqual(join(arnOf(logicalId(f, f.source)), '/*'));
      expect(statements[2]).toEqual({
        Sid: 'WriteReplicas',
        Effect: 'Allow',
        Action: ['s3:ReplicateObject', 's3:ReplicateTags', 's3:ReplicateDelete'],
        Resource: 'arn:aws:s3:::acme-dr-replica/*',
      });
    });

    test('an Object Lock source also lets the role read retention and legal holds', () => {
      const f = fixture({ objectLock: true });
      rule(f, { destination: external({ objectLockEnabled: true }) });

      expect(policyStatements(f.stack)[1].Action).toEqual([
        's3:GetObjectVersionForReplication',
        's3:GetObjectVersionAcl',
        's3:GetObjectVersionTagging',
        's3:GetObjectRetention',
        's3:GetObjectLegalHold',
      ]);
    });

    test('a given role gets the policy attached and no role is created', () => {
      const f = fixture();
      const role = iam.Role.fromRoleArn(f.stack, 'Existing', 'arn:aws:iam::111111111111:role/s3-replication');
      const r = rule(f, { role });
      const template = Template.fromStack(f.stack);

      expect(r.role).toBe(role);
      template.resourceCountIs('AWS::IAM::Role', 0);
      template.hasResourceProperties('AWS::IAM::ManagedPolicy', { Roles: ['s3-replication'] });
      expect(replicationConfiguration(f.stack).Role).toBe('arn:aws:iam::111111111111:role/s3-replication');
    });
  });

  describe('destination policy', () => {
    test('bucket and key statements for the source account, narrowed to the role, on the prefix', () => {
      const f = fixture();
      const r = rule(f, { prefix: 'pg-dump/', deleteMarkerReplication: true });
      const policy = r.destinationPolicy();
      const roleName = Template.fromStack(f.stack).findResources('AWS::IAM::Role');
      const name = (Object.values(roleName)[0] as { Properties: { RoleName: string } }).Properties.RoleName;
      const onlyTheRole = { ArnEquals: { 'aws:PrincipalArn': join('arn:', { Ref: 'AWS::Partition' }, `:iam::${SOURCE_ACCOUNT}:role/${name}`) } };

      expect(f.stack.resolve(policy.bucketPolicyStatements.map((s) => s.toStatementJson()))).toEqual([
        {
          Sid: expect.stringMatching(/^ReplicateWorkloadToDr[0-9A-F]{8}Objects$/),
          Effect: 'Allow',
          Principal: { AWS: rootOf(SOURCE_ACCOUNT) },
          Action: ['s3:ReplicateObject', 's3:ReplicateTags', 's3:ReplicateDelete', 's3:ObjectOwnerOverrideToBucketOwner'],
          Resource: 'arn:aws:s3:::acme-dr-replica/pg-dump/*',
          Condition: onlyTheRole,
        },
        {
          Sid: expect.stringMatching(/^ReplicateWorkloadToDr[0-9A-F]{8}Versioning$/),
          Effect: 'Allow',
          Principal: { AWS: rootOf(SOURCE_ACCOUNT) },
          Action: 's3:GetBucketVersioning',
          Resource: 'arn:aws:s3:::acme-dr-replica',
          Condition: onlyTheRole,
        },
      ]);
      expect(f.stack.resolve(policy.keyPolicyStatements.map((s) => s.toStatementJson()))).toEqual([{
        Sid: expect.stringMatching(/^ReplicateWorkloadToDr[0-9A-F]{8}Encrypt$/),
        Effect: 'Allow',
        Principal: { AWS: rootOf(SOURCE_ACCOUNT) },
        Action: ['kms:Encrypt', 'kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: '*',
        Condition: {
          StringEquals: { 'kms:ViaService': 's3.us-west-2.amazonaws.com' },
          StringLike: {
            'kms:EncryptionContext:aws:s3:arn': ['arn:aws:s3:::acme-dr-replica', 'arn:aws:s3:::acme-dr-replica/pg-dump/*'],
          },
          ...onlyTheRole,
        },
      }]);
    });

    test('no key statements without a replica key; no ReplicateDelete or owner override unless enabled', () => {
      const f = fixture({ encryption: 's3' });
      const r = rule(f, { destination: external({ account: undefined, encryptionKeyArn: undefined }) });
      const policy = r.destinationPolicy();

      expect(policy.keyPolicyStatements).toEqual([]);
      expect(f.stack.resolve(policy.bucketPolicyStatements[0].toStatementJson()).Action)
        .toEqual(['s3:ReplicateObject', 's3:ReplicateTags']);
    });

    test('a given role is named by its ARN', () => {
      const f = fixture();
      const role = iam.Role.fromRoleArn(f.stack, 'Existing', 'arn:aws:iam::111111111111:role/s3-replication');
      const r = rule(f, { role });

      expect(f.stack.resolve(r.destinationPolicy().bucketPolicyStatements[0].toStatementJson()).Condition)
        .toEqual({ ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/s3-replication' } });
    });
  });

  describe('metrics', () => {
    test.each<[string, (r: ReplicationRule) => cloudwatch.Metric, string]>([
      ['OperationsFailedReplication', (r) => r.metricOperationsFailedReplication(), 'Sum'],
      ['ReplicationLatency', (r) => r.metricReplicationLatency(), 'Maximum'],
      ['BytesPendingReplication', (r) => r.metricBytesPendingReplication(), 'Maximum'],
      ['OperationsPendingReplication', (r) => r.metricOperationsPendingReplication(), 'Maximum'],
    ])('%s: AWS/S3, dimensions SourceBucket, DestinationBucket, RuleId', (metricName, make, statistic) => {
      const f = fixture();
      const metric = make(rule(f, { ruleId: 'dumps' }));

      expect(metric.namespace).toBe('AWS/S3');
      expect(metric.metricName).toBe(metricName);
      expect(metric.statistic).toBe(statistic);
      expect(metric.period.toMinutes()).toBe(5);
      expect(f.stack.resolve(metric.dimensions)).toEqual({
        SourceBucket: { Ref: logicalId(f, f.source) },
        DestinationBucket: 'acme-dr-replica',
        RuleId: 'dumps',
      });
    });

    test('options override the defaults', () => {
      const f = fixture();
      const metric = rule(f).metricReplicationLatency({ statistic: 'Average' });
      expect(metric.statistic).toBe('Average');
    });

    test('a destination given by a token ARN is named by the resource part of the ARN', () => {
      const f = fixture();
      const arn = new CfnParameter(f.stack, 'DrBucketArn').valueAsString;
      const metric = rule(f, { destination: external({ bucketArn: arn }) }).metricBytesPendingReplication();
      expect(f.stack.resolve(metric.dimensions).DestinationBucket)
        .toEqual({ 'Fn::Select': [5, { 'Fn::Split': [':', { Ref: 'DrBucketArn' }] }] });
    });

    test('fails when a metric is asked of a rule without replication metrics', () => {
      const f = fixture();
      expect(() => rule(f, { metrics: false }).metricOperationsFailedReplication()).toThrow(
        "Workload/ToDr: metric('OperationsFailedReplication') needs S3 replication metrics, but the rule has metrics: false",
      );
    });
  });

  describe('validation', () => {
    test('fails when the source bucket is not defined in this app', () => {
      const f = fixture();
      const imported = s3.Bucket.fromBucketName(f.stack, 'Imported', 'someone-elses-bucket');
      expect(() => rule(f, { sourceBucket: imported })).toThrow(
        "sourceBucket 'Workload/Imported' is not a bucket defined in this app",
      );
    });

    test('fails when the source bucket is not versioned', () => {
      const f = fixture({ versioned: false });
      rule(f);
      expect(() => f.app.synth()).toThrow(
        "sourceBucket 'Workload/Source' is not versioned; S3 replication requires versioning on the source bucket",
      );
    });

    test('versioning enabled on the L1 after the rule was added is accepted', () => {
      const f = fixture({ versioned: false });
      rule(f);
      (f.source.node.defaultChild as s3.CfnBucket).versioningConfiguration = { status: 'Enabled' };
      expect(() => f.app.synth()).not.toThrow();
    });

    test('fails when a destination bucket of this app is not versioned', () => {
      const f = fixture({ encryption: 's3' });
      const dr = new Stack(f.app, 'Dr', { env: { account: SOURCE_ACCOUNT, region: 'us-west-2' } });
      const replica = new s3.Bucket(dr, 'Replica', { bucketName: 'acme-replica' });
      rule(f, { destination: ReplicationDestination.fromBucket(replica) });
      expect(() => f.app.synth()).toThrow("destination bucket 'Dr/Replica' is not versioned");
    });

    test('fails when a tag filter is combined with delete-marker replication', () => {
      const f = fixture();
      expect(() => rule(f, { tags: { backup: 'dr' }, deleteMarkerReplication: true })).toThrow(
        'deleteMarkerReplication is true but tags filter on {"backup":"dr"}; S3 cannot replicate delete markers for a rule with a tag filter',
      );
    });

    test('fails when replication time control is on without metrics', () => {
      const f = fixture();
      expect(() => rule(f, { replicationTime: true, metrics: false })).toThrow(
        'replicationTime is true but metrics is false; S3 Replication Time Control requires replication metrics with a 15-minute event threshold',
      );
    });

    test('fails when an Object Lock source replicates to an external destination not declared Object Lock', () => {
      const f = fixture({ objectLock: true });
      expect(() => rule(f)).toThrow(
        "sourceBucket 'Workload/Source' has Object Lock enabled, but the destination bucket 'arn:aws:s3:::acme-dr-replica' " +
          'does not (objectLockEnabled: false)',
      );
    });

    test('fails when an Object Lock source replicates to a bucket of this app without Object Lock', () => {
      const f = fixture({ objectLock: true, encryption: 's3' });
      const dr = new Stack(f.app, 'Dr', { env: { account: SOURCE_ACCOUNT, region: 'us-west-2' } });
      const replica = new s3.Bucket(dr, 'Replica', { bucketName: 'acme-replica', versioned: true });
      expect(() => rule(f, { destination: ReplicationDestination.fromBucket(replica) })).toThrow(
        "the destination bucket 'Dr/Replica' does not (objectLockEnabled: false)",
      );
    });

    test('an Object Lock source may replicate to a bucket of this app with Object Lock', () => {
      const f = fixture({ objectLock: true, encryption: 's3' });
      const dr = new Stack(f.app, 'Dr', { env: { account: SOURCE_ACCOUNT, region: 'us-west-2' } });
      const replica = new s3.Bucket(dr, 'Replica', { bucketName: 'acme-replica', versioned: true, objectLockEnabled: true });
      const r = rule(f, { destination: ReplicationDestination.fromBucket(replica) });
      expect(r.destination.objectLockEnabled).toBe(true);
    });

    describe('fromCrossAccountBucket', () => {
      function drBucket(f: Fixture, props: { bucketName?: string; encryptionKey?: kms.IKey } = {}): CrossAccountBucket {
        const dr = new Stack(f.app, 'Dr', { env: { account: DR_ACCOUNT, region: 'us-west-2' } });
        return new CrossAccountBucket(dr, 'Replica', { bucketName: 'acme-dr-files', ...props });
      }

      test('names the bucket by its literal name, the key by its alias ARN, Object Lock on, in its account and region', () => {
        const f = fixture();
        const replica = drBucket(f);
        const destination = ReplicationDestination.fromCrossAccountBucket(replica);
        const resolve = (value: string | undefined) => Stack.of(replica).resolve(value);
        expect([resolve(destination.bucketArn), destination.bucketName, destination.account, destination.region,
          resolve(destination.encryptionKeyArn), destination.objectLockEnabled]).toEqual([
          join('arn:', { Ref: 'AWS::Partition' }, ':s3:::acme-dr-files'), 'acme-dr-files', DR_ACCOUNT, 'us-west-2',
          join('arn:', { Ref: 'AWS::Partition' }, ':kms:us-west-2:222222222222:alias/acme-dr-files'), true,
        ]);
      });

      test('the destination bucket accepts the rule without a dependency cycle between its key and itself', () => {
        const f = fixture();
        const replica = drBucket(f);
        replica.acceptReplicationFrom(rule(f, { destination: ReplicationDestination.fromCrossAccountBucket(replica) }));
        const template = Template.fromStack(Stack.of(replica));
        const keyPolicy = JSON.stringify(Object.values(template.findResources('AWS::KMS::Key'))[0].Properties.KeyPolicy);
        expect(keyPolicy).toContain(':s3:::acme-dr-files"');
        expect(keyPolicy).not.toMatch(/"Ref":"Replica[0-9A-F]{8}"/);
        expect(() => f.app.synth()).not.toThrow();
      });

      test('fails when the bucket\'s stack has no explicit account and region', () => {
        const f = fixture();
        const replica = new CrossAccountBucket(new Stack(f.app, 'Agnostic'), 'Replica', { bucketName: 'acme-dr-files' });
        expect(() => ReplicationDestination.fromCrossAccountBucket(replica)).toThrow(
          "the stack 'Agnostic' of 'Agnostic/Replica' has no explicit account and region; give it an env",
        );
      });

      test('fails when the bucket name is a token', () => {
        const f = fixture();
        const dr = new Stack(f.app, 'Dr', { env: { account: DR_ACCOUNT, region: 'us-west-2' } });
        const replica = new CrossAccountBucket(dr, 'Replica', { bucketName: new CfnParameter(dr, 'Name').valueAsString });
        expect(() => ReplicationDestination.fromCrossAccountBucket(replica)).toThrow(
          "'Dr/Replica' has a bucketName that is a token; the rule must name the bucket before it exists",
        );
      });

      test('fails when the bucket was given its own key, which has no alias ARN', () => {
        const f = fixture();
        const replica = drBucket(f);
        const other = new CrossAccountBucket(Stack.of(replica), 'Keyed', {
          bucketName: 'acme-dr-keyed', encryptionKey: new kms.Key(Stack.of(replica), 'Own', { enableKeyRotation: true }),
        });
        expect(() => ReplicationDestination.fromCrossAccountBucket(other)).toThrow(
          "'Dr/Keyed' was given its own encryptionKey, which has no alias ARN this app can name",
        );
      });
    });

    test('fails when two rules of a bucket have the same priority', () => {
      const f = fixture();
      rule(f, { priority: 3 }, 'A');
      expect(() => rule(f, { priority: 3 }, 'B')).toThrow(
        "Workload/B: priority 3 is already used by replication rule 'Workload/A' of sourceBucket 'Workload/Source'; " +
          'priorities are unique per bucket: choose another priority (e.g. 4)',
      );
    });

    test.each([-1, 1.5])('fails when priority is %s', (priority) => {
      const f = fixture();
      expect(() => rule(f, { priority })).toThrow(`priority is ${priority}; S3 requires a non-negative integer`);
    });

    test('fails when a bucket would get more than 1000 rules', () => {
      const f = fixture({ encryption: 's3' });
      const destination = external({ account: undefined, encryptionKeyArn: undefined });
      for (let i = 0; i < 1000; i++) {
        rule(f, { destination, prefix: `p${i}/` }, `R${i}`);
      }
      expect(() => rule(f, { destination, prefix: 'last/' }, 'R1000')).toThrow(
        "sourceBucket 'Workload/Source' would get 1001 replication rules; S3 allows at most 1000 per bucket",
      );
    });

    test('fails when two rules of a bucket have the same ruleId', () => {
      const f = fixture();
      rule(f, { ruleId: 'dumps' }, 'A');
      expect(() => rule(f, { ruleId: 'dumps' }, 'B')).toThrow(
        "ruleId 'dumps' is already used by another replication rule of sourceBucket 'Workload/Source'",
      );
    });

    test('fails when ruleId is longer than 255 characters', () => {
      const f = fixture();
      expect(() => rule(f, { ruleId: 'x'.repeat(256) })).toThrow('is 256 characters long; S3 allows 1-255');
    });

    test('fails when the destination is in the region and the account of the source', () => {
      const f = fixture();
      expect(() => rule(f, { destination: external({ region: 'us-east-1', account: undefined, encryptionKeyArn: undefined }) })).toThrow(
        'destination region is us-east-1, the region of the source bucket, in the same account (111111111111)',
      );
    });

    test('the region of the source is accepted for a destination in another account', () => {
      const f = fixture({ encryption: 's3' });
      expect(() => rule(f, { destination: external({ region: 'us-east-1', encryptionKeyArn: undefined }) })).not.toThrow();
    });

    test.each<[string, Partial<ReplicationDestinationAttributes>, string]>([
      ['the destination account is not 12 digits', { account: '2222' },
        "destination account '2222' is invalid: an AWS account id is exactly 12 digits"],
      ['the destination bucket ARN is not an S3 bucket ARN', { bucketArn: 'arn:aws:s3:::acme/objects' },
        "destination bucketArn 'arn:aws:s3:::acme/objects' is invalid: expected the ARN of an S3 bucket"],
      ['the destination region is not a region', { region: 'west' },
        "destination region 'west' is invalid: expected an AWS region name"],
      ['the replica key is an alias name, not an alias ARN', { encryptionKeyArn: 'alias/dr' },
        "destination encryptionKeyArn 'alias/dr' is invalid: expected the ARN of a KMS key or of a KMS alias " +
          '(an alias name or a key id would be resolved in the source account)'],
      ['the replica key is a key id, not a key ARN', { encryptionKeyArn: '1234abcd-12ab-34cd-56ef-1234567890ab' },
        "destination encryptionKeyArn '1234abcd-12ab-34cd-56ef-1234567890ab' is invalid: expected the ARN of a KMS key or of a KMS alias"],
      ['the replica alias ARN has a character KMS aliases do not allow', { encryptionKeyArn: 'arn:aws:kms:us-west-2:222222222222:alias/dr.replica' },
        "destination encryptionKeyArn 'arn:aws:kms:us-west-2:222222222222:alias/dr.replica' is invalid: expected the ARN of a KMS key or of a KMS alias"],
      ['the replica alias ARN has no account', { encryptionKeyArn: 'arn:aws:kms:us-west-2::alias/dr' },
        "destination encryptionKeyArn 'arn:aws:kms:us-west-2::alias/dr' is invalid: expected the ARN of a KMS key or of a KMS alias"],
      ['the replica alias is the alias of an AWS managed key', { encryptionKeyArn: 'arn:aws:kms:us-west-2:222222222222:alias/aws/s3' },
        "destination encryptionKeyArn 'arn:aws:kms:us-west-2:222222222222:alias/aws/s3' is the alias of an AWS managed key"],
      ['the replica key is in another region than the destination', { encryptionKeyArn: DR_KEY_ARN.replace('us-west-2', 'eu-west-1') },
        'is a key in eu-west-1, but the destination bucket is in us-west-2'],
      ['the replica alias is in another region than the destination', { encryptionKeyArn: DR_ALIAS_ARN.replace('us-west-2', 'eu-west-1') },
        "destination encryptionKeyArn 'arn:aws:kms:eu-west-1:222222222222:alias/acme-dr-replica' is an alias in eu-west-1, " +
          'but the destination bucket is in us-west-2'],
    ])('fails when %s', (_name, attrs, message) => {
      expect(() => external(attrs)).toThrow(message);
    });

    test('fails when an alias ARN with a token partition is in another region than the destination', () => {
      const stack = new Stack();
      expect(() => external({ encryptionKeyArn: `arn:${stack.partition}:kms:eu-west-1:222222222222:alias/acme-dr-replica` }))
        .toThrow('is an alias in eu-west-1, but the destination bucket is in us-west-2');
    });

    test.each([DR_KEY_ARN, DR_ALIAS_ARN, 'arn:aws-us-gov:kms:us-west-2:222222222222:alias/team/acme_dr-replica'])(
      'accepts the replica key %s', (encryptionKeyArn) => {
        expect(external({ encryptionKeyArn }).encryptionKeyArn).toBe(encryptionKeyArn);
      });

    test('fails when the source bucket uses SSE-KMS with a key the rule cannot know', () => {
      const f = fixture({ encryption: 'aws-managed' });
      expect(() => rule(f, { destination: external({ encryptionKeyArn: undefined }) })).toThrow(
        'sourceKey is not set and the source bucket encrypts with SSE-KMS under a key this construct cannot see',
      );
    });

    test('an explicit sourceKey is accepted for a bucket with an unknown SSE-KMS key', () => {
      const f = fixture({ encryption: 'aws-managed' });
      const sourceKey = kms.Key.fromKeyArn(f.stack, 'Key', 'arn:aws:kms:us-east-1:111111111111:key/5555abcd-12ab-34cd-56ef-1234567890ab');
      expect(() => rule(f, { sourceKey })).not.toThrow();
    });

    test('fails when SSE-KMS objects are replicated to a destination without a replica key', () => {
      const f = fixture();
      expect(() => rule(f, { destination: external({ encryptionKeyArn: undefined }) })).toThrow(
        "the rule replicates SSE-KMS objects (sourceKey, or the source bucket's key) but the destination has no replica key",
      );
    });

    test('fails when a replica key is given but the rule does not replicate SSE-KMS objects', () => {
      const f = fixture({ encryption: 's3' });
      expect(() => rule(f)).toThrow(
        'the destination has a replica key but the rule does not replicate SSE-KMS objects',
      );
    });

    test("a destination bucket's own key is used only when the rule replicates SSE-KMS objects", () => {
      const f = fixture({ encryption: 's3' });
      const dr = new Stack(f.app, 'Dr', { env: { account: SOURCE_ACCOUNT, region: 'us-west-2' } });
      const replica = new s3.Bucket(dr, 'Replica', {
        bucketName: 'acme-replica', versioned: true, encryptionKey: new kms.Key(dr, 'Key', { enableKeyRotation: true }),
      });
      const r = rule(f, { destination: ReplicationDestination.fromBucket(replica) });
      expect(r.replicaKmsKeyArn).toBeUndefined();
      expect((rules(f.stack)[0].Destination as Json).EncryptionConfiguration).toBeUndefined();
    });

    test('fails when the replica key is a key of another environment, whose ARN is unknown at synth', () => {
      const f = fixture();
      const dr = new Stack(f.app, 'Dr', { env: { account: SOURCE_ACCOUNT, region: 'us-west-2' } });
      const replica = new s3.Bucket(dr, 'Replica', {
        bucketName: 'acme-replica', versioned: true, encryptionKey: new kms.Key(dr, 'Key', { enableKeyRotation: true }),
      });
      expect(() => rule(f, { destination: ReplicationDestination.fromBucket(replica) })).toThrow(
        "the destination key 'Dr/Key' is defined in another environment (111111111111/us-west-2) and its ARN is only known after it is deployed",
      );
    });

    test('a replica key of another environment given by its ARN is accepted', () => {
      const f = fixture();
      const dr = new Stack(f.app, 'Dr', { env: { account: SOURCE_ACCOUNT, region: 'us-west-2' } });
      const replica = new s3.Bucket(dr, 'Replica', { bucketName: 'acme-replica', versioned: true });
      const encryptionKey = kms.Key.fromKeyArn(f.stack, 'ReplicaKey', OTHER_KEY_ARN);
      const r = rule(f, { destination: ReplicationDestination.fromBucket(replica, { encryptionKey }) });
      expect(r.replicaKmsKeyArn).toBe(OTHER_KEY_ARN);
      expect(() => f.app.synth()).not.toThrow();
    });

    test('fails when ownerOverride is asked for a destination in the source account', () => {
      const f = fixture();
      expect(() => rule(f, { destination: external({ account: undefined }), ownerOverride: true })).toThrow(
        'ownerOverride is true but the destination is in the source account (111111111111)',
      );
    });

    test.each(['pg-dump/*', 'pg-dump/?'])("fails when prefix is '%s'", (prefix) => {
      const f = fixture();
      expect(() => rule(f, { prefix })).toThrow(`prefix '${prefix}' contains '*' or '?'`);
    });

    test('fails when a tag key is empty', () => {
      const f = fixture();
      expect(() => rule(f, { tags: { '': 'dr' } })).toThrow("tags key '' is 0 characters long; S3 tag keys have 1-128");
    });

    test('fails when the storage class is not one S3 replicates into', () => {
      const f = fixture();
      expect(() => rule(f, { storageClass: new s3.StorageClass('EXPRESS_ONEZONE') })).toThrow(
        "storageClass 'EXPRESS_ONEZONE' is not a storage class S3 replicates into",
      );
    });

    test('fails when a second rule of the bucket gives another role', () => {
      const f = fixture();
      rule(f, {}, 'A');
      const role = new iam.Role(f.stack, 'Other', { assumedBy: new iam.ServicePrincipal('s3.amazonaws.com') });
      expect(() => rule(f, { role }, 'B')).toThrow(
        "role 'Workload/Other' differs from the role of the other replication rules of sourceBucket 'Workload/Source' " +
          "('Workload/Source/Replication/Role'); a bucket has one replication role",
      );
    });

    test('fails when the source bucket already has replicationRules of its own', () => {
      const f = fixture({ encryption: 's3' });
      const other = new s3.Bucket(f.stack, 'WithRules', {
        versioned: true,
        replicationRules: [{ destination: s3.Bucket.fromBucketArn(f.stack, 'Dst', 'arn:aws:s3:::acme-dr-replica'), priority: 1 }],
      });
      expect(() => rule(f, { sourceBucket: other, destination: external({ encryptionKeyArn: undefined }) })).toThrow(
        "sourceBucket 'Workload/WithRules' already has a replication configuration (its replicationRules prop)",
      );
    });
  });

  describe('tokens are not validated at synth time', () => {
    test('destination attributes, priority and ruleId from parameters', () => {
      const f = fixture();
      const param = (id: string) => new CfnParameter(f.stack, id).valueAsString;
      const r = rule(f, {
        destination: ReplicationDestination.fromAttributes({
          bucketArn: param('BucketArn'),
          region: param('Region'),
          account: param('Account'),
          encryptionKeyArn: param('KeyArn'),
        }),
        priority: new CfnParameter(f.stack, 'Priority', { type: 'Number' }).valueAsNumber,
        ruleId: param('RuleId'),
      });

      expect(rules(f.stack)[0]).toEqual(expect.objectContaining({
        Id: { Ref: 'RuleId' },
        Priority: { Ref: 'Priority' },
        Destination: expect.objectContaining({
          Bucket: { Ref: 'BucketArn' },
          Account: { Ref: 'Account' },
          EncryptionConfiguration: { ReplicaKmsKeyID: { Ref: 'KeyArn' } },
        }),
      }));
      expect(f.stack.resolve(r.destinationPolicy().keyPolicyStatements[0].toStatementJson()).Condition.StringEquals)
        .toEqual({ 'kms:ViaService': join('s3.', { Ref: 'Region' }, '.amazonaws.com') });
    });

    test('an environment-agnostic stack skips the region and account comparison', () => {
      const app = new App();
      const stack = new Stack(app, 'Agnostic');
      const source = new s3.Bucket(stack, 'Source', { versioned: true });
      const replica = new s3.Bucket(stack, 'Replica', { versioned: true });
      new ReplicationRule(stack, 'Rule', { sourceBucket: source, destination: ReplicationDestination.fromBucket(replica) });
      expect(() => app.synth()).not.toThrow();
    });
  });

  describe('cdk-nag', () => {
    /** Findings on what the rule creates: the bucket's replication role and policy, and anything under the rule. */
    const ruleFindings = (f: Fixture, r: ReplicationRule) => nagFindings(f.stack).filter((finding) =>
      finding.path.startsWith(`${f.source.node.path}/Replication/`) || finding.path.startsWith(`${r.node.path}/`));

    test.each<[string, FixtureOptions, (f: Fixture) => Partial<ReplicationRuleProps>]>([
      ['seed 000: SSE-KMS, cross-account, RTC, prefix', {}, () => ({ prefix: 'pg-dump/', replicationTime: true })],
      ['replica key named by its alias ARN, two prefixes', {},
        (f) => {
          rule(f, { destination: external({ encryptionKeyArn: DR_ALIAS_ARN }), prefix: 'a/' }, 'Other');
          return { destination: external({ encryptionKeyArn: DR_ALIAS_ARN }), prefix: 'b/' };
        }],
      ['replica key named by an alias ARN with a token partition', {},
        (f) => ({ destination: external({ encryptionKeyArn: `arn:${f.stack.partition}:kms:us-west-2:222222222222:alias/acme-dr-replica` }) })],
      ['seed 001: SSE-S3, same account, delete markers, whole bucket', { encryption: 's3' },
        () => ({ destination: external({ account: undefined, encryptionKeyArn: undefined }), deleteMarkerReplication: true })],
      ['Object Lock source with a given role', { objectLock: true },
        (f) => ({
          destination: external({ objectLockEnabled: true }),
          role: new iam.Role(f.stack, 'Given', { assumedBy: new iam.ServicePrincipal('s3.amazonaws.com') }),
        })],
    ])('no unacknowledged findings on the replication role and policy: %s', (_name, options, props) => {
      const f = fixture(options);
      const r = rule(f, props(f));
      expect(nagFindings(f.stack).some((finding) => finding.path.startsWith(`${f.source.node.path}/Replication/Policy`)))
        .toBe(false);
      expect(formatFindings(ruleFindings(f, r))).toBe('');
      expect(formatFindings(nagFindings(f.stack).filter((finding) => finding.path === `${r.role.node.path}/Resource`))).toBe('');
    });

    test('the source bucket no longer needs a replication acknowledgement', () => {
      const f = fixture();
      rule(f);
      const findings = nagFindings(f.stack).filter((finding) => finding.path === 'Workload/Source/Resource');
      expect(formatFindings(findings)).toBe('');
    });

    test('the object wildcards are acknowledged on the policy, one finding id per resource, nowhere else', () => {
      const f = fixture();
      const a = rule(f, { prefix: 'pg-dump/' }, 'A');
      rule(f, { prefix: 'uploads/' }, 'B');
      const sourceId = logicalId(f, f.source);

      expect(acknowledgedIds(a.policy)).toEqual([
        `AwsSolutions-IAM5[Resource::<${sourceId}.Arn>/pg-dump/*]`,
        `AwsSolutions-IAM5[Resource::<${sourceId}.Arn>/uploads/*]`,
        'AwsSolutions-IAM5[Resource::arn:aws:s3:::acme-dr-replica/pg-dump/*]',
        'AwsSolutions-IAM5[Resource::arn:aws:s3:::acme-dr-replica/uploads/*]',
      ]);
      expect(acknowledgedIds(a.role)).toEqual([]);
      expect(acknowledgedIds(a)).toEqual([]);
      expect(acknowledgedIds(f.stack)).toEqual([]);
    });

    test('the acknowledged ids are exactly the findings cdk-nag computes for the policy', () => {
      const f = fixture();
      const r = rule(f, { prefix: 'pg-dump/' });
      const cfnPolicy = r.policy.node.defaultChild as iam.CfnManagedPolicy;

      const raw = nagRules.iam.IAMNoWildcardPermissions(cfnPolicy) as string[];
      expect(raw.map((finding) => `AwsSolutions-IAM5[${finding}]`).sort()).toEqual(acknowledgedIds(r.policy));
      expect(raw).toHaveLength(2);
    });

    test.each<[string, (f: Fixture) => string, string]>([
      ['a literal alias ARN', () => DR_ALIAS_ARN, 'AwsSolutions-IAM5[Resource::arn:aws:kms:us-west-2:222222222222:key/*]'],
      ['an alias ARN with a token partition', (f) => `arn:${f.stack.partition}:kms:us-west-2:222222222222:alias/acme-dr-replica`,
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kms:us-west-2:222222222222:key/*]'],
    ])('with %s, the acknowledged ids are exactly the findings cdk-nag computes, key/* included', (_name, aliasArn, keyFinding) => {
      const f = fixture();
      const r = rule(f, { prefix: 'pg-dump/', destination: external({ encryptionKeyArn: aliasArn(f) }) });
      const cfnPolicy = r.policy.node.defaultChild as iam.CfnManagedPolicy;

      const raw = nagRules.iam.IAMNoWildcardPermissions(cfnPolicy) as string[];
      expect(raw.map((finding) => `AwsSolutions-IAM5[${finding}]`).sort()).toEqual(acknowledgedIds(r.policy));
      expect(raw).toHaveLength(3);
      expect(acknowledgedIds(r.policy)).toContain(keyFinding);
      expect(acknowledgedIds(r.role)).toEqual([]);
      expect(acknowledgedIds(f.stack)).toEqual([]);
    });

    test('a destination of this app in another region is acknowledged with the ARN cdk-nag reports', () => {
      const f = fixture({ encryption: 's3' });
      const dr = new Stack(f.app, 'Dr', { env: { account: SOURCE_ACCOUNT, region: 'us-west-2' } });
      const replica = new s3.Bucket(dr, 'Replica', { bucketName: 'acme-replica', versioned: true });
      const r = rule(f, { destination: ReplicationDestination.fromBucket(replica), prefix: 'x/' });
      expect(formatFindings(ruleFindings(f, r))).toBe('');
      expect(acknowledgedIds(r.policy)).toContain('AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::acme-replica/x/*]');
    });
  });
});
