// The verify-dump configuration from the environment DumpVerifyJob sets (VERIFY_ENV of the job contract).

import { VERIFY_ENV } from '../../lib/private/job-contract';
import { Env, integerEnv, optionalEnv, requiredEnv } from '../shared/env';
import { normalizePrefix, validateDatabaseSegment } from '../shared/keys';
import { parseSslMode, SslMode } from '../shared/postgres';
import { DEFAULT_ROW_COUNT_POLICY, FreshnessCheck, SqlCheck } from '../shared/checks';
import { VerificationError } from './errors';
import { parseQualifiedTable } from './restore';
import { parseProductionTarget } from './target';
import type { VerifyOptions } from './verify';

/** The handler's configuration: what `verifyNewestDump` takes, plus where the scratch server's secret is. */
export interface VerifyConfig {
  readonly secretArn: string;
  /** TLS to the scratch server (default verify-full). */
  readonly sslMode: SslMode;
  readonly sslRootCert?: string;
  readonly options: VerifyOptions;
}

export const DEFAULT_RESTORE_JOBS = 2;

function configError(name: string, value: string, expected: string): VerificationError {
  return new VerificationError('config', `${name}=${JSON.stringify(value)} is invalid: ${expected}`);
}

/** A decimal number within [min, max], or `fallback` when unset. */
function numberEnv(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = optionalEnv(env, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || n < min || n > max) throw configError(name, raw, `expected a number from ${min} to ${max}`);
  return n;
}

function jsonArray(env: Env, name: string, example: string): unknown[] {
  const raw = optionalEnv(env, name);
  if (raw === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw configError(name, raw, `expected a JSON array like ${example}`);
  }
  if (!Array.isArray(parsed)) throw configError(name, raw, `expected a JSON array like ${example}`);
  return parsed;
}

const FRESHNESS_EXAMPLE = '[{"table":"public.orders","column":"created_at","maxAgeSeconds":90000}]';
const SQL_EXAMPLE = '[{"name":"users exist","sql":"select count(*) > 0 from users"}]';

/** Validates `VERIFY_FRESHNESS_CHECKS` entries. */
export function parseFreshnessChecks(items: unknown[], name: string = VERIFY_ENV.FRESHNESS_CHECKS): FreshnessCheck[] {
  return items.map((item, i) => {
    const o = item as Partial<FreshnessCheck> | null;
    const ok = typeof o === 'object' && o !== null
      && typeof o.table === 'string' && typeof o.column === 'string' && o.column !== ''
      && typeof o.maxAgeSeconds === 'number' && Number.isFinite(o.maxAgeSeconds) && o.maxAgeSeconds > 0;
    if (!ok) throw configError(`${name}[${i}]`, JSON.stringify(item), `expected {table, column, maxAgeSeconds > 0} like ${FRESHNESS_EXAMPLE}`);
    parseQualifiedTable(o.table!, `${name}[${i}].table`);
    return { table: o.table!, column: o.column!, maxAgeSeconds: o.maxAgeSeconds! };
  });
}

/** Validates `VERIFY_SQL_CHECKS` entries; names must be unique. */
export function parseSqlChecks(items: unknown[], name: string = VERIFY_ENV.SQL_CHECKS): SqlCheck[] {
  const checks = items.map((item, i) => {
    const o = item as Partial<SqlCheck> | null;
    if (typeof o !== 'object' || o === null || typeof o.name !== 'string' || o.name === ''
      || typeof o.sql !== 'string' || o.sql.trim() === '') {
      throw configError(`${name}[${i}]`, JSON.stringify(item), `expected {name, sql} like ${SQL_EXAMPLE}`);
    }
    return { name: o.name, sql: o.sql };
  });
  const seen = new Set<string>();
  for (const c of checks) {
    if (seen.has(c.name)) throw new VerificationError('config', `${name}: the check name '${c.name}' is used twice; names must be unique`);
    seen.add(c.name);
  }
  return checks;
}

/** VERIFY_PRODUCTION_TARGET is required: without it the guard against restoring into production could not run. */
function productionTarget(env: Env): string {
  const value = optionalEnv(env, VERIFY_ENV.PRODUCTION_TARGET);
  if (value === undefined) {
    throw new VerificationError('config',
      `${VERIFY_ENV.PRODUCTION_TARGET} is not set: verify-dump does not run without the production database `
      + "('host:port/dbname') it must never restore into; set DumpVerifyJob's productionTarget");
  }
  return value;
}

/** Reads and validates the VERIFY_* environment; errors name the variable, show the value and the expected form. */
export function readVerifyConfig(env: Env, workDir: string): VerifyConfig {
  const owner = optionalEnv(env, VERIFY_ENV.BUCKET_OWNER);
  if (owner !== undefined && !/^\d{12}$/.test(owner)) {
    throw configError(VERIFY_ENV.BUCKET_OWNER, owner, 'expected a 12-digit AWS account id');
  }
  const single = optionalEnv(env, VERIFY_ENV.SINGLE_TABLE);
  if (single !== undefined) parseQualifiedTable(single, VERIFY_ENV.SINGLE_TABLE);
  const sslRootCert = optionalEnv(env, VERIFY_ENV.SSL_ROOT_CERT);
  return {
    secretArn: requiredEnv(env, VERIFY_ENV.SECRET_ARN),
    sslMode: parseSslMode(optionalEnv(env, VERIFY_ENV.SSL_MODE), sslRootCert),
    sslRootCert,
    options: {
      database: validateDatabaseSegment(requiredEnv(env, VERIFY_ENV.DATABASE)),
      bucket: requiredEnv(env, VERIFY_ENV.BUCKET),
      prefix: normalizePrefix(optionalEnv(env, VERIFY_ENV.PREFIX)),
      expectedBucketOwner: owner,
      productionTarget: parseProductionTarget(productionTarget(env)),
      rowCounts: {
        ...DEFAULT_ROW_COUNT_POLICY,
        tolerancePercent: numberEnv(env, VERIFY_ENV.ROW_COUNT_TOLERANCE_PERCENT, DEFAULT_ROW_COUNT_POLICY.tolerancePercent, 0, 100),
      },
      freshnessChecks: parseFreshnessChecks(jsonArray(env, VERIFY_ENV.FRESHNESS_CHECKS, FRESHNESS_EXAMPLE)),
      sqlChecks: parseSqlChecks(jsonArray(env, VERIFY_ENV.SQL_CHECKS, SQL_EXAMPLE)),
      restoreJobs: integerEnv(env, VERIFY_ENV.RESTORE_JOBS, DEFAULT_RESTORE_JOBS, 1, 64),
      singleTable: single,
      workDir,
    },
  };
}
