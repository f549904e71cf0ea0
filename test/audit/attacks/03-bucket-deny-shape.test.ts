// Attack on BackupBucketConditionalWrites and BackupBucketKmsOnly: each statement below looks like the required Deny
// but denies nothing a backup writer (or an insider holding the writer's role) would send: the wrong Resource, a
// NotResource, an extra condition, the wrong compared value, or a second bucket policy that the deployed one replaces.
import { bucketPolicy, DUMP_JOB, GOOD_DENIES, lockedKmsBucket, OBJECTS, ruleOutcome, stackOf } from './helpers';

const [, GOOD_KMS] = GOOD_DENIES;
const BUCKET_ARN = { 'Fn::GetAtt': ['Dumps', 'Arn'] };

function bucketWith(statements: unknown[], extra: Record<string, unknown> = {}) {
  return [stackOf({ Resources: { Dumps: lockedKmsBucket() as never, Policy: bucketPolicy(statements) as never, Job: DUMP_JOB, ...extra } as never })];
}

const conditionalWrites = (statement: Record<string, unknown>) => ({
  Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:PutObject', Resource: OBJECTS, Condition: { Null: { 's3:if-none-match': 'true' } }, ...statement,
});

test('ConditionalWrites: Resource is the bucket ARN, which s3:PutObject never matches (objects are <arn>/*)', () => {
  expect(ruleOutcome(bucketWith([conditionalWrites({ Resource: BUCKET_ARN }), GOOD_KMS]), 'BackupBucketConditionalWrites', 'Dumps').status).toBe('non-compliant');
});

test('ConditionalWrites: Resource is a prefix no backup is written under', () => {
  const decoy = { 'Fn::Join': ['', [BUCKET_ARN, '/decoy/*']] };
  expect(ruleOutcome(bucketWith([conditionalWrites({ Resource: decoy }), GOOD_KMS]), 'BackupBucketConditionalWrites', 'Dumps').status).toBe('non-compliant');
});

test('ConditionalWrites: NotResource excludes every object', () => {
  const statement = conditionalWrites({ NotResource: OBJECTS });
  delete (statement as Record<string, unknown>).Resource;
  expect(ruleOutcome(bucketWith([statement, GOOD_KMS]), 'BackupBucketConditionalWrites', 'Dumps').status).toBe('non-compliant');
});

test('ConditionalWrites: an extra condition that never matches the writer (aws:PrincipalAccount of another account)', () => {
  const statement = conditionalWrites({ Condition: { Null: { 's3:if-none-match': 'true' }, StringEquals: { 'aws:PrincipalAccount': '999999999999' } } });
  expect(ruleOutcome(bucketWith([statement, GOOD_KMS]), 'BackupBucketConditionalWrites', 'Dumps').status).toBe('non-compliant');
});

test('KmsOnly: StringNotEquals s3:x-amz-server-side-encryption AES256 denies KMS and forces SSE-S3', () => {
  const aes = { ...GOOD_KMS, Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'AES256' } } };
  expect(ruleOutcome(bucketWith([GOOD_DENIES[0], aes]), 'BackupBucketKmsOnly', 'Dumps').status).toBe('non-compliant');
});

test('KmsOnly: the KMS Deny sits on the bucket ARN only', () => {
  const onBucket = { ...GOOD_KMS, Resource: BUCKET_ARN };
  expect(ruleOutcome(bucketWith([GOOD_DENIES[0], onBucket]), 'BackupBucketKmsOnly', 'Dumps').status).toBe('non-compliant');
});

test('both: a second AWS::S3::BucketPolicy on the same bucket replaces the first at deploy (one policy per bucket), yet its statements are unioned', () => {
  const permissive = {
    Type: 'AWS::S3::BucketPolicy',
    Properties: { Bucket: { Ref: 'Dumps' }, PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 's3:*', Resource: OBJECTS }] } },
  };
  const stacks = bucketWith(GOOD_DENIES, { Override: permissive });
  expect(ruleOutcome(stacks, 'BackupBucketConditionalWrites', 'Dumps').status).toBe('non-compliant');
});
