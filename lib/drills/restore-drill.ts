import { Annotations, Duration, Names, Stack, TimeZone, Token, Validations } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { checkTimeZone } from '../private/aws-names';
import { IBackupVault } from '../vault';
import { drillMetric } from './drill-metric';
import { IDrillMetrics } from './drill-metrics';
import { DrillValidator } from './drill-validator';
import { RestoreDrillValidatorOptions } from './restore-validation';
import {
  RestoreDrillAlgorithm, RestoreDrillRecoveryPointType, RestoreDrillResourceType, RestoreDrillSelectionOptions,
} from './restore-drill-selection';
import { arnService, documentDbClusterArn, rdsResourceType } from '../private/arns';
import { DRILL_METRIC } from '../private/job-contract';
import { checkSchedule, cronMaxGapHours } from '../private/schedule';
import {
  checkDays, checkHours, checkRecoveryPointTypes, defaultSelectionName, enumKey, vaultArns,
} from './restore-drill-checks';
import { checkPattern, isUnresolved, ValidationError } from '../private/validation';

/*
 * AWS Backup restore testing limits used below. Sources:
 * - R: restore testing guide, "Restore testing quotas and parameters" and "Create a restore testing plan",
 *   https://docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing.html
 * - P: API RestoreTestingPlanForCreate / RestoreTestingRecoveryPointSelection,
 *   https://docs.aws.amazon.com/aws-backup/latest/devguide/API_RestoreTestingPlanForCreate.html
 * - S: API RestoreTestingSelectionForCreate and AWS::Backup::RestoreTestingSelection,
 *   https://docs.aws.amazon.com/aws-backup/latest/devguide/API_RestoreTestingSelectionForCreate.html,
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-backup-restoretestingselection.html
 * - M: restore testing inferred metadata (overridable keys, JSON-array values),
 *   https://docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing-inferred-metadata.html
 * - C: continuous backups and point-in-time restore,
 *   https://docs.aws.amazon.com/aws-backup/latest/devguide/point-in-time-recovery.html
 * - W: AWS Backup metrics with CloudWatch, https://docs.aws.amazon.com/aws-backup/latest/devguide/cloudwatch.html
 */

/** P, R: "only alphanumeric characters and underscores"; R: "Max plan name length: 50 characters". */
const PLAN_NAME_PATTERN = /^[a-zA-Z0-9_]{1,50}$/;
const PLAN_NAME_RULE = 'restore testing plan names are 1-50 letters, digits or underscores';

/**
 * S (CloudFormation): "only alphanumeric characters and underscores. Maximum length is 50"; R: "Must start with a
 * letter or number", "Cannot end with a hyphen or underscore". Both hold here.
 */
const SELECTION_NAME_PATTERN = /^[a-zA-Z0-9](?:[a-zA-Z0-9_]{0,48}[a-zA-Z0-9])?$/;
const SELECTION_NAME_RULE = 'restore testing selection names are 1-50 letters, digits or underscores, '
  + 'starting and ending with a letter or digit';

/** R: "Start window hours: Min: 1 hour; Max: 168 hours (7 days)"; P: "Defaults to 24 hours". */
const MIN_START_WINDOW_HOURS = 1;
const MAX_START_WINDOW_HOURS = 168;
const DEFAULT_START_WINDOW = Duration.hours(24);

/** P: SelectionWindowDays defaults to 30 days (the range is in restore-drill-checks.ts). */
const DEFAULT_SELECTION_WINDOW = Duration.days(30);

/**
 * S: ValidationWindowHours "1 to 168"; R: "input a value from 1 to 168 hours, inclusive". The update and list API
 * references say 0-168, where 0 means no window: leave `validationWindow` out for that.
 */
const MIN_VALIDATION_WINDOW_HOURS = 1;
const MAX_VALIDATION_WINDOW_HOURS = 168;

/** R: "30 selections per plan", "30 protected resource ARNs per selection", "30 vault selectors". */
const MAX_SELECTIONS = 30;
const MAX_RESOURCE_ARNS = 30;

/** M: the overridable keys of RDS instances and of RDS, Aurora, DocumentDB and Neptune clusters. */
const SUBNET_GROUP_KEY = 'dbSubnetGroupName';
const SECURITY_GROUPS_KEY = 'vpcSecurityGroupIds';

/** The validation window of an Aurora selection with validation: the instance check adds, checks and removes an instance. */
const AURORA_VALIDATION_HOURS = 4;
const AURORA_MIN_VALIDATION_HOURS = 3;

/** Added to the schedule's longest gap and start window: the restore itself and its validation. */
const RESTORE_AND_VALIDATION_HOURS = 24;

const WARN_DEFAULT_VPC = 'cdk-backup-dr:RestoreDrill.defaultVpc';
const WARN_EVERY_RESOURCE = 'cdk-backup-dr:RestoreDrill.everyResource';

/** Types restored into a DB subnet group with VPC security groups (M: `dbSubnetGroupName`, `vpcSecurityGroupIds`). */
const DATABASE_TYPES: readonly RestoreDrillResourceType[] = [
  RestoreDrillResourceType.AURORA,
  RestoreDrillResourceType.DOCUMENTDB,
  RestoreDrillResourceType.NEPTUNE,
  RestoreDrillResourceType.RDS,
];

/** C: AWS Backup keeps continuous backups of Amazon S3 and Amazon RDS (Aurora included); SAP HANA is no restore testing type. */
const CONTINUOUS_TYPES: readonly RestoreDrillResourceType[] = [
  RestoreDrillResourceType.AURORA,
  RestoreDrillResourceType.RDS,
  RestoreDrillResourceType.S3,
];

/** The ARN service of each type's protected resources, to catch an ARN given under the wrong type. */
const ARN_SERVICES: { readonly [type: string]: string } = {
  [RestoreDrillResourceType.AURORA]: 'rds',
  [RestoreDrillResourceType.DOCUMENTDB]: 'rds',
  [RestoreDrillResourceType.DYNAMODB]: 'dynamodb',
  [RestoreDrillResourceType.EBS]: 'ec2',
  [RestoreDrillResourceType.EC2]: 'ec2',
  [RestoreDrillResourceType.EFS]: 'elasticfilesystem',
  [RestoreDrillResourceType.FSX]: 'fsx',
  [RestoreDrillResourceType.NEPTUNE]: 'rds',
  [RestoreDrillResourceType.RDS]: 'rds',
  [RestoreDrillResourceType.S3]: 's3',
};

/** Props of a RestoreDrill. */
export interface RestoreDrillProps {
  /**
   * Name of the restore testing plan: 1-50 letters, digits or underscores (no hyphens). It cannot change after
   * creation: a new name replaces the plan.
   *
   * @default - a unique name derived from the construct path
   */
  readonly restoreTestingPlanName?: string;

  /**
   * When the drill runs: a cron schedule (UTC unless `scheduleTimezone` is set). Seed 004 (Distro Nation) tests
   * weekly, e.g. `Schedule.cron({ minute: '0', hour: '6', weekDay: 'SUN' })`; seed 002 (RoleFerry) monthly on the
   * first Sunday at 02:00 UTC, `Schedule.expression('cron(0 2 ? * SUN#1 *)')`. Every run restores one recovery
   * point per selected resource, and each run is billed.
   */
  readonly schedule: events.Schedule;

  /**
   * Time zone of `schedule`.
   *
   * @default - UTC
   */
  readonly scheduleTimezone?: TimeZone;

  /**
   * How long after the scheduled time a restore job may start; AWS Backup spreads the jobs over this window and
   * cancels those that could not start. Whole hours, 1-168.
   *
   * @default Duration.hours(24)
   */
  readonly startWindow?: Duration;

  /**
   * Which recovery points the drill may restore. With both, the `algorithm` chooses among snapshots and
   * continuous recovery points alike, so a database that has both may be tested from either (with
   * `LATEST_WITHIN_WINDOW`, whichever is newest). To test point-in-time recovery for certain (seed 004), give a drill
   * `[CONTINUOUS]` for the Aurora or RDS databases and another `[SNAPSHOT]` for the rest. With `[CONTINUOUS]` only,
   * every selection must be of a type AWS Backup keeps continuous backups of (RDS, Aurora, S3).
   *
   * @default [RestoreDrillRecoveryPointType.CONTINUOUS, RestoreDrillRecoveryPointType.SNAPSHOT]
   */
  readonly recoveryPointTypes?: RestoreDrillRecoveryPointType[];

  /**
   * How the recovery point of each resource is chosen within `selectionWindow`.
   *
   * @default RestoreDrillAlgorithm.LATEST_WITHIN_WINDOW
   */
  readonly algorithm?: RestoreDrillAlgorithm;

  /**
   * How far back recovery points are eligible. A resource without a recovery point in this window is left out of
   * the run without an error, so keep it longer than the gap between backups; the backup-job alarms of
   * `BackupAlarms` report backups that stopped. Whole days, 1-365.
   *
   * @default Duration.days(30)
   */
  readonly selectionWindow?: Duration;

  /**
   * The vaults whose recovery points the drill restores (`IncludeVaults`), at most 30.
   *
   * @default - every backup vault of this account and region (`['*']`)
   */
  readonly backupVaults?: IBackupVault[];

  /**
   * The role AWS Backup assumes to restore. Used as given: it must trust `backup.amazonaws.com`, carry the
   * permissions of `AWSBackupServiceRolePolicyForRestores`, and be allowed to use the KMS keys of the recovery points.
   *
   * @default - a new role trusted by `backup.amazonaws.com` with the AWS managed policy
   * `service-role/AWSBackupServiceRolePolicyForRestores`
   */
  readonly role?: iam.IRole;

  /**
   * The validator: a function that times every restore of the drill (`RestoreDurationSeconds`), checks the data of the
   * selections with `validation` and reports to AWS Backup, and every hour publishes the age of each validated
   * selection's newest validated restore (`ValidatedRestoreAgeSeconds`). `BackupAlarms.watchDrill()` alarms on them.
   *
   * @default - no validator: the restores are neither timed nor checked
   */
  readonly validator?: RestoreDrillValidatorOptions;
}

interface SelectionInfo {
  readonly name: string;
  readonly resourceType: RestoreDrillResourceType;
  readonly resource: backup.CfnRestoreTestingSelection;
}

/**
 * A scheduled AWS Backup restore test (`AWS::Backup::RestoreTestingPlan` and one
 * `AWS::Backup::RestoreTestingSelection` per `addSelection()`): on every run AWS Backup restores one recovery point
 * of each selected resource, optionally keeps it for validation, and deletes it. The restore jobs are restore jobs
 * like any other: alarm on `metricRestoreJobsFailed()`.
 *
 * Seed 004 (Distro Nation) tests its Aurora PostgreSQL Serverless v2 cluster from the continuous backup (PITR) and
 * its DocumentDB cluster weekly; seed 002 (RoleFerry) restores the latest snapshot of its RDS PostgreSQL instance
 * monthly. Place the restores in your VPC with `subnetGroupName` and `securityGroups`, or they go to the default VPC.
 *
 * With a `validator`, every restore is timed (`RestoreDurationSeconds`) and the selections with `validation` have their
 * data checked by the same code as `DumpVerifyJob`'s (tables, rows, freshness, SQL), the result reported to AWS Backup
 * (`PutRestoreValidationResult`) and as `RestoreValidationSuccess`; `BackupAlarms.watchDrill()` alarms on them.
 *
 * AWS Backup's limits are checked at synth time (tokens are skipped): plan and selection names, cron schedule,
 * start window 1-168 hours, selection window 1-365 days, validation window 1-168 hours, at most 30 vaults,
 * 30 selections and 30 resources per selection, one resource type per selection, continuous recovery points only
 * for types that have them; a drill without a selection fails synthesis.
 *
 * @example
 * const drill = new RestoreDrill(this, 'WeeklyDrill', {
 *   schedule: events.Schedule.cron({ minute: '0', hour: '6', weekDay: 'SUN' }),
 *   backupVaults: [vault],
 * });
 * drill.addSelection('Aurora', {
 *   resourceType: RestoreDrillResourceType.AURORA,
 *   databaseClusters: [cluster],
 *   subnetGroupName: 'restore-tests',
 *   securityGroups: [restoreSecurityGroup],
 * });
 */
export class RestoreDrill extends Construct implements IDrillMetrics {
  /** Name of the restore testing plan. */
  public readonly restoreTestingPlanName: string;

  /** ARN of the restore testing plan. */
  public readonly restoreTestingPlanArn: string;

  /** The role AWS Backup assumes to restore. */
  public readonly role: iam.IRole;

  /**
   * The validator function.
   *
   * @default - undefined without `validator`
   */
  public readonly validatorFunction?: lambda.IFunction;

  /**
   * The validator's security group, allowed to the selections' `securityGroups` on the database port.
   *
   * @default - undefined without `validator`
   */
  public readonly validatorSecurityGroup?: ec2.ISecurityGroup;

  /** The plan's name as synth knows it: the `Drill` dimension of the drill metrics. */
  public readonly drillName: string;

  private readonly plan: backup.CfnRestoreTestingPlan;
  private readonly validator?: DrillValidator;
  private readonly startWindow: Duration;
  private readonly scheduleExpression: string;
  /** The `Database` dimension of each selection, and whether its data is checked. */
  private readonly databases: Array<{ readonly name: string; readonly validated: boolean }> = [];
  private readonly recoveryPointTypes: RestoreDrillRecoveryPointType[];
  private readonly selectionList: SelectionInfo[] = [];

  constructor(scope: Construct, id: string, props: RestoreDrillProps) {
    super(scope, id);

    checkPattern('restoreTestingPlanName', props.restoreTestingPlanName, PLAN_NAME_PATTERN, PLAN_NAME_RULE,
      'weekly_restore_drill', this);
    if (!props.schedule) {
      throw new ValidationError(
        "schedule is missing; give a cron schedule (e.g. Schedule.cron({ minute: '0', hour: '6', weekDay: 'SUN' }) for weekly)",
        this,
      );
    }
    checkSchedule('schedule', props.schedule, this);
    checkTimeZone('scheduleTimezone', props.scheduleTimezone, this);
    const startWindow = props.startWindow ?? DEFAULT_START_WINDOW;
    const startWindowHours = checkHours('startWindow', startWindow, MIN_START_WINDOW_HOURS, MAX_START_WINDOW_HOURS,
      'AWS Backup restore testing starts jobs within', '', this);
    const selectionWindow = props.selectionWindow ?? DEFAULT_SELECTION_WINDOW;
    const selectionWindowDays = checkDays('selectionWindow', selectionWindow, this);
    this.recoveryPointTypes = checkRecoveryPointTypes(props.recoveryPointTypes, this);
    const includeVaults = vaultArns(props.backupVaults, this);

    this.role = props.role ?? this.createRole();

    this.drillName = props.restoreTestingPlanName
      ?? Names.uniqueResourceName(this, { maxLength: 50, separator: '_', allowedSpecialCharacters: '_' });
    this.startWindow = startWindow;
    this.scheduleExpression = props.schedule.expressionString;
    this.plan = new backup.CfnRestoreTestingPlan(this, 'Resource', {
      restoreTestingPlanName: this.drillName,
      scheduleExpression: props.schedule.expressionString,
      scheduleExpressionTimezone: props.scheduleTimezone?.timezoneName,
      startWindowHours: startWindowHours ?? startWindow.toHours(),
      recoveryPointSelection: {
        algorithm: props.algorithm ?? RestoreDrillAlgorithm.LATEST_WITHIN_WINDOW,
        includeVaults,
        recoveryPointTypes: this.recoveryPointTypes,
        selectionWindowDays: selectionWindowDays ?? selectionWindow.toDays(),
      },
    });
    this.restoreTestingPlanName = this.plan.ref;
    this.restoreTestingPlanArn = this.plan.attrRestoreTestingPlanArn;

    if (props.validator) {
      this.validator = new DrillValidator(this, 'Validator', props.validator, { arn: this.restoreTestingPlanArn, name: this.drillName });
      this.validatorFunction = this.validator.function;
      this.validatorSecurityGroup = this.validator.securityGroup;
    }

    this.node.addValidation({ validate: () => this.validateDrill() });
  }

  /** The resource types the drill tests, in the order their selections were added, each once. */
  public get resourceTypes(): RestoreDrillResourceType[] {
    return [...new Set(this.selectionList.map((selection) => selection.resourceType))];
  }

  /** The selections of the drill, in the order they were added. */
  public get selections(): backup.CfnRestoreTestingSelection[] {
    return this.selectionList.map((selection) => selection.resource);
  }

  /**
   * Adds resources to test: one resource type per selection, at most 30 selections per drill. Returns the
   * `AWS::Backup::RestoreTestingSelection` (construct id `id`).
   */
  public addSelection(id: string, options: RestoreDrillSelectionOptions): backup.CfnRestoreTestingSelection {
    const type = options.resourceType;
    if (!Object.values(RestoreDrillResourceType).includes(type)) {
      throw new ValidationError(
        `selection '${id}' resourceType '${type}' is not a restore testing resource type; use one of ` +
          `${Object.values(RestoreDrillResourceType).join(', ')} (RestoreDrillResourceType)`,
        this,
      );
    }
    const name = options.restoreTestingSelectionName ?? defaultSelectionName(id, this);
    checkPattern(`selection '${id}' restoreTestingSelectionName`, name, SELECTION_NAME_PATTERN, SELECTION_NAME_RULE,
      'aurora_pitr', this);
    const prefix = `selection '${name}'`;
    if (!Token.isUnresolved(name) && this.selectionList.some((selection) => selection.name === name)) {
      throw new ValidationError(
        `${prefix} is added twice; selection names are unique in a restore testing plan (set restoreTestingSelectionName)`,
        this,
      );
    }
    if (this.selectionList.length >= MAX_SELECTIONS) {
      throw new ValidationError(
        `${prefix} would be selection ${MAX_SELECTIONS + 1}; AWS Backup allows ${MAX_SELECTIONS} selections per restore ` +
          'testing plan: combine resources of one type in one selection, or create another RestoreDrill',
        this,
      );
    }
    this.checkContinuous(prefix, type);

    const arns = this.protectedResourceArns(prefix, options);
    if (options.validation && !this.validator) {
      throw new ValidationError(
        `${prefix} has validation, but the drill has no validator to run it: set the drill's validator (e.g. { vpc })`,
        this,
      );
    }
    const database = options.validation?.databaseName ?? name;
    if (this.databases.some((db) => db.name === database)) {
      throw new ValidationError(
        `${prefix} would publish its metrics as Database '${database}', which another selection of the drill uses; ` +
          'set validation.databaseName to tell them apart',
        this,
      );
    }
    // An Aurora restore is checked through an instance added and removed first (up to about 2 hours): keep it longer.
    const aurora = type === RestoreDrillResourceType.AURORA;
    let validationHours: number | undefined = options.validation && options.validationWindow === undefined ? (aurora ? AURORA_VALIDATION_HOURS : 1) : undefined;
    if (options.validation && aurora && options.validationWindow !== undefined && !isUnresolved(options.validationWindow)
      && options.validationWindow.toHours({ integral: false }) < AURORA_MIN_VALIDATION_HOURS) {
      throw new ValidationError(
        `${prefix} validationWindow is ${options.validationWindow.toHumanString()}; an Aurora restore with validation is checked through a DB ` +
          `instance the drill adds and removes, which takes up to about 2 hours: give at least ${AURORA_MIN_VALIDATION_HOURS} hours ` +
          `(default ${AURORA_VALIDATION_HOURS}), or AWS Backup ends the validation before the result`,
        this,
      );
    }
    if (options.validationWindow !== undefined) {
      validationHours = checkHours(`${prefix} validationWindow`, options.validationWindow, MIN_VALIDATION_WINDOW_HOURS,
        MAX_VALIDATION_WINDOW_HOURS, 'AWS Backup keeps a restored resource for validation',
        ', or leave it out to delete the resource as soon as the restore completes', this)
        ?? options.validationWindow.toHours();
    }
    const overrides = this.restoreMetadataOverrides(prefix, type, options);
    const sourceGroups = [...(options.databaseInstances ?? []), ...(options.databaseClusters ?? [])].flatMap((db) => db.connections.securityGroups);
    this.validator?.addSelection(prefix, { database, resourceType: type, arns }, options.validation, options.securityGroups, sourceGroups);
    this.databases.push({ name: database, validated: options.validation !== undefined });

    const resource = new backup.CfnRestoreTestingSelection(this, id, {
      restoreTestingPlanName: this.plan.ref,
      restoreTestingSelectionName: name,
      protectedResourceType: type,
      protectedResourceArns: arns,
      iamRoleArn: this.role.roleArn,
      validationWindowHours: validationHours,
      restoreMetadataOverrides: Object.keys(overrides).length > 0 ? overrides : undefined,
    });
    this.selectionList.push({ name, resourceType: type, resource });
    return resource;
  }

  /**
   * An AWS/Backup metric of restore jobs of one resource type (dimension `ResourceType`), summed over 1 hour unless
   * `props` say otherwise. AWS Backup publishes job metrics by resource type and vault, not by restore testing plan,
   * so the metric counts every restore job of that type in this account and region, the drill's and any other.
   */
  public metric(metricName: string, resourceType: RestoreDrillResourceType, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/Backup',
      metricName,
      dimensionsMap: { ResourceType: resourceType },
      statistic: cloudwatch.Stats.SUM,
      period: Duration.hours(1),
      ...props,
    });
  }

  /**
   * Failed restore jobs (`NumberOfRestoreJobsFailed`) of the resource types this drill tests: the metric of the one
   * type, or the sum over the types. Add the selections first. See `metric()` for what the count includes.
   */
  public metricRestoreJobsFailed(props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.sumOverResourceTypes('metricRestoreJobsFailed', 'NumberOfRestoreJobsFailed', props);
  }

  /**
   * Completed restore jobs (`NumberOfRestoreJobsCompleted`) of the resource types this drill tests: the metric of
   * the one type, or the sum over the types. Add the selections first. See `metric()` for what the count includes.
   */
  public metricRestoreJobsCompleted(props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.sumOverResourceTypes('metricRestoreJobsCompleted', 'NumberOfRestoreJobsCompleted', props);
  }

  /** The `Database` dimension of each selection (timed by the validator), in the order they were added. */
  public get databaseNames(): string[] {
    return this.databases.map((db) => db.name);
  }

  /** The `Database` dimension of each selection whose data the validator checks, in the order they were added. */
  public get validatedDatabases(): string[] {
    return this.databases.filter((db) => db.validated).map((db) => db.name);
  }

  /**
   * The longest time between two validated restores while every run passes: the longest gap between two runs of the
   * schedule, plus the start window, plus a day for the restore and its validation. Undefined when synth cannot
   * read the schedule (a token).
   */
  public get maxValidatedRestoreInterval(): Duration | undefined {
    const gapHours = Token.isUnresolved(this.scheduleExpression) ? undefined : cronMaxGapHours(this.scheduleExpression);
    if (gapHours === undefined || isUnresolved(this.startWindow)) {
      return undefined;
    }
    return Duration.hours(gapHours + this.startWindow.toHours() + RESTORE_AND_VALIDATION_HOURS);
  }

  /** `RestoreDurationSeconds` of one selection's restores (creation to completion), Maximum over a day unless `props` say otherwise. Needs a `validator`. */
  public metricRestoreDuration(databaseName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.drillMetric(DRILL_METRIC.RESTORE_DURATION_SECONDS, databaseName, props);
  }

  /** `RestoreValidationSuccess` of one selection (1 passed, 0 a check or the restore failed), Minimum over an hour unless `props` say otherwise. */
  public metricRestoreValidationSuccess(databaseName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.drillMetric(DRILL_METRIC.RESTORE_VALIDATION_SUCCESS, databaseName, props);
  }

  /** `ValidatedRestoreAgeSeconds` of one validated selection, published hourly, Maximum over an hour unless `props` say otherwise. */
  public metricValidatedRestoreAge(databaseName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.drillMetric(DRILL_METRIC.VALIDATED_RESTORE_AGE_SECONDS, databaseName, props);
  }

  private drillMetric(metricName: string, databaseName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    if (!this.validator) {
      throw new ValidationError(`${metricName} is published by the drill's validator: set validator (e.g. { vpc })`, this);
    }
    if (!Token.isUnresolved(databaseName) && !this.databases.some((db) => db.name === databaseName)) {
      throw new ValidationError(
        `no selection of the drill publishes Database '${databaseName}'; its selections publish ` +
          `${this.databases.map((db) => `'${db.name}'`).join(', ') || 'nothing yet (add selections first)'}`,
        this,
      );
    }
    return drillMetric(this.drillName, metricName, databaseName, props);
  }


  private sumOverResourceTypes(method: string, metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    const types = this.resourceTypes;
    if (types.length === 0) {
      throw new ValidationError(
        `${method}() needs the drill's resource types: call addSelection() first`,
        this,
      );
    }
    if (types.length === 1) {
      return this.metric(metricName, types[0], props);
    }
    const usingMetrics: { [id: string]: cloudwatch.IMetric } = {};
    types.forEach((type, index) => {
      usingMetrics[`m${index}`] = this.metric(metricName, type, props);
    });
    return new cloudwatch.MathExpression({
      expression: `SUM([${Object.keys(usingMetrics).join(', ')}])`,
      usingMetrics,
      label: props?.label ?? `${metricName} (${types.join(', ')})`,
      period: props?.period ?? Duration.hours(1),
    });
  }

  /**
   * The default role, with the AWS managed restore policy. AwsSolutions-IAM4 is acknowledged on it: the managed
   * policy is what AWS documents for restore testing roles.
   */
  private createRole(): iam.Role {
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
      description: `AWS Backup restores recovery points for the restore drill ${this.node.path}`,
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSBackupServiceRolePolicyForRestores')],
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores]',
      reason: `AWS Backup assumes this role to run the restore tests of restore drill ${this.node.path}. The AWS Backup ` +
        'guide requires restore testing roles to carry the permissions of AWSBackupServiceRolePolicyForRestores, the ' +
        'AWS-maintained restore policy for every resource type restore testing supports (RDS, Aurora, DocumentDB, ...); ' +
        'a hand-written copy would drift and make the drills fail for the wrong reason.',
    });
    return role;
  }

  /** A plan restoring only continuous recovery points finds none for types AWS Backup has no continuous backup of. */
  private checkContinuous(prefix: string, type: RestoreDrillResourceType): void {
    const continuousOnly = this.recoveryPointTypes.length > 0
      && this.recoveryPointTypes.every((t) => t === RestoreDrillRecoveryPointType.CONTINUOUS);
    if (continuousOnly && !CONTINUOUS_TYPES.includes(type)) {
      throw new ValidationError(
        `${prefix} tests ${type} resources but recoveryPointTypes is [CONTINUOUS]; AWS Backup keeps continuous backups ` +
          `only of ${CONTINUOUS_TYPES.join(', ')}, so the drill would never restore anything for this selection. ` +
          'Add RestoreDrillRecoveryPointType.SNAPSHOT to recoveryPointTypes, or test this type in another RestoreDrill',
        this,
      );
    }
  }

  /** The `ProtectedResourceArns` of a selection: the databases and ARNs given, or `['*']`. */
  private protectedResourceArns(prefix: string, options: RestoreDrillSelectionOptions): string[] {
    const type = options.resourceType;
    const typed: Array<[string, number, RestoreDrillResourceType, string]> = [
      ['databaseInstances', options.databaseInstances?.length ?? 0, RestoreDrillResourceType.RDS, 'RDS DB instances'],
      ['databaseClusters', options.databaseClusters?.length ?? 0, RestoreDrillResourceType.AURORA, 'Aurora clusters'],
      ['documentDbClusters', options.documentDbClusters?.length ?? 0, RestoreDrillResourceType.DOCUMENTDB, 'DocumentDB clusters'],
    ];
    for (const [prop, count, expected, what] of typed) {
      if (count > 0 && type !== expected) {
        throw new ValidationError(
          `${prefix} has resourceType ${type} but sets ${prop}, which are ${what}; one selection tests one resource ` +
            `type: use resourceType RestoreDrillResourceType.${enumKey(expected)}, or add another selection for them`,
          this,
        );
      }
    }

    const arns = [
      ...(options.databaseInstances ?? []).map((db) => db.instanceArn),
      ...(options.databaseClusters ?? []).map((cluster) => cluster.clusterArn),
      ...(options.documentDbClusters ?? []).map((cluster) => documentDbClusterArn(cluster)),
      ...(options.resourceArns ?? []),
    ];
    for (const arn of options.resourceArns ?? []) {
      if (Token.isUnresolved(arn) || arn === '*') {
        continue;
      }
      const service = arnService(arn);
      if (service === undefined) {
        throw new ValidationError(
          `${prefix} resourceArns contains '${arn}', which is not an ARN (e.g. 'arn:aws:rds:eu-west-1:111111111111:cluster:orders'); ` +
            'leave resourceArns out to test every protected resource of the type',
          this,
        );
      }
      if (service !== ARN_SERVICES[type]) {
        throw new ValidationError(
          `${prefix} resourceArns contains '${arn}', an ARN of service '${service}', but resourceType ${type} resources ` +
            `have '${ARN_SERVICES[type]}' ARNs; give ${type} resources only, or add another selection with the matching resourceType`,
          this,
        );
      }
      const resource = rdsResourceType(arn);
      const expectedResource = type === RestoreDrillResourceType.RDS ? 'db' : 'cluster';
      if (service === 'rds' && resource !== undefined && resource !== expectedResource) {
        throw new ValidationError(
          `${prefix} resourceArns contains '${arn}', an RDS '${resource}' ARN, but resourceType ${type} resources are ` +
            `'${expectedResource}' ARNs (e.g. 'arn:aws:rds:us-east-1:111111111111:${expectedResource}:orders'); ` +
            'add another selection with the matching resourceType',
          this,
        );
      }
    }
    if (arns.includes('*') && arns.length > 1) {
      throw new ValidationError(
        `${prefix} combines '*' with specific resources; AWS Backup takes either specific ARNs or the wildcard, not both: ` +
          "remove '*' to test the listed resources, or remove the others to test every resource of the type",
        this,
      );
    }
    if (arns.length > MAX_RESOURCE_ARNS) {
      throw new ValidationError(
        `${prefix} lists ${arns.length} resources; AWS Backup allows ${MAX_RESOURCE_ARNS} protected resource ARNs per ` +
          'selection: split them over several selections',
        this,
      );
    }
    if (arns.length === 0 || arns.includes('*')) {
      Annotations.of(this).addWarningV2(
        WARN_EVERY_RESOURCE,
        `${prefix} restores every ${type} resource with a recovery point in the drill's vaults on every run (each one ` +
          'billed while it exists); name the databases (databaseInstances, databaseClusters, documentDbClusters or resourceArns) to test ' +
          'only those',
      );
    }
    return arns.length > 0 ? arns : ['*'];
  }

  /** `subnetGroupName` and `securityGroups` as the documented keys, merged with the raw overrides. */
  private restoreMetadataOverrides(
    prefix: string,
    type: RestoreDrillResourceType,
    options: RestoreDrillSelectionOptions,
  ): { [key: string]: string } {
    const placement = options.subnetGroupName !== undefined || options.securityGroups !== undefined;
    if (placement && !DATABASE_TYPES.includes(type)) {
      const prop = options.subnetGroupName !== undefined ? 'subnetGroupName' : 'securityGroups';
      throw new ValidationError(
        `${prefix} sets ${prop}, which places RDS, Aurora, DocumentDB and Neptune restores; ${type} restores take other ` +
          'keys (e.g. EC2 subnetId and securityGroupIds): set them in restoreMetadataOverrides',
        this,
      );
    }
    if (options.subnetGroupName !== undefined && !Token.isUnresolved(options.subnetGroupName)
      && options.subnetGroupName.trim() === '') {
      throw new ValidationError(`${prefix} subnetGroupName is empty; give the DB subnet group name (e.g. 'restore-tests')`, this);
    }
    if (options.securityGroups !== undefined && options.subnetGroupName === undefined) {
      throw new ValidationError(
        `${prefix} sets securityGroups without subnetGroupName; without a DB subnet group AWS Backup restores into the ` +
          "default VPC, where these security groups do not exist and every restore fails: set subnetGroupName (e.g. " +
          'cluster subnet group name) too',
        this,
      );
    }
    if (options.securityGroups !== undefined && options.securityGroups.length === 0) {
      throw new ValidationError(
        `${prefix} securityGroups is empty; give the security groups of the restored database, or leave securityGroups out`,
        this,
      );
    }

    const overrides: { [key: string]: string } = {};
    if (options.subnetGroupName !== undefined) {
      overrides[SUBNET_GROUP_KEY] = options.subnetGroupName;
    }
    if (options.securityGroups !== undefined) {
      // M: list values are JSON-array-encoded strings, e.g. '["sg-012d52c68c6e88f00"]'.
      overrides[SECURITY_GROUPS_KEY] = Stack.of(this).toJsonString(options.securityGroups.map((sg) => sg.securityGroupId));
    }
    const seen = new Map(Object.keys(overrides).map((key) => [key.toLowerCase(), key]));
    const propOf: { [key: string]: string } = { [SUBNET_GROUP_KEY]: 'subnetGroupName', [SECURITY_GROUPS_KEY]: 'securityGroups' };
    for (const [key, value] of Object.entries(options.restoreMetadataOverrides ?? {})) {
      if (Token.isUnresolved(key)) {
        overrides[key] = value;
        continue;
      }
      if (key.trim() === '') {
        throw new ValidationError(`${prefix} restoreMetadataOverrides has an empty key (value '${value}'); give the metadata key`, this);
      }
      const earlier = seen.get(key.toLowerCase());
      if (earlier !== undefined) {
        const source = propOf[earlier] ? `${propOf[earlier]} (key '${earlier}')` : `key '${earlier}'`;
        throw new ValidationError(
          `${prefix} restoreMetadataOverrides key '${key}' repeats ${source}; restore metadata keys are not case ` +
            'sensitive, so give each key once',
          this,
        );
      }
      seen.set(key.toLowerCase(), key);
      overrides[key] = value;
    }

    if (DATABASE_TYPES.includes(type) && !seen.has(SUBNET_GROUP_KEY.toLowerCase())) {
      Annotations.of(this).addWarningV2(
        WARN_DEFAULT_VPC,
        `${prefix} restores ${type} resources without a DB subnet group, so AWS Backup restores them into the default ` +
          'VPC; the restore fails where the default VPC or its subnets were deleted, and otherwise runs outside your ' +
          'network controls. Set subnetGroupName (and securityGroups) to place the restores in your VPC',
      );
    }
    return overrides;
  }

  private validateDrill(): string[] {
    if (this.selectionList.length === 0) {
      return [
        'RestoreDrill tests nothing: call addSelection() (e.g. addSelection(\'Aurora\', { resourceType: ' +
          'RestoreDrillResourceType.AURORA, databaseClusters: [cluster] }))',
      ];
    }
    return [];
  }
}
