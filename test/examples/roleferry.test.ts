import { Match } from 'aws-cdk-lib/assertions';
import { buildRoleFerry } from '../../examples/roleferry/app';
import { formatFindings, nagFindings } from '../nag';
import { alarmNamed, exampleApp, templateOf, validatorSelections } from './example-app';

// The numbers of seed 002 (RoleFerry), as the synthesized templates carry them.
describe('RoleFerry example (seed 002)', () => {
  const { stacks } = exampleApp(buildRoleFerry);
  const production = templateOf(stacks, 'RoleFerry-Production');
  const dr = templateOf(stacks, 'RoleFerry-DR');

  /** Logical id of the one resource of `type` whose properties match `props`. */
  function logicalId(type: string, props: object): string {
    const found = Object.keys(production.findResources(type, { Properties: Match.objectLike(props) }));
    expect(found).toHaveLength(1);
    return found[0];
  }

  test('builds the production stack in us-east-1 and the resume replica in us-west-2, one account', () => {
    expect(stacks.map((s) => [s.node.id, s.account, s.region])).toEqual([
      ['RoleFerry-DR', '111111111111', 'us-west-2'],
      ['RoleFerry-Production', '111111111111', 'us-east-1'],
    ]);
  });

  test.each(['RoleFerry-DR', 'RoleFerry-Production'])('%s has no unacknowledged finding in the five cdk-nag packs', (id) => {
    expect(formatFindings(nagFindings(stacks.find((s) => s.node.id === id)!, true))).toBe('');
  });

  test('app synthesis runs the registered cdk-nag packs and passes', () => {
    expect(() => exampleApp(buildRoleFerry).app.synth()).not.toThrow();
  });

  test('§2.1: roleferry-prod-db keeps automated backups (and PITR) 30 days, backup window 03:00-04:00 UTC', () => {
    const subnetGroup = logicalId('AWS::RDS::DBSubnetGroup', { DBSubnetGroupName: 'roleferry-db-subnet' });
    production.hasResourceProperties('AWS::RDS::DBInstance', {
      DBInstanceIdentifier: 'roleferry-prod-db',
      DBName: 'roleferry',
      Engine: 'postgres',
      BackupRetentionPeriod: 30,
      AutomaticBackupReplicationRegion: 'us-west-2',
      // The DR stack's key, read through Fn::GetStackOutput (no placeholder ARN, no export across regions).
      AutomaticBackupReplicationKmsKeyId: { 'Fn::GetStackOutput': { StackName: 'RoleFerry-DR', Region: 'us-west-2', OutputName: Match.stringLikeRegexp('RdsReplicationKey') } },
      PreferredBackupWindow: '03:00-04:00',
      PreferredMaintenanceWindow: 'sun:08:00-sun:08:30',
      DBSubnetGroupName: { Ref: subnetGroup },
      PubliclyAccessible: false,
      StorageEncrypted: true,
      DeletionProtection: true,
      CopyTagsToSnapshot: true,
    });
  });

  test('§1 "Daily | 30 days" as AWS Backup snapshots too: daily at 05:00 UTC, kept 30 days, of roleferry-prod-db', () => {
    production.resourceCountIs('AWS::Backup::BackupPlan', 1);
    production.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanName: 'roleferry-prod-db',
        BackupPlanRule: [Match.objectLike({
          RuleName: 'Daily', ScheduleExpression: 'cron(0 5 * * ? *)', Lifecycle: { DeleteAfterDays: 30 },
        })],
      },
    });
    production.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: Match.objectLike({
        Resources: [{ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':db:$'), { Ref: Match.stringLikeRegexp('^Database') }])] }],
      }),
    });
  });

  test('§6 monthly restore test: first Sunday 02:00 UTC, latest snapshot of 30 days, in roleferry-db-subnet, kept 24 h', () => {
    const vault = logicalId('AWS::Backup::BackupVault', {});
    production.hasResourceProperties('AWS::Backup::RestoreTestingPlan', {
      RestoreTestingPlanName: 'roleferry_monthly_restore_test',
      ScheduleExpression: 'cron(0 2 ? * SUN#1 *)',
      RecoveryPointSelection: {
        Algorithm: 'LATEST_WITHIN_WINDOW',
        RecoveryPointTypes: ['SNAPSHOT'],
        SelectionWindowDays: 30,
        IncludeVaults: [{ 'Fn::GetAtt': [vault, 'BackupVaultArn'] }],
      },
    });
    const subnetGroup = logicalId('AWS::RDS::DBSubnetGroup', { DBSubnetGroupName: 'roleferry-db-subnet' });
    const restoreSg = logicalId('AWS::EC2::SecurityGroup', { GroupDescription: 'RoleFerry monthly test restore' });
    production.hasResourceProperties('AWS::Backup::RestoreTestingSelection', {
      ProtectedResourceType: 'RDS',
      ProtectedResourceArns: [{ 'Fn::Join': ['', ['arn:aws:rds:us-east-1:111111111111:db:', { Ref: Match.stringLikeRegexp('^Database') }]] }],
      ValidationWindowHours: 24,
      RestoreMetadataOverrides: {
        dbSubnetGroupName: { Ref: subnetGroup },
        vpcSecurityGroupIds: { 'Fn::Join': ['', ['["', { 'Fn::GetAtt': [restoreSg, 'GroupId'] }, '"]']] },
      },
    });
  });

  test('§2.3 weekly export: pg_dump on Sundays at 04:00 UTC into s3://roleferry-prod-backups/database/', () => {
    const bucket = logicalId('AWS::S3::Bucket', { BucketName: 'roleferry-prod-backups' });
    production.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 4 ? * SUN *)',
      ScheduleExpressionTimezone: 'Etc/UTC',
      Target: Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WeeklyExport'), 'Arn'] } }),
    });
    production.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ DUMP_DATABASE: 'roleferry', DUMP_BUCKET: { Ref: bucket }, DUMP_PREFIX: 'database/' }) },
    });
  });

  test('§2.3 lifecycle "ArchiveBackups": GLACIER after 90 days, expired after 730 days; SSE-KMS, Object Lock', () => {
    production.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'roleferry-prod-backups',
      VersioningConfiguration: { Status: 'Enabled' },
      ObjectLockEnabled: true,
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) })],
      },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({
          Transitions: [{ StorageClass: 'GLACIER', TransitionInDays: 90 }],
          ExpirationInDays: 730,
        })]),
      },
    });
  });

  test('every weekly export is restored at 05:00 UTC and checked with §6 queries on users, applications, outreach', () => {
    production.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 5 ? * SUN *)',
      Target: Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^VerifyExport'), 'Arn'] } }),
    });
    production.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          VERIFY_DATABASE: 'roleferry',
          VERIFY_PREFIX: 'database/',
          VERIFY_SQL_CHECKS: JSON.stringify(['users', 'applications', 'outreach'].map((t) => ({
            name: `${t} has rows`, sql: `SELECT count(*) > 0 FROM public.${t}`,
          }))),
        }),
      },
    });
  });

  test('§3.3 single-table restore of applications, proven on the first Sunday of the month at 06:00 UTC', () => {
    production.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 6 ? * SUN#1 *)',
      Target: Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^VerifyApplicationsTable'), 'Arn'] } }),
    });
    production.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ VERIFY_DATABASE: 'roleferry', VERIFY_SINGLE_TABLE: 'public.applications' }) },
    });
  });

  test('§4.1 roleferry-prod-resumes: versioned, no expiry, replicated to us-west-2 with RTC 15 minutes', () => {
    production.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'roleferry-prod-resumes',
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: Match.absent(),
      ReplicationConfiguration: {
        Role: Match.anyValue(),
        Rules: [Match.objectLike({
          Status: 'Enabled',
          Destination: Match.objectLike({
            Bucket: 'arn:aws:s3:::roleferry-prod-resumes-replica',
            EncryptionConfiguration: { ReplicaKmsKeyID: 'arn:aws:kms:us-west-2:111111111111:alias/roleferry-prod-resumes-replica' },
            ReplicationTime: { Status: 'Enabled', Time: { Minutes: 15 } },
            Metrics: { Status: 'Enabled', EventThreshold: { Minutes: 15 } },
          }),
          DeleteMarkerReplication: { Status: 'Disabled' },
          SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
        })],
      },
    });
  });

  test('§4.1 the us-west-2 replica keeps current versions indefinitely (no transition, no expiry)', () => {
    dr.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'roleferry-prod-resumes-replica',
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({
          Id: 'TierAndExpireDumps', ExpirationInDays: Match.absent(), Transitions: Match.absent(),
        })]),
      },
    });
  });

  test('§6 monthly restore test validated: users, applications and outreach hold rows; restored within the 2-hour RTO', () => {
    const queries = ['users', 'applications', 'outreach'].map((t) => ({ name: `${t} has rows`, sql: `SELECT count(*) > 0 FROM public.${t}` }));
    expect(validatorSelections(production, 'roleferry_monthly_restore_test')).toEqual([{
      database: 'roleferry', resourceType: 'RDS', arns: ['arn:aws:rds:us-east-1:111111111111:db:<token>'],
      checks: { secretArn: '<token>', requiredTables: [], minimumRows: [], freshness: [], sql: queries },
    }]);
    expect(alarmNamed(production, 'roleferry-prod-roleferry_monthly_restore_test-roleferry-DrillRestoreTime').Threshold).toBe(7200);
    expect(alarmNamed(production, 'roleferry-prod-roleferry_monthly_restore_test-roleferry-DrillMissing').Threshold).toBe(37 * 86400);
    production.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'RecoveryPointLagSeconds', Dimensions: [{ Name: 'Database', Value: 'roleferry' }], Threshold: 360,
    });
  });

  test('§7 "Point-in-time recovery tested": a monthly PitrDrill of roleferry-prod-db, checked with §6\'s queries, within §1\'s 15 minutes', () => {
    production.hasResourceProperties('AWS::StepFunctions::StateMachine', { StateMachineName: 'roleferry_pitr_test-pitr-drill' });
    production.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(0 3 ? * SUN#1 *)', Target: Match.objectLike({ Input: '{}' }) });
    expect(alarmNamed(production, 'roleferry-prod-roleferry_pitr_test-roleferry-DrillRestoreTime').Threshold).toBe(900);
    expect(alarmNamed(production, 'roleferry-prod-roleferry_pitr_test-roleferry-DrillMissing').Threshold).toBe((35 * 24 + 6) * 3600);
  });

  test('§6 quarterly DR tests: the daily snapshots copied to roleferry-dr and restored there with the same queries', () => {
    production.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: Match.objectLike({
        BackupPlanRule: [Match.objectLike({
          CopyActions: [{ DestinationBackupVaultArn: 'arn:aws:backup:us-west-2:111111111111:backup-vault:roleferry-dr', Lifecycle: { DeleteAfterDays: 30 } }],
        })],
      }),
    });
    dr.hasResourceProperties('AWS::Backup::RestoreTestingPlan', { RestoreTestingPlanName: 'roleferry_quarterly_dr_test', ScheduleExpression: 'cron(0 4 ? 1,4,7,10 SUN#1 *)' });
    expect(validatorSelections(dr, 'roleferry_quarterly_dr_test')).toMatchObject([{ arns: ['arn:aws:rds:us-east-1:111111111111:db:roleferry-prod-db'] }]);
    expect(alarmNamed(dr, 'roleferry-dr-roleferry_quarterly_dr_test-roleferry-DrillRestoreTime').Threshold).toBe(7200);
  });

  test('alarms: AWS Backup snapshot and restore jobs of the vault failed (>= 1 in an hour)', () => {
    for (const metric of ['NumberOfBackupJobsFailed', 'NumberOfRestoreJobsFailed']) {
      production.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Backup',
        MetricName: metric,
        Dimensions: [{ Name: 'BackupVaultName', Value: Match.anyValue() }],
        Threshold: 1,
        Period: 3600,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
  });

  test('alarms: the weekly export failed, or no successful export in 168 hourly periods (7 days)', () => {
    production.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'roleferry-prod-roleferry-DumpFailed',
      MetricName: 'BackupSuccess',
      Dimensions: [{ Name: 'Database', Value: 'roleferry' }],
      ComparisonOperator: 'LessThanThreshold',
    });
    production.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'roleferry-prod-roleferry-DumpMissing',
      MetricName: 'BackupSuccess',
      Period: 3600,
      EvaluationPeriods: 168,
      DatapointsToAlarm: 168,
      TreatMissingData: 'breaching',
    });
    expect(production.findResources('AWS::CloudWatch::Alarm', {
      Properties: { AlarmName: 'roleferry-prod-roleferry-DumpSizeChange' },
    })).toEqual({});
  });

  test('alarms: verification failed or missing for 7 days; resume replication failed or slower than 15 minutes', () => {
    production.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'roleferry-prod-roleferry-VerificationMissing', EvaluationPeriods: 168, Period: 3600,
    });
    production.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'roleferry-prod-resumes-FailedOperations', MetricName: 'OperationsFailedReplication', Threshold: 1,
    });
    production.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'roleferry-prod-resumes-Latency', MetricName: 'ReplicationLatency', Threshold: 900,
    });
  });
});
