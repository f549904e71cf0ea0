// verify-dump: restore the newest dump that has a manifest into a fresh scratch database and check it.
//
//   guard (scratch target is not production) → newest dump with a manifest → size vs listing → download
//   to a file, hashing → size + sha256 vs manifest → pg_restore --list → drop stale scratch databases →
//   CREATE DATABASE verify_<ts> TEMPLATE template0 → pg_restore → checks → DROP DATABASE ... WITH (FORCE)
//   and remove the file (always) → metrics VerificationSuccess, VerifiedBackupAgeSeconds, RestoreDurationSeconds.

import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Client } from 'pg';
import { DumpManifest, JOB_METRIC, ManifestTable } from '../../lib/private/job-contract';
import { Downloaded, downloadHashing } from '../shared/download';
import { listDumpObjects } from '../shared/dump-listing';
import { dumpKeyPrefix, dumpKeysNewestFirst, MANIFEST_SUFFIX, manifestKey } from '../shared/keys';
import { Logger, progressFigures, startProgress } from '../shared/logger';
import { MetricsRecorder, recordJobMetric } from '../shared/metrics';
import {
  clientMajor, ConnectionOptions, connect, libpqEnv, majorOfVersionNum, serverVersionNum,
} from '../shared/postgres';
import { errorMessage } from '../shared/secret';
import {
  CheckResult, compareLargeObjects, compareRowCount, countRows, FreshnessCheck, listRestoredTables,
  prepareCheckSession, RowCountPolicy, runFreshnessCheck, runSqlCheck, SqlCheck,
} from '../shared/checks';
import { largeObjectTotals } from '../shared/large-objects';
import { VerificationError, VerificationStage } from './errors';
import { parseManifest } from './manifest';
import { ArchiveToc, deadlineError, hasTableData, listArchive, parseQualifiedTable, QualifiedTable, restoreArchive } from './restore';
import {
  createScratchDatabase, dropScratchDatabase, findStaleScratchDatabases, scratchDatabaseName,
} from './scratch';
import { assertNotProduction, DatabaseTarget, HostResolver } from './target';

/** What to verify and how; `readVerifyConfig` builds it from the VERIFY_* environment. */
export interface VerifyOptions {
  /** Logical database name: the key segment `<prefix><database>/` and the metric dimension. */
  readonly database: string;
  readonly bucket: string;
  /** Key prefix ('' or ending in '/'). */
  readonly prefix: string;
  /** Account that must own the bucket (`ExpectedBucketOwner`). @default - not checked */
  readonly expectedBucketOwner?: string;
  /** The production database; the scratch target must never be it. */
  readonly productionTarget: DatabaseTarget;
  readonly rowCounts: RowCountPolicy;
  readonly freshnessChecks: readonly FreshnessCheck[];
  readonly sqlChecks: readonly SqlCheck[];
  /** pg_restore -j. */
  readonly restoreJobs: number;
  /** `schema.table`: restore and check only this table (seed 002). @default - the whole database */
  readonly singleTable?: string;
  /** Directory for the downloaded dump (Lambda: /tmp). */
  readonly workDir: string;
  /** Scratch databases older than this are left over from crashed runs and dropped. @default 3600 */
  readonly staleScratchAfterSeconds?: number;
  /** statement_timeout of each SQL check. @default 300 */
  readonly sqlCheckTimeoutSeconds?: number;
  /** Interval of the progress lines (download: bytes and rate; restore: scratch database size). @default 15000 */
  readonly progressIntervalMs?: number;
  /** pg_restore binary. @default 'pg_restore' (from PATH) */
  readonly pgRestore?: string;
  /**
   * Leave the scratch database in place when the run succeeds (it is still dropped on failure); the caller
   * must drop it. For tests and restore drills that look at the restored data; never set by the handler.
   * @default false
   */
  readonly keepScratchDatabase?: boolean;
}

/** The clients and context a verification runs with. */
export interface VerifyDeps {
  readonly s3: S3Client;
  /** The scratch server; its `secret.dbname` (or `database`) is the maintenance database CREATE/DROP DATABASE run in. */
  readonly scratch: ConnectionOptions;
  readonly clock: () => Date;
  readonly metrics: MetricsRecorder;
  readonly logger: Logger;
  /** Aborts the run (the handler's deadline): S3 and pg_restore are stopped, the scratch database is still dropped. */
  readonly signal?: AbortSignal;
  /** Host resolver of the production-target guard. @default - the system resolver */
  readonly resolveHost?: HostResolver;
}

export interface VerifyResult {
  /** The dump that was verified. */
  readonly key: string;
  readonly manifest: DumpManifest;
  /** Newer dumps skipped because they have no manifest (yet), newest first. */
  readonly skippedWithoutManifest: readonly string[];
  /** The scratch database the dump was restored into (dropped unless `keepScratchDatabase`). */
  readonly scratchDatabase: string;
  readonly staleDatabasesDropped: readonly string[];
  readonly restoreDurationSeconds: number;
  /** End of the run minus the dump's `startedAt`. */
  readonly verifiedBackupAgeSeconds: number;
  readonly checks: readonly CheckResult[];
}

const DEFAULT_STALE_SCRATCH_AFTER_SECONDS = 3600;
const DEFAULT_SQL_CHECK_TIMEOUT_SECONDS = 300;
const DEFAULT_PROGRESS_INTERVAL_MS = 15_000;
/** Free space the download leaves in the work directory beyond the dump itself. */
const FREE_SPACE_MARGIN_BYTES = 16 * 1024 * 1024;

/**
 * Verifies the newest dump of `options.database` that has a manifest. Records VerificationSuccess (1 or 0),
 * VerifiedBackupAgeSeconds (success) and RestoreDurationSeconds (download and pg_restore, when pg_restore ran) and flushes the
 * metrics, on failure too; a failure is rethrown as a `VerificationError` saying what failed and what to check.
 */
export async function verifyNewestDump(deps: VerifyDeps, options: VerifyOptions): Promise<VerifyResult> {
  const timing: { restoreSeconds?: number } = {};
  try {
    const result = await runVerification(deps, options, timing);
    recordJobMetric(deps.metrics, JOB_METRIC.VERIFICATION_SUCCESS, 1);
    recordJobMetric(deps.metrics, JOB_METRIC.VERIFIED_BACKUP_AGE_SECONDS, result.verifiedBackupAgeSeconds);
    recordJobMetric(deps.metrics, JOB_METRIC.RESTORE_DURATION_SECONDS, result.restoreDurationSeconds);
    deps.logger.info('verification passed', {
      key: result.key, verifiedBackupAgeSeconds: result.verifiedBackupAgeSeconds,
      restoreDurationSeconds: result.restoreDurationSeconds, checks: result.checks.length,
      skippedChecks: result.checks.filter((c) => c.status === 'skipped').length,
    });
    return result;
  } catch (err) {
    recordJobMetric(deps.metrics, JOB_METRIC.VERIFICATION_SUCCESS, 0);
    if (timing.restoreSeconds !== undefined) {
      recordJobMetric(deps.metrics, JOB_METRIC.RESTORE_DURATION_SECONDS, timing.restoreSeconds);
    }
    // Every step wraps its errors in a VerificationError; this covers what a step did not foresee.
    const error = err instanceof VerificationError ? err : new VerificationError('config', errorMessage(err), { cause: err });
    deps.logger.error('verification failed', { stage: error.stage, error: error.message });
    throw error;
  } finally {
    deps.metrics.flush();
  }
}

/** Runs `fn`; an error that is not yet a VerificationError becomes one of `stage`, prefixed with `what` and followed by `hint`. */
async function step<T>(stage: VerificationStage, what: string, hint: string, signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof VerificationError) throw err;
    if (signal?.aborted) throw deadlineError(what);
    throw new VerificationError(stage, `${what} failed: ${errorMessage(err)}; ${hint}`, { cause: err });
  }
}

/**
 * Runs `body`, then `cleanup` whatever happened. A cleanup failure after a failed body is added to the
 * body's error; after a successful body it fails the run (stage `scratch`): nothing is left behind silently.
 */
async function withCleanup<T>(body: () => Promise<T>, what: string, cleanup: () => Promise<void>): Promise<T> {
  let result: T;
  try {
    result = await body();
  } catch (err) {
    try {
      await cleanup();
    } catch (cleanupErr) {
      const stage = err instanceof VerificationError ? err.stage : 'scratch';
      throw new VerificationError(stage, `${errorMessage(err)}; in addition, ${what} failed: ${errorMessage(cleanupErr)}`, { cause: err });
    }
    throw err;
  }
  try {
    await cleanup();
  } catch (cleanupErr) {
    throw new VerificationError('scratch', `the dump verified, but ${what} failed: ${errorMessage(cleanupErr)}`, { cause: cleanupErr });
  }
  return result;
}

async function runVerification(deps: VerifyDeps, options: VerifyOptions, timing: { restoreSeconds?: number }): Promise<VerifyResult> {
  const { logger, signal } = deps;
  const singleTable = options.singleTable === undefined ? undefined : parseQualifiedTable(options.singleTable, 'singleTable');
  let listPrefix: string;
  try {
    listPrefix = dumpKeyPrefix(options.prefix, options.database);
  } catch (err) {
    throw new VerificationError('config', `${errorMessage(err)} (VERIFY_DATABASE)`, { cause: err });
  }
  const scratchDatabase = scratchDatabaseName(deps.clock());
  const maintenanceDatabase = deps.scratch.database ?? deps.scratch.secret.dbname;

  // 1. Never restore into production: checked before anything is downloaded or created.
  await assertNotProduction(
    { host: deps.scratch.secret.host, port: deps.scratch.secret.port, database: maintenanceDatabase },
    scratchDatabase, options.productionTarget, logger, deps.resolveHost,
  );

  // 2. The newest dump that has a manifest.
  const selected = await selectNewestDump(deps, options, listPrefix);
  const { key, manifest } = selected;
  logger.appendKeys({ bucket: options.bucket, key });
  logger.info('selected dump', {
    startedAt: manifest.startedAt, sizeBytes: manifest.sizeBytes, tables: manifest.tables.length,
    skippedWithoutManifest: selected.skipped,
  });
  const where = `s3://${options.bucket}/${key}`;
  const pgDumpRun = `check the pg-dump log of the run started ${manifest.startedAt} and the object's versions in the bucket`;
  if (selected.listedSize !== manifest.sizeBytes) {
    throw new VerificationError('integrity',
      `size mismatch for ${where}: the object has ${selected.listedSize} bytes, its manifest says ${manifest.sizeBytes}; `
      + `the dump is truncated or was replaced — ${pgDumpRun}`);
  }

  const workDir = await step('download', `creating a work directory in ${options.workDir}`,
    'check that the directory exists and is writable', signal,
    () => fs.mkdtemp(path.join(options.workDir, 'verify-dump-')));
  return withCleanup(async () => {
    // 3. Download to a file, hashing while writing; compare with the manifest. RestoreDurationSeconds counts from here.
    const downloadStarted = process.hrtime.bigint();
    const file = path.join(workDir, 'dump');
    await checkFreeSpace(options.workDir, manifest.sizeBytes, signal);
    const downloaded = await step('download', `downloading ${where}`,
      'check the function\'s s3:GetObject and kms:Decrypt permissions and the bucket owner', signal,
      () => downloadToFile(deps, options, key, file));
    if (downloaded.bytes !== manifest.sizeBytes) {
      throw new VerificationError('integrity',
        `size mismatch for ${where}: downloaded ${downloaded.bytes} bytes, the manifest says ${manifest.sizeBytes}; `
        + `the dump is truncated — ${pgDumpRun}`);
    }
    if (downloaded.sha256 !== manifest.sha256) {
      throw new VerificationError('integrity',
        `sha256 mismatch for ${where}: downloaded ${downloaded.sha256}, the manifest says ${manifest.sha256}; `
        + `the dump is corrupted — ${pgDumpRun}`);
    }
    logger.info('size and sha256 match the manifest', { sizeBytes: downloaded.bytes, sha256: downloaded.sha256 });

    // 4. The archive is readable.
    const pgRestore = options.pgRestore ?? 'pg_restore';
    const restoreMajor = await step('archive', `${pgRestore} --version`, 'check the PostgreSQL client in the image', signal,
      () => clientMajor(pgRestore));
    const toc = await step('archive', `${pgRestore} --list`, 'check the PostgreSQL client in the image', signal,
      () => listArchive(pgRestore, file, restoreMajor, manifest.clientMajor, signal));
    logger.info('archive readable', { tocEntries: toc.entries, dumpedFrom: toc.dumpedFrom, dumpedBy: toc.dumpedBy, pgRestoreMajor: restoreMajor });
    if (singleTable) assertTableInArchive(toc, singleTable, where);

    // 5. Scratch database: clean up after crashed runs, create, restore, check, drop.
    const scratchAdmin = await step('scratch', 'connecting to the scratch server',
      'check the verify secret (VERIFY_SECRET_ARN), the scratch server and the security group', signal,
      () => connect({ ...deps.scratch, applicationName: 'cdk-backup-dr verify-dump' }));
    return withCleanup(async () => {
      await warnOnOlderScratchServer(scratchAdmin, manifest, logger);
      const staleDatabasesDropped = await dropStaleScratchDatabases(deps, options, scratchAdmin);
      await step('scratch', `CREATE DATABASE ${scratchDatabase}`,
        'check that the scratch user may create databases (CREATEDB) and the scratch server has space', signal,
        () => createScratchDatabase(scratchAdmin, scratchDatabase));
      logger.info('created scratch database', { scratchDatabase });
      let keep = false;
      const result = await withCleanup(async () => {
        const progress = restoreProgress(scratchAdmin, scratchDatabase, logger, options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS);
        try {
          await step('restore', 'pg_restore', 'check the PostgreSQL client in the image', signal, () => restoreArchive({
            pgRestore, file, database: scratchDatabase, jobs: options.restoreJobs, singleTable, signal,
            libpq: libpqEnv(deps.scratch),
          }));
        } finally {
          timing.restoreSeconds = Math.round(Number(process.hrtime.bigint() - downloadStarted) / 1e6) / 1000;
          await progress.stop();
        }
        logger.info('restored', { scratchDatabase, restoreDurationSeconds: timing.restoreSeconds, jobs: options.restoreJobs, singleTable: options.singleTable });
        const checks = await runChecks(deps, options, manifest, scratchDatabase, singleTable);
        keep = options.keepScratchDatabase === true;
        return checks;
      }, `dropping scratch database ${scratchDatabase}`, async () => {
        if (keep) {
          logger.warn('keeping the scratch database as asked (keepScratchDatabase); the caller drops it', { scratchDatabase });
          return;
        }
        await dropScratchDatabase(scratchAdmin, scratchDatabase);
        logger.info('dropped scratch database', { scratchDatabase });
      });
      const finished = deps.clock();
      return {
        key,
        manifest,
        skippedWithoutManifest: selected.skipped,
        scratchDatabase,
        staleDatabasesDropped,
        restoreDurationSeconds: timing.restoreSeconds ?? 0,
        verifiedBackupAgeSeconds: Math.max(0, Math.round((finished.getTime() - Date.parse(manifest.startedAt)) / 1000)),
        checks: result,
      };
    }, 'closing the scratch server connection', () => scratchAdmin.end());
  }, `removing the downloaded dump in ${workDir}`, () => fs.rm(workDir, { recursive: true, force: true }));
}

interface SelectedDump {
  readonly key: string;
  readonly manifest: DumpManifest;
  readonly listedSize: number;
  readonly skipped: string[];
}

async function selectNewestDump(deps: VerifyDeps, options: VerifyOptions, listPrefix: string): Promise<SelectedDump> {
  const { s3, logger, signal } = deps;
  const location = `s3://${options.bucket}/${listPrefix}`;
  const sizes = await step('select', `listing ${location}`,
    'check VERIFY_BUCKET, VERIFY_BUCKET_OWNER and the function\'s s3:ListBucket permission on the prefix', signal,
    () => listDumpObjects(s3, options.bucket, listPrefix, options.expectedBucketOwner, signal));
  checkNewestManifestHasDump(deps, options, sizes);
  const dumps = dumpKeysNewestFirst([...sizes.keys()]);
  if (dumps.length === 0) {
    throw new VerificationError('select',
      `no dump found under ${location}; check that the PgDumpJob of '${options.database}' runs and writes to this `
      + 'bucket and prefix (VERIFY_BUCKET, VERIFY_PREFIX, VERIFY_DATABASE)');
  }
  const skipped: string[] = [];
  for (const key of dumps) {
    const mKey = manifestKey(key);
    if (!sizes.has(mKey)) {
      logger.warn('skipping a dump without a manifest (a dump still running, or one that failed before writing it)', { skippedKey: key });
      skipped.push(key);
      continue;
    }
    const text = await step('select', `reading s3://${options.bucket}/${mKey}`,
      'check the function\'s s3:GetObject and kms:Decrypt permissions', signal,
      async () => {
        const res = await s3.send(new GetObjectCommand({
          Bucket: options.bucket, Key: mKey, ExpectedBucketOwner: options.expectedBucketOwner,
        }), { abortSignal: signal });
        if (!res.Body) throw new Error('the response has no body');
        return res.Body.transformToString('utf8');
      });
    const manifest = parseManifest(text, `s3://${options.bucket}/${mKey}`, key, options.database);
    return { key, manifest, listedSize: sizes.get(key) ?? 0, skipped };
  }
  throw new VerificationError('select',
    `manifest missing: none of the ${dumps.length} dump(s) under ${location} has a <key>${MANIFEST_SUFFIX} (newest: ${dumps[0]}); `
    + 'pg-dump writes the manifest after the dump completed — check the pg-dump log of those runs');
}

/**
 * The newest manifest must have its dump beside it: a manifest is written only after its dump object completed, so
 * a manifest alone means the newest backup was lost (deleted, or overwritten and expired). Verifying an older dump
 * instead would hide that. Records NewestDumpMissing 1 (and throws) or 0.
 */
function checkNewestManifestHasDump(deps: VerifyDeps, options: VerifyOptions, sizes: ReadonlyMap<string, number>): void {
  const described = [...sizes.keys()].filter((k) => k.endsWith(MANIFEST_SUFFIX)).map((k) => k.slice(0, -MANIFEST_SUFFIX.length));
  const newest = dumpKeysNewestFirst(described)[0];
  if (newest === undefined) {
    return;
  }
  const missing = !sizes.has(newest);
  recordJobMetric(deps.metrics, JOB_METRIC.NEWEST_DUMP_MISSING, missing ? 1 : 0);
  if (missing) {
    throw new VerificationError('select',
      `newest dump missing: the manifest s3://${options.bucket}/${manifestKey(newest)} describes ${newest}, but that object `
      + 'is not in the bucket, so the newest backup is lost; older dumps were not verified in its place. Check the '
      + "object's versions and delete markers, the bucket's lifecycle rules and CloudTrail for who removed it, and "
      + 'run the PgDumpJob now for a fresh dump');
  }
}

async function checkFreeSpace(dir: string, needed: number, signal: AbortSignal | undefined): Promise<void> {
  const stats = await step('download', `reading the free space of ${dir}`, 'check the work directory', signal, () => fs.statfs(dir));
  const free = stats.bavail * stats.bsize;
  if (free < needed + FREE_SPACE_MARGIN_BYTES) {
    throw new VerificationError('download',
      `the dump has ${needed} bytes but ${dir} has only ${free} bytes free; raise the function's ephemeral storage `
      + '(up to 10 GiB in Lambda) or verify from a larger work directory');
  }
}

async function downloadToFile(deps: VerifyDeps, options: VerifyOptions, key: string, file: string): Promise<Downloaded> {
  let bytes = 0;
  const progress = startProgress(deps.logger, {
    intervalMs: options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS, bytes: () => bytes, message: 'downloading',
  });
  try {
    return await downloadHashing(deps.s3, {
      bucket: options.bucket, key, expectedBucketOwner: options.expectedBucketOwner, file, signal: deps.signal,
      onBytes: (n) => { bytes = n; },
    });
  } finally {
    deps.logger.info('downloaded', { ...progress.stop() });
  }
}

function assertTableInArchive(toc: ArchiveToc, t: QualifiedTable, where: string): void {
  if (!hasTableData(toc, t)) {
    throw new VerificationError('archive',
      `the dump ${where} holds no data for table ${t.schema}.${t.table} (VERIFY_SINGLE_TABLE); check the schema and table `
      + 'name (case matters), and name a partition rather than a partitioned table, whose rows live in its partitions');
  }
}

async function warnOnOlderScratchServer(admin: Client, manifest: DumpManifest, logger: Logger): Promise<void> {
  const scratchVersion = await step('scratch', 'reading the scratch server version', 'check the scratch server', undefined,
    () => serverVersionNum(admin));
  if (majorOfVersionNum(scratchVersion) < majorOfVersionNum(manifest.serverVersionNum)) {
    logger.warn('the scratch server is older than the source; the restore may fail on newer syntax', {
      scratchServerVersionNum: scratchVersion, sourceServerVersionNum: manifest.serverVersionNum,
    });
  }
}

async function dropStaleScratchDatabases(deps: VerifyDeps, options: VerifyOptions, admin: Client): Promise<string[]> {
  const maxAge = options.staleScratchAfterSeconds ?? DEFAULT_STALE_SCRATCH_AFTER_SECONDS;
  const stale = await step('scratch', 'listing stale scratch databases', 'check the scratch server', deps.signal,
    () => findStaleScratchDatabases(admin, deps.clock(), maxAge));
  for (const name of stale) {
    await step('scratch', `dropping stale scratch database ${name}`,
      'it is left over from a crashed run: check that the scratch user owns it, or drop it by hand', deps.signal,
      () => dropScratchDatabase(admin, name));
    deps.logger.warn('dropped a stale scratch database left by a crashed run', { staleDatabase: name, olderThanSeconds: maxAge });
  }
  return stale;
}

/**
 * Logs the size of the scratch database while pg_restore runs (`restoring`, bytes so far and rate), read with
 * the otherwise idle maintenance connection. `stop()` waits for a size query in flight.
 */
function restoreProgress(admin: Client, database: string, logger: Logger, intervalMs: number): { stop(): Promise<void> } {
  const started = process.hrtime.bigint();
  let inFlight: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    inFlight = admin.query<{ size: string }>('select pg_database_size($1)::text as size', [database]).then(
      (r) => logger.info('restoring', { scratchDatabase: database, ...progressFigures(Number(r.rows[0].size), Number(process.hrtime.bigint() - started) / 1e9) }),
      (err: unknown) => logger.warn('could not read the scratch database size for a progress line', { error: errorMessage(err) }),
    );
  }, intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await inFlight;
    },
  };
}

async function runChecks(
  deps: VerifyDeps, options: VerifyOptions, manifest: DumpManifest, scratchDatabase: string, single: QualifiedTable | undefined,
): Promise<CheckResult[]> {
  const client = await step('checks', `connecting to scratch database ${scratchDatabase}`, 'check the scratch server', deps.signal,
    () => connect({ ...deps.scratch, database: scratchDatabase, applicationName: 'cdk-backup-dr verify-dump' }));
  const singleName = single ? `${single.schema}.${single.table}` : undefined;
  const results: CheckResult[] = [];
  try {
    await prepareCheckSession(client);
    const restored = await listRestoredTables(client);

    // Row counts against the manifest.
    const entries = singleName ? manifest.tables.filter((t) => t.name === singleName) : manifest.tables;
    if (singleName && entries.length === 0) {
      results.push({ kind: 'rowCount', name: singleName, status: 'skipped', detail: `${singleName}: not listed in the manifest; row count not compared` });
    }
    // A relation of the manifest: its restored row count against the manifest's, or missing.
    const compareListed = async (entry: ManifestTable, what: string): Promise<CheckResult> => {
      const relation = restored.get(entry.name);
      return relation
        ? compareRowCount(entry, await countRows(client, relation), options.rowCounts)
        : { kind: 'rowCount', name: entry.name, status: 'failed', detail: `${entry.name}: ${what}listed in the manifest but missing from the restored database` };
    };
    for (const entry of entries) {
      results.push(await compareListed(entry, ''));
    }
    if (!singleName) {
      // Materialized views (pg_restore refreshes the populated ones) and large objects, when the manifest has them.
      for (const entry of manifest.materializedViews ?? []) {
        results.push(await compareListed(entry, 'materialized view '));
      }
      if (manifest.largeObjects) {
        results.push(compareLargeObjects(manifest.largeObjects, await largeObjectTotals(client)));
      }
      const listed = new Set(manifest.tables.map((t) => t.name));
      // The manifest lists tables and leaf partitions; a partitioned table holds no rows of its own.
      const unlisted = [...restored.values()].filter((t) => t.relkind === 'r').map((t) => `${t.schema}.${t.table}`)
        .filter((name) => !listed.has(name));
      if (unlisted.length > 0) deps.logger.warn('restored tables that the manifest does not list (not compared)', { tables: unlisted });
    }

    // Newest timestamps.
    for (const check of options.freshnessChecks) {
      const name = `${check.table}.${check.column}`;
      if (singleName && check.table !== singleName) {
        results.push({ kind: 'freshness', name, status: 'skipped', detail: `${name}: not the single table ${singleName}` });
        continue;
      }
      results.push(await runFreshnessCheck(client, restored, check, new Date(manifest.startedAt)));
    }

    // Custom SQL.
    for (const check of options.sqlChecks) {
      results.push(singleName
        ? { kind: 'sql', name: check.name, status: 'skipped', detail: `SQL check '${check.name}': skipped in single-table mode (the other tables are empty)` }
        : await runSqlCheck(client, check, options.sqlCheckTimeoutSeconds ?? DEFAULT_SQL_CHECK_TIMEOUT_SECONDS));
    }
  } catch (err) {
    if (err instanceof VerificationError) throw err;
    throw new VerificationError('checks', `querying scratch database ${scratchDatabase} failed: ${errorMessage(err)}; check the scratch server`, { cause: err });
  } finally {
    await client.end();
  }

  for (const r of results) {
    const fields = { check: r.kind, name: r.name, status: r.status, detail: r.detail };
    if (r.status === 'failed') deps.logger.warn('check failed', fields);
    else deps.logger.info(`check ${r.status}`, fields);
  }
  const failed = results.filter((r) => r.status === 'failed');
  if (failed.length > 0) {
    throw new VerificationError('checks',
      `${failed.length} of ${results.length} checks failed on ${manifest.key}: ${failed.map((r) => r.detail).join('; ')}; `
      + `compare with the source database and check the pg-dump log of the run started ${manifest.startedAt}`);
  }
  return results;
}
