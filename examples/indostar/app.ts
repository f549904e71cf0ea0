// Seed 003, IndoStar Naturals "Database Backup and Recovery Plan": RDS PostgreSQL 15 (indostar-production) in us-east-1
// with 7-day PITR, a daily pg_dump to S3 (indostar-backups-primary, daily/, 30 days) replicated to us-west-2
// (indostar-backups-secondary), monthly archives kept 1 year in Glacier after 90 days, restore verification with a
// record count, and the alarms of "Backup Monitoring". Every schedule is UTC.
import { Annotations, App, Duration, Stack, TimeZone } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import {
  BackupAlarms, BackupVault, CrossAccountBucket, CrossAccountBucketProps, DumpVerifyJob, LifecycleAge, PgDumpJob, RdsPitrPolicy, RecoveryPlan, ReplicationDestination, ReplicationRule, RestoreDrill, RestoreDrillResourceType, RpoWatch, ScratchDatabase, VaultLock,
} from '../../lib';
import { acknowledgeDatabaseFindings, acknowledgeSingleAccountPlan, addCompliancePacks, drRegionDrill, exampleVpc } from '../shared';

const PRIMARY = { account: '111111111111', region: 'us-east-1' };
const SECONDARY = { account: '111111111111', region: 'us-west-2' };
const NAME = 'indostar_naturals';
const SECRET_NAME = 'indostar-production/master';
const INSTANCE_ARN = `arn:aws:rds:${PRIMARY.region}:${PRIMARY.account}:db:indostar-production`;
/** The record count of "Verification by restore + record count", as the dump verification runs it. */
const ORDERS_COUNTED = {
  databaseName: NAME,
  requiredTables: ['public.orders'],
  sqlChecks: [{ name: 'orders restored', sql: 'SELECT count(*) > 0 FROM public.orders' }],
};

const utc = (minute: string, hour: string, day?: string) => ScheduleExpression.cron({ minute, hour, day, timeZone: TimeZone.ETC_UTC });

export function buildIndoStar(app: App): Stack[] {
  // "Backup Types / Full Backups": S3 with versioning, "Delete old backups (keep 30 days)" under daily/ as a lifecycle
  // expiry instead of the script's delete loop (the replaced version goes a day later); SSE-KMS, TLS 1.2+ only.
  // Dumps are COMPLIANCE-locked (issue 12): no one deletes one before its retention ends.
  const daily: CrossAccountBucketProps = {
    objectLockMode: s3.ObjectLockMode.COMPLIANCE, prefix: 'daily/', infrequentAccessAfter: LifecycleAge.NEVER, glacierAfter: LifecycleAge.NEVER, expireAfter: LifecycleAge.after(Duration.days(30)), noncurrentExpireAfter: Duration.days(1),
  };
  // "Backup Locations / Secondary": indostar-backups-secondary in us-west-2, and the vault the DR runbook restores from.
  const dr = new Stack(app, 'IndoStar-Secondary', { env: SECONDARY, crossRegionReferences: true });
  // RDS replicates automated backups only under a key ARN of the destination region: this key, whose ARN the production
  // stack reads through Fn::GetStackOutput (crossRegionReferences), no export across regions.
  const rdsReplicationKey = new kms.Key(dr, 'RdsReplicationKey', {
    alias: 'indostar-rds-dr', description: 'Encrypts the automated backups of indostar-production replicated to us-west-2', enableKeyRotation: true,
  });
  const secondary = new CrossAccountBucket(dr, 'Secondary', { bucketName: 'indostar-backups-secondary', ...daily });
  acknowledgeRetentionAsWritten(secondary, '"Delete old backups (keep 30 days)"');
  const drVaultHere = new BackupVault(dr, 'DrVault', { backupVaultName: 'indostar-dr', vaultLock: VaultLock.governance({ minRetention: Duration.days(7), maxRetention: Duration.days(365) }) });
  // The database secret is replicated here under this key, for the DR drill's validator (and a DR restore's operator).
  const secretReplicaKey = new kms.Key(dr, 'SecretReplicaKey', {
    alias: 'indostar-secret-dr', description: 'Encrypts the us-west-2 replica of the indostar-production secret', enableKeyRotation: true,
  });

  // "Disaster Recovery / Scenario 1": Multi-AZ; the instance of "Scenario 4" (db.t3.medium, 100 GB gp3, PostgreSQL 15).
  const production = new Stack(app, 'IndoStar-Production', { env: PRIMARY, crossRegionReferences: true });
  const vpc = exampleVpc(production);
  const key = new kms.Key(production, 'RdsKey', { alias: 'indostar-rds-key', enableKeyRotation: true });
  const db = new rds.DatabaseInstance(production, 'Database', {
    instanceIdentifier: 'indostar-production',
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_15 }),
    instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MEDIUM),
    allocatedStorage: 100,
    storageType: rds.StorageType.GP3,
    databaseName: NAME,
    vpc,
    port: 5433,
    publiclyAccessible: false,
    multiAz: true,
    storageEncryptionKey: key,
    credentials: rds.Credentials.fromGeneratedSecret('indostar_user', {
      encryptionKey: key, secretName: SECRET_NAME, replicaRegions: [{ region: SECONDARY.region, encryptionKey: secretReplicaKey }],
    }),
    monitoringInterval: Duration.minutes(1),
  });
  acknowledgeDatabaseFindings(db, db.addRotationSingleUser());

  // "RDS Automated Backups": retention 7 days (PITR window, WAL every 5 minutes: RPO 5 min), window 02:00-03:00,
  // postgresql logs exported. The maintenance window (not in the document) keeps clear of the AWS Backup jobs below.
  // "RPO 5 minutes" after a region failure too: the automated backups are also replicated to us-west-2, under a key of
  // that region (RDS needs its ARN: a placeholder, like the VPC ids).
  new RdsPitrPolicy(production, 'Pitr', {
    databaseInstance: db, backupRetention: Duration.days(7), preferredBackupWindow: '02:00-03:00', preferredMaintenanceWindow: 'sun:06:00-sun:06:30',
    backupReplicationRegion: SECONDARY.region, backupReplicationKmsKey: rdsReplicationKey,
  });

  // "Compliance / Backups: 30 days (daily), 1 year (monthly archives)" as RDS snapshots, each copied to us-west-2 with
  // the same retention: the snapshot the DR runbook restores there ("Step 2: Activate DR", <latest-snapshot>), which the
  // document's plan never puts in us-west-2. At 03:00: AWS Backup cannot start an RDS backup 1 hour before or during
  // the 02:00-03:00 backup window.
  const drVault = BackupVault.fromBackupVaultArn(production, 'DrVault', `arn:aws:backup:${SECONDARY.region}:${SECONDARY.account}:backup-vault:indostar-dr`);
  const plan = new RecoveryPlan(production, 'Plan', {
    backupPlanName: 'indostar-production',
    gfs: {
      daily: { schedule: events.Schedule.cron({ minute: '0', hour: '3' }), deleteAfter: Duration.days(30) },
      weekly: { enabled: false },
      // RDS snapshots have no cold storage tier: the Glacier tier is the archive bucket below.
      monthly: { schedule: events.Schedule.cron({ minute: '0', hour: '3', day: '1' }), deleteAfter: Duration.days(365), moveToColdStorageAfter: LifecycleAge.NEVER },
    },
    copyTo: [
      { destinationBackupVault: drVault, deleteAfter: Duration.days(30), ruleNames: ['Daily'] },
      { destinationBackupVault: drVault, deleteAfter: Duration.days(365), ruleNames: ['Monthly'] },
    ],
    selection: { databaseInstances: [db] },
  });
  acknowledgeSingleAccountPlan(plan, 'Seed 003 (IndoStar Naturals)', 'indostar-dr');

  // "Custom Backup Script" / "Scheduling Backups" (0 2 * * *): pg_dump --format=custom into s3://indostar-backups-primary/daily/,
  // replicated to the secondary bucket. "Tertiary": monthly archives in Glacier after 90 days, kept (and locked) 1 year.
  const primary = new CrossAccountBucket(production, 'Primary', { bucketName: 'indostar-backups-primary', ...daily });
  acknowledgeRetentionAsWritten(primary, '"Delete old backups (keep 30 days)"');
  const archive = new CrossAccountBucket(production, 'Archive', {
    bucketName: 'indostar-backups-archive', objectLockMode: s3.ObjectLockMode.COMPLIANCE, prefix: 'monthly/', infrequentAccessAfter: LifecycleAge.NEVER,
    glacierAfter: LifecycleAge.after(Duration.days(90)), expireAfter: LifecycleAge.after(Duration.days(365)), objectLockRetention: Duration.days(365),
  });
  acknowledgeRetentionAsWritten(archive, 'monthly archives "kept 1 year"');
  const replication = new ReplicationRule(production, 'PrimaryToSecondary', {
    sourceBucket: primary.bucket, destination: ReplicationDestination.fromCrossAccountBucket(secondary),
  });
  secondary.acceptReplicationFrom(replication);
  const dumped = { databaseName: NAME, vpc, databaseSecret: db.secret!, databaseServer: db };
  new PgDumpJob(production, 'DailyDump', { ...dumped, dumpBucket: primary, schedule: utc('0', '2') });
  new PgDumpJob(production, 'MonthlyDump', { ...dumped, dumpBucket: archive, schedule: utc('30', '2', '1') });

  // "Automated Verification" (verify-backup.sh): restore the newest dump into a scratch server and count the orders,
  // daily after the dump instead of by hand.
  const scratch = new ScratchDatabase(production, 'Scratch', { vpc, engineVersion: rds.PostgresEngineVersion.VER_15 });
  new DumpVerifyJob(production, 'Verify', {
    databaseName: NAME, vpc, dumpBucket: primary, schedule: utc('0', '3'),
    scratchSecret: scratch.secret, scratchServer: scratch, productionSecret: db.secret, productionServer: db,
    productionTarget: `${db.dbInstanceEndpointAddress}:${db.dbInstanceEndpointPort}/${NAME}`,
    sqlChecks: [{ name: 'orders restored', sql: 'SELECT count(*) > 0 FROM public.orders' }],
  });

  // "Monthly DR Test", first Sunday of each month at 2 AM: restore the latest snapshot into the scratch network, then
  // "Verification by restore + record count": the validator counts the orders and reports to AWS Backup.
  const drill = new RestoreDrill(production, 'MonthlyDrTest', {
    restoreTestingPlanName: 'indostar_monthly_dr_test',
    schedule: events.Schedule.expression('cron(0 2 ? * SUN#1 *)'), backupVaults: [plan.backupVault], validator: { vpc },
  });
  drill.addSelection('Database', {
    resourceType: RestoreDrillResourceType.RDS, databaseInstances: [db], validationWindow: Duration.hours(24), // kept a day for the app tests
    subnetGroupName: new rds.SubnetGroup(production, 'DrTestSubnets', { vpc, description: 'IndoStar monthly DR test restores' }).subnetGroupName,
    securityGroups: [scratch.securityGroup],
    validation: { ...ORDERS_COUNTED, secret: db.secret!, port: 5433 },
  });

  // "Backup Monitoring / Alerts": backup failed, not completed in 24 hours, restore test failed; duration > 1 hour,
  // size changed > 50 %; and the S3 replication to the secondary bucket.
  const alarms = new BackupAlarms(production, 'Alarms', {
    email: 'oncall@indostarnaturals.example', alarmNamePrefix: 'indostar-production',
    vaults: [plan.backupVault], databases: [{ name: NAME, databaseInstance: db, rto: Duration.hours(1) }],
    replications: [{
      name: 'primary-to-secondary', failedOperations: replication.metricOperationsFailedReplication(), latency: replication.metricReplicationLatency(),
    }],
    dumpMissing: { evaluationPeriods: 24 }, // 24 hourly periods without a successful dump
    dumpDuration: { threshold: Duration.hours(1).toSeconds() },
    dumpSizeChange: { threshold: 50 },
    // The verification is daily: it must pass within 25 hours, and restore a dump at most 24 hours old.
    verificationMissing: { evaluationPeriods: 25 },
    verificationStale: { threshold: Duration.hours(24).toSeconds() },
  });

  // "RTO: 1 hour": the drill's restore must take less. "RPO: 5 minutes": the newest point-in-time restore, measured
  // every 5 minutes, may lag at most 5 minutes plus the 5 minutes RDS takes to ship the transaction logs.
  alarms.watchDrill(drill, { rto: Duration.hours(1) });
  new RpoWatch(production, 'RpoWatch', {
    vpc, alarmTopic: alarms.topic, databases: [{ databaseName: NAME, databaseArn: db.instanceArn, rpo: Duration.minutes(5) }],
  });

  // "Quarterly full DR drill" in us-west-2: the copies in indostar-dr restored into a drill network there (the document
  // describes none), checked with the secret's us-west-2 replica; first Sunday of January, April, July and October.
  drRegionDrill(dr, {
    name: 'indostar_quarterly_dr_drill', schedule: events.Schedule.expression('cron(0 4 ? 1,4,7,10 SUN#1 *)'),
    vault: drVaultHere, resourceType: RestoreDrillResourceType.RDS, sourceArn: INSTANCE_ARN,
    validation: { ...ORDERS_COUNTED, port: 5433, secretName: SECRET_NAME, secretReplicaKey }, rto: Duration.hours(1),
    alarmEmail: 'oncall@indostarnaturals.example', alarmNamePrefix: 'indostar-dr',
  });

  Annotations.of(alarms).acknowledgeWarning('cdk-backup-dr:BackupAlarms.dumpDurationBeyondLambda',
    'The document asks for "duration > 1 hour"; Lambda stops the dump at 15 minutes, which dumpFailed and dumpMissing report');

  production.addStackDependency(dr, 'the replication destination and the DR vault must exist first');
  addCompliancePacks(app);
  return [dr, production];
}

// npx cdk synth --app 'npx tsx examples/indostar/app.ts'
if (require.main === module) {
  const app = new App();
  buildIndoStar(app);
  app.synth();
}

/**
 * The document keeps dumps for a set time and no longer: a version becomes noncurrent only when its dump expires
 * (overwrites and replica writes are denied), and is removed soon after instead of being kept as long again.
 */
function acknowledgeRetentionAsWritten(bucket: CrossAccountBucket, rule: string): void {
  Annotations.of(bucket).acknowledgeWarning('cdk-backup-dr:CrossAccountBucket.noncurrentShorterThanLock',
    `seed 003: ${rule}. A version becomes noncurrent only when its dump expires (overwrites and replica writes are denied); ` +
      'keeping it as long again would double the retention the document sets');
}
