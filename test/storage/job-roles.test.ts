// Issue 12, attack path 5: account-wide grants. CrossAccountBucket given an account id lets every principal of that
// account that its own policies allow write and read every database's dumps. `jobRoles` names the job roles instead:
// each confined to its database's folder, nobody else of that account let in, in the bucket policy and the key policy.
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { CrossAccountBucket, CrossAccountBucketProps, DumpJobRoles } from '../../lib';
import { decide, PolicyDocument, resolve } from '../policy-simulation';

const WORKLOAD = '111111111111';
const BACKUP = '222222222222';
const KEY_ARN = `arn:aws:kms:us-east-1:${BACKUP}:key/00000000-0000-0000-0000-000000000000`;
const ROLES: DumpJobRoles = {
  account: WORKLOAD,
  dumpRoleName: 'acme-dump-{database}',
  dumpDatabases: ['orders', 'billing'],
  verifyRoleName: 'acme-verify-{database}',
  verifyDatabases: ['orders'],
};

function build(props: CrossAccountBucketProps): { stack: Stack; template: Template } {
  const stack = new Stack(new App(), 'Backup', { env: { account: BACKUP, region: 'us-east-1' } });
  new CrossAccountBucket(stack, 'Dumps', { bucketName: 'acme-dumps', ...props });
  return { stack, template: Template.fromStack(stack) };
}

function policies(props: CrossAccountBucketProps): { bucket: PolicyDocument; key: PolicyDocument } {
  const { stack, template } = build(props);
  const [bucketId] = Object.keys(template.findResources('AWS::S3::Bucket', { Properties: { BucketName: 'acme-dumps' } }));
  const keys = template.findResources('AWS::KMS::Key');
  const arns = { [bucketId]: 'arn:aws:s3:::acme-dumps', ...Object.fromEntries(Object.keys(keys).map((id) => [id, KEY_ARN])) };
  const [, policy] = Object.entries(template.findResources('AWS::S3::BucketPolicy'))
    .find(([, resource]) => JSON.stringify(resource.Properties.Bucket) === JSON.stringify({ Ref: bucketId }))!;
  const [key] = Object.values(keys).filter((k) => /database dumps/.test(k.Properties.Description));
  return {
    bucket: resolve(policy.Properties.PolicyDocument, stack, arns) as PolicyDocument,
    key: resolve(key.Properties.KeyPolicy, stack, arns) as PolicyDocument,
  };
}

const role = (name: string) => `arn:aws:iam::${WORKLOAD}:role/${name}`;
const tagged = (database: string) => ({ 'aws:PrincipalTag/cdk-backup-dr:database': database });
const put = (policy: PolicyDocument, name: string, database: string, tag = database) => decide(policy, {
  action: 's3:PutObject', principal: role(name), resource: `arn:aws:s3:::acme-dumps/pg-dump/${database}/1.dump`, resourceAccount: BACKUP,
  context: { ...tagged(tag), 's3:ObjectCreationOperation': 'true', 's3:if-none-match': '*' },
});
const get = (policy: PolicyDocument, name: string, database: string, tag = database) => decide(policy, {
  action: 's3:GetObject', principal: role(name), resource: `arn:aws:s3:::acme-dumps/pg-dump/${database}/1.dump`, resourceAccount: BACKUP,
  context: tagged(tag),
});

describe('the job roles of another account', () => {
  const { bucket, key } = policies({ jobRoles: ROLES });

  test('each dump role writes its own database, each verify role reads its own', async () => {
    expect(await put(bucket, 'acme-dump-orders', 'orders')).toBe('Allowed');
    expect(await put(bucket, 'acme-dump-billing', 'billing')).toBe('Allowed');
    expect(await get(bucket, 'acme-verify-orders', 'orders')).toBe('Allowed');
  });

  test('but not another database, not the other kind, and not with another database\'s tag', async () => {
    expect(await put(bucket, 'acme-dump-orders', 'billing')).toBe('ExplicitlyDenied');
    expect(await put(bucket, 'acme-dump-orders', 'billing', 'billing')).toBe('ExplicitlyDenied');
    expect(await get(bucket, 'acme-dump-orders', 'orders')).toBe('ExplicitlyDenied');
    expect(await put(bucket, 'acme-verify-orders', 'orders')).toBe('ExplicitlyDenied');
    expect(await get(bucket, 'acme-verify-billing', 'billing')).toBe('ExplicitlyDenied');
  });

  test('no other principal of the account, whatever its name or tag', async () => {
    expect(await put(bucket, 'Admin', 'orders')).toBe('ExplicitlyDenied');
    expect(await put(bucket, 'acme-dump-evil', 'evil')).toBe('ExplicitlyDenied');
  });

  // The key statements are asserted, not simulated: the simulator drops `kms:EncryptionContext:aws:s3:arn` from the
  // request (a context key with colons in its variable part), so no statement conditioned on it can match there.
  test('the key: the dump roles generate data keys and the verify roles decrypt, only through S3 for this bucket', () => {
    const statements = key.Statement.filter((statement) => String(statement.Sid).endsWith('JobsViaS3'));
    const viaS3Conditions = { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com', 'kms:EncryptionContext:aws:s3:arn': 'arn:aws:s3:::acme-dumps' } };
    expect(statements).toEqual([
      {
        Sid: 'AllowDumpJobsViaS3', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${WORKLOAD}:root` }, Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: '*',
        Condition: { ...viaS3Conditions, ArnLike: { 'aws:PrincipalArn': role('acme-dump-*') } },
      },
      {
        Sid: 'AllowVerifyJobsViaS3', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${WORKLOAD}:root` }, Action: 'kms:Decrypt', Resource: '*',
        Condition: { ...viaS3Conditions, ArnLike: { 'aws:PrincipalArn': role('acme-verify-*') } },
      },
    ]);
    expect(JSON.stringify(key)).not.toContain('AllowExternal');
  });

  test('the policy grows by the role names only: no statement per database', () => {
    const count = (databases: number) => {
      const names = Array.from({ length: databases }, (_, i) => `db${i}`);
      const { template } = build({ jobRoles: { ...ROLES, dumpDatabases: names, verifyDatabases: names } });
      return Object.values(template.findResources('AWS::S3::BucketPolicy'))
        .map((p) => p.Properties.PolicyDocument.Statement.length).reduce((a, b) => Math.max(a, b));
    };
    expect(count(50)).toBe(count(2));
  });
});

test('an account id in writerPrincipals lets the whole account in, and is warned', () => {
  const { stack } = build({ writerPrincipals: [WORKLOAD] });
  Annotations.fromStack(stack).hasWarning('/Backup/Dumps', Match.stringLikeRegexp('name the account\\(s\\) 111111111111: every principal there'));
});

test.each<[string, Partial<DumpJobRoles>, RegExp]>([
  ['the bucket\'s own account', { account: BACKUP }, /jobRoles.account is 222222222222, this bucket's own account/],
  ['a name without {database}', { dumpRoleName: 'acme-dump' }, /jobRoles.dumpRoleName 'acme-dump' is invalid: a literal role name with '\{database\}' once/],
  ['a wildcard in a name', { verifyRoleName: 'acme-*-{database}' }, /jobRoles.verifyRoleName 'acme-\*-\{database\}' is invalid/],
  ['verify databases without a verify role', { verifyRoleName: undefined }, /jobRoles.verifyDatabases is set but jobRoles.verifyRoleName is not/],
  ['a verified database that is not dumped', { verifyDatabases: ['payroll'] }, /jobRoles.verifyDatabases names 'payroll', which is not in jobRoles.dumpDatabases/],
  ['no database', { dumpDatabases: [], verifyDatabases: [] }, /jobRoles.dumpDatabases is empty/],
  ['a database name a tag cannot hold', { dumpDatabases: ['orders$'], verifyDatabases: [] }, /jobRoles database 0 'orders\$' is invalid/],
  ['overlapping names', { dumpRoleName: 'acme-{database}' }, /jobRoles.dumpRoleName 'acme-\{database\}' and verifyRoleName 'acme-verify-\{database\}' overlap \(database 'orders'\)/],
])('jobRoles with %s fails the synth', (_case, change, message) => {
  expect(() => build({ jobRoles: { ...ROLES, ...change } })).toThrow(message);
});
