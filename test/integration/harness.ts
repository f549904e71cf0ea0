/**
 * Integration-test harness: a real PostgreSQL server and a real S3 API (s3rver), both on loopback only,
 * each in a fresh temp directory that `stop()` removes. Used by pg-dump.test.ts and verify-dump.test.ts.
 *
 * The exported API below is stable; add to it, do not change it.
 *
 * PostgreSQL — `startPostgres(options?) → PostgresServer`
 *   Debian binaries from /usr/lib/postgresql/<major>/bin (the newest installed unless `options.major`;
 *   `bash scripts/ensure-postgres.sh` installs them). initdb with scram-sha-256 password auth for a generated
 *   superuser password, listens on 127.0.0.1 only on a free port, unix socket inside the temp dir, fsync off.
 *   As root, initdb/pg_ctl run as the `postgres` OS user (`runuser`) and the temp dir is chowned to it.
 *   `options.tls` makes TCP connections TLS-only (see StartPostgresOptions.tls): `openssl` generates, in the temp
 *   dir, a test CA, a server key (0600, owned by the server's OS user) and certificate signed by it, and a second,
 *   unrelated CA; postgresql.conf gets `ssl = on` with them and every pg_hba.conf `host` line becomes `hostssl`,
 *   so a client that does not use TLS is refused ("no pg_hba.conf entry ... no encryption"). The harness's own
 *   clients then use TLS without verification (`ssl: { rejectUnauthorized: false }`, PGSSLMODE=require).
 *     host ('127.0.0.1'), port, superuser ('postgres'), password, major, binDir, baseDir, dataDir, socketDir
 *     logFile                                    the server log (pg_ctl -l)
 *     tls                                        { caFile, otherCaFile } with options.tls, otherwise undefined
 *     bin(name)                                  absolute path of a binary (pg_dump, pg_restore, psql, ...)
 *     clientConfig(database?)                    pg.ClientConfig for the superuser (no TLS; TLS unverified with tls)
 *     query(sql, params?, database?)             runs one statement on a new connection (default db 'postgres')
 *     withClient(database, fn)                   runs fn with a connected pg.Client, always closed
 *     createDatabase(name, { owner?, template? })
 *     dropDatabase(name)                         DROP DATABASE IF EXISTS ... WITH (FORCE)
 *     createUser(name, password, { superuser? }) a LOGIN role with a password
 *     secret(database, overrides?)               the server as an RDS rotation-format secret (DatabaseSecret)
 *     secretString(database, overrides?)         the same as JSON (what Secrets Manager returns)
 *     libpqEnv(database?)                        PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE/PGSSLMODE=disable
 *                                                (PGSSLMODE=require with tls)
 *     run(binary, args, { database?, input?, env?, allowFailure? }) → { code, signal, stdout: Buffer, stderr }
 *                                                runs a client binary (e.g. pg_restore) with libpqEnv;
 *                                                throws on a non-zero exit unless allowFailure
 *     isRunning()
 *     pause()   pg_ctl stop -m fast, keeping the data: the "database down" fault (connections are refused)
 *     resume()  starts it again on the same port
 *     stop()    pg_ctl stop -m fast, then removes the temp dir; idempotent
 *
 * S3 — `startS3(options?) → S3Server`
 *   s3rver 3.7.1 on 127.0.0.1, a free port, silent, temp directory. s3rver itself ignores `If-None-Match` and the
 *   SSE headers (`x-amz-server-side-encryption*`) and lacks AbortMultipartUpload and ListMultipartUploads. A Koa
 *   middleware put in FRONT of s3rver's own adds:
 *     - AbortMultipartUpload (DELETE /:bucket/:key?uploadId=): removes the upload's directory, 204
 *       (404 NoSuchUpload when unknown), as real S3 does;
 *     - UploadPart to an unknown (e.g. aborted) upload answers 404 NoSuchUpload instead of resurrecting it;
 *     - `If-None-Match: *` on PutObject and CompleteMultipartUpload: 412 PreconditionFailed when the key exists
 *       (only `*`; other values are ignored), atomically as S3 does: the writes to one key are serialized, from the
 *       existence check until the object is stored, so of two racing conditional writes exactly one succeeds.
 *       SSE headers are still ignored: assert on `requests` instead.
 *     - fault injection: `failUploadPartsAfter(n)` lets n more UploadPart requests through, then answers every
 *       further UploadPart with HTTP 500 InternalError until `resetFaults()`; `delayUploadParts(ms)` holds every
 *       UploadPart for ms before handling it (a hung part), until `resetFaults()`; `dropAborts()` closes the
 *       connection of every AbortMultipartUpload without an answer (S3 unreachable), and `dropAborts('hold')` holds
 *       it open without an answer (S3 stalled) until `resetFaults()`, which then closes it.
 *   UploadPart and CompleteMultipartUpload are replaced as well (./s3-multipart.ts): opaque part ETags for SSE-KMS
 *   uploads (no MD5 of every byte), ETags checked per part (InvalidPart, InvalidPartOrder), S3's multipart ETag
 *   (`<md5 of the part ETags>-<parts>`) answered at once, the object assembled afterwards in the kernel; requests
 *   on that key or listing its bucket wait for it.
 *   ListMultipartUploads is not implemented over HTTP; `openUploads(bucket)` reads s3rver's store directly.
 *     endpoint ('http://127.0.0.1:<port>'), port, region ('us-east-1'), directory
 *     client                                     S3Client (forcePathStyle, us-east-1, credentials S3RVER/S3RVER)
 *     clientConfig()                             the S3ClientConfig of `client`, to build more clients
 *     awsEnv()                                   AWS_ENDPOINT_URL_S3 / AWS_REGION / AWS_ACCESS_KEY_ID / ... for a
 *                                                handler that builds its own S3Client from the environment
 *     createBucket(name)
 *     putObject(bucket, key, body)
 *     getObject(bucket, key) → Buffer
 *     objectExists(bucket, key) → boolean
 *     listKeys(bucket, prefix?) → string[] (sorted)
 *     openUploads(bucket) → string[]             ids of multipart uploads neither completed nor aborted
 *     idle()                                     waits until completed uploads are assembled (rejects if one failed)
 *     failUploadPartsAfter(n) / delayUploadParts(ms) / dropAborts() / resetFaults()
 *     stats                                      { uploadParts, uploadPartsInFlight, failedUploadParts, abortedUploads,
 *                                                  preconditionFailures }
 *     requests / clearRequests()                 every request seen: { method, path, query, headers }
 *     stop()                                     closes the server, removes the directory; idempotent
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs, existsSync, readdirSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Client, ClientConfig, QueryResult, QueryResultRow } from 'pg';
import type { DatabaseSecret } from '../../lambda/shared/secret';
import { installMultipartCompletion, MultipartStore } from './s3-multipart';

// ---------------------------------------------------------------------------------------------------------------
// PostgreSQL
// ---------------------------------------------------------------------------------------------------------------

export interface StartPostgresOptions {
  /** Major version to run; default the newest under /usr/lib/postgresql. */
  readonly major?: number;
  /** Extra postgresql.conf settings, e.g. `{ max_connections: 20 }`. */
  readonly settings?: { readonly [name: string]: string | number };
  /**
   * Serve TLS and refuse TCP connections without it (pg_hba.conf `hostssl` only). The certificates are made with
   * `openssl` in the temp dir: a test CA (`PostgresServer.tls.caFile`), the server's certificate signed by it, and
   * an unrelated CA (`tls.otherCaFile`) that did not sign it.
   * @default - no TLS (`ssl = off`, pg_hba.conf `host` lines as initdb wrote them)
   */
  readonly tls?: PostgresTlsOptions;
}

export interface PostgresTlsOptions {
  /**
   * The DNS name in the server certificate's subjectAltName (`DNS:<serverName>`, and its CN). Clients connect to
   * 127.0.0.1, so a name here is a certificate for another host: verify-full fails, verify-ca passes.
   * @default - subjectAltName `IP:127.0.0.1`, the address clients connect to (verify-full passes)
   */
  readonly serverName?: string;
}

/** The CA files of a TLS server (`StartPostgresOptions.tls`), PEM. */
export interface PostgresTlsFiles {
  /** The CA that signed the server certificate. */
  readonly caFile: string;
  /** A CA that did not sign it (a wrong `sslrootcert`). */
  readonly otherCaFile: string;
}

export interface RunOptions {
  /** Database for PGDATABASE; default 'postgres'. */
  readonly database?: string;
  /** Written to the process's stdin. */
  readonly input?: string | Buffer;
  /** Extra environment (added after libpqEnv). */
  readonly env?: NodeJS.ProcessEnv;
  /** Return instead of throwing when the exit code is not 0. */
  readonly allowFailure?: boolean;
}

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

export interface PostgresServer {
  readonly host: string;
  readonly port: number;
  readonly superuser: string;
  readonly password: string;
  readonly major: number;
  readonly binDir: string;
  readonly baseDir: string;
  readonly dataDir: string;
  readonly socketDir: string;
  /** The server log (`pg_ctl -l`). */
  readonly logFile: string;
  /** With `StartPostgresOptions.tls`: the test CA and an unrelated CA; otherwise undefined. */
  readonly tls?: PostgresTlsFiles;
  bin(name: string): string;
  clientConfig(database?: string): ClientConfig;
  query<R extends QueryResultRow = QueryResultRow>(sql: string, params?: unknown[], database?: string): Promise<QueryResult<R>>;
  withClient<T>(database: string, fn: (client: Client) => Promise<T>): Promise<T>;
  createDatabase(name: string, options?: { readonly owner?: string; readonly template?: string }): Promise<void>;
  dropDatabase(name: string): Promise<void>;
  createUser(name: string, password: string, options?: { readonly superuser?: boolean }): Promise<void>;
  secret(database: string, overrides?: Partial<DatabaseSecret>): DatabaseSecret;
  secretString(database: string, overrides?: Partial<DatabaseSecret>): string;
  libpqEnv(database?: string): NodeJS.ProcessEnv;
  run(binary: string, args: readonly string[], options?: RunOptions): Promise<RunResult>;
  isRunning(): boolean;
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
}

const POSTGRES_ROOT = '/usr/lib/postgresql';
const LOOPBACK = '127.0.0.1';

/** Double-quotes an SQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Single-quotes an SQL literal. */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A TCP port that was free a moment ago on 127.0.0.1 (bind port 0, read it, close). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('could not find a free port'))));
    });
  });
}

/** Installed PostgreSQL majors (with a server binary), newest first. */
export function installedPostgresMajors(): number[] {
  if (!existsSync(POSTGRES_ROOT)) {
    return [];
  }
  return readdirSync(POSTGRES_ROOT)
    .filter((entry) => /^\d+$/.test(entry) && existsSync(path.join(POSTGRES_ROOT, entry, 'bin', 'postgres')))
    .map(Number)
    .sort((a, b) => b - a);
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Runs a command to completion; `waitForExit` resolves on 'exit' (for pg_ctl, whose server child may keep pipes). */
function runCommand(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; input?: string | Buffer; waitForExit?: boolean } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(command, args, { env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (error) {
      reject(error);
      return;
    }
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    const finish = (code: number | null, signal: NodeJS.Signals | null) =>
      resolve({ code, signal, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr).toString('utf8') });
    child.on(options.waitForExit ? 'exit' : 'close', finish);
    child.stdin?.on('error', () => {
      // The process may exit before reading all its input (e.g. a failing pg_restore); its exit code reports that.
    });
    child.stdin?.end(options.input ?? '');
  });
}

async function runChecked(command: string, args: readonly string[], what: string, waitForExit = false): Promise<RunResult> {
  const result = await runCommand(command, args, { waitForExit });
  if (result.code !== 0) {
    throw new Error(`${what} failed (exit ${result.code ?? result.signal}): ${result.stderr || result.stdout.toString('utf8')}`);
  }
  return result;
}

/**
 * Makes, with `openssl`, in `dir` (which must exist): `ca.crt`/`ca.key` (a test CA), `server.crt`/`server.key`
 * (signed by that CA; subjectAltName `IP:127.0.0.1`, or `DNS:<serverName>`), and `other-ca.crt` (an unrelated CA).
 */
async function makeTlsFiles(dir: string, serverName: string | undefined): Promise<PostgresTlsFiles & { certFile: string; keyFile: string }> {
  const file = (name: string) => path.join(dir, name);
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const caExtensions = ['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'];
  for (const [name, cn] of [['ca', 'cdk-backup-dr test CA'], ['other-ca', 'cdk-backup-dr unrelated test CA']]) {
    await runChecked('openssl', [
      'req', '-x509', ...ecKey, '-keyout', file(`${name}.key`), '-out', file(`${name}.crt`),
      '-days', '7', '-subj', `/CN=${cn}`, ...caExtensions,
    ], `openssl req (${name})`);
  }
  await runChecked('openssl', [
    'req', '-new', ...ecKey, '-keyout', file('server.key'), '-out', file('server.csr'),
    '-subj', `/CN=${serverName ?? 'cdk-backup-dr test server'}`,
  ], 'openssl req (server)');
  await fs.writeFile(file('server.ext'), [
    `subjectAltName = ${serverName ? `DNS:${serverName}` : `IP:${LOOPBACK}`}`,
    'basicConstraints = critical, CA:FALSE',
    'keyUsage = critical, digitalSignature',
    'extendedKeyUsage = serverAuth',
    '',
  ].join('\n'));
  await runChecked('openssl', [
    'x509', '-req', '-in', file('server.csr'), '-CA', file('ca.crt'), '-CAkey', file('ca.key'),
    '-set_serial', `0x${randomBytes(8).toString('hex')}`, '-days', '7', '-extfile', file('server.ext'), '-out', file('server.crt'),
  ], 'openssl x509 (server certificate)');
  // PostgreSQL refuses a key file that group or others can read.
  await fs.chmod(file('server.key'), 0o600);
  return { caFile: file('ca.crt'), otherCaFile: file('other-ca.crt'), certFile: file('server.crt'), keyFile: file('server.key') };
}

/** pg_hba.conf with every `host` line as `hostssl`; throws unless there was one to rewrite. */
function hostsslOnly(hba: string): string {
  let rewritten = 0;
  const result = hba.split('\n').map((line) => {
    if (/^host\s/.test(line)) {
      rewritten += 1;
      return line.replace(/^host(\s)/, 'hostssl$1');
    }
    return line;
  }).join('\n');
  if (rewritten === 0 || /^(host|hostnossl|hostgssenc|hostnogssenc)\s/m.test(result)) {
    throw new Error(`pg_hba.conf: could not make TCP connections TLS-only (rewrote ${rewritten} host lines):\n${hba}`);
  }
  return result;
}

/** Starts a fresh PostgreSQL server in a temp dir on a free loopback port. */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const majors = installedPostgresMajors();
  if (majors.length === 0) {
    throw new Error(`no PostgreSQL server under ${POSTGRES_ROOT}/<major>/bin; run: bash scripts/ensure-postgres.sh`);
  }
  const major = options.major ?? majors[0];
  if (!majors.includes(major)) {
    throw new Error(`PostgreSQL ${major} is not installed (installed: ${majors.join(', ')})`);
  }
  const binDir = path.join(POSTGRES_ROOT, String(major), 'bin');
  const asRoot = isRoot();
  const baseDir = await fs.mkdtemp(path.join(os.tmpdir(), 'cdkbdr-pg-'));
  const dataDir = path.join(baseDir, 'data');
  const socketDir = path.join(baseDir, 'sock');
  const logFile = path.join(baseDir, 'server.log');
  const pwFile = path.join(baseDir, 'pwfile');
  const superuser = 'postgres';
  const password = randomBytes(18).toString('base64url');

  // Commands that touch the data directory run as the `postgres` OS user when we are root.
  const asOwner = (binary: string, args: readonly string[]): [string, string[]] =>
    asRoot ? ['runuser', ['-u', 'postgres', '--', path.join(binDir, binary), ...args]] : [path.join(binDir, binary), [...args]];

  let running = false;
  let removed = false;
  let port = 0;
  let tls: PostgresTlsFiles | undefined;

  const removeDir = () => {
    if (!removed) {
      removed = true;
      rmSync(baseDir, { recursive: true, force: true });
    }
  };
  // A crashed test must not leave a server behind: stop it when the (worker) process exits.
  const onExit = () => {
    if (running) {
      const [cmd, args] = asOwner('pg_ctl', ['stop', '-D', dataDir, '-m', 'immediate', '-w']);
      spawnSync(cmd, args, { stdio: 'ignore' });
      running = false;
    }
    removeDir();
  };
  process.once('exit', onExit);

  try {
    await fs.mkdir(socketDir);
    await fs.writeFile(pwFile, `${password}\n`, { mode: 0o600 });
    let tlsSettings: Record<string, string> = {};
    if (options.tls) {
      // Made before the chown below, so that the key belongs to the server's OS user.
      const tlsDir = path.join(baseDir, 'tls');
      await fs.mkdir(tlsDir);
      const files = await makeTlsFiles(tlsDir, options.tls.serverName);
      tls = { caFile: files.caFile, otherCaFile: files.otherCaFile };
      tlsSettings = { ssl: 'on', ssl_cert_file: `'${files.certFile}'`, ssl_key_file: `'${files.keyFile}'` };
    }
    if (asRoot) {
      await runChecked('chown', ['-R', 'postgres:postgres', baseDir], 'chown of the PostgreSQL temp dir');
    }
    const [initCmd, initArgs] = asOwner('initdb', [
      '-D', dataDir, '-U', superuser, `--pwfile=${pwFile}`, '--auth=scram-sha-256',
      '-E', 'UTF8', '--no-locale', '--no-sync',
    ]);
    await runChecked(initCmd, initArgs, 'initdb');
    await fs.rm(pwFile);
    const settings: Record<string, string | number> = {
      listen_addresses: `'${LOOPBACK}'`,
      unix_socket_directories: `'${socketDir}'`,
      password_encryption: "'scram-sha-256'",
      fsync: 'off',
      synchronous_commit: 'off',
      full_page_writes: 'off',
      max_connections: 50,
      shared_buffers: "'32MB'",
      max_wal_size: "'256MB'",
      ...tlsSettings,
      ...options.settings,
    };
    const conf = Object.entries(settings).map(([name, value]) => `${name} = ${value}`).join('\n');
    await fs.appendFile(path.join(dataDir, 'postgresql.conf'), `\n# cdk-backup-dr test harness\n${conf}\n`);
    if (options.tls) {
      // Rewritten in place: the file keeps its owner (the server's OS user).
      const hbaFile = path.join(dataDir, 'pg_hba.conf');
      await fs.writeFile(hbaFile, hostsslOnly(await fs.readFile(hbaFile, 'utf8')));
    }
  } catch (error) {
    process.removeListener('exit', onExit);
    removeDir();
    throw error;
  }

  const startServer = async () => {
    const [cmd, args] = asOwner('pg_ctl', ['start', '-D', dataDir, '-l', logFile, '-w', '-t', '60', '-o', `-p ${port}`]);
    const result = await runCommand(cmd, args, { waitForExit: true });
    if (result.code !== 0) {
      const log = await fs.readFile(logFile, 'utf8').catch(() => '');
      throw new Error(`pg_ctl start failed (exit ${result.code}): ${result.stderr}\n${log.slice(-4000)}`);
    }
    running = true;
  };

  // The free port may be taken between the probe and the bind: retry with another one.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3 && !running; attempt++) {
    port = await freePort();
    try {
      await startServer();
    } catch (error) {
      lastError = error;
    }
  }
  if (!running) {
    process.removeListener('exit', onExit);
    removeDir();
    throw lastError;
  }

  const clientConfig = (database = 'postgres'): ClientConfig => ({
    host: LOOPBACK, port, user: superuser, password, database, ssl: tls ? { rejectUnauthorized: false } : false, connectionTimeoutMillis: 10_000,
  });

  const withClient = async <T>(database: string, fn: (client: Client) => Promise<T>): Promise<T> => {
    const client = new Client(clientConfig(database));
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };

  const query = <R extends QueryResultRow = QueryResultRow>(sql: string, params: unknown[] = [], database = 'postgres') =>
    withClient(database, (client) => client.query<R>(sql, params));

  const secret = (database: string, overrides: Partial<DatabaseSecret> = {}): DatabaseSecret => ({
    engine: 'postgres', host: LOOPBACK, port, username: superuser, password, dbname: database, ...overrides,
  });

  const libpqEnv = (database = 'postgres'): NodeJS.ProcessEnv => ({
    PGHOST: LOOPBACK, PGPORT: String(port), PGUSER: superuser, PGPASSWORD: password, PGDATABASE: database, PGSSLMODE: tls ? 'require' : 'disable',
  });

  const stopServer = async (mode: 'fast' | 'immediate') => {
    if (!running) {
      return;
    }
    const [cmd, args] = asOwner('pg_ctl', ['stop', '-D', dataDir, '-m', mode, '-w', '-t', '60']);
    await runChecked(cmd, args, 'pg_ctl stop', true);
    running = false;
  };

  return {
    host: LOOPBACK,
    get port() {
      return port;
    },
    superuser,
    password,
    major,
    binDir,
    baseDir,
    dataDir,
    socketDir,
    logFile,
    tls,
    bin: (name) => path.join(binDir, name),
    clientConfig,
    query,
    withClient,
    createDatabase: async (name, opts = {}) => {
      const owner = opts.owner ? ` OWNER ${quoteIdent(opts.owner)}` : '';
      const template = opts.template ? ` TEMPLATE ${quoteIdent(opts.template)}` : '';
      await query(`CREATE DATABASE ${quoteIdent(name)}${owner}${template}`);
    },
    dropDatabase: async (name) => {
      await query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    },
    createUser: async (name, userPassword, opts = {}) => {
      await query(`CREATE ROLE ${quoteIdent(name)} LOGIN ${opts.superuser ? 'SUPERUSER' : ''} PASSWORD ${quoteLiteral(userPassword)}`);
    },
    secret,
    secretString: (database, overrides) => JSON.stringify(secret(database, overrides)),
    libpqEnv,
    run: async (binary, args, opts = {}) => {
      const env: NodeJS.ProcessEnv = {};
      for (const [name, value] of Object.entries(process.env)) {
        if (!name.startsWith('PG')) {
          env[name] = value;
        }
      }
      const result = await runCommand(path.join(binDir, binary), args, {
        env: { ...env, ...libpqEnv(opts.database), ...opts.env },
        input: opts.input,
      });
      if (result.code !== 0 && !opts.allowFailure) {
        throw new Error(`${binary} ${args.join(' ')} failed (exit ${result.code ?? result.signal}): ${result.stderr}`);
      }
      return result;
    },
    isRunning: () => running,
    pause: () => stopServer('fast'),
    resume: async () => {
      if (!running) {
        await startServer();
      }
    },
    stop: async () => {
      try {
        await stopServer('fast');
      } finally {
        process.removeListener('exit', onExit);
        removeDir();
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// S3 (s3rver)
// ---------------------------------------------------------------------------------------------------------------

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: { readonly [name: string]: string | string[] | undefined };
  readonly headers: { readonly [name: string]: string | string[] | undefined };
}

export interface S3ServerStats {
  /** UploadPart requests seen (including failed ones). */
  uploadParts: number;
  /** UploadPart requests not answered yet. */
  uploadPartsInFlight: number;
  /** UploadPart requests answered with the injected HTTP 500. */
  failedUploadParts: number;
  /** Multipart uploads removed by AbortMultipartUpload. */
  abortedUploads: number;
  /** Requests refused with 412 because of `If-None-Match: *`. */
  preconditionFailures: number;
}

export interface S3Server {
  readonly endpoint: string;
  readonly port: number;
  readonly region: string;
  readonly directory: string;
  readonly client: S3Client;
  readonly stats: S3ServerStats;
  readonly requests: readonly RecordedRequest[];
  clientConfig(): S3ClientConfig;
  awsEnv(): NodeJS.ProcessEnv;
  createBucket(name: string): Promise<void>;
  putObject(bucket: string, key: string, body: string | Buffer): Promise<void>;
  getObject(bucket: string, key: string): Promise<Buffer>;
  objectExists(bucket: string, key: string): Promise<boolean>;
  listKeys(bucket: string, prefix?: string): Promise<string[]>;
  openUploads(bucket: string): Promise<string[]>;
  idle(): Promise<void>;
  failUploadPartsAfter(n: number): void;
  delayUploadParts(ms: number): void;
  dropAborts(mode?: 'close' | 'hold'): void;
  resetFaults(): void;
  clearRequests(): void;
  stop(): Promise<void>;
}

export interface StartS3Options {
  /** Log every request to the console; default false (silent). */
  readonly verbose?: boolean;
  /** Where the server's temp directory is made; default the OS temp directory (the benchmark uses a tmpfs). */
  readonly parentDirectory?: string;
}

/** The parts of s3rver's FilesystemStore the harness uses (lib/stores/filesystem.js). */
interface S3rverStore {
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  existsObject(bucket: string, key: string): Promise<boolean>;
}

/** The parts of Koa's context the middleware uses. */
interface KoaContext {
  method: string;
  path: string;
  query: { [name: string]: string | string[] | undefined };
  headers: { [name: string]: string | string[] | undefined };
  req: NodeJS.ReadableStream & { readonly socket: net.Socket };
  status: number;
  body: unknown;
  type: string;
}

type KoaMiddleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;

interface S3rverInstance {
  store: S3rverStore;
  middleware: KoaMiddleware[];
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}

type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;

const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const S3_REGION = 'us-east-1';

function s3Error(ctx: KoaContext, status: number, code: string, message: string): void {
  ctx.status = status;
  ctx.type = 'application/xml';
  ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
}

/** Reads and discards a request body: it must be read before answering, or the client sees a reset connection. */
async function drain(stream: NodeJS.ReadableStream): Promise<void> {
  const iterator = stream[Symbol.asyncIterator]();
  while (!(await iterator.next()).done) {
    // discard
  }
}

function splitPath(requestPath: string): { bucket: string; key: string } {
  const [bucket, ...rest] = requestPath.replace(/^\//, '').split('/');
  return { bucket: decodeURIComponent(bucket ?? ''), key: rest.map((segment) => decodeURIComponent(segment)).join('/') };
}

/** Starts s3rver on a free loopback port in a temp directory. */
export async function startS3(options: StartS3Options = {}): Promise<S3Server> {
  // s3rver ships no type declarations; the interfaces above describe what is used.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const S3rver = require('s3rver') as S3rverConstructor;
  const directory = await fs.mkdtemp(path.join(options.parentDirectory ?? os.tmpdir(), 'cdkbdr-s3-'));
  const server = new S3rver({
    address: LOOPBACK,
    port: 0,
    silent: !options.verbose,
    directory,
    vhostBuckets: false,
    resetOnClose: false,
  });
  const store = server.store;
  const completion = installMultipartCompletion(store as unknown as MultipartStore);
  const uploadsDir = (bucket: string) => store.getResourcePath(bucket, undefined, 'uploads');

  const stats: S3ServerStats = { uploadParts: 0, uploadPartsInFlight: 0, failedUploadParts: 0, abortedUploads: 0, preconditionFailures: 0 };
  const requests: RecordedRequest[] = [];
  let failAfter: number | undefined;
  let partsSinceArmed = 0;
  let partDelayMs = 0;
  let abortsDropped: 'close' | 'hold' | undefined;
  /** Sockets of the held AbortMultipartUpload requests, closed by `resetFaults()`. */
  const heldAborts: net.Socket[] = [];
  /** The write in progress per `bucket/key`: conditional writes to one key wait for each other. */
  const keyLocks = new Map<string, Promise<void>>();
  const lockKey = async (id: string): Promise<() => void> => {
    while (keyLocks.has(id)) {
      await keyLocks.get(id);
    }
    let release!: () => void;
    keyLocks.set(id, new Promise<void>((resolve) => { release = resolve; }));
    return () => {
      keyLocks.delete(id);
      release();
    };
  };

  const middleware: KoaMiddleware = async (ctx, next) => {
    requests.push({ method: ctx.method, path: ctx.path, query: { ...ctx.query }, headers: { ...ctx.headers } });
    const { bucket, key } = splitPath(ctx.path);
    // A completed multipart upload of this key (or, for the bucket itself, of any key) is assembled first.
    await completion.settled(bucket, key);
    const uploadId = typeof ctx.query.uploadId === 'string' ? ctx.query.uploadId : undefined;
    if (uploadId !== undefined && !/^[0-9a-zA-Z]+$/.test(uploadId)) {
      await drain(ctx.req);
      s3Error(ctx, 404, 'NoSuchUpload', 'The specified upload does not exist.');
      return;
    }
    const uploadDir = uploadId !== undefined && bucket ? path.join(uploadsDir(bucket), uploadId) : undefined;

    // AbortMultipartUpload
    if (ctx.method === 'DELETE' && uploadDir && key) {
      if (abortsDropped === 'close') {
        ctx.req.socket.destroy();
        return;
      }
      if (abortsDropped === 'hold') {
        heldAborts.push(ctx.req.socket);
        await new Promise<void>((resolve) => ctx.req.socket.once('close', () => resolve()));
        return;
      }
      if (!existsSync(uploadDir)) {
        s3Error(ctx, 404, 'NoSuchUpload', 'The specified upload does not exist.');
        return;
      }
      await fs.rm(uploadDir, { recursive: true, force: true });
      stats.abortedUploads += 1;
      ctx.status = 204;
      return;
    }

    // UploadPart: unknown upload, and the injected fault
    if (ctx.method === 'PUT' && uploadDir && key && ctx.query.partNumber !== undefined) {
      stats.uploadParts += 1;
      stats.uploadPartsInFlight += 1;
      try {
        if (partDelayMs > 0) {
          await new Promise((resolve) => setTimeout(resolve, partDelayMs));
        }
        if (!existsSync(uploadDir)) {
          await drain(ctx.req);
          s3Error(ctx, 404, 'NoSuchUpload', 'The specified upload does not exist.');
          return;
        }
        if (failAfter !== undefined) {
          if (partsSinceArmed >= failAfter) {
            stats.failedUploadParts += 1;
            await drain(ctx.req);
            s3Error(ctx, 500, 'InternalError', 'We encountered an internal error. Please try again. (injected by the test harness)');
            return;
          }
          partsSinceArmed += 1;
        }
        await next();
      } finally {
        stats.uploadPartsInFlight -= 1;
      }
      return;
    }

    // If-None-Match: * on PutObject and CompleteMultipartUpload
    if (ctx.headers['if-none-match'] === '*' && key) {
      let targetKey: string | undefined;
      if (ctx.method === 'PUT' && uploadId === undefined && ctx.headers['x-amz-copy-source'] === undefined) {
        targetKey = key;
      } else if (ctx.method === 'POST' && uploadDir) {
        targetKey = await fs.readFile(path.join(uploadDir, 'key'), 'utf8').catch(() => undefined);
      }
      if (targetKey !== undefined) {
        const unlock = await lockKey(`${bucket}/${targetKey}`);
        try {
          if (completion.assembling(bucket, targetKey) || await store.existsObject(bucket, targetKey)) {
            stats.preconditionFailures += 1;
            await drain(ctx.req);
            s3Error(ctx, 412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
            return;
          }
          await next();
        } finally {
          unlock();
        }
        return;
      }
    }
    await next();
  };
  server.middleware.unshift(middleware);

  let address: { port: number };
  try {
    address = await server.run();
  } catch (error) {
    await fs.rm(directory, { recursive: true, force: true });
    throw error;
  }
  const endpoint = `http://${LOOPBACK}:${address.port}`;
  const clientConfig = (): S3ClientConfig => ({
    endpoint,
    forcePathStyle: true,
    region: S3_REGION,
    credentials: S3RVER_CREDENTIALS,
  });
  const client = new S3Client(clientConfig());
  let stopped = false;

  return {
    endpoint,
    port: address.port,
    region: S3_REGION,
    directory,
    client,
    stats,
    requests,
    clientConfig,
    awsEnv: () => ({
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_REGION: S3_REGION,
      AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    }),
    createBucket: async (name) => {
      await client.send(new CreateBucketCommand({ Bucket: name }));
    },
    putObject: async (bucket, key, body) => {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },
    getObject: async (bucket, key) => {
      const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!response.Body) {
        throw new Error(`s3://${bucket}/${key} has no body`);
      }
      return Buffer.from(await response.Body.transformToByteArray());
    },
    objectExists: async (bucket, key) => {
      try {
        await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return true;
      } catch (error) {
        if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) {
          return false;
        }
        throw error;
      }
    },
    listKeys: async (bucket, prefix) => {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
        keys.push(...(page.Contents ?? []).map((object) => object.Key ?? ''));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return keys.sort();
    },
    idle: () => completion.idle(),
    openUploads: async (bucket) => {
      const entries = await fs.readdir(uploadsDir(bucket)).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') {
          return [] as string[];
        }
        throw error;
      });
      return entries.sort();
    },
    failUploadPartsAfter: (n) => {
      if (!Number.isInteger(n) || n < 0) {
        throw new Error(`failUploadPartsAfter: n must be a non-negative integer, got ${n}`);
      }
      failAfter = n;
      partsSinceArmed = 0;
    },
    delayUploadParts: (ms) => {
      if (!Number.isFinite(ms) || ms < 0) {
        throw new Error(`delayUploadParts: ms must be a non-negative number, got ${ms}`);
      }
      partDelayMs = ms;
    },
    dropAborts: (mode = 'close') => {
      abortsDropped = mode;
    },
    resetFaults: () => {
      abortsDropped = undefined;
      heldAborts.splice(0).forEach((socket) => socket.destroy());
      failAfter = undefined;
      partsSinceArmed = 0;
      partDelayMs = 0;
    },
    clearRequests: () => {
      requests.length = 0;
    },
    stop: async () => {
      if (stopped) {
        return;
      }
      stopped = true;
      client.destroy();
      try {
        await completion.idle();
      } finally {
        try {
          await server.close();
        } finally {
          await fs.rm(directory, { recursive: true, force: true });
        }
      }
    },
  };
}
