import { App, Stack } from 'aws-cdk-lib';
import { CrossAccountBucket, DumpBucket, IDumpBucket } from '../../lib';

const env = { account: '111111111111', region: 'us-east-1' };

function fields(bucket: IDumpBucket, stack: Stack): Record<string, unknown> {
  return {
    bucketName: stack.resolve(bucket.bucketName),
    bucketAccount: bucket.bucketAccount,
    bucketRegion: bucket.bucketRegion,
    prefix: bucket.prefix,
    encryptionKeyArn: bucket.encryptionKeyArn === undefined ? undefined : stack.resolve(bucket.encryptionKeyArn),
    encryptionKeyAliasArn: bucket.encryptionKeyAliasArn === undefined ? undefined : stack.resolve(bucket.encryptionKeyAliasArn),
  };
}

describe('IDumpBucket', () => {
  test('a CrossAccountBucket is a dump bucket: its stack\'s account and region, its prefix, key and alias', () => {
    const stack = new Stack(new App(), 'Backup', { env: { account: '222222222222', region: 'us-west-2' } });
    const bucket = new CrossAccountBucket(stack, 'Dumps', { bucketName: 'acme-dumps', prefix: 'db/' });
    expect(fields(bucket, stack)).toEqual({
      bucketName: { Ref: expect.stringMatching(/^Dumps/) },
      bucketAccount: '222222222222',
      bucketRegion: 'us-west-2',
      prefix: 'db/',
      encryptionKeyArn: { 'Fn::GetAtt': [expect.stringMatching(/^DumpsKey/), 'Arn'] },
      encryptionKeyAliasArn: {
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':kms:us-west-2:222222222222:alias/acme-dumps']],
      },
    });
  });

  test('fromDumpBucketAttributes: the account and region of the key\'s ARN, the default prefix', () => {
    const stack = new Stack(new App(), 'S', { env });
    const bucket = DumpBucket.fromDumpBucketAttributes(stack, 'Dumps', {
      bucketName: 'acme-dumps',
      account: '222222222222',
      encryptionKeyArn: 'arn:aws:kms:us-east-1:222222222222:alias/acme-dumps',
    });
    expect(fields(bucket, stack)).toEqual({
      bucketName: 'acme-dumps',
      bucketAccount: '222222222222',
      bucketRegion: 'us-east-1',
      prefix: 'pg-dump/',
      encryptionKeyArn: 'arn:aws:kms:us-east-1:222222222222:alias/acme-dumps',
      encryptionKeyAliasArn: undefined,
    });
  });

  test('fromDumpBucketAttributes without account, region or key: the scope\'s stack', () => {
    const stack = new Stack(new App(), 'S', { env });
    const bucket = DumpBucket.fromDumpBucketAttributes(stack, 'Dumps', { bucketName: 'acme-dumps', prefix: 'logical/' });
    expect(fields(bucket, stack)).toMatchObject({ bucketAccount: '111111111111', bucketRegion: 'us-east-1', prefix: 'logical/' });
    expect(bucket.encryptionKeyArn).toBeUndefined();
  });

  test('fails when the key belongs to another account than the bucket, naming the import', () => {
    const stack = new Stack(new App(), 'S', { env });
    expect(() => DumpBucket.fromDumpBucketAttributes(stack, 'Dumps', {
      bucketName: 'acme-dumps',
      account: '222222222222',
      encryptionKeyArn: 'arn:aws:kms:us-east-1:333333333333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    })).toThrow("S/Dumps: encryptionKeyArn 'arn:aws:kms:us-east-1:333333333333:key/1234abcd-12ab-34cd-56ef-1234567890ab' is in "
      + "account 333333333333, not in the bucket's account 222222222222; an SSE-KMS bucket's key belongs to the bucket's "
      + "account: give the bucket's own key");
  });
});
