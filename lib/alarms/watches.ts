import { Duration, Size } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as docdb from 'aws-cdk-lib/aws-docdb';
import * as rds from 'aws-cdk-lib/aws-rds';

/**
 * A database that `BackupAlarms` watches: the job metrics of its dumps and verifications
 * (dimension `Database` = `name`) and, when given, its RDS instance, read replicas, Aurora cluster or
 * DocumentDB cluster. A database lives in one place: give at most one of `databaseInstance`, `databaseCluster`, `documentDbCluster`.
 */
export interface DatabaseWatch {
  /**
   * Name of the database, as the `PgDumpJob` / `DumpVerifyJob` emit it in the `Database` dimension,
   * e.g. `orders`. 1-63 letters, digits, `_`, `-`, `.` or `$`; unique within one `BackupAlarms`.
   */
  readonly name: string;

  /**
   * Whether a `PgDumpJob` dumps this database: creates the dump failed, missing, size-change and
   * duration alarms. Set false for a database backed up only by AWS Backup / PITR, or the
   * missing-dump alarm fires forever. A DocumentDB database (`documentDbCluster`) has no dump job: pg_dump
   * cannot read it, so `true` is refused there.
   *
   * @default - true; false with `documentDbCluster`
   */
  readonly hasDumpJob?: boolean;

  /**
   * Whether a `DumpVerifyJob` verifies the dumps of this database: creates the verification failed
   * and stale alarms. Refused (`true`) with `documentDbCluster`, like `hasDumpJob`.
   *
   * @default - the value of `hasDumpJob`
   */
  readonly hasVerifyJob?: boolean;

  /**
   * The database's recovery time objective, e.g. `RecoveryTier.TEAM.rto`: alarm when restoring its newest dump from the
   * bucket (`DumpVerifyJob`'s `RestoreDurationSeconds`: download and pg_restore) takes longer. Needs `hasVerifyJob`.
   *
   * @default - no restore-time alarm
   */
  readonly rto?: Duration;

  /**
   * The RDS instance that holds the database: alarms on its `FreeStorageSpace`.
   *
   * @default - no instance alarms
   */
  readonly databaseInstance?: rds.IDatabaseInstance;

  /**
   * Read replicas of the database (in this stack's region; an alarm cannot watch a metric of another
   * region, so watch a cross-region replica from a `BackupAlarms` in the replica's stack): alarms on their
   * `ReplicaLag` and `FreeStorageSpace`.
   *
   * @default - no replica alarms
   */
  readonly readReplicas?: rds.IDatabaseInstance[];

  /**
   * The Aurora cluster that holds the database. Aurora storage grows by itself, so there is no
   * free-storage alarm; set `maxBackupStorage` for a backup-storage alarm.
   *
   * @default - no cluster alarms
   */
  readonly databaseCluster?: rds.IDatabaseCluster;

  /**
   * The Amazon DocumentDB cluster that holds the database (seed 004, Distro Nation). DocumentDB storage grows by
   * itself, so there is no free-storage alarm; set `maxBackupStorage` for a backup-storage alarm. A DocumentDB
   * database has no dump or verify job, so `hasDumpJob` defaults to false; `readReplicas` (RDS DB instances) are
   * refused: a DocumentDB cluster's replicas are its own instances.
   *
   * @default - no DocumentDB cluster alarms
   */
  readonly documentDbCluster?: docdb.IDatabaseCluster;

  /**
   * Alarm when the cluster's billed backup storage exceeds this size: backups growing faster than planned
   * (seed 004 "backup storage growth", threshold 2000 GB). `TotalBackupStorageBilled`, daily average, of the
   * Aurora `databaseCluster` (namespace `AWS/RDS`) or the `documentDbCluster` (namespace `AWS/DocDB`), dimension
   * `DBClusterIdentifier`: the billed continuous backups within the retention period and snapshots kept beyond it.
   * Needs `databaseCluster` or `documentDbCluster`; there is no sensible default, as it depends on the database size and retention.
   *
   * @default - no backup-storage alarm
   */
  readonly maxBackupStorage?: Size;
}

/**
 * An S3 replication rule that `BackupAlarms` watches, given by its metrics (for example
 * `ReplicationRule.metricOperationsFailedReplication()` and `metricReplicationLatency()`), so the
 * namespace and dimensions stay with the construct that owns them.
 */
export interface ReplicationWatch {
  /**
   * Short name of the replication in construct ids, alarm names and the dashboard, e.g. `dumps-to-dr`.
   * 1-64 letters, digits, `_`, `-` or `.`; unique within one `BackupAlarms`.
   */
  readonly name: string;

  /** Failed replication operations; read with the statistic `Sum`. */
  readonly failedOperations: cloudwatch.IMetric;

  /** Replication latency in seconds; read with the statistic `Maximum`. */
  readonly latency: cloudwatch.IMetric;
}

/** What `BackupAlarms.watchDrill()` alarms on. */
export interface DrillWatchOptions {
  /**
   * The recovery time objective each restore of the drill must beat (`RestoreDurationSeconds`, restore job creation to
   * completion), e.g. `RecoveryTier.TEAM.rto` (4 hours), or seed 002's 1 hour.
   */
  readonly rto: Duration;

  /**
   * The drill's data stores to watch (its `Database` dimensions).
   *
   * @default - every selection: the restore-time alarm for each, the validation alarms for those with `validation`
   */
  readonly databaseNames?: string[];

  /**
   * How old the newest validated restore of a data store may get before the missing-drill alarm fires.
   *
   * @default - the drill's `maxValidatedRestoreInterval`: the longest gap of its schedule, its start window and a day
   */
  readonly maxValidatedRestoreAge?: Duration;
}

