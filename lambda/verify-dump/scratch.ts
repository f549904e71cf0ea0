// The scratch databases verify-dump restores into: `verify_<UTC yyyymmddhhmmssSSS>` on the scratch server,
// created from template0, dropped WITH (FORCE) when the run ends, and dropped by a later run when a crashed
// run left one behind.

import type { Client } from 'pg';

/** Scratch database names: `verify_` and the UTC creation time to the millisecond (17 digits). */
export const SCRATCH_DATABASE_PATTERN = /^verify_(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{3})$/;

/** The scratch database name for a run started at `now`. */
export function scratchDatabaseName(now: Date): string {
  return `verify_${now.toISOString().replace(/\D/g, '').slice(0, 17)}`;
}

/** The creation time in a scratch database name, or undefined when the name is not one of ours. */
export function scratchDatabaseCreatedAt(name: string): Date | undefined {
  const m = SCRATCH_DATABASE_PATTERN.exec(name);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s, ms] = m.slice(1).map(Number);
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms));
  // Reject names whose digits are not a real time (e.g. month 13): they were not written by scratchDatabaseName.
  return scratchDatabaseName(t) === name ? t : undefined;
}

/**
 * The scratch databases on the server that are older than `maxAgeSeconds` at `now`, oldest first.
 * Only names that `scratchDatabaseName` produces are considered; nothing else on the server is touched.
 */
export async function findStaleScratchDatabases(admin: Client, now: Date, maxAgeSeconds: number): Promise<string[]> {
  const res = await admin.query<{ datname: string }>(
    "select datname from pg_database where datname like 'verify\\_%' order by datname",
  );
  return res.rows
    .map((r) => r.datname)
    .filter((name) => {
      const created = scratchDatabaseCreatedAt(name);
      return created !== undefined && now.getTime() - created.getTime() > maxAgeSeconds * 1000;
    });
}

export async function createScratchDatabase(admin: Client, name: string): Promise<void> {
  await admin.query(`create database ${admin.escapeIdentifier(name)} template template0`);
}

/** Drops a scratch database, disconnecting any session (PostgreSQL 13+). Refuses names that are not ours. */
export async function dropScratchDatabase(admin: Client, name: string): Promise<void> {
  if (scratchDatabaseCreatedAt(name) === undefined) {
    throw new Error(`refusing to drop '${name}': not a scratch database name (verify_<17 digits>)`);
  }
  await admin.query(`drop database if exists ${admin.escapeIdentifier(name)} with (force)`);
}
