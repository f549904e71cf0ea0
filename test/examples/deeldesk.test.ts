import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { buildDeeldesk } from '../../examples/deeldesk/app';
import { RecoveryPlan, RecoveryTier } from '../../lib';
import { formatFindings, nagFindings } from '../nag';
import { alarmNamed, exampleApp, templateOf, validatorSelections } from './example-app';

const DR_VAULT = 'arn:aws:backup:us-west-2:111111111111:backup-vault:deeldesk-dr';

// The numbers of seed 001 (Deeldesk), as the synthesized templates carry them.
describe('Deeldesk example (seed 001)', () => {
  const { stacks } = exampleApp(buildDeeldesk);
  const production = templateOf(stacks, 'Deeldesk-Production');
  const dr = templateOf(stacks, 'Deeldesk-DR');

  test('builds the DR-region and production stacks, one account, us-east-1 and us-west-2', () => {
    expect(stacks.map((s) => [s.node.id, s.account, s.region])).toEqual([
      ['Deeldesk-DR', '111111111111', 'us-west-2'],
      ['Deeldesk-Production', '111111111111', 'us-east-1'],
    ]);
  });

  test.each(['Deeldesk-DR', 'Deeldesk-Production'])('%s has no unacknowledged finding in the five cdk-nag packs', (id) => {
    expect(formatFindings(nagFindings(stacks.find((s) => s.node.id === id)!, true))).toBe('');
  });

  test('app synthesis runs the registered cdk-nag packs and passes', () => {
    expect(() => exampleApp(buildDeeldesk).app.synth()).not.toThrow();
  });

  test('"By Plan Tier": the shared database runs ENTERPRISE, which meets the RPO and RTO of every tier', () => {
    const tiers = [RecoveryTier.FREE, RecoveryTier.PRO, RecoveryTier.TEAM, RecoveryTier.ENTERPRISE];
    // Tier | RTO | RPO | Backup Frequency (minutes; the first rule's schedule, or continuous).
    expect(tiers.map((t) => [
      t.name, t.rto.toMinutes(), t.rpo.toMinutes(),
      t.rules[0].enableContinuousBackup ? 'continuous' : t.rules[0].schedule.expressionString,
    ])).toEqual([
      ['Free', 480, 1440, 'cron(0 2 * * ? *)'],
      ['Pro', 240, 240, 'cron(0 0/4 * * ? *)'],
      ['Team', 120, 60, 'cron(0 * * * ? *)'],
      ['Enterprise', 60, 15, 'continuous'],
    ]);
    const plan = stacks[1].node.findChild('Plan') as RecoveryPlan;
    expect(plan.tier).toBe(RecoveryTier.ENTERPRISE);
    for (const tier of tiers) {
      expect(plan.tier!.rpo.toMinutes()).toBeLessThanOrEqual(tier.rpo.toMinutes());
      expect(plan.tier!.rto.toMinutes()).toBeLessThanOrEqual(tier.rto.toMinutes());
    }
    // The document's own recovery objectives: RTO 4 hours, RPO 1 hour.
    expect(plan.tier!.rpo.toMinutes()).toBeLessThanOrEqual(Duration.hours(1).toMinutes());
    expect(plan.tier!.rto.toMinutes()).toBeLessThanOrEqual(Duration.hours(4).toMinutes());
  });

  test('RDS PostgreSQL 16 deeldesk-prod: Multi-AZ, encrypted, PITR 7 days, replicated with its logs to us-west-2', () => {
    production.hasResourceProperties('AWS::RDS::DBInstance', {
      DBInstanceIdentifier: 'deeldesk-prod',
      DBName: 'deeldesk',
      Engine: 'postgres',
      EngineVersion: '16',
      Port: '5433',
      MultiAZ: true,
      StorageEncrypted: true,
      PubliclyAccessible: false,
      DeletionProtection: true,
      BackupRetentionPeriod: 7,
      PreferredBackupWindow: '00:30-01:30',
      PreferredMaintenanceWindow: 'sun:05:00-sun:05:30',
      AutomaticBackupReplicationRegion: 'us-west-2',
      // The DR stack's key, read through Fn::GetStackOutput (no placeholder ARN, no export across regions).
      AutomaticBackupReplicationKmsKeyId: { 'Fn::GetStackOutput': { StackName: 'Deeldesk-DR', Region: 'us-west-2', OutputName: Match.stringLikeRegexp('RdsReplicationKey') } },
      EnableCloudwatchLogsExports: ['postgresql', 'upgrade'],
    });
  });

  test('the streaming read replica of deeldesk-prod', () => {
    production.hasResourceProperties('AWS::RDS::DBInstance', {
      SourceDBInstanceIdentifier: Match.anyValue(),
      Port: '5433',
      PubliclyAccessible: false,
      DeletionProtection: true,
      MonitoringInterval: 60,
    });
  });

  test('base backups: continuous 7 days, daily 02:00 30 days, Sunday 02:00 90 days, 1st of the month 1 year (warm: RDS has no cold storage)', () => {
    const copy = (deleteAfter: number, cold?: number) => [{
      DestinationBackupVaultArn: DR_VAULT,
      Lifecycle: cold ? { DeleteAfterDays: deleteAfter, MoveToColdStorageAfterDays: cold } : { DeleteAfterDays: deleteAfter },
    }];
    production.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanName: 'deeldesk-enterprise',
        BackupPlanRule: [
          Match.objectLike({
            RuleName: 'Continuous', EnableContinuousBackup: true, ScheduleExpression: 'cron(0 2 * * ? *)',
            Lifecycle: { DeleteAfterDays: 7 }, CopyActions: Match.absent(),
          }),
          Match.objectLike({
            RuleName: 'Daily', ScheduleExpression: 'cron(0 2 * * ? *)', StartWindowMinutes: 60,
            Lifecycle: { DeleteAfterDays: 30 }, CopyActions: copy(30),
          }),
          Match.objectLike({
            RuleName: 'Weekly', ScheduleExpression: 'cron(0 2 ? * SUN *)', Lifecycle: { DeleteAfterDays: 90 }, CopyActions: copy(90),
          }),
          Match.objectLike({
            RuleName: 'Monthly', ScheduleExpression: 'cron(0 2 1 * ? *)',
            Lifecycle: { DeleteAfterDays: 365 }, CopyActions: copy(365),
          }),
        ],
      },
    });
    production.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: Match.objectLike({ Resources: [Match.objectLike({ 'Fn::Join': Match.anyValue() })] }),
    });
    dr.hasResourceProperties('AWS::Backup::BackupVault', { BackupVaultName: 'deeldesk-dr' });
  });

  test('"Full recovery drill | Monthly": AWS Backup restores deeldesk-prod into its subnets on the 2nd of each month', () => {
    production.hasResourceProperties('AWS::Backup::RestoreTestingPlan', {
      ScheduleExpression: 'cron(0 6 2 * ? *)',
      RecoveryPointSelection: Match.objectLike({ Algorithm: 'LATEST_WITHIN_WINDOW' }),
    });
    production.hasResourceProperties('AWS::Backup::RestoreTestingSelection', {
      ProtectedResourceType: 'RDS',
      RestoreMetadataOverrides: { dbSubnetGroupName: { Ref: Match.stringLikeRegexp('^DbSubnets') }, vpcSecurityGroupIds: Match.anyValue() },
    });
  });

  test('logical backups: pg_dump daily at 03:00 UTC into s3://deeldesk-backups/logical/', () => {
    production.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 3 * * ? *)',
      ScheduleExpressionTimezone: 'Etc/UTC',
      Description: Match.stringLikeRegexp('^pg_dump of deeldesk'),
    });
    production.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ DUMP_DATABASE: 'deeldesk', DUMP_PREFIX: 'logical/', DUMP_STORAGE_CLASS: 'STANDARD_IA', DUMP_BUCKET: { Ref: Match.stringLikeRegexp('^Backups') } }) },
    });
  });

  test('weekly table restore drill: proposals alone from the newest dump, Mondays at 05:00 UTC', () => {
    production.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(0 5 ? * MON *)', ScheduleExpressionTimezone: 'Etc/UTC' });
    production.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ VERIFY_SINGLE_TABLE: 'public.proposals', VERIFY_PREFIX: 'logical/' }) },
    });
  });

  test('daily verification at 04:00 UTC: row counts within 1 %, the seed\'s queries on organizations and proposals', () => {
    production.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 4 * * ? *)',
      ScheduleExpressionTimezone: 'Etc/UTC',
      Description: Match.stringLikeRegexp('^Restore verification of the newest dump of deeldesk'),
    });
    production.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          VERIFY_ROW_COUNT_TOLERANCE_PERCENT: '1',
          VERIFY_PREFIX: 'logical/',
          VERIFY_FRESHNESS_CHECKS: JSON.stringify([{ table: 'public.proposals', column: 'created_at', maxAgeSeconds: 86400 }]),
          VERIFY_SQL_CHECKS: JSON.stringify([
            { name: 'organizations exist', sql: 'SELECT count(*) > 0 FROM public.organizations' },
            { name: 'proposals exist', sql: 'SELECT count(*) > 0 FROM public.proposals' },
          ]),
        }),
      },
    });
    production.hasResourceProperties('AWS::RDS::DBInstance', { EngineVersion: '16', BackupRetentionPeriod: 0, DeletionProtection: false });
  });

  test('deeldesk-backups: logical dumps kept 30 days (locked 30), gone a day later, no IA or Glacier; replicated to us-west-2', () => {
    const dumpBucket = (name: string) => ({
      BucketName: name,
      VersioningConfiguration: { Status: 'Enabled' },
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Days: 30, Mode: 'COMPLIANCE' } } },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({
          ExpirationInDays: 30, NoncurrentVersionExpiration: { NoncurrentDays: 1 }, Transitions: Match.absent(),
        })]),
      },
    });
    production.hasResourceProperties('AWS::S3::Bucket', {
      ...dumpBucket('deeldesk-backups'),
      ReplicationConfiguration: {
        Role: Match.anyValue(),
        Rules: [Match.objectLike({
          Status: 'Enabled',
          Destination: Match.objectLike({
            Bucket: 'arn:aws:s3:::deeldesk-backups-dr',
            StorageClass: 'STANDARD_IA',
            EncryptionConfiguration: { ReplicaKmsKeyID: 'arn:aws:kms:us-west-2:111111111111:alias/deeldesk-backups-dr' },
          }),
          DeleteMarkerReplication: { Status: 'Disabled' },
        })],
      },
    });
    dr.hasResourceProperties('AWS::S3::Bucket', dumpBucket('deeldesk-backups-dr'));
  });

  test('deeldesk-uploads: versions kept 30 days; the document\'s replication rule to deeldesk-uploads-dr', () => {
    production.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'deeldesk-uploads',
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: { Rules: [{ Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 30 }, ExpiredObjectDeleteMarker: true }] },
      LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 'deeldesk-uploads/' },
      ReplicationConfiguration: {
        Role: Match.anyValue(),
        Rules: [Match.objectLike({
          Status: 'Enabled',
          Priority: 1,
          DeleteMarkerReplication: { Status: 'Enabled' },
          Filter: { Prefix: '' },
          Destination: Match.objectLike({ Bucket: 'arn:aws:s3:::deeldesk-uploads-dr', StorageClass: 'STANDARD_IA' }),
        })],
      },
    });
    dr.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'deeldesk-uploads-dr',
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 30 }, ExpirationInDays: Match.absent() })]),
      },
    });
  });

  test('alert "Backup job failure | Any failure": AWS Backup jobs and the pg_dump job', () => {
    production.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Backup', MetricName: 'NumberOfBackupJobsFailed', Statistic: 'Sum', Period: 3600,
      Threshold: 1, EvaluationPeriods: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    production.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'BackupSuccess', Statistic: 'Minimum', Threshold: 1, ComparisonOperator: 'LessThanThreshold',
      Dimensions: [{ Name: 'Database', Value: 'deeldesk' }],
    });
  });

  test('alert "Backup age > 25 hours": no successful dump, and no completed AWS Backup job, in 25 hourly periods', () => {
    production.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'BackupSuccess', Statistic: 'Maximum', Period: 3600, EvaluationPeriods: 25, DatapointsToAlarm: 25,
      Threshold: 1, ComparisonOperator: 'LessThanThreshold', TreatMissingData: 'breaching',
    });
    production.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: Match.stringLikeRegexp('^deeldesk-prod-.+-BackupMissing$'), DatapointsToAlarm: 25,
      Namespace: 'AWS/Backup', MetricName: 'NumberOfBackupJobsCompleted', Statistic: 'Sum', Period: 3600, EvaluationPeriods: 25,
      Threshold: 1, ComparisonOperator: 'LessThanThreshold', TreatMissingData: 'breaching',
    });
  });

  test('alert "Backup size anomaly > 20 % change" between daily dumps', () => {
    production.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'deeldesk-prod-deeldesk-DumpSizeChange',
      Threshold: 20,
      ComparisonOperator: 'GreaterThanThreshold',
      Metrics: Match.arrayWith([Match.objectLike({ Id: 'size', MetricStat: Match.objectLike({ Period: 86400 }) })]),
    });
  });

  test('alert "WAL archive lag > 5 minutes": the newest point-in-time restore of deeldesk-prod, measured every 5 minutes', () => {
    // RDS ships the archived WAL every 5 minutes: the lag alarms beyond 5 minutes plus those 5, within the 15-minute RPO.
    production.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'CdkBackupDr', MetricName: 'RecoveryPointLagSeconds', Statistic: 'Maximum', Threshold: 600, Period: 900,
      Dimensions: [{ Name: 'Database', Value: 'deeldesk' }], TreatMissingData: 'breaching',
    });
    production.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(0/5 * * * ? *)', Description: Match.stringLikeRegexp('^Measures the RPO of deeldesk') });
    // The replica's lag was the stand-in; it is no WAL archive lag.
    expect(production.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'ReplicaLag' } })).toEqual({});
  });

  test('"Full recovery drill" validated with the daily verification\'s checks, against the Enterprise RTO of 1 hour', () => {
    expect(validatorSelections(production, 'deeldesk_monthly_recovery_drill')).toEqual([{
      database: 'deeldesk', resourceType: 'RDS', arns: ['arn:aws:rds:us-east-1:111111111111:db:<token>'],
      checks: {
        secretArn: '<token>', requiredTables: ['public.organizations', 'public.proposals'], minimumRows: [],
        freshness: [{ table: 'public.proposals', column: 'created_at', maxAgeSeconds: 86400 }],
        sql: ['organizations', 'proposals'].map((t) => ({ name: `${t} exist`, sql: `SELECT count(*) > 0 FROM public.${t}` })),
      },
    }]);
    expect(alarmNamed(production, 'deeldesk-prod-deeldesk_monthly_recovery_drill-deeldesk-DrillRestoreTime').Threshold).toBe(RecoveryTier.ENTERPRISE.rto.toSeconds());
    // Monthly on the 2nd: 31 days apart at most, plus the 24-hour start window and a day.
    expect(alarmNamed(production, 'deeldesk-prod-deeldesk_monthly_recovery_drill-deeldesk-DrillMissing').Threshold).toBe(33 * 86400);
  });

  test('"Quarterly DR failover drill": the copies in deeldesk-dr restored and checked in us-west-2', () => {
    dr.hasResourceProperties('AWS::Backup::RestoreTestingPlan', { RestoreTestingPlanName: 'deeldesk_quarterly_dr_drill', ScheduleExpression: 'cron(0 6 ? 1,4,7,10 SUN#1 *)' });
    expect(validatorSelections(dr, 'deeldesk_quarterly_dr_drill')).toMatchObject([{ arns: ['arn:aws:rds:us-east-1:111111111111:db:deeldesk-prod'] }]);
    expect(alarmNamed(dr, 'deeldesk-dr-deeldesk_quarterly_dr_drill-deeldesk-DrillRestoreTime').Threshold).toBe(3600);
  });

  test('alert "Verification failure | Any failure", no verification in 25 h, or a verified dump older than 25 h', () => {
    production.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'VerificationSuccess', Statistic: 'Minimum', Threshold: 1, EvaluationPeriods: 1, ComparisonOperator: 'LessThanThreshold',
    });
    production.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'VerificationSuccess', Statistic: 'Maximum', Period: 3600, EvaluationPeriods: 25, DatapointsToAlarm: 25,
      TreatMissingData: 'breaching',
    });
    production.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'VerifiedBackupAgeSeconds', Threshold: 90000 });
  });

  test('the replications of deeldesk-uploads and deeldesk-backups are watched', () => {
    for (const destination of ['deeldesk-uploads-dr', 'deeldesk-backups-dr']) {
      production.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'OperationsFailedReplication',
        Dimensions: Match.arrayWith([{ Name: 'DestinationBucket', Value: destination }]),
      });
    }
  });

  test('SOC 2: dump and verification logs kept a year, encrypted; buckets SSE-KMS, TLS-only, access-logged', () => {
    production.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 365, KmsKeyId: Match.anyValue() }, 5);
    production.resourcePropertiesCountIs('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    }, 3);
    for (const bucketName of ['deeldesk-backups', 'deeldesk-uploads']) {
      production.hasResourceProperties('AWS::S3::Bucket', {
        BucketName: bucketName,
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) })],
        },
        LoggingConfiguration: Match.objectLike({ DestinationBucketName: { Ref: Match.stringLikeRegexp('^BackupsAccessLogs') } }),
      });
    }
  });
});
