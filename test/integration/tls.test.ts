// The jobs over TLS against real TLS-only PostgreSQL servers (./harness.ts `tls`: a test CA, the server certificate
// signed by it, an unrelated CA; pg_hba.conf `hostssl` only, so a connection without TLS is refused) and s3rver.
// In AWS the jobs use sslMode verify-full with the RDS CA bundle; here the test CA stands in for it.
//   - `pg`: certificate for IP:127.0.0.1, the address the jobs connect to (verify-full passes with the test CA);
//   - `named`: certificate for DNS:db.internal.example only (verify-full to 127.0.0.1 fails, verify-ca passes).
// The server log (log_connections) shows which connections were made and whether they used TLS.

import { createHash } from 'node:crypto';
import { promises as fs, readFileSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import tls from 'node:tls';
import { DumpManifest, JOB_METRIC } from '../../lib/private/job-contract';
import { PgDumpInput, runPgDump } from '../../lambda/pg-dump';
import { createJobLogger } from '../../lambda/shared/logger';
import { InMemoryMetricsRecorder } from '../../lambda/shared/metrics';
import { connect, ConnectionOptions, libpqEnv } from '../../lambda/shared/postgres';
import { DEFAULT_ROW_COUNT_POLICY, VerificationError, VerifyDeps, VerifyOptions, verifyNewestDump } from '../../lambda/verify-dump';
import { PostgresServer, PostgresTlsFiles, S3Server, startPostgres, startS3 } from './harness';

const BUCKET = 'tls-dumps';
const KMS_KEY = 'arn:aws:kms:us-east-1:111111111111:key/0b9f5c2e-1111-4222-8333-444455556666';
const OWNER = '111111111111';
const SOURCE_DB = 'shop';
const OTHER_NAME = 'db.internal.example';
const MIB = 1024 * 1024;

/** The tables of SOURCE_DB as the manifest lists them. */
const SOURCE_TABLES = [
  { name: 'public.customers', rows: 50, exact: true },
  { name: 'public.orders', rows: 300, exact: true },
];
const SOURCE_SQL = `
  create table customers (id serial primary key, name text not null);
  insert into customers (name) select 'customer ' || g from generate_series(1, 50) g;
  create table orders (
    id bigint generated always as identity primary key,
    customer_id int not null references customers(id),
    amount numeric(12, 2) not null,
    created_at timestamptz not null);
  insert into orders (customer_id, amount, created_at)
    select 1 + g % 50, g * 1.25, now() - g * interval '1 minute' from generate_series(1, 300) g;
  analyze;`;

let pg: PostgresServer;
let named: PostgresServer;
let s3: S3Server;
let workRoot: string;
let caseNo = 0;

// Every run gets its own timestamp, so keys never collide between tests.
let clockSeconds = Date.UTC(2026, 0, 1, 3, 0, 0) / 1000;
function nextStart(): Date {
  clockSeconds += 3600;
  return new Date(clockSeconds * 1000);
}

/** The test CA and the unrelated CA of a TLS server. */
function tlsFiles(server: PostgresServer): PostgresTlsFiles {
  if (!server.tls) {
    throw new Error('the server was started without tls');
  }
  return server.tls;
}

function input(server: PostgresServer, overrides: Partial<PgDumpInput> & { readonly metrics: InMemoryMetricsRecorder }): PgDumpInput {
  const startedAt = nextStart();
  return {
    s3: s3.client,
    bucket: BUCKET,
    prefix: 'dumps/',
    database: SOURCE_DB,
    secret: server.secret(SOURCE_DB),
    kmsKeyId: KMS_KEY,
    expectedBucketOwner: OWNER,
    sslMode: 'verify-full',
    sslRootCert: tlsFiles(server).caFile,
    pgDumpPath: server.bin('pg_dump'),
    partSizeBytes: 5 * MIB,
    logger: createJobLogger('pg-dump', 'test', { logLevel: 'SILENT' }),
    clock: () => startedAt,
    ...overrides,
  };
}

/** A failed run: the error, BackupSuccess 0 flushed, and nothing left in S3 under `prefix`, no open upload. */
async function expectCleanFailure(run: Promise<unknown>, message: RegExp, metrics: InMemoryMetricsRecorder, prefix: string): Promise<Error> {
  const error = await run.then(() => undefined, (e: unknown) => e as Error);
  expect(error).toBeInstanceOf(Error);
  expect(error?.message).toMatch(message);
  expect(metrics.values(JOB_METRIC.BACKUP_SUCCESS)).toEqual([0]);
  expect(metrics.pending).toEqual([]);
  expect(await s3.listKeys(BUCKET, prefix)).toEqual([]);
  expect(await s3.openUploads(BUCKET)).toEqual([]);
  return error as Error;
}

/** Reads the server log from now on: `since()` returns the lines written after `logFrom` was called. */
function logFrom(server: PostgresServer): { since(): string[] } {
  const offset = statSync(server.logFile).size;
  return { since: () => readFileSync(server.logFile).subarray(offset).toString('utf8').split('\n').filter((line) => line !== '') };
}

/** `connection authorized` log lines (log_connections) of connections with this application_name. */
function authorized(lines: readonly string[], applicationName: string): string[] {
  return lines.filter((line) => line.includes('connection authorized:')
    && (line.includes(`application_name=${applicationName} SSL`) || line.endsWith(`application_name=${applicationName}`)));
}

/**
 * Node's TLS errors come from outside jest's sandbox, so `instanceof Error` is false there and the jobs' messages
 * show them as `String(error)` ("Error: ...", "Error [CODE]: ..."); in Lambda they read without that prefix.
 */
const NODE_ERROR = '(?:Error(?: \\[[A-Z_]+\\])?: )?';
const TLS_CONNECTION = /SSL enabled \(protocol=TLSv1\.[23], cipher=\S+, bits=\d+\)$/;
const REFUSED_WITHOUT_TLS = /FATAL: {2}no pg_hba\.conf entry for host "127\.0\.0\.1", user "postgres", database "shop", no encryption$/;

beforeAll(async () => {
  workRoot = await fs.mkdtemp(path.join(os.tmpdir(), 'cdkbdr-tls-test-'));
  [pg, named, s3] = await Promise.all([
    startPostgres({ tls: {}, settings: { log_connections: 'on' } }),
    startPostgres({ tls: { serverName: OTHER_NAME }, settings: { log_connections: 'on' } }),
    startS3(),
  ]);
  await s3.createBucket(BUCKET);
  for (const server of [pg, named]) {
    await server.createDatabase(SOURCE_DB);
    await server.withClient(SOURCE_DB, (client) => client.query(SOURCE_SQL));
  }
});

afterAll(async () => {
  await Promise.all([pg?.stop(), named?.stop(), s3?.stop()]);
  if (workRoot) await fs.rm(workRoot, { recursive: true, force: true });
});

afterEach(() => {
  jest.restoreAllMocks();
});

describe('the TLS-only test servers', () => {
  test('serve TLS and refuse a TCP connection without it; the harness itself connects with TLS', async () => {
    for (const server of [pg, named]) {
      const ssl = await server.query<{ ssl: boolean }>('select ssl from pg_stat_ssl where pid = pg_backend_pid()');
      expect(ssl.rows).toEqual([{ ssl: true }]);
      const withTls = await server.run('psql', ['-Atc', 'select ssl from pg_stat_ssl where pid = pg_backend_pid()']);
      expect(withTls.stdout.toString('utf8').trim()).toBe('t');
      const plain = await server.run('psql', ['-Atc', 'select 1'], { database: SOURCE_DB, env: { PGSSLMODE: 'disable' }, allowFailure: true });
      expect(plain.code).not.toBe(0);
      expect(plain.stderr).toMatch(/no pg_hba\.conf entry for host "127\.0\.0\.1", user "postgres", database "shop", no encryption/);
    }
    const hba = readFileSync(path.join(pg.dataDir, 'pg_hba.conf'), 'utf8').split('\n').filter((line) => /^\w/.test(line));
    expect(hba.filter((line) => line.startsWith('host'))).toEqual(hba.filter((line) => line.startsWith('hostssl ')));
    expect(hba.filter((line) => line.startsWith('hostssl ')).length).toBeGreaterThan(0);
  });
});

describe('pg-dump over TLS', () => {
  test('verify-full with the server\'s CA dumps over TLS: object, manifest, BackupSuccess 1; both connections use TLS', async () => {
    const metrics = new InMemoryMetricsRecorder();
    const log = logFrom(pg);
    const tlsConnect = jest.spyOn(tls, 'connect');
    const result = await runPgDump(input(pg, { metrics, prefix: 'full/' }));

    expect(await s3.listKeys(BUCKET, 'full/')).toEqual([result.key, result.manifestKey]);
    expect(await s3.openUploads(BUCKET)).toEqual([]);
    const dump = await s3.getObject(BUCKET, result.key);
    const manifest = JSON.parse((await s3.getObject(BUCKET, result.manifestKey)).toString('utf8')) as DumpManifest;
    expect(dump.subarray(0, 5).toString('latin1')).toBe('PGDMP');
    expect(manifest).toMatchObject({ database: SOURCE_DB, sizeBytes: dump.length, sha256: createHash('sha256').update(dump).digest('hex'), tables: SOURCE_TABLES });
    expect(metrics.values(JOB_METRIC.BACKUP_SUCCESS)).toEqual([1]);
    expect(metrics.values(JOB_METRIC.BACKUP_SIZE_BYTES)).toEqual([dump.length]);

    // The job's two connections (the pg client for the snapshot and row counts, then pg_dump) both used TLS.
    const lines = log.since();
    const connections = authorized(lines, 'cdk-backup-dr pg-dump');
    expect(connections).toHaveLength(2);
    for (const line of connections) {
      expect(line).toMatch(/user=postgres database=shop application_name=cdk-backup-dr pg-dump SSL enabled/);
      expect(line).toMatch(TLS_CONNECTION);
    }
    expect(lines.filter((line) => line.includes('FATAL'))).toEqual([]);
    // The pg client's TLS connection sent no IP address as SNI (RFC 6066; Node warns DEP0123 and may ignore it).
    const tlsOptions = tlsConnect.mock.calls.map(([options]) => options as tls.ConnectionOptions);
    expect(tlsOptions).toHaveLength(1);
    expect(tlsOptions[0]).toMatchObject({ host: '127.0.0.1', rejectUnauthorized: true });
    expect(tlsOptions[0].servername).toBeUndefined();
  });

  test('fails when the job does not use TLS (sslMode disable): refused by pg_hba.conf, BackupSuccess 0, nothing in the bucket', async () => {
    const metrics = new InMemoryMetricsRecorder();
    const log = logFrom(pg);
    const onBytes = jest.fn();
    const error = await expectCleanFailure(
      runPgDump(input(pg, { metrics, prefix: 'plain/', sslMode: 'disable', sslRootCert: undefined, onBytes })),
      new RegExp('^cannot connect to PostgreSQL at 127\\.0\\.0\\.1:\\d+/shop as postgres: no pg_hba\\.conf entry for host "127\\.0\\.0\\.1", '
        + 'user "postgres", database "shop", no encryption \\(the server\'s pg_hba\\.conf refuses this connection: .*server requires TLS, use SSL mode verify-full'),
      metrics, 'plain/');
    expect(error.message).not.toMatch(/password/);
    expect(onBytes).not.toHaveBeenCalled();
    const lines = log.since();
    expect(lines.filter((line) => REFUSED_WITHOUT_TLS.test(line))).toHaveLength(1);
    expect(authorized(lines, 'cdk-backup-dr pg-dump')).toEqual([]);
    // pg_dump with the job's libpq environment is refused the same way (the pg client above failed first).
    const env = libpqEnv({ secret: pg.secret(SOURCE_DB), sslMode: 'disable' });
    const plain = await pg.run('pg_dump', ['--format=custom', '--schema-only'], { env, allowFailure: true });
    expect(plain.code).toBe(1);
    expect(plain.stdout.length).toBe(0);
    expect(plain.stderr).toMatch(/connection to server at "127\.0\.0\.1", port \d+ failed: FATAL: {2}no pg_hba\.conf entry .*no encryption/);
  });

  test('fails when the SSL root cert is an unrelated CA: certificate verification, BackupSuccess 0, no object, no open upload', async () => {
    const metrics = new InMemoryMetricsRecorder();
    const log = logFrom(pg);
    const onBytes = jest.fn();
    await expectCleanFailure(
      runPgDump(input(pg, { metrics, prefix: 'wrong-ca/', sslRootCert: tlsFiles(pg).otherCaFile, onBytes })),
      new RegExp(`^cannot connect to PostgreSQL at 127\\.0\\.0\\.1:\\d+/shop as postgres: ${NODE_ERROR}unable to verify the first certificate `
        + '\\(TLS certificate verification failed: check that the SSL root cert is the CA bundle of the server'),
      metrics, 'wrong-ca/');
    expect(onBytes).not.toHaveBeenCalled();
    expect(authorized(log.since(), 'cdk-backup-dr pg-dump')).toEqual([]);
  });

  test('fails when the server certificate is for another name (verify-full to 127.0.0.1), before pg_dump starts', async () => {
    const metrics = new InMemoryMetricsRecorder();
    const log = logFrom(named);
    const onBytes = jest.fn();
    await expectCleanFailure(
      runPgDump(input(named, { metrics, prefix: 'other-name/', onBytes })),
      new RegExp(`^cannot connect to PostgreSQL at 127\\.0\\.0\\.1:\\d+/shop as postgres: ${NODE_ERROR}Hostname/IP does not match certificate's altnames: `
        + "IP: 127\\.0\\.0\\.1 is not in the cert's list.*\\(TLS verify-full: the host in the secret must be a name in the server certificate"),
      metrics, 'other-name/');
    expect(onBytes).not.toHaveBeenCalled();
    expect(authorized(log.since(), 'cdk-backup-dr pg-dump')).toEqual([]);
  });

  test('verify-ca accepts the certificate for another name (signed by the CA), as libpq does', async () => {
    const metrics = new InMemoryMetricsRecorder();
    const log = logFrom(named);
    const result = await runPgDump(input(named, { metrics, prefix: 'verify-ca/', sslMode: 'verify-ca' }));
    expect(await s3.listKeys(BUCKET, 'verify-ca/')).toEqual([result.key, result.manifestKey]);
    expect(await s3.openUploads(BUCKET)).toEqual([]);
    expect(result.manifest.tables).toEqual(SOURCE_TABLES);
    expect(metrics.values(JOB_METRIC.BACKUP_SUCCESS)).toEqual([1]);
    const connections = authorized(log.since(), 'cdk-backup-dr pg-dump');
    expect(connections).toHaveLength(2);
    for (const line of connections) {
      expect(line).toMatch(TLS_CONNECTION);
    }
  });
});

describe('the pg client and libpq (pg_dump, pg_restore, psql) verify the same way', () => {
  type Server = 'ip' | 'named';
  type Ca = 'ca' | 'other' | 'none';
  const server = (which: Server) => (which === 'ip' ? pg : named);

  const OK = 'connect over TLS';
  // Every row has all six values: jest-each passes `done` to a test function with more parameters than the row.
  test.each<[Server, string, Ca, string, RegExp | undefined, RegExp | undefined]>([
    ['ip', 'verify-full', 'ca', OK, undefined, undefined],
    ['ip', 'verify-ca', 'ca', OK, undefined, undefined],
    ['ip', 'require', 'none', OK, undefined, undefined],
    ['named', 'verify-ca', 'ca', OK, undefined, undefined],
    ['named', 'require', 'none', OK, undefined, undefined],
    ['ip', 'verify-full', 'other', 'fail: untrusted certificate', /unable to verify the first certificate/, /SSL error: certificate verify failed/],
    ['ip', 'verify-ca', 'other', 'fail: untrusted certificate', /unable to verify the first certificate/, /SSL error: certificate verify failed/],
    ['named', 'verify-full', 'ca', 'fail: name mismatch', /IP: 127\.0\.0\.1 is not in the cert's list/, /server certificate for "db\.internal\.example".* does not match host name "127\.0\.0\.1"/],
    ['ip', 'disable', 'none', 'fail: refused without TLS', /no pg_hba\.conf entry .*no encryption/, /no pg_hba\.conf entry .*no encryption/],
  ])('%s server, %s with %s CA: the pg client and psql both %s', async (which, sslMode, ca, outcome, nodeError, libpqError) => {
    const target = server(which);
    const files = tlsFiles(target);
    const options: ConnectionOptions = {
      secret: target.secret(SOURCE_DB),
      sslMode,
      sslRootCert: ca === 'ca' ? files.caFile : ca === 'other' ? files.otherCaFile : undefined,
    };
    const sql = 'select ssl from pg_stat_ssl where pid = pg_backend_pid()';
    const viaNode = await connect(options).then(
      async (client) => {
        try {
          return { ssl: (await client.query<{ ssl: boolean }>(sql)).rows[0].ssl };
        } finally {
          await client.end();
        }
      },
      (error: unknown) => ({ error: (error as Error).message }),
    );
    const viaLibpq = await target.run('psql', ['-Atc', sql], { env: libpqEnv(options), allowFailure: true });
    if (outcome === OK) {
      expect(viaNode).toEqual({ ssl: true });
      expect({ code: viaLibpq.code, stdout: viaLibpq.stdout.toString('utf8').trim() }).toEqual({ code: 0, stdout: 't' });
    } else {
      expect(viaNode).toEqual({ error: expect.stringMatching(nodeError ?? /no expected error given/) });
      expect(viaLibpq.code).toBe(2);
      expect(viaLibpq.stderr).toMatch(libpqError ?? /no expected error given/);
    }
  });
});

describe('verify-dump over TLS', () => {
  const PREFIX = 'verify/';

  beforeAll(async () => {
    // The dump to verify, written by the job over verify-full (real clock: the checks compare with startedAt).
    await runPgDump(input(pg, { metrics: new InMemoryMetricsRecorder(), prefix: PREFIX, clock: () => new Date() }));
  });

  async function scratchDatabases(): Promise<string[]> {
    const r = await pg.query<{ datname: string }>("select datname from pg_database where datname like 'verify\\_%' order by 1");
    return r.rows.map((row) => row.datname);
  }

  async function newRun(sslRootCert: string): Promise<{ deps: VerifyDeps; options: VerifyOptions; metrics: InMemoryMetricsRecorder }> {
    caseNo += 1;
    const workDir = path.join(workRoot, `case${caseNo}`);
    await fs.mkdir(workDir);
    const metrics = new InMemoryMetricsRecorder();
    return {
      metrics,
      deps: {
        s3: s3.client,
        // The scratch server is the TLS-only test server; the restore goes into a new verify_<ts> database there.
        scratch: { secret: pg.secret('postgres'), sslMode: 'verify-full', sslRootCert },
        clock: () => new Date(),
        metrics,
        logger: createJobLogger('verify-dump', SOURCE_DB, { logLevel: 'SILENT' }),
      },
      options: {
        database: SOURCE_DB,
        bucket: BUCKET,
        prefix: PREFIX,
        // The source lives on the same test server, in another database: allowed, with a warning.
        productionTarget: { host: '127.0.0.1', port: pg.port, database: SOURCE_DB },
        rowCounts: DEFAULT_ROW_COUNT_POLICY,
        freshnessChecks: [{ table: 'public.orders', column: 'created_at', maxAgeSeconds: 3600 }],
        sqlChecks: [{ name: 'every order has a customer', sql: 'select count(*) = 0 from orders o left join customers c on c.id = o.customer_id where c.id is null' }],
        restoreJobs: 2,
        workDir,
        pgRestore: pg.bin('pg_restore'),
      },
    };
  }

  test('restore-verify into a TLS-only scratch server with verify-full and the CA: VerificationSuccess 1, all over TLS', async () => {
    const run = await newRun(tlsFiles(pg).caFile);
    const log = logFrom(pg);
    const result = await verifyNewestDump(run.deps, run.options);
    expect(result.key.startsWith(`${PREFIX}${SOURCE_DB}/`)).toBe(true);
    expect(result.checks.map((c) => [c.kind, c.name, c.status])).toEqual([
      ['rowCount', 'public.customers', 'passed'],
      ['rowCount', 'public.orders', 'passed'],
      ['largeObjects', 'large objects', 'passed'],
      ['freshness', 'public.orders.created_at', 'passed'],
      ['sql', 'every order has a customer', 'passed'],
    ]);
    expect(run.metrics.values(JOB_METRIC.VERIFICATION_SUCCESS)).toEqual([1]);
    expect(run.metrics.pending).toEqual([]);
    expect(await scratchDatabases()).toEqual([]);
    expect(await fs.readdir(run.options.workDir)).toEqual([]);

    // Every connection of the run used TLS: the pg client (maintenance database, then the checks) and pg_restore -j 2.
    const lines = log.since();
    const verifyClient = authorized(lines, 'cdk-backup-dr verify-dump');
    const pgRestore = authorized(lines, 'cdk-backup-dr').filter((line) => line.includes(`database=${result.scratchDatabase} `));
    expect(verifyClient.map((line) => /database=(\S+)/.exec(line)?.[1])).toEqual(['postgres', result.scratchDatabase]);
    expect(pgRestore.length).toBeGreaterThanOrEqual(2);
    for (const line of [...verifyClient, ...pgRestore]) {
      expect(line).toMatch(TLS_CONNECTION);
    }
    expect(lines.filter((line) => line.includes('FATAL'))).toEqual([]);
  });

  test('fails when the scratch server\'s certificate is not signed by the SSL root cert: VerificationSuccess 0, nothing left', async () => {
    const run = await newRun(tlsFiles(pg).otherCaFile);
    const log = logFrom(pg);
    const error = await verifyNewestDump(run.deps, run.options).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(VerificationError);
    const v = error as VerificationError;
    expect({ stage: v.stage, message: v.message }).toEqual({
      stage: 'scratch',
      message: expect.stringMatching(new RegExp('^connecting to the scratch server failed: cannot connect to PostgreSQL at 127\\.0\\.0\\.1:\\d+/postgres as postgres: '
        + `${NODE_ERROR}unable to verify the first certificate \\(TLS certificate verification failed: check that the SSL root cert is the CA bundle.*; `
        + 'check the verify secret \\(VERIFY_SECRET_ARN\\)')),
    });
    expect(run.metrics.values(JOB_METRIC.VERIFICATION_SUCCESS)).toEqual([0]);
    expect(run.metrics.values(JOB_METRIC.RESTORE_DURATION_SECONDS)).toEqual([]);
    expect(run.metrics.pending).toEqual([]);
    expect(await scratchDatabases()).toEqual([]);
    expect(await fs.readdir(run.options.workDir)).toEqual([]);
    expect(authorized(log.since(), 'cdk-backup-dr verify-dump')).toEqual([]);
  });
});
