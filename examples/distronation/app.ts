// Distro Nation (seed 004): Aurora PostgreSQL Serverless v2 (database-2, 7-day PITR, 04:00-05:00 UTC) and DocumentDB
// (30-day backups, 03:00-04:00 UTC) in us-east-1, with the two gaps the document names closed: daily AWS Backup copies
// of both clusters to a vault in us-west-2 ("Cross-Region Backup: Not configured"), and weekly-backup-test.sh as AWS
// Backup restore testing; plus the document's backup-failure and backup-storage-growth alarms.
import { Annotations, App, Duration, Size, Stack, Validations } from 'aws-cdk-lib';
import * as docdb from 'aws-cdk-lib/aws-docdb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import {
  BackupAlarms, BackupVault, RdsPitrPolicy, RecoveryPlan, RestoreDrill, RestoreDrillRecoveryPointType as PointType, RestoreDrillResourceType as ResourceType, RestoreDrillSelectionOptions, RpoWatch, VaultLock,
} from '../../lib';
import { acknowledgeDatabaseFindings, acknowledgeSingleAccountPlan, addCompliancePacks, drRegionDrill, exampleVpc } from '../shared';

const PRODUCTION = { account: '111111111111', region: 'us-east-1' };
const DR = { account: '111111111111', region: 'us-west-2' };
const DR_VAULT = 'distronation-dr';
const SECRET_NAME = 'distronation/database-2/master';
/** "Step 4: Data Integrity Validation": the business tables, recent payouts and audit records, the foreign keys. */
const INTEGRITY_VALIDATION = {
  databaseName: 'database-2',
  port: 5433,
  requiredTables: ['public.users', 'public.payouts', 'public.audit_log'],
  freshnessChecks: [
    { table: 'public.payouts', column: 'created_at', maxAge: Duration.days(7) },
    { table: 'public.audit_log', column: 'created_at', maxAge: Duration.days(1) },
  ],
  sqlChecks: [
    { name: 'users exist', sql: 'SELECT count(*) > 0 FROM public.users' },
    { name: 'foreign keys present', sql: "SELECT count(*) > 0 FROM information_schema.table_constraints WHERE constraint_type = 'FOREIGN KEY' AND constraint_schema = 'public'" },
  ],
};
export function buildDistroNation(app: App): Stack[] {
  // Phase 2, week 2: "Configure cross-region backup vault in us-west-2" (same account: the copies need no access policy);
  // its own CMK, a policy denying recovery-point deletion, and failure notifications.
  const dr = new Stack(app, 'DistroNation-DR', { env: DR, crossRegionReferences: true });
  const drVault = new BackupVault(dr, 'Vault', { backupVaultName: DR_VAULT, vaultLock: VaultLock.governance({ minRetention: Duration.days(7), maxRetention: Duration.days(365) }) });
  // The Aurora secret's us-west-2 replica is encrypted with this key: the monthly DR drill checks its restores with it.
  const secretReplicaKey = new kms.Key(dr, 'SecretReplicaKey', {
    alias: 'distronation-secret-dr', description: 'Encrypts the us-west-2 replica of the database-2 secret', enableKeyRotation: true,
  });

  const production = new Stack(app, 'DistroNation-Production', { env: PRODUCTION, crossRegionReferences: true });
  const vpc = exampleVpc(production);
  const key = new kms.Key(production, 'DatabaseKey', { alias: 'distronation-databases', enableKeyRotation: true });

  // Aurora PostgreSQL Serverless v2: cluster database-2, writer database-2-instance-1, 0.5-16 ACU (as the document restores
  // it); 7-day PITR in the 04:00-05:00 UTC window.
  const aurora = new rds.DatabaseCluster(production, 'Aurora', {
    clusterIdentifier: 'database-2',
    engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_6 }),
    writer: rds.ClusterInstance.serverlessV2('Writer', { instanceIdentifier: 'database-2-instance-1', publiclyAccessible: false }),
    serverlessV2MinCapacity: 0.5, serverlessV2MaxCapacity: 16,
    vpc, port: 5433, storageEncryptionKey: key, iamAuthentication: true, monitoringInterval: Duration.minutes(1),
    credentials: rds.Credentials.fromGeneratedSecret('distronation', {
      encryptionKey: key, secretName: SECRET_NAME, replicaRegions: [{ region: DR.region, encryptionKey: secretReplicaKey }],
    }),
  });
  acknowledgeDatabaseFindings(aurora, aurora.addRotationSingleUser());
  Validations.of(aurora.node.findChild('Writer')).acknowledge(...['HIPAA.Security', 'NIST.800.53.R5'].map((pack) => ({
    id: `${pack}-RDSInBackupPlan`,
    reason: 'AWS Backup protects Aurora per cluster, not per instance: AuroraPlan selects the cluster database-2',
  })));
  // Maintenance windows pinned on Sunday 10:00 (RDS would pick one at random): clear of the 06:00 AWS Backup jobs and the
  // 08:00 restore tests, since AWS Backup starts no database backup in or an hour before a maintenance window.
  new RdsPitrPolicy(production, 'AuroraPitr', {
    databaseCluster: aurora, backupRetention: Duration.days(7), preferredBackupWindow: '04:00-05:00', preferredMaintenanceWindow: 'sun:10:00-sun:10:30',
  });

  // DocumentDB on db.t3.medium (the document's recovery instance class): backups kept 30 days, window 03:00-04:00 UTC;
  // audit and profiler logs, which DocumentDB writes only when the parameter group turns them on.
  const documentDb = new docdb.DatabaseCluster(production, 'DocumentDb', {
    dbClusterName: 'distronation-docdb', engineVersion: '5.0.0',
    masterUser: { username: 'distronation', kmsKey: key },
    instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MEDIUM),
    vpc, port: 27018, kmsKey: key,
    parameterGroup: new docdb.ClusterParameterGroup(production, 'DocumentDbParameters', {
      family: 'docdb5.0', parameters: { audit_logs: 'enabled', profiler: 'enabled', profiler_threshold_ms: '100' },
    }),
  });
  const documentDbRotation = documentDb.addRotationSingleUser();
  Validations.of(documentDb.connections.securityGroups[0]).acknowledge(...['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321']
    .flatMap((pack) => ['EC2RestrictedCommonPorts', 'EC2RestrictedSSH'].map((rule) => ({
      id: `${pack}-${rule}`,
      reason: `The ingress of the secret rotation (${documentDbRotation.node.path}) names port 27018 by the cluster's port token`,
    }))));
  Validations.of(documentDb.node.defaultChild!).acknowledge({
    id: 'AwsSolutions-DOC3',
    reason: 'User name and password are Secrets Manager dynamic references to documentDb.secret, joined with its ARN, which the rule cannot resolve',
  }, ...['authenticate', 'createIndex', 'dropCollection'].map((event) => ({
    id: `AwsSolutions-DOC5[LogExport::${event}]`,
    reason: `DocumentDB exports only the log types audit and profiler (both on); ${event} events are in the audit log (audit_logs)`,
  })));
  const documentDbPitr = new RdsPitrPolicy(production, 'DocumentDbPitr', {
    documentDbCluster: documentDb, backupRetention: Duration.days(30), preferredBackupWindow: '03:00-04:00', preferredMaintenanceWindow: 'sun:10:00-sun:10:30',
  });
  Annotations.of(documentDbPitr).acknowledgeWarning('cdk-backup-dr:RdsPitrPolicy.docdbLogs', 'DocumentDbParameters enables both');

  // Phase 2, weeks 1 and 3: AWS Backup and "automated daily cross-region backups". Daily snapshots at 06:00 UTC, after both
  // backup windows, kept 30 days (the document's "extend backup retention for compliance" value) and copied to us-west-2,
  // kept 7 days there; Aurora also keeps a continuous backup (PITR, 7 days like the cluster) for the weekly restore test.
  const vault = new BackupVault(production, 'Vault', { backupVaultName: 'distronation-prod' });
  const destinationBackupVault = BackupVault.fromBackupVaultAttributes(production, 'DrVault', {
    backupVaultArn: `arn:aws:backup:${DR.region}:${DR.account}:backup-vault:${DR_VAULT}`, // by name: no cross-region reference
  });
  const at0600 = events.Schedule.cron({ minute: '0', hour: '6' });
  const plan = { backupVault: vault, copyTo: [{ destinationBackupVault, deleteAfter: Duration.days(7) }],
    gfs: { daily: { schedule: at0600, deleteAfter: Duration.days(30) }, weekly: { enabled: false }, monthly: { enabled: false } } };
  const auroraPlan = new RecoveryPlan(production, 'AuroraPlan', { ...plan, backupPlanName: 'distronation-aurora', selection: { databaseClusters: [aurora] } });
  auroraPlan.addRule('Continuous', { schedule: at0600, deleteAfter: Duration.days(7), enableContinuousBackup: true });
  const documentDbPlan = new RecoveryPlan(production, 'DocumentDbPlan', {
    ...plan, backupPlanName: 'distronation-documentdb', selection: { documentDbClusters: [documentDb] },
  });
  for (const p of [auroraPlan, documentDbPlan]) {
    acknowledgeSingleAccountPlan(p, 'Seed 004 (Distro Nation)', DR_VAULT);
  }

  // weekly-backup-test.sh: every Sunday 08:00 UTC, Aurora restored to its latest point in time (CONTINUOUS) and DocumentDB
  // from its latest snapshot, into each cluster's own subnets (behind a closed security group), kept 24 hours (the script's
  // AutoDelete=24hours tag) for validation, then deleted by AWS Backup.
  // The validator times both restores against the RTO and runs "Step 4: Data Integrity Validation" on Aurora's, through
  // a DB instance its instance check adds to the restored cluster and removes (AWS Backup restores a cluster without
  // one). DocumentDB is no PostgreSQL: its restore is timed, not checked.
  const weeklyTest = (name: string, type: PointType, selection: RestoreDrillSelectionOptions) => {
    const drill = new RestoreDrill(production, name, {
      restoreTestingPlanName: `distronation_${name}_weekly`,
      schedule: events.Schedule.cron({ minute: '0', hour: '8', weekDay: 'SUN' }),
      recoveryPointTypes: [type], selectionWindow: Duration.days(7), backupVaults: [vault], validator: { vpc },
    });
    drill.addSelection(name, { ...selection, validationWindow: Duration.hours(24) });
    return drill;
  };
  // The restored copies sit behind a security group of their own that admits no one until a validator is let in.
  const restoreTests = new ec2.SecurityGroup(production, 'RestoreTestSg', { vpc, allowAllOutbound: false, description: 'Weekly restore tests' });
  const auroraTest = weeklyTest('aurora', PointType.CONTINUOUS, {
    resourceType: ResourceType.AURORA,
    databaseClusters: [aurora],
    subnetGroupName: (aurora.node.findChild('Subnets') as rds.SubnetGroup).subnetGroupName,
    securityGroups: [restoreTests],
    validation: { ...INTEGRITY_VALIDATION, secret: aurora.secret! },
  });
  const documentDbTest = weeklyTest('documentdb', PointType.SNAPSHOT, {
    resourceType: ResourceType.DOCUMENTDB,
    documentDbClusters: [documentDb],
    subnetGroupName: (documentDb.node.findChild('Subnets') as docdb.CfnDBSubnetGroup).ref,
    securityGroups: [restoreTests],
  });

  // "Aurora-Backup-Failure" (5-minute periods, 2 evaluated) as failed AWS Backup backup, copy and restore jobs, and
  // "Backup-Storage-Growth" (TotalBackupStorageBilled, daily average, above 2000 GB) for each cluster.
  const failed = { period: Duration.minutes(5), evaluationPeriods: 2, datapointsToAlarm: 1 };
  const alarms = new BackupAlarms(production, 'Alarms', {
    email: 'backup-alerts@distronation.example', alarmNamePrefix: 'distronation-prod', vaults: [vault],
    databases: [
      { name: 'database-2', databaseCluster: aurora, hasDumpJob: false, maxBackupStorage: Size.gibibytes(2000) },
      { name: 'documentdb', documentDbCluster: documentDb, maxBackupStorage: Size.gibibytes(2000) },
    ],
    backupJobsFailed: failed, copyJobsFailed: failed, restoreJobsFailed: failed,
  });

  // "RTO: 30-60 minutes": each weekly test restore must take less than the hour. "RPO: 5 minutes": the newest
  // point-in-time restore of each cluster, measured every 5 minutes (alarm beyond 5 minutes plus RDS's 5-minute log shipping).
  for (const test of [auroraTest, documentDbTest]) {
    alarms.watchDrill(test, { rto: Duration.minutes(60) });
  }
  new RpoWatch(production, 'RpoWatch', {
    vpc, alarmTopic: alarms.topic, databases: [
      { databaseName: 'database-2', databaseArn: aurora.clusterArn, rpo: Duration.minutes(5) },
      { databaseName: 'documentdb', databaseArn: `arn:aws:rds:${PRODUCTION.region}:${PRODUCTION.account}:cluster:distronation-docdb`, rpo: Duration.minutes(5) },
    ],
  });

  // "Recovery Benefit: Reduces region failure RTO": the daily Aurora copies in distronation-dr restored in us-west-2 on
  // the first Sunday of each month (they are kept 7 days), checked like the weekly test, against the same hour.
  drRegionDrill(dr, {
    name: 'distronation_aurora_dr_monthly', schedule: events.Schedule.expression('cron(0 9 ? * SUN#1 *)'),
    vault: drVault, resourceType: ResourceType.AURORA, sourceArn: `arn:aws:rds:${PRODUCTION.region}:${PRODUCTION.account}:cluster:database-2`,
    validation: { ...INTEGRITY_VALIDATION, secretName: SECRET_NAME, secretReplicaKey },
    rto: Duration.minutes(60), alarmEmail: 'backup-alerts@distronation.example', alarmNamePrefix: 'distronation-dr',
  });

  production.addStackDependency(dr, 'the daily copies go to the us-west-2 vault');
  addCompliancePacks(app);
  return [dr, production];
}

// npx cdk synth --app 'npx tsx examples/distronation/app.ts'
if (require.main === module) {
  const app = new App();
  buildDistroNation(app);
  app.synth();
}
