// Connecting to PostgreSQL from a job: libpq environment for the client binaries (pg_dump, pg_restore), the
// equivalent `pg` client configuration, client and server versions, and bounded capture of a binary's stderr.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { checkServerIdentity } from 'node:tls';
import { Client, ClientConfig } from 'pg';
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import { DatabaseSecret, errorMessage } from './secret';

/** libpq `sslmode` values the jobs support (`allow`/`prefer` are refused: they may silently fall back to plain text). */
export const SSL_MODES = ['disable', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

export interface ConnectionOptions {
  readonly secret: DatabaseSecret;
  /** Database to connect to; default `secret.dbname`. */
  readonly database?: string;
  /** Default 'verify-full'. */
  readonly sslMode?: string;
  /** CA bundle (the RDS CA bundle in the image); required for verify-ca and verify-full. */
  readonly sslRootCert?: string;
  /** Default 10. */
  readonly connectTimeoutSeconds?: number;
  /** `application_name` seen in pg_stat_activity; default 'cdk-backup-dr'. */
  readonly applicationName?: string;
}

/** Validates an sslmode; `undefined` gives 'verify-full'. */
export function parseSslMode(value: string | undefined, sslRootCert: string | undefined): SslMode {
  const mode = (value ?? 'verify-full') as SslMode;
  if (!SSL_MODES.includes(mode)) {
    throw new Error(`SSL mode '${value}' is not supported; use one of ${SSL_MODES.join(', ')} (verify-full with the RDS CA bundle in AWS)`);
  }
  if ((mode === 'verify-ca' || mode === 'verify-full') && !sslRootCert) {
    throw new Error(`SSL mode ${mode} needs the path of a CA bundle (SSL root cert), e.g. the RDS CA bundle in the image`);
  }
  return mode;
}

/** The libpq environment (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE, ...) for a client binary. */
export function libpqEnv(options: ConnectionOptions): Record<string, string> {
  const sslMode = parseSslMode(options.sslMode, options.sslRootCert);
  const env: Record<string, string> = {
    PGHOST: options.secret.host,
    PGPORT: String(options.secret.port),
    PGUSER: options.secret.username,
    PGPASSWORD: options.secret.password,
    PGDATABASE: options.database ?? options.secret.dbname,
    PGSSLMODE: sslMode,
    PGCONNECT_TIMEOUT: String(options.connectTimeoutSeconds ?? 10),
    PGAPPNAME: options.applicationName ?? 'cdk-backup-dr',
  };
  if (options.sslRootCert) {
    env.PGSSLROOTCERT = options.sslRootCert;
  }
  return env;
}

/** The environment of a spawned client binary: ours without inherited PG* variables, plus `libpq`. */
export function childProcessEnv(libpq: Record<string, string>, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(base)) {
    if (!name.startsWith('PG')) {
      env[name] = value;
    }
  }
  return { ...env, ...libpq };
}

/**
 * `pg` client configuration equivalent to `libpqEnv` (same TLS verification). verify-full checks the server
 * certificate against the secret's host as libpq does: a DNS name against the certificate's DNS names, an IP
 * address against its IP addresses. SNI (`servername`) is sent for DNS names only (RFC 6066 forbids IP addresses).
 */
export function pgClientConfig(options: ConnectionOptions): ClientConfig {
  const sslMode = parseSslMode(options.sslMode, options.sslRootCert);
  let ssl: boolean | TlsConnectionOptions = false;
  if (sslMode === 'require') {
    ssl = { rejectUnauthorized: false };
  } else if (sslMode === 'verify-ca' || sslMode === 'verify-full') {
    let ca: Buffer;
    try {
      ca = readFileSync(options.sslRootCert as string);
    } catch (error) {
      throw new Error(`cannot read the SSL root cert ${options.sslRootCert}: ${errorMessage(error)}`, { cause: error });
    }
    const host = options.secret.host;
    ssl = sslMode === 'verify-full'
      ? {
        ca,
        rejectUnauthorized: true,
        ...(isIP(host) === 0 ? { servername: host } : {}),
        checkServerIdentity: (_servername, cert) => checkServerIdentity(host, cert),
      }
      : { ca, rejectUnauthorized: true, checkServerIdentity: () => undefined };
  }
  return {
    host: options.secret.host,
    port: options.secret.port,
    user: options.secret.username,
    password: options.secret.password,
    database: options.database ?? options.secret.dbname,
    ssl,
    connectionTimeoutMillis: (options.connectTimeoutSeconds ?? 10) * 1000,
    application_name: options.applicationName ?? 'cdk-backup-dr',
    // Not PGOPTIONS of the environment: every session runs with the settings the code gives, as the client binaries do.
    options: '',
  };
}

/** `host:port/database as user` for messages (never the password). */
export function describeTarget(options: ConnectionOptions): string {
  return `${options.secret.host}:${options.secret.port}/${options.database ?? options.secret.dbname} as ${options.secret.username}`;
}

/** Connects a `pg` client; connection errors say where and what to check. */
export async function connect(options: ConnectionOptions): Promise<Client> {
  const client = new Client(pgClientConfig(options));
  // An idle client whose server goes away emits 'error'; without a listener that would crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new Error(`cannot connect to PostgreSQL at ${describeTarget(options)}: ${errorMessage(error)}${connectHint(error)}`, { cause: error });
  }
  return client;
}

/** Node's codes for a server certificate that does not chain to a CA of the SSL root cert. */
const UNTRUSTED_CERTIFICATE_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_SIGNATURE_FAILURE',
]);

function connectHint(error: unknown): string {
  const inner = error instanceof AggregateError && error.errors.length > 0 ? error.errors[0] : error;
  const code = (inner as { code?: string }).code;
  if (code !== undefined && UNTRUSTED_CERTIFICATE_CODES.has(code)) {
    return ' (TLS certificate verification failed: check that the SSL root cert is the CA bundle of the server, e.g. the RDS CA bundle)';
  }
  switch (code) {
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return ' (TLS verify-full: the host in the secret must be a name in the server certificate, e.g. the RDS endpoint; verify-ca skips this check)';
    case '28000':
      if (/pg_hba\.conf/.test(errorMessage(inner))) {
        return ' (the server\'s pg_hba.conf refuses this connection: if it ends in "no encryption" the server requires TLS, use SSL mode verify-full; otherwise check the user, database and the job\'s address)';
      }
      return ' (check the username and password in the secret, e.g. after a rotation)';
    case '28P01':
      return ' (check the username and password in the secret, e.g. after a rotation)';
    case '3D000':
      return ' (check dbname in the secret)';
    case 'ECONNREFUSED':
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENOTFOUND':
      return ' (check that the database is available, the host and port in the secret, and the security group and subnets of the job)';
    default:
      return '';
  }
}

/** `server_version_num` of the connected server, e.g. 150013. */
export async function serverVersionNum(client: Client): Promise<number> {
  const result = await client.query<{ server_version_num: string }>('SHOW server_version_num');
  const value = Number(result.rows[0]?.server_version_num);
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`unexpected server_version_num ${JSON.stringify(result.rows[0])}`);
  }
  return value;
}

/** The major version of a `server_version_num` (150013 → 15; 90624 → 9.6). */
export function majorOfVersionNum(versionNum: number): number {
  return versionNum >= 100000 ? Math.floor(versionNum / 10000) : Math.floor(versionNum / 10000) + (Math.floor(versionNum / 100) % 100) / 10;
}

/** The major version in `pg_dump --version` output ("pg_dump (PostgreSQL) 16.4 (Debian ...)" → 16). */
export function parseClientMajor(versionOutput: string): number {
  const match = /\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match) {
    throw new Error(`cannot read a PostgreSQL version from ${JSON.stringify(versionOutput.trim().slice(0, 200))}`);
  }
  const major = Number(match[1]);
  return major >= 10 ? major : major + Number(match[2] ?? 0) / 10;
}

/** Runs `<binary> --version` and returns the client major version. */
export async function clientMajor(binary: string): Promise<number> {
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(binary, ['--version'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err = new BoundedCapture(4096);
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => reject(new Error(`cannot run ${binary} --version: ${error.message} (is the PostgreSQL client installed in the image?)`)));
    child.on('close', (code) => {
      if (code === 0) {
        resolve(Buffer.concat(out).toString('utf8'));
      } else {
        reject(new Error(`${binary} --version exited with ${code}: ${err.text()}`));
      }
    });
  });
  return parseClientMajor(output);
}

/** Throws unless the client binary can read the server (client major >= server major). */
export function checkServerVersion(serverVersion: number, clientMajorVersion: number, binary = 'pg_dump'): void {
  const serverMajor = majorOfVersionNum(serverVersion);
  if (serverMajor > clientMajorVersion) {
    throw new Error(
      `PostgreSQL server is version ${serverMajor} (server_version_num ${serverVersion}) but ${binary} is version ${clientMajorVersion}; ` +
      `${binary} must be at least the server's major version: rebuild the job image with a PostgreSQL client >= ${serverMajor}`,
    );
  }
}

/**
 * Keeps the first and the last `limit / 2` bytes of a stream (e.g. a child's stderr), so memory stays bounded
 * and both the first error and the final lines survive.
 */
export class BoundedCapture {
  private head = Buffer.alloc(0);
  private tail = Buffer.alloc(0);
  private dropped = 0;

  public constructor(private readonly limit: number = 16 * 1024) {}

  public push(chunk: Buffer): void {
    const half = Math.floor(this.limit / 2);
    let rest = chunk;
    if (this.head.length < half) {
      const take = Math.min(half - this.head.length, rest.length);
      this.head = Buffer.concat([this.head, rest.subarray(0, take)]);
      rest = rest.subarray(take);
    }
    if (rest.length > 0) {
      const combined = Buffer.concat([this.tail, rest]);
      const overflow = Math.max(0, combined.length - half);
      this.dropped += overflow;
      this.tail = combined.subarray(overflow);
    }
  }

  /** The captured text, trimmed; a marker shows where bytes were dropped. */
  public text(): string {
    const middle = this.dropped > 0 ? `\n[... ${this.dropped} bytes omitted ...]\n` : '';
    return `${this.head.toString('utf8')}${middle}${this.tail.toString('utf8')}`.trim();
  }
}
