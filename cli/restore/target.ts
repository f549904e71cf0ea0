// The database a dump is restored into: given as a Secrets Manager secret (RDS rotation format) or as a
// `postgresql://` URL; checked for being production, existing, and empty before anything is written.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Client } from 'pg';
import { ConnectionOptions, connect, parseSslMode } from '../../lambda/shared/postgres';
import { DatabaseSecret, parseDatabaseSecret } from '../../lambda/shared/secret';
import { CliError, EXIT } from '../exit-codes';
import { awsFailure } from '../aws-errors';

export interface TargetOptions {
  readonly targetSecret?: string;
  readonly targetUrl?: string;
  /** Overrides the secret's or URL's database. */
  readonly targetDatabase?: string;
  readonly sslMode?: string;
  readonly sslRootCert?: string;
}

/** A resolved target: how to connect, and where it is (for the guard and for messages). */
export interface RestoreTarget {
  readonly connection: ConnectionOptions;
  /** The complete ARN of the target's secret, as Secrets Manager returned it. */
  readonly secretArn?: string;
  /** `host:port/database`. */
  readonly display: string;
}

/** Parses `postgresql://user[:password]@host[:port]/database[?sslmode=…&sslrootcert=…]`; the password may come from PGPASSWORD. */
export function parseTargetUrl(value: string, env: NodeJS.ProcessEnv = process.env): { secret: DatabaseSecret; sslMode?: string; sslRootCert?: string } {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(EXIT.USAGE, `--target-url '${redact(value)}' is not a URL; use postgresql://user@host:5432/database (the password from PGPASSWORD)`);
  }
  if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') {
    throw new CliError(EXIT.USAGE, `--target-url must start with postgresql://, got '${url.protocol}//'`);
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  const username = decodeURIComponent(url.username);
  const password = url.password ? decodeURIComponent(url.password) : env.PGPASSWORD;
  const missing = [!url.hostname && 'host', !username && 'user', !database && 'database', password === undefined && 'password (in the URL or PGPASSWORD)'].filter(Boolean);
  if (missing.length > 0) {
    throw new CliError(EXIT.USAGE, `--target-url '${redact(value)}' has no ${missing.join(', ')}; use postgresql://user@host:5432/database with PGPASSWORD set`);
  }
  const port = url.port === '' ? 5432 : Number(url.port);
  return {
    secret: { engine: 'postgres', host: url.hostname.replace(/^\[|\]$/g, ''), port, username, password: password as string, dbname: database },
    sslMode: url.searchParams.get('sslmode') ?? undefined,
    sslRootCert: url.searchParams.get('sslrootcert') ?? undefined,
  };
}

/** The URL with its password replaced, for messages. */
export function redact(value: string): string {
  return value.replace(/^(postgres(?:ql)?:\/\/[^:@/]*):[^@/]*@/, '$1:***@');
}

/** Reads the target's secret (or parses the URL) and checks the TLS settings. */
export async function resolveTarget(options: TargetOptions, secrets: () => SecretsManagerClient): Promise<RestoreTarget> {
  if ((options.targetSecret === undefined) === (options.targetUrl === undefined)) {
    throw new CliError(EXIT.USAGE, 'name the target database with exactly one of --target-secret ARN (RDS rotation format) or --target-url postgresql://user@host/db');
  }
  let secret: DatabaseSecret;
  let secretArn: string | undefined;
  let sslMode = options.sslMode;
  let sslRootCert = options.sslRootCert;
  if (options.targetSecret !== undefined) {
    let response;
    try {
      response = await secrets().send(new GetSecretValueCommand({ SecretId: options.targetSecret }));
    } catch (err) {
      throw awsFailure(err, `reading the target secret ${options.targetSecret}`, 'secretsmanager:GetSecretValue')
        ?? new CliError(EXIT.USAGE, `cannot read the target secret ${options.targetSecret}: ${(err as Error).message}`, { cause: err });
    }
    if (response.SecretString === undefined) throw new CliError(EXIT.USAGE, `secret ${options.targetSecret} has no SecretString (binary secrets are not supported)`);
    try {
      secret = parseDatabaseSecret(response.SecretString, options.targetSecret);
    } catch (err) {
      throw new CliError(EXIT.USAGE, (err as Error).message, { cause: err });
    }
    secretArn = response.ARN ?? options.targetSecret;
  } else {
    const parsed = parseTargetUrl(options.targetUrl as string);
    secret = parsed.secret;
    sslMode = sslMode ?? parsed.sslMode;
    sslRootCert = sslRootCert ?? parsed.sslRootCert;
  }
  try {
    parseSslMode(sslMode, sslRootCert);
  } catch (err) {
    throw new CliError(EXIT.USAGE, `${(err as Error).message}; pass --ssl-root-cert FILE (for RDS: the bundle at `
      + 'https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem), or --ssl-mode require to skip verification');
  }
  const database = options.targetDatabase ?? secret.dbname;
  // An empty name would make the clients fall back to another database (the user's name); PostgreSQL cuts names at 63 bytes.
  if (database === '' || Buffer.byteLength(database, 'utf8') > 63) {
    throw new CliError(EXIT.USAGE, `the target database name '${database}' is ${database === '' ? 'empty' : 'longer than 63 bytes'}; `
      + 'name the database to restore into (--target-database NAME), at most 63 bytes');
  }
  return {
    connection: { secret, database, sslMode, sslRootCert, applicationName: 'cdk-backup-dr restore' },
    secretArn,
    display: `${secret.host}:${secret.port}/${database}`,
  };
}

/** What the target database holds that a restore would collide with. */
export interface TargetContents {
  /** Up to 5 objects (`kind schema.name`). */
  readonly sample: readonly string[];
  /**
   * Tables, views, sequences, schemas, types, functions, collations, operators, text search configurations, foreign data
   * wrappers and servers, publications and event triggers of its own.
   */
  readonly relations: number;
  readonly largeObjects: number;
}

/**
 * Everything a user created in the database (not the system's, not an extension's members): tables, views, sequences,
 * foreign tables, schemas other than public, types, functions and procedures, publications, event triggers.
 */
export async function targetContents(client: Client): Promise<TargetContents> {
  const r = await client.query<{ n: string; sample: string[] | null; lo: string }>(
    `with own_namespace as (
       select oid, nspname from pg_catalog.pg_namespace
        where nspname not in ('pg_catalog', 'information_schema') and nspname not like 'pg\\_toast%' and nspname not like 'pg\\_temp%'
     ), objects as (
       select 'relation' as kind, n.nspname || '.' || c.relname as name, c.oid, 'pg_class'::regclass as catalog
         from pg_catalog.pg_class c join own_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
       union all
       select 'schema', n.nspname, n.oid, 'pg_namespace'::regclass from own_namespace n where n.nspname <> 'public'
       union all
       select 'type', n.nspname || '.' || t.typname, t.oid, 'pg_type'::regclass
         from pg_catalog.pg_type t join own_namespace n on n.oid = t.typnamespace
        where t.typtype in ('c', 'd', 'e', 'r', 'm') and t.typelem = 0
          and (t.typrelid = 0 or (select relkind from pg_catalog.pg_class where oid = t.typrelid) = 'c')
       union all
       select 'function', n.nspname || '.' || p.proname, p.oid, 'pg_proc'::regclass
         from pg_catalog.pg_proc p join own_namespace n on n.oid = p.pronamespace
       union all
       select 'collation', n.nspname || '.' || c.collname, c.oid, 'pg_collation'::regclass
         from pg_catalog.pg_collation c join own_namespace n on n.oid = c.collnamespace
       union all
       select 'operator', n.nspname || '.' || o.oprname, o.oid, 'pg_operator'::regclass
         from pg_catalog.pg_operator o join own_namespace n on n.oid = o.oprnamespace
       union all
       select 'text search configuration', n.nspname || '.' || c.cfgname, c.oid, 'pg_ts_config'::regclass
         from pg_catalog.pg_ts_config c join own_namespace n on n.oid = c.cfgnamespace
       union all
       select 'foreign data wrapper', fdwname, oid, 'pg_foreign_data_wrapper'::regclass from pg_catalog.pg_foreign_data_wrapper
       union all
       select 'foreign server', srvname, oid, 'pg_foreign_server'::regclass from pg_catalog.pg_foreign_server
       union all
       select 'publication', pubname, oid, 'pg_publication'::regclass from pg_catalog.pg_publication
       union all
       select 'event trigger', evtname, oid, 'pg_event_trigger'::regclass from pg_catalog.pg_event_trigger
     )
     select count(*)::text as n,
            (array_agg(o.kind || ' ' || o.name order by o.kind, o.name))[1:5] as sample,
            (select count(*) from pg_catalog.pg_largeobject_metadata)::text as lo
       from objects o
      where not exists (select 1 from pg_catalog.pg_depend d where d.classid = o.catalog and d.objid = o.oid and d.deptype = 'e')`,
  );
  return { relations: Number(r.rows[0].n), sample: r.rows[0].sample ?? [], largeObjects: Number(r.rows[0].lo) };
}

/** The server as it sees itself: the address and port it accepted the connection on (the same behind a tunnel or proxy). */
export interface ServerIdentity {
  readonly address?: string;
  readonly port?: number;
}

/**
 * Whether the target database exists, what it holds when it does, and the server's own view of where it is. When the
 * database does not exist the server is asked through its `postgres` database. Nothing is written.
 */
export async function inspectTarget(target: RestoreTarget): Promise<{ exists: boolean; contents: TargetContents; server: ServerIdentity }> {
  let client: Client;
  let exists = true;
  try {
    client = await connect(target.connection);
  } catch (err) {
    const code = ((err as Error).cause as { code?: string } | undefined)?.code;
    if (code !== '3D000') throw new CliError(EXIT.FAILED, (err as Error).message, { cause: err });
    exists = false;
    client = await connect({ ...target.connection, database: 'postgres' }).catch((e: Error) => {
      throw new CliError(EXIT.FAILED, `${e.message}; the target database does not exist, and the server's 'postgres' database could not be opened to check it`, { cause: e });
    });
  }
  try {
    const who = await client.query<{ address: string | null; port: number | null }>(
      'select pg_catalog.host(pg_catalog.inet_server_addr()) as address, pg_catalog.inet_server_port() as port');
    const server = { address: who.rows[0].address ?? undefined, port: who.rows[0].port ?? undefined };
    return { exists, contents: exists ? await targetContents(client) : { relations: 0, sample: [], largeObjects: 0 }, server };
  } finally {
    await client.end();
  }
}

/** `CREATE DATABASE … TEMPLATE template0`, run in the server's `postgres` database. */
export async function createDatabase(target: RestoreTarget): Promise<void> {
  const admin = await connect({ ...target.connection, database: 'postgres' }).catch((err: Error) => {
    throw new CliError(EXIT.FAILED, `${err.message}; --create connects to the 'postgres' database to run CREATE DATABASE`, { cause: err });
  });
  try {
    await admin.query(`create database ${admin.escapeIdentifier(target.connection.database as string)} template template0`);
  } catch (err) {
    throw new CliError(EXIT.FAILED, `CREATE DATABASE ${target.connection.database} failed: ${(err as Error).message}; `
      + 'the target user needs CREATEDB (on RDS: the master user has it)', { cause: err });
  } finally {
    await admin.end();
  }
}

/** Drops a database this run created (after a failed restore). */
export async function dropCreatedDatabase(target: RestoreTarget): Promise<void> {
  const admin = await connect({ ...target.connection, database: 'postgres' });
  try {
    await admin.query(`drop database if exists ${admin.escapeIdentifier(target.connection.database as string)} with (force)`);
  } finally {
    await admin.end();
  }
}
