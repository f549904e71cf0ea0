import {
  Annotations,
  AspectPriority,
  Aspects,
  CfnResource,
  Duration,
  IAspect,
  IResolvable,
  Stack,
  Stage,
  Token,
  TokenComparison,
} from 'aws-cdk-lib';
import * as docdb from 'aws-cdk-lib/aws-docdb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct, IConstruct } from 'constructs';
import { checkPattern, isUnresolved, REGION_PATTERN, ValidationError, wholeDays } from '../private/validation';
import { DailyWindow, overlapMessage, parseBackupWindow, parseMaintenanceWindow, WeeklyWindow } from './windows';

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

/**
 * Props of an RdsPitrPolicy: the settings and exactly one database of this app.
 */
export interface RdsPitrPolicyProps extends PitrSettings {
  /**
   * An RDS DB instance defined in this app (`rds.DatabaseInstance`, `DatabaseInstanceFromSnapshot`, ...).
   * Read replicas are refused: their source's backups are what restores them.
   *
   * @default - none; give exactly one of `instance`, `cluster`, `docdbCluster`
   */
  readonly instance?: rds.IDatabaseInstance;

  /**
   * An Aurora (or Multi-AZ) DB cluster defined in this app. Backup settings are cluster-level:
   * the cluster's instances are not changed.
   *
   * @default - none; give exactly one of `instance`, `cluster`, `docdbCluster`
   */
  readonly cluster?: rds.IDatabaseCluster;

  /**
   * A DocumentDB cluster defined in this app.
   *
   * @default - none; give exactly one of `instance`, `cluster`, `docdbCluster`
   */
  readonly docdbCluster?: docdb.IDatabaseCluster;
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

/**
 * Point-in-time-recovery settings for an RDS DB instance, an Aurora cluster or a DocumentDB cluster of this app:
 * backup retention (1-35 days), backup and maintenance windows, copy tags to snapshots, deletion protection,
 * CloudWatch log exports and, for DB instances, cross-region automated-backup replication
 * (`AutomaticBackupReplicationRegion`, for which aws-cdk-lib has no L2 prop).
 *
 * The settings are written on the database's CloudFormation resource (`node.defaultChild`), so the policy works
 * on databases built elsewhere in the app. Each setting is a requirement: a longer retention or extra log exports
 * already on the database are kept. The database must have encrypted storage.
 *
 * `RdsPitrPolicy.enforce(scope, ...)` applies the same settings as an Aspect to every DB instance and cluster
 * in a scope (L2 or L1), or audits them.
 *
 * Checked at synth time (tokens skipped): retention 1-35 days; windows' format, backup window >= 30 minutes,
 * no overlap with the maintenance window (windows crossing midnight and Sunday-Monday included); replication for
 * instances only, in another region than the stack's, with a KMS key of the destination region; encrypted storage;
 * explicit log exports against the engine's log types.
 *
 * Databases are recognised by their CloudFormation type (`AWS::RDS::DBInstance`, `AWS::RDS::DBCluster`,
 * `AWS::DocDB::DBCluster`), not by class, so databases defined with another copy of aws-cdk-lib are found too.
 *
 * Log exports are set on the resource only: no log groups are created, so RDS creates them with unlimited
 * retention. Use the database's `cloudwatchLogsRetention` prop to create them with a retention.
 */
export class RdsPitrPolicy extends Construct {
  /**
   * Applies (or audits) the settings on every RDS DB instance, RDS DB cluster and DocumentDB cluster in `scope`,
   * as an Aspect. Instances that belong to a cluster (Aurora) and read replicas are skipped: the cluster,
   * respectively the source instance, holds their backups. Replication settings apply to DB instances only;
   * clusters get a warning. Problems are reported as errors on the database's resource, so synthesis fails.
   * The settings themselves are validated now.
   */
  public static enforce(scope: IConstruct, props: PitrEnforcementProps = {}): void {
    const mode = props.mode ?? EnforcementMode.APPLY;
    if (mode !== EnforcementMode.APPLY && mode !== EnforcementMode.AUDIT) {
      throw validationError(`mode '${mode}' is invalid; use EnforcementMode.APPLY or EnforcementMode.AUDIT`, scope);
    }
    const policy = validateSettings(props, scope);
    Aspects.of(scope).add(new PitrAspect(policy, mode), {
      priority: mode === EnforcementMode.APPLY ? AspectPriority.MUTATING : AspectPriority.READONLY,
    });
  }

  /**
   * Keeps `RdsPitrPolicy.enforce()` away from a database, or from every database under a construct: for a server
   * that holds no data of its own, such as the `ScratchDatabase` a `DumpVerifyJob` restores into, where the policy
   * would turn on deletion protection and backups. The reason is recorded in the construct's metadata
   * (`cdk-backup-dr:pitr-excluded`, in the cloud assembly) for auditors.
   */
  public static exclude(scope: IConstruct, reason: string): void {
    if (reason.trim() === '') {
      throw validationError('exclude: reason is empty; say why the database needs no point-in-time recovery', scope);
    }
    if (Stage.isStage(scope) || Stack.isStack(scope)) {
      throw validationError(
        `exclude: '${scope.node.path || '(app)'}' is ${Stack.isStack(scope) ? 'a stack' : 'an app or stage'}, which would ` +
          'exempt every database in it; exclude the database, or the construct that holds it',
        scope,
      );
    }
    scope.node.addMetadata(EXCLUDED_METADATA, reason);
  }

  /** The CloudFormation resource the settings were written to (`AWS::RDS::DBInstance`, `AWS::RDS::DBCluster` or `AWS::DocDB::DBCluster`). */
  public readonly databaseResource: CfnResource;

  constructor(scope: Construct, id: string, props: RdsPitrPolicyProps) {
    super(scope, id);

    const policy = validateSettings(props, this);
    const db = targetOf(props, this);
    if (db.kind !== 'instance' && policy.replicationRegion !== undefined) {
      throw new ValidationError(
        `backupReplicationRegion '${policy.replicationRegion}' is set for ${kindLabel(db.kind)} ${db.path}; automated-backup ` +
          'replication exists for DB instances only. Remove it and copy the cluster\'s recovery points to another region ' +
          'with a RecoveryPlan copy (copyTo)',
        this,
      );
    }
    const problems = problemsOf(db, policy);
    if (problems.length > 0) {
      throw new ValidationError(problems.join('; also: '), this);
    }
    applyPolicy(db, policy);
    const docdbLogs = docdbLogsWarning(db, policy);
    if (docdbLogs) {
      Annotations.of(this).addWarningV2(WARN_DOCDB_LOGS, docdbLogs);
    }
    this.databaseResource = db.resource;
  }
}

/* ------------------------------------------------------------------------------------------------------------ */
/* Internals                                                                                                    */
/* ------------------------------------------------------------------------------------------------------------ */

const DEFAULT_RETENTION = Duration.days(7);
const MIN_RETENTION_DAYS = 1;
const MAX_RETENTION_DAYS = 35;
const WARN_REPLICATION_CLUSTER = 'cdk-backup-dr:RdsPitrPolicy.replicationForInstancesOnly';
const WARN_DOCDB_LOGS = 'cdk-backup-dr:RdsPitrPolicy.docdbLogs';

/** The properties the three L1 database classes share (structurally). */
interface PitrResource extends CfnResource {
  backupRetentionPeriod?: number;
  preferredBackupWindow?: string;
  preferredMaintenanceWindow?: string;
  copyTagsToSnapshot?: boolean | IResolvable;
  deletionProtection?: boolean | IResolvable;
  enableCloudwatchLogsExports?: string[];
  storageEncrypted?: boolean | IResolvable;
}

type DbKind = 'instance' | 'cluster' | 'docdb';

/** A database resource the policy can configure. */
interface Db {
  readonly kind: DbKind;
  readonly resource: PitrResource;
  /** Lower-case engine, when resolvable. DocumentDB clusters are 'docdb'. */
  readonly engine?: string;
  readonly path: string;
  /** Restored from a snapshot or a source database: when StorageEncrypted is absent, encryption is inherited. */
  readonly inheritsEncryption: boolean;
  /** A read replica of a DB instance. */
  readonly replica: boolean;
}

/** Validated settings. */
interface Policy {
  readonly retention: Duration;
  /** Undefined when the retention is a token. */
  readonly retentionDays?: number;
  readonly backupWindow?: string;
  readonly parsedBackupWindow?: DailyWindow;
  readonly maintenanceWindow?: string;
  readonly parsedMaintenanceWindow?: WeeklyWindow;
  readonly copyTagsToSnapshot: boolean;
  readonly deletionProtection: boolean;
  readonly logExports?: string[];
  readonly replicationRegion?: string;
  readonly replicationKey?: kms.IKey;
  readonly replicationRetention?: Duration;
}

function validationError(message: string, scope: IConstruct): ValidationError {
  return new ValidationError(message, scope.node.path ? scope : undefined);
}

function validateSettings(settings: PitrSettings, scope: IConstruct): Policy {
  const retention = settings.backupRetention ?? DEFAULT_RETENTION;
  const region = settings.backupReplicationRegion;
  let retentionDays: number | undefined;
  if (!isUnresolved(retention)) {
    retentionDays = wholeDays('backupRetention', retention, scope);
    if (retentionDays === 0 && region !== undefined) {
      throw validationError(
        `backupReplicationRegion '${region}' replicates automated backups, but backupRetention is 0 days, which turns ` +
          'automated backups off; RDS replicates only with a retention above 0 (e.g. backupRetention: Duration.days(7))',
        scope,
      );
    }
    if (retentionDays === 0) {
      throw validationError(
        'backupRetention is 0 days, which turns off automated backups and point-in-time recovery (RDS accepts 0 for ' +
          `instances, this policy does not); allowed range is ${MIN_RETENTION_DAYS}-${MAX_RETENTION_DAYS} days (e.g. Duration.days(7))`,
        scope,
      );
    }
    if (retentionDays > MAX_RETENTION_DAYS) {
      throw validationError(
        `backupRetention is ${retentionDays} days; RDS keeps automated backups ${MIN_RETENTION_DAYS}-${MAX_RETENTION_DAYS} days ` +
          `(e.g. Duration.days(${MAX_RETENTION_DAYS})); keep longer-lived recovery points with a RecoveryPlan`,
        scope,
      );
    }
  }

  let parsedBackupWindow: DailyWindow | undefined;
  if (settings.preferredBackupWindow !== undefined && !Token.isUnresolved(settings.preferredBackupWindow)) {
    parsedBackupWindow = orThrow(parseBackupWindow('preferredBackupWindow', settings.preferredBackupWindow), scope);
  }
  let parsedMaintenanceWindow: WeeklyWindow | undefined;
  if (settings.preferredMaintenanceWindow !== undefined && !Token.isUnresolved(settings.preferredMaintenanceWindow)) {
    parsedMaintenanceWindow = orThrow(
      parseMaintenanceWindow('preferredMaintenanceWindow', settings.preferredMaintenanceWindow), scope);
  }
  if (parsedBackupWindow && parsedMaintenanceWindow) {
    const overlap = overlapMessage('preferredBackupWindow', parsedBackupWindow, 'preferredMaintenanceWindow', parsedMaintenanceWindow);
    if (overlap) {
      throw validationError(overlap, scope);
    }
  }

  const key = settings.backupReplicationKmsKey;
  const replicationRetention = settings.backupReplicationRetention;
  if (region === undefined) {
    if (key) {
      throw validationError(
        'backupReplicationKmsKey is set but backupReplicationRegion is not; the key encrypts replicated backups in that ' +
          "region: set backupReplicationRegion (e.g. 'us-west-2') or remove the key",
        scope,
      );
    }
    if (replicationRetention) {
      throw validationError(
        `backupReplicationRetention is ${replicationRetention.toHumanString()} but backupReplicationRegion is not set; ` +
          "set backupReplicationRegion (e.g. 'us-west-2') or remove backupReplicationRetention",
        scope,
      );
    }
  } else {
    checkPattern('backupReplicationRegion', region, REGION_PATTERN,
      'an AWS region code is lowercase letters and a number separated by hyphens', 'us-west-2', scope);
    if (!key) {
      throw validationError(
        `backupReplicationRegion '${region}' is set without backupReplicationKmsKey; the policy requires encrypted storage, ` +
          `and RDS replicates encrypted backups only with a KMS key of the destination region: give a key of ${region} ` +
          `(e.g. kms.Key.fromKeyArn(this, 'ReplicaKey', 'arn:aws:kms:${Token.isUnresolved(region) ? '<region>' : region}:111111111111:key/...'))`,
        scope,
      );
    }
    if (Token.compareStrings(key.env.region, region) === TokenComparison.DIFFERENT) {
      throw validationError(
        `backupReplicationKmsKey is a key of ${key.env.region}, but backupReplicationRegion is '${region}'; KMS keys are ` +
          `regional and replicated backups are encrypted in the destination region: give a key of ${region} ` +
          `(e.g. kms.Key.fromKeyArn(this, 'ReplicaKey', 'arn:aws:kms:${region}:111111111111:key/...'))`,
        scope,
      );
    }
    if (replicationRetention && !isUnresolved(replicationRetention)) {
      const days = wholeDays('backupReplicationRetention', replicationRetention, scope);
      if (days < MIN_RETENTION_DAYS || days > MAX_RETENTION_DAYS) {
        throw validationError(
          `backupReplicationRetention is ${days} days; allowed range is ${MIN_RETENTION_DAYS}-${MAX_RETENTION_DAYS} days ` +
            `(e.g. Duration.days(${days < MIN_RETENTION_DAYS ? 7 : MAX_RETENTION_DAYS}))`,
          scope,
        );
      }
    }
  }

  return {
    retention,
    retentionDays,
    backupWindow: settings.preferredBackupWindow,
    parsedBackupWindow,
    maintenanceWindow: settings.preferredMaintenanceWindow,
    parsedMaintenanceWindow,
    copyTagsToSnapshot: settings.copyTagsToSnapshot ?? true,
    deletionProtection: settings.deletionProtection ?? true,
    logExports: settings.cloudwatchLogsExports ? [...settings.cloudwatchLogsExports] : undefined,
    replicationRegion: region,
    replicationKey: key,
    replicationRetention,
  };
}

function orThrow<T>(result: T | string, scope: IConstruct): T {
  if (typeof result === 'string') {
    throw validationError(result, scope);
  }
  return result;
}

function kindLabel(kind: DbKind): string {
  switch (kind) {
    case 'instance':
      return 'DB instance';
    case 'cluster':
      return 'DB cluster';
    case 'docdb':
      return 'DocumentDB cluster';
  }
}

function lowerEngine(engine: string | undefined): string | undefined {
  return engine === undefined || Token.isUnresolved(engine) ? undefined : engine.toLowerCase();
}

/**
 * The database behind an L1, or undefined for other resources and for instances that belong to a cluster.
 * Identified by its CloudFormation type through the L1 classes' `isCfn...` guards, which compare `cfnResourceType`
 * rather than the class: an app may load its own copy of aws-cdk-lib next to ours, and `instanceof` would then skip
 * every database it defines.
 */
function dbOf(resource: IConstruct): Db | undefined {
  const path = resource.node.path;
  if (rds.CfnDBInstance.isCfnDBInstance(resource)) {
    if (resource.dbClusterIdentifier !== undefined) {
      return undefined;
    }
    const replica = resource.sourceDbInstanceIdentifier !== undefined;
    return {
      kind: 'instance',
      resource,
      engine: lowerEngine(resource.engine),
      path,
      replica,
      inheritsEncryption: replica
        || resource.dbSnapshotIdentifier !== undefined
        || resource.sourceDbInstanceAutomatedBackupsArn !== undefined
        || resource.sourceDbClusterIdentifier !== undefined
        || resource.sourceDbiResourceId !== undefined,
    };
  }
  if (rds.CfnDBCluster.isCfnDBCluster(resource)) {
    return {
      kind: 'cluster',
      resource,
      engine: lowerEngine(resource.engine),
      path,
      replica: false,
      inheritsEncryption: resource.snapshotIdentifier !== undefined
        || resource.sourceDbClusterIdentifier !== undefined
        || resource.replicationSourceIdentifier !== undefined
        || resource.globalClusterIdentifier !== undefined,
    };
  }
  if (docdb.CfnDBCluster.isCfnDBCluster(resource)) {
    return {
      kind: 'docdb',
      resource,
      engine: 'docdb',
      path,
      replica: false,
      inheritsEncryption: resource.snapshotIdentifier !== undefined
        || resource.sourceDbClusterIdentifier !== undefined
        || resource.globalClusterIdentifier !== undefined,
    };
  }
  return undefined;
}

/** The one database named in the props, as its L1. */
function targetOf(props: RdsPitrPolicyProps, scope: IConstruct): Db {
  const given: Array<[string, IConstruct, DbKind, string]> = [];
  if (props.instance) {
    given.push(['instance', props.instance, 'instance', 'AWS::RDS::DBInstance']);
  }
  if (props.cluster) {
    given.push(['cluster', props.cluster, 'cluster', 'AWS::RDS::DBCluster']);
  }
  if (props.docdbCluster) {
    given.push(['docdbCluster', props.docdbCluster, 'docdb', 'AWS::DocDB::DBCluster']);
  }
  if (given.length !== 1) {
    throw new ValidationError(
      `give exactly one database: instance, cluster or docdbCluster (got ${given.length === 0 ? 'none' : given.map(([prop]) => prop).join(' and ')}); ` +
        'use one RdsPitrPolicy per database, or RdsPitrPolicy.enforce() for every database in a scope',
      scope,
    );
  }
  const [prop, target, kind, type] = given[0];
  const child = target.node.defaultChild;
  const db = child && CfnResource.isCfnResource(child) ? dbOf(child) : undefined;
  if (!db || db.kind !== kind) {
    throw new ValidationError(
      `${prop} ${target.node.path} has no ${type} resource in this app (imported with from...Attributes?); ` +
        'RdsPitrPolicy writes the settings on the database\'s CloudFormation resource, so the database must be defined ' +
        'in this app: apply the policy in the app that defines it',
      scope,
    );
  }
  if (db.replica) {
    throw new ValidationError(
      `instance ${target.node.path} is a read replica (SourceDBInstanceIdentifier is set); point-in-time recovery comes ` +
        'from the source instance\'s automated backups: apply the policy to the source instance',
      scope,
    );
  }
  return db;
}

/** Log exports the policy requires of a database, or undefined when it requires none. */
function requiredLogExports(db: Db, policy: Policy): string[] | undefined {
  if (policy.logExports) {
    return policy.logExports.length > 0 ? policy.logExports : undefined;
  }
  const engine = db.engine;
  switch (db.kind) {
    case 'docdb':
      return ['audit', 'profiler'];
    case 'instance':
      return engine && engine.includes('postgres') && !engine.includes('aurora') ? ['postgresql', 'upgrade'] : undefined;
    case 'cluster':
      return engine === 'aurora-postgresql' || engine === 'postgres' ? ['postgresql'] : undefined;
  }
}

/**
 * The log types a database's engine exports to CloudWatch Logs, or undefined when the engine is not one this
 * policy knows (another engine, or a token): an explicit `cloudwatchLogsExports` is then applied unchecked.
 */
function logTypesOf(db: Db): { readonly engine: string; readonly allowed: string[] } | undefined {
  const engine = db.engine;
  switch (db.kind) {
    case 'docdb':
      return { engine: 'DocumentDB', allowed: ['audit', 'profiler'] };
    case 'instance':
      return engine && engine.includes('postgres') && !engine.includes('aurora')
        ? { engine: 'RDS for PostgreSQL', allowed: ['postgresql', 'upgrade', 'iam-db-auth-error'] }
        : undefined;
    case 'cluster':
      if (engine === 'aurora-postgresql') {
        return { engine: 'Aurora PostgreSQL', allowed: ['postgresql', 'instance', 'iam-db-auth-error'] };
      }
      return engine === 'postgres'
        ? { engine: 'Multi-AZ PostgreSQL', allowed: ['postgresql', 'upgrade', 'iam-db-auth-error'] }
        : undefined;
  }
}

/** The problem with an explicit `cloudwatchLogsExports` list on this database's engine, if any. */
function logExportsProblem(db: Db, policy: Policy): string | undefined {
  const given = policy.logExports;
  const types = logTypesOf(db);
  if (!given || !types || Token.isUnresolved(given)) {
    return undefined;
  }
  const unknown = given.filter((log) => !Token.isUnresolved(log) && !types.allowed.includes(log));
  if (unknown.length === 0) {
    return undefined;
  }
  const list = (logs: string[]) => logs.map((log) => `'${log}'`).join(', ');
  return `cloudwatchLogsExports ${list(unknown)} ${unknown.length === 1 ? 'is not a log type' : 'are not log types'} of ` +
    `${kindLabel(db.kind)} ${db.path} (${types.engine}), which exports ${list(types.allowed)}; remove ` +
    `${unknown.length === 1 ? 'it' : 'them'} from the list, or leave cloudwatchLogsExports unset to export each engine's ` +
    'defaults (an explicit list applies to every database the policy reaches)';
}

/**
 * The warning for a DocumentDB cluster that must export audit or profiler logs: DocumentDB writes them only when
 * the cluster parameter group turns them on, which this policy cannot see or change.
 */
function docdbLogsWarning(db: Db, policy: Policy): string | undefined {
  if (db.kind !== 'docdb') {
    return undefined;
  }
  const required = requiredLogExports(db, policy) ?? [];
  const parameters: Array<[string, string]> = [['audit', 'audit_logs'], ['profiler', 'profiler']];
  const needed = parameters.filter(([log]) => required.includes(log));
  if (needed.length === 0) {
    return undefined;
  }
  const logs = needed.map(([log]) => `'${log}'`).join(' and ');
  const settings = needed.map(([, parameter]) => `${parameter}: enabled`).join(', ');
  const threshold = needed.some(([log]) => log === 'profiler') ? ', with profiler_threshold_ms' : '';
  return `${db.path}: EnableCloudwatchLogsExports includes ${logs}, but DocumentDB writes those logs only when the ` +
    `cluster parameter group enables them (${settings}${threshold}); otherwise the log groups stay empty. Set them in ` +
    'the cluster\'s DBClusterParameterGroup, then acknowledge this warning';
}

function resolvedString(value: string | undefined): string | undefined {
  return value === undefined || Token.isUnresolved(value) ? undefined : value;
}

/**
 * Problems that make the policy impossible for this database: unencrypted storage, windows that are invalid
 * or overlap once the policy is applied, log types its engine does not export, replication to the database's
 * own region.
 */
function problemsOf(db: Db, policy: Policy): string[] {
  const problems: string[] = [];
  const resource = db.resource;
  const label = `${kindLabel(db.kind)} ${db.path}`;

  const encrypted = resource.storageEncrypted;
  if (encrypted === false || (encrypted === undefined && !db.inheritsEncryption)) {
    problems.push(
      `${label} has unencrypted storage (StorageEncrypted is ${encrypted === false ? 'false' : 'not set'}), so its automated ` +
        'backups and snapshots are unencrypted too; encrypt it (storageEncrypted: true, or storageEncryptionKey). ' +
        'An existing database cannot be encrypted in place: restore an encrypted copy of a snapshot',
    );
  }

  let backup = policy.parsedBackupWindow;
  let backupLabel = 'preferredBackupWindow';
  const ownBackup = resolvedString(resource.preferredBackupWindow);
  if (policy.backupWindow === undefined && ownBackup !== undefined) {
    backupLabel = `PreferredBackupWindow of ${db.path}`;
    const parsed = parseBackupWindow(backupLabel, ownBackup);
    if (typeof parsed === 'string') {
      problems.push(parsed);
    } else {
      backup = parsed;
    }
  }
  let maintenance = policy.parsedMaintenanceWindow;
  let maintenanceLabel = 'preferredMaintenanceWindow';
  const ownMaintenance = resolvedString(resource.preferredMaintenanceWindow);
  if (policy.maintenanceWindow === undefined && ownMaintenance !== undefined) {
    maintenanceLabel = `the maintenance window of ${db.path}`;
    const parsed = parseMaintenanceWindow(`PreferredMaintenanceWindow of ${db.path}`, ownMaintenance);
    if (typeof parsed === 'string') {
      problems.push(parsed);
    } else {
      maintenance = parsed;
    }
  }
  if (backup && maintenance) {
    const overlap = overlapMessage(backupLabel, backup, maintenanceLabel, maintenance);
    if (overlap) {
      problems.push(overlap);
    }
  }

  const logProblem = logExportsProblem(db, policy);
  if (logProblem) {
    problems.push(logProblem);
  }

  if (db.kind === 'instance' && policy.replicationRegion !== undefined) {
    const stackRegion = Stack.of(resource).region;
    if (Token.compareStrings(policy.replicationRegion, stackRegion) === TokenComparison.SAME) {
      problems.push(
        `backupReplicationRegion '${policy.replicationRegion}' is the region of ${label} itself; replicated backups must ` +
          'go to another region to survive a regional outage (e.g. a DR region such as \'us-west-2\' for \'us-east-1\')',
      );
    }
  }
  return problems;
}

/** Makes the database meet the policy. Values that are tokens are left alone. */
function applyPolicy(db: Db, policy: Policy): void {
  const resource = db.resource;
  const current = resource.backupRetentionPeriod;
  const currentIsToken = current !== undefined && Token.isUnresolved(current);
  const keepsLonger = current !== undefined && !currentIsToken && policy.retentionDays !== undefined
    && current >= policy.retentionDays;
  if (!currentIsToken && !keepsLonger) {
    resource.backupRetentionPeriod = policy.retention.toDays();
  }
  if (policy.backupWindow !== undefined) {
    resource.preferredBackupWindow = policy.backupWindow;
  }
  if (policy.maintenanceWindow !== undefined) {
    resource.preferredMaintenanceWindow = policy.maintenanceWindow;
  }
  if (policy.copyTagsToSnapshot) {
    resource.copyTagsToSnapshot = true;
  }
  if (policy.deletionProtection) {
    resource.deletionProtection = true;
  }
  const required = requiredLogExports(db, policy);
  const exportsNow = resource.enableCloudwatchLogsExports;
  if (required && !(exportsNow !== undefined && Token.isUnresolved(exportsNow))) {
    const merged = [...(exportsNow ?? [])];
    for (const log of required) {
      if (!merged.includes(log)) {
        merged.push(log);
      }
    }
    resource.enableCloudwatchLogsExports = merged;
  }
  if (db.kind === 'instance' && policy.replicationRegion !== undefined) {
    const instance = resource as rds.CfnDBInstance;
    instance.automaticBackupReplicationRegion = policy.replicationRegion;
    instance.automaticBackupReplicationKmsKeyId = policy.replicationKey?.keyArn;
    instance.automaticBackupReplicationRetentionPeriod = policy.replicationRetention?.toDays();
  }
}

function days(value: number): string {
  return `${value} ${value === 1 ? 'day' : 'days'}`;
}

function quoted(value: string | undefined): string {
  return value === undefined ? 'not set' : `'${value}'`;
}

/** The settings of a database that do not meet the policy, one message each. Tokens are not judged. */
function auditFindings(db: Db, policy: Policy): string[] {
  const findings: string[] = [];
  const resource = db.resource;
  const report = (setting: string, message: string) => findings.push(
    `${db.path}: ${setting} ${message} (RdsPitrPolicy audit; apply the policy with EnforcementMode.APPLY or set it on the database)`,
  );

  const retention = resource.backupRetentionPeriod;
  if (policy.retentionDays !== undefined && !(retention !== undefined && Token.isUnresolved(retention))) {
    if (retention === undefined) {
      report('BackupRetentionPeriod', `is not set (RDS keeps 1 day); the policy requires at least ${policy.retentionDays}`);
    } else if (retention < policy.retentionDays) {
      report('BackupRetentionPeriod', `is ${days(retention)}; the policy requires at least ${policy.retentionDays}`);
    }
  }
  const backupWindow = resource.preferredBackupWindow;
  if (policy.backupWindow !== undefined && !Token.isUnresolved(policy.backupWindow)
    && !(backupWindow !== undefined && Token.isUnresolved(backupWindow)) && backupWindow !== policy.backupWindow) {
    report('PreferredBackupWindow', `is ${quoted(backupWindow)}; the policy requires '${policy.backupWindow}'`);
  }
  const maintenanceWindow = resource.preferredMaintenanceWindow;
  if (policy.maintenanceWindow !== undefined && !Token.isUnresolved(policy.maintenanceWindow)
    && !(maintenanceWindow !== undefined && Token.isUnresolved(maintenanceWindow))
    && maintenanceWindow?.toLowerCase() !== policy.maintenanceWindow.toLowerCase()) {
    report('PreferredMaintenanceWindow', `is ${quoted(maintenanceWindow)}; the policy requires '${policy.maintenanceWindow}'`);
  }
  const flags: Array<[string, boolean, boolean | IResolvable | undefined]> = [
    ['CopyTagsToSnapshot', policy.copyTagsToSnapshot, resource.copyTagsToSnapshot],
    ['DeletionProtection', policy.deletionProtection, resource.deletionProtection],
  ];
  for (const [setting, required, value] of flags) {
    if (required && value !== true && !Token.isUnresolved(value)) {
      report(setting, `is ${value === undefined ? 'not set (false)' : String(value)}; the policy requires true`);
    }
  }
  const requiredLogs = requiredLogExports(db, policy);
  const logs = resource.enableCloudwatchLogsExports;
  const logsUnresolved = logs !== undefined && (Token.isUnresolved(logs) || logs.some((log) => Token.isUnresolved(log)));
  if (requiredLogs && !logsUnresolved) {
    const missing = requiredLogs.filter((log) => !(logs ?? []).includes(log));
    if (missing.length > 0) {
      report('EnableCloudwatchLogsExports', `lacks ${missing.map((log) => `'${log}'`).join(', ')}; the policy requires ` +
        `${requiredLogs.map((log) => `'${log}'`).join(', ')}`);
    }
  }
  if (db.kind === 'instance' && policy.replicationRegion !== undefined) {
    const instance = resource as rds.CfnDBInstance;
    const checks: Array<[string, string | number | undefined, string | number | undefined]> = [
      ['AutomaticBackupReplicationRegion', instance.automaticBackupReplicationRegion, policy.replicationRegion],
      ['AutomaticBackupReplicationKmsKeyId', instance.automaticBackupReplicationKmsKeyId, policy.replicationKey?.keyArn],
      ['AutomaticBackupReplicationRetentionPeriod', instance.automaticBackupReplicationRetentionPeriod,
        policy.replicationRetention && !isUnresolved(policy.replicationRetention) ? policy.replicationRetention.toDays() : undefined],
    ];
    for (const [setting, actual, expected] of checks) {
      if (expected === undefined || Token.isUnresolved(expected) || (actual !== undefined && Token.isUnresolved(actual))) {
        continue;
      }
      if (actual !== expected) {
        const show = (value: string | number) => (typeof value === 'number' ? String(value) : `'${value}'`);
        report(setting, `is ${actual === undefined ? 'not set' : show(actual)}; the policy requires ${show(expected)}`);
      }
    }
  }
  return findings;
}

/** Metadata type of `RdsPitrPolicy.exclude()`. */
const EXCLUDED_METADATA = 'cdk-backup-dr:pitr-excluded';

/** Applies or audits the policy on every database L1 it visits. */
class PitrAspect implements IAspect {
  constructor(private readonly policy: Policy, private readonly mode: EnforcementMode) {}

  public visit(node: IConstruct): void {
    const db = dbOf(node);
    if (!db || db.replica) {
      return;
    }
    const exclusion = node.node.scopes.flatMap((scope) => scope.node.metadata).find((m) => m.type === EXCLUDED_METADATA);
    if (exclusion) {
      Annotations.of(node).addInfo(`${db.path}: excluded from RdsPitrPolicy.enforce(): ${exclusion.data}`);
      return;
    }
    if (db.kind !== 'instance' && this.policy.replicationRegion !== undefined) {
      Annotations.of(node).addWarningV2(
        WARN_REPLICATION_CLUSTER,
        `${db.path}: backupReplicationRegion '${this.policy.replicationRegion}' is not applied to this ${kindLabel(db.kind)}; ` +
          'automated-backup replication exists for DB instances only. Copy its recovery points to another region with a ' +
          'RecoveryPlan copy (copyTo)',
      );
    }
    const docdbLogs = docdbLogsWarning(db, this.policy);
    if (docdbLogs) {
      Annotations.of(node).addWarningV2(WARN_DOCDB_LOGS, docdbLogs);
    }
    const problems = problemsOf(db, this.policy);
    for (const problem of problems) {
      Annotations.of(node).addError(`${problem} (RdsPitrPolicy)`);
    }
    if (this.mode === EnforcementMode.AUDIT) {
      for (const finding of auditFindings(db, this.policy)) {
        Annotations.of(node).addError(finding);
      }
    } else if (problems.length === 0) {
      applyPolicy(db, this.policy);
    }
  }
}
