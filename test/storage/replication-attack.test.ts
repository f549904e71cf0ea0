// Issue 12, attack path 1 by other means: writing over the dumps' keys without s3:PutObject. S3 replication writes
// replicas as its role with s3:ReplicateObject (and s3:ReplicateDelete, s3:ReplicateTags), which the conditional-write
// denies do not cover; an administrator of the backup account could point a bucket's replication at the dump bucket
// and replace every dump's current version. And UpdateObjectEncryption could move every dump to a key of the backup
// account that is then deleted. The bucket policy must refuse both, and still let an accepted rule replicate.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CrossAccountBucket, CrossAccountBucketProps, ReplicationDestination, ReplicationRule } from '../../lib';
import { decide, PolicyDocument, resolve } from '../policy-simulation';

const WORKLOAD_ACCOUNT = '111111111111';
const BACKUP_ACCOUNT = '222222222222';
const BUCKET = 'acme-dumps';
const KEY_ARN = `arn:aws:kms:us-west-2:${BACKUP_ACCOUNT}:key/00000000-0000-0000-0000-000000000000`;
const DUMP = `arn:aws:s3:::${BUCKET}/pg-dump/orders/2026-12-07T03-00-00Z.dump`;
const ADMIN = `arn:aws:iam::${BACKUP_ACCOUNT}:role/Admin`;
const BREAK_GLASS = `arn:aws:iam::${BACKUP_ACCOUNT}:role/break-glass`;

/** The dump bucket's policy, resolved, and the ARN of the replication role of the rule it accepted (if any). */
function dumpBucketPolicy(options: { accept: boolean; props?: (stack: Stack) => CrossAccountBucketProps }): { policy: PolicyDocument; roleArn?: string } {
  const app = new App();
  const backup = new Stack(app, 'Backup', { env: { account: BACKUP_ACCOUNT, region: 'us-west-2' } });
  const dumps = new CrossAccountBucket(backup, 'Dumps', { bucketName: BUCKET, ...options.props?.(backup) });
  let roleArn: string | undefined;
  if (options.accept) {
    const workload = new Stack(app, 'Workload', { env: { account: WORKLOAD_ACCOUNT, region: 'us-east-1' } });
    const source = new s3.Bucket(workload, 'Source', {
      versioned: true,
      encryptionKey: new kms.Key(workload, 'SourceKey', { enableKeyRotation: true }),
    });
    const rule = new ReplicationRule(workload, 'ToBackup', {
      sourceBucket: source,
      destination: ReplicationDestination.fromBucket(dumps.bucket, { encryptionKey: kms.Key.fromKeyArn(workload, 'ReplicaKey', KEY_ARN) }),
      prefix: 'pg-dump/',
    });
    dumps.acceptReplicationFrom(rule);
    roleArn = resolve(workload.resolve(rule.replicationRoleArn), workload, {}) as string;
  }
  const template = Template.fromStack(backup);
  const bucketId = Object.keys(template.findResources('AWS::S3::Bucket', { Properties: { ObjectLockEnabled: true } }))[0];
  const arns = {
    [bucketId]: `arn:aws:s3:::${BUCKET}`,
    ...Object.fromEntries(Object.keys(template.findResources('AWS::KMS::Key')).map((id) => [id, KEY_ARN])),
  };
  const policy = Object.values(template.findResources('AWS::S3::BucketPolicy'))
    .find((resource) => JSON.stringify(resource.Properties.Bucket) === JSON.stringify({ Ref: bucketId }));
  return { policy: resolve(policy!.Properties.PolicyDocument, backup, arns) as PolicyDocument, roleArn };
}

const request = (policy: PolicyDocument, action: string, principal: string) =>
  decide(policy, { action, principal, resource: DUMP, resourceAccount: BACKUP_ACCOUNT });

describe('replication into the dump bucket', () => {
  const accepted = dumpBucketPolicy({ accept: true });
  const none = dumpBucketPolicy({ accept: false });

  test('the role of an accepted rule still replicates objects and tags', async () => {
    expect(accepted.roleArn).toMatch(/^arn:aws:iam::111111111111:role\//);
    expect(await request(accepted.policy, 's3:ReplicateObject', accepted.roleArn!)).toBe('Allowed');
    expect(await request(accepted.policy, 's3:ReplicateTags', accepted.roleArn!)).toBe('Allowed');
  });

  test.each(['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'])(
    'the backup account\'s administrator, replicating a bucket of its own here, is explicitly denied %s', async (action) => {
      expect(await request(accepted.policy, action, ADMIN)).toBe('ExplicitlyDenied');
      expect(await request(none.policy, action, ADMIN)).toBe('ExplicitlyDenied');
    });

  test('the accepted role cannot write replicas encrypted with a key of its own account (which it could then delete)', async () => {
    const withKey = (keyId: string) => decide(accepted.policy, {
      action: 's3:ReplicateObject', principal: accepted.roleArn!, resource: DUMP, resourceAccount: BACKUP_ACCOUNT,
      context: { 's3:x-amz-server-side-encryption': 'aws:kms', 's3:x-amz-server-side-encryption-aws-kms-key-id': keyId },
    });
    expect(await withKey(`arn:aws:kms:us-west-2:${WORKLOAD_ACCOUNT}:key/11111111-1111-1111-1111-111111111111`)).toBe('ExplicitlyDenied');
    expect(await withKey(KEY_ARN)).toBe('Allowed');
  });

  test('another role of the source account, allowed everything at home, is explicitly denied', async () => {
    expect(await request(accepted.policy, 's3:ReplicateObject', `arn:aws:iam::${WORKLOAD_ACCOUNT}:role/other-replication`)).toBe('ExplicitlyDenied');
  });
});

describe('re-encrypting the dumps', () => {
  const { policy } = dumpBucketPolicy({
    accept: false,
    props: (stack) => ({ breakGlassRole: iam.Role.fromRoleArn(stack, 'BreakGlass', BREAK_GLASS) }),
  });

  test('the backup account\'s administrator is explicitly denied s3:UpdateObjectEncryption', async () => {
    expect(await request(policy, 's3:UpdateObjectEncryption', ADMIN)).toBe('ExplicitlyDenied');
  });

  test('the break-glass role is not', async () => {
    expect(await request(policy, 's3:UpdateObjectEncryption', BREAK_GLASS)).toBe('Allowed');
  });
});

// Attack path 1 at bucket level: a lifecycle that expires every version once its lock ends, a shorter default
// retention, the policy replaced. Denied to all but break-glass and CloudFormation's role.
describe('changing the bucket itself', () => {
  const { policy } = dumpBucketPolicy({
    accept: false,
    props: (stack) => ({ breakGlassRole: iam.Role.fromRoleArn(stack, 'BreakGlass', BREAK_GLASS) }),
  });
  const CFN_ROLE = `arn:aws:iam::${BACKUP_ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${BACKUP_ACCOUNT}-us-west-2`;
  const onBucket = (action: string, principal: string) =>
    decide(policy, { action, principal, resource: `arn:aws:s3:::${BUCKET}`, resourceAccount: BACKUP_ACCOUNT });
  const CHANGES = [
    's3:PutLifecycleConfiguration', 's3:PutBucketObjectLockConfiguration', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy',
    's3:PutReplicationConfiguration', 's3:PutEncryptionConfiguration', 's3:PutBucketVersioning', 's3:DeleteBucket',
  ];

  test.each(CHANGES)('the backup account\'s administrator is explicitly denied %s', async (action) => {
    expect(await onBucket(action, ADMIN)).toBe('ExplicitlyDenied');
  });

  // DeleteBucket included: S3 deletes only an empty bucket, and Object Lock keeps it from being emptied.
  test.each(CHANGES)('CloudFormation\'s role and break-glass may %s', async (action) => {
    expect(await onBucket(action, CFN_ROLE)).toBe('Allowed');
    expect(await onBucket(action, BREAK_GLASS)).toBe('Allowed');
  });
});
