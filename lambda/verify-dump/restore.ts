// pg_restore: reading the archive's table of contents (`--list`) and restoring into the scratch database.

import { spawn } from 'node:child_process';
import { BoundedCapture, childProcessEnv } from '../shared/postgres';
import { VerificationError } from './errors';

/** What `pg_restore --list` tells about an archive. */
export interface ArchiveToc {
  /** Number of TOC entries. */
  readonly entries: number;
  /** `schema table` of every TABLE DATA entry. */
  readonly tableData: ReadonlyArray<{ readonly schema: string; readonly rest: string }>;
  /** `Dumped from database version` of the header, when present. */
  readonly dumpedFrom?: string;
  /** `Dumped by pg_dump version` of the header, when present. */
  readonly dumpedBy?: string;
}

/** A table named `schema.table` (VERIFY_SINGLE_TABLE). */
export interface QualifiedTable {
  readonly schema: string;
  readonly table: string;
}

export interface ToolResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  /** stderr, bounded (first and last 8 KiB). */
  readonly stderr: string;
}

/**
 * Runs a PostgreSQL client binary with the libpq variables `libpq` (and no inherited `PG*` variable);
 * stderr is kept bounded. `signal` kills it (SIGTERM).
 */
export function runTool(
  binary: string, args: readonly string[], libpq: Record<string, string>, signal?: AbortSignal,
): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { env: childProcessEnv(libpq), stdio: ['ignore', 'pipe', 'pipe'], signal });
    const out: Buffer[] = [];
    const err = new BoundedCapture(16 * 1024);
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      // An abort also emits 'error' (AbortError); 'close' then reports the signal.
      if (error.name !== 'AbortError') {
        reject(new Error(`cannot run ${binary}: ${error.message} (is the PostgreSQL client installed in the image?)`));
      }
    });
    child.on('close', (code, sig) => resolve({ code, signal: sig, stdout: Buffer.concat(out).toString('utf8'), stderr: err.text() }));
  });
}

/** Parses `pg_restore --list` output. */
export function parseToc(list: string): ArchiveToc {
  const tableData: Array<{ schema: string; rest: string }> = [];
  let entries = 0;
  let dumpedFrom: string | undefined;
  let dumpedBy: string | undefined;
  for (const line of list.split('\n')) {
    const header = /^;\s+Dumped (from database|by pg_dump) version:\s*(.+)$/.exec(line);
    if (header) {
      if (header[1] === 'from database') dumpedFrom = header[2].trim();
      else dumpedBy = header[2].trim();
      continue;
    }
    const entry = /^\d+; \d+ \d+ (.*)$/.exec(line);
    if (!entry) continue;
    entries += 1;
    const data = /^TABLE DATA (\S+) (.*)$/.exec(entry[1]);
    if (data) tableData.push({ schema: data[1], rest: data[2] });
  }
  return { entries, tableData, dumpedFrom, dumpedBy };
}

/** Whether the archive holds the data of `t` (a TABLE DATA entry `schema table owner`). */
export function hasTableData(toc: ArchiveToc, t: QualifiedTable): boolean {
  return toc.tableData.some((d) => d.schema === t.schema && (d.rest === t.table || d.rest.startsWith(`${t.table} `)));
}

/** Splits `schema.table` at its first dot; both parts are required. */
export function parseQualifiedTable(value: string, what: string): QualifiedTable {
  const dot = value.indexOf('.');
  if (dot <= 0 || dot === value.length - 1) {
    throw new VerificationError('config', `${what} '${value}' is not 'schema.table' (e.g. 'public.orders')`);
  }
  return { schema: value.slice(0, dot), table: value.slice(dot + 1) };
}

function describeExit(r: ToolResult): string {
  return r.signal ? `killed by ${r.signal}` : `exit ${r.code}`;
}

/** `dbname='<name>'`: a libpq connection string that names exactly this database (quotes and backslashes escaped). */
export function conninfoDatabase(name: string): string {
  return `dbname='${name.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Reads the archive's TOC; fails (stage `archive`) when pg_restore cannot read it. */
export async function listArchive(
  pgRestore: string, file: string, clientMajor: number | undefined, manifestClientMajor: number, signal?: AbortSignal,
): Promise<ArchiveToc> {
  const r = await runTool(pgRestore, ['--list', file], {}, signal);
  if (signal?.aborted) throw deadlineError('pg_restore --list');
  if (r.code !== 0) {
    const ours = clientMajor === undefined ? '' : ` (this pg_restore is major ${clientMajor})`;
    throw new VerificationError('archive',
      `pg_restore --list cannot read the dump (${describeExit(r)}): ${r.stderr}; the object is not a readable `
      + `custom-format archive, or pg_restore${ours} is older than the pg_dump that wrote it (major ${manifestClientMajor}) `
      + '— check the pg-dump log of this run and the client major of the image');
  }
  const toc = parseToc(r.stdout);
  if (toc.entries === 0) {
    throw new VerificationError('archive', 'pg_restore --list found no entries in the dump; check the pg-dump log of this run');
  }
  return toc;
}

export interface RestoreOptions {
  readonly pgRestore: string;
  readonly file: string;
  /** The scratch database. */
  readonly database: string;
  /** libpq environment of the scratch server (`-d` names the database). */
  readonly libpq: Record<string, string>;
  readonly jobs: number;
  readonly singleTable?: QualifiedTable;
  readonly signal?: AbortSignal;
  /**
   * Restore owners and privileges (the restore command into a real server, where the roles exist); the verify job
   * restores without them (`--no-owner --no-acl`). @default false
   */
  readonly keepOwnership?: boolean;
  /**
   * Drop the archive's objects before recreating them (`--clean --if-exists`), in one transaction (`--single-transaction`,
   * so without `-j`): all or nothing. Whole-database restores only. @default false
   */
  readonly clean?: boolean;
  /** How messages name the database restored into. @default 'scratch' */
  readonly targetKind?: 'scratch' | 'target';
}

/**
 * Restores the archive into the scratch database with `--no-owner --no-acl --exit-on-error -j N`.
 * With `singleTable`: the schema definitions (`--section=pre-data`, so the table's types, sequences and
 * schema exist), then the data of that one table (`--data-only -n schema -t table`); indexes and
 * constraints (post-data) are not restored in that mode.
 */
export async function restoreArchive(o: RestoreOptions): Promise<void> {
  // `-d` as a connection string naming the database, so a name that itself looks like one ('dbname=prod host=…',
  // 'postgresql://…') stays a name: libpq would otherwise expand it and connect elsewhere.
  const common = [...(o.keepOwnership ? [] : ['--no-owner', '--no-acl']), '--exit-on-error', '-d', conninfoDatabase(o.database)];
  const kind = o.targetKind ?? 'scratch';
  const steps: Array<{ what: string; args: string[] }> = o.singleTable
    ? [
      { what: 'pg_restore --section=pre-data', args: [...common, '--section=pre-data', o.file] },
      {
        what: `pg_restore --data-only -t ${o.singleTable.schema}.${o.singleTable.table}`,
        args: [...common, '--data-only', '-n', o.singleTable.schema, '-t', o.singleTable.table, o.file],
      },
    ]
    : [{ what: 'pg_restore', args: [...common, ...(o.clean ? ['--clean', '--if-exists', '--single-transaction'] : ['-j', String(o.jobs)]), o.file] }];
  for (const step of steps) {
    const r = await runTool(o.pgRestore, step.args, o.libpq, o.signal);
    if (o.signal?.aborted) throw deadlineError(step.what);
    if (r.code !== 0) {
      throw new VerificationError('restore',
        `${step.what} into ${kind} database '${o.database}' failed (${describeExit(r)}): ${r.stderr || '(no output)'}; `
        + `check the error above: a missing extension or role on the ${kind} server, a ${kind} server older than the `
        + 'source, too little storage, or a damaged dump');
    }
  }
}

export function deadlineError(during: string): VerificationError {
  return new VerificationError('deadline',
    `stopped during ${during}: the run was about to reach its time limit; raise the function timeout `
    + '(at most 15 minutes), restore with more jobs (VERIFY_RESTORE_JOBS), or use a faster scratch server');
}
