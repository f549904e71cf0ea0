// `cdk-backup-dr restore dump`: a dump of the dump bucket into a PostgreSQL database, checked on the way in and out.
//
//   target (secret or URL) → not production (or --allow-production and the name typed) → dump chosen, manifest
//   read, listed size = manifest → target exists (--create) and is empty (or --replace) → [--dry-run stops here] →
//   download to a private temp file, hashing → size + sha256 = manifest → pg_restore --list → pg_restore -j N
//   (or the verify job's single-table path) → row counts = manifest → temp file removed (always).
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Client } from 'pg';
import type { DumpManifest } from '../../lib/private/job-contract';
import {
  CheckResult, compareLargeObjects, compareRowCount, countRows, DEFAULT_ROW_COUNT_POLICY, listRestoredTables, prepareCheckSession,
} from '../../lambda/shared/checks';
import { downloadHashing } from '../../lambda/shared/download';
import { largeObjectTotals } from '../../lambda/shared/large-objects';
import { clientMajor, connect, libpqEnv } from '../../lambda/shared/postgres';
import { errorMessage } from '../../lambda/shared/secret';
import { VerificationError } from '../../lambda/verify-dump/errors';
import { hasTableData, listArchive, parseQualifiedTable, QualifiedTable, restoreArchive } from '../../lambda/verify-dump/restore';
import { awsFailure } from '../aws-errors';
import { registerTemporary } from '../cleanup';
import { CliError, EXIT } from '../exit-codes';
import { formatBytes, formatDuration, Output } from '../output';
import { DumpSource, selectDump } from './dump-select';
import { ProductionDatabases, productionMatch, unresolvedProduction } from './production';
import { ResolveClients, ResolvedProduction, resolveProduction } from './production-resolve';
import type { HostResolver } from '../../lambda/verify-dump/target';
import { createDatabase, dropCreatedDatabase, inspectTarget, resolveTarget, RestoreTarget, TargetContents, TargetOptions } from './target';

export interface DumpRestoreOptions extends DumpSource, TargetOptions {
  /** Restore exactly this dump key. */
  readonly key?: string;
  /** Restore the newest dump taken at or before this time. */
  readonly before?: Date;
  /** `schema.table`: only this table (the verify job's single-table path), into an empty database. */
  readonly table?: string;
  /** pg_restore -j. */
  readonly jobs: number;
  /** The target may hold data: the dump's objects are dropped and recreated (`--clean --if-exists`). */
  readonly replace: boolean;
  /** Create the target database when it does not exist. */
  readonly create: boolean;
  /** Restore owners and privileges (the roles must exist on the target). */
  readonly keepOwnership: boolean;
  /** The target may be a production database of the app, after the database name is typed. */
  readonly allowProduction: boolean;
  /** The app's production databases (from --app and --production); markers are read back through `resolveProduction`. */
  readonly production: ProductionDatabases;
  /** Restore even when some production databases of the app could not be read back (their names compared as far as known). */
  readonly unverifiedProduction: boolean;
  /** Allowed difference of exact row counts, percent. */
  readonly rowTolerancePercent: number;
  /** Directory of the temporary download. */
  readonly workDir?: string;
  readonly dryRun: boolean;
  /** pg_restore binary. @default 'pg_restore' */
  readonly pgRestore?: string;
}

export interface DumpRestoreDeps {
  readonly s3: S3Client;
  readonly secrets: () => SecretsManagerClient;
  readonly output: Output;
  /** Asks a question and returns the typed answer (stdin). */
  readonly ask: (question: string) => Promise<string>;
  readonly signal?: AbortSignal;
  /** How names known only after deploy are read back (CloudFormation, RDS). @default - not read: they stay unresolved */
  readonly resolveClients?: ResolveClients;
  /** Host name resolution of the production guard. @default the system resolver */
  readonly resolveHost?: HostResolver;
}

export interface DumpRestoreResult {
  readonly status: 'restored' | 'dry-run';
  readonly source: { readonly bucket: string; readonly key: string; readonly startedAt: string; readonly sizeBytes: number; readonly sha256: string };
  readonly passedOver: readonly string[];
  readonly target: { readonly database: string; readonly created: boolean; readonly replaced: boolean; readonly production: boolean };
  readonly table?: string;
  /** What the target held before (relations, large objects). */
  readonly targetBefore: TargetContents;
  readonly checks: readonly CheckResult[];
  readonly seconds: { readonly download?: number; readonly restore?: number; readonly checks?: number; readonly total: number };
}

const since = (start: bigint): number => Math.round(Number(process.hrtime.bigint() - start) / 1e6) / 1000;

/** Restores a dump; throws a CliError whose code says why it stopped. */
export async function restoreDump(deps: DumpRestoreDeps, o: DumpRestoreOptions): Promise<DumpRestoreResult> {
  const started = process.hrtime.bigint();
  const { output } = deps;
  const table = o.table === undefined ? undefined : usage(() => parseQualifiedTable(o.table as string, '--table'));
  if (table && o.replace) {
    throw new CliError(EXIT.USAGE, '--table restores into an empty database only (indexes and constraints are not restored in that '
      + 'mode); restore the table into a new database (--target-database NAME --create) and copy the rows you need from there');
  }

  // 1. The target (its secret or URL) and the app's production databases.
  const target = await resolveTarget(o, deps.secrets);
  const production = await productionOf(deps, o);

  // 2. The dump and its manifest.
  const selected = await selectDump(deps.s3, o, { key: o.key, before: o.before }, deps.signal);
  const { key, manifest } = selected;
  const where = `s3://${o.bucket}/${key}`;
  output.info(`dump: ${where} (taken ${manifest.startedAt}, ${formatBytes(manifest.sizeBytes)}, ${manifest.tables.length} tables)`);
  if (selected.passedOver.length > 0) output.info(`passed over ${selected.passedOver.length} newer dump(s): ${selected.passedOver.join(', ')}`);
  if (selected.listedSize !== manifest.sizeBytes) {
    throw new CliError(EXIT.INTEGRITY, `size mismatch for ${where}: the object has ${selected.listedSize} bytes, its manifest says `
      + `${manifest.sizeBytes}; the dump is truncated or was replaced — restore an older dump (--before) and check the object's versions`);
  }
  if (table && !manifest.tables.some((t) => t.name === `${table.schema}.${table.table}`)) {
    output.warn(`${table.schema}.${table.table} is not listed in the manifest; its row count cannot be compared`);
  }

  // 3. Never production without a typed confirmation: the target compared as it was named, and as the server that
  // answered sees itself (the same server behind a tunnel, a proxy or another name). Nothing was written so far.
  const inspected = await inspectTarget(target);
  const database = target.connection.database as string;
  const guard = { warn: (m: string) => output.warn(m), endpointsOf: production.endpoints, resolve: deps.resolveHost };
  const match = await productionMatch(production.production, {
    host: target.connection.secret.host, port: target.connection.secret.port, database, secretArn: target.secretArn,
  }, guard) ?? (inspected.server.address && inspected.server.port
    ? await productionMatch(production.production, { host: inspected.server.address, port: inspected.server.port, database }, guard)
    : undefined);
  if (match) await confirmProduction(deps, o, target, match);

  // 4. The target database exists (or --create will create it after the dump passed its checks) and holds nothing the
  // restore would collide with.
  if (!inspected.exists && !o.create) {
    throw new CliError(EXIT.USAGE, `the target database '${target.connection.database}' does not exist on `
      + `${target.connection.secret.host}:${target.connection.secret.port}; create it, or pass --create to have it created`);
  }
  const created = !inspected.exists;
  const before = inspected.contents;
  const holdsData = before.relations > 0 || before.largeObjects > 0;
  if (holdsData && !o.replace) {
    throw new CliError(EXIT.REFUSED, `refusing to restore into ${target.display}: it holds ${before.relations} object(s)`
      + `${before.sample.length > 0 ? ` (${before.sample.join(', ')}${before.relations > before.sample.length ? ', …' : ''})` : ''}`
      + `${before.largeObjects > 0 ? ` and ${before.largeObjects} large object(s)` : ''}; restore into a new database `
      + `(--target-database NAME --create)${table ? '' : ', or pass --replace to drop and recreate the objects of the dump in one transaction'}`);
  }
  const summary = {
    source: { bucket: o.bucket, key, startedAt: manifest.startedAt, sizeBytes: manifest.sizeBytes, sha256: manifest.sha256 },
    passedOver: selected.passedOver,
    target: { database: target.display, created, replaced: holdsData, production: match !== undefined },
    ...(o.table ? { table: o.table } : {}),
    targetBefore: before,
  };
  if (o.dryRun) {
    output.info(`would restore ${where} into ${target.display}${created ? ' (created)' : ''}${o.replace ? ', replacing the objects of the dump in one transaction' : ''}`
      + `${table ? `, table ${o.table} only` : o.replace ? '' : ` with pg_restore -j ${o.jobs}`}, then compare row counts with the manifest`);
    return { status: 'dry-run', ...summary, checks: [], seconds: { total: since(started) } };
  }

  // 4. Download, integrity, restore, checks.
  const workDir = await fs.mkdtemp(path.join(o.workDir ?? os.tmpdir(), 'cdk-backup-dr-restore-'));
  const unregister = registerTemporary(workDir);
  const seconds: { download?: number; restore?: number; checks?: number } = {};
  try {
    const file = path.join(workDir, 'dump');
    const downloadStarted = process.hrtime.bigint();
    const bar = output.bytes('downloading', manifest.sizeBytes);
    let downloaded;
    try {
      downloaded = await downloadHashing(deps.s3, {
        bucket: o.bucket, key, expectedBucketOwner: o.expectedBucketOwner, file, signal: deps.signal, onBytes: (n) => bar.update(n),
      });
    } catch (err) {
      if (deps.signal?.aborted) throw new CliError(EXIT.INTERRUPTED, `interrupted while downloading ${where}`, { cause: err });
      throw awsFailure(err, `downloading ${where}`, 's3:GetObject')
        ?? new CliError(EXIT.FAILED, `downloading ${where} failed: ${errorMessage(err)}`, { cause: err });
    } finally {
      bar.stop();
    }
    seconds.download = since(downloadStarted);
    if (downloaded.bytes !== manifest.sizeBytes || downloaded.sha256 !== manifest.sha256) {
      throw new CliError(EXIT.INTEGRITY, `integrity check failed for ${where}: downloaded ${downloaded.bytes} bytes with sha256 `
        + `${downloaded.sha256}, the manifest says ${manifest.sizeBytes} bytes with sha256 ${manifest.sha256}; the dump is damaged `
        + '— nothing was restored; restore an older dump (--before) and check the object\'s versions');
    }
    output.info(`size and sha256 match the manifest (${manifest.sha256})`);
    if (created) await createDatabase(target);

    const restoreStarted = process.hrtime.bigint();
    try {
      await restore(deps, o, target, file, manifest.clientMajor, table, o.replace);
    } catch (err) {
      let left = o.replace ? `${target.display} is as it was: the replacement ran in one transaction, which was rolled back`
        : `${target.display} may now hold part of the dump: drop and create it again, then rerun`;
      if (created) {
        left = await dropCreatedDatabase(target).then(() => `the database ${target.display} this run created was dropped`,
          (dropErr: unknown) => `the database ${target.display} this run created could not be dropped (${errorMessage(dropErr)}): drop it by hand`);
      }
      if (err instanceof CliError) throw new CliError(err.code, `${err.message}; ${left}`, { cause: err });
      throw err;
    }
    seconds.restore = since(restoreStarted);

    const checksStarted = process.hrtime.bigint();
    const checks = await compareWithManifest(target, manifest, table, o.rowTolerancePercent);
    seconds.checks = since(checksStarted);
    const failed = checks.filter((c) => c.status === 'failed');
    if (failed.length > 0) {
      throw new CliError(EXIT.INTEGRITY, `restored ${where} into ${target.display}, but ${failed.length} of ${checks.length} row count(s) `
        + `differ from the manifest: ${failed.map((c) => c.detail).join('; ')}; the restore is in place — compare before using it`);
    }
    const tables = checks.filter((c) => c.kind === 'rowCount').length;
    output.info(`row counts match the manifest (${tables} table(s)${checks.some((c) => c.kind === 'largeObjects') ? ' and the large objects' : ''})`);
    return { status: 'restored', ...summary, checks, seconds: { ...seconds, total: since(started) } };
  } finally {
    await fs.rm(workDir, { recursive: true, force: true });
    unregister();
  }
}

/** The app's production databases, read back where the templates know them only after deploy; refuses what stays unknown. */
async function productionOf(deps: DumpRestoreDeps, o: DumpRestoreOptions): Promise<ResolvedProduction> {
  const resolved = deps.resolveClients && unresolvedProduction(o.production).length > 0
    ? await resolveProduction(o.production, deps.resolveClients)
    : { production: o.production, endpoints: [], problems: [] };
  const unresolved = unresolvedProduction(resolved.production);
  if (unresolved.length > 0 && !o.unverifiedProduction) {
    throw new CliError(EXIT.REFUSED, `refusing to restore: the app names ${unresolved.length} production value(s) known only after deploy that `
      + `could not be read back (${unresolved.map((m) => `${m.logicalId}${m.attribute ? `.${m.attribute}` : ''} of ${m.stack}`).join(', ')}`
      + `${resolved.problems.length > 0 ? `: ${resolved.problems[0]}` : ''}), so the target cannot be compared with them; run with credentials `
      + 'that may read the app\'s stacks and databases (cloudformation:DescribeStackResource, rds:DescribeDBInstances, rds:DescribeDBClusters), '
      + 'or, when the target is certainly not production (a new server elsewhere), pass --unverified-production');
  }
  for (const problem of resolved.problems) {
    deps.output.warn(`could not read ${problem}; the target is compared with what is known of it`);
  }
  return resolved;
}

function usage<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw new CliError(EXIT.USAGE, (err as Error).message, { cause: err });
  }
}

async function confirmProduction(deps: DumpRestoreDeps, o: DumpRestoreOptions, target: RestoreTarget, why: string): Promise<void> {
  const database = target.connection.database as string;
  if (!o.allowProduction) {
    throw new CliError(EXIT.REFUSED, `refusing to restore into ${target.display}: it is a production database (${why}); restore `
      + 'into another database, or, to overwrite production on purpose, pass --allow-production and type the database name when asked');
  }
  if (o.dryRun) {
    deps.output.warn(`${target.display} is a production database (${why}); a real run asks for its name to be typed`);
    return;
  }
  deps.output.warn(`${target.display} is a production database (${why})`);
  const answer = await deps.ask(`Type the database name '${database}' to restore into production: `);
  if (answer.trim() !== database) {
    throw new CliError(EXIT.REFUSED, `refusing to restore into ${target.display}: the typed name '${answer.trim()}' is not '${database}'`);
  }
}

async function restore(
  deps: DumpRestoreDeps, o: DumpRestoreOptions, target: RestoreTarget, file: string, manifestClientMajor: number,
  table: QualifiedTable | undefined, clean: boolean,
): Promise<void> {
  const pgRestore = o.pgRestore ?? 'pg_restore';
  const database = target.connection.database as string;
  try {
    const major = await clientMajor(pgRestore);
    const toc = await listArchive(pgRestore, file, major, manifestClientMajor, deps.signal);
    if (table && !hasTableData(toc, table)) {
      throw new CliError(EXIT.USAGE, `the dump holds no data for table ${table.schema}.${table.table}; check the schema and table `
        + 'name (case matters), and name a partition rather than a partitioned table');
    }
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(EXIT.FAILED, errorMessage(err), { cause: err });
  }
  const progress = deps.output.state('restoring', `pg_restore${table ? ` ${table.schema}.${table.table}` : clean ? ' --clean --single-transaction' : ` -j ${o.jobs}`}`);
  // The size shown beside the spinner is a courtesy: without this connection, or a reading, only the elapsed time shows.
  const sizer = await connect(target.connection).catch(() => undefined);
  const timer = setInterval(() => {
    sizer?.query<{ size: string }>('select pg_database_size(current_database())::text as size')
      .then((r) => progress.update('pg_restore running', `database ${formatBytes(Number(r.rows[0].size))}`), () => undefined);
  }, 1000);
  try {
    await restoreArchive({
      pgRestore, file, database, jobs: o.jobs, singleTable: table, signal: deps.signal,
      // A lock held on the target (a session in a transaction) fails the restore after a minute instead of holding it.
      libpq: { ...libpqEnv(target.connection), PGOPTIONS: '-c lock_timeout=60s' },
      keepOwnership: o.keepOwnership, clean, targetKind: 'target',
    });
  } catch (err) {
    if (deps.signal?.aborted) throw new CliError(EXIT.INTERRUPTED, 'interrupted during pg_restore', { cause: err });
    const message = err instanceof VerificationError ? err.message : `pg_restore failed: ${errorMessage(err)}`;
    const missingRole = o.keepOwnership && /role "[^"]+" does not exist/.test(message)
      ? '; the roles of the source do not exist on the target: create them, or pass --no-owner to restore without owners and privileges' : '';
    throw new CliError(EXIT.FAILED, `${message}${missingRole}`, { cause: err });
  } finally {
    clearInterval(timer);
    await sizer?.end().catch(() => undefined);
    progress.stop();
  }
}

async function compareWithManifest(
  target: RestoreTarget, manifest: DumpManifest, table: QualifiedTable | undefined, tolerancePercent: number,
): Promise<CheckResult[]> {
  const client: Client = await connect(target.connection);
  try {
    await prepareCheckSession(client);
    const restored = await listRestoredTables(client);
    const policy = { ...DEFAULT_ROW_COUNT_POLICY, tolerancePercent };
    const single = table ? `${table.schema}.${table.table}` : undefined;
    const results: CheckResult[] = [];
    for (const entry of [...manifest.tables, ...(single ? [] : manifest.materializedViews ?? [])]) {
      if (single && entry.name !== single) continue;
      const relation = restored.get(entry.name);
      results.push(relation
        ? compareRowCount(entry, await countRows(client, relation), policy)
        : { kind: 'rowCount', name: entry.name, status: 'failed', detail: `${entry.name}: listed in the manifest but missing from the restored database` });
    }
    if (!single && manifest.largeObjects) results.push(compareLargeObjects(manifest.largeObjects, await largeObjectTotals(client)));
    return results;
  } finally {
    await client.end();
  }
}

/** The lines a person reads at the end. */
export function describeDumpRestore(r: DumpRestoreResult): string[] {
  if (r.status === 'dry-run') {
    return [`dry run: ${r.source.key} → ${r.target.database}; nothing was changed (${formatDuration(r.seconds.total)})`];
  }
  return [
    `restored s3://${r.source.bucket}/${r.source.key} into ${r.target.database}${r.table ? ` (table ${r.table})` : ''}`,
    `  data as of ${r.source.startedAt}; row counts of ${r.checks.filter((c) => c.kind === 'rowCount').length} table(s) checked against the manifest`,
    `  download ${formatDuration(r.seconds.download ?? 0)}, pg_restore ${formatDuration(r.seconds.restore ?? 0)}, checks ${formatDuration(r.seconds.checks ?? 0)}`,
    `elapsed ${formatDuration(r.seconds.total)} (the measured RTO of this restore)`,
  ];
}
