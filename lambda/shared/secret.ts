// Reading the database secret (Secrets Manager, RDS rotation format) shared by the pg-dump and verify-dump handlers.
// The password is never logged and never part of an error message.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** A PostgreSQL secret in the RDS rotation format (`engine`, `host`, `port`, `username`, `password`, `dbname`). */
export interface DatabaseSecret {
  /** `postgres` (RDS and Aurora PostgreSQL both use it); other engines are refused. */
  readonly engine: string;
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  /** The database to connect to (the one that is dumped). */
  readonly dbname: string;
}

const REQUIRED_FIELDS = ['engine', 'host', 'port', 'username', 'password', 'dbname'] as const;
const POSTGRES_ENGINES = ['postgres', 'postgresql', 'aurora-postgresql'];

/**
 * Validates a secret string in the RDS rotation format. `source` names the secret in error messages.
 * Errors name the missing or invalid field and never include the password.
 */
export function parseDatabaseSecret(secretString: string, source: string): DatabaseSecret {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    // Deliberately without the parser's message or cause: it quotes the input, which may hold the password.
    throw new Error(`secret ${source} is not JSON; expected the RDS rotation format {engine, host, port, username, password, dbname}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`secret ${source} is not a JSON object; expected the RDS rotation format {engine, host, port, username, password, dbname}`);
  }
  const record = parsed as Record<string, unknown>;
  const missing = REQUIRED_FIELDS.filter((field) => record[field] === undefined || record[field] === null || record[field] === '');
  if (missing.length > 0) {
    throw new Error(`secret ${source} is missing the field(s) ${missing.join(', ')}; expected the RDS rotation format {engine, host, port, username, password, dbname}`);
  }
  for (const field of ['engine', 'host', 'username', 'password', 'dbname'] as const) {
    if (typeof record[field] !== 'string') {
      throw new Error(`secret ${source}: field ${field} must be a string`);
    }
  }
  const engine = record.engine as string;
  if (!POSTGRES_ENGINES.includes(engine)) {
    throw new Error(`secret ${source}: engine '${engine}' is not PostgreSQL (expected one of ${POSTGRES_ENGINES.join(', ')})`);
  }
  const port = typeof record.port === 'string' && /^\d+$/.test(record.port) ? Number(record.port) : record.port;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`secret ${source}: field port must be an integer between 1 and 65535, got ${JSON.stringify(record.port)}`);
  }
  return {
    engine,
    host: record.host as string,
    port,
    username: record.username as string,
    password: record.password as string,
    dbname: record.dbname as string,
  };
}

/** Reads and validates the secret `secretId` (ARN or name) from Secrets Manager. */
export async function getDatabaseSecret(client: SecretsManagerClient, secretId: string, abortSignal?: AbortSignal): Promise<DatabaseSecret> {
  let secretString: string | undefined;
  try {
    const response = await client.send(new GetSecretValueCommand({ SecretId: secretId }), { abortSignal });
    secretString = response.SecretString;
  } catch (error) {
    throw new Error(`cannot read secret ${secretId} from Secrets Manager: ${errorMessage(error)} (check the function's secretsmanager:GetSecretValue permission, the secret's KMS key policy and the VPC endpoint)`, { cause: error });
  }
  if (secretString === undefined) {
    throw new Error(`secret ${secretId} has no SecretString (binary secrets are not supported)`);
  }
  return parseDatabaseSecret(secretString, secretId);
}

/** The message of any thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    // e.g. a connection attempt to every address of a host name: report each one.
    return error.errors.map((inner) => errorMessage(inner)).join('; ');
  }
  if (error instanceof Error) {
    return error.message || error.name;
  }
  return String(error);
}
