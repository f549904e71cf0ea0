import { Duration, Fn, Lazy, Names, Resource, Stack, Token, Tokenization } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import { Construct } from 'constructs';
import { RecoveryPlan } from '../plan';
import { checkPattern, differs, ROLE_ARN_PATTERN, ACCOUNT_ID_PATTERN, REGION_PATTERN, ValidationError } from '../private/validation';
import {
  AgeRange,
  ageParameter,
  AUDIT_NAME_PATTERN,
  AUDIT_NAME_RULE,
  checkDescription,
  checkList,
  checkScope,
  CONTROL_NAMES,
  defaultName,
  MAX_CONTROLS,
  positiveMinutes,
  renderControl,
  retentionDays,
  tooManyControls,
} from './audit-controls';
import { PlanAuditFacts, planAuditFacts } from './audit-derivation';

/** A tag that scopes a control to the resources carrying it. */
export interface AuditControlTag {
  /** The tag key. */
  readonly key: string;

  /** The tag value. */
  readonly value: string;
}

/**
 * Which resources a control evaluates. AWS Backup Audit Manager evaluates a resource when it matches every part given.
 */
export interface AuditControlScope {
  /**
   * AWS Backup resource types: 'Aurora', 'CloudFormation', 'DocumentDB', 'DynamoDB', 'EBS', 'EC2', 'EFS', 'EKS', 'FSx',
   * 'Neptune', 'RDS', 'Redshift', 'S3', 'SAP HANA on Amazon EC2', 'Storage Gateway', 'Timestream', 'VirtualMachine'.
   *
   * @default - every resource type
   */
  readonly resourceTypes?: string[];

  /**
   * Ids of the only resources to evaluate, 1 to 100.
   *
   * @default - every resource (of `resourceTypes`)
   */
  readonly resourceIds?: string[];

  /**
   * Evaluate only the resources carrying this tag (one key/value pair, AWS Backup Audit Manager's limit).
   *
   * @default - resources with any tags, or none
   */
  readonly tag?: AuditControlTag;
}

/** What every control takes. */
export interface AuditControlOptions {
  /**
   * Which resources the control evaluates.
   *
   * @default - every resource the control applies to, in the framework's account and region
   */
  readonly scope?: AuditControlScope;
}

/** Options of `AuditControl.minimumFrequencyAndRetention()`. */
export interface MinimumFrequencyAndRetentionControlOptions extends AuditControlOptions {
  /**
   * How often a backup plan must have a rule run, at least: whole hours 1-24 (below a day) or whole days 1-31.
   */
  readonly frequency: Duration;

  /** How long that rule must keep its recovery points, at least: whole days 1-36500. */
  readonly retention: Duration;
}

/** Options of `AuditControl.recoveryPointMinimumRetention()`. */
export interface RecoveryPointRetentionControlOptions extends AuditControlOptions {
  /** How long every recovery point must be kept, at least: whole days 1-36500. */
  readonly retention: Duration;
}

/** Options of `AuditControl.manualDeletionDisabled()`. */
export interface ManualDeletionControlOptions extends AuditControlOptions {
  /**
   * ARNs of the IAM roles (at most 5) a vault's access policy may still let delete recovery points, such as a
   * break-glass role.
   *
   * @default - no role may delete recovery points
   */
  readonly allowedPrincipalArns?: string[];
}

/** Options of `AuditControl.protectedByVaultLock()`. */
export interface VaultLockControlOptions extends AuditControlOptions {
  /**
   * The minimum retention the lock must enforce, at least: whole days 1-36500.
   *
   * @default - any minimum retention
   */
  readonly minRetention?: Duration;

  /**
   * The maximum retention the lock may enforce, at most: whole days 1-36500.
   *
   * @default - any maximum retention
   */
  readonly maxRetention?: Duration;
}

/** Options of `AuditControl.lastRecoveryPointCreated()` and `AuditControl.inLogicallyAirGappedVault()`. */
export interface RecoveryPointAgeControlOptions extends AuditControlOptions {
  /**
   * How old the newest recovery point may be. Whole hours or whole days; the range depends on the control
   * (see each factory).
   */
  readonly maxAge: Duration;
}

/** Options of `AuditControl.crossRegionCopy()`. */
export interface CrossRegionCopyControlOptions extends AuditControlOptions {
  /** Regions, 1 to 5, at least one of which a resource's recovery points must be copied to (e.g. 'eu-central-1'). */
  readonly regions: string[];
}

/** Options of `AuditControl.crossAccountCopy()`. */
export interface CrossAccountCopyControlOptions extends AuditControlOptions {
  /**
   * Account ids, 1 to 5, at least one of which a resource's recovery points must be copied to. AWS Backup copies across
   * accounts of one AWS Organization only.
   */
  readonly accounts: string[];
}

/** Options of `AuditControl.restoreTimeMeetsTarget()`. */
export interface RestoreTimeControlOptions extends AuditControlOptions {
  /** The longest a restore may take: whole minutes, at least 1 (a recovery time objective). */
  readonly maxRestoreTime: Duration;
}

/** Options of `AuditControl.custom()`. */
export interface CustomAuditControlOptions extends AuditControlOptions {
  /** The control's name in AWS Backup Audit Manager, e.g. 'BACKUP_RECOVERY_POINT_ENCRYPTED'. */
  readonly controlName: string;

  /**
   * The control's input parameters, by name.
   *
   * @default - none
   */
  readonly parameters?: { [name: string]: string };
}

/** A frequency: hours below a day, whole days from a day on. */
const FREQUENCY: AgeRange = { minHours: 1, maxHours: 24, minDays: 1, maxDays: 31, hoursBelowADayOnly: true };
/** `BACKUP_LAST_RECOVERY_POINT_CREATED`: 1-744 hours or 1-31 days. */
const LAST_RECOVERY_POINT_AGE: AgeRange = { minHours: 1, maxHours: 744, minDays: 1, maxDays: 31 };
/** `RESOURCES_IN_LOGICALLY_AIR_GAPPED_VAULT`: 24-2184 hours or 1-91 days. */
const AIR_GAPPED_AGE: AgeRange = { minHours: 24, maxHours: 2184, minDays: 1, maxDays: 91 };
/** Entries of the list parameters. */
const MAX_LIST = 5;
const CONTROL_NAME_PATTERN = /^[A-Z][A-Z0-9_]{0,255}$/;

/**
 * A control of AWS Backup Audit Manager: a check it runs over the account's backup plans, vaults, recovery points and
 * protected resources, with its parameters and scope. Create one with a static factory, e.g.
 * `AuditControl.lastRecoveryPointCreated({ maxAge: Duration.hours(25) })`; each checks its input at synth time
 * (tokens are skipped).
 *
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/controls-and-remediation.html
 */
export class AuditControl {
  /**
   * `BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK`: every backup plan has a rule that runs at least every `frequency`
   * and keeps its recovery points at least `retention`. A frequency below a day is sent in hours, from a day on in days.
   */
  public static minimumFrequencyAndRetention(options: MinimumFrequencyAndRetentionControlOptions): AuditControl {
    const prefix = 'AuditControl.minimumFrequencyAndRetention';
    const frequency = ageParameter(`${prefix} frequency`, options.frequency, FREQUENCY);
    const retention = retentionDays(`${prefix} retention`, options.retention);
    return new AuditControl(prefix, CONTROL_NAMES.minimumFrequencyAndRetention, {
      requiredFrequencyUnit: frequency.unit,
      requiredFrequencyValue: number(frequency.value),
      requiredRetentionDays: number(retention),
    }, options.scope);
  }

  /** `BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK`: every recovery point is kept at least `retention`. */
  public static recoveryPointMinimumRetention(options: RecoveryPointRetentionControlOptions): AuditControl {
    const prefix = 'AuditControl.recoveryPointMinimumRetention';
    const retention = retentionDays(`${prefix} retention`, options.retention);
    return new AuditControl(prefix, CONTROL_NAMES.recoveryPointMinimumRetention, {
      requiredRetentionDays: number(retention),
    }, options.scope);
  }

  /**
   * `BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED`: every vault's access policy denies deleting recovery points to
   * everyone (`Principal` and `Resource` `*`) but `allowedPrincipalArns`.
   */
  public static manualDeletionDisabled(options: ManualDeletionControlOptions = {}): AuditControl {
    const prefix = 'AuditControl.manualDeletionDisabled';
    const arns = options.allowedPrincipalArns ?? [];
    checkList(`${prefix} allowedPrincipalArns`, arns, { min: 0, max: MAX_LIST }, {
      pattern: ROLE_ARN_PATTERN,
      description: 'an IAM role ARN is arn:<partition>:iam::<12-digit account>:role/<name>',
      example: 'arn:aws:iam::111111111111:role/BreakGlass',
    });
    return new AuditControl(prefix, CONTROL_NAMES.manualDeletionDisabled,
      arns.length > 0 ? { principalArnList: list(arns) } : {}, options.scope);
  }

  /** `BACKUP_RECOVERY_POINT_ENCRYPTED`: every recovery point is encrypted. */
  public static recoveryPointsEncrypted(options: AuditControlOptions = {}): AuditControl {
    return new AuditControl('AuditControl.recoveryPointsEncrypted', CONTROL_NAMES.recoveryPointsEncrypted, {}, options.scope);
  }

  /** `BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN`: every resource (in scope) is protected by a backup plan. */
  public static resourcesProtectedByBackupPlan(options: AuditControlOptions = {}): AuditControl {
    return new AuditControl('AuditControl.resourcesProtectedByBackupPlan', CONTROL_NAMES.resourcesProtectedByBackupPlan, {},
      options.scope);
  }

  /**
   * `BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK`: every resource has its backups in a locked vault whose lock
   * enforces at least `minRetention` and at most `maxRetention`.
   */
  public static protectedByVaultLock(options: VaultLockControlOptions = {}): AuditControl {
    const prefix = 'AuditControl.protectedByVaultLock';
    const min = options.minRetention === undefined ? undefined : retentionDays(`${prefix} minRetention`, options.minRetention);
    const max = options.maxRetention === undefined ? undefined : retentionDays(`${prefix} maxRetention`, options.maxRetention);
    if (min !== undefined && max !== undefined && !Token.isUnresolved(min) && !Token.isUnresolved(max) && max < min) {
      throw new ValidationError(
        `${prefix} maxRetention (${max} days) is shorter than minRetention (${min} days); set maxRetention to at least ` +
          `${min} days (e.g. Duration.days(${min})) or lower minRetention`,
      );
    }
    return new AuditControl(prefix, CONTROL_NAMES.protectedByVaultLock, {
      ...(min !== undefined ? { minRetentionDays: number(min) } : {}),
      ...(max !== undefined ? { maxRetentionDays: number(max) } : {}),
    }, options.scope);
  }

  /**
   * `BACKUP_LAST_RECOVERY_POINT_CREATED`: every resource has a recovery point no older than `maxAge` (1-744 whole
   * hours or 1-31 whole days): the recovery point objective as it is met, not as it is planned. A whole number of days
   * is sent in days, anything else in hours.
   */
  public static lastRecoveryPointCreated(options: RecoveryPointAgeControlOptions): AuditControl {
    const prefix = 'AuditControl.lastRecoveryPointCreated';
    const age = ageParameter(`${prefix} maxAge`, options.maxAge, LAST_RECOVERY_POINT_AGE);
    return new AuditControl(prefix, CONTROL_NAMES.lastRecoveryPointCreated, {
      recoveryPointAgeUnit: age.unit,
      recoveryPointAgeValue: number(age.value),
    }, options.scope);
  }

  /**
   * `BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION`: every resource has its recovery points copied to one of `regions`.
   */
  public static crossRegionCopy(options: CrossRegionCopyControlOptions): AuditControl {
    const prefix = 'AuditControl.crossRegionCopy';
    checkList(`${prefix} regions`, options.regions, { min: 1, max: MAX_LIST }, {
      pattern: REGION_PATTERN,
      description: 'a region is named like us-east-1',
      example: 'eu-central-1',
    });
    return new AuditControl(prefix, CONTROL_NAMES.crossRegionCopy, { crossRegionList: list(options.regions) }, options.scope);
  }

  /**
   * `BACKUP_RESOURCES_PROTECTED_BY_CROSS_ACCOUNT`: every resource has its recovery points copied to one of `accounts`.
   */
  public static crossAccountCopy(options: CrossAccountCopyControlOptions): AuditControl {
    const prefix = 'AuditControl.crossAccountCopy';
    checkList(`${prefix} accounts`, options.accounts, { min: 1, max: MAX_LIST }, {
      pattern: ACCOUNT_ID_PATTERN,
      description: 'an AWS account id is exactly 12 digits',
      example: '222222222222',
    });
    return new AuditControl(prefix, CONTROL_NAMES.crossAccountCopy, { crossAccountList: list(options.accounts) },
      options.scope);
  }

  /**
   * `RESTORE_TIME_FOR_RESOURCES_MEET_TARGET`: restores of every resource finish within `maxRestoreTime` (a recovery time
   * objective), sent in whole minutes.
   */
  public static restoreTimeMeetsTarget(options: RestoreTimeControlOptions): AuditControl {
    const prefix = 'AuditControl.restoreTimeMeetsTarget';
    const minutes = positiveMinutes(`${prefix} maxRestoreTime`, options.maxRestoreTime);
    return new AuditControl(prefix, CONTROL_NAMES.restoreTimeMeetsTarget, { maxRestoreTime: number(minutes) }, options.scope);
  }

  /**
   * `RESOURCES_IN_LOGICALLY_AIR_GAPPED_VAULT`: every resource has a recovery point in a logically air-gapped vault no
   * older than `maxAge` (24-2184 whole hours or 1-91 whole days). A whole number of days is sent in days, anything
   * else in hours.
   */
  public static inLogicallyAirGappedVault(options: RecoveryPointAgeControlOptions): AuditControl {
    const prefix = 'AuditControl.inLogicallyAirGappedVault';
    const age = ageParameter(`${prefix} maxAge`, options.maxAge, AIR_GAPPED_AGE);
    return new AuditControl(prefix, CONTROL_NAMES.inLogicallyAirGappedVault, {
      recoveryPointAgeUnit: age.unit,
      recoveryPointAgeValue: number(age.value),
    }, options.scope);
  }

  /**
   * Any control by its name, for controls AWS Backup Audit Manager adds after this library. The name and parameters
   * are passed as given; only the name's shape and the scope are checked.
   */
  public static custom(options: CustomAuditControlOptions): AuditControl {
    const prefix = 'AuditControl.custom';
    checkPattern(`${prefix} controlName`, options.controlName, CONTROL_NAME_PATTERN,
      'control names are capital letters, digits and underscores', 'BACKUP_RECOVERY_POINT_ENCRYPTED');
    return new AuditControl(prefix, options.controlName, { ...options.parameters }, options.scope);
  }

  /** The control's name in AWS Backup Audit Manager (`ControlName`). */
  public readonly controlName: string;

  /** The control's input parameters, by name, as AWS Backup Audit Manager takes them (strings). */
  public readonly parameters: { [name: string]: string };

  /**
   * Which resources the control evaluates.
   *
   * @default - every resource the control applies to
   */
  public readonly scope?: AuditControlScope;

  private constructor(factory: string, controlName: string, parameters: { [name: string]: string }, scope?: AuditControlScope) {
    checkScope(`${factory} scope`, scope);
    this.controlName = controlName;
    this.parameters = Object.freeze({ ...parameters });
    this.scope = scope;
  }
}

/** Props of a BackupAuditFramework. */
export interface BackupAuditFrameworkProps {
  /**
   * Name of the framework: a letter, then letters, digits or underscores, 256 characters at most.
   *
   * @default - a unique name derived from the construct path
   */
  readonly frameworkName?: string;

  /**
   * Description of the framework, 1-1024 characters.
   *
   * @default - no description
   */
  readonly description?: string;

  /**
   * The framework's controls. Give either `controls` or `plan`; add more to either with `addControl()`.
   *
   * @default - derived from `plan`
   */
  readonly controls?: AuditControl[];

  /**
   * The recovery plan whose promises the framework audits. Its controls are derived from the plan as it is at synth
   * time (rules and copies added later count):
   *
   * - `minimumFrequencyAndRetention`: the gap between runs of the most frequent rule (hours below a day, else whole
   *   days rounded up, at most 31) and the shortest retention of the rules;
   * - `recoveryPointMinimumRetention`: the shortest retention of the rules and of the copies that stay in this account
   *   and region;
   * - `manualDeletionDisabled` (no exceptions), `recoveryPointsEncrypted`, `resourcesProtectedByBackupPlan`;
   * - `protectedByVaultLock` with the lock's range, when the plan's vault has a lock;
   * - `lastRecoveryPointCreated`: the tier's RPO in whole hours (rounded up, at least 1), or 25 hours without a tier;
   * - `crossRegionCopy` / `crossAccountCopy`: the other regions / accounts the plan copies to (at most 5 each), when
   *   their vaults' regions / accounts are known at synth time;
   * - `restoreTimeMeetsTarget`: the tier's RTO in whole minutes (rounded up), when the plan has a tier.
   *
   * A control added with `addControl()` replaces the derived control of the same name.
   *
   * @default - none; then `controls` is required
   */
  readonly plan?: RecoveryPlan;

  /**
   * The scope of the controls derived from `plan` that evaluate protected resources and their recovery points (all but
   * `minimumFrequencyAndRetention` and `manualDeletionDisabled`, which evaluate backup plans and vaults). A
   * `RecoveryPlan` does not tell which resource types its selections protect, so give them here to keep other
   * resources of the account out of the audit (e.g. `{ resourceTypes: ['RDS', 'Aurora'] }`).
   *
   * @default - every resource of the framework's account and region
   */
  readonly derivedControlScope?: AuditControlScope;
}

/**
 * An AWS Backup Audit Manager framework: controls that AWS Backup evaluates continuously (through AWS Config) and that
 * `BackupReportPlan` reports on.
 *
 * Give the controls yourself (`controls`, `AuditControl.*`) or derive them from a `RecoveryPlan` (`plan`), so the
 * audit checks what the plan promises: its frequency and retention, its recovery point objective (the age of the last
 * recovery point), its copies to other regions and accounts, its vault lock, and its recovery time objective.
 *
 * AWS Backup Audit Manager allows 50 controls per framework, and 50 per account and region across all frameworks
 * (a control used in two frameworks counts twice), and 10 frameworks per account and region. The controls need AWS
 * Config to record the AWS Backup resource types (and the resource types they evaluate) in the account and region.
 */
export class BackupAuditFramework extends Resource {
  /** ARN of the framework. */
  public readonly frameworkArn: string;

  /** Name of the framework. */
  public readonly frameworkName: string;

  private readonly explicitControls: AuditControl[] = [];
  private readonly plan?: RecoveryPlan;
  private readonly derivedScope?: AuditControlScope;

  constructor(scope: Construct, id: string, props: BackupAuditFrameworkProps = {}) {
    super(scope, id, { physicalName: props.frameworkName });

    checkPattern('frameworkName', props.frameworkName, AUDIT_NAME_PATTERN, AUDIT_NAME_RULE, 'backup_dr_audit', this);
    checkDescription('description', props.description, this);
    if (props.controls === undefined && props.plan === undefined) {
      throw new ValidationError(
        'BackupAuditFramework has neither controls nor plan; give the plan to audit (e.g. plan: recoveryPlan) or the ' +
          'controls (e.g. controls: [AuditControl.lastRecoveryPointCreated({ maxAge: Duration.hours(25) })])',
        this,
      );
    }
    if (props.controls !== undefined && props.plan !== undefined) {
      throw new ValidationError(
        'BackupAuditFramework has both controls and plan; the controls are derived from plan when it is given: ' +
          'remove controls and add yours with addControl() (a control replaces the derived one of the same name), or remove plan',
        this,
      );
    }
    if (props.derivedControlScope !== undefined && props.plan === undefined) {
      throw new ValidationError('derivedControlScope is set without plan; it scopes the controls derived from plan: ' +
        'give plan, or set scope on each of your controls', this);
    }
    checkScope('derivedControlScope', props.derivedControlScope, this);
    if (props.plan) {
      this.checkPlanEnvironment(props.plan);
    }
    this.plan = props.plan;
    this.derivedScope = props.derivedControlScope;
    for (const control of props.controls ?? []) {
      this.addControl(control);
    }

    this.frameworkName = props.frameworkName
      ?? defaultName(Names.uniqueResourceName(this, { maxLength: 256, separator: '_', allowedSpecialCharacters: '_' }));
    const resource = new backup.CfnFramework(this, 'Resource', {
      frameworkName: this.frameworkName,
      frameworkDescription: props.description,
      frameworkControls: Lazy.any({
        produce: () => this.controls.map((control) => renderControl(control.controlName, control.parameters, control.scope)),
      }),
    });
    this.frameworkArn = resource.attrFrameworkArn;

    this.node.addValidation({ validate: () => this.validateControls() });
  }

  /**
   * The framework's controls as they are now: the ones derived from `plan` (unless replaced by a control of the same
   * name), then the ones given or added, in order.
   */
  public get controls(): AuditControl[] {
    const explicit = new Set(this.explicitControls.map((control) => control.controlName));
    const derived = this.plan ? deriveControls(planAuditFacts(this.plan), this.derivedScope) : [];
    return [...derived.filter((control) => !explicit.has(control.controlName)), ...this.explicitControls];
  }

  /**
   * Adds a control. When the framework derives its controls from a plan, it replaces the derived control of the same
   * name (e.g. `manualDeletionDisabled({ allowedPrincipalArns: [breakGlassRole.roleArn] })`).
   */
  public addControl(control: AuditControl): void {
    this.explicitControls.push(control);
    const count = this.controls.length;
    if (count > MAX_CONTROLS) {
      this.explicitControls.pop();
      throw new ValidationError(tooManyControls(count), this);
    }
  }

  private validateControls(): string[] {
    const count = this.controls.length;
    if (count === 0) {
      return ['controls is empty; a framework needs at least one control (e.g. addControl(AuditControl.recoveryPointsEncrypted()))'];
    }
    return count > MAX_CONTROLS ? [tooManyControls(count)] : [];
  }

  /** A framework audits its own account and region, so the plan it derives from must be there. */
  private checkPlanEnvironment(plan: RecoveryPlan): void {
    const here = Stack.of(this);
    const there = Stack.of(plan);
    for (const [what, planValue, value] of [
      ['account', there.account, here.account],
      ['region', there.region, here.region],
    ] as const) {
      if (differs(planValue, value)) {
        throw new ValidationError(
          `plan ${plan.node.path} is in ${what} ${planValue} but the framework is in ${value}; AWS Backup Audit Manager ` +
            'evaluates the account and region of its framework: create the framework in the stack of the plan',
          this,
        );
      }
    }
  }
}

/** The controls a plan's facts imply (see `BackupAuditFrameworkProps.plan`). */
function deriveControls(facts: PlanAuditFacts, scope: AuditControlScope | undefined): AuditControl[] {
  const controls: AuditControl[] = [];
  if (facts.frequencyHours !== undefined && facts.ruleRetentionDays !== undefined) {
    controls.push(AuditControl.minimumFrequencyAndRetention({
      frequency: Duration.hours(facts.frequencyHours),
      retention: Duration.days(facts.ruleRetentionDays),
    }));
  }
  if (facts.recoveryPointRetentionDays !== undefined) {
    controls.push(AuditControl.recoveryPointMinimumRetention({ retention: Duration.days(facts.recoveryPointRetentionDays), scope }));
  }
  controls.push(AuditControl.manualDeletionDisabled());
  controls.push(AuditControl.recoveryPointsEncrypted({ scope }));
  controls.push(AuditControl.resourcesProtectedByBackupPlan({ scope }));
  if (facts.locked) {
    controls.push(AuditControl.protectedByVaultLock({
      minRetention: facts.lockMinDays === undefined ? undefined : Duration.days(facts.lockMinDays),
      maxRetention: facts.lockMaxDays === undefined ? undefined : Duration.days(facts.lockMaxDays),
      scope,
    }));
  }
  controls.push(AuditControl.lastRecoveryPointCreated({ maxAge: Duration.hours(facts.maxAgeHours), scope }));
  if (facts.copyRegions.length > 0) {
    controls.push(AuditControl.crossRegionCopy({ regions: facts.copyRegions, scope }));
  }
  if (facts.copyAccounts.length > 0) {
    controls.push(AuditControl.crossAccountCopy({ accounts: facts.copyAccounts, scope }));
  }
  if (facts.rtoMinutes !== undefined) {
    controls.push(AuditControl.restoreTimeMeetsTarget({ maxRestoreTime: Duration.minutes(facts.rtoMinutes), scope }));
  }
  return controls;
}

/** A list as a parameter value: comma-separated, joined at deployment when it holds tokens. */
function list(values: string[]): string {
  return Token.isUnresolved(values) || values.some((value) => Token.isUnresolved(value)) ? Fn.join(',', values) : values.join(',');
}

/** A number as a parameter value: its digits, or a token standing for them. */
function number(value: number): string {
  return Tokenization.stringifyNumber(value);
}
