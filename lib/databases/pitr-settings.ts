import { Duration } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';

/** What `RdsPitrPolicy.enforce()` does with the databases it finds. */
export enum EnforcementMode {
  /**
   * Change every database so that it meets the policy (runs with `AspectPriority.MUTATING`).
   * Settings that cannot be changed in place (storage encryption) and conflicts (overlapping windows)
   * are reported as errors on the database's resource.
   */
  APPLY = 'APPLY',

  /**
   * Change nothing; report every setting of every database that does not meet the policy as an error
   * on the database's resource, naming the resource and the setting (runs with `AspectPriority.READONLY`,
   * so it sees the tree after all mutating aspects).
   */
  AUDIT = 'AUDIT',
}

/**
 * Point-in-time-recovery settings: what `RdsPitrPolicy` requires of a database.
 *
 * Every setting is a requirement: a database that already does better keeps its own value
 * (a longer retention, log exports beyond the required ones). Values that are tokens, on the
 * policy or on the database, are not validated and a database's token is never overwritten.
 */
export interface PitrSettings {
  /**
   * The shortest time automated backups (and so the point-in-time-recovery window) are kept.
   * A whole number of days, 1-35. RDS instances accept 0, which turns automated backups and PITR off;
   * this policy does not. A database that already keeps its backups longer keeps its own retention.
   * Seeds: 000 InstantPDF 30 days, 003 IndoStar 7 days, 004 Distro Nation Aurora 7 days, DocumentDB 30 days.
   *
   * @default Duration.days(7)
   */
  readonly backupRetention?: Duration;

  /**
   * The daily window in which RDS takes the automated backup: `hh24:mi-hh24:mi` in UTC, at least 30 minutes,
   * not overlapping the maintenance window. It may cross midnight (`23:30-00:30` is 60 minutes).
   *
   * @default - the database's own window (RDS picks a random 30-minute window when it has none)
   */
  readonly preferredBackupWindow?: string;

  /**
   * The weekly maintenance window: `ddd:hh24:mi-ddd:hh24:mi` in UTC (days mon-sun), at least 30 minutes.
   * Set on the instance or, for clusters, on the cluster. The backup window is checked against it, or,
   * when it is not given, against the database's own maintenance window.
   *
   * @default - the database's own window (RDS picks a random 30-minute window when it has none)
   */
  readonly preferredMaintenanceWindow?: string;

  /**
   * Whether tags are copied to snapshots (so AWS Backup selections and cost reports by tag see them).
   * `false` means "not required": the database's own setting is left unchanged.
   *
   * @default true
   */
  readonly copyTagsToSnapshot?: boolean;

  /**
   * Whether deletion protection must be on. `false` means "not required": the database's own setting is left
   * unchanged. Deleting a database deletes its automated backups (unless retained), so PITR depends on it.
   *
   * @default true
   */
  readonly deletionProtection?: boolean;

  /**
   * Log types that must be exported to CloudWatch Logs; exports the database already has are kept.
   * An explicit list applies to every database the policy reaches and is checked against the log types of each
   * database's engine: RDS for PostgreSQL instances and Multi-AZ PostgreSQL clusters `postgresql`, `upgrade`,
   * `iam-db-auth-error`; Aurora PostgreSQL clusters `postgresql`, `instance`, `iam-db-auth-error`; DocumentDB clusters
   * `audit`, `profiler`. A type the engine does not export is an error naming the database and the allowed types;
   * on other engines (or an engine given as a token) the list is applied unchecked. An empty list requires nothing.
   * DocumentDB writes audit and profiler logs only when the cluster parameter group enables them (`audit_logs`,
   * `profiler`), which the policy cannot see: a warning (`cdk-backup-dr:RdsPitrPolicy.docdbLogs`) says so.
   *
   * @default - by engine: RDS for PostgreSQL instances `['postgresql', 'upgrade']`, Aurora PostgreSQL and
   * Multi-AZ PostgreSQL clusters `['postgresql']`, DocumentDB clusters `['audit', 'profiler']`;
   * nothing for other or unresolvable engines
   */
  readonly cloudwatchLogsExports?: string[];

  /**
   * Region to which RDS replicates the automated backups (snapshots and transaction logs) of DB instances,
   * so that an instance can be restored to a point in time in that region (`AutomaticBackupReplicationRegion`).
   * DB instances only: Aurora and DocumentDB clusters do not support it (copy their recovery points with a
   * `RecoveryPlan` instead). It must differ from the stack's region and needs `backupReplicationKmsKey`.
   *
   * @default - automated backups are not replicated
   */
  readonly backupReplicationRegion?: string;

  /**
   * KMS key in `backupReplicationRegion` that encrypts the replicated backups. Required with
   * `backupReplicationRegion`, because this policy only accepts encrypted databases, and RDS needs a key in
   * the destination region to replicate encrypted backups. Reference it by ARN, e.g.
   * `kms.Key.fromKeyArn(this, 'ReplicaKey', 'arn:aws:kms:us-west-2:111111111111:key/...')`.
   *
   * @default - none; required when `backupReplicationRegion` is set
   */
  readonly backupReplicationKmsKey?: kms.IKey;

  /**
   * How long the replicated backups are kept in `backupReplicationRegion`: a whole number of days, 1-35.
   *
   * @default - the instance's backup retention
   */
  readonly backupReplicationRetention?: Duration;
}

/** Props of `RdsPitrPolicy.enforce()`. */
export interface PitrEnforcementProps extends PitrSettings {
  /**
   * Whether the databases are changed to meet the policy or only audited.
   *
   * @default EnforcementMode.APPLY
   */
  readonly mode?: EnforcementMode;
}
