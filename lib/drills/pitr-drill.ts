import { ArnFormat, Duration, Names, Size, Stack, TimeZone, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { DRILL_METRIC, INSTANCE_CHECK_TAG_KEY, PITR_ACTION, PITR_ENV, PitrDrillConfig, VALIDATE_ENV } from '../private/job-contract';
import { DEFAULT_PG_MAJOR, RDS_CA_BUNDLE_PATH, SSL_MODE, VALIDATE_RESTORE_HANDLER } from '../private/job-image';
import { checkDatabaseName, createJobRuntime } from '../private/job-runtime';
import { flattenForNag } from '../private/nag-ids';
import { checkSchedule, cronMaxGapHours } from '../private/schedule';
import { checkPattern, ValidationError } from '../private/validation';
import { drillMetric } from './drill-metric';
import { IDrillMetrics } from './drill-metrics';
import { validationChecks } from './drill-validator';
import { RestoreValidationOptions } from './restore-validation';
import { rdsArns, TemporaryInstance } from './temporary-instance';

/** Props of a PitrDrill. */
export interface PitrDrillProps {
  /**
   * The database restored: an RDS for PostgreSQL instance of this stack's account and region with automated backups.
   */
  readonly databaseInstance: rds.IDatabaseInstance;

  /** When the drill runs: a cron schedule (UTC), e.g. `Schedule.expression('cron(0 3 ? * SUN#1 *)')`. */
  readonly schedule: events.Schedule;

  /**
   * The drill's name: the `Drill` dimension of its metrics, the tag of the instance it restores, and the start of its
   * state machine's and restored instance's names. 1-40 letters, digits, `_` or `-`.
   *
   * @default - derived from the construct path
   */
  readonly drillName?: string;

  /** DB subnet group the restored instance is placed in: a scratch network, not production's. */
  readonly subnetGroupName: string;

  /** Security groups of the restored instance (never the source's): the drill's validator is let in on the port. */
  readonly securityGroups: ec2.ISecurityGroup[];

  /** The VPC the validator runs in (the one of `subnetGroupName`, with routes to the RDS, Secrets Manager and Step Functions endpoints). */
  readonly vpc: ec2.IVpc;

  /**
   * Subnets of the validator.
   *
   * @default - the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /** What to check on the restored instance (its `instanceClass` is the restored instance's class, default `db.t4g.medium`). */
  readonly validation: RestoreValidationOptions;

  /**
   * Key that encrypts the logs of the validator and the state machine.
   *
   * @default - a new customer-managed key
   */
  readonly logEncryptionKey?: kms.IKey;

  /**
   * How long the logs are kept.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

/** Polls of the restore (one a minute): a point-in-time restore of a large database takes a while. */
const MAX_RESTORE_POLLS = 150;
/** Added to the schedule's longest gap: the restore, its check and its deletion. */
const RUN_HOURS = 6;

/**
 * A scheduled point-in-time restore of an RDS for PostgreSQL instance that has RDS automated backups only (AWS Backup
 * restore testing sees AWS Backup recovery points only): a state machine restores the instance to its latest restorable
 * time into the drill's scratch network (tagged with the drill, no public access, no deletion protection), waits until
 * it is available, has the validator check it with the same code as every drill (tables, rows, freshness from the
 * restore's start, SQL), deletes it, waits until it is gone, and records `RestoreValidationSuccess` and
 * `RestoreDurationSeconds` (execution start to the instance available); every hour the validator publishes
 * `ValidatedRestoreAgeSeconds`. `BackupAlarms.watchDrill()` alarms on them like on a `RestoreDrill`'s.
 *
 * The state machine takes no input: it restores the configured instance under its configured name, and may create
 * instances only with the drill's tag and delete only instances that carry it. Seed 002 (RoleFerry) asks for this test.
 */
export class PitrDrill extends Construct implements IDrillMetrics {
  public readonly drillName: string;
  /** The state machine of a run. */
  public readonly stateMachine: sfn.StateMachine;
  /** The validator function. */
  public readonly validatorFunction: lambda.IFunction;
  /** The validator's security group, allowed to `securityGroups` on the port. */
  public readonly validatorSecurityGroup: ec2.ISecurityGroup;

  private readonly database: string;
  private readonly scheduleExpression: string;

  constructor(scope: Construct, id: string, props: PitrDrillProps) {
    super(scope, id);
    const stack = Stack.of(this);
    checkSchedule('schedule', props.schedule, this);
    this.drillName = props.drillName ?? Names.uniqueResourceName(this, { maxLength: 40, separator: '_', allowedSpecialCharacters: '_' });
    checkPattern('drillName', this.drillName, /^[A-Za-z0-9_-]{1,40}$/, 'a drill name is 1-40 letters, digits, _ or -', 'orders_pitr', this);
    this.database = props.validation.databaseName ?? props.databaseInstance.instanceIdentifier;
    if (props.validation.databaseName !== undefined) {
      checkDatabaseName(props.validation.databaseName, this);
    }
    this.scheduleExpression = props.schedule.expressionString;
    const shared = props.securityGroups.find((group) => props.databaseInstance.connections.securityGroups.includes(group));
    if (shared) {
      throw new ValidationError(`securityGroups includes ${shared.node.path}, which the source database uses too: the validator, let into it, ` +
        'could reach production; give the restored instance a group of its own', this);
    }
    if (props.securityGroups.length === 0) {
      throw new ValidationError('securityGroups is empty; give the restored instance a group the validator may be let into', this);
    }
    const checks = validationChecks('validation', { ...props.validation, instanceClass: undefined }, this);
    const instanceClass = props.validation.instanceClass ?? 'db.t4g.medium';
    checkPattern('validation.instanceClass', instanceClass, /^db\.[a-z0-9]+(\.[a-z0-9]+)?$/, 'a DB instance class is db.<family>.<size>', 'db.t4g.medium', this);

    const sourceArn = props.databaseInstance.instanceArn;
    const sourceId = props.databaseInstance.instanceIdentifier;
    // The restored instance's name: the drill's, so it never takes the name of anything else.
    const target = `${this.drillName.replace(/_/g, '-').toLowerCase()}-pitr`;
    const targetArn = stack.formatArn({ service: 'rds', resource: 'db', resourceName: target, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const stateMachineName = `${this.drillName}-pitr-drill`;
    if (!Token.isUnresolved(sourceId) && sourceId.toLowerCase() === target) {
      throw new ValidationError(`the drill would restore into '${target}', the name of the source instance; choose another drillName`, this);
    }
    const config: PitrDrillConfig = { database: this.database, drill: this.drillName, sourceArn, targetArn, checks };
    const runtime = createJobRuntime(this, {
      job: 'validate-restore',
      description: `Checks the point-in-time drill ${this.drillName}`,
      handler: VALIDATE_RESTORE_HANDLER,
      pgMajor: DEFAULT_PG_MAJOR,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      memorySize: 512,
      timeout: Duration.minutes(10),
      ephemeralStorageSize: Size.mebibytes(512),
      environment: {
        [PITR_ENV.CONFIG]: stack.toJsonString(config),
        [PITR_ENV.STATE_MACHINE_ARN]: stack.formatArn({ service: 'states', resource: 'stateMachine', resourceName: stateMachineName, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
        [VALIDATE_ENV.SSL_MODE]: SSL_MODE,
        [VALIDATE_ENV.SSL_ROOT_CERT]: RDS_CA_BUNDLE_PATH,
      },
      schedule: scheduler.ScheduleExpression.cron({ minute: '17', timeZone: TimeZone.ETC_UTC }),
      scheduleInput: scheduler.ScheduleTargetInput.fromObject({ action: PITR_ACTION.AGE }),
      logRetention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      logEncryptionKey: props.logEncryptionKey,
      reserveConcurrency: false,
    });
    this.validatorFunction = runtime.fn;
    this.validatorSecurityGroup = runtime.securityGroup;
    for (const group of props.securityGroups) {
      runtime.securityGroup.connections.allowTo(group, ec2.Port.tcp(props.validation.port ?? 5432), `Point-in-time drill ${this.drillName}`);
    }
    props.validation.secret.grantRead(runtime.grantee);

    const run = new TemporaryInstance(this, 'Run', {
      validator: runtime.fn,
      drillName: this.drillName,
      stateMachineName,
      logEncryptionKey: runtime.logKey,
      logRetention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      what: `the point-in-time drill ${this.drillName}`,
      start: { startedAt: '$$.Execution.StartTime' },
      instanceIdentifier: target,
      create: {
        action: 'restoreDBInstanceToPointInTime',
        parameters: {
          SourceDbInstanceIdentifier: sourceId,
          TargetDbInstanceIdentifier: target,
          UseLatestRestorableTime: true,
          DbSubnetGroupName: props.subnetGroupName,
          VpcSecurityGroupIds: props.securityGroups.map((group) => group.securityGroupId),
          DbInstanceClass: instanceClass,
          MultiAZ: false,
          PubliclyAccessible: false,
          DeletionProtection: false,
          Tags: [{ Key: INSTANCE_CHECK_TAG_KEY, Value: this.drillName }],
        },
        iamActions: ['rds:RestoreDBInstanceToPointInTime'],
        iamResources: [sourceArn, targetArn, ...rdsArns(this, 'subgrp', 'secgrp', 'og', 'pg')],
      },
      instanceArns: [targetArn],
      checkAction: PITR_ACTION.CHECK,
      reportAction: PITR_ACTION.REPORT,
      maxPolls: MAX_RESTORE_POLLS,
    });
    this.stateMachine = run.stateMachine;
    const executions = stack.formatArn({ service: 'states', resource: 'execution', resourceName: `${stateMachineName}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    runtime.policy.addStatements(
      new iam.PolicyStatement({ sid: 'DescribeTheRestore', actions: ['rds:DescribeDBInstances'], resources: [targetArn] }),
      new iam.PolicyStatement({ sid: 'ReadTheRuns', actions: ['states:ListExecutions', 'states:DescribeStateMachine'], resources: [run.stateMachineArnByName] }),
      new iam.PolicyStatement({ sid: 'ReadARun', actions: ['states:DescribeExecution'], resources: [executions] }),
    );
    Validations.of(runtime.policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${flattenForNag(this, executions)}]`,
      reason: 'The executions of this drill\'s own state machine, whose names Step Functions chooses: the hourly age reads their outputs.',
    });

    const runs = new iam.Role(this, 'RunScheduleRole', {
      description: `Lets EventBridge Scheduler start the point-in-time drill ${this.drillName}`,
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
    });
    new iam.ManagedPolicy(this, 'RunSchedulePolicy', {
      roles: [runs],
      statements: [new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [run.stateMachineArnByName] })],
    });
    new scheduler.Schedule(this, 'RunSchedule', {
      schedule: scheduler.ScheduleExpression.expression(props.schedule.expressionString, TimeZone.ETC_UTC),
      description: `Point-in-time drill ${this.drillName} of ${sourceId}`,
      target: new targets.StepFunctionsStartExecution(run.stateMachine, { role: runs.withoutPolicyUpdates(), input: scheduler.ScheduleTargetInput.fromObject({}) }),
    });
  }

  /** The drill's one data store. */
  public get databaseNames(): string[] {
    return [this.database];
  }

  public get validatedDatabases(): string[] {
    return [this.database];
  }

  /** The schedule's longest gap plus 6 hours for a run. Undefined for a schedule synth cannot read. */
  public get maxValidatedRestoreInterval(): Duration | undefined {
    const gap = Token.isUnresolved(this.scheduleExpression) ? undefined : cronMaxGapHours(this.scheduleExpression);
    return gap === undefined ? undefined : Duration.hours(gap + RUN_HOURS);
  }

  public metricRestoreDuration(databaseName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(DRILL_METRIC.RESTORE_DURATION_SECONDS, databaseName, props);
  }

  public metricRestoreValidationSuccess(databaseName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(DRILL_METRIC.RESTORE_VALIDATION_SUCCESS, databaseName, props);
  }

  public metricValidatedRestoreAge(databaseName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(DRILL_METRIC.VALIDATED_RESTORE_AGE_SECONDS, databaseName, props);
  }

  private metric(metricName: string, databaseName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    if (!Token.isUnresolved(databaseName) && databaseName !== this.database) {
      throw new ValidationError(`the point-in-time drill publishes Database '${this.database}', not '${databaseName}'`, this);
    }
    return drillMetric(this.drillName, metricName, databaseName, props);
  }
}
