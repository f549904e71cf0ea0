import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildIndoStar } from '../../examples/indostar/app';
import { formatFindings, nagFindings } from '../nag';
import { alarmNamed, exampleApp, templateOf, validatorSelections } from './example-app';

/** Logical id of the bucket with this physical name. */
function bucketId(template: Template, bucketName: string): string {
  const ids = Object.keys(template.findResources('AWS::S3::Bucket', { Properties: { BucketName: bucketName } }));
  expect(ids).toHaveLength(1);
  return ids[0];
}

// The numbers of seed 003 (IndoStar Naturals), as the synthesized templates carry them.
describe('IndoStar Naturals example (seed 003)', () => {
  const { stacks } = exampleApp(buildIndoStar);
  const production = templateOf(stacks, 'IndoStar-Production');
  const secondary = templateOf(stacks, 'IndoStar-Secondary');
  const primaryBucket = bucketId(production, 'indostar-backups-primary');
  const archiveBucket = bucketId(production, 'indostar-backups-archive');

  test('builds the us-west-2 secondary stack and the us-east-1 production stack in one account', () => {
    expect(stacks.map((s) => [s.node.id, s.account, s.region])).toEqual([
      ['IndoStar-Secondary', '111111111111', 'us-west-2'],
      ['IndoStar-Production', '111111111111', 'us-east-1'],
    ]);
    expect(stacks[1].dependencies.map((s) => s.node.id)).toEqual(['IndoStar-Secondary']);
  });

  test.each(['IndoStar-Secondary', 'IndoStar-Production'])(
    '%s has no unacknowledged finding in the five cdk-nag packs', (id) => {
      expect(formatFindings(nagFindings(stacks.find((s) => s.node.id === id)!, true))).toBe('');
    });

  test('app synthesis runs the registered cdk-nag packs and passes', () => {
    expect(() => exampleApp(buildIndoStar).app.synth()).not.toThrow();
  });

  test('indostar-production: PostgreSQL 15, db.t3.medium, 100 GB gp3, Multi-AZ, encrypted with its CMK, not public', () => {
    production.hasResourceProperties('AWS::RDS::DBInstance', {
      DBInstanceIdentifier: 'indostar-production',
      DBName: 'indostar_naturals',
      MasterUsername: 'indostar_user',
      Engine: 'postgres',
      EngineVersion: '15',
      DBInstanceClass: 'db.t3.medium',
      AllocatedStorage: '100',
      StorageType: 'gp3',
      MultiAZ: true,
      StorageEncrypted: true,
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RdsKey'), 'Arn'] },
      PubliclyAccessible: false,
      Port: '5433',
    });
  });

  test('RDS automated backups: 7-day retention (PITR window) in the 02:00-03:00 UTC window, postgresql logs exported', () => {
    production.hasResourceProperties('AWS::RDS::DBInstance', {
      DBInstanceIdentifier: 'indostar-production',
      BackupRetentionPeriod: 7,
      PreferredBackupWindow: '02:00-03:00',
      PreferredMaintenanceWindow: 'sun:06:00-sun:06:30',
      AutomaticBackupReplicationRegion: 'us-west-2',
      // The DR stack's key, read through Fn::GetStackOutput (no placeholder ARN, no export across regions).
      AutomaticBackupReplicationKmsKeyId: { 'Fn::GetStackOutput': { StackName: 'IndoStar-Secondary', Region: 'us-west-2', OutputName: Match.stringLikeRegexp('RdsReplicationKey') } },
      EnableCloudwatchLogsExports: ['postgresql', 'upgrade'],
      CopyTagsToSnapshot: true,
      DeletionProtection: true,
    });
  });

  test('AWS Backup: daily snapshots kept 30 days, monthly kept 365 days (warm), each copied to us-west-2 with the same retention', () => {
    const drVault = 'arn:aws:backup:us-west-2:111111111111:backup-vault:indostar-dr';
    production.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanName: 'indostar-production',
        BackupPlanRule: [
          Match.objectEquals({
            RuleName: 'Daily',
            ScheduleExpression: 'cron(0 3 * * ? *)',
            StartWindowMinutes: 60,
            Lifecycle: { DeleteAfterDays: 30 },
            TargetBackupVault: Match.anyValue(),
            CopyActions: [{ DestinationBackupVaultArn: drVault, Lifecycle: { DeleteAfterDays: 30 } }],
          }),
          Match.objectEquals({
            RuleName: 'Monthly',
            ScheduleExpression: 'cron(0 3 1 * ? *)',
            StartWindowMinutes: 60,
            Lifecycle: { DeleteAfterDays: 365 },
            TargetBackupVault: Match.anyValue(),
            CopyActions: [{ DestinationBackupVaultArn: drVault, Lifecycle: { DeleteAfterDays: 365 } }],
          }),
        ],
      },
    });
    production.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: Match.objectLike({
        Resources: [{ 'Fn::Join': ['', ['arn:aws:rds:us-east-1:111111111111:db:', { Ref: Match.stringLikeRegexp('^Database') }]] }],
      }),
    });
    secondary.hasResourceProperties('AWS::Backup::BackupVault', { BackupVaultName: 'indostar-dr' });
  });

  test('daily pg_dump at 02:00 UTC into s3://indostar-backups-primary/daily/', () => {
    production.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 2 * * ? *)',
      ScheduleExpressionTimezone: 'Etc/UTC',
      Target: Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DailyDump'), 'Arn'] } }),
    });
    production.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          DUMP_DATABASE: 'indostar_naturals', DUMP_BUCKET: { Ref: primaryBucket }, DUMP_PREFIX: 'daily/', DUMP_SSL_MODE: 'verify-full',
        }),
      },
    });
  });

  test('the primary and secondary buckets: versioned, SSE-KMS, daily dumps kept 30 days, never tiered', () => {
    const daily = {
      VersioningConfiguration: { Status: 'Enabled' },
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Days: 30, Mode: 'COMPLIANCE' } } },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) })],
      },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([{
          Id: 'TierAndExpireDumps',
          Status: 'Enabled',
          Transitions: Match.absent(),
          ExpirationInDays: 30,
          NoncurrentVersionExpiration: { NoncurrentDays: 1 },
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
        }]),
      },
    };
    production.hasResourceProperties('AWS::S3::Bucket', { BucketName: 'indostar-backups-primary', ...daily });
    secondary.hasResourceProperties('AWS::S3::Bucket', { BucketName: 'indostar-backups-secondary', ...daily });
  });

  test('cross-region replication of the primary bucket to indostar-backups-secondary in us-west-2, with its key', () => {
    production.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'indostar-backups-primary',
      ReplicationConfiguration: {
        Role: Match.anyValue(),
        Rules: [Match.objectLike({
          Status: 'Enabled',
          Destination: Match.objectLike({
            Bucket: 'arn:aws:s3:::indostar-backups-secondary',
            StorageClass: 'STANDARD_IA',
            EncryptionConfiguration: { ReplicaKmsKeyID: 'arn:aws:kms:us-west-2:111111111111:alias/indostar-backups-secondary' },
          }),
          SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
        })],
      },
    });
  });

  test('Glacier tier: monthly pg_dump on the 1st into indostar-backups-archive, Glacier after 90 days, kept and locked 1 year', () => {
    production.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(30 2 1 * ? *)',
      ScheduleExpressionTimezone: 'Etc/UTC',
      Target: Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MonthlyDump'), 'Arn'] } }),
    });
    production.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ DUMP_BUCKET: { Ref: archiveBucket }, DUMP_PREFIX: 'monthly/' }) },
    });
    production.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'indostar-backups-archive',
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Days: 365, Mode: 'COMPLIANCE' } } },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({
          Id: 'TierAndExpireDumps',
          Transitions: [{ StorageClass: 'GLACIER', TransitionInDays: 90 }],
          ExpirationInDays: 365,
        })]),
      },
    });
  });

  test('encryption in transit: every dump bucket denies non-TLS requests and TLS older than 1.2', () => {
    for (const [template, bucket] of [[production, primaryBucket], [production, archiveBucket],
      [secondary, bucketId(secondary, 'indostar-backups-secondary')]] as const) {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: bucket },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            Match.objectLike({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
          ]),
        },
      });
    }
  });

  test('verification: daily at 03:00 UTC, the newest daily dump restored into a scratch server, orders counted', () => {
    production.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 3 * * ? *)',
      ScheduleExpressionTimezone: 'Etc/UTC',
      Target: Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Verify'), 'Arn'] } }),
    });
    production.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          VERIFY_DATABASE: 'indostar_naturals',
          VERIFY_BUCKET: { Ref: primaryBucket },
          VERIFY_PREFIX: 'daily/',
          VERIFY_ROW_COUNT_TOLERANCE_PERCENT: '1',
          VERIFY_SQL_CHECKS: JSON.stringify([{ name: 'orders restored', sql: 'SELECT count(*) > 0 FROM public.orders' }]),
        }),
      },
    });
  });

  test('monthly DR test: the first Sunday of each month at 02:00, the latest snapshot of indostar-production restored', () => {
    production.hasResourceProperties('AWS::Backup::RestoreTestingPlan', {
      ScheduleExpression: 'cron(0 2 ? * SUN#1 *)',
      RecoveryPointSelection: Match.objectLike({
        Algorithm: 'LATEST_WITHIN_WINDOW',
        IncludeVaults: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^PlanVault'), 'BackupVaultArn'] }],
      }),
    });
    production.hasResourceProperties('AWS::Backup::RestoreTestingSelection', {
      ProtectedResourceType: 'RDS',
      ProtectedResourceArns: [{ 'Fn::Join': ['', ['arn:aws:rds:us-east-1:111111111111:db:', { Ref: Match.stringLikeRegexp('^Database') }]] }],
      RestoreMetadataOverrides: Match.objectLike({ dbSubnetGroupName: { Ref: 'DrTestSubnets' } }),
      ValidationWindowHours: 24,
    });
  });

  test('monthly DR test validated: "verification by restore + record count" on the restore, within the 1-hour RTO', () => {
    expect(validatorSelections(production, 'indostar_monthly_dr_test')).toEqual([{
      database: 'indostar_naturals', resourceType: 'RDS', arns: ['arn:aws:rds:us-east-1:111111111111:db:<token>'],
      checks: {
        secretArn: '<token>', requiredTables: ['public.orders'], minimumRows: [], freshness: [],
        sql: [{ name: 'orders restored', sql: 'SELECT count(*) > 0 FROM public.orders' }],
      },
    }]);
    expect(alarmNamed(production, 'indostar-production-indostar_monthly_dr_test-indostar_naturals-DrillRestoreTime'))
      .toMatchObject({ MetricName: 'RestoreDurationSeconds', Threshold: 3600 });
    // The daily verification's restore of the newest dump (download and pg_restore) against the same hour.
    expect(alarmNamed(production, 'indostar-production-indostar_naturals-VerificationRestoreTime'))
      .toMatchObject({ MetricName: 'RestoreDurationSeconds', Dimensions: [{ Name: 'Database', Value: 'indostar_naturals' }], Threshold: 3600 });
    // First Sundays are up to 35 days apart; plus the 24-hour start window and a day for the restore and its checks.
    expect(alarmNamed(production, 'indostar-production-indostar_monthly_dr_test-indostar_naturals-DrillMissing'))
      .toMatchObject({ MetricName: 'ValidatedRestoreAgeSeconds', Threshold: 37 * 86400 });
  });

  test('"RPO: 5 minutes" measured: the point-in-time lag of indostar-production alarms above 10 minutes or when not measured', () => {
    production.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'RecoveryPointLagSeconds', Dimensions: [{ Name: 'Database', Value: 'indostar_naturals' }],
      Threshold: 600, TreatMissingData: 'breaching', AlarmActions: [{ Ref: Match.stringLikeRegexp('^AlarmsTopic') }],
    });
  });

  test('quarterly DR drill in us-west-2: the copies in indostar-dr, a drill network there, the secret\'s replica', () => {
    secondary.hasResourceProperties('AWS::Backup::RestoreTestingPlan', {
      ScheduleExpression: 'cron(0 4 ? 1,4,7,10 SUN#1 *)',
      RecoveryPointSelection: Match.objectLike({ IncludeVaults: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^DrVault'), 'BackupVaultArn'] }] }),
    });
    secondary.hasResourceProperties('AWS::Backup::RestoreTestingSelection', {
      ProtectedResourceArns: ['arn:aws:rds:us-east-1:111111111111:db:indostar-production'],
      RestoreMetadataOverrides: Match.objectLike({ dbSubnetGroupName: { Ref: 'DrillSubnets' } }),
      ValidationWindowHours: 1,
    });
    expect(Object.keys(secondary.findResources('AWS::EC2::VPCEndpoint'))).toHaveLength(3);
    secondary.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL' });
    production.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'indostar-production/master', ReplicaRegions: [{ Region: 'us-west-2', KmsKeyId: Match.anyValue() }],
    });
    // The quarterly gap (92 days in the longest quarter pair) plus the start window and a day.
    expect(alarmNamed(secondary, 'indostar-dr-indostar_quarterly_dr_drill-indostar_naturals-DrillMissing').Threshold).toBeGreaterThan(91 * 86400);
  });

  test('alerts: backup not completed in 24 hours, duration > 1 hour, size change > 50 %', () => {
    const database = [{ Name: 'Database', Value: 'indostar_naturals' }];
    production.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'indostar-production-indostar_naturals-DumpMissing',
      MetricName: 'BackupSuccess',
      Dimensions: database,
      Statistic: 'Maximum',
      Period: 3600,
      EvaluationPeriods: 24,
      DatapointsToAlarm: 24,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
    production.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'BackupDurationSeconds',
      Dimensions: database,
      Threshold: 3600,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    production.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 50,
      ComparisonOperator: 'GreaterThanThreshold',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: '100 * ABS(DIFF(size)) / (size - DIFF(size))' }),
        Match.objectLike({ Id: 'size', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'BackupSizeBytes' }) }) }),
      ]),
    });
  });

  test('alerts: backup failed, restore test failed, and the daily verification missing or older than 24 hours', () => {
    production.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'BackupSuccess', Statistic: 'Minimum', Threshold: 1, ComparisonOperator: 'LessThanThreshold',
    });
    for (const metric of ['NumberOfBackupJobsFailed', 'NumberOfCopyJobsFailed', 'NumberOfRestoreJobsFailed']) {
      production.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Backup', MetricName: metric, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
    production.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'VerificationSuccess', Statistic: 'Minimum', Threshold: 1, ComparisonOperator: 'LessThanThreshold',
    });
    production.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'VerificationSuccess', Period: 3600, EvaluationPeriods: 25, DatapointsToAlarm: 25, TreatMissingData: 'breaching',
    });
    production.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'VerifiedBackupAgeSeconds', Threshold: 86400, ComparisonOperator: 'GreaterThanThreshold',
    });
    production.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/S3',
      MetricName: 'OperationsFailedReplication',
      Dimensions: Match.arrayWith([{ Name: 'DestinationBucket', Value: 'indostar-backups-secondary' }]),
    });
    production.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@indostarnaturals.example' });
  });

  test('at rest: SSE-KMS only with the bucket key; deletes denied on buckets and vaults; keys rotated; logs kept 1 year', () => {
    for (const [template, bucket] of [[production, primaryBucket], [production, archiveBucket],
      [secondary, bucketId(secondary, 'indostar-backups-secondary')]] as const) {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: bucket },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Sid: 'DenyUploadsNotSseKms', Effect: 'Deny', Action: 's3:PutObject' }),
            Match.objectLike({ Sid: 'DenyUploadsWithOtherKey', Effect: 'Deny', Action: 's3:PutObject' }),
            Match.objectLike({ Sid: 'DenyUploadsWithAwsManagedKey', Effect: 'Deny', Action: 's3:PutObject' }),
            Match.objectLike({
              Sid: 'DenyDeletes',
              Effect: 'Deny',
              Action: ['s3:BypassGovernanceRetention', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObjectLegalHold', 's3:PutObjectRetention', 's3:UpdateObjectEncryption'],
            }),
          ]),
        },
      });
    }
    for (const template of [production, secondary]) {
      template.hasResourceProperties('AWS::Backup::BackupVault', {
        AccessPolicy: {
          Version: '2012-10-17',
          Statement: [Match.objectLike({
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: Match.arrayWith(['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle']),
          }), Match.objectLike({
            Sid: 'DenyAccessPolicyAndLockChanges',
            Effect: 'Deny',
            Action: ['backup:PutBackupVaultAccessPolicy', 'backup:PutBackupVaultLockConfiguration'],
          })],
        },
      });
      for (const key of Object.values(template.findResources('AWS::KMS::Key'))) {
        // The drill validators' result keys are HMAC keys, which KMS does not rotate (they sign, and encrypt nothing).
        expect(key.Properties.EnableKeyRotation ?? key.Properties.KeySpec).toBe(key.Properties.KeySpec === 'HMAC_256' ? 'HMAC_256' : true);
      }
    }
    const accessLogs = { Properties: { LifecycleConfiguration: { Rules: [Match.objectLike({ Id: 'ExpireAccessLogs', ExpirationInDays: 365 })] } } };
    expect(Object.keys(production.findResources('AWS::S3::Bucket', accessLogs))).toHaveLength(2);
    expect(Object.keys(secondary.findResources('AWS::S3::Bucket', accessLogs))).toHaveLength(1);
    const logGroups = Object.values(production.findResources('AWS::Logs::LogGroup'));
    expect(logGroups).toHaveLength(5); // the daily and monthly dumps, the verification, the drill validator, the RPO watch
    for (const logGroup of logGroups) {
      expect(logGroup.Properties).toEqual({ KmsKeyId: { 'Fn::GetAtt': [expect.stringMatching(/LogKey/), 'Arn'] }, RetentionInDays: 365 });
    }
  });
});
