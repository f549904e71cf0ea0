import { Annotations, AspectPriority, Aspects, CfnResource, Stack, Stage } from 'aws-cdk-lib';
import * as docdb from 'aws-cdk-lib/aws-docdb';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct, IConstruct } from 'constructs';
import { ValidationError } from '../private/validation';
import { applyPolicy, Db, dbOf, DbKind, docdbLogsWarning, kindLabel, problemsOf } from './pitr-database';
import { EXCLUDED_METADATA, PitrAspect, WARN_DOCDB_LOGS } from './pitr-enforcement';
import { validateSettings, validationError } from './pitr-policy';
import { EnforcementMode, PitrEnforcementProps, PitrSettings } from './pitr-settings';

/**
 * Props of an RdsPitrPolicy: the settings and exactly one database of this app.
 */
export interface RdsPitrPolicyProps extends PitrSettings {
  /**
   * An RDS DB instance defined in this app (`rds.DatabaseInstance`, `DatabaseInstanceFromSnapshot`, ...).
   * Read replicas are refused: their source's backups are what restores them.
   *
   * @default - none; give exactly one of `databaseInstance`, `databaseCluster`, `documentDbCluster`
   */
  readonly databaseInstance?: rds.IDatabaseInstance;

  /**
   * An Aurora (or Multi-AZ) DB cluster defined in this app. Backup settings are cluster-level:
   * the cluster's instances are not changed.
   *
   * @default - none; give exactly one of `databaseInstance`, `databaseCluster`, `documentDbCluster`
   */
  readonly databaseCluster?: rds.IDatabaseCluster;

  /**
   * A DocumentDB cluster defined in this app.
   *
   * @default - none; give exactly one of `databaseInstance`, `databaseCluster`, `documentDbCluster`
   */
  readonly documentDbCluster?: docdb.IDatabaseCluster;
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
   * (`cdk-backup-dr:RdsPitrPolicy.excluded`, in the cloud assembly) for auditors.
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

/** The one database named in the props, as its L1. */
function targetOf(props: RdsPitrPolicyProps, scope: IConstruct): Db {
  const given: Array<[string, IConstruct, DbKind, string]> = [];
  if (props.databaseInstance) {
    given.push(['databaseInstance', props.databaseInstance, 'instance', 'AWS::RDS::DBInstance']);
  }
  if (props.databaseCluster) {
    given.push(['databaseCluster', props.databaseCluster, 'cluster', 'AWS::RDS::DBCluster']);
  }
  if (props.documentDbCluster) {
    given.push(['documentDbCluster', props.documentDbCluster, 'docdb', 'AWS::DocDB::DBCluster']);
  }
  if (given.length !== 1) {
    throw new ValidationError(
      `give exactly one database: databaseInstance, databaseCluster or documentDbCluster (got ${given.length === 0 ? 'none' : given.map(([prop]) => prop).join(' and ')}); ` +
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
      `databaseInstance ${target.node.path} is a read replica (SourceDBInstanceIdentifier is set); point-in-time recovery comes ` +
        'from the source instance\'s automated backups: apply the policy to the source instance',
      scope,
    );
  }
  return db;
}

