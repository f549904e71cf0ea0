import {
  Annotations,
  CfnResource,
  Duration,
  Lazy,
  Names,
  Stack,
  Token,
  TokenComparison,
} from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import { checkTimeZone } from '../private/aws-names';
import { TIER_METADATA_KEY, TierMetadata } from '../private/job-contract';
import { BackupVault, IBackupVault } from '../vault';
import { documentDbClusterArn } from '../private/arns';
import { assessRpo, checkSchedule, CronFields, describeDays, mayShareDay, parseCron } from '../private/schedule';
import { checkPattern, isUnresolved, lifecycleAge, MAX_LIFECYCLE_DAYS, ValidationError, wholeDays, wholeMinutes } from '../private/validation';
import { RecoveryCopyOptions } from './copies';
import { GfsRules } from './gfs';
import { GFS_DEFAULTS, GfsDefaults } from './gfs-defaults';
import { RecoveryRule, RecoveryRuleOptions, RecoveryTier } from './recovery-tier';
import { acknowledgeManagedPolicies, knownServicesOf, RdsSource, rdsSourcesOf, unknownSourcesOf } from './selection-sources';
import { RecoverySelectionOptions } from './selections';

/** Props of a RecoveryPlan. */
export interface RecoveryPlanProps {
  /**
   * Name of the AWS Backup plan: 1-50 letters, digits, hyphens, underscores or dots.
   *
   * @default - a unique name derived from the construct path
   */
  readonly backupPlanName?: string;

  /**
   * The vault of this plan's recovery points. It must be in the plan's account and region.
   * When it has a lock, every rule's retention is checked against the lock range.
   *
   * @default - a new `BackupVault` (customer-managed key, deletion-denying access policy, failure notifications)
   */
  readonly backupVault?: IBackupVault;

  /**
   * The recovery tier whose rules the plan runs (see `RecoveryTier`).
   *
   * @default - no tier rules; only the grandfather-father-son rules
   */
  readonly tier?: RecoveryTier;

  /**
   * Grandfather-father-son rules, added in addition to the tier's rules. Turn each one off with `enabled: false`.
   *
   * @default - daily (30 days), weekly (90 days) and monthly (365 days, cold after 90) per seed 001;
   * the daily rule is left out when the tier has its own 'Daily' rule
   */
  readonly gfs?: GfsRules;

  /**
   * Copies to other vaults (other region and/or account). More can be added with `addCopy()`.
   *
   * @default - no copies
   */
  readonly copyTo?: RecoveryCopyOptions[];

  /**
   * What the plan protects, as a selection with the construct id 'Selection'. More can be added with `addSelection()`.
   *
   * @default - none; call `addSelection()` (a plan without a selection fails synthesis)
   */
  readonly selection?: RecoverySelectionOptions;
}

/** Rule and plan names: AWS Backup's pattern. */
const NAME_PATTERN = /^[a-zA-Z0-9\-_.]{1,50}$/;
const NAME_RULE = 'AWS Backup allows 1-50 letters, digits, hyphens, underscores or dots';
/** The start window AWS Backup requires at least. */
const MIN_START_WINDOW_MINUTES = 60;
/** AWS Backup's completion window when none is given (7 days). */
const DEFAULT_COMPLETION_WINDOW_MINUTES = 7 * 24 * 60;
/** Recovery points stay at least 90 days in cold storage. */
const MIN_COLD_STORAGE_DAYS = 90;
/** Continuous backups are kept at most 35 days. */
const MAX_CONTINUOUS_RETENTION_DAYS = 35;
const DEFAULT_START_WINDOW = Duration.hours(1);

const WARN_COMPLETION_WINDOW = 'cdk-backup-dr:RecoveryPlan.completionWindow';
const WARN_CONTINUOUS_RULES = 'cdk-backup-dr:RecoveryPlan.multipleContinuousRules';
const WARN_CROSS_ACCOUNT_RDS = 'cdk-backup-dr:RecoveryPlan.crossAccountRdsKey';
const WARN_COPY_SKIPPED = 'cdk-backup-dr:RecoveryPlan.copySkippedByOverlap';
const WARN_RPO_NOT_VERIFIED = 'cdk-backup-dr:RecoveryPlan.rpoNotVerified';
const INFO_CROSS_ACCOUNT = 'cdk-backup-dr:RecoveryPlan.crossAccountOrganization';
const WARN_AIR_GAPPED_DYNAMODB = 'cdk-backup-dr:RecoveryPlan.airGappedDynamoDb';
const WARN_AIR_GAPPED_UNKNOWN = 'cdk-backup-dr:RecoveryPlan.airGappedUnknownSources';

interface SelectionInfo {
  readonly name: string;
  readonly rdsSources: RdsSource[];
  /** Entries whose resource type is not known at synth time (tags, ARN tokens). */
  readonly unknownSources: string[];
  readonly buckets: s3.IBucket[];
  /** The services (as in ARNs) of the entries whose type is known. */
  readonly services: string[];
}

interface CopyInfo {
  readonly options: RecoveryCopyOptions;
  readonly label: string;
  /** The destination account when it is known to differ from this stack's account. */
  readonly otherAccount?: string;
  /** The destination region when it is known to differ from this stack's region. */
  readonly otherRegion?: string;
}

/** Where a rule came from, to name the prop in error messages. */
interface RuleOrigin {
  readonly prefix: string;
  readonly fromGfs?: string;
}

/**
 * An AWS Backup plan for PostgreSQL-centred backup and disaster recovery.
 *
 * - rules from a `RecoveryTier` (seed 001: FREE, PRO, TEAM, ENTERPRISE) and/or a grandfather-father-son
 *   rotation (`gfs`: daily 30 days, weekly 90 days, monthly 365 days with cold storage after 90), plus your own
 *   (`addRule()`); every schedule in UTC unless a rule sets a time zone;
 * - copies to vaults in other regions and/or accounts, each with an explicit lifecycle (`copyTo`, `addCopy()`);
 * - selections of RDS/Aurora, DynamoDB, EFS, S3, ARNs or tags (`selection`, `addSelection()`).
 *
 * AWS Backup's constraints are checked at synth time (tokens are skipped): lifecycle (1-36500 days, cold storage
 * + 90 days, continuous 1-35 days without cold storage), start window >= 60 minutes, rule names, cron schedules,
 * vault-lock ranges of the plan's vault and of every copy's vault; a plan without rules or selections fails synthesis.
 */
export class RecoveryPlan extends Construct {
  /** The aws-cdk-lib backup plan (construct id 'Resource'). */
  public readonly backupPlan: backup.IBackupPlan;

  /** Id of the backup plan. */
  public readonly backupPlanId: string;

  /** ARN of the backup plan. */
  public readonly backupPlanArn: string;

  /** The vault holding this plan's recovery points. */
  public readonly backupVault: IBackupVault;

  /**
   * The tier the plan was built from.
   *
   * @default - no tier
   */
  public readonly tier?: RecoveryTier;

  private readonly plan: backup.BackupPlan;
  private readonly ruleList: RecoveryRule[] = [];
  private readonly copyList: CopyInfo[] = [];
  private readonly selectionList: SelectionInfo[] = [];
  private continuousWarned = false;

  constructor(scope: Construct, id: string, props: RecoveryPlanProps = {}) {
    super(scope, id);

    checkPattern('backupPlanName', props.backupPlanName, NAME_PATTERN, NAME_RULE, 'daily-and-pitr', this);
    this.tier = props.tier;
    this.backupVault = props.backupVault ?? new BackupVault(this, 'Vault');
    this.checkLocalVault();

    this.plan = new backup.BackupPlan(this, 'Resource', {
      backupPlanName: props.backupPlanName
        ?? Names.uniqueResourceName(this, { maxLength: 50, separator: '-', allowedSpecialCharacters: '-_.' }),
      backupVault: this.backupVault,
    });
    this.backupPlan = this.plan;
    this.backupPlanId = this.plan.backupPlanId;
    this.backupPlanArn = this.plan.backupPlanArn;

    for (const rule of props.tier?.rules ?? []) {
      this.addRuleInternal(rule.ruleName, rule, { prefix: `tier '${props.tier!.name}' rule '${rule.ruleName}'` });
    }
    if (props.tier) {
      this.warnRpoNotVerified(props.tier);
      // What the plan promises, for the tools that read the synthesized app (runbook, report).
      const tier: TierMetadata = { name: props.tier.name, rpoSeconds: props.tier.rpo.toSeconds(), rtoSeconds: props.tier.rto.toSeconds() };
      (this.plan.node.defaultChild as CfnResource).addMetadata(TIER_METADATA_KEY, tier);
    }
    this.addGfsRules(props.gfs ?? {}, props.tier);
    for (const copy of props.copyTo ?? []) {
      this.addCopy(copy);
    }
    if (props.selection) {
      this.addSelection('Selection', props.selection);
    }

    this.node.addValidation({ validate: () => this.validatePlan() });
  }

  /** The plan's rules, in the order they were added (tier, then gfs, then `addRule()`). */
  public get rules(): RecoveryRule[] {
    return [...this.ruleList];
  }

  /** The plan's copies to other vaults. */
  public get copies(): RecoveryCopyOptions[] {
    return this.copyList.map((copy) => copy.options);
  }

  /**
   * Adds a backup rule. `ruleName` names the rule in AWS Backup (1-50 letters, digits, hyphens, underscores
   * or dots, unique in the plan). Copies apply to it like to every other rule. Returns the rule as rendered,
   * defaults filled in.
   */
  public addRule(ruleName: string, options: RecoveryRuleOptions): RecoveryRule {
    return this.addRuleInternal(ruleName, options, { prefix: `rule '${ruleName}'` });
  }

  /**
   * Adds a copy of recovery points to another vault. It applies to every snapshot rule of the plan
   * (or to `ruleNames`), including rules added later. Returns the copy as stored (read-only), as `copies` lists it.
   */
  public addCopy(options: RecoveryCopyOptions): RecoveryCopyOptions {
    const vault = options.destinationBackupVault;
    if (!vault) {
      throw new ValidationError('copy destinationBackupVault is missing; give the vault that receives the copies', this);
    }
    const label = vaultLabel(vault);
    const prefix = `copy to '${label}'`;
    if (!options.deleteAfter) {
      throw new ValidationError(
        `${prefix} has no deleteAfter; copy actions always carry a lifecycle, otherwise AWS Backup applies the source's ` +
          '(e.g. deleteAfter: Duration.days(30))',
        this,
      );
    }
    if (vault === this.backupVault
      || Token.compareStrings(vault.backupVaultArn, this.backupVault.backupVaultArn) === TokenComparison.SAME) {
      throw new ValidationError(`${prefix}: the destination is the plan's own vault; copy to a vault in another region or account`, this);
    }
    const days = this.checkLifecycle(prefix, options.deleteAfter, options.moveToColdStorageAfter, false);
    if (days !== undefined) {
      checkLock(`${prefix} deleteAfter`, days, vault, `destination vault '${label}'`, this);
    }
    for (const ruleName of options.ruleNames ?? []) {
      checkPattern(`${prefix} ruleNames`, ruleName, NAME_PATTERN, NAME_RULE, 'Daily', this);
    }

    const stack = Stack.of(this);
    const copy: CopyInfo = {
      options: Object.freeze({
        ...options,
        ruleNames: options.ruleNames ? Object.freeze([...options.ruleNames]) as string[] : undefined,
      }),
      label,
      otherAccount: Token.compareStrings(vault.env.account, stack.account) === TokenComparison.DIFFERENT ? vault.env.account : undefined,
      otherRegion: Token.compareStrings(vault.env.region, stack.region) === TokenComparison.DIFFERENT ? vault.env.region : undefined,
    };
    this.copyList.push(copy);

    if (copy.otherAccount) {
      Annotations.of(this).addInfoV2(
        INFO_CROSS_ACCOUNT,
        `${prefix} goes to account ${copy.otherAccount}: AWS Backup copies across accounts only when both accounts ` +
          'belong to one AWS Organization with cross-account backup turned on, and the destination vault\'s access ' +
          'policy allows backup:CopyIntoBackupVault from this account (BackupVault copySourceAccounts or copySourceOrganizationId)',
      );
      for (const selection of this.selectionList) {
        this.warnCrossAccountRds(copy, selection);
      }
    }
    return copy.options;
  }

  /**
   * Adds a selection of resources to protect. Returns the aws-cdk-lib selection; its role is the child 'Role'
   * unless `role` is given.
   */
  public addSelection(id: string, options: RecoverySelectionOptions): backup.BackupSelection {
    const name = options.backupSelectionName ?? id;
    checkPattern(`selection '${id}' backupSelectionName`, name, NAME_PATTERN, NAME_RULE, 'postgres', this);
    const prefix = `selection '${name}'`;

    const resources: backup.BackupResource[] = [
      ...(options.databaseInstances ?? []).map((db) => backup.BackupResource.fromRdsDatabaseInstance(db)),
      ...(options.databaseClusters ?? []).map((cluster) => backup.BackupResource.fromRdsDatabaseCluster(cluster)),
      ...(options.documentDbClusters ?? []).map((cluster) => backup.BackupResource.fromArn(documentDbClusterArn(cluster))),
      ...(options.tables ?? []).map((table) => backup.BackupResource.fromDynamoDbTable(table)),
      ...(options.fileSystems ?? []).map((fs) => backup.BackupResource.fromEfsFileSystem(fs)),
      ...(options.buckets ?? []).map((bucket) => backup.BackupResource.fromArn(bucket.bucketArn)),
      ...(options.resourceArns ?? []).map((arn) => backup.BackupResource.fromArn(arn)),
      ...Object.entries(options.tags ?? {}).map(([key, value]) => backup.BackupResource.fromTag(key, value)),
      ...(options.resources ?? []),
    ];
    if (resources.length === 0) {
      throw new ValidationError(
        `${prefix} selects nothing; set databaseInstances, databaseClusters, documentDbClusters, tables, fileSystems, buckets, resourceArns, tags ` +
          "or resources (e.g. tags: { backup: 'daily' })",
        this,
      );
    }
    for (const arn of options.resourceArns ?? []) {
      if (!Token.isUnresolved(arn) && !/^arn:[a-z-]+:[a-z0-9-]+:/.test(arn)) {
        throw new ValidationError(
          `${prefix} resourceArns contains '${arn}', which is not an ARN (e.g. 'arn:aws:rds:eu-west-1:111111111111:db:orders')`,
          this,
        );
      }
    }
    for (const [key, value] of Object.entries(options.tags ?? {})) {
      if (!Token.isUnresolved(key) && key.length === 0) {
        throw new ValidationError(`${prefix} tags has an empty key (value '${value}'); give the tag key (e.g. 'backup')`, this);
      }
    }

    const arnStrings = [
      ...(options.resourceArns ?? []),
      ...(options.resources ?? []).map((resource) => resource.resource).filter((arn): arn is string => arn !== undefined),
    ];
    const s3Selected = (options.buckets ?? []).length > 0 || arnStrings.some((arn) => arn.includes(':s3:::'));
    const s3Permissions = options.s3Permissions ?? s3Selected;
    if (options.role && (options.allowRestores || options.s3Permissions)) {
      throw new ValidationError(
        `${prefix} sets role together with ${options.allowRestores ? 'allowRestores' : 's3Permissions'}, which apply only to ` +
          'the role the plan creates; attach the policies to your role yourself, or remove role',
        this,
      );
    }

    const selection = new backup.BackupSelection(this, id, {
      backupPlan: this.plan,
      resources,
      backupSelectionName: name,
      role: options.role,
      disableDefaultBackupPolicy: options.role !== undefined,
      allowRestores: options.role === undefined && options.allowRestores === true,
    });

    if (!options.role) {
      const role = selection.node.findChild('Role') as iam.Role;
      const policies = ['AWSBackupServiceRolePolicyForBackup'];
      if (options.allowRestores) {
        policies.push('AWSBackupServiceRolePolicyForRestores');
      }
      if (s3Permissions) {
        role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('AWSBackupServiceRolePolicyForS3Backup'));
        policies.push('AWSBackupServiceRolePolicyForS3Backup');
        if (options.allowRestores) {
          role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('AWSBackupServiceRolePolicyForS3Restore'));
          policies.push('AWSBackupServiceRolePolicyForS3Restore');
        }
      }
      acknowledgeManagedPolicies(role, name, policies);
    }

    const info: SelectionInfo = {
      name,
      rdsSources: rdsSourcesOf(options, arnStrings),
      unknownSources: unknownSourcesOf(options, arnStrings),
      buckets: [...(options.buckets ?? [])],
      services: knownServicesOf(options, arnStrings),
    };
    this.selectionList.push(info);
    for (const copy of this.copyList) {
      this.warnCrossAccountRds(copy, info);
    }
    return selection;
  }

  private addGfsRules(gfs: GfsRules, tier: RecoveryTier | undefined): void {
    const tierHasDaily = (tier?.rules ?? []).some((rule) => rule.ruleName === 'Daily');
    const steps: Array<{ key: 'daily' | 'weekly' | 'monthly'; ruleName: string; defaults: GfsDefaults }> = [
      { key: 'daily', ruleName: 'Daily', defaults: GFS_DEFAULTS.daily },
      { key: 'weekly', ruleName: 'Weekly', defaults: GFS_DEFAULTS.weekly },
      { key: 'monthly', ruleName: 'Monthly', defaults: GFS_DEFAULTS.monthly },
    ];
    for (const { key, ruleName, defaults } of steps) {
      const options = gfs[key];
      const enabled = options?.enabled ?? (key === 'daily' && options === undefined ? !tierHasDaily : true);
      if (!enabled) {
        continue;
      }
      const prefix = `gfs.${key}`;
      const coldAfter = lifecycleAge(options?.moveToColdStorageAfter, defaults.coldAfter);
      this.addRuleInternal(ruleName, {
        schedule: options?.schedule ?? defaults.schedule(),
        scheduleTimezone: options?.scheduleTimezone,
        deleteAfter: options?.deleteAfter ?? defaults.deleteAfter,
        moveToColdStorageAfter: coldAfter,
        startWindow: options?.startWindow,
        completionWindow: options?.completionWindow,
      }, { prefix: `${prefix} (rule '${ruleName}')`, fromGfs: key });
    }
  }

  private addRuleInternal(ruleName: string, options: RecoveryRuleOptions, origin: RuleOrigin): RecoveryRule {
    const prefix = origin.prefix;
    checkPattern(`${prefix} ruleName`, ruleName, NAME_PATTERN, NAME_RULE, 'Daily', this);
    if (!Token.isUnresolved(ruleName) && this.ruleList.some((rule) => rule.ruleName === ruleName)) {
      const fix = origin.fromGfs
        ? `the tier already has a rule named '${ruleName}'; remove gfs.${origin.fromGfs} or set gfs.${origin.fromGfs}.enabled to false`
        : 'give the rule another name';
      throw new ValidationError(`rule name '${ruleName}' is used twice in the plan; ${fix}`, this);
    }
    if (!options.schedule) {
      throw new ValidationError(
        `${prefix} has no schedule; give a cron schedule (e.g. Schedule.cron({ minute: '0', hour: '2' }) for 02:00 UTC daily)`,
        this,
      );
    }
    checkSchedule(`${prefix} schedule`, options.schedule, this);
    checkTimeZone(`${prefix} scheduleTimezone`, options.scheduleTimezone, this);
    if (!options.deleteAfter) {
      throw new ValidationError(
        `${prefix} has no deleteAfter; every rule keeps its recovery points for an explicit time (e.g. Duration.days(30))`,
        this,
      );
    }
    const continuous = options.enableContinuousBackup === true;
    const days = this.checkLifecycle(prefix, options.deleteAfter, options.moveToColdStorageAfter, continuous);
    if (days !== undefined) {
      checkLock(`${prefix} deleteAfter`, days, this.backupVault, `backupVault '${vaultLabel(this.backupVault)}'`, this);
    }
    const startWindow = options.startWindow ?? DEFAULT_START_WINDOW;
    this.checkWindows(prefix, startWindow, options.completionWindow);

    if (continuous && !this.continuousWarned && this.ruleList.some((rule) => rule.enableContinuousBackup)) {
      this.continuousWarned = true;
      Annotations.of(this).addWarningV2(
        WARN_CONTINUOUS_RULES,
        `${prefix} is a second continuous rule in the plan; AWS Backup keeps only one continuous backup per resource ` +
          'and vault (the rule with the longest retention) and ignores the others. Keep one continuous rule',
      );
    }

    const rule: RecoveryRule = {
      ruleName,
      schedule: options.schedule,
      scheduleTimezone: options.scheduleTimezone,
      deleteAfter: options.deleteAfter,
      moveToColdStorageAfter: options.moveToColdStorageAfter,
      enableContinuousBackup: continuous,
      startWindow,
      completionWindow: options.completionWindow,
      recoveryPointTags: options.recoveryPointTags ? { ...options.recoveryPointTags } : undefined,
    };

    const index = this.ruleList.length;
    // aws-cdk-lib rejects a schedule that does not start with 'cron', tokens included; a token is rendered directly.
    const expression = rule.schedule.expressionString;
    const tokenSchedule = Token.isUnresolved(expression) && !expression.startsWith('cron(');
    this.plan.addRule(new backup.BackupPlanRule({
      ruleName,
      scheduleExpression: tokenSchedule ? undefined : rule.schedule,
      scheduleExpressionTimezone: rule.scheduleTimezone,
      deleteAfter: rule.deleteAfter,
      moveToColdStorageAfter: rule.moveToColdStorageAfter,
      enableContinuousBackup: continuous ? true : undefined,
      startWindow,
      completionWindow: rule.completionWindow,
      recoveryPointTags: rule.recoveryPointTags,
    }));
    // Copies may be added after the rule, so each rule's CopyActions are rendered at synthesis time.
    const cfnPlan = this.plan.node.defaultChild as backup.CfnBackupPlan;
    if (tokenSchedule) {
      cfnPlan.addPropertyOverride(`BackupPlan.BackupPlanRule.${index}.ScheduleExpression`, expression);
    }
    cfnPlan.addPropertyOverride(
      `BackupPlan.BackupPlanRule.${index}.CopyActions`,
      Lazy.any({ produce: () => this.renderCopyActions(rule) }),
    );

    const frozen = Object.freeze(rule);
    this.ruleList.push(frozen);
    return frozen;
  }

  private renderCopyActions(rule: RecoveryRule): unknown[] | undefined {
    const actions = this.copyList
      .filter((copy) => copyApplies(copy.options, rule))
      .map((copy) => ({
        DestinationBackupVaultArn: copy.options.destinationBackupVault.backupVaultArn,
        Lifecycle: {
          DeleteAfterDays: copy.options.deleteAfter.toDays(),
          MoveToColdStorageAfterDays: copy.options.moveToColdStorageAfter?.toDays(),
        },
      }));
    return actions.length > 0 ? actions : undefined;
  }

  /** Checks a lifecycle; returns the retention in days when it is known. */
  private checkLifecycle(
    prefix: string,
    deleteAfter: Duration,
    coldAfter: Duration | undefined,
    continuous: boolean,
  ): number | undefined {
    const deleteDays = isUnresolved(deleteAfter) ? undefined : wholeDays(`${prefix} deleteAfter`, deleteAfter, this);
    const coldDays = coldAfter === undefined || isUnresolved(coldAfter)
      ? undefined
      : wholeDays(`${prefix} moveToColdStorageAfter`, coldAfter, this);

    if (continuous) {
      if (coldAfter !== undefined) {
        throw new ValidationError(
          `${prefix} moveToColdStorageAfter is set on a continuous rule; continuous backups cannot move to cold storage ` +
            '(remove moveToColdStorageAfter, or use a snapshot rule for long-term retention)',
          this,
        );
      }
      if (deleteDays !== undefined && (deleteDays < 1 || deleteDays > MAX_CONTINUOUS_RETENTION_DAYS)) {
        throw new ValidationError(
          `${prefix} deleteAfter is ${deleteDays} days on a continuous rule; AWS Backup keeps continuous backups ` +
            `1-${MAX_CONTINUOUS_RETENTION_DAYS} days (e.g. Duration.days(${deleteDays < 1 ? 1 : MAX_CONTINUOUS_RETENTION_DAYS}); ` +
            'use a snapshot rule for longer retention)',
          this,
        );
      }
    }
    if (deleteDays !== undefined && (deleteDays < 1 || deleteDays > MAX_LIFECYCLE_DAYS)) {
      throw new ValidationError(
        `${prefix} deleteAfter is ${deleteDays} days; AWS Backup allows 1-${MAX_LIFECYCLE_DAYS} days ` +
          `(e.g. Duration.days(${deleteDays < 1 ? 1 : MAX_LIFECYCLE_DAYS}))`,
        this,
      );
    }
    if (coldDays !== undefined && coldDays < 1) {
      throw new ValidationError(
        `${prefix} moveToColdStorageAfter is ${coldDays} days; it must be at least 1 day ` +
          '(e.g. Duration.days(90)), or leave it out to keep recovery points warm',
        this,
      );
    }
    if (deleteDays !== undefined && coldDays !== undefined && deleteDays < coldDays + MIN_COLD_STORAGE_DAYS) {
      throw new ValidationError(
        `${prefix} deleteAfter is ${deleteDays} days with moveToColdStorageAfter ${coldDays} days; AWS Backup requires ` +
          `deleteAfter >= moveToColdStorageAfter + ${MIN_COLD_STORAGE_DAYS} days (e.g. Duration.days(${coldDays + MIN_COLD_STORAGE_DAYS}))`,
        this,
      );
    }
    return deleteDays;
  }

  private checkWindows(prefix: string, startWindow: Duration, completionWindow: Duration | undefined): void {
    const start = isUnresolved(startWindow) ? undefined : wholeMinutes(`${prefix} startWindow`, startWindow, this);
    if (start !== undefined && start < MIN_START_WINDOW_MINUTES) {
      throw new ValidationError(
        `${prefix} startWindow is ${start} minutes; AWS Backup requires at least ${MIN_START_WINDOW_MINUTES} minutes ` +
          '(e.g. Duration.hours(1))',
        this,
      );
    }
    const completion = completionWindow === undefined
      ? DEFAULT_COMPLETION_WINDOW_MINUTES
      : isUnresolved(completionWindow) ? undefined : wholeMinutes(`${prefix} completionWindow`, completionWindow, this);
    if (completion !== undefined && completion < 1) {
      throw new ValidationError(`${prefix} completionWindow is ${completion} minutes; it must be positive (e.g. Duration.hours(8))`, this);
    }
    if (start !== undefined && completion !== undefined && completion < start + MIN_START_WINDOW_MINUTES) {
      const which = completionWindow === undefined ? 'completionWindow (the AWS Backup default)' : 'completionWindow';
      Annotations.of(this).addWarningV2(
        WARN_COMPLETION_WINDOW,
        `${prefix} ${which} is ${completion} minutes with startWindow ${start} minutes; AWS Backup expects ` +
          `completionWindow >= startWindow + ${MIN_START_WINDOW_MINUTES} minutes, otherwise a job that starts late is ` +
          `canceled before it can finish (e.g. Duration.minutes(${start + MIN_START_WINDOW_MINUTES}))`,
      );
    }
  }

  /** The plan's own vault is named in the rules, so it must be in this stack's account and region. */
  private checkLocalVault(): void {
    const stack = Stack.of(this);
    const vault = this.backupVault;
    for (const [what, vaultValue, stackValue] of [
      ['account', vault.env.account, stack.account],
      ['region', vault.env.region, stack.region],
    ] as const) {
      if (Token.compareStrings(vaultValue, stackValue) === TokenComparison.DIFFERENT) {
        throw new ValidationError(
          `backupVault '${vaultLabel(vault)}' is in ${what} ${vaultValue} but the plan is in ${stackValue}; a plan writes ` +
            'to a vault of its own account and region: pass a local vault as backupVault and copy to the other one with copyTo',
          this,
        );
      }
    }
  }

  private warnCrossAccountRds(copy: CopyInfo, selection: SelectionInfo): void {
    if (!copy.otherAccount) {
      return;
    }
    const unproven = selection.rdsSources.filter((source) => !source.customerManagedKey);
    if (unproven.length === 0) {
      return;
    }
    Annotations.of(this).addWarningV2(
      WARN_CROSS_ACCOUNT_RDS,
      `copy to '${copy.label}' goes to account ${copy.otherAccount} and selection '${selection.name}' protects RDS/Aurora ` +
        `resources not known to use a customer-managed KMS key (${unproven.map((source) => source.label).join(', ')}); ` +
        'AWS Backup copies RDS and Aurora snapshots to another account only when they are encrypted with a ' +
        'customer-managed key the destination account may use (snapshots under the AWS managed key aws/rds fail to copy). ' +
        'Encrypt the database with a customer-managed key (storageEncryptionKey) and allow the destination account in its key policy',
    );
  }

  /**
   * A tier's RPO is checked by the tier (it fails when the most frequent rule is too slow); a schedule whose gaps
   * cannot be computed leaves the RPO unverified, which the tier cannot report without a scope.
   */
  private warnRpoNotVerified(tier: RecoveryTier): void {
    const { unreadable } = assessRpo(tier.rpo, tier.rules);
    if (unreadable.length === 0) {
      return;
    }
    const schedules = unreadable.map((rule) => `rule '${rule.ruleName}' (${rule.expression})`).join(', ');
    Annotations.of(this).addWarningV2(
      WARN_RPO_NOT_VERIFIED,
      `tier '${tier.name}' rpo is ${tier.rpo.toHumanString()}, but the longest gap between recovery points of ${schedules} ` +
        'cannot be computed, so the rpo is not verified; gaps are computed for hours given as numbers, lists, ranges or ' +
        'steps (2, 1,13, 8-17, 0/4) on every day, on days of the week or on days 1-28 of every month. Check the gaps ' +
        'yourself, use such a schedule, or add a continuous rule (enableContinuousBackup)',
    );
  }

  /**
   * When rules start at the same time AWS Backup runs only the one with the longest retention. A copy limited
   * to a shorter rule then gets nothing on the days the longer rule runs, unless the longer rule is copied too.
   */
  private warnCopiesSkippedByOverlap(): void {
    for (const copy of this.copyList.filter((c) => c.options.ruleNames !== undefined)) {
      const arn = copy.options.destinationBackupVault.backupVaultArn;
      const copiedToVault = (rule: RecoveryRule) => this.copyList.some(
        (c) => c.options.destinationBackupVault.backupVaultArn === arn && copyApplies(c.options, rule));
      for (const covered of this.ruleList.filter((rule) => copyApplies(copy.options, rule))) {
        const cronA = snapshotCron(covered);
        if (!cronA) {
          continue;
        }
        for (const other of this.ruleList) {
          const cronB = snapshotCron(other);
          if (other === covered || !cronB || copiedToVault(other)
            || other.deleteAfter.toDays() <= covered.deleteAfter.toDays()
            || cronA.minute !== cronB.minute || cronA.hour !== cronB.hour
            || covered.scheduleTimezone?.timezoneName !== other.scheduleTimezone?.timezoneName
            || !mayShareDay(cronA, cronB)) {
            continue;
          }
          Annotations.of(this).addWarningV2(
            WARN_COPY_SKIPPED,
            `copy to '${copy.label}' covers rule '${covered.ruleName}' but not rule '${other.ruleName}', which starts at the ` +
              `same time (minute ${cronB.minute}, hour ${cronB.hour}) and keeps its recovery points longer ` +
              `(${other.deleteAfter.toDays()} days, '${covered.ruleName}' ${covered.deleteAfter.toDays()} days); AWS Backup runs ` +
              `only the longest-retention rule when start windows overlap, so on the days '${other.ruleName}' runs ` +
              `(${describeDays(cronB)}) '${covered.ruleName}' takes no backup and nothing is copied to '${copy.label}'. ` +
              `Add '${other.ruleName}' to ruleNames, or give '${other.ruleName}' its own copy to '${copy.label}'`,
          );
        }
      }
    }
  }

  /**
   * A vault that stores only some resource types (a logically air-gapped vault): a copy into it of a selection with
   * sources of another type fails every time, an error; RDS instances (the vault stores Aurora, Neptune and DocumentDB
   * clusters) too; DynamoDB tables only with advanced features, which synth cannot tell, a warning.
   */
  private checkAcceptedServices(): string[] {
    const errors: string[] = [];
    for (const copy of this.copyList) {
      const accepted = copy.options.destinationBackupVault.acceptedServices;
      if (accepted === undefined) {
        continue;
      }
      for (const selection of this.selectionList) {
        const refused = selection.services.filter((service) => !accepted.includes(service));
        const what = `copy to '${copy.label}' goes to a vault that stores only ${accepted.join(', ')} resources (a logically ` +
          `air-gapped vault), but selection '${selection.name}'`;
        if (refused.length > 0) {
          errors.push(`${what} protects ${refused.join(', ')} resources, whose copies would fail: copy them to a standard vault`);
        }
        const rdsInstances = selection.rdsSources.filter((source) => source.instance).map((source) => source.label);
        if (rdsInstances.length > 0) {
          errors.push(`${what} protects RDS instances (${rdsInstances.join(', ')}); the vault stores Aurora, Neptune and ` +
            'DocumentDB clusters, not RDS instances: copy the instances to a standard vault (BackupVault)');
        }
        if (selection.unknownSources.length > 0) {
          Annotations.of(this).addWarningV2(WARN_AIR_GAPPED_UNKNOWN, `${what} protects resources whose type is not known at synth ` +
            `time (${selection.unknownSources.join(', ')}); copies of any RDS instance or other type the vault does not store fail`);
        }
        if (selection.services.includes('dynamodb')) {
          Annotations.of(this).addWarningV2(WARN_AIR_GAPPED_DYNAMODB, `${what} protects DynamoDB tables; the vault stores them only ` +
            'with AWS Backup\'s advanced features for DynamoDB turned on in this account');
        }
      }
    }
    return errors;
  }

  private validatePlan(): string[] {
    const errors: string[] = [...this.checkAcceptedServices()];
    if (this.ruleList.length === 0) {
      errors.push(
        'RecoveryPlan has no backup rule: every gfs rule is disabled and there is no tier; pass tier, enable a gfs rule, or call addRule()',
      );
    }
    if (this.selectionList.length === 0) {
      errors.push(
        "RecoveryPlan protects nothing: pass selection, or call addSelection() (e.g. addSelection('Database', { databaseInstances: [db] }))",
      );
    }
    const known = new Set(this.ruleList.map((rule) => rule.ruleName));
    for (const copy of this.copyList) {
      const unknown = (copy.options.ruleNames ?? []).filter((name) => !Token.isUnresolved(name) && !known.has(name));
      if (unknown.length > 0) {
        errors.push(
          `copy to '${copy.label}' ruleNames names ${unknown.map((n) => `'${n}'`).join(', ')}, which the plan does not have; ` +
            `the plan's rules are ${[...known].map((n) => `'${n}'`).join(', ') || 'none'}`,
        );
      } else if (this.ruleList.length > 0 && !this.ruleList.some((rule) => copyApplies(copy.options, rule))) {
        errors.push(
          `copy to '${copy.label}' applies to no rule: the plan has only continuous rules, which are copied only when named; ` +
            `set ruleNames (e.g. ['${this.ruleList[0].ruleName}']) or add a snapshot rule`,
        );
      }
    }
    for (const rule of this.ruleList) {
      const seen = new Set<string>();
      for (const copy of this.copyList.filter((c) => copyApplies(c.options, rule))) {
        const arn = copy.options.destinationBackupVault.backupVaultArn;
        if (seen.has(arn)) {
          errors.push(`rule '${rule.ruleName}' copies twice to '${copy.label}'; keep one copy per destination vault (use ruleNames to split)`);
        }
        seen.add(arn);
      }
    }
    this.warnCopiesSkippedByOverlap();
    for (const selection of this.selectionList) {
      for (const bucket of selection.buckets) {
        const cfn = bucket.node.defaultChild;
        if (!(cfn instanceof s3.CfnBucket)) {
          continue; // imported: cannot tell
        }
        const versioning = cfn.versioningConfiguration;
        if (versioning !== undefined && Token.isUnresolved(versioning)) {
          continue;
        }
        const status = (versioning as s3.CfnBucket.VersioningConfigurationProperty | undefined)?.status;
        if (status !== 'Enabled') {
          errors.push(
            `selection '${selection.name}' protects bucket ${bucket.node.path}, which has no S3 Versioning; AWS Backup backs up ` +
              'S3 buckets only with versioning enabled (set versioned: true on the bucket)',
          );
        }
      }
    }
    return errors;
  }
}

/** Whether a copy applies to a rule: the rules it names, else every snapshot rule. */
function copyApplies(copy: RecoveryCopyOptions, rule: RecoveryRule): boolean {
  if (copy.ruleNames !== undefined) {
    return copy.ruleNames.includes(rule.ruleName);
  }
  return rule.enableContinuousBackup !== true;
}

/** The cron fields of a snapshot rule whose schedule and retention can be read; undefined otherwise. */
function snapshotCron(rule: RecoveryRule): CronFields | undefined {
  const expression = rule.schedule.expressionString;
  if (rule.enableContinuousBackup || Token.isUnresolved(expression) || isUnresolved(rule.deleteAfter)) {
    return undefined;
  }
  return parseCron(expression);
}

function vaultLabel(vault: IBackupVault): string {
  return Token.isUnresolved(vault.backupVaultName) ? vault.node.path : vault.backupVaultName;
}

function checkLock(prop: string, days: number, vault: IBackupVault, vaultName: string, scope: IConstruct): void {
  const reason = vault.vaultLock?.checkRetention(days);
  if (reason === undefined) {
    return;
  }
  const lock = vault.vaultLock!;
  const fix = lock.minRetentionDays !== undefined && days < lock.minRetentionDays
    ? lock.minRetentionDays
    : lock.maxRetentionDays ?? MAX_LIFECYCLE_DAYS;
  throw new ValidationError(
    `${prop} is ${days} days, which ${vaultName} rejects: ${reason} (e.g. Duration.days(${fix}))`,
    scope,
  );
}


