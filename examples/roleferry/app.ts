// RoleFerry (seed 002): RDS PostgreSQL with 30-day automated snapshots and PITR in the 03:00-04:00 UTC window, a
// weekly full export to s3://roleferry-prod-backups/database/ (Glacier at 90 days, expired at 730), the resume
// files replicated to us-west-2, the single-table restore proven on a scratch server, and the monthly restore test
// (first Sunday, 02:00 UTC) run by AWS Backup restore testing. One AWS account, as in the document.
import { App, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import {
  BackupAlarms, BackupVault, CrossAccountBucket, DumpVerifyJob, LifecycleAge, PgDumpJob, PitrDrill, RdsPitrPolicy, RecoveryPlan, ReplicationDestination, ReplicationRule, RestoreDrill, RestoreDrillRecoveryPointType, RestoreDrillResourceType, RpoWatch, ScratchDatabase, VaultLock,
} from '../../lib';
import { acknowledgeDatabaseFindings, acknowledgeSingleAccountPlan, addCompliancePacks, drRegionDrill, exampleVpc } from '../shared';

const PRODUCTION = { account: '111111111111', region: 'us-east-1' };
const DR = { account: '111111111111', region: 'us-west-2' };
const SECRET_NAME = 'roleferry-prod-db/master';
/** §6 "SELECT COUNT(*) FROM users; ... applications; ... outreach": each table holds rows. */
const INTEGRITY_QUERIES = ['users', 'applications', 'outreach'].map((t) => ({ name: `${t} has rows`, sql: `SELECT count(*) > 0 FROM public.${t}` }));

export function buildRoleFerry(app: App): Stack[] {
  // §4.1: the resume files' copy in us-west-2. Retention "Indefinite": current versions never expire; delete
  // markers are not replicated, so a resume deleted in us-east-1 stays readable here.
  const dr = new Stack(app, 'RoleFerry-DR', { env: DR, crossRegionReferences: true });
  // RDS replicates automated backups only under a key ARN of the destination region: this key, whose ARN the production
  // stack reads through Fn::GetStackOutput (crossRegionReferences), no export across regions.
  const rdsReplicationKey = new kms.Key(dr, 'RdsReplicationKey', {
    alias: 'roleferry-rds-dr', description: 'Encrypts the automated backups of the RoleFerry database replicated to the DR region', enableKeyRotation: true,
  });
  // §6 "quarterly DR tests": the daily snapshots are copied to this vault, and restored from it every quarter.
  const drVault = new BackupVault(dr, 'DrVault', { backupVaultName: 'roleferry-dr', vaultLock: VaultLock.governance({ minRetention: Duration.days(7), maxRetention: Duration.days(365) }) });
  const secretReplicaKey = new kms.Key(dr, 'SecretReplicaKey', {
    alias: 'roleferry-secret-dr', description: 'Encrypts the us-west-2 replica of the RoleFerry database secret', enableKeyRotation: true,
  });
  const resumesReplica = new CrossAccountBucket(dr, 'ResumesReplica', {
    bucketName: 'roleferry-prod-resumes-replica',
    infrequentAccessAfter: LifecycleAge.NEVER, glacierAfter: LifecycleAge.NEVER, expireAfter: LifecycleAge.NEVER,
  });

  const production = new Stack(app, 'RoleFerry-Production', { env: PRODUCTION, crossRegionReferences: true });
  const vpc = exampleVpc(production);
  const key = new kms.Key(production, 'RdsKey', { alias: 'roleferry-rds-key', enableKeyRotation: true });
  // §2.2 and §3 restore into roleferry-db-subnet: the subnet group of the instance, and of the monthly test restore.
  const subnetGroup = new rds.SubnetGroup(production, 'DbSubnet', {
    subnetGroupName: 'roleferry-db-subnet', vpc, description: 'RoleFerry database and its test restores',
  });
  const db = new rds.DatabaseInstance(production, 'Database', {
    instanceIdentifier: 'roleferry-prod-db',
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
    instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MEDIUM),
    allocatedStorage: 100,
    databaseName: 'roleferry',
    port: 5433,
    vpc, subnetGroup, publiclyAccessible: false,
    storageEncryptionKey: key,
    credentials: rds.Credentials.fromGeneratedSecret('roleferry', {
      encryptionKey: key, secretName: SECRET_NAME, replicaRegions: [{ region: DR.region, encryptionKey: secretReplicaKey }],
    }),
    monitoringInterval: Duration.minutes(1),
  });
  acknowledgeDatabaseFindings(db, db.addRotationSingleUser());
  Validations.of(db).acknowledge(...['AwsSolutions-RDS3', 'HIPAA.Security-RDSMultiAZSupport', 'NIST.800.53.R5-RDSMultiAZSupport']
    .map((id) => ({ id, reason: 'Seed 002 has no Multi-AZ standby: it recovers a lost instance from a snapshot or a point in '
      + 'time (RTO 2 hours in §1, downtime 1-2 hours in §5 scenario 1)' })));
  // §2.1: --backup-retention-period 30 --preferred-backup-window "03:00-04:00"; PITR (§2.2) comes with it. The
  // maintenance window is pinned after Sunday's jobs (RDS would pick one at random, and AWS Backup starts no job in it).
  // §5 scenario 2 (region outage): the automated backups (snapshots and transaction logs) are also replicated to
  // us-west-2, under a key of that region (RDS needs its ARN: a placeholder, like the VPC ids).
  new RdsPitrPolicy(production, 'Pitr', {
    databaseInstance: db, backupRetention: Duration.days(30),
    preferredBackupWindow: '03:00-04:00', preferredMaintenanceWindow: 'sun:08:00-sun:08:30',
    backupReplicationRegion: DR.region, backupReplicationKmsKey: rdsReplicationKey,
  });

  // §6 restores "the latest snapshot", and AWS Backup restore testing restores only AWS Backup recovery points: §1's
  // "Daily | 30 days" is also taken by AWS Backup, at 05:00 UTC, an hour after the RDS backup window.
  const plan = new RecoveryPlan(production, 'Snapshots', {
    backupPlanName: 'roleferry-prod-db',
    gfs: {
      daily: { schedule: events.Schedule.cron({ minute: '0', hour: '5' }), deleteAfter: Duration.days(30) },
      weekly: { enabled: false },
      monthly: { enabled: false },
    },
    copyTo: [{
      destinationBackupVault: BackupVault.fromBackupVaultArn(production, 'DrVault', `arn:aws:backup:${DR.region}:${DR.account}:backup-vault:roleferry-dr`),
      deleteAfter: Duration.days(30),
    }],
    selection: { databaseInstances: [db] },
  });
  acknowledgeSingleAccountPlan(plan, 'Seed 002 (RoleFerry)', 'roleferry-dr');
  // §6 "Monthly (first Sunday, 2 AM UTC)": the latest snapshot of the last 30 days restored into roleferry-db-subnet
  // behind a security group of its own, kept 24 hours for §6's row counts, then deleted (the script's clean-up).
  const drill = new RestoreDrill(production, 'MonthlyRestoreTest', {
    restoreTestingPlanName: 'roleferry_monthly_restore_test',
    schedule: events.Schedule.expression('cron(0 2 ? * SUN#1 *)'),
    recoveryPointTypes: [RestoreDrillRecoveryPointType.SNAPSHOT],
    selectionWindow: Duration.days(30),
    backupVaults: [plan.backupVault],
    validator: { vpc },
  });
  const restoreSg = new ec2.SecurityGroup(production, 'RestoreTestSg', {
    vpc, allowAllOutbound: false, description: 'RoleFerry monthly test restore',
  });
  drill.addSelection('Database', {
    resourceType: RestoreDrillResourceType.RDS, databaseInstances: [db], subnetGroupName: subnetGroup.subnetGroupName,
    securityGroups: [restoreSg], validationWindow: Duration.hours(24),
    // §6's integrity queries on the restored instance: users, applications and outreach hold rows.
    validation: { secret: db.secret!, port: 5433, databaseName: 'roleferry', sqlChecks: INTEGRITY_QUERIES },
  });

  // §2.3 "Weekly Full Export" to s3://roleferry-prod-backups/database/, lifecycle rule "ArchiveBackups": GLACIER after
  // 90 days, expired after 730. SSE-KMS with the bucket's own key, where the script re-copied the object as AES256.
  const backups = new CrossAccountBucket(production, 'Backups', {
    // COMPLIANCE (issue 12): no one deletes a dump before its retention ends; the resume replica stays GOVERNANCE.
    bucketName: 'roleferry-prod-backups', objectLockMode: s3.ObjectLockMode.COMPLIANCE, prefix: 'database/',
    infrequentAccessAfter: LifecycleAge.NEVER, glacierAfter: LifecycleAge.after(Duration.days(90)), expireAfter: LifecycleAge.after(Duration.days(730)),
  });
  // Sundays at 04:00 UTC, after the backup window (the document names no day or hour).
  const dump = new PgDumpJob(production, 'WeeklyExport', {
    databaseName: 'roleferry', vpc, databaseSecret: db.secret!, databaseServer: db, dumpBucket: backups,
    schedule: ScheduleExpression.cron({ minute: '0', hour: '4', weekDay: 'SUN' }),
  });
  const scratch = new ScratchDatabase(production, 'Scratch', { vpc, engineVersion: rds.PostgresEngineVersion.VER_16 });
  const verify = {
    databaseName: 'roleferry', vpc, dumpBucket: backups, scratchSecret: scratch.secret, scratchServer: scratch,
    productionSecret: db.secret, productionServer: db,
    productionTarget: `${db.dbInstanceEndpointAddress}:${db.dbInstanceEndpointPort}/roleferry`,
  };
  // Every export restored an hour later, with §6's integrity queries: users, applications and outreach hold rows.
  new DumpVerifyJob(production, 'VerifyExport', {
    ...verify,
    schedule: ScheduleExpression.cron({ minute: '0', hour: '5', weekDay: 'SUN' }),
    sqlChecks: INTEGRITY_QUERIES,
  });
  // §3.3 "Restore Single Table": applications alone (pg_restore --data-only -t), on the first Sunday after the test.
  new DumpVerifyJob(production, 'VerifyApplicationsTable', {
    ...verify, singleTable: 'public.applications', schedule: ScheduleExpression.expression('cron(0 6 ? * SUN#1 *)'),
  });

  // §4.1 roleferry-prod-resumes: versioned, every version kept (a deleted file is restored from its versions), and
  // replicated to us-west-2 with S3 Replication Time Control (15 minutes), the closest S3 comes to "Real-time".
  const resumes = new s3.Bucket(production, 'Resumes', {
    bucketName: 'roleferry-prod-resumes',
    versioned: true,
    encryptionKey: new kms.Key(production, 'ResumesKey', { alias: 'roleferry-resumes-key', enableKeyRotation: true }),
    bucketKeyEnabled: true, enforceSSL: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    serverAccessLogsBucket: backups.accessLogsBucket, serverAccessLogsPrefix: 'roleferry-prod-resumes/',
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const replication = new ReplicationRule(production, 'ResumesReplication', {
    sourceBucket: resumes, destination: ReplicationDestination.fromCrossAccountBucket(resumesReplica), replicationTime: true,
  });
  resumesReplica.acceptReplicationFrom(replication);

  // Jobs of the vault failed: the daily snapshot, and the monthly test's restore from it. The weekly export failed,
  // or none for 7 days: CloudWatch's longest window, one weekly interval (the default 25 hours suits daily dumps and
  // would fire six days a week). No size-change alarm: the previous weekly dump lies outside CloudWatch's 7 days.
  // Verification failed or missing; the resume replication failing or later than 15 minutes.
  const alarms = new BackupAlarms(production, 'Alarms', {
    email: 'devops@roleferry.example',
    alarmNamePrefix: 'roleferry-prod',
    vaults: [plan.backupVault],
    databases: [{ name: dump.databaseName, databaseInstance: db, rto: Duration.hours(2) }],
    dumpMissing: { evaluationPeriods: 168 },
    dumpSizeChange: { enabled: false },
    replications: [{
      name: 'resumes', failedOperations: replication.metricOperationsFailedReplication(), latency: replication.metricReplicationLatency(),
    }],
  });

  // §1 "RDS Automated Snapshots | RTO 2 hours": the monthly restore must take less. "Continuous WAL | RPO <1 min":
  // RDS ships the transaction logs every 5 minutes, so the watch alarms when the newest restorable time lags more than
  // the RPO plus those 5 minutes.
  alarms.watchDrill(drill, { rto: Duration.hours(2) });
  // §7 "Point-in-time recovery tested (restore to specific timestamp)": the instance keeps RDS automated backups, which
  // AWS Backup restore testing cannot see, so a PitrDrill restores it to its latest restorable time every first Sunday
  // at 03:00 (after the snapshot test) into the test subnets, checks it with §6's queries and deletes it; §1 "Continuous
  // WAL | RTO 15 min" is the time that restore may take.
  const pitrDrill = new PitrDrill(production, 'PitrTest', {
    drillName: 'roleferry_pitr_test', databaseInstance: db, schedule: events.Schedule.expression('cron(0 3 ? * SUN#1 *)'),
    subnetGroupName: subnetGroup.subnetGroupName, securityGroups: [restoreSg], vpc,
    validation: { secret: db.secret!, port: 5433, databaseName: 'roleferry', sqlChecks: INTEGRITY_QUERIES },
  });
  alarms.watchDrill(pitrDrill, { rto: Duration.minutes(15) });
  new RpoWatch(production, 'RpoWatch', {
    vpc, alarmTopic: alarms.topic, databases: [{ databaseName: 'roleferry', databaseArn: db.instanceArn, rpo: Duration.minutes(1) }],
  });

  // §6 "Recovery drills completed (quarterly DR tests)": the copies in roleferry-dr restored in us-west-2, first Sunday
  // of January, April, July and October, checked with the same queries, against the same 2-hour RTO.
  drRegionDrill(dr, {
    name: 'roleferry_quarterly_dr_test', schedule: events.Schedule.expression('cron(0 4 ? 1,4,7,10 SUN#1 *)'),
    vault: drVault, resourceType: RestoreDrillResourceType.RDS, sourceArn: `arn:aws:rds:${PRODUCTION.region}:${PRODUCTION.account}:db:roleferry-prod-db`,
    validation: { port: 5433, databaseName: 'roleferry', sqlChecks: INTEGRITY_QUERIES, secretName: SECRET_NAME, secretReplicaKey },
    rto: Duration.hours(2), alarmEmail: 'devops@roleferry.example', alarmNamePrefix: 'roleferry-dr',
  });

  production.addStackDependency(dr, 'S3 checks the replication destination when the configuration is written');
  addCompliancePacks(app);
  return [dr, production];
}

// npx cdk synth --app 'npx tsx examples/roleferry/app.ts'
if (require.main === module) {
  const app = new App();
  buildRoleFerry(app);
  app.synth();
}
