// Issue 12, attack path 1: whoever can act as a writer (a changed dump function, a role recreated under the trusted
// name) re-uploads every dump key with junk, so that each genuine dump becomes a noncurrent version the lifecycle
// removes once its lock ends. The dump bucket's policy must refuse every write that could replace an object, and
// still let the pg-dump job create new ones (PutObject and CompleteMultipartUpload with If-None-Match, the parts).
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CrossAccountBucket } from '../../lib';
import { decide, PolicyDocument, resolve } from '../policy-simulation';

const BACKUP_ACCOUNT = '111111111111';
const WRITER = 'arn:aws:iam::222222222222:role/backup-dr-orders-dump';
const BUCKET = 'acme-dumps';
const KEY_ARN = `arn:aws:kms:us-east-1:${BACKUP_ACCOUNT}:key/00000000-0000-0000-0000-000000000000`;
const DUMP = `arn:aws:s3:::${BUCKET}/pg-dump/orders/2026-12-07T03-00-00Z.dump`;

let bucketPolicy: PolicyDocument;

beforeAll(() => {
  const stack = new Stack(new App(), 'Backup', { env: { account: BACKUP_ACCOUNT, region: 'us-east-1' } });
  new CrossAccountBucket(stack, 'Dumps', { bucketName: BUCKET, prefix: 'pg-dump/', writerPrincipals: [WRITER] });
  const template = Template.fromStack(stack);
  const ids = (type: string) => Object.keys(template.findResources(type));
  const dumpBucket = Object.keys(template.findResources('AWS::S3::Bucket', { Properties: { ObjectLockEnabled: true } }))[0];
  const arns = { [dumpBucket]: `arn:aws:s3:::${BUCKET}`, ...Object.fromEntries(ids('AWS::KMS::Key').map((id) => [id, KEY_ARN])) };
  const policy = Object.values(template.findResources('AWS::S3::BucketPolicy'))
    .find((resource) => JSON.stringify(resource.Properties.Bucket) === JSON.stringify({ Ref: dumpBucket }));
  bucketPolicy = resolve(policy!.Properties.PolicyDocument, stack, arns) as PolicyDocument;
});

/** The headers every write of the job carries for its encryption (the other denies of the policy). */
const ENCRYPTED = { 's3:x-amz-server-side-encryption': 'aws:kms', 's3:x-amz-server-side-encryption-aws-kms-key-id': KEY_ARN };

const write = (context: Record<string, string>) => decide(bucketPolicy, {
  action: 's3:PutObject', principal: WRITER, resource: DUMP, resourceAccount: BACKUP_ACCOUNT, context,
});

describe('the job still writes new dumps', () => {
  test('PutObject with If-None-Match: * (a dump smaller than one part, the manifest)', async () => {
    expect(await write({ ...ENCRYPTED, 's3:ObjectCreationOperation': 'true', 's3:if-none-match': '*' })).toBe('Allowed');
  });

  test('CreateMultipartUpload and UploadPart, which take no conditional header', async () => {
    expect(await write({ ...ENCRYPTED, 's3:ObjectCreationOperation': 'false' })).toBe('Allowed');
    expect(await write({ 's3:ObjectCreationOperation': 'false' })).toBe('Allowed');
  });
});

describe('the writer cannot replace a dump', () => {
  test.each([
    ['PutObject without a condition (overwrites the key)', { ...ENCRYPTED, 's3:ObjectCreationOperation': 'true' }],
    ['CompleteMultipartUpload without a condition', { 's3:ObjectCreationOperation': 'true' }],
    ['PutObject with If-Match: <the genuine dump\'s ETag>', { ...ENCRYPTED, 's3:ObjectCreationOperation': 'true', 's3:if-match': '"0123456789abcdef0123456789abcdef"' }],
    ['a write that does not say whether it creates an object', { ...ENCRYPTED }],
    ['PutObject with If-None-Match: <an ETag> (a comparison, not "must not exist")', { ...ENCRYPTED, 's3:ObjectCreationOperation': 'true', 's3:if-none-match': '"0123456789abcdef0123456789abcdef"' }],
    ['PutObject with If-None-Match: * and If-Match together', { ...ENCRYPTED, 's3:ObjectCreationOperation': 'true', 's3:if-none-match': '*', 's3:if-match': '"0123456789abcdef0123456789abcdef"' }],
  ])('%s: explicitly denied', async (_attack, context) => {
    expect(await write(context)).toBe('ExplicitlyDenied');
  });

  test.each(['s3:PutObjectRetention', 's3:PutObjectLegalHold'])('the bucket account\'s administrator cannot %s (a COMPLIANCE retention extended cannot be shortened)', async (action) => {
    expect(await decide(bucketPolicy, {
      action, principal: `arn:aws:iam::${BACKUP_ACCOUNT}:role/Admin`, resource: DUMP, resourceAccount: BACKUP_ACCOUNT,
    })).toBe('ExplicitlyDenied');
  });

  test('not even the bucket account\'s administrator', async () => {
    expect(await decide(bucketPolicy, {
      action: 's3:PutObject', principal: `arn:aws:iam::${BACKUP_ACCOUNT}:role/Admin`, resource: DUMP, resourceAccount: BACKUP_ACCOUNT,
      context: { ...ENCRYPTED, 's3:ObjectCreationOperation': 'true' },
    })).toBe('ExplicitlyDenied');
  });
});
