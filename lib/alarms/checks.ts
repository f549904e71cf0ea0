import { Annotations, Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { checkPattern, differs, isUnresolved, ValidationError } from '../private/validation';
import { IBackupVault } from '../vault';
import { hasDumpJobOf, hasVerifyJobOf } from './subjects';
import { DatabaseWatch } from './watches';

// Checks of the vaults, databases and replications given to BackupAlarms.

/** Names of alarm subjects and prefixes: 1-64 letters, digits, `_`, `-` or `.`. */
export const NAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
const DATABASE_NAME_PATTERN = /^[A-Za-z0-9_.$-]{1,63}$/;

export function checkUnique(prop: string, names: string[], scope: Construct): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (Token.isUnresolved(name)) {
      continue;
    }
    if (seen.has(name)) {
      throw new ValidationError(
        `${prop} lists '${name}' twice; each entry must have its own name (it names the alarms and the dashboard lines)`,
        scope,
      );
    }
    seen.add(name);
  }
}

/**
 * Each vault once, keyed by its name, or by its ARN when the name is a token (the same vault object, or the same
 * imported ARN token, gives the same key); and in this stack's region, whose metrics the alarms read.
 */
export function checkVaults(vaults: IBackupVault[], scope: Construct): void {
  const seen = new Map<string, IBackupVault>();
  for (const vault of vaults) {
    const byName = !Token.isUnresolved(vault.backupVaultName);
    const key = byName ? `name:${vault.backupVaultName}` : `arn:${vault.backupVaultArn}`;
    const first = seen.get(key);
    if (first) {
      const which = byName ? `the backup vault '${vault.backupVaultName}'` : 'the same backup vault';
      throw new ValidationError(
        `vaults lists ${which} twice (${first.node.path} and ${vault.node.path}); list each vault once`,
        scope,
      );
    }
    seen.set(key, vault);
    const { account, region } = Stack.of(scope);
    if (differs(vault.env.region, region)) {
      throw new ValidationError(
        `vaults: backup vault ${vault.node.path} is in ${vault.env.region}, but this stack is in ${region} and a `
          + `CloudWatch alarm reads metrics of its own region only; watch it from a BackupAlarms in a stack of ${vault.env.region}`,
        scope,
      );
    }
    if (differs(vault.env.account, account)) {
      Annotations.of(scope).addWarningV2('cdk-backup-dr:BackupAlarms.crossAccountVault',
        `vaults: backup vault ${vault.node.path} belongs to account ${vault.env.account}; its alarms read that account's `
          + `metrics, which works only when account ${account} is a CloudWatch cross-account observability monitoring `
          + `account linked to ${vault.env.account}. Otherwise watch the vault from a BackupAlarms in ${vault.env.account}.`);
    }
  }
}

export function checkDatabaseWatch(db: DatabaseWatch, scope: Construct): void {
  if (Token.isUnresolved(db.name)) {
    throw new ValidationError(
      'databases: name is a token; it names the alarms and must be known at synth time (e.g. \'orders\')',
      scope,
    );
  }
  checkPattern(`databases '${db.name}' name`, db.name, DATABASE_NAME_PATTERN,
    'use the PostgreSQL database name: 1-63 letters, digits, underscores, hyphens, dots or $', 'orders', scope);
  if (db.rto !== undefined && !isUnresolved(db.rto)) {
    if (db.rto.toSeconds({ integral: false }) < 60) {
      throw new ValidationError(`databases '${db.name}' rto is ${db.rto.toHumanString()}; an RTO is at least a minute (e.g. Duration.hours(1))`, scope);
    }
    if (!hasVerifyJobOf(db)) {
      throw new ValidationError(
        `databases '${db.name}' sets rto but has no verify job (hasVerifyJob false): the restore time is measured by the `
          + 'DumpVerifyJob; remove rto, or set hasVerifyJob',
        scope,
      );
    }
  }
  const homes = (['databaseInstance', 'databaseCluster', 'documentDbCluster'] as const).filter((prop) => db[prop] !== undefined);
  if (homes.length > 1) {
    const list = homes.length === 2 ? `both ${homes[0]} and ${homes[1]}` : `${homes[0]}, ${homes[1]} and ${homes[2]}`;
    throw new ValidationError(
      `databases '${db.name}' sets ${list}; a database lives in one of them: remove ${homes.length === 2 ? 'one' : 'all but one'}`,
      scope,
    );
  }
  if (db.documentDbCluster) {
    if ((db.readReplicas ?? []).length > 0) {
      throw new ValidationError(
        `databases '${db.name}' sets readReplicas with documentDbCluster; readReplicas are RDS DB instances, and the replicas `
          + 'of a DocumentDB cluster are instances of the cluster itself: remove readReplicas',
        scope,
      );
    }
    for (const prop of ['hasDumpJob', 'hasVerifyJob'] as const) {
      if (db[prop] === true) {
        throw new ValidationError(
          `databases '${db.name}' sets ${prop} true with documentDbCluster; PgDumpJob and DumpVerifyJob run pg_dump and `
            + `pg_restore, which cannot read DocumentDB, so the ${prop === 'hasDumpJob' ? 'dump' : 'verification'} alarms would `
            + `fire forever: remove ${prop} (it defaults to false for a DocumentDB cluster)`,
          scope,
        );
      }
    }
  }
  if (db.maxBackupStorage !== undefined) {
    if (!db.databaseCluster && !db.documentDbCluster) {
      throw new ValidationError(
        `databases '${db.name}' sets maxBackupStorage without databaseCluster or documentDbCluster; TotalBackupStorageBilled is a `
          + 'metric of Aurora and DocumentDB clusters: add databaseCluster or documentDbCluster, or remove maxBackupStorage',
        scope,
      );
    }
    const bytes = db.maxBackupStorage.toBytes();
    if (!Token.isUnresolved(bytes) && bytes <= 0) {
      throw new ValidationError(
        `databases '${db.name}' maxBackupStorage is ${bytes} bytes; it must be greater than 0 (e.g. Size.gibibytes(2000))`,
        scope,
      );
    }
  }
  const watchesRds = db.databaseInstance !== undefined || (db.readReplicas ?? []).length > 0
    || ((db.databaseCluster !== undefined || db.documentDbCluster !== undefined) && db.maxBackupStorage !== undefined);
  if (!hasDumpJobOf(db) && !hasVerifyJobOf(db) && !watchesRds) {
    Annotations.of(scope).addWarningV2('cdk-backup-dr:BackupAlarms.databaseUnwatched',
      `databases '${db.name}' has no dump job, no verify job, no instance or read replica, and no cluster with `
        + 'maxBackupStorage: nothing is watched for it. Remove it, or set what should be watched.');
  }
}
