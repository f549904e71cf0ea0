import { Annotations, Duration, Size, TimeZone, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { JobMetrics } from './job-metrics';
import { DumpJobBaseProps } from './dump-job-props';
import { PgDumpJob } from './pg-dump-job';
import { acknowledgeDumpGrants, grantDumpRead, resolveDumpBucket } from './dump-bucket-access';
import { VERIFY_ENV } from '../private/job-contract';
import {
  checkPgMajor, DEFAULT_PG_MAJOR, pgMajorFix, RDS_CA_BUNDLE_PATH, serverPgMajor, serverSecret, SSL_MODE, VERIFY_DUMP_HANDLER,
} from '../private/job-image';
import { checkFreshnessChecks, checkSqlChecks, TABLE_PATTERN } from '../private/data-checks';
import {
  allowJobTo, checkDatabaseName, checkPort, createJobRuntime, MAX_LAMBDA_ENVIRONMENT_BYTES, MAX_LAMBDA_TIMEOUT, validateRuntime,
} from '../private/job-runtime';
import { checkPattern, checkRange, ValidationError } from '../private/validation';

/** A freshness check of `DumpVerifyJob` and `RestoreDrill` validation: the newest value of a timestamp column must be recent. */
export interface FreshnessCheck {
  /** The table, `schema.table`, e.g. `public.orders`. */
  readonly table: string;

  /** A `timestamp` / `timestamptz` column of the table, e.g. `created_at`. */
  readonly column: string;

  /**
   * The newest value of the column may be at most this old, measured from the time of the backup: the start of the
   * dump (the time in its manifest) for `DumpVerifyJob`, the recovery point's creation for a drill. A backup that
   * restores but holds stale data fails. Whole seconds, at least 1 minute.
   */
  readonly maxAge: Duration;
}

/** A custom SQL check of `DumpVerifyJob` and `RestoreDrill` validation, run in the restored database (read-only). */
export interface SqlCheck {
  /** Name of the check in logs and errors, e.g. `users exist`. */
  readonly name: string;

  /** One SQL query returning a single boolean, true when the check passes, e.g. `select count(*) > 0 from users`. */
  readonly sql: string;
}

/** Props of `DumpVerifyJob`. */
export interface DumpVerifyJobProps extends DumpJobBaseProps {
  /**
   * Secret of the scratch server the dump is restored into, in the RDS rotation format. Its user needs
   * `CREATEDB` (the job creates `verify_<timestamp>` databases and drops them, also those of crashed runs).
   * Never the production database's secret.
   */
  readonly scratchSecret: secretsmanager.ISecret;

  /**
   * The scratch server, for the network path: an `rds.DatabaseInstance` or `DatabaseCluster`, or
   * `new ec2.Connections({ securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(this, 'ScratchSg', 'sg-...')] })`.
   * Use the production database's PostgreSQL major (a dump of a newer pg_dump may not restore into an older server).
   */
  readonly scratchServer: ec2.IConnectable;

  /**
   * The scratch server's port.
   *
   * @default - the default port of `scratchServer`'s connections, else 5432
   */
  readonly scratchPort?: number;

  /**
   * The production database's secret, when known here: the synth fails when it is the scratch secret.
   *
   * @default - not compared
   */
  readonly productionSecret?: secretsmanager.ISecret;

  /**
   * The production database server, when known here: the synth fails when it is the scratch server.
   *
   * @default - not compared
   */
  readonly productionServer?: ec2.IConnectable;

  /**
   * `host:port/dbname` of the production database, e.g. `app-prod.abc.us-east-1.rds.amazonaws.com:5432/app`.
   * Required: at run time the handler refuses to restore into this database (same server and database name),
   * before it downloads anything.
   */
  readonly productionTarget: string;

  /**
   * When the verification runs: a cron expression of six fields, at most hourly, in UTC unless it names a time
   * zone. Leave the dump time to finish first.
   *
   * @default - weekly on Sunday at 04:00 UTC (seed 000 verifies weekly; the default dump runs daily at 03:00)
   */
  readonly schedule?: scheduler.ScheduleExpression;

  /**
   * Memory of the function in MiB (128-10240). The handler downloads and hashes the dump while pg_restore runs
   * `restoreJobs` workers; Lambda gives one vCPU per 1769 MiB.
   *
   * @default 2048
   */
  readonly memorySize?: number;

  /**
   * How long a run may take, 1-15 minutes (Lambda stops an invocation at 15).
   *
   * @default Duration.minutes(15)
   */
  readonly timeout?: Duration;

  /**
   * Size of `/tmp`, 512-10240 MiB: the dump is downloaded to a file (pg_restore -j needs a seekable archive), so
   * it must hold the largest dump.
   *
   * @default Size.gibibytes(10)
   */
  readonly ephemeralStorageSize?: Size;

  /**
   * How far each table's row count in the restored database may differ from the count in the dump's manifest,
   * in percent (0-100). Estimated counts (large tables) differ a little from the exact ones.
   *
   * @default 1 (seed 001: alert if more than 1 % difference)
   */
  readonly rowCountTolerancePercent?: number;

  /**
   * Timestamp columns whose newest value must be recent.
   *
   * @default - none
   */
  readonly freshnessChecks?: FreshnessCheck[];

  /**
   * Queries that must return true in the restored database.
   *
   * @default - none
   */
  readonly sqlChecks?: SqlCheck[];

  /**
   * Parallel pg_restore workers (`pg_restore -j`), 1-16.
   *
   * @default 2
   */
  readonly restoreJobs?: number;

  /**
   * Restore and check only this table, `schema.table` (seed 002's single-table restore drill).
   *
   * @default - the whole dump
   */
  readonly singleTable?: string;
}

const TARGET_PATTERN = /^[A-Za-z0-9.-]{1,253}:\d{1,5}\/[^\s/]{1,63}$/;

/**
 * A scheduled restore of the newest dump of one database into a scratch server, with checks, running
 * `lambda/verify-dump` in the jobs' container image: the proof that the dumps `PgDumpJob` writes restore.
 *
 * - a container-image Lambda function (x86_64) in the VPC, with its own security group: egress to the scratch
 *   server's port and to HTTPS only; ingress to `scratchServer` from the job; `/tmp` sized for the dump;
 * - an execution role that reads `scratchSecret` and reads only under `<prefix><databaseName>/` of the bucket:
 *   `s3:GetObject`, `s3:ListBucket` for that prefix, and `kms:Decrypt` on the bucket's key only through S3 for
 *   that bucket; it cannot write or delete dumps;
 * - an EventBridge Scheduler schedule (weekly, Sunday 04:00 UTC unless set) with retries, an SQS dead-letter
 *   queue and a KMS-encrypted log group, as for `PgDumpJob`;
 * - `metricVerificationSuccess()`, `metricVerifiedBackupAgeSeconds()`, `metricRestoreDurationSeconds()`.
 *
 * The scratch target is never the production database: the synth fails when `productionSecret` or
 * `productionServer` is the scratch one, and at run time the handler refuses to restore into `productionTarget`.
 *
 * As for `PgDumpJob`, every permission is in customer-managed policies: grant the job more through the job itself.
 */
export class DumpVerifyJob extends Construct implements ec2.IConnectable, iam.IGrantable {
  /** The function that restores and checks the dump. */
  public readonly lambdaFunction: lambda.IFunction;

  /** The function's execution role. Grant through the job (`grantPrincipal`), not through the role. */
  public readonly role: iam.IRole;

  /** Grants to this principal are added to the job's customer-managed policy (attached to `role`). */
  public readonly grantPrincipal: iam.IPrincipal;

  /** The job's security group. */
  public readonly securityGroup: ec2.ISecurityGroup;

  /** The network connections of the job (its security group). */
  public readonly connections: ec2.Connections;

  /** The schedule that starts the job. */
  public readonly schedule: scheduler.ISchedule;

  /** Receives invocations that the schedule could not deliver, and runs that failed after Lambda's retries. */
  public readonly deadLetterQueue: sqs.IQueue;

  /** The function's log group. */
  public readonly logGroup: logs.ILogGroup;

  /** The logical database name whose dumps are verified (metric dimension and key segment). */
  public readonly databaseName: string;

  /** Name of the dump bucket. */
  public readonly bucketName: string;

  /** Every key the job reads starts with this: `<prefix><databaseName>/`. */
  public readonly keyPrefix: string;

  /** Major version of the PostgreSQL client (pg_restore) in the job's image. */
  public readonly pgMajor: number;

  constructor(scope: Construct, id: string, props: DumpVerifyJobProps) {
    super(scope, id);

    checkDatabaseName(props.databaseName, this);
    const pgMajor = props.pgMajor ?? DEFAULT_PG_MAJOR;
    checkPgMajor(pgMajor, this);
    const memorySize = props.memorySize ?? 2048;
    const timeout = props.timeout ?? MAX_LAMBDA_TIMEOUT;
    const ephemeralStorageSize = props.ephemeralStorageSize ?? Size.gibibytes(10);
    const schedule = props.schedule ??
      scheduler.ScheduleExpression.cron({ minute: '0', hour: '4', weekDay: 'SUN', timeZone: TimeZone.ETC_UTC });
    validateRuntime(this, { memorySize, timeout, ephemeralStorageSize, schedule, roleName: props.roleName });
    this.validateTargets(props);
    this.checkServerMajors(props);
    checkPort('scratchPort', props.scratchPort, this);
    const tolerance = props.rowCountTolerancePercent ?? 1;
    if (!Token.isUnresolved(tolerance) && !(tolerance >= 0 && tolerance <= 100)) {
      throw new ValidationError(
        `rowCountTolerancePercent is ${tolerance}; it is a percentage, 0-100 (e.g. 1 for seed 001's 1 %)`,
        this,
      );
    }
    const restoreJobs = props.restoreJobs ?? 2;
    checkRange('restoreJobs', restoreJobs, 1, 16, 'workers', this);
    checkPattern('singleTable', props.singleTable, TABLE_PATTERN, "a table is 'schema.table'", 'public.orders', this);

    const bucket = resolveDumpBucket(this, props.dumpBucket, props.databaseName);
    const environment: { [key: string]: string } = {
      [VERIFY_ENV.SECRET_ARN]: props.scratchSecret.secretArn,
      [VERIFY_ENV.DATABASE]: props.databaseName,
      [VERIFY_ENV.BUCKET]: bucket.bucketName,
      [VERIFY_ENV.PREFIX]: bucket.prefix,
      [VERIFY_ENV.BUCKET_OWNER]: bucket.ownerAccount,
      [VERIFY_ENV.ROW_COUNT_TOLERANCE_PERCENT]: Token.isUnresolved(tolerance) ? Token.asString(tolerance) : String(tolerance),
      [VERIFY_ENV.FRESHNESS_CHECKS]: JSON.stringify(checkFreshnessChecks('freshnessChecks', props.freshnessChecks ?? [], this)),
      [VERIFY_ENV.SQL_CHECKS]: JSON.stringify(checkSqlChecks('sqlChecks', props.sqlChecks ?? [], this)),
      [VERIFY_ENV.RESTORE_JOBS]: Token.isUnresolved(restoreJobs) ? Token.asString(restoreJobs) : String(restoreJobs),
      [VERIFY_ENV.SSL_MODE]: SSL_MODE,
      [VERIFY_ENV.SSL_ROOT_CERT]: RDS_CA_BUNDLE_PATH,
      ...(props.singleTable === undefined ? {} : { [VERIFY_ENV.SINGLE_TABLE]: props.singleTable }),
      [VERIFY_ENV.PRODUCTION_TARGET]: props.productionTarget,
    };
    checkEnvironmentSize(environment, this);

    const runtime = createJobRuntime(this, {
      databaseName: props.databaseName,
      job: 'verify-dump',
      description: `Restore verification of the newest dump of ${props.databaseName} into a scratch database`,
      handler: VERIFY_DUMP_HANDLER,
      pgMajor,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      memorySize,
      timeout,
      ephemeralStorageSize,
      environment,
      schedule,
      logRetention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      logEncryptionKey: props.logEncryptionKey,
      roleName: props.roleName,
      reserveConcurrency: props.reserveConcurrency ?? true,
    });

    this.lambdaFunction = runtime.fn;
    this.role = runtime.role;
    this.grantPrincipal = runtime.grantee;
    this.securityGroup = runtime.securityGroup;
    this.connections = runtime.fn.connections;
    this.schedule = runtime.schedule;
    this.deadLetterQueue = runtime.deadLetterQueue;
    this.logGroup = runtime.logGroup;
    this.databaseName = props.databaseName;
    this.bucketName = bucket.bucketName;
    this.keyPrefix = bucket.databasePrefix;
    this.pgMajor = pgMajor;
    this.node.addValidation({ validate: () => this.validateDumpJobMajors() });

    props.scratchSecret.grantRead(runtime.grantee);
    grantDumpRead(runtime.grantee, bucket);
    acknowledgeDumpGrants(runtime.policy, bucket, 'verify-dump', 'reads');
    allowJobTo(this, props.scratchServer, props.scratchPort, 'PostgreSQL (scratch server)');
  }

  /**
   * Whether the verifications passed (1) or failed (0): `VerificationSuccess`, default statistic `Minimum` over
   * 1 hour.
   */
  public metricVerificationSuccess(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return JobMetrics.verificationSuccess(this.databaseName, options);
  }

  /**
   * Age of the dump the last successful verification restored, seconds: `VerifiedBackupAgeSeconds`, default
   * statistic `Maximum` over 1 hour.
   */
  public metricVerifiedBackupAgeSeconds(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return JobMetrics.verifiedBackupAgeSeconds(this.databaseName, options);
  }

  /** Duration of the restores, seconds: `RestoreDurationSeconds`, default statistic `Maximum` over 1 hour. */
  public metricRestoreDurationSeconds(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return JobMetrics.restoreDurationSeconds(this.databaseName, options);
  }

  /**
   * pg_restore reads archives of its own and older majors only: the PgDumpJobs of this app that write the dumps
   * this job reads (same bucket and key prefix) must not use a newer client.
   */
  private validateDumpJobMajors(): string[] {
    return this.node.root.node.findAll()
      .filter((c): c is PgDumpJob => c instanceof PgDumpJob && c.bucketName === this.bucketName && c.keyPrefix === this.keyPrefix)
      .filter((dump) => dump.pgMajor > this.pgMajor)
      .map((dump) => `pgMajor is ${this.pgMajor} but PgDumpJob '${dump.node.path}', which writes the dumps this job ` +
        `restores, uses ${dump.pgMajor}; pg_restore cannot read archives of a newer pg_dump: use ` +
        `${pgMajorFix(dump.pgMajor)} here, or the same major in both jobs`);
  }

  /** The scratch server should run the production major: a dump of a newer server may not restore into an older. */
  private checkServerMajors(props: DumpVerifyJobProps): void {
    const scratch = serverPgMajor(props.scratchServer);
    const production = serverPgMajor(props.productionServer);
    if (scratch !== undefined && production !== undefined && scratch < production) {
      Annotations.of(this).addWarningV2(WARN_SCRATCH_OLDER,
        `scratchServer runs PostgreSQL ${scratch}, older than productionServer (PostgreSQL ${production}); a dump of a ` +
          'newer server may use what the older one lacks, and a failed restore then says nothing about the dump: run ' +
          `the scratch server on PostgreSQL ${production}`);
    }
  }

  /** The scratch target is never the production database. */
  private validateTargets(props: DumpVerifyJobProps): void {
    const productionSecret = props.productionSecret ?? serverSecret(props.productionServer);
    if (productionSecret && sameSecret(props.scratchSecret, productionSecret)) {
      const which = props.productionSecret ? 'the productionSecret' : "the secret of productionServer";
      throw new ValidationError(
        `scratchSecret is ${which} ('${describeSecret(props.scratchSecret)}'); the verification creates and ` +
          'drops databases on the server of scratchSecret, which must never be the production database: give the ' +
          "secret of a separate scratch server (its user needs CREATEDB)",
        this,
      );
    }
    if (props.productionServer && sameServer(props.scratchServer, props.productionServer)) {
      throw new ValidationError(
        `scratchServer is the productionServer ('${describeServer(props.scratchServer)}'); the verification restores ` +
          'whole dumps into the scratch server and drops databases there, which must never happen on the ' +
          'production database: give a separate scratch server',
        this,
      );
    }
    checkPattern('productionTarget', props.productionTarget, TARGET_PATTERN,
      "the production database as 'host:port/dbname'", 'orders.abc123xyz.us-east-1.rds.amazonaws.com:5432/orders', this);
    if (!Token.isUnresolved(props.productionTarget)) {
      checkPort(`productionTarget '${props.productionTarget}' port`, Number(props.productionTarget.split(':')[1].split('/')[0]), this);
    }
  }
}

/** Same secret: the same construct, or the same ARN (a complete ARN's 6-character suffix ignored). */
/** Warning id: the scratch server runs an older PostgreSQL major than production. */
const WARN_SCRATCH_OLDER = 'cdk-backup-dr:DumpVerifyJob.scratchOlderThanProduction';

function sameSecret(a: secretsmanager.ISecret, b: secretsmanager.ISecret): boolean {
  if (a === b) {
    return true;
  }
  const arns = [a.secretArn, b.secretArn];
  if (arns.some((arn) => Token.isUnresolved(arn))) {
    return false;
  }
  const base = (arn: string) => arn.replace(/-[A-Za-z0-9]{6}$/, '');
  return arns[0] === arns[1] || base(arns[0]) === base(arns[1]);
}

/** Same server: the same construct or connections, or RDS instances / clusters with the same identifier. */
function sameServer(a: ec2.IConnectable, b: ec2.IConnectable): boolean {
  if (a === b || a.connections === b.connections) {
    return true;
  }
  const same = (x: string, y: string) => !Token.isUnresolved(x) && !Token.isUnresolved(y) && x === y;
  if (a instanceof rds.DatabaseInstanceBase && b instanceof rds.DatabaseInstanceBase) {
    return same(a.instanceIdentifier, b.instanceIdentifier);
  }
  if (a instanceof rds.DatabaseClusterBase && b instanceof rds.DatabaseClusterBase) {
    return same(a.clusterIdentifier, b.clusterIdentifier);
  }
  return false;
}

function describeSecret(secret: secretsmanager.ISecret): string {
  return Token.isUnresolved(secret.secretArn) ? secret.node.path : secret.secretArn;
}

function describeServer(server: ec2.IConnectable): string {
  return server instanceof Construct ? server.node.path : 'the same connections';
}

/** Lambda rejects a function whose environment (keys and values) exceeds 4 KB; tokens are not counted. */
function checkEnvironmentSize(environment: { [key: string]: string }, scope: Construct): void {
  let bytes = 0;
  for (const [key, value] of Object.entries(environment)) {
    bytes += Buffer.byteLength(key) + (Token.isUnresolved(value) ? 0 : Buffer.byteLength(value));
  }
  if (bytes > MAX_LAMBDA_ENVIRONMENT_BYTES) {
    throw new ValidationError(
      `the job's environment is ${bytes} bytes; Lambda allows ${MAX_LAMBDA_ENVIRONMENT_BYTES} in total, and the checks ` +
        '(freshnessChecks, sqlChecks) take most of it: shorten the SQL (a view in the database can hold a long query) ' +
        'or drop checks',
      scope,
    );
  }
}
