// The data checks of a restored database, shared by verify-dump (a dump restored into a scratch database) and
// validate-restore (a recovery point AWS Backup restored for a drill): row counts against a dump manifest or a
// minimum, tables present, the newest timestamp of configured columns, and custom SQL that must return true.

import type { Client, QueryArrayConfig } from 'pg';
import type { ManifestLargeObjects, ManifestTable } from '../../lib/private/job-contract';
import { errorMessage } from './secret';

/**
 * The newest value of `column` must be at most `maxAgeSeconds` older than the backup: the dump's start (verify-dump,
 * `VERIFY_FRESHNESS_CHECKS`) or the recovery point's creation (validate-restore).
 */
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

export type CheckKind = 'rowCount' | 'minimumRows' | 'tablePresent' | 'freshness' | 'sql' | 'largeObjects';
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

/**
 * Compares the newest timestamp of a column with the time the backup was taken (`reference`, named `referenceName` in
 * the detail). `newest` is epoch seconds, or null for no rows.
 */
export function compareFreshness(
  check: FreshnessCheck, newest: number | null, reference: Date, referenceName: string = 'the dump start',
): CheckResult {
  const name = `${check.table}.${check.column}`;
  const base = { kind: 'freshness' as const, name };
  if (newest === null) {
    return {
      ...base, status: 'failed',
      detail: `${name}: no value in the restored table (empty or all NULL); expected one within ${check.maxAgeSeconds} s of ${referenceName}`,
    };
  }
  const age = Math.round(reference.getTime() / 1000 - newest);
  const newestIso = new Date(newest * 1000).toISOString();
  const detail = `${name}: newest value ${newestIso} is ${age} s older than ${referenceName} ${reference.toISOString()}, `
    + `limit ${check.maxAgeSeconds} s`;
  return { ...base, status: age <= check.maxAgeSeconds ? 'passed' : 'failed', detail };
}

/** A table that must hold at least `rows` rows after a restore. */
export interface MinimumRows {
  /** `schema.table`. */
  readonly table: string;
  readonly rows: number;
}

/** Compares a restored row count with a minimum. */
export function compareMinimumRows(check: MinimumRows, restored: number): CheckResult {
  return {
    kind: 'minimumRows',
    name: check.table,
    status: restored >= check.rows ? 'passed' : 'failed',
    detail: `${check.table}: ${restored} rows restored, at least ${check.rows} required`,
  };
}

/** Whether each of `tables` (`schema.table`) is in the restored database. */
export function checkTablesPresent(tables: readonly string[], restored: ReadonlyMap<string, RestoredTable>): CheckResult[] {
  return tables.map((table) => {
    const present = restored.has(table);
    return {
      kind: 'tablePresent' as const,
      name: table,
      status: present ? 'passed' as const : 'failed' as const,
      detail: present ? `${table}: present` : `${table}: missing from the restored database`,
    };
  });
}

/** A table of the restored database, by its `schema.table` name. */
export interface RestoredTable {
  readonly schema: string;
  readonly table: string;
  /** `r` (table), `p` (partitioned table) or `m` (materialized view). */
  readonly relkind: string;
}

/**
 * Prepares a connection to a restored database for the checks. The restored data is not trusted: a database or role
 * setting restored with it (`ALTER DATABASE ... SET search_path = evil, pg_catalog, public`) could put functions of its
 * own in front of `count` or `max` and fake the results. A session setting overrides both, so the built-in functions
 * come first; and every statement of the session is read-only.
 */
export async function prepareCheckSession(client: Client): Promise<void> {
  await client.query('set search_path = pg_catalog, public');
  await client.query('set default_transaction_read_only = on');
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
  const res = await client.query<{ n: string }>(`select pg_catalog.count(*)::text as n from ${qualified(client, t)}`);
  return Number(res.rows[0].n);
}

/** The newest value of a column as epoch seconds (a `timestamp` without time zone is read as UTC), or null. */
export async function newestEpochSeconds(client: Client, t: RestoredTable, column: string): Promise<number | null> {
  const res = await client.query<{ e: number | null }>(
    `select extract(epoch from pg_catalog.max(${client.escapeIdentifier(column)}))::float8 as e from ${qualified(client, t)}`,
  );
  return res.rows[0].e;
}

/**
 * The freshness check of one column: its newest value against `reference`; a missing table or a failing query (a
 * column that is not there or not a timestamp) is a failed result, not an error.
 */
export async function runFreshnessCheck(
  client: Client, restored: ReadonlyMap<string, RestoredTable>, check: FreshnessCheck, reference: Date, referenceName?: string,
): Promise<CheckResult> {
  const name = `${check.table}.${check.column}`;
  const table = restored.get(check.table);
  if (!table) {
    return { kind: 'freshness', name, status: 'failed', detail: `${name}: table ${check.table} is missing from the restored database` };
  }
  try {
    return compareFreshness(check, await newestEpochSeconds(client, table, check.column), reference, referenceName);
  } catch (err) {
    return {
      kind: 'freshness', name, status: 'failed',
      detail: `${name}: ${errorMessage(err)} (check the column name and that it is a timestamp or date)`,
    };
  }
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
