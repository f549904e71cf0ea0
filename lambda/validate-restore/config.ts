// The validate-restore configuration from the environment RestoreDrill sets (VALIDATE_ENV of the job contract). The
// selections are nested JSON: zod checks their shape and names the path of a bad field (`[0].checks.minimumRows[1].rows`),
// where hand-written checks would grow with every field.

import { z } from 'zod';
import { VALIDATE_ENV, ValidatedSelection } from '../../lib/private/job-contract';
import { Env, optionalEnv, requiredEnv } from '../shared/env';
import { parseSslMode, SslMode } from '../shared/postgres';

/** What the validator needs besides its clients. */
export interface ValidateConfig {
  /** Restore jobs of another plan are not validated. */
  readonly planArn: string;
  /** The `Drill` dimension. */
  readonly drill: string;
  readonly selections: readonly ValidatedSelection[];
  readonly sslMode: SslMode;
  readonly sslRootCert?: string;
  /** The HMAC key that signs results; without it results are reported unsigned (and the age check counts none). */
  readonly resultKeyArn?: string;
  /** The state machine that checks Aurora restores through a DB instance it adds and removes. */
  readonly instanceCheckArn?: string;
}

/** `schema.table`, as parseQualifiedTable of verify-dump reads it: a dot with something on both sides. */
const tableName = z.string().regex(/^[^.]+\..+$/, "expected a 'schema.table' name, e.g. 'public.orders'");

/** The checks of one selection (`ValidationChecks`), also the PITR drill's. */
export const checksSchema = z.strictObject({
  secretArn: z.string().min(1),
  dbname: z.string().min(1).optional(),
  requiredTables: z.array(tableName),
  minimumRows: z.array(z.strictObject({ table: tableName, rows: z.number().int().min(0) })),
  freshness: z.array(z.strictObject({ table: tableName, column: z.string().min(1), maxAgeSeconds: z.number().positive() })),
  sql: z.array(z.strictObject({ name: z.string().min(1), sql: z.string().trim().min(1) })),
  instanceClass: z.string().regex(/^db\.[a-z0-9]+(\.[a-z0-9]+)?$/).optional(),
}).refine((checks) => new Set(checks.sql.map((c) => c.name)).size === checks.sql.length, {
  message: 'SQL check names must be unique', path: ['sql'],
});

const selectionsSchema = z.array(z.strictObject({
  database: z.string().min(1),
  resourceType: z.string().min(1),
  arns: z.array(z.string().min(1)).min(1),
  checks: checksSchema.optional(),
})).min(1);

/** Parses `VALIDATE_SELECTIONS`; errors name the variable and the path of each bad field. */
export function parseSelections(raw: string): ValidatedSelection[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new Error(`environment variable ${VALIDATE_ENV.SELECTIONS} is not JSON (${(error as Error).message})`, { cause: error });
  }
  const result = selectionsSchema.safeParse(parsed);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('') || '(root)'}: ${issue.message}`);
    throw new Error(`environment variable ${VALIDATE_ENV.SELECTIONS} is invalid: ${problems.join('; ')} (it is set by RestoreDrill)`);
  }
  return result.data;
}

/** Reads and validates the VALIDATE_* environment. */
export function readValidateConfig(env: Env): ValidateConfig {
  const planArn = requiredEnv(env, VALIDATE_ENV.PLAN_ARN);
  if (!/^arn:[^:]+:backup:[^:]+:\d{12}:restore-testing-plan:/.test(planArn)) {
    throw new Error(`environment variable ${VALIDATE_ENV.PLAN_ARN} is '${planArn}', not a restore testing plan ARN`);
  }
  const sslRootCert = optionalEnv(env, VALIDATE_ENV.SSL_ROOT_CERT);
  return {
    planArn,
    drill: requiredEnv(env, VALIDATE_ENV.DRILL),
    selections: parseSelections(requiredEnv(env, VALIDATE_ENV.SELECTIONS)),
    sslMode: parseSslMode(optionalEnv(env, VALIDATE_ENV.SSL_MODE), sslRootCert),
    sslRootCert,
    resultKeyArn: optionalEnv(env, VALIDATE_ENV.RESULT_KEY_ARN),
    instanceCheckArn: optionalEnv(env, VALIDATE_ENV.INSTANCE_CHECK_ARN),
  };
}

/**
 * The selection a restore job belongs to: the one naming its source resource, else the one of its resource type that
 * takes every resource (`*`). Undefined when none matches (the drill's selections changed since the job started).
 */
export function selectionOf(
  selections: readonly ValidatedSelection[], sourceResourceArn: string | undefined, resourceType: string | undefined,
): ValidatedSelection | undefined {
  return selections.find((s) => sourceResourceArn !== undefined && s.arns.includes(sourceResourceArn))
    ?? selections.find((s) => s.arns.includes('*') && s.resourceType === resourceType);
}
