import { CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { IConstruct } from 'constructs';
import { buildDistroNation } from '../../examples/distronation/app';
import { formatFindings, nagFindings } from '../nag';
import { alarmNamed, exampleApp, templateOf, validatorSelections } from './example-app';

// The numbers of seed 004 (Distro Nation), as the synthesized templates carry them.
describe('Distro Nation example (seed 004)', () => {
  const { stacks } = exampleApp(buildDistroNation);
  const productionStack = stacks.find((s) => s.node.id === 'DistroNation-Production')!;
  const production = templateOf(stacks, 'DistroNation-Production');
  const dr = templateOf(stacks, 'DistroNation-DR');

  /** `{ Ref: <logical id> }` of the CloudFormation resource of the construct at `path` in the production stack. */
  function ref(path: string): { Ref: string } {
    let construct: IConstruct = path.split('/').reduce((c: IConstruct, id) => c.node.findChild(id), productionStack);
    while (!(construct instanceof CfnElement)) {
      construct = construct.node.defaultChild!;
    }
    return { Ref: productionStack.getLogicalId(construct) };
  }
  const auroraCluster = () => ref('Aurora');
  const documentDbCluster = () => ref('DocumentDb');
  const drVaultArn = 'arn:aws:backup:us-west-2:111111111111:backup-vault:distronation-dr';
  const vaultArn = { 'Fn::GetAtt': [ref('Vault').Ref, 'BackupVaultArn'] };
  const gib2000 = 2000 * 1024 ** 3;

  test('builds the DR-region and production stacks in one account', () => {
    expect(stacks.map((s) => [s.node.id, s.account, s.region])).toEqual([
      ['DistroNation-DR', '111111111111', 'us-west-2'],
      ['DistroNation-Production', '111111111111', 'us-east-1'],
    ]);
  });

  test.each(['DistroNation-DR', 'DistroNation-Production'])(
    '%s has no unacknowledged finding in the five cdk-nag packs', (id) => {
      expect(formatFindings(nagFindings(stacks.find((s) => s.node.id === id)!, true))).toBe('');
    });

  test('app synthesis runs the registered cdk-nag packs and passes', () => {
    expect(() => exampleApp(buildDistroNation).app.synth()).not.toThrow();
  });

  test('Aurora PostgreSQL Serverless v2 database-2, 0.5-16 ACU: 7-day PITR in the 04:00-05:00 UTC window', () => {
    production.hasResourceProperties('AWS::RDS::DBCluster', {
      DBClusterIdentifier: 'database-2',
      Engine: 'aurora-postgresql',
      ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 16 },
      BackupRetentionPeriod: 7,
      PreferredBackupWindow: '04:00-05:00',
      PreferredMaintenanceWindow: 'sun:10:00-sun:10:30',
      CopyTagsToSnapshot: true,
      DeletionProtection: true,
      StorageEncrypted: true,
      KmsKeyId: Match.anyValue(),
      EnableIAMDatabaseAuthentication: true,
      EnableCloudwatchLogsExports: ['postgresql'],
      Port: 5433,
    });
    production.hasResourceProperties('AWS::RDS::DBInstance', {
      DBInstanceIdentifier: 'database-2-instance-1',
      DBClusterIdentifier: auroraCluster(),
      DBInstanceClass: 'db.serverless',
      PubliclyAccessible: false,
    });
  });

  test('DocumentDB: backups kept 30 days in the 03:00-04:00 UTC window, db.t3.medium, audit and profiler logs', () => {
    production.hasResourceProperties('AWS::DocDB::DBCluster', {
      DBClusterIdentifier: 'distronation-docdb',
      BackupRetentionPeriod: 30,
      PreferredBackupWindow: '03:00-04:00',
      PreferredMaintenanceWindow: 'sun:10:00-sun:10:30',
      CopyTagsToSnapshot: true,
      DeletionProtection: true,
      StorageEncrypted: true,
      KmsKeyId: Match.anyValue(),
      EnableCloudwatchLogsExports: ['audit', 'profiler'],
      Port: 27018,
    });
    production.hasResourceProperties('AWS::DocDB::DBInstance', {
      DBClusterIdentifier: documentDbCluster(),
      DBInstanceClass: 'db.t3.medium',
    });
    production.hasResourceProperties('AWS::DocDB::DBClusterParameterGroup', {
      Family: 'docdb5.0',
      Parameters: { audit_logs: 'enabled', profiler: 'enabled', profiler_threshold_ms: '100' },
    });
  });

  test('the gap "no cross-region backups": a vault in us-west-2 of the same account, with its own key', () => {
    dr.hasResourceProperties('AWS::Backup::BackupVault', {
      BackupVaultName: 'distronation-dr',
      EncryptionKeyArn: Match.anyValue(),
    });
    production.hasResourceProperties('AWS::Backup::BackupVault', { BackupVaultName: 'distronation-prod' });
  });

  test('Aurora plan: daily 06:00 UTC snapshots kept 30 days, copied to us-west-2 and kept 7 days there; continuous PITR 7 days', () => {
    production.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanName: 'distronation-aurora',
        BackupPlanRule: [
          Match.objectLike({
            RuleName: 'Daily',
            ScheduleExpression: 'cron(0 6 * * ? *)',
            StartWindowMinutes: 60,
            Lifecycle: { DeleteAfterDays: 30 },
            CopyActions: [{ DestinationBackupVaultArn: drVaultArn, Lifecycle: { DeleteAfterDays: 7 } }],
          }),
          Match.objectLike({
            RuleName: 'Continuous',
            EnableContinuousBackup: true,
            ScheduleExpression: 'cron(0 6 * * ? *)',
            Lifecycle: { DeleteAfterDays: 7 },
            CopyActions: Match.absent(),
          }),
        ],
      },
    });
    production.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupPlanId: { 'Fn::GetAtt': [ref('AuroraPlan').Ref, 'BackupPlanId'] },
      BackupSelection: Match.objectLike({
        Resources: [{ 'Fn::Join': ['', ['arn:aws:rds:us-east-1:111111111111:cluster:', auroraCluster()]] }],
      }),
    });
  });

  test('DocumentDB plan: daily 06:00 UTC snapshots kept 30 days, copied to us-west-2 and kept 7 days there', () => {
    production.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanName: 'distronation-documentdb',
        BackupPlanRule: [Match.objectLike({
          RuleName: 'Daily',
          ScheduleExpression: 'cron(0 6 * * ? *)',
          Lifecycle: { DeleteAfterDays: 30 },
          CopyActions: [{ DestinationBackupVaultArn: drVaultArn, Lifecycle: { DeleteAfterDays: 7 } }],
        })],
      },
    });
    production.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupPlanId: { 'Fn::GetAtt': [ref('DocumentDbPlan').Ref, 'BackupPlanId'] },
      BackupSelection: Match.objectLike({
        Resources: [{ 'Fn::Join': ['', ['arn:aws:rds:us-east-1:111111111111:cluster:', documentDbCluster()]] }],
      }),
    });
  });

  test.each([
    ['distronation_aurora_weekly', 'CONTINUOUS'],
    ['distronation_documentdb_weekly', 'SNAPSHOT'],
  ])('weekly restore test %s: Sundays 08:00 UTC, latest %s recovery point of the last 7 days', (name, type) => {
    production.hasResourceProperties('AWS::Backup::RestoreTestingPlan', {
      RestoreTestingPlanName: name,
      ScheduleExpression: 'cron(0 8 ? * SUN *)',
      StartWindowHours: 24,
      RecoveryPointSelection: {
        Algorithm: 'LATEST_WITHIN_WINDOW',
        RecoveryPointTypes: [type],
        SelectionWindowDays: 7,
        IncludeVaults: [vaultArn],
      },
    });
  });

  test.each([
    ['aurora', 'Aurora', 'Aurora', 'Aurora/Subnets', 'RestoreTestSg'],
    ['documentdb', 'DocumentDB', 'DocumentDb', 'DocumentDb/Subnets', 'RestoreTestSg'],
  ])('the %s restore is placed in the cluster\'s subnets behind a closed security group of its own and kept 24 hours (AutoDelete=24hours)',
    (id, type, cluster, subnets, securityGroup) => {
      production.hasResourceProperties('AWS::Backup::RestoreTestingSelection', {
        RestoreTestingPlanName: ref(id),
        ProtectedResourceType: type,
        ProtectedResourceArns: [{ 'Fn::Join': ['', ['arn:aws:rds:us-east-1:111111111111:cluster:', ref(cluster)]] }],
        ValidationWindowHours: 24,
        RestoreMetadataOverrides: {
          dbSubnetGroupName: ref(subnets),
          vpcSecurityGroupIds: { 'Fn::Join': ['', ['["', { 'Fn::GetAtt': [ref(securityGroup).Ref, 'GroupId'] }, '"]']] },
        },
      });
    });

  test('"Backup-Storage-Growth": TotalBackupStorageBilled, daily average, above 2000 GB, for Aurora and for DocumentDB', () => {
    for (const [namespace, cluster, name] of [
      ['AWS/RDS', auroraCluster(), 'distronation-prod-database-2-BackupStorage'],
      ['AWS/DocDB', documentDbCluster(), 'distronation-prod-documentdb-BackupStorage'],
    ] as const) {
      production.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: name,
        Namespace: namespace,
        MetricName: 'TotalBackupStorageBilled',
        Dimensions: [{ Name: 'DBClusterIdentifier', Value: cluster }],
        Statistic: 'Average',
        Period: 86400,
        EvaluationPeriods: 1,
        Threshold: gib2000,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    }
  });

  test.each(['NumberOfBackupJobsFailed', 'NumberOfCopyJobsFailed', 'NumberOfRestoreJobsFailed'])(
    '"Aurora-Backup-Failure" as AWS Backup %s of the vault: any failure in 5-minute periods, 2 evaluated', (metricName) => {
      production.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Backup',
        MetricName: metricName,
        Dimensions: [{ Name: 'BackupVaultName', Value: { 'Fn::GetAtt': [ref('Vault').Ref, 'BackupVaultName'] } }],
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 2,
        DatapointsToAlarm: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [ref('Alarms/Topic')],
      });
    });

  test('eleven alarms, all to one topic with the backup-alerts subscription; no dump alarms for databases without pg_dump', () => {
    // The five of "Aurora-Backup-Failure" and "Backup-Storage-Growth"; the weekly tests' restore time (two), Aurora's
    // failed and missing validation (two); the RPO lag of each cluster (two).
    production.resourceCountIs('AWS::CloudWatch::Alarm', 11);
    for (const alarm of Object.values(production.findResources('AWS::CloudWatch::Alarm'))) {
      expect((alarm as { Properties: { AlarmActions: unknown[] } }).Properties.AlarmActions).toEqual([ref('Alarms/Topic')]);
    }
    production.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'backup-alerts@distronation.example' });
  });

  test('weekly PITR test validated with "Step 4: Data Integrity Validation" through an added instance, within the RTO of 60 minutes; DocumentDB timed', () => {
    expect(validatorSelections(production, 'distronation_aurora_weekly')).toEqual([{
      database: 'database-2', resourceType: 'Aurora', arns: ['arn:aws:rds:us-east-1:111111111111:cluster:<token>'],
      checks: {
        secretArn: '<token>', requiredTables: ['public.users', 'public.payouts', 'public.audit_log'], minimumRows: [],
        freshness: [
          { table: 'public.payouts', column: 'created_at', maxAgeSeconds: 7 * 86400 },
          { table: 'public.audit_log', column: 'created_at', maxAgeSeconds: 86400 },
        ],
        sql: [
          { name: 'users exist', sql: 'SELECT count(*) > 0 FROM public.users' },
          { name: 'foreign keys present', sql: "SELECT count(*) > 0 FROM information_schema.table_constraints WHERE constraint_type = 'FOREIGN KEY' AND constraint_schema = 'public'" },
        ],
      },
    }]);
    // The instance check of the Aurora restores: a state machine that adds an instance tagged with the drill.
    production.hasResourceProperties('AWS::StepFunctions::StateMachine', { StateMachineName: 'distronation_aurora_weekly-instance-check' });
    expect(validatorSelections(production, 'distronation_documentdb_weekly')).toEqual([{ database: 'documentdb', resourceType: 'DocumentDB', arns: ['arn:aws:rds:us-east-1:111111111111:cluster:<token>'] }]);
    expect(alarmNamed(production, 'distronation-prod-distronation_aurora_weekly-database-2-DrillRestoreTime').Threshold).toBe(3600);
    expect(alarmNamed(production, 'distronation-prod-distronation_documentdb_weekly-documentdb-DrillRestoreTime').Threshold).toBe(3600);
    // Weekly: 7 days, the 24-hour start window and a day.
    expect(alarmNamed(production, 'distronation-prod-distronation_aurora_weekly-database-2-DrillMissing').Threshold).toBe(9 * 86400);
  });

  test('"RPO: 5 minutes" measured for both clusters', () => {
    for (const name of ['database-2', 'documentdb']) {
      production.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'RecoveryPointLagSeconds', Dimensions: [{ Name: 'Database', Value: name }], Threshold: 600,
      });
    }
  });

  test('the Aurora copies in distronation-dr restored and checked in us-west-2 monthly', () => {
    dr.hasResourceProperties('AWS::Backup::RestoreTestingPlan', { RestoreTestingPlanName: 'distronation_aurora_dr_monthly', ScheduleExpression: 'cron(0 9 ? * SUN#1 *)' });
    dr.hasResourceProperties('AWS::Backup::RestoreTestingSelection', {
      ProtectedResourceType: 'Aurora', ProtectedResourceArns: ['arn:aws:rds:us-east-1:111111111111:cluster:database-2'],
    });
    expect(alarmNamed(dr, 'distronation-dr-distronation_aurora_dr_monthly-database-2-DrillRestoreTime').Threshold).toBe(3600);
    dr.hasResourceProperties('AWS::StepFunctions::StateMachine', { StateMachineName: 'distronation_aurora_dr_monthly-instance-check' });
  });
});
