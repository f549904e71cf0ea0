// A PostgreSQL server for the benchmarks whose data directory survives between runs (bench/data/pg<major>/,
// gitignored), so a generated database is generated once. Same rules as the test harness: Debian binaries,
// loopback only on a free port, scram-sha-256 password auth, the `postgres` OS user when running as root.
// Unlike the harness, `stop()` keeps the data.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import type { DatabaseSecret } from '../../lambda/shared/secret';
import { freePort, installedPostgresMajors } from '../../test/integration/harness';

export interface BenchPostgres {
  readonly host: string;
  readonly port: number;
  readonly superuser: string;
  readonly password: string;
  readonly major: number;
  readonly binDir: string;
  readonly dataDir: string;
  bin(name: string): string;
  /** A connected client (the caller ends it). */
  connect(database?: string): Promise<Client>;
  /** Runs one statement on a new connection. */
  query(sql: string, database?: string): Promise<void>;
  secret(database: string): DatabaseSecret;
  /** PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE/PGSSLMODE for a client binary. */
  libpqEnv(database?: string): NodeJS.ProcessEnv;
  /** pg_ctl stop -m fast; the data stays. Idempotent. */
  stop(): void;
}

const LOOPBACK = '127.0.0.1';
const SUPERUSER = 'postgres';

/**
 * Settings of the benchmark server. Durability is off (as in the test harness): the benchmark compares
 * client-side pipelines against the same server, and a crash only costs a regeneration. wal_level=minimal
 * lets the data load and pg_restore skip WAL for tables created in the same transaction.
 */
const SETTINGS: Record<string, string | number> = {
  listen_addresses: `'${LOOPBACK}'`,
  password_encryption: "'scram-sha-256'",
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
  wal_level: "'minimal'",
  max_wal_senders: 0,
  max_connections: 40,
  shared_buffers: "'512MB'",
  maintenance_work_mem: "'512MB'",
  work_mem: "'32MB'",
  max_wal_size: "'8GB'",
  checkpoint_timeout: "'30min'",
  autovacuum: 'on',
};

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function run(command: string, args: readonly string[], what: string): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error) {
    throw new Error(`${what}: cannot run ${command}: ${result.error.message}`);
  }
  if (result.status !== 0) {
    throw new Error(`${what} failed (exit ${result.status ?? result.signal}): ${result.stderr || result.stdout}`);
  }
  return result.stdout;
}

/** Starts (initializing once) the benchmark server under `root`. */
export async function startBenchPostgres(root: string): Promise<BenchPostgres> {
  const majors = installedPostgresMajors();
  if (majors.length === 0) {
    throw new Error('no PostgreSQL server under /usr/lib/postgresql/<major>/bin; run: bash scripts/ensure-postgres.sh');
  }
  const major = majors[0];
  const binDir = path.join('/usr/lib/postgresql', String(major), 'bin');
  const baseDir = path.join(root, `pg${major}`);
  const dataDir = path.join(baseDir, 'data');
  const socketDir = path.join(baseDir, 'sock');
  const logFile = path.join(baseDir, 'server.log');
  // The password file stays with root (0600), outside the directory handed to the postgres user.
  const passwordFile = path.join(root, `pg${major}.password`);
  const asRoot = isRoot();
  const asOwner = (binary: string, args: readonly string[]): [string, string[]] =>
    asRoot ? ['runuser', ['-u', SUPERUSER, '--', path.join(binDir, binary), ...args]] : [path.join(binDir, binary), [...args]];

  if (!existsSync(path.join(dataDir, 'PG_VERSION')) || !existsSync(passwordFile)) {
    await fs.rm(baseDir, { recursive: true, force: true });
    await fs.mkdir(socketDir, { recursive: true });
    const password = randomBytes(18).toString('base64url');
    await fs.writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
    const pwFile = path.join(baseDir, 'pwfile');
    await fs.writeFile(pwFile, `${password}\n`, { mode: 0o600 });
    if (asRoot) {
      run('chown', ['-R', `${SUPERUSER}:${SUPERUSER}`, baseDir], 'chown of the benchmark data directory');
    }
    const [cmd, args] = asOwner('initdb', [
      '-D', dataDir, '-U', SUPERUSER, `--pwfile=${pwFile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--no-locale', '--no-sync',
    ]);
    run(cmd, args, 'initdb');
    await fs.rm(pwFile);
    const conf = Object.entries({ ...SETTINGS, unix_socket_directories: `'${socketDir}'` })
      .map(([name, value]) => `${name} = ${value}`).join('\n');
    await fs.appendFile(path.join(dataDir, 'postgresql.conf'), `\n# cdk-backup-dr benchmark\n${conf}\n`);
  }
  const password = (await fs.readFile(passwordFile, 'utf8')).trim();

  // A server left running by an interrupted run of this benchmark holds the data directory: stop it first.
  const [statusCmd, statusArgs] = asOwner('pg_ctl', ['status', '-D', dataDir]);
  if (spawnSync(statusCmd, statusArgs, { stdio: 'ignore' }).status === 0) {
    const [stopCmd, stopArgs] = asOwner('pg_ctl', ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '120']);
    run(stopCmd, stopArgs, 'pg_ctl stop (server left by an earlier run)');
  }

  let port = 0;
  let running = false;
  let lastError: unknown;
  for (let attempt = 0; attempt < 3 && !running; attempt++) {
    port = await freePort();
    const [cmd, args] = asOwner('pg_ctl', ['start', '-D', dataDir, '-l', logFile, '-w', '-t', '300', '-o', `-p ${port}`]);
    // pg_ctl's server child keeps the pipes open: wait for pg_ctl's own exit.
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(cmd, args, { stdio: 'ignore' });
      child.on('error', () => resolve(null));
      child.on('exit', (exitCode) => resolve(exitCode));
    });
    if (code === 0) {
      running = true;
    } else {
      const log = await fs.readFile(logFile, 'utf8').catch(() => '');
      lastError = new Error(`pg_ctl start failed (exit ${code}); server log:\n${log.slice(-3000)}`);
    }
  }
  if (!running) {
    throw lastError;
  }

  const stop = () => {
    if (!running) {
      return;
    }
    running = false;
    const [cmd, args] = asOwner('pg_ctl', ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '120']);
    spawnSync(cmd, args, { stdio: 'ignore' });
  };
  process.once('exit', stop);

  const clientConfig = (database: string) => ({
    host: LOOPBACK, port, user: SUPERUSER, password, database, ssl: false, connectionTimeoutMillis: 10_000,
  });
  const connect = async (database = 'postgres') => {
    const client = new Client(clientConfig(database));
    client.on('error', () => undefined);
    await client.connect();
    return client;
  };
  return {
    host: LOOPBACK,
    port,
    superuser: SUPERUSER,
    password,
    major,
    binDir,
    dataDir,
    bin: (name) => path.join(binDir, name),
    connect,
    query: async (sql, database = 'postgres') => {
      const client = await connect(database);
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    },
    secret: (database) => ({ engine: 'postgres', host: LOOPBACK, port, username: SUPERUSER, password, dbname: database }),
    libpqEnv: (database = 'postgres') => ({
      PGHOST: LOOPBACK, PGPORT: String(port), PGUSER: SUPERUSER, PGPASSWORD: password, PGDATABASE: database, PGSSLMODE: 'disable',
    }),
    stop,
  };
}
