import { Duration, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { checkPattern, isUnresolved, ValidationError } from './validation';

// The synth-time checks of the data checks a restore runs (DumpVerifyJob on a dump, RestoreDrill on a recovery
// point), into the JSON the handlers read (lambda/shared/checks.ts).

/** A PostgreSQL `schema.table` of plain identifiers. */
export const TABLE_PATTERN = /^[A-Za-z_][A-Za-z0-9_$]{0,62}\.[A-Za-z_][A-Za-z0-9_$]{0,62}$/;
export const TABLE_RULE = "a table is 'schema.table'";
/** A plain PostgreSQL identifier. */
export const COLUMN_PATTERN = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/;

/** The shape of the public `FreshnessCheck`. */
export interface FreshnessCheckInput {
  readonly table: string;
  readonly column: string;
  readonly maxAge: Duration;
}

/** The shape of the public `SqlCheck`. */
export interface SqlCheckInput {
  readonly name: string;
  readonly sql: string;
}

/** Freshness checks as `{ table, column, maxAgeSeconds }`: plain names, whole seconds of at least a minute. */
export function checkFreshnessChecks(
  prop: string, checks: readonly FreshnessCheckInput[], scope: IConstruct,
): Array<{ table: string; column: string; maxAgeSeconds: number }> {
  return checks.map((check, i) => {
    checkPattern(`${prop}[${i}].table`, check.table, TABLE_PATTERN, TABLE_RULE, 'public.orders', scope);
    checkPattern(`${prop}[${i}].column`, check.column, COLUMN_PATTERN,
      'a column name is a plain identifier: letters, digits, _ and $, not starting with a digit', 'created_at', scope);
    if (isUnresolved(check.maxAge)) {
      throw new ValidationError(`${prop}[${i}].maxAge is a token; give a literal Duration (e.g. Duration.hours(25))`, scope);
    }
    const seconds = check.maxAge.toSeconds({ integral: false });
    if (!Number.isInteger(seconds) || seconds < 60) {
      throw new ValidationError(
        `${prop}[${i}].maxAge is ${check.maxAge.toHumanString()}; it must be whole seconds, at least 1 minute ` +
          '(e.g. Duration.hours(25) for a daily dump)',
        scope,
      );
    }
    return { table: check.table, column: check.column, maxAgeSeconds: seconds };
  });
}

/** SQL checks as `{ name, sql }`: names unique and not empty, queries not empty. */
export function checkSqlChecks(prop: string, checks: readonly SqlCheckInput[], scope: IConstruct): Array<{ name: string; sql: string }> {
  const names = new Set<string>();
  return checks.map((check, i) => {
    if (!Token.isUnresolved(check.name) && (check.name.trim() === '' || names.has(check.name))) {
      throw new ValidationError(
        `${prop}[${i}].name '${check.name}' is ${check.name.trim() === '' ? 'empty' : 'used twice'}; each check ` +
          "needs its own name for logs and errors (e.g. 'users exist')",
        scope,
      );
    }
    names.add(check.name);
    if (!Token.isUnresolved(check.sql) && check.sql.trim() === '') {
      throw new ValidationError(
        `${prop}[${i}].sql is empty; give one query returning a single boolean (e.g. 'select count(*) > 0 from users')`,
        scope,
      );
    }
    return { name: check.name, sql: check.sql };
  });
}
