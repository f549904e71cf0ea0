// Deeldesk (seed 001): RDS PostgreSQL 16 with a read replica; PITR 7 days (the WAL archive), replicated to the DR region;
// base backups daily/weekly/monthly kept 30 d / 90 d / 1 y and copied to us-west-2; a pg_dump daily at 03:00, restored
// and checked daily within 1 % row counts; deeldesk-uploads replicated with its delete markers to deeldesk-uploads-dr;
// the document's five alerts. One account (the document names no backup account): primary us-east-1, DR us-west-2.
import { Annotations, App, Duration, RemovalPolicy, Stack, TimeZone } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import {
  BackupAlarms, BackupVault, CrossAccountBucket, CrossAccountBucketProps, DumpVerifyJob, LifecycleAge, PgDumpJob, RdsPitrPolicy, RecoveryPlan, RecoveryTier, ReplicationDestination, ReplicationRule, RestoreDrill, RestoreDrillResourceType, RpoWatch, ScratchDatabase, VaultLock,
} from '../../lib';
import { acknowledgeDatabaseFindings, acknowledgeSingleAccountPlan, acknowledgeReadReplicaFindings, addCompliancePacks, drRegionDrill, exampleVpc } from '../shared';

const PRIMARY = { account: '111111111111', region: 'us-east-1' };
const DR = { account: '111111111111', region: 'us-west-2' };
// "Logical backups | 30 days" (GDPR: deletions reach the dumps when they expire): a dump expires at 30 days and its
// version goes a day later, each at the next midnight UTC, so at most about 32 days. "S3 Standard-IA": the job writes them in STANDARD_IA (a lifecycle transition would come
// only after 30 days).
// COMPLIANCE: no one deletes a dump before its 30 days (issue 12). The uploads replica stays GOVERNANCE: a break-glass
// role given to it could then apply erasure requests to locked files.
const DUMPS: CrossAccountBucketProps = {
  objectLockMode: s3.ObjectLockMode.COMPLIANCE, prefix: 'logical/', objectLockRetention: Duration.days(30), expireAfter: LifecycleAge.after(Duration.days(30)), noncurrentExpireAfter: Duration.days(1),
  infrequentAccessAfter: LifecycleAge.NEVER, glacierAfter: LifecycleAge.NEVER,
};
const SECRET_NAME = 'deeldesk-prod/master';
/** "Daily verification" and "Verify data integrity": the seed's queries and the newest proposal, on dumps and drills alike. */
const DATA_CHECKS = {
  databaseName: 'deeldesk',
  port: 5433,
  requiredTables: ['public.organizations', 'public.proposals'],
  freshnessChecks: [{ table: 'public.proposals', column: 'created_at', maxAge: Duration.days(1) }],
  sqlChecks: ['organizations', 'proposals'].map((t) => ({ name: `${t} exist`, sql: `SELECT count(*) > 0 FROM public.${t}` })),
};
const utc = (cron: events.CronOptions) => scheduler.ScheduleExpression.cron({ ...cron, timeZone: TimeZone.ETC_UTC });

export function buildDeeldesk(app: App): Stack[] {
  // DR region: the vault receiving copies of the base backups, the replica of deeldesk-backups, and deeldesk-uploads-dr
  // (live files: no expiry; "Versions retained: 30 days" is the default noncurrent expiry).
  // crossRegionReferences: the production stack reads the DR stack's key ARN (RDS replicates automated backups only under
  // a key ARN of the destination region); CDK passes it through an SSM parameter that the DR stack writes into the
  // production region, no CloudFormation export across regions.
  const dr = new Stack(app, 'Deeldesk-DR', { env: DR, crossRegionReferences: true });
  const rdsReplicationKey = new kms.Key(dr, 'RdsReplicationKey', {
    alias: 'deeldesk-rds-dr', description: 'Encrypts the automated backups of deeldesk-prod replicated to us-west-2', enableKeyRotation: true,
  });
  // Governance lock: a copy cannot be deleted before 7 days, nor kept past a year, by anyone without the right to lift the lock.
  const drVaultHere = new BackupVault(dr, 'Vault', { backupVaultName: 'deeldesk-dr', vaultLock: VaultLock.governance({ minRetention: Duration.days(7), maxRetention: Duration.days(365) }) });
  // The database secret's us-west-2 replica is encrypted with this key: the quarterly DR drill checks its restores with it.
  const secretReplicaKey = new kms.Key(dr, 'SecretReplicaKey', {
    alias: 'deeldesk-secret-dr', description: 'Encrypts the us-west-2 replica of the deeldesk-prod secret', enableKeyRotation: true,
  });
  const backupsReplica = new CrossAccountBucket(dr, 'BackupsReplica', { bucketName: 'deeldesk-backups-dr', ...DUMPS });
  acknowledgeGdprExpiry(backupsReplica);
  const uploadsReplica = new CrossAccountBucket(dr, 'UploadsReplica', {
    bucketName: 'deeldesk-uploads-dr', infrequentAccessAfter: LifecycleAge.NEVER, glacierAfter: LifecycleAge.NEVER, expireAfter: LifecycleAge.NEVER,
  });

  // The PostgreSQL primary (the runbooks' deeldesk-prod; PostgreSQL 16) and its streaming read replica.
  const production = new Stack(app, 'Deeldesk-Production', { env: PRIMARY, crossRegionReferences: true });
  const vpc = exampleVpc(production);
  const key = new kms.Key(production, 'RdsKey', { alias: 'deeldesk-rds-key', enableKeyRotation: true });
  const subnetGroup = new rds.SubnetGroup(production, 'DbSubnets', { vpc, description: 'Deeldesk databases and their restore drills' });
  const database = {
    instanceType: ec2.InstanceType.of(ec2.InstanceClass.M7G, ec2.InstanceSize.LARGE), vpc, subnetGroup, port: 5433,
    publiclyAccessible: false, monitoringInterval: Duration.minutes(1),
  };
  const db = new rds.DatabaseInstance(production, 'Database', {
    ...database, instanceIdentifier: 'deeldesk-prod', databaseName: 'deeldesk', allocatedStorage: 100, multiAz: true,
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
    storageEncryptionKey: key,
    credentials: rds.Credentials.fromGeneratedSecret('deeldesk', {
      encryptionKey: key, secretName: SECRET_NAME, replicaRegions: [{ region: DR.region, encryptionKey: secretReplicaKey }],
    }),
  });
  acknowledgeDatabaseFindings(db, db.addRotationSingleUser());
  const replica = new rds.DatabaseInstanceReadReplica(production, 'ReadReplica', {
    ...database, sourceDatabaseInstance: db, deletionProtection: true, cloudwatchLogsExports: ['postgresql', 'upgrade'],
  });
  acknowledgeReadReplicaFindings(replica, db);

  // WAL archiving + PITR: 7 days, with the transaction logs also in us-west-2 (the WAL archive's CRR), under a key of
  // that region. The RDS backup window ends before the 02:00 base backups; maintenance after the dump and its check.
  new RdsPitrPolicy(production, 'Pitr', {
    databaseInstance: db, backupRetention: Duration.days(7),
    preferredBackupWindow: '00:30-01:30', preferredMaintenanceWindow: 'sun:05:00-sun:05:30',
    backupReplicationRegion: DR.region, backupReplicationKmsKey: rdsReplicationKey,
  });

  // Plan tiers: all tiers share this database, so it runs the strictest, ENTERPRISE (RPO 15 min, RTO 1 h): continuous
  // backup kept 7 days and "Full backup | Daily at 02:00 UTC | 30 days". Weekly on Sunday 02:00, 90 days; monthly on the
  // 1st, 1 year, "S3 Glacier" after 90 days. Each rule is copied to us-west-2 with its own retention.
  const drVault = BackupVault.fromBackupVaultArn(production, 'DrVault', 'arn:aws:backup:us-west-2:111111111111:backup-vault:deeldesk-dr');
  const plan = new RecoveryPlan(production, 'Plan', {
    backupPlanName: 'deeldesk-enterprise',
    tier: RecoveryTier.ENTERPRISE,
    gfs: {
      weekly: { schedule: events.Schedule.cron({ minute: '0', hour: '2', weekDay: 'SUN' }), deleteAfter: Duration.days(90) },
      // No cold storage: AWS Backup keeps RDS snapshots warm (the document's "S3 Glacier" tier has no RDS counterpart).
      monthly: { schedule: events.Schedule.cron({ minute: '0', hour: '2', day: '1' }), deleteAfter: Duration.days(365), moveToColdStorageAfter: LifecycleAge.NEVER },
    },
    copyTo: [
      { destinationBackupVault: drVault, ruleNames: ['Daily'], deleteAfter: Duration.days(30) },
      { destinationBackupVault: drVault, ruleNames: ['Weekly'], deleteAfter: Duration.days(90) },
      { destinationBackupVault: drVault, ruleNames: ['Monthly'], deleteAfter: Duration.days(365) },
    ],
    selection: { databaseInstances: [db] },
  });
  acknowledgeSingleAccountPlan(plan, 'Seed 001 (Deeldesk)', 'deeldesk-dr');

  // "Full recovery drill | Monthly": AWS Backup restores the newest recovery point into the VPC; the validator runs the
  // daily verification's checks on it ("Verify data integrity"), reports to AWS Backup, and AWS Backup deletes it.
  const drill = new RestoreDrill(production, 'MonthlyRecoveryDrill', {
    restoreTestingPlanName: 'deeldesk_monthly_recovery_drill',
    schedule: events.Schedule.cron({ minute: '0', hour: '6', day: '2' }), backupVaults: [plan.backupVault], validator: { vpc },
  });
  drill.addSelection('Database', {
    resourceType: RestoreDrillResourceType.RDS, databaseInstances: [db], subnetGroupName: subnetGroup.subnetGroupName,
    securityGroups: [new ec2.SecurityGroup(production, 'DrillSg', { vpc, description: 'Restore drills', allowAllOutbound: false })],
    validation: { ...DATA_CHECKS, secret: db.secret! },
  });

  // "Logical backups": pg_dump custom format daily at 03:00 UTC into s3://deeldesk-backups/logical/deeldesk/, replicated
  // to us-west-2; "Daily verification": at 04:00 into a scratch server, the seed's queries, row counts within 1 %.
  const backups = new CrossAccountBucket(production, 'Backups', { bucketName: 'deeldesk-backups', ...DUMPS });
  acknowledgeGdprExpiry(backups);
  const dump = new PgDumpJob(production, 'Dump', {
    databaseName: 'deeldesk', vpc, databaseSecret: db.secret!, databaseServer: db, dumpBucket: backups,
    schedule: utc({ minute: '0', hour: '3' }), storageClass: s3.StorageClass.INFREQUENT_ACCESS,
  });
  const scratch = new ScratchDatabase(production, 'Scratch', { vpc, engineVersion: rds.PostgresEngineVersion.VER_16 });
  const verify = {
    databaseName: 'deeldesk', vpc, scratchSecret: scratch.secret, scratchServer: scratch, dumpBucket: backups,
    productionSecret: db.secret, productionServer: db, productionTarget: `${db.dbInstanceEndpointAddress}:${db.dbInstanceEndpointPort}/deeldesk`,
  };
  // "Table restore drill | Weekly": proposals alone, restored from the newest dump (pg_restore -t), Mondays at 05:00.
  new DumpVerifyJob(production, 'WeeklyTableRestore', { ...verify, singleTable: 'public.proposals', schedule: utc({ minute: '0', hour: '5', weekDay: 'MON' }) });
  new DumpVerifyJob(production, 'Verify', {
    ...verify, schedule: utc({ minute: '0', hour: '4' }), rowCountTolerancePercent: 1,
    freshnessChecks: DATA_CHECKS.freshnessChecks, sqlChecks: DATA_CHECKS.sqlChecks,
  });

  // deeldesk-uploads, versioned ("Versions retained: 30 days"), replicated by the document's own rule: priority 1, whole
  // bucket, delete markers replicated, STANDARD_IA, to deeldesk-uploads-dr.
  const uploads = new s3.Bucket(production, 'Uploads', {
    bucketName: 'deeldesk-uploads', versioned: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, enforceSSL: true,
    encryption: s3.BucketEncryption.KMS, bucketKeyEnabled: true, removalPolicy: RemovalPolicy.RETAIN,
    serverAccessLogsBucket: backups.accessLogsBucket, serverAccessLogsPrefix: 'deeldesk-uploads/',
    lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30), expiredObjectDeleteMarker: true }],
  });
  const uploadsReplication = new ReplicationRule(production, 'UploadsReplication', {
    sourceBucket: uploads, destination: ReplicationDestination.fromCrossAccountBucket(uploadsReplica),
    priority: 1, deleteMarkerReplication: true, storageClass: s3.StorageClass.INFREQUENT_ACCESS,
  });
  uploadsReplica.acceptReplicationFrom(uploadsReplication);
  Annotations.of(uploadsReplica).acknowledgeWarning('cdk-backup-dr:CrossAccountBucket.replicatedDeleteMarkers',
    'The document replicates delete markers, so that deletions (GDPR erasure too) reach the DR copy; versions stay 30 days');
  const backupsReplication = new ReplicationRule(production, 'BackupsReplication', {
    sourceBucket: backups.bucket, destination: ReplicationDestination.fromCrossAccountBucket(backupsReplica),
  });
  backupsReplica.acceptReplicationFrom(backupsReplication);

  // Alerts: backup job failure (any), backup age > 25 h, size change > 20 %, verification failure (any) or none in 25 h;
  // and the two replications. "WAL lag > 5 min" is measured by the RPO watch below, not by the replica's lag.
  const alarms = new BackupAlarms(production, 'Alarms', {
    email: 'devops@deeldesk.example', alarmNamePrefix: 'deeldesk-prod', vaults: [plan.backupVault],
    databases: [{ name: dump.databaseName, databaseInstance: db, rto: RecoveryTier.ENTERPRISE.rto, readReplicas: [replica] }],
    replications: Object.entries({ uploads: uploadsReplication, backups: backupsReplication }).map(([name, rule]) => ({
      name, failedOperations: rule.metricOperationsFailedReplication(), latency: rule.metricReplicationLatency(),
    })),
    // "Backup age > 25 hours (daily)" for the base backups too: no AWS Backup job of the plan's vault completed in 25 hours.
    backupJobsFailed: { threshold: 1 }, backupMissing: { evaluationPeriods: 25 }, dumpMissing: { evaluationPeriods: 25 }, dumpSizeChange: { threshold: 20 },
    replicaLag: { enabled: false },
    verificationMissing: { evaluationPeriods: 25 }, verificationStale: { threshold: Duration.hours(25).toSeconds() },
  });

  // Enterprise "RTO 1 hour": the drill's restore must take less. "WAL lag > 5 min": the newest point-in-time restore
  // (LatestRestorableTime, i.e. the archived WAL) measured every 5 minutes; it alarms beyond 5 minutes plus the 5 in
  // which RDS ships the logs, well inside the Enterprise RPO of 15 minutes.
  alarms.watchDrill(drill, { rto: RecoveryTier.ENTERPRISE.rto });
  new RpoWatch(production, 'RpoWatch', {
    vpc, alarmTopic: alarms.topic, databases: [{ databaseName: 'deeldesk', databaseArn: db.instanceArn, rpo: Duration.minutes(5) }],
  });

  // "Quarterly DR failover drill": the copies in deeldesk-dr restored in us-west-2 (into a drill network: the document
  // describes none there), checked like the monthly drill, against the Enterprise RTO. First Sunday of Jan/Apr/Jul/Oct.
  drRegionDrill(dr, {
    name: 'deeldesk_quarterly_dr_drill', schedule: events.Schedule.expression('cron(0 6 ? 1,4,7,10 SUN#1 *)'),
    vault: drVaultHere, resourceType: RestoreDrillResourceType.RDS, sourceArn: `arn:aws:rds:${PRIMARY.region}:${PRIMARY.account}:db:deeldesk-prod`,
    validation: { ...DATA_CHECKS, secretName: SECRET_NAME, secretReplicaKey }, rto: RecoveryTier.ENTERPRISE.rto,
    alarmEmail: 'devops@deeldesk.example', alarmNamePrefix: 'deeldesk-dr',
  });

  production.addStackDependency(dr, 'the copy vault and the replication destinations must exist first');
  addCompliancePacks(app);
  return [dr, production];
}

// npx cdk synth --app 'npx tsx examples/deeldesk/app.ts'
if (require.main === module) {
  const app = new App();
  buildDeeldesk(app);
  app.synth();
}

/** GDPR: a dump must be gone about 30 days after it was written, so its expired version may not linger another 30. */
function acknowledgeGdprExpiry(bucket: CrossAccountBucket): void {
  Annotations.of(bucket).acknowledgeWarning('cdk-backup-dr:CrossAccountBucket.noncurrentShorterThanLock',
    'GDPR: "User deletion requests applied to backups within 30 days". A version becomes noncurrent only when its dump ' +
      'expires (overwrites and replica writes are denied), and must then go within a day, not after another 30');
}
