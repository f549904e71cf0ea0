// What the RPO watch measures for a database, from what RDS and AWS Backup answer: how far behind now its newest
// point-in-time restore lies (RecoveryPointLagSeconds), and how old its newest recovery point is in each vault, local
// and copies (NewestRecoveryPointAgeSeconds). Pure functions: the handler does the calls, the tests the cases.

/** A database the watch measures: its name (the `Database` dimension) and ARN. */
export interface WatchedDatabase {
  readonly name: string;
  /** `arn:<partition>:rds:<region>:<account>:db:<id>` or `...:cluster:<id>` (Aurora, DocumentDB, Neptune). */
  readonly arn: string;
}

/** What RDS says of a database instance or cluster. */
export interface PitrState {
  /** `available`, `creating`, `backing-up`, ... */
  readonly status: string;
  /** Absent until the first automated backup completed (and while backups are off). */
  readonly latestRestorableTime?: Date;
}

/** A recovery point of the database in a vault of this account. */
export interface RecoveryPointSummary {
  readonly arn: string;
  readonly vaultName: string;
  readonly status: string;
  readonly creationDate: Date;
}

/** A copy job of one of the database's recovery points to another vault. */
export interface CopyJobSummary {
  readonly state: string;
  readonly destinationVaultArn: string;
  readonly sourceRecoveryPointArn: string;
  readonly completionDate?: Date;
}

export type MetricName = 'RecoveryPointLagSeconds' | 'NewestRecoveryPointAgeSeconds';

/** One value to publish. */
export interface Measurement {
  readonly metric: MetricName;
  readonly database: string;
  /** The vault of a recovery point age: its name, or the ARN's last part for another account's vault. */
  readonly vault?: string;
  readonly seconds: number;
}

/** A value that could not be measured, and why (logged; the alarm treats the missing data point as breaching). */
export interface Skipped {
  readonly metric: MetricName;
  readonly database: string;
  readonly reason: string;
}

/** Statuses in which a database has no restorable time yet, or is going away: nothing to measure, nothing wrong. */
const NOT_MEASURABLE = new Set(['creating', 'deleting']);

/** `now - latestRestorableTime`, or why not. */
export function pitrLag(db: WatchedDatabase, state: PitrState | undefined, now: Date): Measurement | Skipped {
  const metric = 'RecoveryPointLagSeconds';
  if (state === undefined) {
    return { metric, database: db.name, reason: `RDS does not know ${db.arn} (deleted, or the ARN is wrong)` };
  }
  if (NOT_MEASURABLE.has(state.status)) {
    return { metric, database: db.name, reason: `${db.arn} is ${state.status}` };
  }
  if (state.latestRestorableTime === undefined) {
    return { metric, database: db.name, reason: `${db.arn} has no restorable time yet (no automated backup completed, or backups are off)` };
  }
  return { metric, database: db.name, seconds: secondsBetween(state.latestRestorableTime, now) };
}

/**
 * The age of the newest completed recovery point in each vault: the local vaults from the recovery points, the copy
 * vaults from the completed copy jobs, whose copy is as old as its source recovery point (a copy keeps its source's
 * creation date). A copy whose source is no longer listed counts from its completion, which understates its age by
 * the time the backup and the copy took.
 */
export function recoveryPointAges(
  db: WatchedDatabase, points: RecoveryPointSummary[], copies: CopyJobSummary[], now: Date,
): Measurement[] {
  const metric = 'NewestRecoveryPointAgeSeconds';
  const newest = new Map<string, Date>();
  const keep = (vault: string, date: Date) => {
    const current = newest.get(vault);
    if (current === undefined || date > current) {
      newest.set(vault, date);
    }
  };
  const created = new Map(points.map((point) => [point.arn, point.creationDate]));
  for (const point of points.filter((p) => p.status === 'COMPLETED')) {
    keep(point.vaultName, point.creationDate);
  }
  for (const copy of copies.filter((c) => c.state === 'COMPLETED')) {
    const date = created.get(copy.sourceRecoveryPointArn) ?? copy.completionDate;
    if (date !== undefined) {
      keep(vaultNameOf(copy.destinationVaultArn), date);
    }
  }
  return [...newest.entries()].sort(([a], [b]) => a.localeCompare(b))
    .map(([vault, date]) => ({ metric, database: db.name, vault, seconds: secondsBetween(date, now) }));
}

/** `arn:aws:backup:<region>:<account>:backup-vault:<name>` → `<account>/<region>/<name>`, unique across accounts and regions. */
export function vaultNameOf(vaultArn: string): string {
  const match = /^arn:[^:]+:backup:([^:]+):(\d{12}):backup-vault:(.+)$/.exec(vaultArn);
  return match ? `${match[2]}/${match[1]}/${match[3]}` : vaultArn;
}

/** Whole seconds from `from` to `to`, never negative (clock skew). */
function secondsBetween(from: Date, to: Date): number {
  return Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000));
}

/** Whether an RDS ARN names a cluster (Aurora, DocumentDB, Neptune) rather than an instance. */
export function isCluster(arn: string): boolean {
  return /^arn:[^:]+:rds:[^:]+:\d{12}:cluster:/.test(arn);
}
