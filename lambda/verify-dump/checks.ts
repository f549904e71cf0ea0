// The checks run against the restored scratch database: row counts against the manifest, the newest
// timestamp of configured columns, and custom SQL that must return true.

import type { Client, QueryArrayConfig } from 'pg';
import type { ManifestLargeObjects, ManifestTable } from '../../lib/private/job-contract';

/** `VERIFY_FRESHNESS_CHECKS` entry: the newest value of `column` must be at most `maxAgeSeconds` older than the dump. */
export interface FreshnessCheck {
  /** `schema.table`. */
  readonly table: string;
  /** A `timestamptz`, `timestamp` or `date` column (a `timestamp` is read as UTC). */
  readonly column: string;
  readonly maxAgeSeconds: number;
}

/** `VERIFY_SQL_CHECKS` entry: one statement returning one row whose first column is `true`. */
export interface SqlCheck {
  readonly name: string;
  readonly sql: string;
}

/**
 * How restored row counts are compared with the manifest.
 *
 * - exact counts (`exact: true`, `count(*)` at dump time): `|restored - manifest| <= manifest * tolerancePercent / 100`
 *   (so an empty table must restore empty, and a 10-row table exactly, at 1 %);
 * - estimates (`exact: false`, `pg_class.reltuples`): estimates lag behind growth and can be far off for
 *   tables not analyzed recently, so they only catch gross loss: when the estimate is at least
 *   `estimateMinRows`, the restored count must be at least `estimate * (1 - estimateTolerancePercent / 100)`;
 *   smaller or unknown (negative) estimates are skipped. More rows than estimated always pass.
 */
export interface RowCountPolicy {
  /** @default 1 (seed 001) */
  readonly tolerancePercent: number;
  /** @default 50 */
  readonly estimateTolerancePercent: number;
  /** @default 1000 */
  readonly estimateMinRows: number;
}

export const DEFAULT_ROW_COUNT_POLICY: RowCountPolicy = {
  tolerancePercent: 1,
  estimateTolerancePercent: 50,
  estimateMinRows: 1000,
};

export type CheckKind = 'rowCount' | 'freshness' | 'sql' | 'largeObjects';
export type CheckStatus = 'passed' | 'failed' | 'skipped';

/** The outcome of one check; `detail` is a sentence fit for the error message and the log. */
export interface CheckResult {
  readonly kind: CheckKind;
  /** The table (row counts, freshness) or the check name (SQL). */
  readonly name: string;
  readonly status: CheckStatus;
  readonly detail: string;
}

/** The restored large objects must be exactly those of the manifest: as many, and as many bytes together. */
export function compareLargeObjects(manifest: ManifestLargeObjects, restored: ManifestLargeObjects): CheckResult {
  const same = restored.count === manifest.count && restored.bytes === manifest.bytes;
  return {
    kind: 'largeObjects',
    name: 'large objects',
    status: same ? 'passed' : 'failed',
    detail: `large objects: ${restored.count} restored (${restored.bytes} bytes), manifest ${manifest.count} (${manifest.bytes} bytes)`,
  };
}

/** Compares the restored row count of one table with its manifest entry (see `RowCountPolicy`). */
export function compareRowCount(entry: ManifestTable, restored: number, policy: RowCountPolicy): CheckResult {
  const base = { kind: 'rowCount' as const, name: entry.name };
  if (entry.exact) {
    const allowed = Math.floor((entry.rows * policy.tolerancePercent) / 100);
    const diff = Math.abs(restored - entry.rows);
    const detail = `${entry.name}: ${restored} rows restored, manifest ${entry.rows} (exact), `
      + `allowed difference ${allowed} (${policy.tolerancePercent} %)`;
    return { ...base, status: diff <= allowed ? 'passed' : 'failed', detail };
  }
  if (entry.rows < policy.estimateMinRows) {
    return {
      ...base, status: 'skipped',
      detail: `${entry.name}: manifest has only an estimate of ${entry.rows} rows (< ${policy.estimateMinRows}); not compared`,
    };
  }
  const minimum = Math.ceil(entry.rows * (1 - policy.estimateTolerancePercent / 100));
  const detail = `${entry.name}: ${restored} rows restored, manifest estimate ${entry.rows}, `
    + `at least ${minimum} required (${policy.estimateTolerancePercent} % below the estimate)`;
  return { ...base, status: restored >= minimum ? 'passed' : 'failed', detail };
}

/** Compares the newest timestamp of a column with the start of the dump. `newest` is epoch seconds, or null for no rows. */
export function compareFreshness(check: FreshnessCheck, newest: number | null, dumpStartedAt: Date): CheckResult {
  const name = `${check.table}.${check.column}`;
  const base = { kind: 'freshness' as const, name };
  if (newest === null) {
    return { ...base, status: 'failed', detail: `${name}: no value in the restored table (empty or all NULL); expected one within ${check.maxAgeSeconds} s of the dump` };
  }
  const age = Math.round(dumpStartedAt.getTime() / 1000 - newest);
  const newestIso = new Date(newest * 1000).toISOString();
  const detail = `${name}: newest value ${newestIso} is ${age} s older than the dump start ${dumpStartedAt.toISOString()}, `
    + `limit ${check.maxAgeSeconds} s`;
  return { ...base, status: age <= check.maxAgeSeconds ? 'passed' : 'failed', detail };
}

/** A table of the restored database, by its `schema.table` name. */
export interface RestoredTable {
  readonly schema: string;
  readonly table: string;
  /** `r` (table), `p` (partitioned table) or `m` (materialized view). */
  readonly relkind: string;
}

/** Tables and partitioned tables of the restored database, keyed by `schema.table`. */
export async function listRestoredTables(client: Client): Promise<Map<string, RestoredTable>> {
  const res = await client.query<{ schema: string; table: string; relkind: string }>(
    `select n.nspname as schema, c.relname as table, c.relkind::text as relkind
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p', 'm')
        and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_toast%'
      order by 1, 2`,
  );
  return new Map(res.rows.map((r) => [`${r.schema}.${r.table}`, r]));
}

function qualified(client: Client, t: RestoredTable): string {
  return `${client.escapeIdentifier(t.schema)}.${client.escapeIdentifier(t.table)}`;
}

/** `count(*)` of a table (a partitioned table counts the rows of all its partitions). */
export async function countRows(client: Client, t: RestoredTable): Promise<number> {
  const res = await client.query<{ n: string }>(`select count(*)::text as n from ${qualified(client, t)}`);
  return Number(res.rows[0].n);
}

/** The newest value of a column as epoch seconds (a `timestamp` without time zone is read as UTC), or null. */
export async function newestEpochSeconds(client: Client, t: RestoredTable, column: string): Promise<number | null> {
  const res = await client.query<{ e: number | null }>(
    `select extract(epoch from max(${client.escapeIdentifier(column)}))::float8 as e from ${qualified(client, t)}`,
  );
  return res.rows[0].e;
}

/**
 * Runs one SQL check in a read-only transaction with a statement timeout; it passes when the single
 * statement returns one row whose first column is boolean `true`. Errors become a failed result.
 */
export async function runSqlCheck(client: Client, check: SqlCheck, timeoutSeconds: number): Promise<CheckResult> {
  const base = { kind: 'sql' as const, name: check.name };
  await client.query('begin read only');
  try {
    await client.query(`set local statement_timeout = ${Math.round(timeoutSeconds * 1000)}`);
    // The extended protocol refuses more than one statement, so a check cannot commit its way out of read-only.
    // (`queryMode` is a pg option that @types/pg does not declare.)
    const query: QueryArrayConfig & { queryMode: 'extended' } = { text: check.sql, rowMode: 'array', queryMode: 'extended' };
    const { rows } = await client.query<unknown[]>(query);
    if (rows.length !== 1 || rows[0].length < 1) {
      return { ...base, status: 'failed', detail: `SQL check '${check.name}' returned ${rows.length} rows; it must return exactly one row with a boolean` };
    }
    const value = rows[0][0];
    return {
      ...base,
      status: value === true ? 'passed' : 'failed',
      detail: `SQL check '${check.name}' returned ${JSON.stringify(value)}${value === true ? '' : ', expected true'}`,
    };
  } catch (err) {
    return { ...base, status: 'failed', detail: `SQL check '${check.name}' failed: ${(err as Error).message}` };
  } finally {
    await client.query('rollback');
  }
}
