// The guard that keeps verify-dump away from the production database: the scratch server it restores into
// is compared with VERIFY_PRODUCTION_TARGET before anything is downloaded or created.

import { promises as dns } from 'node:dns';
import type { Logger } from '../shared/logger';
import { VerificationError } from './errors';

/** A PostgreSQL server and database, as compared by the guard. */
export interface DatabaseTarget {
  readonly host: string;
  readonly port: number;
  readonly database: string;
}

/** Resolves a host name to its addresses; the default uses the system resolver (`dns.lookup`, all addresses). */
export type HostResolver = (host: string) => Promise<string[]>;

/** Logs the guard's warnings (same server, unresolvable host). */
export type TargetLog = Pick<Logger, 'warn'>;

const DEFAULT_PORT = 5432;
const LOOPBACK_NAMES = new Set(['localhost', 'localhost.localdomain', 'ip6-localhost', 'ip6-loopback']);

/**
 * Parses `host:port/dbname` (the VERIFY_PRODUCTION_TARGET format); `[v6addr]:port/dbname` for IPv6 literals.
 * The port may be left out (5432).
 */
export function parseProductionTarget(value: string): DatabaseTarget {
  const m = /^(\[[^\]]+\]|[^:/\s]+)(?::(\d{1,5}))?\/([^\s]+)$/.exec(value.trim());
  const port = m?.[2] === undefined ? DEFAULT_PORT : Number(m[2]);
  if (!m || port < 1 || port > 65535) {
    throw new VerificationError('config',
      `production target '${value}' is not 'host:port/dbname'; set it to the production database the dumps come from `
      + "(e.g. 'prod.abc123.eu-west-1.rds.amazonaws.com:5432/app')");
  }
  return { host: m[1], port, database: m[3] };
}

/**
 * Normalizes a host for comparison: lower case, no IPv6 brackets, no trailing dot of a fully qualified
 * name, and every spelling of the loopback interface as `loopback`.
 */
export function normalizeHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  while (h.endsWith('.')) h = h.slice(0, -1);
  // An IPv4-mapped IPv6 address is its IPv4 address, dotted (::ffff:127.0.0.1) or in hex (::ffff:7f00:1, as URLs write it).
  const mapped = /^(?:0{0,4}:){0,5}:?ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(h);
  const mappedHex = /^(?:0{0,4}:){0,5}:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(h);
  if (mapped) h = mapped[1];
  else if (mappedHex) {
    const [hi, lo] = [parseInt(mappedHex[1], 16), parseInt(mappedHex[2], 16)];
    h = [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
  }
  // The unspecified address reaches this machine too when connected to.
  if (LOOPBACK_NAMES.has(h) || /^127(\.\d{1,3}){3}$/.test(h) || ['::1', '0:0:0:0:0:0:0:1', '0.0.0.0', '::', '0:0:0:0:0:0:0:0'].includes(h)) return 'loopback';
  return h;
}

const defaultResolver: HostResolver = async (host) => (await dns.lookup(host, { all: true })).map((a) => a.address);

async function addressesOf(host: string, resolve: HostResolver, log: TargetLog): Promise<Set<string> | undefined> {
  const normalized = normalizeHost(host);
  if (normalized === 'loopback') return new Set(['loopback']);
  if (normalized.startsWith('/')) return undefined; // a Unix socket directory: compared by name only
  try {
    return new Set((await resolve(normalized)).map(normalizeHost));
  } catch (err) {
    log.warn('could not resolve a host for the production-target guard; comparing host names only', {
      host, error: (err as Error).message,
    });
    return undefined;
  }
}

/**
 * Whether two targets are the same PostgreSQL server: the same port and either the same normalized host
 * name or a shared address (so a CNAME or an IP address of the production endpoint is recognized).
 */
export async function isSameServer(
  a: Omit<DatabaseTarget, 'database'>, b: Omit<DatabaseTarget, 'database'>, resolve: HostResolver, log: TargetLog,
): Promise<boolean> {
  if (a.port !== b.port) return false;
  if (normalizeHost(a.host) === normalizeHost(b.host)) return true;
  const [x, y] = await Promise.all([addressesOf(a.host, resolve, log), addressesOf(b.host, resolve, log)]);
  if (!x || !y) return false;
  return [...x].some((addr) => y.has(addr));
}

/**
 * Refuses a scratch target that is the production database: same server (host and port, see
 * `isSameServer`) and the same database, either the one the scratch connection opens (the secret's
 * `dbname`) or the one the dump would be restored into. A scratch server that is the production server
 * but a different database is allowed with a warning (the restore then loads production).
 */
export async function assertNotProduction(
  scratch: DatabaseTarget, restoreDatabase: string, production: DatabaseTarget,
  log: TargetLog, resolve: HostResolver = defaultResolver,
): Promise<void> {
  if (!(await isSameServer(scratch, production, resolve, log))) return;
  const where = `${scratch.host}:${scratch.port}`;
  for (const [what, db] of [['connects to', scratch.database], ['would restore into', restoreDatabase]] as const) {
    if (db === production.database) {
      throw new VerificationError('target',
        `refusing to verify: the scratch target ${what} database '${db}' on ${where}, which is the production `
        + `database ${production.host}:${production.port}/${production.database}; point the verify secret `
        + '(VERIFY_SECRET_ARN) at a scratch server or at least another database, and check VERIFY_PRODUCTION_TARGET');
    }
  }
  log.warn('the scratch server is the production server: the restore runs on production hardware', {
    scratch: where, production: `${production.host}:${production.port}`,
  });
}
