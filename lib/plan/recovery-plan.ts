import {
  Annotations,
  Duration,
  Lazy,
  Names,
  Stack,
  TimeZone,
  Token,
  TokenComparison,
  Validations,
} from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as docdb from 'aws-cdk-lib/aws-docdb';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import { BackupVault, IBackupVault } from '../vault';
import { documentDbClusterArn } from '../private/arns';
import { assessRpo, checkSchedule, CronFields, describeDays, mayShareDay, parseCron } from '../private/schedule';
import { checkPattern, isUnresolved, MAX_RETENTION_DAYS, ValidationError, wholeDays, wholeMinutes } from '../private/validation';
import { RecoveryRule, RecoveryRuleOptions, RecoveryTier } from './recovery-tier';

/**
 * One rule of the grandfather-father-son rotation (`GfsRules.daily`, `.weekly`, `.monthly`).
 * Every field defaults to the numbers of seed 001 (Deeldesk "Base Backups" and "Retention Policy").
 */
export interface GfsRuleOptions {
  /**
   * Whether the rule is created.
   *
   * @default - true, except for `daily` when it is not given and the tier already has a rule named 'Daily'
   * (FREE and ENTERPRISE): that rule is then the daily step of the rotation
   */
  readonly enabled?: boolean;

  /**
   * When the rule runs (cron, UTC unless `scheduleTimezone` is set).
   * Seed 001: daily at 02:00 UTC, weekly on Sunday at 02:00 UTC, monthly on the 1st (at 02:00 UTC here,
   * the seed gives no time). The three rules coincide at 02:00 on purpose: when the start windows of rules
   * overlap, AWS Backup takes one backup and keeps it for the longest retention (weekly on Sundays, monthly on the 1st).
   *
   * @default - daily `cron(0 2 * * ? *)`, weekly `cron(0 2 ? * SUN *)`, monthly `cron(0 2 1 * ? *)`
   */
  readonly schedule?: events.Schedule;

  /**
   * Time zone of `schedule`.
   *
   * @default - UTC
   */
  readonly scheduleTimezone?: TimeZone;

  /**
   * How long the recovery points are kept. Seed 001: daily 30 days, weekly 90 days, monthly 1 year.
   *
   * @default - daily Duration.days(30), weekly Duration.days(90), monthly Duration.days(365)
   */
  readonly deleteAfter?: Duration;

  /**
   * When the recovery points move to cold storage (only for resource types that support it;
   * RDS and Aurora snapshots stay warm). Seed 001 moves monthly backups to Glacier after 90 days.
   *
   * @default - monthly Duration.days(90); daily and weekly never
   */
  readonly moveToColdStorageAfter?: Duration;

  /**
   * Whether the recovery points move to cold storage at all. Set false to keep monthly backups warm.
   *
   * @default - true for monthly or when `moveToColdStorageAfter` is set, false otherwise
   */
  readonly coldStorage?: boolean;

  /**
   * How long after the scheduled time a job may start. At least 60 minutes.
   *
   * @default Duration.hours(1)
   */
  readonly startWindow?: Duration;

  /**
   * How long a started job may run.
   *
   * @default - the AWS Backup default (7 days)
   */
  readonly completionWindow?: Duration;
}

/**
 * Grandfather-father-son rules: daily (son), weekly (father), monthly (grandfather).
 * Defaults from seed 001: daily at 02:00 UTC kept 30 days; weekly on Sunday at 02:00 UTC kept 90 days;
 * monthly on the 1st at 02:00 UTC kept 365 days, in cold storage after 90 days.
 */
export interface GfsRules {
  /**
   * The daily rule, named 'Daily'.
   *
   * @default - daily at 02:00 UTC, kept 30 days; not created when the tier already has a rule named 'Daily'
   */
  readonly daily?: GfsRuleOptions;

  /**
   * The weekly rule, named 'Weekly'.
   *
   * @default - Sundays at 02:00 UTC, kept 90 days
   */
  readonly weekly?: GfsRuleOptions;

  /**
   * The monthly rule, named 'Monthly'.
   *
   * @default - the 1st of each month at 02:00 UTC, kept 365 days, in cold storage after 90 days
   */
  readonly monthly?: GfsRuleOptions;
}

/**
 * A copy of recovery points to another vault, usually in another region and/or account.
 * The copy always has its own lifecycle: without one AWS Backup would apply the source's.
 */
export interface RecoveryCopyOptions {
  /**
   * The vault receiving the copies: a `BackupVault` of this app, or the other account's / region's vault
   * imported with `BackupVault.fromBackupVaultAttributes()` (give its `vaultLock` so the retention is checked).
   * A cross-account copy needs both accounts in one AWS Organization and a vault access policy that allows
   * `backup:CopyIntoBackupVault` from this account. AWS Backup cannot copy RDS, Aurora, DocumentDB or Neptune
   * snapshots to another account and another region in one copy action: for those, copy to the other account's
   * vault in this region (and onward from there), or to another region of this account.
   */
  readonly destinationBackupVault: IBackupVault;

  /**
   * How long the copies are kept in the destination vault. A whole number of days, 1-36500,
   * at least `moveToColdStorageAfter` + 90 days, and inside the destination vault's lock range when known.
   */
  readonly deleteAfter: Duration;

  /**
   * When the copies move to cold storage in the destination vault (resource types that support it).
   *
   * @default - copies never move to cold storage
   */
  readonly moveToColdStorageAfter?: Duration;

  /**
   * Names of the rules whose recovery points are copied.
   *
   * When rules start at the same time, AWS Backup runs only the one with the longest retention: name all of
   * them (e.g. `['Daily', 'Weekly', 'Monthly']`), otherwise the named rule takes no backup, and the copy gets
   * nothing, on the days a longer rule runs.
   *
   * @default - every snapshot rule of the plan (also rules added later). Continuous rules are copied only
   * when named here: AWS Backup copies a continuous backup by taking an extra snapshot on each scheduled run,
   * which duplicates the copy a snapshot rule on the same schedule already makes (ENTERPRISE has a Daily rule
   * for exactly that).
   */
  readonly ruleNames?: string[];
}

/**
 * What a selection protects and the role AWS Backup uses for it. A resource is protected when it matches
 * any entry (resources, ARNs or tags): the entries are a union.
 */
export interface RecoverySelectionOptions {
  /**
   * RDS database instances (PostgreSQL and others).
   *
   * @default - none
   */
  readonly databaseInstances?: rds.IDatabaseInstance[];

  /**
   * Aurora / RDS database clusters.
   *
   * @default - none
   */
  readonly databaseClusters?: rds.IDatabaseCluster[];

  /**
   * DocumentDB clusters, selected by their ARN (`arn:<partition>:rds:<region>:<account>:cluster:<identifier>`).
   * Like RDS and Aurora, AWS Backup copies them to another account or to another region, not both in one copy.
   *
   * @default - none
   */
  readonly documentDbClusters?: docdb.IDatabaseCluster[];

  /**
   * DynamoDB tables.
   *
   * @default - none
   */
  readonly tables?: dynamodb.ITable[];

  /**
   * EFS file systems.
   *
   * @default - none
   */
  readonly fileSystems?: efs.IFileSystem[];

  /**
   * S3 buckets. AWS Backup needs S3 Versioning on them; the role gets AWS Backup's S3 policies.
   *
   * @default - none
   */
  readonly buckets?: s3.IBucket[];

  /**
   * Resource ARNs or ARN patterns (e.g. `arn:aws:rds:eu-west-1:111111111111:db:*`).
   *
   * @default - none
   */
  readonly arns?: string[];

  /**
   * Tags: every resource carrying any of these tag key/value pairs (StringEquals) is protected.
   *
   * @default - none
   */
  readonly tags?: { [key: string]: string };

  /**
   * Anything else aws-cdk-lib's `BackupResource` can express (`BackupResource.fromConstruct()`, `fromEc2Instance()`, ...).
   *
   * @default - none
   */
  readonly resources?: backup.BackupResource[];

  /**
   * Name of the selection: 1-50 letters, digits, hyphens, underscores or dots.
   *
   * @default - the construct id
   */
  readonly backupSelectionName?: string;

  /**
   * The role AWS Backup assumes for this selection. Used as given: nothing is attached to it, so it must carry
   * the permissions itself (e.g. AWSBackupServiceRolePolicyForBackup, and ...ForS3Backup for buckets).
   *
   * @default - a new role with AWSBackupServiceRolePolicyForBackup (plus ForRestores with `allowRestores`,
   * plus ForS3Backup / ForS3Restore with `s3Permissions`)
   */
  readonly role?: iam.IRole;

  /**
   * Whether the created role may also restore (AWSBackupServiceRolePolicyForRestores).
   * Off by default: the backup role needs no restore permissions, and restores can use a role of their own.
   *
   * @default false
   */
  readonly allowRestores?: boolean;

  /**
   * Whether the created role gets AWS Backup's S3 policies (AWSBackupServiceRolePolicyForS3Backup, and
   * ...ForS3Restore with `allowRestores`). Set it for tag or ARN-pattern selections that may match buckets.
   *
   * @default - true when the selection names a bucket (`buckets`, or an ARN containing `:s3:::`)
   */
  readonly s3Permissions?: boolean;
}

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
const WARN_CROSS_ACCOUNT_CROSS_REGION = 'cdk-backup-dr:RecoveryPlan.crossAccountCrossRegionCopy';
const WARN_COPY_SKIPPED = 'cdk-backup-dr:RecoveryPlan.copySkippedByOverlap';
const WARN_RPO_NOT_VERIFIED = 'cdk-backup-dr:RecoveryPlan.rpoNotVerified';
const INFO_CROSS_ACCOUNT = 'cdk-backup-dr:RecoveryPlan.crossAccountOrganization';

/** An RDS/Aurora source of a selection and whether it is known to use a customer-managed key. */
interface RdsSource {
  readonly label: string;
  readonly customerManagedKey: boolean;
}

interface SelectionInfo {
  readonly name: string;
  readonly rdsSources: RdsSource[];
  /** Entries whose resource type is not known at synth time (tags, ARN tokens). */
  readonly unknownSources: string[];
  readonly buckets: s3.IBucket[];
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
      ...(options.arns ?? []).map((arn) => backup.BackupResource.fromArn(arn)),
      ...Object.entries(options.tags ?? {}).map(([key, value]) => backup.BackupResource.fromTag(key, value)),
      ...(options.resources ?? []),
    ];
    if (resources.length === 0) {
      throw new ValidationError(
        `${prefix} selects nothing; set databaseInstances, databaseClusters, documentDbClusters, tables, fileSystems, buckets, arns, tags ` +
          "or resources (e.g. tags: { backup: 'daily' })",
        this,
      );
    }
    for (const arn of options.arns ?? []) {
      if (!Token.isUnresolved(arn) && !/^arn:[a-z-]+:[a-z0-9-]+:/.test(arn)) {
        throw new ValidationError(
          `${prefix} arns contains '${arn}', which is not an ARN (e.g. 'arn:aws:rds:eu-west-1:111111111111:db:orders')`,
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
      ...(options.arns ?? []),
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
      if (options?.coldStorage === false && options.moveToColdStorageAfter !== undefined) {
        throw new ValidationError(
          `${prefix} sets moveToColdStorageAfter but coldStorage is false; remove one of them`,
          this,
        );
      }
      const cold = options?.coldStorage ?? (options?.moveToColdStorageAfter !== undefined || defaults.coldAfter !== undefined);
      const coldAfter = cold ? options?.moveToColdStorageAfter ?? defaults.coldAfter ?? DEFAULT_COLD_AFTER : undefined;
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
    if (deleteDays !== undefined && (deleteDays < 1 || deleteDays > MAX_RETENTION_DAYS)) {
      throw new ValidationError(
        `${prefix} deleteAfter is ${deleteDays} days; AWS Backup allows 1-${MAX_RETENTION_DAYS} days ` +
          `(e.g. Duration.days(${deleteDays < 1 ? 1 : MAX_RETENTION_DAYS}))`,
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
   * AWS Backup copies RDS, Aurora, DocumentDB and Neptune snapshots either to another account or to another
   * region, not both in one copy action. An error when the plan selects such databases, a warning when the
   * selection's resource types are not known (tags, ARN tokens).
   */
  private checkCrossAccountCrossRegion(): string[] {
    const errors: string[] = [];
    const stack = Stack.of(this);
    for (const copy of this.copyList) {
      if (!copy.otherAccount || !copy.otherRegion) {
        continue;
      }
      const where = `copy to '${copy.label}' goes to account ${copy.otherAccount} and region ${copy.otherRegion} ` +
        `(the plan is in account ${stack.account}, region ${stack.region})`;
      const fix = `copy to a vault in the same region of the other account (${stack.region} of account ${copy.otherAccount}), ` +
        `and copy onward from there (to ${copy.otherRegion}, with a plan in that account), or copy to another region of this account`;
      const limit = 'AWS Backup copies RDS, Aurora, DocumentDB and Neptune snapshots either across accounts or across regions, ' +
        'not both in one copy action';
      const rdsSources = [...new Set(this.selectionList.flatMap((selection) => selection.rdsSources.map((source) => source.label)))];
      if (rdsSources.length > 0) {
        errors.push(`${where}, but the plan selects RDS/Aurora resources (${rdsSources.join(', ')}); ${limit}: ${fix}`);
        continue;
      }
      const unknown = this.selectionList
        .filter((selection) => selection.unknownSources.length > 0)
        .map((selection) => `selection '${selection.name}': ${selection.unknownSources.join(', ')}`);
      if (unknown.length > 0) {
        Annotations.of(this).addWarningV2(
          WARN_CROSS_ACCOUNT_CROSS_REGION,
          `${where}, and the plan selects resources whose type is not known at synth time (${unknown.join('; ')}); ` +
            `${limit}, so copies of any such database fail. If the selection may include them, ${fix}`,
        );
      }
    }
    return errors;
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

  private validatePlan(): string[] {
    const errors: string[] = [];
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
    errors.push(...this.checkCrossAccountCrossRegion());
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

interface GfsDefaults {
  readonly schedule: () => events.Schedule;
  readonly deleteAfter: Duration;
  readonly coldAfter?: Duration;
}

/** Seed 001 "Monthly backups ... S3 Glacier", lifecycle rule "TransitionToGlacier" after 90 days (also seed 003). */
const DEFAULT_COLD_AFTER = Duration.days(90);

/** Seed 001 "Base Backups (Full Snapshots)" and "Retention Policy". */
const GFS_DEFAULTS: { readonly daily: GfsDefaults; readonly weekly: GfsDefaults; readonly monthly: GfsDefaults } = {
  // "Full backup | Daily at 02:00 UTC | 30 days"
  daily: { schedule: () => events.Schedule.cron({ minute: '0', hour: '2' }), deleteAfter: Duration.days(30) },
  // "Weekly backup | Sunday 02:00 UTC | 90 days"
  weekly: { schedule: () => events.Schedule.cron({ minute: '0', hour: '2', weekDay: 'SUN' }), deleteAfter: Duration.days(90) },
  // "Monthly backup | 1st of month | 1 year"; Glacier after 90 days
  monthly: {
    schedule: () => events.Schedule.cron({ minute: '0', hour: '2', day: '1' }),
    deleteAfter: Duration.days(365),
    coldAfter: DEFAULT_COLD_AFTER,
  },
};

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
    : lock.maxRetentionDays ?? MAX_RETENTION_DAYS;
  throw new ValidationError(
    `${prop} is ${days} days, which ${vaultName} rejects: ${reason} (e.g. Duration.days(${fix}))`,
    scope,
  );
}

/** RDS/Aurora/DocumentDB sources of a selection, with whether each is known to use a customer-managed key. */
function rdsSourcesOf(options: RecoverySelectionOptions, arns: string[]): RdsSource[] {
  const sources: RdsSource[] = [];
  for (const db of options.databaseInstances ?? []) {
    const cfn = db.node.defaultChild;
    sources.push({
      label: db.node.path,
      customerManagedKey: cfn instanceof rds.CfnDBInstance && cfn.kmsKeyId !== undefined,
    });
  }
  for (const cluster of options.databaseClusters ?? []) {
    const cfn = cluster.node.defaultChild;
    sources.push({
      label: cluster.node.path,
      customerManagedKey: cfn instanceof rds.CfnDBCluster && cfn.kmsKeyId !== undefined,
    });
  }
  for (const cluster of options.documentDbClusters ?? []) {
    const cfn = cluster.node.defaultChild;
    sources.push({
      label: cluster.node.path,
      customerManagedKey: cfn instanceof docdb.CfnDBCluster && cfn.kmsKeyId !== undefined,
    });
  }
  for (const arn of arns) {
    if (arnService(arn) === 'rds') {
      sources.push({ label: Token.isUnresolved(arn) ? 'an RDS ARN' : arn, customerManagedKey: false });
    }
  }
  for (const resource of options.resources ?? []) {
    for (const child of resource.construct?.node.findAll() ?? []) {
      if ((child instanceof rds.CfnDBInstance && !child.dbClusterIdentifier) || child instanceof rds.CfnDBCluster) {
        sources.push({ label: child.node.path, customerManagedKey: child.kmsKeyId !== undefined });
      }
    }
  }
  return sources;
}

/** Entries of a selection whose resource type is not known at synth time: tags, and ARNs whose service is a token. */
function unknownSourcesOf(options: RecoverySelectionOptions, arns: string[]): string[] {
  const tags = [
    ...Object.entries(options.tags ?? {}),
    ...(options.resources ?? []).flatMap((resource) => resource.tagCondition
      ? [[resource.tagCondition.key, resource.tagCondition.value] as [string, string]]
      : []),
  ];
  return [
    ...tags.map(([key, value]) => `tag ${key}=${value}`),
    ...arns.filter((arn) => arnService(arn) === undefined).map((arn) => (Token.isUnresolved(arn) ? 'an ARN known only at deployment' : arn)),
  ];
}

/** The service of an ARN (`rds` for RDS, Aurora, DocumentDB and Neptune); undefined when it is a token. */
function arnService(arn: string): string | undefined {
  const service = arn.split(':')[2];
  return arn.startsWith('arn:') && service !== undefined && !Token.isUnresolved(service) ? service : undefined;
}

/** IAM paths of AWS Backup's managed policies: the general ones are service-role policies, the S3 ones are not. */
const MANAGED_POLICY_PATHS: { [policy: string]: string } = {
  AWSBackupServiceRolePolicyForBackup: 'service-role/',
  AWSBackupServiceRolePolicyForRestores: 'service-role/',
  AWSBackupServiceRolePolicyForS3Backup: '',
  AWSBackupServiceRolePolicyForS3Restore: '',
};

/**
 * aws-cdk-lib's selection role uses AWS managed policies. They are acknowledged here, on the role, one finding
 * id per policy: these are the policies AWS publishes and maintains for the AWS Backup service role.
 */
function acknowledgeManagedPolicies(role: iam.Role, selectionName: string, policies: string[]): void {
  const reasons: { [policy: string]: string } = {
    AWSBackupServiceRolePolicyForBackup:
      `AWS Backup assumes this role to back up the resources of selection '${selectionName}'. ` +
      'AWSBackupServiceRolePolicyForBackup is the policy AWS publishes and maintains for exactly this role: ' +
      'the snapshot, tagging and KMS permissions of every resource type AWS Backup supports, which grow as ' +
      'services are added; a hand-written copy would drift and silently break backups.',
    AWSBackupServiceRolePolicyForRestores:
      `AWS Backup assumes this role to restore the resources of selection '${selectionName}' (allowRestores). ` +
      'AWSBackupServiceRolePolicyForRestores is the AWS-maintained restore policy covering every supported ' +
      'resource type; a hand-written copy would drift and break restores when they are needed most.',
    AWSBackupServiceRolePolicyForS3Backup:
      `Selection '${selectionName}' protects S3 buckets. AWSBackupServiceRolePolicyForBackup does not cover S3; ` +
      'AWSBackupServiceRolePolicyForS3Backup is the AWS-maintained policy with the bucket, object, versioning ' +
      'and EventBridge permissions AWS Backup needs for S3 backups.',
    AWSBackupServiceRolePolicyForS3Restore:
      `Selection '${selectionName}' restores S3 buckets (allowRestores). AWSBackupServiceRolePolicyForS3Restore ` +
      'is the AWS-maintained policy with the permissions AWS Backup needs to restore S3 objects.',
  };
  Validations.of(role).acknowledge(
    ...policies.map((policy) => ({
      id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${MANAGED_POLICY_PATHS[policy]}${policy}]`,
      reason: reasons[policy],
    })),
  );
}
