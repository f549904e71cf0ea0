// The verify job's SQL checks (lambda/verify-dump/checks.ts) against a real PostgreSQL server on loopback: which
// relations count as restored tables, counts and newest values through quoted names and partitions, and the
// custom SQL check's rules (one row, first column boolean true, read-only, one statement, statement timeout, the
// session left as it was). verify-dump.test.ts runs the same checks through the whole job.

import type { Client } from 'pg';
import {
  countRows, listRestoredTables, newestEpochSeconds, RestoredTable, runSqlCheck,
} from '../../lambda/shared/checks';
import { PostgresServer, startPostgres } from './harness';

const DATABASE = 'restored';
const TIMEOUT_SECONDS = 10;

let pg: PostgresServer;

beforeAll(async () => {
  pg = await startPostgres();
  await pg.createDatabase(DATABASE);
  await pg.withClient(DATABASE, (c) => c.query(`
    create table orders (id int primary key, created_at timestamptz, local_at timestamp, day date);
    insert into orders values
      (1, '2026-01-02 03:04:05.25+00', '2026-01-02 03:04:05', '2026-01-02'),
      (2, '2026-01-01 00:00:00+00', '2026-01-01 00:00:00', '2026-01-01'),
      (3, null, null, null);
    create table events (id int, at timestamptz not null) partition by range (at);
    create table events_2026 partition of events for values from ('2026-01-01') to ('2027-01-01');
    create table events_2027 partition of events for values from ('2027-01-01') to ('2028-01-01');
    insert into events values (1, '2026-05-01'), (2, '2026-06-01'), (3, '2027-02-01');
    create schema "Sales";
    create table "Sales"."Invoice Lines" ("Issued At" timestamptz);
    insert into "Sales"."Invoice Lines" values ('2026-03-01 12:00:00+00'), ('2026-02-01 12:00:00+00');
    create table empty_table (at timestamptz);
    create table all_null (at timestamptz);
    insert into all_null values (null), (null);
    create view order_view as select * from orders;
    create materialized view order_totals as select count(*) from orders;
    create sequence order_numbers;
    create type mood as enum ('ok');
    create index orders_created_at on orders (created_at);`));
});

afterAll(async () => {
  await pg?.stop();
});

function withClient<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  return pg.withClient(DATABASE, fn);
}

function table(schema: string, name: string, relkind = 'r'): RestoredTable {
  return { schema, table: name, relkind };
}

describe('listRestoredTables', () => {
  test('lists tables, partitioned tables and materialized views by schema.table; not views, sequences, indexes or the catalogs', async () => {
    const tables = await withClient(listRestoredTables);
    expect([...tables.keys()].sort()).toEqual([
      'Sales.Invoice Lines',
      'public.all_null',
      'public.empty_table',
      'public.events',
      'public.events_2026',
      'public.events_2027',
      'public.order_totals',
      'public.orders',
    ]);
    expect(tables.get('public.events')).toEqual(table('public', 'events', 'p'));
    expect(tables.get('public.order_totals')).toEqual(table('public', 'order_totals', 'm'));
    expect(tables.get('public.events_2026')).toEqual(table('public', 'events_2026'));
    expect(tables.get('Sales.Invoice Lines')).toEqual(table('Sales', 'Invoice Lines'));
  });
});

describe('countRows', () => {
  test.each<[string, RestoredTable, number]>([
    ['a table', table('public', 'orders'), 3],
    ['a partitioned table, all partitions', table('public', 'events', 'p'), 3],
    ['one partition', table('public', 'events_2027'), 1],
    ['a table with quoted names', table('Sales', 'Invoice Lines'), 2],
    ['an empty table', table('public', 'empty_table'), 0],
  ])('counts %s', async (_label, t, count) => {
    expect(await withClient((c) => countRows(c, t))).toBe(count);
  });
});

describe('newestEpochSeconds', () => {
  test.each<[string, RestoredTable, string, number | null]>([
    ['a timestamptz, with fractions of a second', table('public', 'orders'), 'created_at', Date.parse('2026-01-02T03:04:05.25Z') / 1000],
    ['a timestamp, read as UTC', table('public', 'orders'), 'local_at', Date.parse('2026-01-02T03:04:05Z') / 1000],
    ['a date, at midnight UTC', table('public', 'orders'), 'day', Date.parse('2026-01-02T00:00:00Z') / 1000],
    ['the column of a partitioned table', table('public', 'events', 'p'), 'at', Date.parse('2027-02-01T00:00:00Z') / 1000],
    ['a quoted column of a quoted table', table('Sales', 'Invoice Lines'), 'Issued At', Date.parse('2026-03-01T12:00:00Z') / 1000],
    ['an empty table', table('public', 'empty_table'), 'at', null],
    ['a column that is all NULL', table('public', 'all_null'), 'at', null],
  ])('the newest value of %s', async (_label, t, column, expected) => {
    const newest = await withClient(async (c) => {
      // A session time zone other than UTC must not shift a timestamp without time zone.
      await c.query("set timezone = 'Asia/Tokyo'");
      return newestEpochSeconds(c, t, column);
    });
    expect(newest).toBe(expected);
  });
});

describe('runSqlCheck', () => {
  const run = (sql: string, timeoutSeconds = TIMEOUT_SECONDS) =>
    withClient((c) => runSqlCheck(c, { name: 'check', sql }, timeoutSeconds));

  test.each<[string, string]>([
    ['select true', "SQL check 'check' returned true"],
    ['select count(*) = 3 from orders', "SQL check 'check' returned true"],
    ['select true, false', "SQL check 'check' returned true"],
  ])('passes when %p returns one row whose first column is true', async (sql, detail) => {
    expect(await run(sql)).toEqual({ kind: 'sql', name: 'check', status: 'passed', detail });
  });

  test.each<[string, string]>([
    ['select false', 'returned false, expected true'],
    ['select false, true', 'returned false, expected true'],
    ['select null::boolean', 'returned null, expected true'],
    ['select 1', 'returned 1, expected true'],
    ["select 'true'", 'returned "true", expected true'],
    ['select true union all select false', 'returned 2 rows; it must return exactly one row with a boolean'],
    ['select true union all select true', 'returned 2 rows; it must return exactly one row with a boolean'],
    ['select true where false', 'returned 0 rows; it must return exactly one row with a boolean'],
    ['select from orders where id = 1', 'returned 1 rows; it must return exactly one row with a boolean'],
    ['selec true', 'failed: syntax error at or near "selec"'],
    ['select true; select true', 'failed: cannot insert multiple commands into a prepared statement'],
    ['commit; select true', 'failed: cannot insert multiple commands into a prepared statement'],
    ['create table intruder (id int)', 'failed: cannot execute CREATE TABLE in a read-only transaction'],
    ['insert into orders values (99, now()) returning true', 'failed: cannot execute INSERT in a read-only transaction'],
  ])('fails when the check is %p', async (sql, detail) => {
    expect(await run(sql)).toEqual({ kind: 'sql', name: 'check', status: 'failed', detail: `SQL check 'check' ${detail}` });
  });

  test('a check cannot write: the refused statements left nothing behind', async () => {
    await run('create table intruder (id int)');
    await run('insert into orders values (99, now()) returning true');
    const { rows } = await pg.query("select to_regclass('public.intruder') is null as gone, (select count(*)::int from orders) as n",
      [], DATABASE);
    expect(rows).toEqual([{ gone: true, n: 3 }]);
  });

  test('fails when the check runs longer than the timeout', async () => {
    expect(await run('select pg_sleep(3) is not null', 0.5)).toEqual({
      kind: 'sql', name: 'check', status: 'failed', detail: "SQL check 'check' failed: canceling statement due to statement timeout",
    });
  });

  test('the timeout is in seconds: a check shorter than it passes', async () => {
    expect((await run('select pg_sleep(0.2) is not null', 2)).status).toBe('passed');
  });

  test('leaves the session as it was: transaction ended, timeout and settings of the check rolled back', async () => {
    const after = await withClient(async (c) => {
      await runSqlCheck(c, { name: 'slow', sql: 'select pg_sleep(3) is not null' }, 0.5);
      await runSqlCheck(c, { name: 'broken', sql: 'selec true' }, TIMEOUT_SECONDS);
      await runSqlCheck(c, { name: 'settings', sql: "select set_config('work_mem', '1MB', false) is not null" }, TIMEOUT_SECONDS);
      const state = await c.query(`select current_setting('transaction_read_only') as read_only,
        current_setting('statement_timeout') as timeout, current_setting('work_mem') as work_mem`);
      const next = await runSqlCheck(c, { name: 'next', sql: 'select true' }, TIMEOUT_SECONDS);
      return { ...state.rows[0], next: next.status };
    });
    expect(after).toEqual({ read_only: 'off', timeout: '0', work_mem: '4MB', next: 'passed' });
  });
});
