// `cdk-backup-dr restore dump` end to end, as a process: dumps written by the pg-dump job (runPgDump) to the local S3
// API, restored by the CLI into a real PostgreSQL server, and what a person and a script see.
import { spawn } from 'node:child_process';
import * as net from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PutObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { runPgDump } from '../../lambda/pg-dump';
import { createJobLogger } from '../../lambda/shared/logger';
import { InMemoryMetricsRecorder } from '../../lambda/shared/metrics';
import { PostgresServer, S3Server, startPostgres, startS3 } from '../integration/harness';
import { CLI, cleanEnv, CliRun, ensureBundle, runCli, runCliOnTerminal, terminalFrames } from './cli-process';

const BUCKET = 'dumps';
const SOURCE = 'shop';
const D1 = 'pg/shop/2026-03-01T00-00-00Z.dump';
const D2 = 'pg/shop/2026-03-02T00-00-00Z.dump';
/** A dump without a manifest (a run that failed before writing it): newer than D2, never chosen. */
const D3 = 'pg/shop/2026-03-03T00-00-00Z.dump';

let pg: PostgresServer;
let s3: S3Server;
let workDir: string;

async function dump(at: string): Promise<string> {
  const result = await runPgDump({
    s3: s3.client, bucket: BUCKET, prefix: 'pg/', database: SOURCE, secret: pg.secret(SOURCE), sslMode: 'disable',
    metrics: new InMemoryMetricsRecorder(), logger: createJobLogger('pg-dump', SOURCE, { logLevel: 'SILENT' }),
    pgDumpPath: pg.bin('pg_dump'), clock: () => new Date(at),
  });
  return result.key;
}

async function objectBytes(key: string): Promise<Buffer> {
  const res = await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from(await res.Body!.transformToByteArray());
}

async function put(key: string, body: Buffer | string): Promise<void> {
  await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
}

beforeAll(async () => {
  ensureBundle();
  [pg, s3] = await Promise.all([startPostgres(), startS3()]);
  await s3.createBucket(BUCKET);
  await pg.createDatabase(SOURCE);
  await pg.query(`
    create table public.customers (id int primary key, name text not null);
    create table public.orders (id int primary key, customer_id int not null references public.customers(id), total numeric not null);
    insert into public.customers select g, 'customer ' || g from generate_series(1, 20) g;
    insert into public.orders select g, 1 + g % 20, g * 1.5 from generate_series(1, 100) g;`, [], SOURCE);
  expect(await dump('2026-03-01T00:00:00Z')).toBe(D1);
  await pg.query('insert into public.orders select g, 1 + g % 20, g * 1.5 from generate_series(101, 150) g', [], SOURCE);
  expect(await dump('2026-03-02T00:00:00Z')).toBe(D2);
  await put(D3, await objectBytes(D2));
  workDir = mkdtempSync(path.join(os.tmpdir(), 'restore-dump-'));
});

afterAll(async () => {
  await Promise.all([pg?.stop(), s3?.stop()]);
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

/**
 * Runs `restore dump` against the harness's bucket, with the S3 API's credentials and a private work directory, from a
 * directory without a cdk.out and with --no-app (only a later --app and --production name production databases).
 */
function restore(args: readonly string[], options: { input?: string; terminal?: boolean } = {}): Promise<CliRun> {
  const work = path.join(workDir, `run-${Math.random().toString(36).slice(2)}`);
  mkdirSync(work);
  const all = ['restore', 'dump', '--bucket', BUCKET, '--prefix', 'pg/', '--database', SOURCE, '--endpoint-url', s3.endpoint,
    '--work-dir', work, '--no-app', ...args];
  const env = {
    AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1', PGPASSWORD: pg.password,
    // Every AWS API but the S3 of --endpoint-url goes to a closed loopback port: nothing here calls AWS.
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_MAX_ATTEMPTS: '1',
    CDK_BACKUP_DR_PROGRESS_SECONDS: '0',
  };
  return (options.terminal ? runCliOnTerminal : runCli)(all, { env, input: options.input, cwd: workDir }).then((r) => {
    // Nothing is left in the work directory, whatever happened.
    expect(readdirSync(work)).toEqual([]);
    return r;
  });
}

const url = (database: string): string => `postgresql://${pg.superuser}@127.0.0.1:${pg.port}/${database}?sslmode=disable`;

async function count(database: string, table: string): Promise<number> {
  const r = await pg.query<{ n: string }>(`select count(*)::text as n from ${table}`, [], database);
  return Number(r.rows[0].n);
}

async function databaseExists(database: string): Promise<boolean> {
  return (await pg.query('select 1 from pg_database where datname = $1', [database])).rows.length === 1;
}

describe('restore dump', () => {
  test('the newest dump with a manifest, into a new database: restored, row counts checked, JSON for scripts', async () => {
    const r = await restore(['--target-url', url('r_newest'), '--create', '--json']);
    expect(r.stderr).toContain(`passed over 1 newer dump(s): ${D3}`);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({
      status: 'restored',
      source: { bucket: BUCKET, key: D2, startedAt: '2026-03-02T00:00:00.000Z' },
      passedOver: [D3],
      target: { database: `127.0.0.1:${pg.port}/r_newest`, created: true, replaced: false, production: false },
      targetBefore: { relations: 0, largeObjects: 0 },
    });
    expect(result.checks).toEqual(expect.arrayContaining([
      expect.objectContaining({ name: 'public.orders', status: 'passed' }),
      expect.objectContaining({ name: 'public.customers', status: 'passed' }),
    ]));
    expect(result.seconds.total).toBeGreaterThan(0);
    expect(result.seconds.total).toBeGreaterThanOrEqual(result.seconds.download + result.seconds.restore + result.seconds.checks - 0.01);
    expect(await count('r_newest', 'public.orders')).toBe(150);
    // Constraints came back with the whole-database restore.
    await expect(pg.query('insert into public.orders values (1, 1, 1)', [], 'r_newest')).rejects.toThrow(/duplicate key/);
  });

  test('the newest dump taken before a time', async () => {
    const r = await restore(['--before', '2026-03-01T12:00+00:00', '--target-url', url('r_before'), '--create']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`restored s3://${BUCKET}/${D1} into 127.0.0.1:${pg.port}/r_before`);
    expect(r.stdout).toMatch(/elapsed [\d.]+s \(the measured RTO of this restore\)/);
    expect(await count('r_before', 'public.orders')).toBe(100);
  });

  test('a named key, and a key of another database refused', async () => {
    expect((await restore(['--key', D1, '--target-url', url('r_key'), '--create'])).code).toBe(0);
    expect(await count('r_key', 'public.orders')).toBe(100);
    const other = await restore(['--key', 'pg/other/2026-03-01T00-00-00Z.dump', '--target-url', url('r_key2'), '--create']);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain("--key 'pg/other/2026-03-01T00-00-00Z.dump' is not a dump of 'shop'");
  });

  test('one table: the verify job\'s single-table path into an empty database', async () => {
    const r = await restore(['--table', 'public.orders', '--target-url', url('r_table'), '--create', '--json']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.table).toBe('public.orders');
    expect(result.checks).toEqual([expect.objectContaining({ name: 'public.orders', status: 'passed' })]);
    expect(await count('r_table', 'public.orders')).toBe(150);
    expect(await count('r_table', 'public.customers')).toBe(0);
  });

  test('a table that is not in the dump is named', async () => {
    const r = await restore(['--table', 'public.invoices', '--target-url', url('r_notable'), '--create']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the dump holds no data for table public.invoices');
    expect(r.stderr).toContain('was dropped');
    expect(await databaseExists('r_notable')).toBe(false);
  });

  test('integrity: a dump whose bytes differ from its manifest is not restored (exit 4), nothing is created', async () => {
    const bytes = await objectBytes(D1);
    bytes[bytes.length - 10] ^= 0xff;
    const key = 'pg/shop/2026-02-01T00-00-00Z.dump';
    await put(key, bytes);
    const manifest = JSON.parse((await objectBytes(`${D1}.manifest.json`)).toString('utf8'));
    await put(`${key}.manifest.json`, JSON.stringify({ ...manifest, key, startedAt: '2026-02-01T00:00:00.000Z' }));
    const r = await restore(['--key', key, '--target-url', url('r_corrupt'), '--create', '--json']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`integrity check failed for s3://${BUCKET}/${key}`);
    expect(r.stderr).toContain(`the manifest says ${manifest.sizeBytes} bytes with sha256 ${manifest.sha256}`);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'failed', exitCode: 4 });
    expect(await databaseExists('r_corrupt')).toBe(false);
  });

  test('a target that holds data is refused (exit 3) unless --replace, which recreates the dump\'s objects', async () => {
    await pg.createDatabase('r_busy');
    await pg.query('create table public.orders (id int primary key, note text); insert into public.orders values (999999, \'stale\')', [], 'r_busy');
    const refused = await restore(['--target-url', url('r_busy')]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(`refusing to restore into 127.0.0.1:${pg.port}/r_busy: it holds 1 object(s) (relation public.orders)`);
    expect(refused.stderr).toContain('--replace');
    expect(await count('r_busy', 'public.orders')).toBe(1);

    const replaced = await restore(['--target-url', url('r_busy'), '--replace', '--json']);
    expect(replaced.code).toBe(0);
    expect(JSON.parse(replaced.stdout).target).toMatchObject({ replaced: true });
    expect(await count('r_busy', 'public.orders')).toBe(150);
  });

  test('owners that do not exist on the target: the fix (--no-owner) is named, and works', async () => {
    await pg.createDatabase('owned');
    await pg.query("create role ghost_owner; create table public.things (id int primary key); alter table public.things owner to ghost_owner; insert into public.things values (1), (2)", [], 'owned');
    const dumped = await runPgDump({
      s3: s3.client, bucket: BUCKET, prefix: 'owned/', database: 'owned', secret: pg.secret('owned'), sslMode: 'disable',
      metrics: new InMemoryMetricsRecorder(), logger: createJobLogger('pg-dump', 'owned', { logLevel: 'SILENT' }), pgDumpPath: pg.bin('pg_dump'),
    });
    await pg.query('drop database owned with (force)');
    await pg.query('drop role ghost_owner');
    const args = ['--prefix', 'owned/', '--database', 'owned', '--key', dumped.key, '--create'];
    const failed = await restore([...args, '--target-url', url('r_owned')]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/role "ghost_owner" does not exist.*pass --no-owner to restore without owners and privileges/s);
    expect(failed.stderr).toContain(`the database 127.0.0.1:${pg.port}/r_owned this run created was dropped`);
    expect(await databaseExists('r_owned')).toBe(false);
    const restored = await restore([...args, '--target-url', url('r_owned'), '--no-owner']);
    expect(restored.code).toBe(0);
    expect(await count('r_owned', 'public.things')).toBe(2);
  });

  test.each([
    ['a type', 'create type public.mood as enum (\'ok\')', 'type public.mood'],
    ['a function', 'create function public.f() returns int language sql as \'select 1\'', 'function public.f'],
    ['a schema', 'create schema audit', 'schema audit'],
    ['a publication', 'create publication pub', 'publication pub'],
  ])('a target holding only %s is refused too', async (_what, sql, named) => {
    const db = `r_${named.split(' ')[0]}`;
    await pg.createDatabase(db);
    await pg.query(sql, [], db);
    const r = await restore(['--target-url', url(db)]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`it holds 1 object(s) (${named})`);
  });

  test('--replace is all or nothing: a replacement that fails (a view depends on a table of the dump) leaves the target as it was', async () => {
    await pg.createDatabase('r_dep');
    await pg.query('create table public.orders (id int primary key, note text); insert into public.orders values (7, \'mine\'); create view public.v as select * from public.orders', [], 'r_dep');
    const r = await restore(['--target-url', url('r_dep'), '--replace']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot drop table public\.orders because other objects depend on it/);
    expect(r.stderr).toContain('is as it was: the replacement ran in one transaction, which was rolled back');
    expect((await pg.query('select note from public.v', [], 'r_dep')).rows).toEqual([{ note: 'mine' }]);
    await expect(pg.query('insert into public.orders values (7, \'again\')', [], 'r_dep')).rejects.toThrow(/duplicate key/);
  });

  test('SIGTERM during pg_restore: pg_restore stopped, the database it created dropped, the download removed, exit 130', async () => {
    // A pg_restore that reads the archive like the real one but takes its time restoring.
    const bin = path.join(workDir, 'slow-bin');
    mkdirSync(bin);
    const started = path.join(workDir, 'slow-restore-started');
    writeFileSync(path.join(bin, 'pg_restore'), `#!/bin/sh\ncase "$1" in --version|--list) exec ${pg.bin('pg_restore')} "$@";; esac\ntouch ${started}\nexec sleep 60\n`, { mode: 0o755 });
    const work = path.join(workDir, 'sigterm');
    mkdirSync(work);
    const child = spawn(process.execPath, [CLI, 'restore', 'dump', '--bucket', BUCKET, '--prefix', 'pg/', '--database', SOURCE, '--endpoint-url', s3.endpoint,
      '--work-dir', work, '--no-app', '--target-url', url('r_sigterm'), '--create'], {
      env: cleanEnv({ PATH: `${bin}:${process.env.PATH}`, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1', PGPASSWORD: pg.password }),
      cwd: workDir, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString('utf8'); });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    for (let i = 0; i < 300 && !existsSync(started); i++) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(started)).toBe(true);
    expect(await databaseExists('r_sigterm')).toBe(true);
    child.kill('SIGTERM');
    expect(await exited).toBe(130);
    expect(stderr).toContain('SIGTERM: stopping');
    expect(stderr).toContain('the database 127.0.0.1:');
    expect(await databaseExists('r_sigterm')).toBe(false);
    expect(readdirSync(work)).toEqual([]);
  });

  test('--table never replaces', async () => {
    const r = await restore(['--table', 'public.orders', '--replace', '--target-url', url('r_busy')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--table restores into an empty database only');
  });

  describe('a production target', () => {
    let app: string;
    beforeAll(() => {
      // A synthesized app whose verify job names the source database as production.
      app = path.join(workDir, 'app.out');
      mkdirSync(app);
      writeFileSync(path.join(app, 'manifest.json'), JSON.stringify({
        version: '48.0.0',
        artifacts: { Workload: { type: 'aws:cloudformation:stack', environment: 'aws://111111111111/eu-west-1', properties: { templateFile: 'Workload.template.json' } } },
      }));
      writeFileSync(path.join(app, 'Workload.template.json'), JSON.stringify({
        Resources: { Verify: { Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: { VERIFY_PRODUCTION_TARGET: `127.0.0.1:${pg.port}/${SOURCE}` } } } } },
      }));
    });

    test('named by the app is refused without --allow-production (exit 3)', async () => {
      const r = await restore(['--app', app, '--target-url', url(SOURCE), '--replace']);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain(`refusing to restore into 127.0.0.1:${pg.port}/${SOURCE}: it is a production database `
        + `(127.0.0.1:${pg.port}/${SOURCE} is named as production in the app (a verify job's production target))`);
      expect(await count(SOURCE, 'public.orders')).toBe(150);
    });

    test('named with --production, with the flag but a wrong typed name, is refused (exit 3)', async () => {
      const r = await restore(['--production', `localhost:${pg.port}/${SOURCE}`, '--allow-production', '--target-url', url(SOURCE), '--replace'], { input: 'shop2\n' });
      expect(r.code).toBe(3);
      expect(r.stderr).toContain(`Type the database name '${SOURCE}' to restore into production:`);
      expect(r.stderr).toContain(`the typed name 'shop2' is not '${SOURCE}'`);
    });

    test.each([
      ['127.1', 'a short form of 127.0.0.1'], ['0.0.0.0', 'the unspecified address'], ['[::ffff:127.0.0.1]', 'an IPv4-mapped IPv6 address'],
    ])('named by another spelling of its host (%s, %s) is refused all the same (exit 3)', async (host) => {
      const r = await restore(['--app', app, '--target-url', `postgresql://${pg.superuser}@${host}:${pg.port}/${SOURCE}?sslmode=disable`, '--replace', '--key', D1]);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain('it is a production database');
      expect(await count(SOURCE, 'public.orders')).toBe(150);
    });

    test('reached through a tunnel (another port forwarded to it), it is recognised by the server\'s own address (exit 3)', async () => {
      const tunnel = net.createServer((socket) => {
        const upstream = net.connect(pg.port, '127.0.0.1');
        socket.pipe(upstream).pipe(socket);
        upstream.on('error', () => socket.destroy());
        socket.on('error', () => upstream.destroy());
      });
      await new Promise<void>((resolve) => tunnel.listen(0, '127.0.0.1', resolve));
      const port = (tunnel.address() as net.AddressInfo).port;
      try {
        const r = await restore(['--app', app, '--target-url', `postgresql://${pg.superuser}@127.0.0.1:${port}/${SOURCE}?sslmode=disable`, '--replace', '--key', D1]);
        expect(r.code).toBe(3);
        expect(r.stderr).toContain(`refusing to restore into 127.0.0.1:${port}/${SOURCE}: it is a production database (127.0.0.1:${pg.port}/${SOURCE} is named as production`);
      } finally {
        await new Promise((resolve) => tunnel.close(resolve));
      }
      expect(await count(SOURCE, 'public.orders')).toBe(150);
    });

    test('an empty or too long database name is refused before anything is read (exit 2)', async () => {
      const empty = await restore(['--app', app, '--target-url', url('scratch'), '--target-database', '', '--replace']);
      expect(empty.code).toBe(2);
      expect(empty.stderr).toContain("the target database name '' is empty");
      const long = await restore(['--app', app, '--target-url', url('scratch'), '--target-database', 'p'.repeat(64)]);
      expect(long.code).toBe(2);
      expect(long.stderr).toContain('is longer than 63 bytes');
    });

    test('a database name that reads as a connection string stays a name: pg_restore never reaches production through it', async () => {
      const r = await restore(['--app', app, '--target-url', url('postgres'), '--target-database', `dbname=${SOURCE}`, '--create', '--key', D1]);
      expect(r.code).toBe(0);
      expect(await count(`dbname=${SOURCE}`, 'public.orders')).toBe(100);
      expect(await count(SOURCE, 'public.orders')).toBe(150);
    });

    test('production known only after deploy that cannot be read back is refused (exit 3) unless --unverified-production', async () => {
      const unresolved = path.join(workDir, 'unresolved.out');
      mkdirSync(unresolved);
      writeFileSync(path.join(unresolved, 'manifest.json'), JSON.stringify({
        version: '48.0.0',
        artifacts: { Workload: { type: 'aws:cloudformation:stack', environment: 'aws://111111111111/eu-west-1', properties: { templateFile: 'Workload.template.json' } } },
      }));
      writeFileSync(path.join(unresolved, 'Workload.template.json'), JSON.stringify({
        Resources: {
          Db: { Type: 'AWS::RDS::DBInstance', Properties: { Engine: 'postgres' } },
          Verify: { Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: {
            VERIFY_PRODUCTION_TARGET: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Db', 'Endpoint.Address'] }, ':5432/shop']] },
          } } } },
        },
      }));
      const refused = await restore(['--app', unresolved, '--target-url', url('r_unverified'), '--create', '--key', D1]);
      expect(refused.code).toBe(3);
      expect(refused.stderr).toContain('refusing to restore: the app names 2 production value(s) known only after deploy that could not be read back (Db of Workload, Db.Endpoint.Address of Workload: Db of stack Workload:');
      expect(refused.stderr).toContain('pass --unverified-production');
      expect(await databaseExists('r_unverified')).toBe(false);
      const allowed = await restore(['--app', unresolved, '--unverified-production', '--target-url', url('r_unverified'), '--create', '--key', D1]);
      expect(allowed.code).toBe(0);
    });

    test('with the flag and the typed name, it is restored', async () => {
      await pg.query('delete from public.orders where id > 120', [], SOURCE);
      const r = await restore(['--app', app, '--allow-production', '--target-url', url(SOURCE), '--replace', '--json'], { input: `${SOURCE}\n` });
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).target).toMatchObject({ production: true, replaced: true });
      expect(await count(SOURCE, 'public.orders')).toBe(150);
    });
  });

  test('--dry-run checks the dump and the target and changes nothing', async () => {
    const r = await restore(['--target-url', url('r_dry'), '--create', '--dry-run', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'dry-run', source: { key: D2 }, target: { created: true } });
    expect(r.stderr).toContain(`would restore s3://${BUCKET}/${D2} into 127.0.0.1:${pg.port}/r_dry (created)`);
    expect(await databaseExists('r_dry')).toBe(false);
  });

  test('a target database that does not exist is named, with the fix', async () => {
    const r = await restore(['--target-url', url('r_missing')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`the target database 'r_missing' does not exist on 127.0.0.1:${pg.port}; create it, or pass --create`);
  });

  test('no dump under the prefix is named, with what to check', async () => {
    const r = await restore(['--database', 'nothing', '--target-url', url('r_none'), '--create']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`no dump under s3://${BUCKET}/pg/nothing/; check --bucket, --prefix and --database`);
  });

  test('not a terminal: plain progress lines, no escape sequences', async () => {
    const r = await restore(['--target-url', url('r_plain'), '--create']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^downloading: [\d.]+ KiB \/ [\d.]+ KiB, [\d.]+ (KiB|MiB)\/s, [\d.]+s$/m);
    expect(r.stderr).toMatch(/^restoring: pg_restore -j 4, [\d.]+s elapsed$/m);
    // eslint-disable-next-line no-control-regex
    expect(r.stderr).not.toMatch(/\u001b\[/);
  });

  test('on a terminal: a progress bar with bytes and rate, the restore state and elapsed time, the final timing', async () => {
    const r = await restore(['--target-url', url('r_tty'), '--create'], { terminal: true });
    expect(r.code).toBe(0);
    const frames = terminalFrames(r.stdout);
    expect(frames).toContainEqual(expect.stringMatching(/^downloading \[[█░]{40}\] 100% \| [\d.]+ KiB \/ [\d.]+ KiB \| [\d.]+ (KiB|MiB)\/s \| ETA \d+s$/));
    expect(frames).toContainEqual(expect.stringMatching(/^restoring [|/\\-] pg_restore -j 4 \| [\d.]+s elapsed$/));
    // The bars are drawn in place, then cleared and replaced by one line each.
    expect(frames).toContainEqual(expect.stringMatching(/^downloading: [\d.]+ KiB \/ [\d.]+ KiB, [\d.]+ (KiB|MiB)\/s, [\d.]+s$/));
    expect(frames).toContainEqual(expect.stringMatching(/^elapsed [\d.]+s \(the measured RTO of this restore\)$/));
    expect(r.stdout).toContain('\u001b[?25l'); // cursor hidden while drawing
    expect(r.stdout).toContain('\u001b[?25h'); // and shown again
  });
});
