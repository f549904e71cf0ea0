import { Duration, Size, Stack, TimeZone, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { rdsResourceType } from '../private/arns';
import { JOB_METRICS_DATABASE_DIMENSION, JOB_METRICS_NAMESPACE, RPO_ENV, RPO_METRIC, RPO_VAULT_DIMENSION } from '../private/job-contract';
import { DEFAULT_PG_MAJOR, RPO_WATCH_HANDLER } from '../private/job-image';
import { checkDatabaseName, createJobRuntime, MAX_LAMBDA_ENVIRONMENT_BYTES } from '../private/job-runtime';
import { isUnresolved, ValidationError } from '../private/validation';

/** A database whose recovery point objective the watch measures. */
export interface RpoWatchedDatabase {
  /** The name in the `Database` dimension of the metrics, e.g. `orders`. */
  readonly databaseName: string;

  /** ARN of the RDS instance, or of the Aurora, DocumentDB or Neptune cluster, in the watch's account and region. */
  readonly databaseArn: string;

  /** The RPO its tier promises, e.g. `RecoveryTier.TEAM.rpo` (1 hour). */
  readonly rpo: Duration;
}

/** What `RpoWatch.lagAlarm()` needs. */
export interface RpoLagAlarmOptions {
  /** The `Database` dimension the watch publishes under. */
  readonly databaseName: string;
  /** The database's RPO. */
  readonly rpo: Duration;
  /**
   * What the lag may exceed the RPO by.
   *
   * @default Duration.minutes(5)
   */
  readonly lagMargin?: Duration;
  /**
   * Where the alarm notifies.
   *
   * @default - no action
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Physical name of the alarm.
   *
   * @default - generated
   */
  readonly alarmName?: string;
}

/** What `RpoWatch.recoveryPointAgeAlarm()` needs. */
export interface RecoveryPointAgeAlarmOptions {
  /** The `Database` dimension the watch publishes under. */
  readonly databaseName: string;
  /**
   * The `Vault` dimension: the vault's name for a vault of the watch's account and region, `<account>/<region>/<name>`
   * for a copy vault elsewhere (e.g. `222222222222/us-west-2/backup-dr-dr`).
   */
  readonly vault: string;
  /** How old the newest recovery point in the vault may get: the gap between the backups (or copies) plus their duration. */
  readonly maxAge: Duration;
  /**
   * Where the alarm notifies (alarm and OK).
   *
   * @default - no action
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Physical name of the alarm.
   *
   * @default - generated
   */
  readonly alarmName?: string;
}

/** Props of an RpoWatch. */
export interface RpoWatchProps {
  /** The databases to measure: at least one, names unique. */
  readonly databases: RpoWatchedDatabase[];

  /** The VPC the function runs in (it needs HTTPS to the RDS and AWS Backup endpoints). */
  readonly vpc: ec2.IVpc;

  /**
   * Subnets of the function.
   *
   * @default - the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * How often the RPO is measured: a cron schedule.
   *
   * @default - every 5 minutes (`cron(0/5 * * * ? *)`, UTC)
   */
  readonly schedule?: scheduler.ScheduleExpression;

  /**
   * What the point-in-time lag may exceed the RPO by before it alarms. RDS uploads the transaction logs of an instance
   * to S3 every 5 minutes, so `LatestRestorableTime` is normally up to about 5 minutes old; 5 minutes on top keeps the
   * alarm from firing on an ordinary upload interval.
   *
   * @default Duration.minutes(5)
   */
  readonly lagMargin?: Duration;

  /**
   * Where the alarms notify.
   *
   * @default - no action (the alarms are on the dashboard and in `alarms`)
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * Whether the watch creates the alarm of each database. Without them, create each with `RpoWatch.lagAlarm()` where it
   * belongs (e.g. in the database's own nested stack, so that a stack grows by nothing per database).
   *
   * @default true
   */
  readonly createAlarms?: boolean;

  /**
   * Key that encrypts the function's log group.
   *
   * @default - a new customer-managed key
   */
  readonly logEncryptionKey?: kms.IKey;

  /**
   * How long the function's logs are kept.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

/** One measurement every 5 minutes: the RPO of TEAM (1 hour) is checked 12 times before it is exceeded. */
const DEFAULT_SCHEDULE_MINUTES = 5;
const DEFAULT_LAG_MARGIN = Duration.minutes(5);

/**
 * Measures each database's recovery point objective on a schedule and alarms when it is exceeded: a function (the
 * job image, `rpo-watch/index.handler`) publishes, per database, `RecoveryPointLagSeconds` (now minus RDS's
 * `LatestRestorableTime`) and `NewestRecoveryPointAgeSeconds` per vault (local recovery points, and copies by their
 * completed copy jobs), and an alarm per database fires when the lag exceeds its RPO plus `lagMargin`, or when no
 * lag was measured (the database has no restorable time, or the watch failed: the RPO is not known to hold).
 *
 * The role may describe the watched databases only, and list recovery points and copy jobs (AWS Backup's List calls
 * take no resource-level permissions); it writes nothing.
 */
export class RpoWatch extends Construct {
  /**
   * The alarm of one database: `RecoveryPointLagSeconds` (Maximum over 15 minutes) above its RPO plus `lagMargin`
   * (default 5 minutes), breaching when nothing was measured; notifying `alarmTopic` when given (alarm and OK).
   */
  public static lagAlarm(scope: Construct, id: string, options: RpoLagAlarmOptions): cloudwatch.Alarm {
    const lagMargin = options.lagMargin ?? DEFAULT_LAG_MARGIN;
    const alarm = new cloudwatch.Alarm(scope, id, {
      alarmName: options.alarmName,
      alarmDescription: `The newest point-in-time restore of ${options.databaseName} is more than its RPO ` +
        `(${options.rpo.toHumanString()}) plus ${lagMargin.toHumanString()} behind, or was not measured`,
      metric: new cloudwatch.Metric({
        namespace: JOB_METRICS_NAMESPACE,
        metricName: RPO_METRIC.RECOVERY_POINT_LAG_SECONDS,
        dimensionsMap: { [JOB_METRICS_DATABASE_DIMENSION]: options.databaseName },
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.minutes(DEFAULT_SCHEDULE_MINUTES * 3),
      }),
      threshold: options.rpo.toSeconds() + lagMargin.toSeconds(),
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      // Not measured: the database has no restorable time, or the watch failed; the RPO is not known to hold.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    return notify(alarm, options.alarmTopic);
  }

  /**
   * The alarm of one database's recovery points in one vault: `NewestRecoveryPointAgeSeconds` (Maximum over 15 minutes)
   * above `maxAge` for an hour, or not measured for an hour (no recovery point in the vault yet, or the watch failed).
   */
  public static recoveryPointAgeAlarm(scope: Construct, id: string, options: RecoveryPointAgeAlarmOptions): cloudwatch.Alarm {
    if (!isUnresolved(options.maxAge) && options.maxAge.toSeconds({ integral: false }) < 3600) {
      throw new ValidationError(`maxAge is ${options.maxAge.toHumanString()}; AWS Backup runs a rule at most hourly, so give at least an hour (e.g. Duration.hours(26) for a daily rule)`, scope);
    }
    const alarm = new cloudwatch.Alarm(scope, id, {
      alarmName: options.alarmName,
      alarmDescription: `The newest recovery point of ${options.databaseName} in vault ${options.vault} is older than ` +
        `${options.maxAge.toHumanString()}, or was not measured: backups or copies to it stopped. First check the plan's ` +
        'backup and copy jobs in AWS Backup (failed, expired, or none started), then the RPO watch\'s log.',
      metric: new cloudwatch.Metric({
        namespace: JOB_METRICS_NAMESPACE,
        metricName: RPO_METRIC.NEWEST_RECOVERY_POINT_AGE_SECONDS,
        dimensionsMap: { [JOB_METRICS_DATABASE_DIMENSION]: options.databaseName, [RPO_VAULT_DIMENSION]: options.vault },
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.minutes(DEFAULT_SCHEDULE_MINUTES * 3),
      }),
      threshold: options.maxAge.toSeconds(),
      evaluationPeriods: 4,
      datapointsToAlarm: 4,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    return notify(alarm, options.alarmTopic);
  }

  /** The function. */
  public readonly function: lambda.IFunction;

  /** The alarms, one per database: `RecoveryPointLagSeconds` above the RPO plus the margin. */
  public readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: RpoWatchProps) {
    super(scope, id);
    checkDatabases(props.databases, this);
    const lagMargin = props.lagMargin ?? DEFAULT_LAG_MARGIN;
    const schedule = props.schedule ?? scheduler.ScheduleExpression.cron({ minute: `0/${DEFAULT_SCHEDULE_MINUTES}`, timeZone: TimeZone.ETC_UTC });
    const timeout = Duration.minutes(2);
    const memorySize = 256;
    const ephemeralStorageSize = Size.mebibytes(512);
    // Fixed sizes (no validateRuntime): and the schedule may be more frequent than the hourly-at-most dump jobs'.

    const databasesJson = JSON.stringify(props.databases.map((db) => ({ name: db.databaseName, arn: db.databaseArn })));
    if (!Token.isUnresolved(databasesJson) && Buffer.byteLength(RPO_ENV.DATABASES + databasesJson) > MAX_LAMBDA_ENVIRONMENT_BYTES) {
      throw new ValidationError(
        `databases: ${props.databases.length} databases make the function's ${RPO_ENV.DATABASES} variable ` +
          `${Buffer.byteLength(RPO_ENV.DATABASES + databasesJson)} bytes, and Lambda allows ${MAX_LAMBDA_ENVIRONMENT_BYTES} bytes of ` +
          'environment variables in all: split them across several RpoWatch constructs',
        this,
      );
    }
    const runtime = createJobRuntime(this, {
      job: 'rpo-watch',
      description: describeDatabases(props.databases),
      handler: RPO_WATCH_HANDLER,
      pgMajor: DEFAULT_PG_MAJOR,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      memorySize,
      timeout,
      ephemeralStorageSize,
      environment: {
        [RPO_ENV.DATABASES]: Stack.of(this).toJsonString(props.databases.map((db) => ({ name: db.databaseName, arn: db.databaseArn }))),
      },
      schedule,
      logRetention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      logEncryptionKey: props.logEncryptionKey,
      reserveConcurrency: false,
    });
    this.function = runtime.fn;

    const instances = props.databases.filter((db) => rdsResourceType(db.databaseArn) !== 'cluster').map((db) => db.databaseArn);
    const clusters = props.databases.filter((db) => rdsResourceType(db.databaseArn) === 'cluster').map((db) => db.databaseArn);
    runtime.policy.addStatements(
      ...(instances.length > 0 ? [new iam.PolicyStatement({ actions: ['rds:DescribeDBInstances'], resources: instances })] : []),
      ...(clusters.length > 0 ? [new iam.PolicyStatement({ actions: ['rds:DescribeDBClusters'], resources: clusters })] : []),
      new iam.PolicyStatement({ actions: ['backup:ListRecoveryPointsByResource', 'backup:ListCopyJobs'], resources: ['*'] }),
    );
    Validations.of(runtime.policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'backup:ListRecoveryPointsByResource and backup:ListCopyJobs take no resource-level permissions (Service ' +
        'Authorization Reference, AWS Backup): their resource must be *. They only list; the databases are filtered by ARN.',
    });

    if (props.createAlarms !== false) {
      for (const db of props.databases) {
        this.alarms.push(RpoWatch.lagAlarm(this, `Lag-${db.databaseName}`, {
          databaseName: db.databaseName, rpo: db.rpo, lagMargin, alarmTopic: props.alarmTopic,
        }));
      }
    }
  }
}

/** The alarm, notifying `topic` (alarm and OK) when given. */
function notify(alarm: cloudwatch.Alarm, topic: sns.ITopic | undefined): cloudwatch.Alarm {
  if (topic) {
    alarm.addAlarmAction(new actions.SnsAction(topic));
    alarm.addOkAction(new actions.SnsAction(topic));
  }
  return alarm;
}

function checkDatabases(databases: RpoWatchedDatabase[], scope: Construct): void {
  if (databases.length === 0) {
    throw new ValidationError('databases is empty; give the databases whose RPO to watch (e.g. { databaseName: \'orders\', databaseArn, rpo })', scope);
  }
  const seen = new Set<string>();
  for (const [i, db] of databases.entries()) {
    checkDatabaseName(db.databaseName, scope);
    if (seen.has(db.databaseName)) {
      throw new ValidationError(`databases[${i}].databaseName '${db.databaseName}' is given twice; names are the metrics' dimension and must be unique`, scope);
    }
    seen.add(db.databaseName);
    const type = rdsResourceType(db.databaseArn);
    if (!Token.isUnresolved(db.databaseArn) && type !== 'db' && type !== 'cluster') {
      throw new ValidationError(
        `databases[${i}].databaseArn '${db.databaseArn}' is not an RDS instance or cluster ARN ` +
          "(e.g. 'arn:aws:rds:us-east-1:111111111111:db:orders' or '...:cluster:orders')",
        scope,
      );
    }
    if (!isUnresolved(db.rpo) && db.rpo.toSeconds() < 60) {
      throw new ValidationError(`databases[${i}].rpo is ${db.rpo.toHumanString()}; an RPO is at least a minute (e.g. Duration.minutes(15))`, scope);
    }
  }
}

/** `Measures the RPO of orders, billing`, or of the first and last of many: within the 256 characters Lambda allows. */
function describeDatabases(databases: RpoWatchedDatabase[]): string {
  const names = databases.map((db) => db.databaseName);
  const all = `Measures the RPO of ${names.join(', ')}`;
  return all.length <= 200 ? all : `Measures the RPO of ${names.length} databases, ${names[0]} to ${names[names.length - 1]}`;
}
