import { CfnResource, IResolvable, Stack, Token, TokenComparison } from 'aws-cdk-lib';
import * as docdb from 'aws-cdk-lib/aws-docdb';
import * as rds from 'aws-cdk-lib/aws-rds';
import { IConstruct } from 'constructs';
import { isUnresolved } from '../private/validation';
import { Policy } from './pitr-policy';
import { overlapMessage, parseBackupWindow, parseMaintenanceWindow } from './windows';

// The databases the policy configures, found by their L1: what they are, what is wrong with them, and the settings
// written on them.

/** The properties the three L1 database classes share (structurally). */
export interface PitrResource extends CfnResource {
  backupRetentionPeriod?: number;
  preferredBackupWindow?: string;
  preferredMaintenanceWindow?: string;
  copyTagsToSnapshot?: boolean | IResolvable;
  deletionProtection?: boolean | IResolvable;
  enableCloudwatchLogsExports?: string[];
  storageEncrypted?: boolean | IResolvable;
}

export type DbKind = 'instance' | 'cluster' | 'docdb';

/** A database resource the policy can configure. */
export interface Db {
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

export function kindLabel(kind: DbKind): string {
  switch (kind) {
    case 'instance':
      return 'DB instance';
    case 'cluster':
      return 'DB cluster';
    case 'docdb':
      return 'DocumentDB cluster';
  }
}

export function lowerEngine(engine: string | undefined): string | undefined {
  return engine === undefined || Token.isUnresolved(engine) ? undefined : engine.toLowerCase();
}

/**
 * The database behind an L1, or undefined for other resources and for instances that belong to a cluster.
 * Identified by its CloudFormation type through the L1 classes' `isCfn...` guards, which compare `cfnResourceType`
 * rather than the class: an app may load its own copy of aws-cdk-lib next to ours, and `instanceof` would then skip
 * every database it defines.
 */
export function dbOf(resource: IConstruct): Db | undefined {
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

/** Log exports the policy requires of a database, or undefined when it requires none. */
export function requiredLogExports(db: Db, policy: Policy): string[] | undefined {
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
export function logTypesOf(db: Db): { readonly engine: string; readonly allowed: string[] } | undefined {
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
export function logExportsProblem(db: Db, policy: Policy): string | undefined {
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
export function docdbLogsWarning(db: Db, policy: Policy): string | undefined {
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

export function resolvedString(value: string | undefined): string | undefined {
  return value === undefined || Token.isUnresolved(value) ? undefined : value;
}

/**
 * Problems that make the policy impossible for this database: unencrypted storage, windows that are invalid
 * or overlap once the policy is applied, log types its engine does not export, replication to the database's
 * own region.
 */
export function problemsOf(db: Db, policy: Policy): string[] {
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
export function applyPolicy(db: Db, policy: Policy): void {
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

export function days(value: number): string {
  return `${value} ${value === 1 ? 'day' : 'days'}`;
}

export function quoted(value: string | undefined): string {
  return value === undefined ? 'not set' : `'${value}'`;
}

/** The settings of a database that do not meet the policy, one message each. Tokens are not judged. */
export function auditFindings(db: Db, policy: Policy): string[] {
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
