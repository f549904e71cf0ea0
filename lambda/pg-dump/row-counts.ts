// The manifest's row counts, taken in the snapshot pg_dump dumps: exact `count(*)` for tables up to
// `exactCountMaxBytes` on disk (and for never-analyzed tables), otherwise the planner estimate `pg_class.reltuples`
// (`exact: false`). The size is the catalog's (`relpages`, as of the last VACUUM or ANALYZE), not
// `pg_relation_size()`, which takes a lock on each table: the listing must not wait behind a locked table, only the
// count of that table may, and it names the table when it gives up. Ordinary tables and leaf partitions are listed
// (a partitioned parent holds no rows of its own), and populated materialized views; extension members are left out.
import type { Client } from 'pg';
import { ManifestLargeObjects, ManifestTable } from '../../lib/private/job-contract';
import { largeObjectTotals } from '../shared/large-objects';

/** The outcome of a promise, as a value. */
export type Settled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

/** A promise that never rejects (so a failure nobody awaits yet is not an unhandled rejection). */
export function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));
}

/** A count(*) that failed, naming its table (as an identifier, quoted where needed). */
export class TableCountError extends Error {
  constructor(public readonly table: string, cause: unknown) {
    super(`counting the rows of ${table}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'TableCountError';
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** What the manifest counts of a dump, all in the snapshot pg_dump dumps. */
export interface DumpedCounts {
  readonly tables: ManifestTable[];
  readonly materializedViews: ManifestTable[];
  readonly largeObjects: ManifestLargeObjects;
}

/** Row counts of the tables and of the populated materialized views, and the large objects' count and bytes. */
export async function dumpedCounts(client: Client, exactCountMaxBytes: number): Promise<DumpedCounts> {
  return {
    tables: await rowCounts(client, 'r', exactCountMaxBytes),
    materializedViews: await rowCounts(client, 'm', exactCountMaxBytes),
    largeObjects: await largeObjectTotals(client).catch((error: unknown) => {
      throw new TableCountError('the large objects', error);
    }),
  };
}

/** Row counts of the relations of one kind: 'r' tables and leaf partitions, 'm' populated materialized views. */
async function rowCounts(client: Client, relkind: 'r' | 'm', exactCountMaxBytes: number): Promise<ManifestTable[]> {
  const tables = await client.query<{ schema: string; name: string; reltuples: number; bytes: string }>(`
    SELECT n.nspname AS schema, c.relname AS name, c.reltuples::float8 AS reltuples,
      c.relpages::bigint * current_setting('block_size')::bigint AS bytes
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = $1 AND c.relispopulated
      AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
      AND NOT EXISTS (
        SELECT 1 FROM pg_depend d
        WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
    ORDER BY n.nspname, c.relname`, [relkind]);
  const result: ManifestTable[] = [];
  for (const table of tables.rows) {
    const name = `${table.schema}.${table.name}`;
    if (Number(table.bytes) <= exactCountMaxBytes || table.reltuples < 0) {
      const identifier = `${quoteIdent(table.schema)}.${quoteIdent(table.name)}`;
      const counted = await client.query<{ rows: string }>(`SELECT count(*) AS rows FROM ${identifier}`).catch((error: unknown) => {
        throw new TableCountError(identifier, error);
      });
      result.push({ name, rows: Number(counted.rows[0].rows), exact: true });
    } else {
      result.push({ name, rows: Math.round(table.reltuples), exact: false });
    }
  }
  return result;
}
