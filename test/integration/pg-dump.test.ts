// The pg-dump job against a real PostgreSQL server and a real S3 API (s3rver), both on loopback (./harness.ts).
// Secrets Manager is mocked (aws-sdk-client-mock) only in the handler tests.
import { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AbortMultipartUploadCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { DUMP_ENV, DumpManifest, JOB_METRIC } from '../../lib/private/job-contract';
import { handler, PgDumpInput, runPgDump } from '../../lambda/pg-dump';
import { dumpKey, manifestKey, parseDumpKey } from '../../lambda/shared/keys';
import { createJobLogger } from '../../lambda/shared/logger';
import { InMemoryMetricsRecorder } from '../../lambda/shared/metrics';
import { PostgresServer, quoteIdent, S3Server, startPostgres, startS3 } from './harness';

const BUCKET = 'dump-bucket';
const KMS_KEY = 'arn:aws:kms:us-east-1:111111111111:key/0b9f5c2e-1111-4222-8333-444455556666';
const OWNER = '111111111111';
const MIB = 1024 * 1024;

let pg: PostgresServer;
let s3: S3Server;
let scriptDir: string;

// Every run gets its own timestamp, so keys never collide between tests.
let clockSeconds = Date.UTC(2026, 0, 1, 3, 0, 0) / 1000;
function nextStart(): Date {
  clockSeconds += 3600;
  return new Date(clockSeconds * 1000);
}

const silentLogger = () => createJobLogger('pg-dump', 'test', { logLevel: 'SILENT' });

function input(overrides: Partial<PgDumpInput> & { readonly metrics: InMemoryMetricsRecorder }): PgDumpInput {
  const startedAt = nextStart();
  return {
    s3: s3.client,
    bucket: BUCKET,
    prefix: 'dumps/',
    database: 'shop',
    secret: pg.secret('shop'),
    kmsKeyId: KMS_KEY,
    expectedBucketOwner: OWNER,
    sslMode: 'disable',
    pgDumpPath: pg.bin('pg_dump'),
    partSizeBytes: 5 * MIB,
    logger: silentLogger(),
    clock: () => startedAt,
    ...overrides,
  };
}

/** Polls until `condition` holds (fails the test after `timeoutMs`). */
async function waitFor(what: string, condition: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * A dump of 'bulk' (30 s safety margin, watchdog every 20 ms) whose pg_dump is stopped (SIGSTOP) after 6 MiB, once
 * a part is in flight to S3 (make S3 hold parts first): the run, still pending, for the test to move the deadline.
 */
async function dumpStalledAtAPart(metrics: InMemoryMetricsRecorder, prefix: string, remainingTimeMs: () => number): Promise<{ run: Promise<unknown> }> {
  let stopped: ChildProcess | undefined;
  const run = runPgDump(input({
    metrics, prefix, database: 'bulk', secret: pg.secret('bulk'), compression: 'none',
    remainingTimeMs,
    safetyMarginMs: 30_000,
    watchdogIntervalMs: 20,
    onBytes: (bytes, child) => {
      if (!stopped && bytes > 6 * MIB) {
        stopped = child;
        child.kill('SIGSTOP');
      }
    },
  }));
  run.catch(() => undefined);
  await waitFor('a part in flight', () => stopped !== undefined && s3.stats.uploadPartsInFlight > 0);
  return { run };
}

/** Per-table fingerprint: row count and md5 of all rows as text in a fixed order. */
async function tableFingerprints(database: string): Promise<Record<string, string>> {
  return pg.withClient(database, async (client) => {
    const tables = await client.query<{ schema: string; name: string }>(`
      SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'
      ORDER BY 1, 2`);
    const result: Record<string, string> = {};
    for (const { schema, name } of tables.rows) {
      const table = `${quoteIdent(schema)}.${quoteIdent(name)}`;
      const row = await client.query<{ n: string; md5: string }>(
        `SELECT count(*) AS n, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS md5 FROM ${table} t`);
      result[`${schema}.${name}`] = `${row.rows[0].n}:${row.rows[0].md5}`;
    }
    return result;
  });
}

async function sequenceStates(database: string): Promise<Record<string, string>> {
  const rows = await pg.query<{ name: string; last_value: string | null }>(
    `SELECT schemaname || '.' || sequencename AS name, last_value::text FROM pg_sequences ORDER BY 1`, [], database);
  return Object.fromEntries(rows.rows.map((row) => [row.name, String(row.last_value)]));
}

async function restore(dump: Buffer, database: string): Promise<void> {
  await pg.dropDatabase(database);
  await pg.createDatabase(database, { template: 'template0' });
  await pg.run('pg_restore', ['--no-owner', '--no-acl', '--exit-on-error', `--dbname=${database}`], { input: dump });
}

/** A failed run: the error, BackupSuccess 0 flushed, and nothing left in S3 under `prefix`, no open upload. */
async function expectCleanFailure(run: Promise<unknown>, message: RegExp, metrics: InMemoryMetricsRecorder, prefix: string): Promise<Error> {
  const error = await run.then(() => undefined, (e: unknown) => e as Error);
  expect(error).toBeInstanceOf(Error);
  expect(error?.message).toMatch(message);
  expect(metrics.values(JOB_METRIC.BACKUP_SUCCESS)).toEqual([0]);
  expect(metrics.pending).toEqual([]);
  expect(metrics.flushed.find((m) => m.name === JOB_METRIC.BACKUP_SUCCESS)?.unit).toBe('Count');
  expect(await s3.listKeys(BUCKET, prefix)).toEqual([]);
  expect(await s3.openUploads(BUCKET)).toEqual([]);
  return error as Error;
}

const SHOP_SQL = `
CREATE SCHEMA sales;
CREATE SCHEMA inventory;
CREATE SCHEMA "Audit Log";
CREATE TABLE sales.customers (
  id bigserial PRIMARY KEY,
  name text NOT NULL,
  email text UNIQUE,
  balance numeric(30, 9),
  ratio double precision,
  tags text[],
  scores integer[],
  profile jsonb,
  avatar bytea,
  created_at timestamptz NOT NULL,
  birthday date,
  active boolean,
  uid uuid,
  addr inet,
  wait interval
);
INSERT INTO sales.customers (name, email, balance, ratio, tags, scores, profile, avatar, created_at, birthday, active, uid, addr, wait)
SELECT
  'Zoë Ångström 日本語 🚀 ' || i || E' \\t "quoted" \\\\ back',
  CASE WHEN i % 10 = 0 THEN NULL ELSE 'user' || i || '@example.com' END,
  CASE WHEN i % 7 = 0 THEN NULL ELSE (i * 1234567.123456789)::numeric(30, 9) END,
  i / 3.0,
  ARRAY['tag' || i, 'ünïcödé', NULL],
  ARRAY[i, i * 2, -i],
  jsonb_build_object('i', i, 'nested', jsonb_build_object('emoji', '😀', 'list', jsonb_build_array(1, 'two', NULL, true))),
  decode(md5(i::text), 'hex') || '\\x00ff00'::bytea,
  timestamptz '2024-02-29 12:34:56.789+05:30' + i * interval '1 hour 7 minutes',
  date '1980-01-01' + i,
  i % 3 = 0,
  md5('uid' || i)::uuid,
  ('10.0.' || (i % 256) || '.1')::inet,
  i * interval '1 minute 3 seconds'
FROM generate_series(1, 500) AS i;
INSERT INTO sales.customers (name, balance, ratio, created_at) VALUES ('NaN row', 'NaN', 'Infinity', 'infinity');
CREATE SEQUENCE sales.invoice_no START 1000 INCREMENT 7;
SELECT nextval('sales.invoice_no') FROM generate_series(1, 5);
CREATE TABLE sales.orders (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES sales.customers (id),
  total numeric(12, 2) NOT NULL CHECK (total >= 0),
  placed_at timestamptz NOT NULL,
  status text NOT NULL DEFAULT 'new'
);
INSERT INTO sales.orders (customer_id, total, placed_at, status)
SELECT 1 + i % 500, (i % 1000) * 1.25, timestamptz '2025-06-01 00:00:00+00' + i * interval '13 minutes',
       (ARRAY['new', 'paid', 'shipped'])[1 + i % 3]
FROM generate_series(1, 2000) AS i;
CREATE TABLE inventory.events (id bigint NOT NULL, happened_at timestamptz NOT NULL, payload jsonb) PARTITION BY RANGE (happened_at);
CREATE TABLE inventory.events_2025 PARTITION OF inventory.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE inventory.events_2026 PARTITION OF inventory.events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
INSERT INTO inventory.events
SELECT i, timestamptz '2025-07-01 00:00:00+00' + i * interval '6 hours', jsonb_build_object('sku', 'SKU-' || i, 'qty', i % 17)
FROM generate_series(1, 1000) AS i;
CREATE TABLE inventory.empty_table (id integer PRIMARY KEY, note text);
CREATE TABLE "Audit Log"."Entries" (id serial PRIMARY KEY, "Message" text, at timestamptz DEFAULT now());
INSERT INTO "Audit Log"."Entries" ("Message", at) SELECT 'entry ' || i, timestamptz '2026-01-01 00:00:00+00' + i * interval '1 second' FROM generate_series(1, 50) AS i;
CREATE VIEW sales.customer_totals AS
  SELECT c.id, c.name, coalesce(sum(o.total), 0) AS total FROM sales.customers c LEFT JOIN sales.orders o ON o.customer_id = c.id GROUP BY c.id, c.name;
ANALYZE;
`;

/** 7 rows of 1 MiB random bytes: about 14 MiB of dump with compression none (bytea is hex in COPY), three 5 MiB parts. */
async function createBulkDatabase(): Promise<void> {
  await pg.createDatabase('bulk');
  await pg.withClient('bulk', async (client) => {
    await client.query('CREATE TABLE blobs (id integer PRIMARY KEY, data bytea NOT NULL)');
    await client.query('ALTER TABLE blobs ALTER COLUMN data SET STORAGE EXTERNAL');
    for (let i = 1; i <= 7; i++) {
      await client.query('INSERT INTO blobs VALUES ($1, $2)', [i, randomBytes(MIB)]);
    }
    await client.query('ANALYZE blobs');
  });
}

/** A stand-in for pg_dump (a shell script) in a temp dir. */
function fakePgDump(name: string, script: string): string {
  const file = path.join(scriptDir, name);
  writeFileSync(file, `#!/bin/sh\n${script}\n`);
  chmodSync(file, 0o755);
  return file;
}

beforeAll(async () => {
  scriptDir = mkdtempSync(path.join(os.tmpdir(), 'cdkbdr-fake-'));
  [pg, s3] = await Promise.all([startPostgres(), startS3()]);
  await s3.createBucket(BUCKET);
  await pg.createDatabase('shop');
  await pg.withClient('shop', (client) => client.query(SHOP_SQL));
  await createBulkDatabase();
});

afterAll(async () => {
  await Promise.all([pg?.stop(), s3?.stop()]);
  rmSync(scriptDir, { recursive: true, force: true });
});

afterEach(async () => {
  s3.resetFaults();
  await pg.resume();
});

describe('pg-dump round trip', () => {
  test('the manifest counts the large objects (number and bytes) and the rows of populated materialized views', async () => {
    const metrics = new InMemoryMetricsRecorder();
    await pg.createDatabase('extras');
    await pg.withClient('extras', async (client) => {
      await client.query("SELECT lo_from_bytea(0, decode(repeat('ab', 1000), 'hex')), lo_from_bytea(0, '\\x0102'::bytea)");
      await client.query('CREATE TABLE t (n integer); INSERT INTO t SELECT generate_series(1, 40)');
      await client.query('CREATE MATERIALIZED VIEW big_n AS SELECT n FROM t WHERE n > 10');
      await client.query('CREATE MATERIALIZED VIEW not_yet AS SELECT n FROM t WITH NO DATA');
    });
    const result = await runPgDump(input({ metrics, prefix: 'extras/', database: 'extras', secret: pg.secret('extras') }));
    expect(result.manifest.largeObjects).toEqual({ count: 2, bytes: 1002 });
    // A materialized view WITH NO DATA has no rows to count (pg_restore leaves it unpopulated too).
    expect(result.manifest.materializedViews).toEqual([{ name: 'public.big_n', rows: 30, exact: true }]);
    expect(result.manifest.tables).toEqual([{ name: 'public.t', rows: 40, exact: true }]);
    const stored = JSON.parse((await s3.getObject(BUCKET, result.manifestKey)).toString('utf8'));
    expect(stored.largeObjects).toEqual({ count: 2, bytes: 1002 });
  });

  test('dumps, uploads with SSE-KMS and If-None-Match, writes a matching manifest, and restores to identical content', async () => {
    const metrics = new InMemoryMetricsRecorder();
    s3.clearRequests();
    const result = await runPgDump(input({ metrics, prefix: 'roundtrip', compression: 'gzip:6' }));

    expect(result.key).toMatch(/^roundtrip\/shop\/\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z\.dump$/);
    expect(result.manifestKey).toBe(`${result.key}.manifest.json`);
    expect(await s3.listKeys(BUCKET, 'roundtrip/')).toEqual([result.key, result.manifestKey]);
    expect(await s3.openUploads(BUCKET)).toEqual([]);

    const dump = await s3.getObject(BUCKET, result.key);
    const manifest = JSON.parse((await s3.getObject(BUCKET, result.manifestKey)).toString('utf8')) as DumpManifest;
    expect(dump.subarray(0, 5).toString('latin1')).toBe('PGDMP');
    expect(manifest).toEqual(result.manifest);
    expect(manifest).toMatchObject({
      formatVersion: 1,
      database: 'shop',
      key: result.key,
      sizeBytes: dump.length,
      sha256: createHash('sha256').update(dump).digest('hex'),
      startedAt: parseDumpKey(result.key)?.startedAt.toISOString(),
      clientMajor: pg.major,
      compression: 'gzip:6',
    });
    expect(Math.floor(manifest.serverVersionNum / 10000)).toBe(pg.major);
    expect(manifest.durationSeconds).toBeGreaterThan(0);
    expect(manifest.tables).toEqual([
      { name: 'Audit Log.Entries', rows: 50, exact: true },
      { name: 'inventory.empty_table', rows: 0, exact: true },
      { name: 'inventory.events_2025', rows: 735, exact: true },
      { name: 'inventory.events_2026', rows: 265, exact: true },
      { name: 'sales.customers', rows: 501, exact: true },
      { name: 'sales.orders', rows: 2000, exact: true },
    ]);

    expect(metrics.flushed).toEqual([
      { name: 'BackupSuccess', unit: 'Count', value: 1 },
      { name: 'BackupSizeBytes', unit: 'Bytes', value: dump.length },
      { name: 'BackupDurationSeconds', unit: 'Seconds', value: manifest.durationSeconds },
    ]);

    // Every write carried SSE-KMS with the key, the expected owner and If-None-Match (s3rver ignores them; real S3 does not).
    const writes = s3.requests.filter((r) => r.method === 'PUT' || (r.method === 'POST' && 'uploads' in r.query));
    expect(writes.map((r) => r.path)).toEqual([`/${BUCKET}/${result.key}`, `/${BUCKET}/${result.manifestKey}`]);
    for (const write of writes) {
      expect(write.headers).toMatchObject({
        'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
        'x-amz-server-side-encryption': 'aws:kms',
        'x-amz-server-side-encryption-aws-kms-key-id': KMS_KEY,
        'x-amz-expected-bucket-owner': OWNER,
        'if-none-match': '*',
      });
    }

    await restore(dump, 'shop_restored');
    const source = await tableFingerprints('shop');
    expect(Object.keys(source)).toHaveLength(7);
    expect(await tableFingerprints('shop_restored')).toEqual(source);
    expect(await sequenceStates('shop_restored')).toEqual(await sequenceStates('shop'));
    expect((await sequenceStates('shop'))['sales.invoice_no']).toBe('1028');
    const view = await pg.query(`SELECT count(*)::int AS n, sum(total)::text AS total FROM sales.customer_totals`, [], 'shop_restored');
    expect(view.rows[0]).toEqual((await pg.query(`SELECT count(*)::int AS n, sum(total)::text AS total FROM sales.customer_totals`, [], 'shop')).rows[0]);
    const partitioned = await pg.query(`SELECT relkind FROM pg_class WHERE oid = 'inventory.events'::regclass`, [], 'shop_restored');
    expect(partitioned.rows[0].relkind).toBe('p');
  });

  test('a dump larger than one part is uploaded in parts, completes only at the end, and restores identically', async () => {
    const metrics = new InMemoryMetricsRecorder();
    const partsBefore = s3.stats.uploadParts;
    const result = await runPgDump(input({ metrics, prefix: 'multipart/', database: 'bulk', secret: pg.secret('bulk'), compression: 'none' }));
    const dump = await s3.getObject(BUCKET, result.key);
    expect(dump.length).toBeGreaterThan(14 * MIB);
    expect(s3.stats.uploadParts - partsBefore).toBe(Math.ceil(dump.length / (5 * MIB)));
    expect(result.manifest.sizeBytes).toBe(dump.length);
    expect(result.manifest.sha256).toBe(createHash('sha256').update(dump).digest('hex'));
    expect(result.manifest.tables).toEqual([{ name: 'public.blobs', rows: 7, exact: true }]);
    expect(metrics.values(JOB_METRIC.BACKUP_SUCCESS)).toEqual([1]);
    expect(await s3.openUploads(BUCKET)).toEqual([]);
    // Each part went with its CRC32 and an unsigned body (no SHA-256 of 16 MiB on the event loop per part).
    const parts = s3.requests.filter((r) => r.method === 'PUT' && r.path === `/${BUCKET}/${result.key}` && r.query.partNumber !== undefined);
    expect(parts).toHaveLength(Math.ceil(dump.length / (5 * MIB)));
    for (const part of parts) {
      expect(part.headers['x-amz-content-sha256']).toBe('UNSIGNED-PAYLOAD');
      expect(part.headers['x-amz-checksum-crc32']).toMatch(/^[A-Za-z0-9+/]{6}==$/);
    }
    // The harness completes as S3 does: the ETag is the MD5 of the parts' MD5s and the number of parts.
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: result.key }));
    expect(head.ETag).toMatch(new RegExp(`^"[0-9a-f]{32}-${parts.length}"$`));
    await restore(dump, 'bulk_restored');
    expect(await tableFingerprints('bulk_restored')).toEqual(await tableFingerprints('bulk'));
  });

  test('pg_dump writes through a 64 KiB stdio buffer (stdbuf), not 4 KiB at a time, and the dump is whole', async () => {
    const seen = path.join(scriptDir, 'stdbuf-env');
    const recording = fakePgDump('recording-env', `echo "$_STDBUF_O $LD_PRELOAD" > "${seen}"\nexec "${pg.bin('pg_dump')}" "$@"`);
    const metrics = new InMemoryMetricsRecorder();
    const result = await runPgDump(input({ metrics, prefix: 'stdbuf/', pgDumpPath: recording, clientMajor: pg.major }));
    expect(readFileSync(seen, 'utf8')).toMatch(/^65536 \S*libstdbuf\.so\n$/);
    const dump = await s3.getObject(BUCKET, result.key);
    expect(result.manifest.sha256).toBe(createHash('sha256').update(dump).digest('hex'));
    expect(metrics.values(JOB_METRIC.BACKUP_SUCCESS)).toEqual([1]);
  });

  test('a storage class goes on the dump upload only, not on the manifest', async () => {
    const metrics = new InMemoryMetricsRecorder();
    const before = s3.requests.length;
    const result = await runPgDump(input({ metrics, prefix: 'infrequent/', storageClass: 'STANDARD_IA' }));
    const writes = s3.requests.slice(before).filter((r) => r.method === 'PUT' || (r.method === 'POST' && 'uploads' in r.query));
    expect(writes.map((r) => [r.path, r.headers['x-amz-storage-class']])).toEqual([
      [`/${BUCKET}/${result.key}`, 'STANDARD_IA'],
      [`/${BUCKET}/${result.manifestKey}`, undefined],
    ]);
    expect(metrics.values(JOB_METRIC.BACKUP_SUCCESS)).toEqual([1]);
  });

  test('row counts above the exact-count size are planner estimates', async () => {
    const metrics = new InMemoryMetricsRecorder();
    const result = await runPgDump(input({ metrics, prefix: 'estimates/', exactCountMaxBytes: 0 }));
    const customers = result.manifest.tables.find((t) => t.name === 'sales.customers');
    expect(customers).toEqual({ name: 'sales.customers', rows: 501, exact: false });
    // An empty table has no pages: size 0 <= 0, so it is still counted.
    expect(result.manifest.tables.find((t) => t.name === 'inventory.empty_table')).toEqual({ name: 'inventory.empty_table', rows: 0, exact: true });
  });
});

describe('pg-dump faults leave no object and no open upload', () => {
  test('fails when the database is down', async () => {
    const metrics = new InMemoryMetricsRecorder();
    await pg.pause();
    await expectCleanFailure(
      runPgDump(input({ metrics, prefix: 'down/' })),
      /cannot connect to PostgreSQL at 127\.0\.0\.1:\d+\/shop as postgres: .*ECONNREFUSED.*check that the database is available/,
      metrics, 'down/');
  });

  test('fails when the password is wrong, without revealing it', async () => {
    const metrics = new InMemoryMetricsRecorder();
    const wrong = 'Wr0ng-Pa55word-Do-Not-Log';
    const error = await expectCleanFailure(
      runPgDump(input({ metrics, prefix: 'password/', secret: pg.secret('shop', { password: wrong }) })),
      /cannot connect to PostgreSQL at .*password authentication failed for user "postgres".*check the username and password/,
      metrics, 'password/');
    expect(error.message).not.toContain(wrong);
    expect(error.message).not.toContain(pg.password);
  });

  test('fails when another session holds an ACCESS EXCLUSIVE lock on a table, naming the table and the session, '
    + 'long before the deadline', async () => {
    const metrics = new InMemoryMetricsRecorder();
    await pg.withClient('shop', async (locker) => {
      await locker.query("SET application_name = 'migration'");
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE sales.orders IN ACCESS EXCLUSIVE MODE');
      const pid = (await locker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      try {
        const started = Date.now();
        const error = await expectCleanFailure(
          runPgDump(input({ metrics, prefix: 'locked/', lockWaitTimeoutSeconds: 1, remainingTimeMs: () => 600_000 })),
          /(table "sales"\."orders" is locked by another session: counting its rows waited 1 s|pg_dump could not lock table sales\.orders within 1 s)/,
          metrics, 'locked/');
        expect(error.message).toMatch(new RegExp(`Lock held by: session ${pid} \\(user postgres, application 'migration', idle in transaction`
          + ` in a transaction open for \\d+ s, last query 'SELECT pg_backend_pid\\(\\) AS pid'\\) holds AccessExclusiveLock; wait for it`));
        expect(Date.now() - started).toBeLessThan(30_000);
      } finally {
        await locker.query('ROLLBACK');
      }
    });
  });

  test('fails naming the table the dump user may not read, not the lost snapshot that follows', async () => {
    const metrics = new InMemoryMetricsRecorder();
    const password = 'Limited-Pa55word';
    await pg.query(`DROP ROLE IF EXISTS limited_dumper; CREATE ROLE limited_dumper LOGIN PASSWORD '${password}'`);
    await pg.query(`GRANT USAGE ON SCHEMA sales, inventory, "Audit Log" TO limited_dumper;
      GRANT SELECT ON ALL TABLES IN SCHEMA sales, inventory, "Audit Log" TO limited_dumper;
      GRANT SELECT ON ALL SEQUENCES IN SCHEMA sales, inventory, "Audit Log" TO limited_dumper;
      REVOKE SELECT ON sales.orders FROM limited_dumper`, [], 'shop');
    try {
      const error = await expectCleanFailure(
        runPgDump(input({ metrics, prefix: 'denied/', secret: pg.secret('shop', { username: 'limited_dumper', password }) })),
        /permission denied for table orders/, metrics, 'denied/');
      expect(error.message).not.toMatch(/^pg_dump .*could not import the requested snapshot/);
    } finally {
      await pg.query('REASSIGN OWNED BY limited_dumper TO postgres; DROP OWNED BY limited_dumper', [], 'shop');
      await pg.query('DROP ROLE limited_dumper');
    }
  });

  test('fails when the server is newer than pg_dump, before dumping', async () => {
    const metrics = new InMemoryMetricsRecorder();
    const onBytes = jest.fn();
    await expectCleanFailure(
      runPgDump(input({ metrics, prefix: 'newer/', clientMajor: pg.major - 1, onBytes })),
      new RegExp(`server is version ${pg.major} \\(server_version_num ${pg.major}\\d{4}\\) but pg_dump is version ${pg.major - 1}; pg_dump must be at least`),
      metrics, 'newer/');
    expect(onBytes).not.toHaveBeenCalled();
  });

  test('fails when pg_dump is killed mid-stream, after parts were uploaded', async () => {
    const metrics = new InMemoryMetricsRecorder();
    let stopped: ChildProcess | undefined;
    const run = runPgDump(input({
      metrics, prefix: 'killed/', database: 'bulk', secret: pg.secret('bulk'), compression: 'none',
      onBytes: (bytes, child) => {
        if (!stopped && bytes > 6 * MIB) {
          stopped = child;
          child.kill('SIGSTOP');
        }
      },
    }));
    // The multipart upload exists and has a part when pg_dump dies.
    await waitFor('an open multipart upload with a part', async () => stopped !== undefined && (await s3.openUploads(BUCKET)).length === 1 && s3.stats.uploadParts > 0);
    stopped?.kill('SIGKILL');
    await expectCleanFailure(run, /pg_dump was killed by SIGKILL after \d+ bytes; the upload was aborted/, metrics, 'killed/');
  });

  test('fails when S3 fails mid-upload', async () => {
    const metrics = new InMemoryMetricsRecorder();
    s3.failUploadPartsAfter(1);
    const failedBefore = s3.stats.failedUploadParts;
    await expectCleanFailure(
      runPgDump(input({ metrics, prefix: 's3fault/', database: 'bulk', secret: pg.secret('bulk'), compression: 'none' })),
      /upload to s3:\/\/dump-bucket\/s3fault\/bulk\/.*\.dump failed: We encountered an internal error/,
      metrics, 's3fault/');
    expect(s3.stats.failedUploadParts).toBeGreaterThan(failedBefore);
  });

  test('fails when S3 fails mid-upload and is unreachable for the abort: both are reported, the cause first', async () => {
    const metrics = new InMemoryMetricsRecorder();
    s3.failUploadPartsAfter(1);
    s3.dropAborts();
    try {
      const error = await runPgDump(input({ metrics, prefix: 'abortfault/', database: 'bulk', secret: pg.secret('bulk'), compression: 'none' }))
        .then(() => undefined, (e: unknown) => e as Error);
      expect(error?.message).toMatch(new RegExp('^upload to s3://dump-bucket/abortfault/bulk/.*\\.dump failed: We encountered an internal error.*; '
        + 'in addition, could not abort multipart upload \\w+ of s3://dump-bucket/abortfault/bulk/.*\\.dump: '));
      expect(metrics.values(JOB_METRIC.BACKUP_SUCCESS)).toEqual([0]);
      expect(await s3.listKeys(BUCKET, 'abortfault/')).toEqual([]);
    } finally {
      s3.resetFaults();
    }
    // The upload the job could not abort is still open; the bucket's lifecycle rule would remove it. Clean up here.
    const open = await s3.openUploads(BUCKET);
    expect(open).toHaveLength(1);
    // The harness finds an upload by its id (the key of the request is not compared).
    await s3.client.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: 'abortfault/cleanup', UploadId: open[0] }));
    expect(await s3.openUploads(BUCKET)).toEqual([]);
  });

  test.each([
    ['a dump smaller than one part (single PutObject)', 'shop'],
    ['a dump of several parts (multipart)', 'bulk'],
  ])('two runs racing for the same key (the same second), %s: exactly one writes the dump and its manifest', async (_case, database) => {
    const startedAt = nextStart();
    const prefix = `race-${database}/`;
    const run = () => {
      const metrics = new InMemoryMetricsRecorder();
      const result = runPgDump(input({ metrics, prefix, database, secret: pg.secret(database), compression: 'none', clock: () => startedAt }));
      return { metrics, outcome: result.then((r) => ({ ok: true as const, r }), (e: unknown) => ({ ok: false as const, e: e as Error })) };
    };
    const runs = [run(), run()];
    const outcomes = await Promise.all(runs.map((r) => r.outcome));
    const winners = outcomes.filter((o) => o.ok);
    const losers = outcomes.filter((o) => !o.ok);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    expect(losers[0].ok ? '' : losers[0].e.message).toMatch(/PreconditionFailed|pre-conditions you specified did not hold|already exists/);
    const { r } = winners[0] as { ok: true; r: Awaited<ReturnType<typeof runPgDump>> };
    expect(await s3.listKeys(BUCKET, prefix)).toEqual([r.key, r.manifestKey]);
    const stored = await s3.getObject(BUCKET, r.key);
    expect(createHash('sha256').update(stored).digest('hex')).toBe(r.manifest.sha256);
    expect(await s3.openUploads(BUCKET)).toEqual([]);
  });

  test.each([
    ['a dump smaller than one part (single PutObject)', 'shop', 0],
    ['a dump of several parts (multipart)', 'bulk', 2],
  ])('fails when pg_dump exits non-zero after writing all of %s', async (_case, database, partsSentBeforeTheEnd) => {
    const metrics = new InMemoryMetricsRecorder();
    const partsBefore = s3.stats.uploadParts;
    // The real pg_dump writes the complete archive, then the process fails: nothing may be completed.
    const lateFailure = fakePgDump(`late-failure-${database}`,
      `"${pg.bin('pg_dump')}" "$@" || exit 3\necho "pg_dump: error: simulated failure after the last byte" >&2\nexit 1`);
    let bytesWritten = 0;
    const prefix = `late-${database}/`;
    await expectCleanFailure(
      runPgDump(input({
        metrics, prefix, database, secret: pg.secret(database), compression: 'none', pgDumpPath: lateFailure, clientMajor: pg.major,
        onBytes: (bytes) => {
          bytesWritten = bytes;
        },
      })),
      /pg_dump exited with code 1 after \d+ bytes; the upload was aborted\. pg_dump stderr: pg_dump: error: simulated failure after the last byte/,
      metrics, prefix);
    const complete = await pg.run('pg_dump', ['--format=custom', '--compress=0'], { database });
    expect(bytesWritten).toBe(complete.stdout.length);
    // The multipart case really had parts in S3 before the failure (the last part is held until the exit code is known).
    expect(s3.stats.uploadParts - partsBefore).toBe(partsSentBeforeTheEnd);
  });

  test('fails when the output is not a custom-format archive, even with exit code 0', async () => {
    const metrics = new InMemoryMetricsRecorder();
    const plain = fakePgDump('plain-sql', 'echo "-- PostgreSQL database dump"\nexit 0');
    await expectCleanFailure(
      runPgDump(input({ metrics, prefix: 'notdump/', pgDumpPath: plain, clientMajor: pg.major })),
      /pg_dump output does not start with PGDMP \(got "-- Po"\); not a custom-format archive/,
      metrics, 'notdump/');
  });

  test('fails when pg_dump cannot be run', async () => {
    const metrics = new InMemoryMetricsRecorder();
    await expectCleanFailure(
      runPgDump(input({ metrics, prefix: 'nobinary/', pgDumpPath: path.join(scriptDir, 'missing-pg_dump') })),
      /cannot run .*missing-pg_dump --version: .*ENOENT.*is the PostgreSQL client installed/,
      metrics, 'nobinary/');
  });

  test('fails when the key already exists, before dumping, and leaves the object untouched', async () => {
    const metrics = new InMemoryMetricsRecorder();
    const startedAt = nextStart();
    const key = dumpKey('exists/', 'shop', startedAt);
    await s3.putObject(BUCKET, key, 'the earlier backup');
    const onBytes = jest.fn();
    await expect(runPgDump(input({ metrics, prefix: 'exists/', clock: () => startedAt, onBytes })))
      .rejects.toThrow(`s3://${BUCKET}/${key} already exists; refusing to overwrite a backup`);
    expect(onBytes).not.toHaveBeenCalled();
    expect(metrics.values(JOB_METRIC.BACKUP_SUCCESS)).toEqual([0]);
    expect(await s3.listKeys(BUCKET, 'exists/')).toEqual([key]);
    expect((await s3.getObject(BUCKET, key)).toString()).toBe('the earlier backup');
    expect(await s3.openUploads(BUCKET)).toEqual([]);
  });

  test('fails when only the manifest of the key exists; a key that merely shares the prefix does not count', async () => {
    const startedAt = nextStart();
    const key = dumpKey('manifest-only/', 'shop', startedAt);
    await s3.putObject(BUCKET, `${key}.partial-copy`, 'not the key');
    const ok = new InMemoryMetricsRecorder();
    await s3.putObject(BUCKET, dumpKey('manifest-only/', 'shop', new Date(startedAt.getTime() + 1000)) + '.manifest.json', '{}');
    await expect(runPgDump(input({ metrics: ok, prefix: 'manifest-only/', clock: () => startedAt }))).resolves.toMatchObject({ key });
    const metrics = new InMemoryMetricsRecorder();
    const later = new Date(startedAt.getTime() + 1000);
    await expect(runPgDump(input({ metrics, prefix: 'manifest-only/', clock: () => later })))
      .rejects.toThrow(`s3://${BUCKET}/${manifestKey(dumpKey('manifest-only/', 'shop', later))} already exists; refusing to overwrite`);
    expect(metrics.values(JOB_METRIC.BACKUP_SUCCESS)).toEqual([0]);
    expect(await s3.openUploads(BUCKET)).toEqual([]);
  });

  test('fails when the key appears during the dump (If-None-Match: *), and leaves the other object untouched', async () => {
    const metrics = new InMemoryMetricsRecorder();
    const startedAt = nextStart();
    const key = dumpKey('race/', 'shop', startedAt);
    let racer: Promise<void> | undefined;
    // pg_dump's output held after its first 5 bytes until the other run has written the key (the file `go`).
    const go = path.join(scriptDir, 'race-go');
    const held = fakePgDump('held-after-header', `out="${scriptDir}/race-dump"\n"${pg.bin('pg_dump')}" "$@" > "$out" || exit $?\n`
      + `head -c 5 "$out"\nwhile [ ! -e "${go}" ]; do sleep 0.05; done\ntail -c +6 "$out"`);
    const run = runPgDump(input({
      metrics, prefix: 'race/', clock: () => startedAt, pgDumpPath: held, clientMajor: pg.major,
      onBytes: () => {
        // Another run writes the key after our check that it is absent, while the dump streams.
        racer ??= s3.putObject(BUCKET, key, 'the concurrent backup').then(() => writeFileSync(go, ''));
      },
    }));
    await expect(run).rejects.toThrow(/upload to s3:\/\/dump-bucket\/race\/shop\/.*\.dump failed: .*(PreconditionFailed|pre-conditions)/);
    await racer;
    expect(s3.stats.preconditionFailures).toBeGreaterThan(0);
    expect(metrics.values(JOB_METRIC.BACKUP_SUCCESS)).toEqual([0]);
    expect(await s3.listKeys(BUCKET, 'race/')).toEqual([key]);
    expect((await s3.getObject(BUCKET, key)).toString()).toBe('the concurrent backup');
    expect(await s3.openUploads(BUCKET)).toEqual([]);
  });

  test('fails when the watchdog deadline is reached mid-stream, with progress logged before', async () => {
    const metrics = new InMemoryMetricsRecorder();
    const logger = silentLogger();
    const info = jest.spyOn(logger, 'info');
    let remainingMs = 600_000;
    let stopped: ChildProcess | undefined;
    const run = runPgDump(input({
      metrics, logger, prefix: 'watchdog/', database: 'bulk', secret: pg.secret('bulk'), compression: 'none',
      remainingTimeMs: () => remainingMs,
      safetyMarginMs: 30_000,
      watchdogIntervalMs: 20,
      progressIntervalMs: 20,
      onBytes: (bytes, child) => {
        if (!stopped && bytes > 6 * MIB) {
          stopped = child;
          child.kill('SIGSTOP'); // a dump that stalls
        }
      },
    }));
    await waitFor('an open multipart upload with a part', async () => stopped !== undefined && (await s3.openUploads(BUCKET)).length === 1 && s3.stats.uploadParts > 0);
    // A progress line of the stalled dump, before the deadline: the watchdog stops the progress lines when it fires.
    await waitFor('a progress line after the stall', () => info.mock.calls.some(([message, fields]) =>
      message === 'pg_dump progress' && (fields as unknown as { bytes: number }).bytes > 6 * MIB));
    remainingMs = 29_000;
    await expectCleanFailure(run, /watchdog: stopped pg_dump 29 s before the deadline \(safety margin 30 s\) after \d+ bytes .*the upload was aborted/, metrics, 'watchdog/');
    const progress = info.mock.calls.filter(([message]) => message === 'pg_dump progress').pop()?.[1] as Record<string, number>;
    expect(progress.bytes).toBeGreaterThan(6 * MIB);
    expect(typeof progress.mibPerSecond).toBe('number');
    expect(stopped?.signalCode).toBe('SIGKILL');
  });

  test('fails when the upload does not stop in time after the watchdog fired (a hung part), and aborts it', async () => {
    const metrics = new InMemoryMetricsRecorder();
    let remainingMs = 600_000;
    s3.delayUploadParts(3_000);
    const { run } = await dumpStalledAtAPart(metrics, 'hung/', () => remainingMs);
    // Part 1 is held by S3 when the deadline comes; lib-storage would wait for it, the watchdog does not.
    remainingMs = 14_000;
    const started = Date.now();
    const error = await run.then(() => undefined, (e: unknown) => e as Error);
    expect(Date.now() - started).toBeLessThan(2_000); // did not wait for the 3 s part
    expect(error?.message).toMatch(/^watchdog: stopped pg_dump 14 s before the deadline/);
    expect(metrics.values(JOB_METRIC.BACKUP_SUCCESS)).toEqual([0]);
    expect(await s3.openUploads(BUCKET)).toEqual([]);
    // Once the held part is answered (NoSuchUpload: the upload was aborted), nothing is left.
    await waitFor('the held part to be answered', () => s3.stats.uploadPartsInFlight === 0);
    await waitFor('no open upload', async () => (await s3.openUploads(BUCKET)).length === 0, 3_000);
    expect(await s3.listKeys(BUCKET, 'hung/')).toEqual([]);
  });

  test('fails before the deadline, with its failure metric, when S3 stalls for the parts and for the abort', async () => {
    const metrics = new InMemoryMetricsRecorder();
    let deadlineAt = Number.POSITIVE_INFINITY;
    s3.delayUploadParts(20_000);
    s3.dropAborts('hold');
    try {
      const { run } = await dumpStalledAtAPart(metrics, 'stalled/', () => deadlineAt - Date.now());
      deadlineAt = Date.now() + 14_000;
      const error = await run.then(() => undefined, (e: unknown) => e as Error);
      // The abort was given until a quarter of the safety margin before the deadline, not forever.
      expect(deadlineAt - Date.now()).toBeGreaterThan(5_000);
      expect(error?.message).toMatch(/^watchdog: stopped pg_dump 1\d s before the deadline .*; in addition, could not abort multipart upload \w+ of s3:\/\/dump-bucket\/stalled\/bulk\/.*\.dump: /);
      expect(metrics.values(JOB_METRIC.BACKUP_SUCCESS)).toEqual([0]);
      expect(await s3.listKeys(BUCKET, 'stalled/')).toEqual([]);
    } finally {
      s3.resetFaults();
    }
    await waitFor('the held part to be answered', () => s3.stats.uploadPartsInFlight === 0, 30_000);
    for (const uploadId of await s3.openUploads(BUCKET)) {
      await s3.client.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: 'stalled/cleanup', UploadId: uploadId }));
    }
  });

  test('fails when too little time is left to start', async () => {
    const metrics = new InMemoryMetricsRecorder();
    const onBytes = jest.fn();
    await expectCleanFailure(
      runPgDump(input({ metrics, prefix: 'notime/', remainingTimeMs: () => 10_000, safetyMarginMs: 60_000, onBytes })),
      /watchdog: only 10000 ms left before the deadline, less than the safety margin of 60000 ms; not starting the dump/,
      metrics, 'notime/');
    expect(onBytes).not.toHaveBeenCalled();
  });

  test('fails when lz4 is asked of a pg_dump older than 16', async () => {
    const metrics = new InMemoryMetricsRecorder();
    await expectCleanFailure(
      runPgDump(input({ metrics, prefix: 'lz4/', compression: 'lz4', clientMajor: 15 })),
      /compression 'lz4' needs pg_dump 16 or newer, but the job's pg_dump is 15/,
      metrics, 'lz4/');
  });

  test('fails when the secret cannot be read, with a failure metric', async () => {
    const metrics = new InMemoryMetricsRecorder();
    await expectCleanFailure(
      runPgDump(input({ metrics, prefix: 'nosecret/', secret: () => Promise.reject(new Error('AccessDeniedException: not allowed')) })),
      /AccessDeniedException: not allowed/, metrics, 'nosecret/');
  });
});

describe('pg-dump handler', () => {
  const secretsManager = mockClient(SecretsManagerClient);
  const savedEnv = { ...process.env };
  const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:shop-AbCdEf';
  let stdout: string[];

  beforeEach(() => {
    secretsManager.reset();
    stdout = [];
    const write = process.stdout.write.bind(process.stdout);
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
      stdout.push(chunk.toString());
      return chunk.toString().includes('"_aws"') || chunk.toString().includes('"level"') ? true : write(chunk, ...(rest as []));
    });
    Object.assign(process.env, s3.awsEnv(), {
      PATH: `${pg.binDir}:${savedEnv.PATH}`,
      POWERTOOLS_LOG_LEVEL: 'WARN',
      [DUMP_ENV.SECRET_ARN]: SECRET_ARN,
      [DUMP_ENV.DATABASE]: 'shop',
      [DUMP_ENV.BUCKET]: BUCKET,
      [DUMP_ENV.PREFIX]: 'handler',
      [DUMP_ENV.BUCKET_OWNER]: OWNER,
      [DUMP_ENV.KMS_KEY]: KMS_KEY,
      [DUMP_ENV.COMPRESSION]: 'gzip:1',
      [DUMP_ENV.PART_SIZE_MIB]: '5',
      [DUMP_ENV.SSL_MODE]: 'disable',
    });
  });

  afterEach(() => {
    jest.restoreAllMocks();
    for (const name of Object.keys(process.env)) {
      if (!(name in savedEnv)) {
        delete process.env[name];
      }
    }
    Object.assign(process.env, savedEnv);
  });

  afterAll(() => secretsManager.restore());

  /** The EMF documents written to stdout. */
  const emf = () => stdout.filter((line) => line.includes('"_aws"')).map((line) => JSON.parse(line) as Record<string, unknown>);

  test('reads the environment and the secret, dumps, and emits EMF with the Database dimension only', async () => {
    secretsManager.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({ SecretString: pg.secretString('shop') });
    const result = await handler({}, { getRemainingTimeInMillis: () => 900_000 });
    expect(result.key).toMatch(/^handler\/shop\/\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z\.dump$/);
    const dump = await s3.getObject(BUCKET, result.key);
    expect(result).toEqual({
      bucket: BUCKET, key: result.key, manifestKey: manifestKey(result.key),
      sizeBytes: dump.length, sha256: createHash('sha256').update(dump).digest('hex'),
    });
    const manifest = JSON.parse((await s3.getObject(BUCKET, result.manifestKey)).toString()) as DumpManifest;
    expect(manifest.compression).toBe('gzip:1');
    expect(manifest.startedAt).toBe(parseDumpKey(result.key)?.startedAt.toISOString()); // real clock, whole seconds
    const [document] = emf();
    expect(document).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Namespace: 'CdkBackupDr', Dimensions: [['Database']] }] },
      Database: 'shop', BackupSuccess: 1, BackupSizeBytes: dump.length,
    });
    expect(document).not.toHaveProperty('service');
    const definitions = (document._aws as { CloudWatchMetrics: { Metrics: unknown[] }[] }).CloudWatchMetrics[0].Metrics;
    expect(definitions).toEqual([
      { Name: 'BackupSuccess', Unit: 'Count' },
      { Name: 'BackupSizeBytes', Unit: 'Bytes' },
      { Name: 'BackupDurationSeconds', Unit: 'Seconds' },
    ]);
  });

  test('fails when the secret lacks a field, naming it, with BackupSuccess 0 and no object', async () => {
    const withoutPassword: Record<string, unknown> = { ...pg.secret('shop') };
    delete withoutPassword.password;
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(withoutPassword) });
    process.env[DUMP_ENV.PREFIX] = 'handler-fail/';
    await expect(handler({}, { getRemainingTimeInMillis: () => 900_000 }))
      .rejects.toThrow(`secret ${SECRET_ARN} is missing the field(s) password`);
    expect(emf()).toEqual([expect.objectContaining({ Database: 'shop', BackupSuccess: 0 })]);
    expect(await s3.listKeys(BUCKET, 'handler-fail/')).toEqual([]);
  });
});
