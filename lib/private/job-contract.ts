// The contract between the job constructs (PgDumpJob, DumpVerifyJob, BackupAlarms) and the job handlers
// (lambda/pg-dump, lambda/verify-dump). Both sides import this file; it imports nothing, so the handler
// bundles stay free of aws-cdk-lib.

/** CloudWatch namespace of every metric the dump and verify jobs emit. */
export const JOB_METRICS_NAMESPACE = 'CdkBackupDr';

/** The one dimension of every job metric: the name of the PostgreSQL database that was dumped or verified. */
export const JOB_METRICS_DATABASE_DIMENSION = 'Database';

/**
 * The tag every job role carries, with the name of the database it dumps or verifies: a dump bucket's policy confines
 * each role of `jobRoles` to `<prefix><tag value>/` (CrossAccountBucket.DATABASE_TAG_KEY).
 */
export const DATABASE_TAG_KEY = 'cdk-backup-dr:database';

/** The key prefix of the dumps unless a bucket sets its own: keys are `<prefix><database>/<timestamp>.dump`. */
export const DEFAULT_DUMP_PREFIX = 'pg-dump/';

/** Names of the job metrics (the public `JobMetricName` enum holds the same values). */
export const JOB_METRIC = {
  // A run emits nothing if its DATABASE variable (the dimension) is unset or Lambda stops it (timeout, memory).
  /** pg-dump: 1 when the dump and its manifest were written; 0 when the run failed, then the only metric it emits. */
  BACKUP_SUCCESS: 'BackupSuccess',
  /** pg-dump, successful runs only: bytes of the dump object. */
  BACKUP_SIZE_BYTES: 'BackupSizeBytes',
  /** pg-dump, successful runs only: seconds from the start of the run until the dump object was complete. */
  BACKUP_DURATION_SECONDS: 'BackupDurationSeconds',
  /** verify-dump: 1 when the newest dump with a manifest restored and passed every check, 0 when it did not. */
  VERIFICATION_SUCCESS: 'VerificationSuccess',
  /** verify-dump, passed verifications only: seconds from the verified dump's start to the end of the run. */
  VERIFIED_BACKUP_AGE_SECONDS: 'VerifiedBackupAgeSeconds',
  /**
   * verify-dump, whenever pg_restore ran (also when it or the checks then failed): seconds from the start of the download
   * to the end of pg_restore, the time a restore from the bucket takes (the measured RTO of the dumps).
   */
  RESTORE_DURATION_SECONDS: 'RestoreDurationSeconds',
  /**
   * verify-dump, once per run that listed the dumps: 1 when the newest manifest's dump object is missing (the newest
   * backup is lost), 0 when it is there.
   */
  NEWEST_DUMP_MISSING: 'NewestDumpMissing',
} as const;

/** The CloudWatch unit each job metric is emitted with (also Powertools `MetricUnit` values). */
export const JOB_METRIC_UNITS: { readonly [metricName: string]: string } = {
  BackupSuccess: 'Count',
  BackupSizeBytes: 'Bytes',
  BackupDurationSeconds: 'Seconds',
  VerificationSuccess: 'Count',
  VerifiedBackupAgeSeconds: 'Seconds',
  RestoreDurationSeconds: 'Seconds',
  NewestDumpMissing: 'Count',
};

/** Environment variables of the pg-dump handler, set by PgDumpJob. */
export const DUMP_ENV = {
  /** ARN of the Secrets Manager secret of the source database (RDS rotation format). */
  SECRET_ARN: 'DUMP_SECRET_ARN',
  /** Logical database name: the metric dimension and the key segment `<prefix><database>/`. */
  DATABASE: 'DUMP_DATABASE',
  /** Bucket that receives the dumps (in the backup account). */
  BUCKET: 'DUMP_BUCKET',
  /** Key prefix, ending in `/`. */
  PREFIX: 'DUMP_PREFIX',
  /** Account id that must own the bucket (`ExpectedBucketOwner`). */
  BUCKET_OWNER: 'DUMP_BUCKET_OWNER',
  /** KMS key (ARN or alias ARN) the objects are encrypted with (SSE-KMS). */
  KMS_KEY: 'DUMP_KMS_KEY',
  /** pg_dump compression: `gzip:<0-9>`, `lz4[:level]`, `zstd[:level]` or `none`. */
  COMPRESSION: 'DUMP_COMPRESSION',
  /** Multipart upload part size in MiB. */
  PART_SIZE_MIB: 'DUMP_PART_SIZE_MIB',
  /** S3 storage class of the dump object (`STANDARD_IA`, ...); unset: STANDARD. */
  STORAGE_CLASS: 'DUMP_STORAGE_CLASS',
  /** TLS mode for the connection (`verify-full` in AWS). */
  SSL_MODE: 'DUMP_SSL_MODE',
  /** Path of the CA bundle used with verify-full. */
  SSL_ROOT_CERT: 'DUMP_SSL_ROOT_CERT',
  /** Seconds pg_dump and the row counts wait for a table lock before the run fails naming the table; default 60. */
  LOCK_WAIT_TIMEOUT_SECONDS: 'DUMP_LOCK_WAIT_TIMEOUT_SECONDS',
} as const;

/**
 * Storage classes a dump may be written in: readable at once (the verify job reads the newest dump), and not in one
 * Availability Zone only. GLACIER and DEEP_ARCHIVE objects need a restore before a read: reach them by lifecycle.
 */
export const DUMP_STORAGE_CLASSES = ['STANDARD', 'STANDARD_IA', 'INTELLIGENT_TIERING', 'GLACIER_IR'] as const;

/** Environment variables of the verify-dump handler, set by DumpVerifyJob. */
export const VERIFY_ENV = {
  /** ARN of the secret of the scratch server the dump is restored into. */
  SECRET_ARN: 'VERIFY_SECRET_ARN',
  /** Logical database name whose dumps are verified (key segment and metric dimension). */
  DATABASE: 'VERIFY_DATABASE',
  BUCKET: 'VERIFY_BUCKET',
  PREFIX: 'VERIFY_PREFIX',
  BUCKET_OWNER: 'VERIFY_BUCKET_OWNER',
  /** `host:port/dbname` of the production database: the scratch target must never be it. */
  PRODUCTION_TARGET: 'VERIFY_PRODUCTION_TARGET',
  /** Allowed row-count difference from the manifest, in percent (seed 001: 1). */
  ROW_COUNT_TOLERANCE_PERCENT: 'VERIFY_ROW_COUNT_TOLERANCE_PERCENT',
  /** JSON: `[{ "table": "public.orders", "column": "created_at", "maxAgeSeconds": 90000 }]`. */
  FRESHNESS_CHECKS: 'VERIFY_FRESHNESS_CHECKS',
  /** JSON: `[{ "name": "users exist", "sql": "select count(*) > 0 from users" }]`; each must return true. */
  SQL_CHECKS: 'VERIFY_SQL_CHECKS',
  /** Parallel pg_restore jobs. */
  RESTORE_JOBS: 'VERIFY_RESTORE_JOBS',
  /** Restore only this table (`schema.table`), seed 002's single-table restore. */
  SINGLE_TABLE: 'VERIFY_SINGLE_TABLE',
  SSL_MODE: 'VERIFY_SSL_MODE',
  SSL_ROOT_CERT: 'VERIFY_SSL_ROOT_CERT',
} as const;

/** One table of a dump manifest. */
export interface ManifestTable {
  /** `schema.table`. */
  readonly name: string;
  /** Exact row count when counted, else the planner estimate. */
  readonly rows: number;
  /** Whether `rows` is exact (`count(*)`) or an estimate (`pg_class.reltuples`). */
  readonly exact: boolean;
}

/** The large objects of a database (`pg_largeobject_metadata`): how many, and their bytes together. */
export interface ManifestLargeObjects {
  readonly count: number;
  readonly bytes: number;
}

/** `<key>.manifest.json`, written after the dump object completed. */
export interface DumpManifest {
  readonly formatVersion: 1;
  /** The logical database name (metric dimension). */
  readonly database: string;
  /**
   * Key of the dump object: `<prefix><database>/<UTC yyyy-mm-ddThh-mm-ssZ>.dump`, e.g.
   * `pg-dump/orders/2026-01-02T03-04-05Z.dump`.
   */
  readonly key: string;
  readonly sizeBytes: number;
  /** Hex SHA-256 of the dump object's bytes. */
  readonly sha256: string;
  /** ISO-8601 UTC start of the dump in whole seconds (`2026-01-02T03:04:05.000Z`); the key holds the same instant. */
  readonly startedAt: string;
  readonly durationSeconds: number;
  /** `server_version_num` of the source, e.g. 150004. */
  readonly serverVersionNum: number;
  /** `pg_dump --version` major, e.g. 16. */
  readonly clientMajor: number;
  /** The compression passed to pg_dump. */
  readonly compression: string;
  readonly tables: ManifestTable[];
  /** Populated materialized views and their rows (restored by a refresh); absent in manifests of older jobs. */
  readonly materializedViews?: ManifestTable[];
  /** The large objects; absent in manifests of older jobs. */
  readonly largeObjects?: ManifestLargeObjects;
}

/** Environment of the RPO watch (lambda/rpo-watch): the watched databases as JSON `[{ "name", "arn" }]`, copy lookback. */
export const RPO_ENV = { DATABASES: 'RPO_DATABASES', COPY_LOOKBACK_DAYS: 'RPO_COPY_LOOKBACK_DAYS' } as const;

/** Metrics of the RPO watch, in `JOB_METRICS_NAMESPACE` with the `Database` dimension (ages also with `Vault`). */
export const RPO_METRIC = {
  /** Seconds from the newest point-in-time restore RDS offers (LatestRestorableTime) to now. */
  RECOVERY_POINT_LAG_SECONDS: 'RecoveryPointLagSeconds',
  /** Seconds since the newest completed recovery point of the database in a vault (dimension `Vault`). */
  NEWEST_RECOVERY_POINT_AGE_SECONDS: 'NewestRecoveryPointAgeSeconds',
} as const;

/** The dimension of `NewestRecoveryPointAgeSeconds` besides `Database`: the vault's name, or `<account>/<region>/<name>` of a copy vault. */
export const RPO_VAULT_DIMENSION = 'Vault';

/** Environment of the drill validator (lambda/validate-restore), set by RestoreDrill. */
export const VALIDATE_ENV = {
  /** ARN of the restore testing plan: restore jobs of another plan are not validated. */
  PLAN_ARN: 'VALIDATE_PLAN_ARN',
  /** The restore testing plan's name: the `Drill` dimension of the metrics. */
  DRILL: 'VALIDATE_DRILL',
  /** How far back the hourly age check lists the plan's restore jobs, in days. */
  LOOKBACK_DAYS: 'VALIDATE_LOOKBACK_DAYS',
  /** JSON: the drill's selections, `ValidatedSelection[]`. */
  SELECTIONS: 'VALIDATE_SELECTIONS',
  SSL_MODE: 'VALIDATE_SSL_MODE',
  SSL_ROOT_CERT: 'VALIDATE_SSL_ROOT_CERT',
  /** ARN of the HMAC key that signs the validation results (only the validator may generate with it). */
  RESULT_KEY_ARN: 'VALIDATE_RESULT_KEY_ARN',
  /** ARN of the state machine that adds a DB instance to a restored Aurora cluster, checks it and removes it. */
  INSTANCE_CHECK_ARN: 'VALIDATE_INSTANCE_CHECK_ARN',
} as const;

/** The checks of one selection's restored databases (`VALIDATE_SELECTIONS[].checks`). */
export interface ValidationChecks {
  /** Secret with credentials valid on the restored database (RDS rotation format; its host is not used). */
  readonly secretArn: string;
  /** The database to connect to. @default - the secret's `dbname` */
  readonly dbname?: string;
  /** `schema.table` names that must be present. */
  readonly requiredTables: string[];
  /** `[{ "table": "public.orders", "rows": 1000 }]`: tables that must hold at least so many rows. */
  readonly minimumRows: { readonly table: string; readonly rows: number }[];
  /** `[{ "table", "column", "maxAgeSeconds" }]`, against the recovery point's creation time. */
  readonly freshness: { readonly table: string; readonly column: string; readonly maxAgeSeconds: number }[];
  /** `[{ "name", "sql" }]`: each must return one row whose first column is true. */
  readonly sql: { readonly name: string; readonly sql: string }[];
  /** Aurora: the class of the DB instance added to the restored cluster to check it. */
  readonly instanceClass?: string;
}

/** One selection of a drill (`VALIDATE_SELECTIONS` entry). */
export interface ValidatedSelection {
  /** The `Database` dimension of its metrics. */
  readonly database: string;
  /** The selection's resource type (`RDS`, `Aurora`, ...). */
  readonly resourceType: string;
  /** The protected resources' ARNs, or `['*']` for every resource of the type. */
  readonly arns: string[];
  /** The data checks; absent when the selection's restores are only timed. */
  readonly checks?: ValidationChecks;
}

/** Metrics of drills, in `JOB_METRICS_NAMESPACE` with the dimensions `Database` and `DRILL_DIMENSION`. */
export const DRILL_METRIC = {
  /** Seconds from the restore job's creation to its completion. */
  RESTORE_DURATION_SECONDS: 'RestoreDurationSeconds',
  /** 1 when the restored database passed every check, 0 when a check failed or the restore job failed. */
  RESTORE_VALIDATION_SUCCESS: 'RestoreValidationSuccess',
  /**
   * Hourly: seconds since the newest restore of the selection that passed validation (since the plan's creation while
   * there is none).
   */
  VALIDATED_RESTORE_AGE_SECONDS: 'ValidatedRestoreAgeSeconds',
} as const;

/** The steps of the instance check (Aurora) the state machine invokes the validator for, in `action`. */
export const INSTANCE_CHECK_ACTION = { PREPARE: 'prepareInstanceCheck', CHECK: 'checkInstance', REPORT: 'reportInstanceCheck' } as const;

/** The tag of the DB instance the instance check adds (value: the drill's name); the state machine deletes only such. */
export const INSTANCE_CHECK_TAG_KEY = 'cdk-backup-dr:drill';

/** The event the validator's hourly schedule sends: measure the validated restores' ages instead of validating. */
export const VALIDATED_RESTORE_AGE_EVENT = { check: 'validatedRestoreAge' } as const;

/** The dimension of drill metrics besides `Database`: the restore testing plan's name. */
export const DRILL_DIMENSION = 'Drill';

/**
 * The point-in-time drill (PitrDrill): its validator's configuration (`VALIDATE_PITR` JSON, instead of a restore testing
 * plan) and the actions its state machine and schedule invoke it with.
 */
export const PITR_ENV = { CONFIG: 'VALIDATE_PITR', STATE_MACHINE_ARN: 'VALIDATE_PITR_STATE_MACHINE_ARN' } as const;

/** `VALIDATE_PITR`: where the drill restores from and to, and what it checks. */
export interface PitrDrillConfig {
  /** The `Database` dimension. */
  readonly database: string;
  /** The drill's name: the `Drill` dimension, and the tag value of the instance it restores. */
  readonly drill: string;
  /** ARN of the source DB instance. */
  readonly sourceArn: string;
  /** ARN of the instance the drill restores into (it exists only during a run). */
  readonly targetArn: string;
  readonly checks: ValidationChecks;
}

export const PITR_ACTION = { CHECK: 'checkPitr', REPORT: 'reportPitr', AGE: 'pitrAge' } as const;

/**
 * Template metadata key of a `RecoveryPlan`'s backup plan resource that was built from a tier: what the synthesized app
 * promises, read back by the `cdk-backup-dr runbook` command (and the report) from the cloud assembly.
 */
export const TIER_METADATA_KEY = 'cdk-backup-dr:RecoveryPlan.tier';

/** The value under `TIER_METADATA_KEY`. */
export interface TierMetadata {
  readonly name: string;
  readonly rpoSeconds: number;
  readonly rtoSeconds: number;
}
