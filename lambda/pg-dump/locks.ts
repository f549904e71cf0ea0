// Who holds the lock a dump waited for: a table that pg_dump or the row counts could not lock within the lock wait
// timeout is named in the error with the sessions that hold a conflicting lock on it, so the on-call reads "ALTER
// TABLE in session 4242 for 75 s", not a dump that was too big or too slow.
import { connect, ConnectionOptions } from '../shared/postgres';
import { errorMessage } from '../shared/secret';

/** How long the lookup of the lock holders may take; it only adds detail to an error already known. */
const LOOKUP_TIMEOUT_MS = 5_000;

/** SQLSTATE of "canceling statement due to lock timeout". */
export const LOCK_NOT_AVAILABLE = '55P03';

/** The table of pg_dump's failed `LOCK TABLE <table> IN ACCESS SHARE MODE`, from its stderr; undefined otherwise. */
export function lockedTableOf(stderr: string): string | undefined {
  if (!/lock timeout|could not obtain lock|statement timeout/i.test(stderr)) {
    return undefined;
  }
  return /LOCK TABLE (.+?) IN ACCESS SHARE MODE/.exec(stderr)?.[1];
}

interface LockHolderRow {
  readonly pid: number;
  readonly mode: string;
  readonly usename: string | null;
  readonly application_name: string | null;
  readonly state: string | null;
  readonly xact_seconds: number | null;
  readonly query: string | null;
}

/** One line per session holding a lock on `table` that conflicts with a read (ACCESS EXCLUSIVE). */
export function formatLockHolders(rows: readonly LockHolderRow[]): string | undefined {
  if (rows.length === 0) {
    return undefined;
  }
  return rows.map((r) => `session ${r.pid} (user ${r.usename ?? '?'}, application '${r.application_name ?? ''}', ${r.state ?? '?'}`
    + `${r.xact_seconds === null ? '' : ` in a transaction open for ${r.xact_seconds} s`}, last query '${r.query ?? ''}') holds ${r.mode}`)
    .join('; ');
}

/**
 * The sessions holding an ACCESS EXCLUSIVE lock on `table` (an identifier as pg_dump prints it), described; undefined
 * when none is found or the lookup itself fails (within 5 s, on a connection of its own).
 */
export async function describeLockHolders(connection: ConnectionOptions, table: string): Promise<string | undefined> {
  try {
    const client = await connect({ ...connection, connectTimeoutSeconds: LOOKUP_TIMEOUT_MS / 1000, applicationName: 'cdk-backup-dr pg-dump lock lookup' });
    try {
      await client.query(`SET statement_timeout = ${LOOKUP_TIMEOUT_MS}`);
      const result = await client.query<LockHolderRow>(`
        SELECT a.pid, l.mode, a.usename, a.application_name, a.state,
               extract(epoch FROM now() - a.xact_start)::int AS xact_seconds, left(a.query, 200) AS query
        FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'relation' AND l.relation = to_regclass($1) AND l.granted AND l.mode = 'AccessExclusiveLock'
        ORDER BY a.pid`, [table]);
      return formatLockHolders(result.rows);
    } finally {
      await client.end().catch(() => undefined);
    }
  } catch (error) {
    return `the lock holders could not be looked up: ${errorMessage(error)}`;
  }
}
