// Round trip on loopback: a database with several schemas, many column types, sequences, a view, a partitioned
// table and an empty table → pg-dump (runPgDump) to s3rver → verify-dump (verifyNewestDump) into a scratch
// database → table-by-table content equality between the source and the restored copy.

import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { JOB_METRIC } from '../../lib/private/job-contract';
import { runPgDump } from '../../lambda/pg-dump';
import { createJobLogger } from '../../lambda/shared/logger';
import { InMemoryMetricsRecorder } from '../../lambda/shared/metrics';
import { DEFAULT_ROW_COUNT_POLICY, verifyNewestDump, VerifyResult } from '../../lambda/verify-dump';
import { PostgresServer, quoteIdent, S3Server, startPostgres, startS3 } from './harness';

const BUCKET = 'round-trip';
/** occurred_at of the last of the 3000 events: 2025-06-01 + 3000 x 3 h 17 min. */
const NEWEST_EVENT = new Date(Date.parse('2025-06-01T00:00:00Z') + 3000 * (3 * 60 + 17) * 60_000);
const SOURCE_DB = 'app_source';

const SCHEMA = `
  create schema app;
  create schema audit;
  create type app.plan as enum ('free', 'pro', 'team', 'enterprise');
  create sequence app.invoice_number start 1000 increment 7;

  create table app.customers (
    id bigint generated always as identity primary key,
    uid uuid not null default gen_random_uuid(),
    name text not null,
    plan app.plan not null,
    balance numeric(20, 6),
    ratio double precision,
    tags text[],
    scores int[],
    settings jsonb,
    avatar bytea,
    signed_up timestamptz not null,
    birthday date,
    active boolean,
    trial interval,
    last_ip inet,
    name_upper text generated always as (upper(name)) stored
  );

  create table app.invoices (
    id serial primary key,
    number bigint not null default nextval('app.invoice_number'),
    customer_id bigint not null references app.customers(id),
    total numeric not null,
    lines jsonb not null,
    issued_at timestamptz not null
  );

  create table app.events (
    id bigserial,
    occurred_at timestamptz not null,
    kind text not null,
    payload jsonb,
    primary key (id, occurred_at)
  ) partition by range (occurred_at);
  create table app.events_2025 partition of app.events for values from ('2025-01-01') to ('2026-01-01');
  create table app.events_2026 partition of app.events for values from ('2026-01-01') to ('2027-01-01');
  create table app.events_other partition of app.events default;

  create table audit.log (id bigserial primary key, at timestamptz not null default now(), entry text);
  create table audit.never_written (id int primary key, note text);
  create table public."Mixed Case ""Quoted"" Table" (id int primary key, "Value" text);

  create view app.customer_totals as
    select c.id, c.name, count(i.id) as invoices, coalesce(sum(i.total), 0) as total
      from app.customers c left join app.invoices i on i.customer_id = c.id
     group by c.id, c.name;
  create materialized view app.plan_counts as select plan, count(*) as customers from app.customers group by plan;
`;

const DATA = `
  insert into app.customers (name, plan, balance, ratio, tags, scores, settings, avatar, signed_up, birthday, active, trial, last_ip)
  select
    (array['Zoë', 'Łukasz', '山田 太郎', 'Nguyễn Văn A', 'O''Brien', 'emoji 🎉🚀', E'tab\\tand\\nnewline', 'Ångström'])[1 + g % 8] || ' #' || g,
    (array['free', 'pro', 'team', 'enterprise'])[1 + g % 4]::app.plan,
    case when g % 10 = 0 then null else (g * 12345.678901)::numeric(20, 6) - 500000 end,
    case when g % 13 = 0 then 'NaN'::float8 when g % 17 = 0 then '-Infinity'::float8 else g / 7.0 end,
    case when g % 5 = 0 then '{}'::text[] else array['t' || g, 'quote"d', 'comma,d', null] end,
    array[g, -g, g * g],
    jsonb_build_object('g', g, 'nested', jsonb_build_object('list', jsonb_build_array(1, 'two', null, true)), 'ü', '✓'),
    case when g % 3 = 0 then null else decode(md5(g::text) || '00ff', 'hex') end,
    timestamptz '2024-02-29 23:59:59.123456+05:30' + g * interval '7 hours 3 minutes',
    date '1950-01-01' + g * 11,
    case g % 3 when 0 then true when 1 then false else null end,
    g * interval '1 day 2 hours',
    ('10.' || (g % 250) || '.0.' || (g % 200) || '/32')::inet
  from generate_series(1, 400) g;

  insert into app.invoices (customer_id, total, lines, issued_at)
  select 1 + g % 400, round((g * 3.14159)::numeric, 2), jsonb_build_array(jsonb_build_object('sku', 'SKU-' || g, 'qty', g % 9)),
         now() - g * interval '37 minutes'
  from generate_series(1, 1500) g;
  select setval('app.invoice_number', 987654, true);

  insert into app.events (occurred_at, kind, payload)
  select timestamptz '2025-06-01 00:00:00+00' + g * interval '3 hours 17 minutes',
         (array['login', 'logout', 'purchase'])[1 + g % 3],
         case when g % 4 = 0 then null else jsonb_build_object('n', g) end
  from generate_series(1, 3000) g;

  insert into audit.log (entry) select repeat('audit ', g % 5) || g from generate_series(1, 250) g;
  insert into public."Mixed Case ""Quoted"" Table" values (1, 'one'), (2, null), (3, 'dreì');
  select lo_from_bytea(0, convert_to(repeat('large object ', 5000), 'UTF8')), lo_from_bytea(0, '\\x0102030405'::bytea);
  refresh materialized view app.plan_counts;
`;

let pg: PostgresServer;
let s3: S3Server;
let workDir: string;

beforeAll(async () => {
  [pg, s3] = await Promise.all([startPostgres(), startS3()]);
  await s3.createBucket(BUCKET);
  await pg.createDatabase(SOURCE_DB);
  await pg.withClient(SOURCE_DB, async (c) => {
    await c.query(SCHEMA);
    await c.query(DATA);
    await c.query('analyze');
  });
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'round-trip-'));
});

afterAll(async () => {
  await Promise.all([pg?.stop(), s3?.stop()]);
  if (workDir) await fs.rm(workDir, { recursive: true, force: true });
});

/** Every table and leaf partition, with every row as its text form, sorted: what "same content" means here. */
async function tableContents(database: string): Promise<Map<string, string[]>> {
  return pg.withClient(database, async (c) => {
    const tables = await c.query<{ schema: string; name: string }>(`
      select n.nspname as schema, c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where c.relkind = 'r' and n.nspname in ('public', 'app', 'audit') order by 1, 2`);
    const contents = new Map<string, string[]>();
    for (const t of tables.rows) {
      const rows = await c.query<{ r: string }>(`select x::text as r from ${quoteIdent(t.schema)}.${quoteIdent(t.name)} x order by 1`);
      contents.set(`${t.schema}.${t.name}`, rows.rows.map((row) => row.r));
    }
    return contents;
  });
}

/** Sequence positions, view definitions and view results. */
async function otherObjects(database: string): Promise<Record<string, unknown>> {
  return pg.withClient(database, async (c: Client) => {
    const sequences = await c.query<{ name: string }>(`
      select schemaname || '.' || sequencename as name from pg_sequences where schemaname in ('public', 'app', 'audit') order by 1`);
    const positions: Record<string, unknown> = {};
    for (const s of sequences.rows) {
      const [schema, name] = s.name.split('.');
      positions[s.name] = (await c.query(`select last_value::text, is_called from ${quoteIdent(schema)}.${quoteIdent(name)}`)).rows[0];
    }
    const views = await c.query("select viewname, definition from pg_views where schemaname = 'app' order by 1");
    const totals = await c.query('select x::text as r from app.customer_totals x order by 1');
    const partitions = await c.query(`
      select inhrelid::regclass::text as partition, pg_get_expr(c.relpartbound, c.oid) as bound
        from pg_inherits i join pg_class c on c.oid = i.inhrelid
       where inhparent = 'app.events'::regclass order by 1`);
    return { positions, views: views.rows, totals: totals.rows.map((r) => r.r), partitions: partitions.rows };
  });
}

describe('round trip: pg-dump → s3rver → verify-dump', () => {
  let verified: VerifyResult;
  const dumpMetrics = new InMemoryMetricsRecorder();
  const verifyMetrics = new InMemoryMetricsRecorder();

  beforeAll(async () => {
    const dumped = await runPgDump({
      s3: s3.client,
      bucket: BUCKET,
      prefix: 'pg/',
      database: 'app',
      secret: pg.secret(SOURCE_DB),
      sslMode: 'disable',
      metrics: dumpMetrics,
      logger: createJobLogger('pg-dump', 'app', { logLevel: 'SILENT' }),
      pgDumpPath: pg.bin('pg_dump'),
    });
    expect(dumped.key).toMatch(/^pg\/app\/\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.dump$/);

    verified = await verifyNewestDump({
      s3: s3.client,
      scratch: { secret: pg.secret('postgres'), sslMode: 'disable' },
      clock: () => new Date(),
      metrics: verifyMetrics,
      logger: createJobLogger('verify-dump', 'app', { logLevel: 'SILENT' }),
    }, {
      database: 'app',
      bucket: BUCKET,
      prefix: 'pg/',
      productionTarget: { host: pg.host, port: pg.port, database: SOURCE_DB },
      rowCounts: DEFAULT_ROW_COUNT_POLICY,
      freshnessChecks: [
        { table: 'app.invoices', column: 'issued_at', maxAgeSeconds: 3600 },
        // A partitioned table (the newest event is fixed, so the limit is set from the clock: passes by one hour).
        { table: 'app.events', column: 'occurred_at', maxAgeSeconds: Math.ceil((Date.now() - NEWEST_EVENT.getTime()) / 1000) + 3600 },
      ],
      sqlChecks: [
        { name: 'view adds up', sql: 'select sum(total) = (select sum(total) from app.invoices) from app.customer_totals' },
        { name: 'unicode survived', sql: "select count(*) = 50 from app.customers where name like '山田 太郎%'" },
      ],
      restoreJobs: 2,
      workDir,
      pgRestore: pg.bin('pg_restore'),
      keepScratchDatabase: true,
    });
    expect(verified.key).toBe(dumped.key);
  });

  afterAll(async () => {
    if (verified) await pg.dropDatabase(verified.scratchDatabase);
  });

  test('both jobs report success', () => {
    expect(dumpMetrics.values(JOB_METRIC.BACKUP_SUCCESS)).toEqual([1]);
    expect(verifyMetrics.values(JOB_METRIC.VERIFICATION_SUCCESS)).toEqual([1]);
    expect(verifyMetrics.values(JOB_METRIC.RESTORE_DURATION_SECONDS)).toHaveLength(1);
  });

  test('every table and leaf partition of the manifest was counted exactly and matched; freshness and SQL checks passed', () => {
    const rowChecks = verified.checks.filter((c) => c.kind === 'rowCount');
    expect(rowChecks.map((c) => [c.name, c.status])).toEqual([
      ['app.customers', 'passed'],
      ['app.events_2025', 'passed'],
      ['app.events_2026', 'passed'],
      ['app.events_other', 'passed'],
      ['app.invoices', 'passed'],
      ['audit.log', 'passed'],
      ['audit.never_written', 'passed'],
      ['public.Mixed Case "Quoted" Table', 'passed'],
      ['app.plan_counts', 'passed'],
    ]);
    expect(verified.manifest.tables.every((t) => t.exact)).toBe(true);
    // The large objects and the materialized view went through pg_dump, S3 and pg_restore, and were counted again.
    expect(verified.manifest.largeObjects).toEqual({ count: 2, bytes: 65_005 });
    expect(verified.manifest.materializedViews).toEqual([{ name: 'app.plan_counts', rows: 4, exact: true }]);
    expect(verified.checks.filter((c) => c.kind !== 'rowCount').map((c) => [c.kind, c.name, c.status])).toEqual([
      ['largeObjects', 'large objects', 'passed'],
      ['freshness', 'app.invoices.issued_at', 'passed'],
      ['freshness', 'app.events.occurred_at', 'passed'],
      ['sql', 'view adds up', 'passed'],
      ['sql', 'unicode survived', 'passed'],
    ]);
  });

  test('the restored copy has the same rows as the source, table by table', async () => {
    const [source, restored] = await Promise.all([tableContents(SOURCE_DB), tableContents(verified.scratchDatabase)]);
    // Guard against a vacuous comparison: the tables and their sizes are the ones created above.
    expect([...source.entries()].map(([name, rows]) => [name, rows.length])).toEqual([
      ['app.customers', 400],
      ['app.events_2025', expect.any(Number)],
      ['app.events_2026', expect.any(Number)],
      ['app.events_other', 0],
      ['app.invoices', 1500],
      ['audit.log', 250],
      ['audit.never_written', 0],
      ['public.Mixed Case "Quoted" Table', 3],
    ]);
    expect((source.get('app.events_2025')?.length ?? 0) + (source.get('app.events_2026')?.length ?? 0)).toBe(3000);
    for (const [name, rows] of source) {
      expect({ table: name, rows: restored.get(name) }).toEqual({ table: name, rows });
    }
    expect([...restored.keys()]).toEqual([...source.keys()]);
  });

  test('sequences, the view and the partition bounds are restored', async () => {
    const [source, restored] = await Promise.all([otherObjects(SOURCE_DB), otherObjects(verified.scratchDatabase)]);
    expect(source.positions).toMatchObject({ 'app.invoice_number': { last_value: '987654', is_called: true } });
    expect(Object.keys(source.positions as object)).toHaveLength(5);
    expect(restored).toEqual(source);
  });

  test('the comparison sees a changed value (it can fail)', async () => {
    await pg.query("update app.customers set settings = settings || '{\"changed\": true}' where id = 7", [], verified.scratchDatabase);
    const [source, restored] = await Promise.all([tableContents(SOURCE_DB), tableContents(verified.scratchDatabase)]);
    expect(restored.get('app.customers')).not.toEqual(source.get('app.customers'));
    expect(restored.get('app.invoices')).toEqual(source.get('app.invoices'));
  });
});
