// Attack: a dump's retention is its bucket's Object Lock retention. When that is unknown (no lock, or the bucket is not
// in the app), the dump must not count as history kept forever: a database with automated backups off and a pg_dump job
// writing into a plain bucket that anyone may empty is not protected.
import { coverageOf, stackOf } from './helpers';

function app(bucket: Record<string, unknown> | undefined, bucketName: unknown) {
  return [stackOf({
    Resources: {
      Db: { Type: 'AWS::RDS::DBInstance', Properties: { Engine: 'postgres', DBInstanceIdentifier: 'shop', BackupRetentionPeriod: 0 } },
      Secret: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
      Attachment: { Type: 'AWS::SecretsManager::SecretTargetAttachment', Properties: { SecretId: { Ref: 'Secret' }, TargetId: { Ref: 'Db' }, TargetType: 'AWS::RDS::DBInstance' } },
      Job: { Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: { DUMP_DATABASE: 'shop', DUMP_BUCKET: bucketName, DUMP_SECRET_ARN: { Ref: 'Secret' } } } } },
      ...(bucket ? { Dumps: bucket } : {}),
    } as never,
  })];
}

test('dumps into an unlocked, unversioned bucket of the app are not history kept forever', () => {
  const c = coverageOf(app({ Type: 'AWS::S3::Bucket', Properties: { BucketName: 'acme-dumps' } }, { Ref: 'Dumps' }), 'Db');
  expect(c.protections.map((p) => [p.kind, p.keptForever])).toEqual([['dump', false]]);
  expect(c.problems).not.toEqual([]);
});

test('dumps into a bucket the app does not define (retention unknown) are not history kept forever', () => {
  const c = coverageOf(app(undefined, 'somebody-elses-bucket'), 'Db');
  expect(c.problems).not.toEqual([]);
});
