// InstantPDF (seed 000): RDS PostgreSQL 15 with 30-day PITR, a daily pg_dump into a bucket of a separate backup
// account, a weekly restore verification, alarms on failed backups and low free storage, and the user-files bucket
// replicated to us-west-2 with its own replica key.
import { App, Duration, RemovalPolicy, Size, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  BackupAlarms, CrossAccountBucket, DumpVerifyJob, LifecycleAge, PgDumpJob, RdsPitrPolicy, ReplicationDestination,
  ReplicationRule, ScratchDatabase,
} from '../../lib';
import { accessLogsBucket, acknowledgeDatabaseFindings, addCompliancePacks, exampleVpc } from '../shared';

const PRODUCTION = { account: '111111111111', region: 'us-east-1' };
const BACKUP = { account: '222222222222', region: 'us-east-1' };

export function buildInstantPdf(app: App): Stack[] {
  // Backup account: instantpdf-backups, SSE-KMS with its own key (the policy denies any other upload encryption),
  // versioned; "keep last 30 days" is Object Lock (no dump younger than 30 days can be deleted), Glacier at 90 days.
  const backup = new Stack(app, 'InstantPdf-Backup', { env: BACKUP });
  const backups = new CrossAccountBucket(backup, 'Backups', {
    bucketName: 'instantpdf-backups',
    // COMPLIANCE (issue 12): no one deletes a dump before its 30 days; the user-file replica stays GOVERNANCE.
    objectLockMode: s3.ObjectLockMode.COMPLIANCE,
    prefix: 'database/',
    // The job roles of the production account by name, each confined to its database's folder (issue 12).
    jobRoles: {
      account: PRODUCTION.account,
      dumpRoleName: 'instantpdf-dump-{database}',
      dumpDatabases: ['instantpdf'],
      verifyRoleName: 'instantpdf-verify-{database}',
      verifyDatabases: ['instantpdf'],
    },
    objectLockRetention: Duration.days(30),
    infrequentAccessAfter: LifecycleAge.NEVER,
    glacierAfter: LifecycleAge.after(Duration.days(90)),
    expireAfter: LifecycleAge.after(Duration.days(180)),
  });

  // The user-files replica in us-west-2, encrypted with its own key.
  const replicaRegion = new Stack(app, 'InstantPdf-Replica', { env: { account: PRODUCTION.account, region: 'us-west-2' }, crossRegionReferences: true });
  // RDS replicates automated backups only under a key ARN of the destination region: this key, whose ARN the production
  // stack reads through Fn::GetStackOutput (crossRegionReferences), no export across regions.
  const rdsReplicationKey = new kms.Key(replicaRegion, 'RdsReplicationKey', {
    alias: 'instantpdf-rds-dr', description: 'Encrypts the automated backups of the InstantPDF database replicated to us-west-2', enableKeyRotation: true,
  });
  const replica = new CrossAccountBucket(replicaRegion, 'UserFilesReplica', {
    bucketName: 'instantpdf-user-files-replica',
    infrequentAccessAfter: LifecycleAge.NEVER,
    glacierAfter: LifecycleAge.NEVER,
    expireAfter: LifecycleAge.NEVER,
  });

  const production = new Stack(app, 'InstantPdf-Production', { env: PRODUCTION, crossRegionReferences: true });
  const vpc = exampleVpc(production);
  const key = new kms.Key(production, 'RdsKey', { alias: 'instantpdf-rds-key', enableKeyRotation: true });
  const db = new rds.DatabaseInstance(production, 'Database', {
    instanceIdentifier: 'instantpdf-prod',
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_15 }),
    instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MEDIUM),
    allocatedStorage: 100,
    databaseName: 'instantpdf',
    port: 5433,
    vpc,
    publiclyAccessible: false,
    multiAz: true,
    storageEncryptionKey: key,
    credentials: rds.Credentials.fromGeneratedSecret('instantpdf', { encryptionKey: key }),
    monitoringInterval: Duration.minutes(1),
  });
  acknowledgeDatabaseFindings(db, db.addRotationSingleUser());
  Validations.of(db).acknowledge(...['HIPAA.Security', 'NIST.800.53.R5'].map((pack) => ({
    id: `${pack}-RDSInBackupPlan`,
    reason: 'Seed 000 backs the database up with RDS automated backups (30-day PITR) and a daily pg_dump into the backup account, not AWS Backup',
  })));
  // "Region Outage | Up to 1 day (daily backups)": the automated backups (snapshots and transaction logs) are also
  // replicated to us-west-2, under a key of that region (RDS needs its ARN: a placeholder, like the VPC ids).
  new RdsPitrPolicy(production, 'Pitr', {
    databaseInstance: db,
    backupRetention: Duration.days(30),
    preferredBackupWindow: '03:00-04:00',
    copyTagsToSnapshot: true,
    backupReplicationRegion: 'us-west-2',
    backupReplicationKmsKey: rdsReplicationKey,
  });

  // Daily at 03:00 UTC (the default): pg_dump --format=custom into s3://instantpdf-backups/database/instantpdf/,
  // written in STANDARD_IA as the script's `aws s3 cp --storage-class STANDARD_IA`.
  const dump = new PgDumpJob(production, 'Dump', {
    databaseName: 'instantpdf', vpc, databaseSecret: db.secret!, databaseServer: db, dumpBucket: backups,
    storageClass: s3.StorageClass.INFREQUENT_ACCESS,
    roleName: 'instantpdf-dump-instantpdf',
  });
  // Weekly (the default: Sunday 04:00 UTC), into a scratch server, with the checks of the seed's verify_backup.sh.
  const scratch = new ScratchDatabase(production, 'Scratch', { vpc, engineVersion: rds.PostgresEngineVersion.VER_15 });
  new DumpVerifyJob(production, 'Verify', {
    databaseName: 'instantpdf',
    roleName: 'instantpdf-verify-instantpdf',
    vpc,
    scratchSecret: scratch.secret,
    scratchServer: scratch,
    productionSecret: db.secret,
    productionServer: db,
    productionTarget: `${db.dbInstanceEndpointAddress}:${db.dbInstanceEndpointPort}/instantpdf`,
    dumpBucket: backups,
    freshnessChecks: [{ table: 'public.pdf_operations', column: 'created_at', maxAge: Duration.days(2) }],
    sqlChecks: [{ name: 'users exist', sql: 'SELECT count(*) > 0 FROM public.users' }],
  });

  // The user files (Pro PDFs): versioned, Object Lock enabled (no default retention: users delete their files),
  // SSE-KMS with alias/instantpdf-s3-key, access-logged; replicated to us-west-2 as STANDARD_IA with the replica's
  // key; delete markers are not replicated, so a file deleted here stays readable there.
  const userFiles = new s3.Bucket(production, 'UserFiles', {
    bucketName: 'instantpdf-user-files', versioned: true, objectLockEnabled: true,
    encryptionKey: new kms.Key(production, 'UserFilesKey', { alias: 'instantpdf-s3-key', enableKeyRotation: true }),
    bucketKeyEnabled: true, enforceSSL: true, blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    serverAccessLogsBucket: accessLogsBucket(production), removalPolicy: RemovalPolicy.RETAIN,
  });
  const replication = new ReplicationRule(production, 'UserFilesReplication', {
    sourceBucket: userFiles,
    destination: ReplicationDestination.fromCrossAccountBucket(replica),
    storageClass: s3.StorageClass.INFREQUENT_ACCESS,
    deleteMarkerReplication: false,
  });
  replica.acceptReplicationFrom(replication);

  // The seed's alarms: the backup failed, free storage under 10 GiB for two 5-minute periods; and the replication.
  new BackupAlarms(production, 'Alarms', {
    email: 'alerts@instantpdf.example',
    databases: [{ name: dump.databaseName, databaseInstance: db }],
    freeStorage: { threshold: Size.gibibytes(10).toBytes(), period: Duration.minutes(5), evaluationPeriods: 2 },
    replications: [{
      name: 'user-files', failedOperations: replication.metricOperationsFailedReplication(), latency: replication.metricReplicationLatency(),
    }],
  });

  production.addStackDependency(backup, 'the dump bucket must exist before the first dump');
  production.addStackDependency(replicaRegion, 'S3 checks the replication destination when the configuration is written');
  addCompliancePacks(app);
  return [backup, replicaRegion, production];
}

// npx cdk synth --app 'npx tsx examples/instantpdf/app.ts'
if (require.main === module) {
  const app = new App();
  buildInstantPdf(app);
  app.synth();
}
