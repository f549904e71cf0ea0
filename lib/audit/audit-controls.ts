import { Duration, Token } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import { IConstruct } from 'constructs';
import { isUnresolved, MAX_LIFECYCLE_DAYS, ValidationError } from '../private/validation';

// The controls of AWS Backup Audit Manager, one record each, and the checks and rendering that `AuditControl` and
// `BackupAuditFramework` share. Nothing here is public API.

/** What each control is called in AWS Backup Audit Manager (`ControlName`). */
export const CONTROL_NAMES = {
  minimumFrequencyAndRetention: 'BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK',
  recoveryPointMinimumRetention: 'BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK',
  manualDeletionDisabled: 'BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED',
  recoveryPointsEncrypted: 'BACKUP_RECOVERY_POINT_ENCRYPTED',
  resourcesProtectedByBackupPlan: 'BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN',
  protectedByVaultLock: 'BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK',
  lastRecoveryPointCreated: 'BACKUP_LAST_RECOVERY_POINT_CREATED',
  crossRegionCopy: 'BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION',
  crossAccountCopy: 'BACKUP_RESOURCES_PROTECTED_BY_CROSS_ACCOUNT',
  restoreTimeMeetsTarget: 'RESTORE_TIME_FOR_RESOURCES_MEET_TARGET',
  inLogicallyAirGappedVault: 'RESOURCES_IN_LOGICALLY_AIR_GAPPED_VAULT',
} as const;

/** Controls per framework, and per account and region across frameworks (AWS Backup Audit Manager quota). */
export const MAX_CONTROLS = 50;

/** The resource type names AWS Backup uses (`GetSupportedResourceTypes`), which a control scope may name. */
export const RESOURCE_TYPES = [
  'Aurora', 'CloudFormation', 'DocumentDB', 'DynamoDB', 'EBS', 'EC2', 'EFS', 'EKS', 'FSx', 'Neptune', 'RDS', 'Redshift',
  'S3', 'SAP HANA on Amazon EC2', 'Storage Gateway', 'Timestream', 'VirtualMachine',
];

/** Resources a control scope may name at most. */
const MAX_SCOPE_IDS = 100;

/** An age or a frequency as AWS Backup Audit Manager takes it: a unit and a whole number. */
export interface AgeParameter {
  readonly unit: 'hours' | 'days';
  readonly value: number;
}

/** The whole hours and whole days a control accepts, and how to say so. */
export interface AgeRange {
  readonly minHours: number;
  readonly maxHours: number;
  readonly minDays: number;
  readonly maxDays: number;
  /**
   * Hours below a day, whole days from a day on (a frequency); otherwise whole days whenever the age is a whole
   * number of days, hours for the rest (an age).
   */
  readonly hoursBelowADayOnly?: boolean;
}

function ranges(range: AgeRange): string {
  return `whole hours ${range.minHours}-${range.maxHours} or whole days ${range.minDays}-${range.maxDays}`;
}

/**
 * An age or frequency as a unit and a whole number, or a ValidationError naming `prop`, the value, the range and a
 * fix. A token is passed as given, in days when it was built with `Duration.days()`, else in hours.
 */
export function ageParameter(prop: string, value: Duration, range: AgeRange): AgeParameter {
  if (isUnresolved(value)) {
    return tokenAge(prop, value);
  }
  const hours = value.toMinutes({ integral: false }) / 60;
  const days = hours / 24;
  const clamp = (n: number, min: number, max: number) => Math.min(Math.max(min, Math.ceil(n)), max);
  const problem = () => new ValidationError(
    `${prop} is ${value.toHumanString()}; AWS Backup Audit Manager takes ${ranges(range)} (e.g. ` +
      (hours < 24
        ? `Duration.hours(${clamp(hours, range.minHours, range.maxHours)}))`
        : `Duration.days(${clamp(days, range.minDays, range.maxDays)}))`),
  );
  const inHours = Number.isInteger(hours) && hours >= range.minHours && hours <= range.maxHours;
  const inDays = Number.isInteger(days) && days >= range.minDays && days <= range.maxDays;
  if (range.hoursBelowADayOnly ? hours < 24 : !Number.isInteger(days)) {
    if (!inHours) {
      throw problem();
    }
    return { unit: 'hours', value: hours };
  }
  if (!inDays) {
    throw problem();
  }
  return { unit: 'days', value: days };
}

function tokenAge(prop: string, value: Duration): AgeParameter {
  for (const unit of ['days', 'hours'] as const) {
    try {
      return { unit, value: unit === 'days' ? value.toDays() : value.toHours() };
    } catch {
      // A token converts only to the unit it was built with: try the next one.
    }
  }
  throw new ValidationError(`${prop} is a token built with neither Duration.hours() nor Duration.days(); use one of them`);
}

/** Whole days of a retention in [min, max], or a ValidationError; a token built with `Duration.days()` is passed as is. */
export function retentionDays(prop: string, value: Duration, min = 1, max = MAX_LIFECYCLE_DAYS): number {
  if (isUnresolved(value)) {
    try {
      return value.toDays();
    } catch {
      throw new ValidationError(`${prop} is a token not built with Duration.days(); AWS Backup Audit Manager takes whole days`);
    }
  }
  const days = value.toMinutes({ integral: false }) / 1440;
  if (!Number.isInteger(days) || days < min || days > max) {
    const fix = Math.min(Math.max(min, Math.ceil(days)), max);
    throw new ValidationError(
      `${prop} is ${value.toHumanString()}; AWS Backup Audit Manager takes whole days ${min}-${max} (e.g. Duration.days(${fix}))`,
    );
  }
  return days;
}

/** Whole minutes, at least one, or a ValidationError; a token built with `Duration.minutes()` is passed as is. */
export function positiveMinutes(prop: string, value: Duration): number {
  if (isUnresolved(value)) {
    try {
      return value.toMinutes();
    } catch {
      throw new ValidationError(`${prop} is a token not built with Duration.minutes(); AWS Backup Audit Manager takes whole minutes`);
    }
  }
  const minutes = value.toSeconds({ integral: false }) / 60;
  if (!Number.isInteger(minutes) || minutes < 1) {
    throw new ValidationError(
      `${prop} is ${value.toHumanString()}; AWS Backup Audit Manager takes whole minutes, at least 1 ` +
        `(e.g. Duration.minutes(${Math.max(1, Math.ceil(minutes))}))`,
    );
  }
  return minutes;
}

/**
 * A comma-separated list parameter: 1-`max` entries (`min` 0 allows an empty list), each matching `pattern` unless a
 * token, no entry twice. Tokens in a list are counted but not checked.
 */
export function checkList(
  prop: string,
  values: string[],
  limits: { readonly min: number; readonly max: number },
  entry: { readonly pattern: RegExp; readonly description: string; readonly example: string },
): void {
  if (Token.isUnresolved(values)) {
    return;
  }
  if (values.length < limits.min || values.length > limits.max) {
    throw new ValidationError(
      `${prop} has ${values.length} entries; AWS Backup Audit Manager takes ${limits.min}-${limits.max} ` +
        `(e.g. ['${entry.example}'])`,
    );
  }
  const seen = new Set<string>();
  for (const value of values) {
    if (Token.isUnresolved(value)) {
      continue;
    }
    if (!entry.pattern.test(value)) {
      throw new ValidationError(`${prop} contains '${value}', which is invalid: ${entry.description} (e.g. '${entry.example}')`);
    }
    if (seen.has(value)) {
      throw new ValidationError(`${prop} contains '${value}' twice; name each entry once`);
    }
    seen.add(value);
  }
}

/** What `AuditControlScope` holds, structurally (this file does not import the public types). */
export interface ScopeShape {
  readonly resourceTypes?: string[];
  readonly resourceIds?: string[];
  readonly tag?: { readonly key: string; readonly value: string };
}

/** Checks a control scope: known resource types, 1-100 resource ids, a tag with a key. Tokens are skipped. */
export function checkScope(prop: string, scope: ScopeShape | undefined, construct?: IConstruct): void {
  if (scope === undefined) {
    return;
  }
  const types = scope.resourceTypes;
  if (types !== undefined && !Token.isUnresolved(types)) {
    if (types.length === 0) {
      throw new ValidationError(`${prop}.resourceTypes is empty; leave it out to evaluate every resource type, or name some (e.g. ['RDS'])`, construct);
    }
    for (const type of types) {
      if (!Token.isUnresolved(type) && !RESOURCE_TYPES.includes(type)) {
        throw new ValidationError(
          `${prop}.resourceTypes contains '${type}', which is not an AWS Backup resource type; use one of ` +
            `${RESOURCE_TYPES.map((t) => `'${t}'`).join(', ')} (e.g. 'RDS')`,
          construct,
        );
      }
    }
  }
  const ids = scope.resourceIds;
  if (ids !== undefined && !Token.isUnresolved(ids) && (ids.length < 1 || ids.length > MAX_SCOPE_IDS)) {
    throw new ValidationError(
      `${prop}.resourceIds has ${ids.length} entries; AWS Backup Audit Manager takes 1-${MAX_SCOPE_IDS} ` +
        '(leave it out to evaluate every resource, or scope by resourceTypes or tag instead)',
      construct,
    );
  }
  if (scope.tag !== undefined && !Token.isUnresolved(scope.tag.key) && scope.tag.key.length === 0) {
    throw new ValidationError(`${prop}.tag has an empty key; give the tag key (e.g. { key: 'backup', value: 'daily' })`, construct);
  }
}

/**
 * A control as CloudFormation takes it. `ControlScope` is untyped in aws-cdk-lib and written verbatim, so its keys
 * are CloudFormation's own (PascalCase).
 */
export function renderControl(
  controlName: string,
  parameters: { [name: string]: string },
  scope: ScopeShape | undefined,
): backup.CfnFramework.FrameworkControlProperty {
  const inputs = Object.entries(parameters).map(([parameterName, parameterValue]) => ({ parameterName, parameterValue }));
  const controlScope = scope === undefined ? {} : {
    ...(scope.resourceIds !== undefined ? { ComplianceResourceIds: scope.resourceIds } : {}),
    ...(scope.resourceTypes !== undefined ? { ComplianceResourceTypes: scope.resourceTypes } : {}),
    ...(scope.tag !== undefined ? { Tags: [{ Key: scope.tag.key, Value: scope.tag.value }] } : {}),
  };
  return {
    controlName,
    controlInputParameters: inputs.length > 0 ? inputs : undefined,
    controlScope: Object.keys(controlScope).length > 0 ? controlScope : undefined,
  };
}

/** The message of a framework with more controls than AWS Backup Audit Manager allows. */
export function tooManyControls(count: number): string {
  return `controls: the framework has ${count} controls; AWS Backup Audit Manager allows at most ${MAX_CONTROLS} per ` +
    `framework (and ${MAX_CONTROLS} per account and region across all frameworks): remove ${count - MAX_CONTROLS}, ` +
    'or split them over frameworks in different accounts or regions';
}

/** Names of frameworks and report plans: a letter, then letters, digits or underscores, 256 characters at most. */
export const AUDIT_NAME_PATTERN = /^[a-zA-Z][_a-zA-Z0-9]{0,255}$/;
export const AUDIT_NAME_RULE = 'AWS Backup takes a letter, then letters, digits or underscores, 256 characters at most';

/** Longest description of a framework or report plan. */
const MAX_DESCRIPTION_LENGTH = 1024;

/** Checks a framework or report plan description: 1-1024 characters, not only blanks. Tokens are skipped. */
export function checkDescription(prop: string, description: string | undefined, construct: IConstruct): void {
  if (description === undefined || Token.isUnresolved(description)) {
    return;
  }
  if (description.trim().length === 0 || description.length > MAX_DESCRIPTION_LENGTH) {
    throw new ValidationError(
      `${prop} is ${description.length} characters${description.trim().length === 0 ? ' of blanks' : ''}; AWS Backup takes ` +
        `1-${MAX_DESCRIPTION_LENGTH} characters with at least one that is not a blank (shorten it, or leave it out)`,
      construct,
    );
  }
}

/** A default name of a framework or report plan from the construct path, starting with a letter. */
export function defaultName(unique: string): string {
  return /^[a-zA-Z]/.test(unique) ? unique : `N${unique}`.slice(0, 256);
}
