// verify-dump against a real PostgreSQL server and a real S3 API (s3rver), both on loopback. The dumps are made
// here with the harness's pg_dump -Fc and a manifest per the job contract, so these tests do not depend on
// the pg-dump handler. Secrets Manager is mocked (aws-sdk-client-mock) for the thin-handler test only.

import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { DumpManifest, JOB_METRIC, JOB_METRICS_NAMESPACE, VERIFY_ENV } from '../../lib/private/job-contract';
import { dumpKey, manifestKey } from '../../lambda/shared/keys';
import { createJobLogger, Logger } from '../../lambda/shared/logger';
import { InMemoryMetricsRecorder } from '../../lambda/shared/metrics';
import {
  DEFAULT_ROW_COUNT_POLICY, handler, scratchDatabaseName, VerificationError, VerifyDeps, VerifyOptions, verifyNewestDump,
} from '../../lambda/verify-dump';
import { captureHandlerOutput, HandlerOutput } from '../lambda/handler-output';
import { PostgresServer, S3Server, startPostgres, startS3 } from './harness';

const BUCKET = 'dumps';
const SOURCE_DB = 'shop';
const HOUR = 3600;

let pg: PostgresServer;
let s3: S3Server;
let sourceDump: Buffer;
/** The newest `orders.created_at` in the source (epoch seconds). */
let newestOrder: number;
let workRoot: string;
let caseNo = 0;

/** Row counts of the source tables, as pg-dump would write them. */
const SOURCE_TABLES = [
  { name: 'public.customers', rows: 50, exact: true },
  { name: 'public.orders', rows: 300, exact: true },
  { name: 'public.empty_table', rows: 0, exact: true },
  { name: 'sales.invoices', rows: 120, exact: true },
];

beforeAll(async () => {
  [pg, s3] = await Promise.all([startPostgres(), startS3()]);
  await s3.createBucket(BUCKET);
  await pg.createDatabase(SOURCE_DB);
  await pg.withClient(SOURCE_DB, async (c) => {
    await c.query(`
      create table customers (id serial primary key, name text not null);
      insert into customers (name) select 'customer ' || g from generate_series(1, 50) g;
      create table orders (
        id bigint generated always as identity primary key,
        customer_id int not null references customers(id),
        amount numeric(12, 2) not null,
        created_at timestamptz not null);
      insert into orders (customer_id, amount, created_at)
        select 1 + g % 50, g * 1.25, now() - interval '1 hour' - g * interval '1 minute' from generate_series(1, 300) g;
      create table empty_table (id int, created_at timestamptz);
      create schema sales;
      create type sales.status as enum ('open', 'paid');
      create table sales.invoices (id serial primary key, status sales.status not null, issued date not null);
      insert into sales.invoices (status, issued) select 'paid', current_date - g from generate_series(1, 120) g;`);
    const r = await c.query<{ e: number }>('select extract(epoch from max(created_at))::float8 as e from orders');
    newestOrder = r.rows[0].e;
  });
  sourceDump = (await pg.run('pg_dump', ['--format=custom'], { database: SOURCE_DB })).stdout;
  workRoot = await fs.mkdtemp(path.join(os.tmpdir(), 'verify-dump-test-'));
});

afterAll(async () => {
  await Promise.all([pg?.stop(), s3?.stop()]);
  if (workRoot) await fs.rm(workRoot, { recursive: true, force: true });
});

afterEach(async () => {
  // A leftover scratch database of one test must not mask the next test's assertion.
  for (const name of await scratchDatabases()) await pg.dropDatabase(name);
});

function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

function manifestFor(key: string, body: Buffer, startedAt: Date, overrides: Partial<DumpManifest> = {}): DumpManifest {
  return {
    formatVersion: 1,
    database: SOURCE_DB,
    key,
    sizeBytes: body.length,
    sha256: sha256(body),
    startedAt: startedAt.toISOString(),
    durationSeconds: 1,
    serverVersionNum: pg.major * 10000,
    clientMajor: pg.major,
    compression: 'gzip:6',
    tables: SOURCE_TABLES,
    ...overrides,
  };
}

interface Upload {
  /** Bytes of the dump object; default the source dump. */
  readonly body?: Buffer;
  /** Time in the key and the manifest; default now. */
  readonly startedAt?: Date;
  /** The manifest to write; `null` writes none; default a correct one for `manifestOf` (default `body`). */
  readonly manifest?: Partial<DumpManifest> | null;
  /** The bytes the manifest describes (size and sha256), when they differ from `body`. */
  readonly manifestOf?: Buffer;
}

/** Uploads a dump (and its manifest) under `prefix`; returns its key. */
async function upload(prefix: string, u: Upload = {}): Promise<string> {
  const body = u.body ?? sourceDump;
  const startedAt = u.startedAt ?? new Date();
  const key = dumpKey(prefix, SOURCE_DB, startedAt);
  await s3.putObject(BUCKET, key, body);
  if (u.manifest !== null) {
    await s3.putObject(BUCKET, manifestKey(key),
      JSON.stringify(manifestFor(key, u.manifestOf ?? body, startedAt, u.manifest ?? {})));
  }
  return key;
}

async function scratchDatabases(): Promise<string[]> {
  const r = await pg.query<{ datname: string }>("select datname from pg_database where datname like 'verify\\_%' order by 1");
  return r.rows.map((row) => row.datname);
}

interface Run {
  readonly deps: VerifyDeps;
  readonly options: VerifyOptions;
  readonly metrics: InMemoryMetricsRecorder;
  readonly logger: Logger;
}

/** A fresh prefix, work dir, metrics recorder and logger; the scratch server is the test server's `postgres` database. */
async function newRun(overrides: Partial<VerifyOptions> = {}, deps: Partial<VerifyDeps> = {}): Promise<Run & { prefix: string }> {
  caseNo += 1;
  const prefix = `case${caseNo}/`;
  const workDir = path.join(workRoot, `case${caseNo}`);
  await fs.mkdir(workDir);
  const metrics = new InMemoryMetricsRecorder();
  const logger = createJobLogger('verify-dump', SOURCE_DB, { logLevel: 'SILENT' });
  return {
    prefix,
    metrics,
    logger,
    deps: {
      s3: s3.client,
      scratch: { secret: pg.secret('postgres'), sslMode: 'disable' },
      clock: () => new Date(),
      metrics,
      logger,
      ...deps,
    },
    options: {
      database: SOURCE_DB,
      bucket: BUCKET,
      prefix,
      // The source lives on the same test server, in another database: allowed, with a warning.
      productionTarget: { host: '127.0.0.1', port: pg.port, database: SOURCE_DB },
      rowCounts: DEFAULT_ROW_COUNT_POLICY,
      freshnessChecks: [{ table: 'public.orders', column: 'created_at', maxAgeSeconds: 2 * HOUR }],
      sqlChecks: [{ name: 'every order has a customer', sql: 'select count(*) = 0 from orders o left join customers c on c.id = o.customer_id where c.id is null' }],
      restoreJobs: 2,
      workDir,
      pgRestore: pg.bin('pg_restore'),
      ...overrides,
    },
  };
}

/** Runs a verification that must fail; asserts the failure metric, no scratch database and no downloaded file. */
async function expectFailure(run: Run, stage: string, message: RegExp): Promise<VerificationError> {
  let error: unknown;
  try {
    await verifyNewestDump(run.deps, run.options);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(VerificationError);
  const v = error as VerificationError;
  expect({ stage: v.stage, message: v.message }).toEqual({ stage, message: expect.stringMatching(message) });
  expect(run.metrics.values(JOB_METRIC.VERIFICATION_SUCCESS)).toEqual([0]);
  expect(run.metrics.values(JOB_METRIC.VERIFIED_BACKUP_AGE_SECONDS)).toEqual([]);
  expect(run.metrics.pending).toEqual([]);
  expect(await scratchDatabases()).toEqual([]);
  expect(await fs.readdir(run.options.workDir)).toEqual([]);
  return v;
}

/** Calls `fn` with the fields of every `logger.info(message, fields)` line with this message; returns the spy. */
function onInfo(logger: Logger, message: string, fn: (fields: Record<string, unknown>) => void): jest.SpyInstance {
  return jest.spyOn(logger, 'info').mockImplementation(((m: unknown, fields?: Record<string, unknown>) => {
    if (m === message) fn(fields ?? {});
  }) as Logger['info']);
}

function dumpGets(key: string): number {
  return s3.requests.filter((r) => r.method === 'GET' && decodeURIComponent(r.path) === `/${BUCKET}/${key}`).length;
}

describe('verifyNewestDump', () => {
  test('RestoreDurationSeconds counts the download as well as pg_restore: the time a restore from the bucket takes', async () => {
    // A client whose GetObject of the dump answers 1.5 s late (a slow link): the measured restore includes it.
    const slow = new S3Client(s3.clientConfig());
    slow.middlewareStack.add((next, context) => async (args) => {
      if (context.commandName === 'GetObjectCommand' && !String((args.input as { Key?: string }).Key).endsWith('.manifest.json')) {
        await new Promise((resolve) => setTimeout(resolve, 1500));
      }
      return next(args);
    }, { step: 'initialize', name: 'slowDumpDownload' });
    const run = await newRun({}, { s3: slow });
    await upload(run.prefix);
    const result = await verifyNewestDump(run.deps, run.options);
    expect(result.restoreDurationSeconds).toBeGreaterThanOrEqual(1.5);
    expect(run.metrics.values(JOB_METRIC.RESTORE_DURATION_SECONDS)).toEqual([result.restoreDurationSeconds]);
    slow.destroy();
  });

  test('a good dump verifies: metrics 1, every check passed, scratch database dropped, file removed', async () => {
    const run = await newRun({ progressIntervalMs: 20 });
    const info = jest.spyOn(run.logger, 'info');
    const startedAt = new Date(Date.now() - 90_000);
    const key = await upload(run.prefix, { startedAt });
    const result = await verifyNewestDump(run.deps, run.options);
    expect(info).toHaveBeenCalledWith('downloaded', expect.objectContaining({ bytes: sourceDump.length }));
    expect(info).toHaveBeenCalledWith('restoring', expect.objectContaining({ scratchDatabase: result.scratchDatabase, bytes: expect.any(Number) }));

    expect(result.key).toBe(key);
    expect(result.scratchDatabase).toMatch(/^verify_\d{17}$/);
    expect(result.checks.map((c) => [c.kind, c.name, c.status])).toEqual([
      ['rowCount', 'public.customers', 'passed'],
      ['rowCount', 'public.orders', 'passed'],
      ['rowCount', 'public.empty_table', 'passed'],
      ['rowCount', 'sales.invoices', 'passed'],
      ['freshness', 'public.orders.created_at', 'passed'],
      ['sql', 'every order has a customer', 'passed'],
    ]);
    expect(run.metrics.values(JOB_METRIC.VERIFICATION_SUCCESS)).toEqual([1]);
    const [age] = run.metrics.values(JOB_METRIC.VERIFIED_BACKUP_AGE_SECONDS);
    expect(age).toBeGreaterThanOrEqual(90);
    expect(age).toBeLessThan(90 + 60);
    expect(run.metrics.values(JOB_METRIC.RESTORE_DURATION_SECONDS)).toEqual([result.restoreDurationSeconds]);
    expect(result.restoreDurationSeconds).toBeGreaterThan(0);
    expect(run.metrics.pending).toEqual([]);
    expect(await scratchDatabases()).toEqual([]);
    expect(await fs.readdir(run.options.workDir)).toEqual([]);
  });

  test('skips a newer dump without a manifest, with a warning, and verifies the newest one that has one', async () => {
    const run = await newRun();
    const warn = jest.spyOn(run.logger, 'warn');
    const older = await upload(run.prefix, { startedAt: new Date(Date.now() - 2 * 86400_000) });
    const newer = await upload(run.prefix, { startedAt: new Date(Date.now() - 60_000), manifest: null });
    const result = await verifyNewestDump(run.deps, { ...run.options, freshnessChecks: [] });
    expect(result.key).toBe(older);
    expect(result.skippedWithoutManifest).toEqual([newer]);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/without a manifest/), { skippedKey: newer });
    expect(dumpGets(newer)).toBe(0);
    // The age is that of the dump actually verified, so the staleness alarm sees the gap.
    expect(run.metrics.values(JOB_METRIC.VERIFIED_BACKUP_AGE_SECONDS)[0]).toBeGreaterThanOrEqual(2 * 86400);
  });

  test('fails when no dump has a manifest: "manifest missing"', async () => {
    const run = await newRun();
    await upload(run.prefix, { manifest: null, startedAt: new Date(Date.now() - 120_000) });
    const newest = await upload(run.prefix, { manifest: null });
    await expectFailure(run, 'select', new RegExp(`^manifest missing: none of the 2 dump\\(s\\) .*newest: ${newest}`));
  });

  test.each([
    ['an older dump with its manifest remains', true],
    ['nothing else remains', false],
  ])('fails when the newest manifest has no dump object beside it (%s): the newest backup is lost', async (_case, older) => {
    const run = await newRun();
    const kept = older ? await upload(run.prefix, { startedAt: new Date(Date.now() - 2 * 86400_000) }) : undefined;
    const startedAt = new Date(Date.now() - 60_000);
    const lost = dumpKey(run.prefix, SOURCE_DB, startedAt);
    await s3.putObject(BUCKET, manifestKey(lost), JSON.stringify(manifestFor(lost, sourceDump, startedAt, {})));
    await expectFailure(run, 'select', new RegExp(`^newest dump missing: the manifest s3://dumps/${manifestKey(lost)} describes ${lost}, `
      + 'but that object is not in the bucket, so the newest backup is lost; older dumps were not verified in its place'));
    expect(run.metrics.values(JOB_METRIC.NEWEST_DUMP_MISSING)).toEqual([1]);
    if (kept) {
      expect(dumpGets(kept)).toBe(0);
    }
  });

  test('records NewestDumpMissing 0 when the newest manifest has its dump', async () => {
    const run = await newRun();
    await upload(run.prefix);
    await verifyNewestDump(run.deps, { ...run.options, freshnessChecks: [] });
    expect(run.metrics.values(JOB_METRIC.NEWEST_DUMP_MISSING)).toEqual([0]);
  });

  test('fails when there is no dump at all', async () => {
    const run = await newRun();
    await expectFailure(run, 'select', /^no dump found under s3:\/\/dumps\/case\d+\/shop\/; check that the PgDumpJob/);
  });

  test('fails when the dump is truncated (size differs from the manifest), before downloading it', async () => {
    const run = await newRun();
    const key = await upload(run.prefix, { body: sourceDump.subarray(0, sourceDump.length - 100), manifestOf: sourceDump });
    await expectFailure(run, 'integrity',
      new RegExp(`^size mismatch for s3://dumps/${key}: the object has ${sourceDump.length - 100} bytes, its manifest says ${sourceDump.length}`));
    expect(dumpGets(key)).toBe(0);
  });

  test('fails when one byte of the dump is flipped: sha256 mismatch', async () => {
    const run = await newRun();
    const flipped = Buffer.from(sourceDump);
    flipped[Math.floor(flipped.length / 2)] ^= 0x01;
    const key = await upload(run.prefix, { body: flipped, manifestOf: sourceDump });
    await expectFailure(run, 'integrity',
      new RegExp(`^sha256 mismatch for s3://dumps/${key}: downloaded ${sha256(flipped)}, the manifest says ${sha256(sourceDump)}; the dump is corrupted`));
    expect(dumpGets(key)).toBe(1);
  });

  test('fails when the restored large objects are not those of the manifest (a dump that lost them)', async () => {
    const run = await newRun();
    await upload(run.prefix, { manifest: { largeObjects: { count: 2, bytes: 1002 } } });
    await expectFailure(run, 'checks', /large objects: 0 restored \(0 bytes\), manifest 2 \(1002 bytes\)/);
  });

  test('fails when a materialized view of the manifest is missing or short of rows after the restore', async () => {
    const run = await newRun();
    await upload(run.prefix, { manifest: { materializedViews: [{ name: 'public.order_totals', rows: 5, exact: true }] } });
    await expectFailure(run, 'checks', /public\.order_totals: materialized view listed in the manifest but missing from the restored database/);
  });

  test('a manifest of an older job, without large objects and materialized views, still verifies', async () => {
    const run = await newRun();
    await upload(run.prefix);
    const result = await verifyNewestDump(run.deps, { ...run.options, freshnessChecks: [] });
    expect(result.checks.filter((c) => c.kind === 'largeObjects')).toEqual([]);
  });

  test('fails when the manifest is not valid, naming the field', async () => {
    const run = await newRun();
    await upload(run.prefix, { manifest: { sha256: 'not-a-hash' } });
    await expectFailure(run, 'select', /^manifest s3:\/\/dumps\/.*\.manifest\.json is invalid: sha256 is not 64 lower-case hex digits/);
  });

  test.each([
    ['the scratch secret connects to the source database', { dbname: SOURCE_DB }, undefined, /connects to database 'shop' on 127\.0\.0\.1:\d+, which is the production database/],
    ['the production target spells the same server "localhost"', {}, 'postgres', /connects to database 'postgres' on 127\.0\.0\.1:\d+, which is the production database localhost:\d+\/postgres/],
  ])('fails when the scratch target is the source (%s): refused before any download or restore', async (_name, secret, productionDb, message) => {
    const run = await newRun();
    const key = await upload(run.prefix);
    const options = productionDb
      ? { ...run.options, productionTarget: { host: 'localhost', port: pg.port, database: productionDb } }
      : run.options;
    await expectFailure({ ...run, deps: { ...run.deps, scratch: { secret: pg.secret('postgres', secret), sslMode: 'disable' } }, options },
      'target', message);
    expect(dumpGets(key)).toBe(0);
    expect(run.metrics.values(JOB_METRIC.RESTORE_DURATION_SECONDS)).toEqual([]);
  });

  test('fails when a row count is outside the tolerance, naming the table and the numbers', async () => {
    const run = await newRun();
    // 300 rows restored; 304 in the manifest is 4 off, over 1 % (3).
    await upload(run.prefix, { manifest: { tables: SOURCE_TABLES.map((t) => (t.name === 'public.orders' ? { ...t, rows: 304 } : t)) } });
    const error = await expectFailure(run, 'checks',
      /^1 of 6 checks failed on .*: public\.orders: 300 rows restored, manifest 304 \(exact\), allowed difference 3 \(1 %\); compare with the source database/);
    expect(error.message).not.toMatch(/customers/);
    expect(run.metrics.values(JOB_METRIC.RESTORE_DURATION_SECONDS)).toHaveLength(1);
  });

  test('passes at the tolerance boundary (303 = 300 + 1 %) and skips small estimates', async () => {
    const run = await newRun();
    await upload(run.prefix, {
      manifest: {
        tables: SOURCE_TABLES.map((t) => (t.name === 'public.orders' ? { ...t, rows: 303 }
          : t.name === 'public.customers' ? { ...t, rows: 900, exact: false } : t)),
      },
    });
    const result = await verifyNewestDump(run.deps, run.options);
    expect(result.checks.filter((c) => c.kind === 'rowCount').map((c) => [c.name, c.status])).toEqual([
      ['public.customers', 'skipped'], ['public.orders', 'passed'], ['public.empty_table', 'passed'], ['sales.invoices', 'passed'],
    ]);
  });

  test('fails when a table of the manifest is missing from the restore', async () => {
    const run = await newRun();
    await upload(run.prefix, { manifest: { tables: [...SOURCE_TABLES, { name: 'public.gone', rows: 5, exact: true }] } });
    await expectFailure(run, 'checks', /public\.gone: listed in the manifest but missing from the restored database/);
  });

  test('fails when the newest timestamp is older than the freshness limit', async () => {
    const run = await newRun({
      freshnessChecks: [
        { table: 'public.orders', column: 'created_at', maxAgeSeconds: 2 * HOUR },
        { table: 'public.orders', column: 'created_at', maxAgeSeconds: 1800 },
      ],
    });
    const startedAt = new Date(Date.now());
    await upload(run.prefix, { startedAt });
    const expectedAge = Math.round(startedAt.getTime() / 1000 - newestOrder);
    const error = await expectFailure(run, 'checks', new RegExp(
      `^1 of 7 checks failed on .*: public\\.orders\\.created_at: newest value \\S+ is ${expectedAge} s older than the dump start \\S+, limit 1800 s;`));
    expect(expectedAge).toBeGreaterThan(1800);
    expect(error.message).not.toMatch(/limit 7200/);
  });

  test('fails when a freshness column does not exist, is no timestamp, or has no value', async () => {
    const run = await newRun({
      freshnessChecks: [
        { table: 'public.orders', column: 'no_such_column', maxAgeSeconds: HOUR },
        { table: 'public.orders', column: 'amount', maxAgeSeconds: HOUR },
        { table: 'public.empty_table', column: 'created_at', maxAgeSeconds: HOUR },
        { table: 'public.no_such_table', column: 'created_at', maxAgeSeconds: HOUR },
      ],
    });
    await upload(run.prefix);
    const error = await expectFailure(run, 'checks', /^4 of 9 checks failed/);
    expect(error.message).toMatch(/public\.orders\.no_such_column: column "no_such_column" does not exist \(check the column name/);
    expect(error.message).toMatch(/public\.orders\.amount: function pg_catalog\.extract\(unknown, numeric\) does not exist \(check the column name and that it is a timestamp or date\)/);
    expect(error.message).toMatch(/public\.empty_table\.created_at: no value in the restored table/);
    expect(error.message).toMatch(/public\.no_such_table\.created_at: table public\.no_such_table is missing from the restored database/);
  });

  test('fails when a SQL check returns false, errors, returns no boolean or holds two statements', async () => {
    const run = await newRun({
      freshnessChecks: [],
      sqlChecks: [
        { name: 'has customers', sql: 'select count(*) > 0 from customers' },
        { name: 'no big orders', sql: 'select max(amount) < 100 from orders' },
        { name: 'broken', sql: 'select from nowhere_at_all' },
        { name: 'not a boolean', sql: 'select 1' },
        { name: 'escape read-only', sql: 'commit; drop table customers' },
        { name: 'read-only', sql: 'with d as (delete from customers returning 1) select true' },
      ],
    });
    await upload(run.prefix);
    const error = await expectFailure(run, 'checks', /^5 of 10 checks failed/);
    expect(error.message).toMatch(/SQL check 'no big orders' returned false, expected true/);
    expect(error.message).toMatch(/SQL check 'broken' failed: relation "nowhere_at_all" does not exist/);
    expect(error.message).toMatch(/SQL check 'not a boolean' returned 1, expected true/);
    expect(error.message).toMatch(/SQL check 'escape read-only' failed: cannot insert multiple commands into a prepared statement/);
    expect(error.message).toMatch(/SQL check 'read-only' failed: cannot execute SELECT in a read-only transaction/);
    expect(error.message).not.toMatch(/has customers/);
  });

  test('drops stale scratch databases of crashed runs, keeps recent ones and other databases', async () => {
    const run = await newRun();
    const now = Date.now();
    const stale = [scratchDatabaseName(new Date(now - 3 * HOUR * 1000)), scratchDatabaseName(new Date(now - 61 * 60_000))];
    const recent = scratchDatabaseName(new Date(now - 10 * 60_000));
    const others = ['verify_keep_me', 'verify_2026'];
    for (const name of [...stale, recent, ...others]) await pg.createDatabase(name);
    await upload(run.prefix);
    const result = await verifyNewestDump(run.deps, run.options);
    expect([...result.staleDatabasesDropped].sort()).toEqual([...stale].sort());
    expect(await scratchDatabases()).toEqual([recent, ...others].sort());
  });

  test('single-table restore (seed 002): restores and checks only that table, in a schema of its own', async () => {
    const run = await newRun({
      singleTable: 'sales.invoices',
      keepScratchDatabase: true,
      freshnessChecks: [
        { table: 'sales.invoices', column: 'issued', maxAgeSeconds: 3 * 86400 },
        { table: 'public.orders', column: 'created_at', maxAgeSeconds: 1 },
      ],
    });
    await upload(run.prefix);
    const result = await verifyNewestDump(run.deps, run.options);
    expect(result.checks.map((c) => [c.kind, c.name, c.status])).toEqual([
      ['rowCount', 'sales.invoices', 'passed'],
      ['freshness', 'sales.invoices.issued', 'passed'],
      ['freshness', 'public.orders.created_at', 'skipped'],
      ['sql', 'every order has a customer', 'skipped'],
    ]);
    const counts = await pg.query<{ invoices: string; orders: string }>(
      'select (select count(*) from sales.invoices) as invoices, (select count(*) from public.orders) as orders',
      [], result.scratchDatabase);
    expect(counts.rows[0]).toEqual({ invoices: '120', orders: '0' });
    await pg.dropDatabase(result.scratchDatabase);
  });

  test('fails when the single table is not in the dump', async () => {
    const run = await newRun({ singleTable: 'public.no_such_table' });
    await upload(run.prefix);
    await expectFailure(run, 'archive', /holds no data for table public\.no_such_table \(VERIFY_SINGLE_TABLE\)/);
  });

  test('fails when the object is not a pg_dump archive (manifest and sha256 match it)', async () => {
    const run = await newRun();
    await upload(run.prefix, { body: Buffer.from('this is not a PGDMP archive\n'.repeat(100)) });
    await expectFailure(run, 'archive', /^pg_restore --list cannot read the dump \(exit 1\): .*input file does not appear to be a valid archive/);
    expect(run.metrics.values(JOB_METRIC.RESTORE_DURATION_SECONDS)).toEqual([]);
  });

  test('fails when pg_restore fails mid-restore (truncated archive, matching manifest): scratch database still dropped', async () => {
    const run = await newRun();
    // Big enough that the table data lies past the cut while the TOC at the start stays readable.
    await pg.query('create table bulk as select g as id, md5(g::text) as s from generate_series(1, 20000) g', [], SOURCE_DB);
    let dump: Buffer;
    try {
      dump = (await pg.run('pg_dump', ['--format=custom', '-t', 'bulk'], { database: SOURCE_DB })).stdout;
    } finally {
      await pg.query('drop table bulk', [], SOURCE_DB);
    }
    const cut = dump.subarray(0, Math.floor(dump.length * 0.6));
    await upload(run.prefix, { body: cut, manifest: { tables: [{ name: 'public.bulk', rows: 20000, exact: true }] } });
    const created: string[] = [];
    const info = onInfo(run.logger, 'created scratch database', (fields) => created.push(fields.scratchDatabase as string));
    await expectFailure(run, 'restore',
      /^pg_restore into scratch database 'verify_\d{17}' failed \(exit 1\): .*could not read from input file: end of file/s);
    expect(info).toHaveBeenCalledWith('dropped scratch database', { scratchDatabase: created[0] });
    expect(created).toHaveLength(1);
    expect(run.metrics.values(JOB_METRIC.RESTORE_DURATION_SECONDS)).toHaveLength(1);
  });

  test('fails when an object does not restore (a role missing on the scratch server): stops at the first error', async () => {
    const run = await newRun({ freshnessChecks: [], sqlChecks: [] });
    await pg.createDatabase('ghost_src');
    await pg.query('create role ghost_role');
    let dump: Buffer;
    try {
      await pg.query(`create table notes (id int, body text); insert into notes values (1, 'a');
        alter table notes enable row level security; create policy only_ghost on notes to ghost_role using (true);
        create table after_policy (id int)`, [], 'ghost_src');
      dump = (await pg.run('pg_dump', ['--format=custom'], { database: 'ghost_src' })).stdout;
    } finally {
      await pg.dropDatabase('ghost_src');
      await pg.query('drop role ghost_role');
    }
    await upload(run.prefix, { body: dump, manifest: { tables: [{ name: 'public.notes', rows: 1, exact: true }] } });
    const error = await expectFailure(run, 'restore', /^pg_restore into scratch database 'verify_\d{17}' failed \(exit 1\): .*role "ghost_role" does not exist.*; check the error above: a missing extension or role on the scratch server/s);
    // --exit-on-error: pg_restore stops at the first error instead of carrying on and counting them.
    expect(error.message).not.toMatch(/errors ignored on restore/);
  });

  test('fails at the deadline: pg_restore is stopped and the scratch database dropped', async () => {
    const deadline = new AbortController();
    const run = await newRun({}, { signal: deadline.signal });
    onInfo(run.logger, 'created scratch database', () => deadline.abort());
    await upload(run.prefix);
    await expectFailure(run, 'deadline', /^stopped during pg_restore: the run was about to reach its time limit/);
  });

  test('fails when the scratch server is down, with where and what to check', async () => {
    const run = await newRun({}, { scratch: { secret: pg.secret('postgres', { port: 1 }), sslMode: 'disable' } });
    await upload(run.prefix);
    await expectFailure(run, 'scratch', /^connecting to the scratch server failed: cannot connect to PostgreSQL at 127\.0\.0\.1:1\/postgres as postgres: .*ECONNREFUSED/);
  });
});

describe('handler', () => {
  const secrets = mockClient(SecretsManagerClient);
  const saved = { ...process.env };
  let output: HandlerOutput;

  beforeEach(() => {
    secrets.reset();
    output = captureHandlerOutput();
  });

  afterEach(() => {
    jest.restoreAllMocks();
    process.env = { ...saved };
  });

  const emf = () => output.emf();
  const logs = () => output.logs();

  async function configure(): Promise<string> {
    caseNo += 1;
    const prefix = `handler${caseNo}/`;
    secrets.on(GetSecretValueCommand, { SecretId: 'scratch-secret' }).resolves({ SecretString: pg.secretString('postgres') });
    process.env = {
      ...saved,
      ...s3.awsEnv(),
      PATH: `${pg.binDir}:${saved.PATH}`,
      POWERTOOLS_LOG_LEVEL: 'INFO',
      [VERIFY_ENV.SECRET_ARN]: 'scratch-secret',
      [VERIFY_ENV.DATABASE]: SOURCE_DB,
      [VERIFY_ENV.BUCKET]: BUCKET,
      [VERIFY_ENV.PREFIX]: prefix,
      [VERIFY_ENV.PRODUCTION_TARGET]: `127.0.0.1:${pg.port}/${SOURCE_DB}`,
      [VERIFY_ENV.SSL_MODE]: 'disable',
      [VERIFY_ENV.FRESHNESS_CHECKS]: JSON.stringify([{ table: 'public.orders', column: 'created_at', maxAgeSeconds: 2 * HOUR }]),
      [VERIFY_ENV.RESTORE_JOBS]: '1',
    };
    return prefix;
  }

  test('reads the environment and the secret, verifies, and emits EMF with the one Database dimension', async () => {
    const prefix = await configure();
    const key = await upload(prefix);
    const summary = await handler({}, { getRemainingTimeInMillis: () => 300_000 });
    expect(summary).toMatchObject({ database: SOURCE_DB, key, checksPassed: 5, checksSkipped: 0 });
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    const [doc] = emf();
    expect(doc).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Namespace: JOB_METRICS_NAMESPACE, Dimensions: [['Database']] }] },
      Database: SOURCE_DB,
      VerificationSuccess: 1,
      RestoreDurationSeconds: expect.any(Number),
      VerifiedBackupAgeSeconds: expect.any(Number),
    });
    expect(emf()).toHaveLength(1);
    expect(logs()).toContainEqual(expect.objectContaining({
      level: 'INFO', message: 'verification passed', job: 'verify-dump', database: SOURCE_DB, bucket: BUCKET, key,
    }));
    expect(await scratchDatabases()).toEqual([]);
  });

  test('fails when a dump fails verification: VerificationSuccess 0 flushed, error rethrown', async () => {
    const prefix = await configure();
    await upload(prefix, { manifest: null });
    await expect(handler({})).rejects.toThrow(/^manifest missing/);
    expect(emf()).toEqual([expect.objectContaining({ Database: SOURCE_DB, VerificationSuccess: 0 })]);
    expect(logs()).toContainEqual(expect.objectContaining({
      level: 'ERROR', message: 'verification failed', job: 'verify-dump', database: SOURCE_DB, stage: 'select',
      error: expect.stringMatching(/^manifest missing/),
    }));
  });
});
