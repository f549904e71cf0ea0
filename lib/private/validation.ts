import { Duration, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The one error type our constructs throw for bad input at synth time.
 *
 * Messages name the prop, show the bad value, the allowed range and the fix, e.g.
 * `backupWindow '03:00-03:10' is 10 minutes; RDS requires at least 30 (e.g. '03:00-03:30')`.
 * When a scope is given, its construct path is prefixed so the user can find the offending construct.
 */
export class ValidationError extends Error {
  constructor(message: string, scope?: IConstruct) {
    super(scope ? `${scope.node.path}: ${message}` : message);
    this.name = 'ValidationError';
    Object.setPrototypeOf(this, ValidationError.prototype);
  }
}

/** The longest retention AWS Backup and S3 Object Lock accept, in days (100 years). */
export const MAX_LIFECYCLE_DAYS = 36500;

/** True when the value cannot be checked at synth time (a token, or a Duration built from one). */
export function isUnresolved(value: string | number | Duration | undefined): boolean {
  if (value === undefined) {
    return false;
  }
  if (value instanceof Duration) {
    return value.isUnresolved();
  }
  return Token.isUnresolved(value);
}

/**
 * Whole days of a Duration, or a ValidationError naming the prop when it is not a whole number of days.
 * Callers skip unresolved durations before calling.
 */
export function wholeDays(prop: string, value: Duration, scope?: IConstruct): number {
  const days = value.toMilliseconds() / 86_400_000;
  if (!Number.isInteger(days)) {
    throw new ValidationError(
      `${prop} is ${value.toHumanString()}, which is not a whole number of days; use Duration.days(${Math.max(1, Math.round(days))})`,
      scope,
    );
  }
  return days;
}

/**
 * Checks that an integer lies in [min, max]. Unresolved tokens are skipped.
 * `unit` is appended to numbers in the message ("days", "minutes").
 */
export function checkRange(
  prop: string,
  value: number | undefined,
  min: number,
  max: number,
  unit: string,
  scope?: IConstruct,
): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    const fix = value < min ? min : max;
    throw new ValidationError(
      `${prop} is ${value} ${unit}; allowed range is ${min}-${max} ${unit} (e.g. ${fix})`,
      scope,
    );
  }
}

/** Checks a string against a pattern. Unresolved tokens are skipped. */
export function checkPattern(
  prop: string,
  value: string | undefined,
  pattern: RegExp,
  description: string,
  example: string,
  scope?: IConstruct,
): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  if (!pattern.test(value)) {
    throw new ValidationError(`${prop} '${value}' is invalid: ${description} (e.g. '${example}')`, scope);
  }
}

/** A 12-digit AWS account id. */
export const ACCOUNT_ID_PATTERN = /^\d{12}$/;

/** An AWS Organizations organization id. */
export const ORGANIZATION_ID_PATTERN = /^o-[a-z0-9]{10,32}$/;

/** An IAM role ARN in any partition. */
export const ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\-/]{1,512}$/;

/** Checks a 12-digit account id (tokens skipped). */
export function checkAccountId(prop: string, value: string, scope?: IConstruct): void {
  checkPattern(prop, value, ACCOUNT_ID_PATTERN, 'an AWS account id is exactly 12 digits', '123456789012', scope);
}

/**
 * Whole minutes of a Duration, or a ValidationError naming the prop when it is not a whole number of minutes.
 * Callers skip unresolved durations before calling.
 */
export function wholeMinutes(prop: string, value: Duration, scope?: IConstruct): number {
  const minutes = value.toMilliseconds() / 60_000;
  if (!Number.isInteger(minutes)) {
    throw new ValidationError(
      `${prop} is ${value.toHumanString()}, which is not a whole number of minutes; use Duration.minutes(${Math.ceil(minutes)})`,
      scope,
    );
  }
  return minutes;
}

/** An AWS region name, e.g. `us-west-2`. */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** KMS alias names: `alias/` and 1-250 letters, digits, `/`, `_`, `-` (256 characters at most in all). */
export const KMS_ALIAS_NAME_PATTERN = /^alias\/[a-zA-Z0-9/_-]{1,250}$/;

/** True when both values are known at synth time and differ; false when they are equal or either is a token. */
export function differs(a: string, b: string): boolean {
  return !Token.isUnresolved(a) && !Token.isUnresolved(b) && a !== b;
}

/** Same account and region (of two stacks or resource environments), or not decidable at synth time. */
export function sameEnvironment(
  a: { readonly account: string; readonly region: string },
  b: { readonly account: string; readonly region: string },
): boolean {
  return !differs(a.account, b.account) && !differs(a.region, b.region);
}

/** S3 keys, and so key prefixes, have at most 1,024 characters. */
const MAX_S3_KEY_LENGTH = 1024;

/*
 * Two prefix checks with different rules, on purpose: a folder prefix scopes grants and lifecycle rules to
 * `<prefix>*` and must name a folder (`pg-dump/`); a replication filter prefix is matched by S3 literally and may
 * end anywhere (`resumes` matches `resumes-2024/...`). Both refuse `*` and `?`, which the grants on `<prefix>*`
 * would read as wildcards.
 */

/**
 * A folder prefix that scopes grants (`<bucket>/<prefix>*`): ends with `/`, does not start with one, no `//`, no
 * `*` or `?`. Unresolved tokens are skipped.
 */
export function checkFolderPrefix(prefix: string, scope: IConstruct): void {
  if (Token.isUnresolved(prefix)) {
    return;
  }
  const problems: string[] = [];
  if (prefix.startsWith('/')) {
    problems.push('it must not start with a slash');
  }
  if (!prefix.endsWith('/')) {
    problems.push("it must end with '/'");
  }
  if (/[*?]/.test(prefix)) {
    problems.push("it must not contain '*' or '?', which would widen the grants");
  }
  if (prefix.includes('//')) {
    problems.push("it must not contain '//'");
  }
  if (problems.length > 0) {
    throw new ValidationError(`prefix '${prefix}' is invalid: ${problems.join('; ')} (e.g. 'pg-dump/')`, scope);
  }
}

/**
 * A replication filter prefix: literal (no `*` or `?`) and at most as long as an S3 key. Unresolved tokens are
 * skipped.
 */
export function checkFilterPrefix(prefix: string, scope: IConstruct): void {
  if (Token.isUnresolved(prefix)) {
    return;
  }
  if (/[*?]/.test(prefix)) {
    throw new ValidationError(
      `prefix '${prefix}' contains '*' or '?'; S3 matches the prefix literally but the role's grants on ` +
        `'<bucket>/${prefix}*' would treat them as wildcards: use a literal prefix (e.g. 'resumes/')`,
      scope,
    );
  }
  if (prefix.length > MAX_S3_KEY_LENGTH) {
    throw new ValidationError(
      `prefix is ${prefix.length} characters long; S3 keys (and prefixes) have at most ${MAX_S3_KEY_LENGTH}`, scope);
  }
}

/**
 * The age of a lifecycle step given as a `LifecycleAge` (structurally: `{ age?: Duration }`, where no age means never),
 * or its default when not given; undefined for never.
 */
export function lifecycleAge(given: { readonly age?: Duration } | undefined, fallback: Duration | undefined): Duration | undefined {
  return given === undefined ? fallback : given.age;
}
