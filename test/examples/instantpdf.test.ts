import { Match } from 'aws-cdk-lib/assertions';
import { buildInstantPdf } from '../../examples/instantpdf/app';
import { formatFindings, nagFindings } from '../nag';
import { exampleApp, templateOf } from './example-app';

// The numbers of seed 000 (InstantPDF), as the synthesized templates carry them.
describe('InstantPDF example (seed 000)', () => {
  const { stacks } = exampleApp(buildInstantPdf);
  const production = templateOf(stacks, 'InstantPdf-Production');
  const backup = templateOf(stacks, 'InstantPdf-Backup');
  const replica = templateOf(stacks, 'InstantPdf-Replica');

  test('builds the production, backup-account and replica-region stacks', () => {
    expect(stacks.map((s) => [s.node.id, s.account, s.region])).toEqual([
      ['InstantPdf-Backup', '222222222222', 'us-east-1'],
      ['InstantPdf-Replica', '111111111111', 'us-west-2'],
      ['InstantPdf-Production', '111111111111', 'us-east-1'],
    ]);
  });

  test.each(['InstantPdf-Backup', 'InstantPdf-Replica', 'InstantPdf-Production'])(
    '%s has no unacknowledged finding in the five cdk-nag packs', (id) => {
      expect(formatFindings(nagFindings(stacks.find((s) => s.node.id === id)!, true))).toBe('');
    });

  test('app synthesis runs the registered cdk-nag packs and passes', () => {
    expect(() => exampleApp(buildInstantPdf).app.synth()).not.toThrow();
  });

  test('RDS PostgreSQL 15, Multi-AZ, encrypted, 30-day PITR in the 03:00-04:00 UTC window, tags copied to snapshots', () => {
    production.hasResourceProperties('AWS::RDS::DBInstance', {
      DBInstanceIdentifier: 'instantpdf-prod',
      Engine: 'postgres',
      EngineVersion: '15',
      DBInstanceClass: 'db.t3.medium',
      AllocatedStorage: '100',
      MultiAZ: true,
      StorageEncrypted: true,
      BackupRetentionPeriod: 30,
      PreferredBackupWindow: '03:00-04:00',
      CopyTagsToSnapshot: true,
      // "Region Outage | Up to 1 day": the automated backups are replicated to us-west-2.
      AutomaticBackupReplicationRegion: 'us-west-2',
      // The DR stack's key, read through Fn::GetStackOutput (no placeholder ARN, no export across regions).
      AutomaticBackupReplicationKmsKeyId: { 'Fn::GetStackOutput': { StackName: 'InstantPdf-Replica', Region: 'us-west-2', OutputName: Match.stringLikeRegexp('RdsReplicationKey') } },
    });
  });

  test('daily pg_dump at 03:00 UTC into the backup account bucket under database/', () => {
    production.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 3 * * ? *)',
      ScheduleExpressionTimezone: 'Etc/UTC',
      Target: Match.objectLike({ Arn: Match.anyValue() }),
    });
    production.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ DUMP_BUCKET: 'instantpdf-backups', DUMP_PREFIX: 'database/', DUMP_STORAGE_CLASS: 'STANDARD_IA' }) },
    });
  });

  test('weekly restore verification with the seed queries: pdf_operations fresh, users present', () => {
    production.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(0 4 ? * SUN *)' });
    production.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          VERIFY_FRESHNESS_CHECKS: Match.stringLikeRegexp('"table":"public.pdf_operations","column":"created_at","maxAgeSeconds":172800'),
          VERIFY_SQL_CHECKS: Match.stringLikeRegexp('SELECT count\\(\\*\\) > 0 FROM public.users'),
        }),
      },
    });
  });

  test('the backup bucket: SSE-KMS with its own key, versioned, Object Lock 30 days, Glacier after 90 days', () => {
    backup.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'instantpdf-backups',
      VersioningConfiguration: { Status: 'Enabled' },
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: Match.objectLike({ Days: 30 }) } },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) })],
      },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({
          Transitions: [{ StorageClass: 'GLACIER', TransitionInDays: 90 }],
          ExpirationInDays: 180,
        })]),
      },
    });
  });

  test('the backup bucket denies uploads that are not aws:kms', () => {
    backup.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Effect: 'Deny',
          Action: 's3:PutObject',
          Condition: Match.objectLike({ StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } }),
        })]),
      },
    });
  });

  test('user files replicate to us-west-2 as STANDARD_IA with the replica key, delete markers not replicated', () => {
    production.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'instantpdf-user-files',
      ReplicationConfiguration: {
        Role: Match.anyValue(),
        Rules: [Match.objectLike({
          Destination: Match.objectLike({
            Bucket: 'arn:aws:s3:::instantpdf-user-files-replica',
            StorageClass: 'STANDARD_IA',
            EncryptionConfiguration: { ReplicaKmsKeyID: 'arn:aws:kms:us-west-2:111111111111:alias/instantpdf-user-files-replica' },
          }),
          DeleteMarkerReplication: { Status: 'Disabled' },
          SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
        })],
      },
    });
    replica.hasResourceProperties('AWS::S3::Bucket', { BucketName: 'instantpdf-user-files-replica' });
  });

  test('user files: versioned, Object Lock on without a default retention (users delete their files), SSE-KMS, logged', () => {
    production.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'instantpdf-user-files',
      VersioningConfiguration: { Status: 'Enabled' },
      ObjectLockEnabled: true,
      ObjectLockConfiguration: Match.absent(),
      BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) })] },
      LoggingConfiguration: Match.objectLike({ DestinationBucketName: Match.anyValue() }),
    });
    production.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/instantpdf-s3-key' });
    const policies = production.findResources('AWS::S3::BucketPolicy');
    expect(JSON.stringify(policies)).not.toContain('s3:DeleteObject');
  });

  test('alarms: the backup failed, no backup in a day (25 hourly periods), and free storage under 10 GiB for two 5-minute periods', () => {
    // The seed's "BackupSuccess Sum < 1 over 86400 s" is two alarms: the latest run failed, and no run succeeded.
    production.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'BackupSuccess', Dimensions: [{ Name: 'Database', Value: 'instantpdf' }], Statistic: 'Minimum',
      Threshold: 1, ComparisonOperator: 'LessThanThreshold',
    });
    production.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'BackupSuccess', Dimensions: [{ Name: 'Database', Value: 'instantpdf' }], Statistic: 'Maximum', Period: 3600, EvaluationPeriods: 25,
      Threshold: 1, ComparisonOperator: 'LessThanThreshold', TreatMissingData: 'breaching',
    });
    production.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'FreeStorageSpace',
      Namespace: 'AWS/RDS',
      Threshold: 10737418240,
      Period: 300,
      EvaluationPeriods: 2,
      ComparisonOperator: 'LessThanThreshold',
    });
  });
});
