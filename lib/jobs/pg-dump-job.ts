import { Duration, Size, SizeRoundingBehavior, TimeZone, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { JobMetrics } from './job-metrics';
import { acknowledgeDumpGrants, grantDumpWrite, resolveDumpBucket } from './dump-bucket-access';
import { DumpCompression } from './dump-compression';
import { DumpJobBaseProps } from './dump-job-props';
import { DUMP_ENV, DUMP_STORAGE_CLASSES } from '../private/job-contract';
import { checkClientForServer, checkPgMajor, DEFAULT_PG_MAJOR, PG_DUMP_HANDLER, RDS_CA_BUNDLE_PATH, SSL_MODE } from '../private/job-image';
import { allowJobTo, checkDatabaseName, checkPort, createJobRuntime, MAX_LAMBDA_TIMEOUT, validateRuntime } from '../private/job-runtime';
import { isUnresolved, ValidationError } from '../private/validation';

/** Props of `PgDumpJob`. */
export interface PgDumpJobProps extends DumpJobBaseProps {
  /**
   * Secret of the database to dump, in the RDS rotation format (`engine`, `host`, `port`, `username`, `password`,
   * `dbname`). The user needs read access to every table (e.g. the `pg_read_all_data` role). The job may read it.
   */
  readonly databaseSecret: secretsmanager.ISecret;

  /**
   * The database server, for the network path: an `rds.DatabaseInstance`, `DatabaseCluster` or `DatabaseProxy`, or
   * `new ec2.Connections({ securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(this, 'DbSg', 'sg-...')] })`.
   * The job's security group gets egress to it on the database port, and its security groups (those of this app,
   * or imported as mutable) get ingress from the job.
   */
  readonly databaseServer: ec2.IConnectable;

  /**
   * The database port.
   *
   * @default - the default port of `databaseServer`'s connections, else 5432
   */
  readonly databasePort?: number;

  /**
   * When the dump runs: a cron expression of six fields, at most hourly, in UTC unless it names a time zone.
   *
   * @default - daily at 03:00 UTC (seed 000): `ScheduleExpression.cron({ minute: '0', hour: '3' })`
   */
  readonly schedule?: scheduler.ScheduleExpression;

  /**
   * Memory of the function in MiB (128-10240). Lambda gives one full vCPU at 1769 MiB; pg_dump compresses on the
   * client while the handler hashes and uploads, so the default leaves both a core.
   *
   * @default 2048
   */
  readonly memorySize?: number;

  /**
   * How long a run may take, 1-15 minutes (Lambda stops an invocation at 15). The handler's watchdog aborts the
   * upload cleanly shortly before.
   *
   * @default Duration.minutes(15)
   */
  readonly timeout?: Duration;

  /**
   * Size of `/tmp`, 512-10240 MiB. The dump is streamed to S3 without a temporary file.
   *
   * @default Size.mebibytes(512)
   */
  readonly ephemeralStorageSize?: Size;

  /**
   * pg_dump's compression of the archive. pg_dump compresses on one core and that is what bounds a dump's speed:
   * level 3 keeps a run within 1.3x of a bare `pg_dump > /dev/null` while the archive stays within a few percent
   * of level 6 (bench/README.md). With a PostgreSQL 16+ client, `DumpCompression.zstd()` is faster and smaller.
   *
   * @default DumpCompression.gzip(3)
   */
  readonly compression?: DumpCompression;

  /**
   * Part size of the multipart upload, whole MiB, 5 MiB-5 GiB (S3 limits). S3 allows 10,000 parts, so it bounds
   * the dump size (16 MiB parts: 156 GiB). The handler buffers a few parts, so at most a quarter of `memorySize`.
   *
   * @default Size.mebibytes(16)
   */
  readonly partSize?: Size;

  /**
   * S3 storage class the dump is written in, e.g. `s3.StorageClass.INFREQUENT_ACCESS` for dumps kept a month
   * (seed 001: "Logical backups, S3 Standard-IA"). Only classes that are readable at once and span Availability
   * Zones: `INFREQUENT_ACCESS`, `INTELLIGENT_TIERING`, `GLACIER_INSTANT_RETRIEVAL` (the verify job reads the newest
   * dump; GLACIER and DEEP_ARCHIVE are reached with the bucket's lifecycle). The manifest stays STANDARD.
   *
   * @default - STANDARD
   */
  readonly storageClass?: s3.StorageClass;

  /**
   * How long pg_dump (`--lock-wait-timeout`) and the manifest's row counts (`lock_timeout`) wait for a table that
   * another session holds an ACCESS EXCLUSIVE lock on (ALTER TABLE, TRUNCATE, VACUUM FULL, ...). Past it the run
   * fails naming the table and the session holding the lock, instead of waiting until the deadline. Whole seconds,
   * 1 second to 10 minutes, and at least 2 minutes shorter than `timeout` (the job stops 1 minute before it).
   *
   * @default Duration.minutes(1)
   */
  readonly lockWaitTimeout?: Duration;
}

/**
 * A scheduled `pg_dump` of one PostgreSQL database into the dump bucket (usually a `CrossAccountBucket` of the
 * backup account), running `lambda/pg-dump` in the jobs' container image (PostgreSQL client, RDS CA bundle).
 *
 * - a container-image Lambda function (x86_64) in the database's VPC, with its own security group: egress to the
 *   database port of `databaseServer` and to HTTPS (the AWS API endpoints) only; ingress to it from the job;
 * - an execution role that reads `databaseSecret` and writes only under `<prefix><databaseName>/` of the bucket:
 *   `s3:PutObject` and `s3:AbortMultipartUpload` (no read, no delete), `s3:ListBucket` for that prefix, and the
 *   bucket's key (`kms:GenerateDataKey`, `kms:Decrypt`) only through S3 for that bucket;
 * - an EventBridge Scheduler schedule (daily 03:00 UTC unless set) with retries, and an SQS dead-letter queue
 *   (SSE, TLS-only) that receives invocations the schedule could not deliver and runs that failed after Lambda's
 *   two retries;
 * - a KMS-encrypted log group (one year unless set);
 * - `metricBackupSuccess()`, `metricBackupSizeBytes()`, `metricBackupDurationSeconds()`.
 *
 * Each run writes `<prefix><databaseName>/<yyyy-mm-ddThh-mm-ssZ>.dump` (custom format; UTC, whole seconds, ':'
 * written as '-') and `<key>.manifest.json` with SSE-KMS, never overwriting a key. Synth needs neither Docker nor esbuild; deploy builds the image.
 *
 * Every permission of the job is in customer-managed policies (no inline policy). Grant the job more through the
 * job itself (`key.grantDecrypt(job)`): the statement lands in its policy. `lambdaFunction.role` is an immutable
 * view of the role, so statements added through the function are ignored.
 */
export class PgDumpJob extends Construct implements ec2.IConnectable, iam.IGrantable {
  /** The function that runs pg_dump. */
  public readonly lambdaFunction: lambda.IFunction;

  /** The function's execution role. Grant through the job (`grantPrincipal`), not through the role. */
  public readonly role: iam.IRole;

  /**
   * Grants to this principal are added to the job's customer-managed policy (attached to `role`), e.g. access to a
   * key of another account that encrypts the database secret.
   */
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

  /** The logical database name (metric dimension and key segment). */
  public readonly databaseName: string;

  /** Name of the dump bucket. */
  public readonly bucketName: string;

  /** Every key the job writes starts with this: `<prefix><databaseName>/`. */
  public readonly keyPrefix: string;

  /** Major version of the PostgreSQL client (pg_dump) in the job's image. */
  public readonly pgMajor: number;

  constructor(scope: Construct, id: string, props: PgDumpJobProps) {
    super(scope, id);

    checkDatabaseName(props.databaseName, this);
    const pgMajor = props.pgMajor ?? DEFAULT_PG_MAJOR;
    checkPgMajor(pgMajor, this);
    checkClientForServer(pgMajor, props.databaseServer, 'databaseServer', this);
    const memorySize = props.memorySize ?? 2048;
    const timeout = props.timeout ?? MAX_LAMBDA_TIMEOUT;
    const ephemeralStorageSize = props.ephemeralStorageSize ?? Size.mebibytes(512);
    const schedule = props.schedule ?? scheduler.ScheduleExpression.cron({ minute: '0', hour: '3', timeZone: TimeZone.ETC_UTC });
    validateRuntime(this, { memorySize, timeout, ephemeralStorageSize, schedule, roleName: props.roleName });
    const compression = props.compression ?? DumpCompression.gzip(3);
    if (compression.minimumClientMajor > pgMajor) {
      throw new ValidationError(
        `compression '${compression.value}' needs a PostgreSQL ${compression.minimumClientMajor}+ client but pgMajor ` +
          `is ${pgMajor}; use pgMajor ${DEFAULT_PG_MAJOR}, or DumpCompression.gzip()`,
        this,
      );
    }
    const partSizeMiB = checkPartSize(props.partSize ?? Size.mebibytes(16), memorySize, this);
    checkPort('databasePort', props.databasePort, this);
    const lockWaitSeconds = checkLockWaitTimeout(props.lockWaitTimeout ?? Duration.minutes(1), timeout, this);

    const bucket = resolveDumpBucket(this, props.dumpBucket, props.databaseName);
    const environment: { [key: string]: string } = {
      [DUMP_ENV.SECRET_ARN]: props.databaseSecret.secretArn,
      [DUMP_ENV.DATABASE]: props.databaseName,
      [DUMP_ENV.BUCKET]: bucket.bucketName,
      [DUMP_ENV.PREFIX]: bucket.prefix,
      [DUMP_ENV.BUCKET_OWNER]: bucket.ownerAccount,
      [DUMP_ENV.COMPRESSION]: compression.value,
      [DUMP_ENV.PART_SIZE_MIB]: partSizeMiB,
      [DUMP_ENV.LOCK_WAIT_TIMEOUT_SECONDS]: lockWaitSeconds,
      ...(props.storageClass ? { [DUMP_ENV.STORAGE_CLASS]: checkStorageClass(props.storageClass, this) } : {}),
      [DUMP_ENV.SSL_MODE]: SSL_MODE,
      [DUMP_ENV.SSL_ROOT_CERT]: RDS_CA_BUNDLE_PATH,
      ...(bucket.key ? { [DUMP_ENV.KMS_KEY]: bucket.key.arn } : {}),
    };

    const runtime = createJobRuntime(this, {
      databaseName: props.databaseName,
      job: 'pg-dump',
      description: Token.isUnresolved(bucket.bucketName)
        ? `pg_dump of ${props.databaseName} to the dump bucket under ${bucket.databasePrefix}`
        : `pg_dump of ${props.databaseName} to s3://${bucket.bucketName}/${bucket.databasePrefix}`,
      handler: PG_DUMP_HANDLER,
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

    props.databaseSecret.grantRead(runtime.grantee);
    grantDumpWrite(runtime.grantee, bucket);
    acknowledgeDumpGrants(runtime.policy, bucket, 'pg-dump', 'writes');
    allowJobTo(this, props.databaseServer, props.databasePort, 'PostgreSQL');
  }

  /**
   * Whether the runs succeeded (1) or failed (0): `BackupSuccess`, default statistic `Minimum` over 1 hour.
   */
  public metricBackupSuccess(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return JobMetrics.backupSuccess(this.databaseName, options);
  }

  /** Size of the dump objects, bytes: `BackupSizeBytes`, default statistic `Maximum` over 1 hour. */
  public metricBackupSizeBytes(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return JobMetrics.backupSizeBytes(this.databaseName, options);
  }

  /**
   * Duration of the successful runs (start until the dump object was complete), seconds: `BackupDurationSeconds`,
   * default statistic `Maximum` over 1 hour. A failed run reports no duration.
   */
  public metricBackupDurationSeconds(options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return JobMetrics.backupDurationSeconds(this.databaseName, options);
  }
}

/** A storage class a dump may be written in (`DUMP_STORAGE_CLASSES`), as S3's API names it. */
function checkStorageClass(storageClass: s3.StorageClass, scope: Construct): string {
  const value = storageClass.value;
  if (Token.isUnresolved(value) || value === 'STANDARD') {
    return value;
  }
  if (!(DUMP_STORAGE_CLASSES as readonly string[]).includes(value)) {
    throw new ValidationError(
      `storageClass is ${value}; a dump is written in a class readable at once and stored in several Availability ` +
        'Zones: s3.StorageClass.INFREQUENT_ACCESS, INTELLIGENT_TIERING or GLACIER_INSTANT_RETRIEVAL (move older dumps ' +
        "to GLACIER or DEEP_ARCHIVE with the bucket's lifecycle)",
      scope,
    );
  }
  return value;
}

/** S3: parts of 5 MiB to 5 GiB; the handler keeps a few in memory. Returns whole MiB as a string. */
function checkPartSize(partSize: Size, memorySize: number, scope: Construct): string {
  if (partSize.isUnresolved()) {
    return Token.asString(partSize.toMebibytes());
  }
  const mib = partSize.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
  if (!Number.isInteger(mib) || mib < 5 || mib > 5120) {
    throw new ValidationError(
      `partSize is ${mib} MiB; S3 multipart parts are 5 MiB-5 GiB, and the handler needs whole MiB (e.g. Size.mebibytes(16))`,
      scope,
    );
  }
  if (!Token.isUnresolved(memorySize) && mib * 4 > memorySize) {
    throw new ValidationError(
      `partSize is ${mib} MiB but memorySize is ${memorySize} MiB; the upload buffers a few parts, so a part may ` +
        `take at most a quarter of the memory (e.g. Size.mebibytes(${Math.max(5, Math.floor(memorySize / 4 / 8) * 8)}), ` +
        `or memorySize: ${mib * 4})`,
      scope,
    );
  }
  return String(mib);
}

/** Whole seconds of the lock wait, 1-600 and 2 minutes inside the timeout; a token is passed through unchecked. */
function checkLockWaitTimeout(lockWait: Duration, timeout: Duration, scope: Construct): string {
  if (isUnresolved(lockWait)) {
    return Token.asString(lockWait.toSeconds());
  }
  const seconds = lockWait.toSeconds({ integral: false });
  const limit = isUnresolved(timeout) ? 600 : Math.min(600, timeout.toSeconds() - 120);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > limit) {
    throw new ValidationError(
      `lockWaitTimeout is ${lockWait.toHumanString()}; it must be whole seconds from 1 second to ${limit} seconds ` +
        `(at most 10 minutes, and 2 minutes shorter than the job's timeout of ${isUnresolved(timeout) ? 'a token' : timeout.toHumanString()}), ` +
        'e.g. Duration.minutes(1)',
      scope,
    );
  }
  return String(seconds);
}
