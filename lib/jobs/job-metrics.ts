import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import {
  JOB_METRIC_UNITS as CONTRACT_UNITS,
  JOB_METRICS_DATABASE_DIMENSION as CONTRACT_DIMENSION,
  JOB_METRICS_NAMESPACE as CONTRACT_NAMESPACE,
} from '../private/job-contract';
import { ValidationError } from '../private/validation';

// The metric contract between the constructs (alarms, dashboards) and the job handlers
// (lambda/pg-dump, lambda/verify-dump), which emit these metrics as CloudWatch Embedded Metric Format.
//
// The exported constants are plain strings so that TypeScript code, the handlers included, can use them
// as they are; other jsii languages read the same values from `JobMetrics` and `JobMetricName`.

/** CloudWatch namespace of every metric the dump and verify jobs emit. */
export const JOB_METRICS_NAMESPACE = CONTRACT_NAMESPACE;

/** The one dimension of every job metric: the name of the PostgreSQL database that was dumped or verified. */
export const JOB_METRICS_DATABASE_DIMENSION = CONTRACT_DIMENSION;

/**
 * Names of the job metrics. Each is emitted with the single dimension `Database` (never with more:
 * a metric with extra dimensions is a different metric and the alarms would not see it).
 */
export enum JobMetricName {
  /**
   * pg-dump, once per run: 1 when the dump object and its manifest were written, 0 when the run failed
   * (the failure metric is flushed before the error is rethrown). Unit `Count`.
   */
  BACKUP_SUCCESS = 'BackupSuccess',

  /** pg-dump, once per successful run: size of the dump object in bytes. Unit `Bytes`. */
  BACKUP_SIZE_BYTES = 'BackupSizeBytes',

  /**
   * pg-dump, once per successful run: seconds from the start of the run until the dump object was complete (the
   * manifest is written after). A failed run emits no duration. Unit `Seconds`.
   */
  BACKUP_DURATION_SECONDS = 'BackupDurationSeconds',

  /**
   * verify-dump, once per run: 1 when the newest dump was restored and passed every check, 0 otherwise
   * (no dump found, checksum mismatch, pg_restore error, a check outside its tolerance). Unit `Count`.
   */
  VERIFICATION_SUCCESS = 'VerificationSuccess',

  /**
   * verify-dump, once per successful verification: seconds between the creation of the dump that
   * was verified (its timestamp in the key / manifest) and the end of the run, i.e. how old the
   * newest backup known to restore was at that moment. Unit `Seconds`.
   */
  VERIFIED_BACKUP_AGE_SECONDS = 'VerifiedBackupAgeSeconds',

  /**
   * verify-dump, once per run that reached pg_restore: seconds from the start of the download to the end of the restore into
   * the scratch database, the time a restore from the bucket takes. Unit `Seconds`.
   */
  RESTORE_DURATION_SECONDS = 'RestoreDurationSeconds',
  /**
   * verify-dump, once per run that listed the dumps: 1 when the newest manifest in the bucket has no dump object
   * beside it (the newest backup was deleted or never completed its upload while its manifest was written), 0 when
   * it has one. Unit `Count`.
   */
  NEWEST_DUMP_MISSING = 'NewestDumpMissing',
}

/**
 * The CloudWatch unit each job metric is emitted with; the strings are also Powertools `MetricUnit` values.
 *
 * The factories below do not filter on unit: a metric read with a unit sees only the datapoints emitted
 * with exactly that unit, so a mismatch between emitter and reader would silently hide every datapoint
 * from the alarms. The unit is part of the contract for what the dashboards show, not a filter.
 */
export const JOB_METRIC_UNITS: { readonly [metricName: string]: string } = CONTRACT_UNITS;

/**
 * Factories for the metrics that `PgDumpJob` (`lambda/pg-dump`) and `DumpVerifyJob`
 * (`lambda/verify-dump`) emit: namespace `CdkBackupDr`, dimension `Database`.
 *
 * Each factory sets a default statistic and period chosen for a dashboard; alarms pass their own
 * (e.g. `BackupAlarms` reads `BackupSuccess` with `Maximum` for "any success" and `Minimum` for
 * "any failure"). `options` override the defaults; the `Database` dimension is always set.
 *
 * The jobs emit one datapoint per run (daily or a few times a day), so most periods hold no data:
 * every alarm on these metrics chooses its missing-data treatment deliberately.
 *
 * Every job metric has exactly one dimension, `Database`; a datapoint emitted with more dimensions is a
 * different metric that these factories (and the alarms) do not see, so `options.dimensionsMap` is refused.
 */
export class JobMetrics {
  /** CloudWatch namespace of the job metrics: `CdkBackupDr`. */
  public static readonly NAMESPACE = JOB_METRICS_NAMESPACE;

  /** Dimension that names the database: `Database`. */
  public static readonly DATABASE_DIMENSION = JOB_METRICS_DATABASE_DIMENSION;

  /** Default period of the factories: one hour. */
  public static readonly DEFAULT_PERIOD = Duration.hours(1);

  /** The unit a job metric is emitted with. */
  public static unitOf(metricName: JobMetricName): cloudwatch.Unit {
    const unit = JOB_METRIC_UNITS[metricName];
    if (unit === undefined) {
      throw new ValidationError(
        `metricName '${metricName}' is not a job metric; use one of ${Object.values(JobMetricName).join(', ')}`,
      );
    }
    return unit as cloudwatch.Unit;
  }

  /**
   * Whether the last pg_dump runs of a database succeeded (1) or failed (0).
   * Default statistic `Minimum` over 1 hour: 0 when any run in the hour failed, 1 when all runs succeeded,
   * no datapoint when no run ended in the hour.
   */
  public static backupSuccess(database: string, options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return JobMetrics.metric(JobMetricName.BACKUP_SUCCESS, database, cloudwatch.Stats.MINIMUM, options);
  }

  /** Size of the dump objects of a database, bytes. Default statistic `Maximum` over 1 hour. */
  public static backupSizeBytes(database: string, options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return JobMetrics.metric(JobMetricName.BACKUP_SIZE_BYTES, database, cloudwatch.Stats.MAXIMUM, options);
  }

  /** Duration of the pg_dump runs of a database, seconds. Default statistic `Maximum` over 1 hour. */
  public static backupDurationSeconds(database: string, options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return JobMetrics.metric(JobMetricName.BACKUP_DURATION_SECONDS, database, cloudwatch.Stats.MAXIMUM, options);
  }

  /**
   * Whether the last restore verifications of a database passed (1) or failed (0).
   * Default statistic `Minimum` over 1 hour: 0 when any verification in the hour failed.
   */
  public static verificationSuccess(database: string, options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return JobMetrics.metric(JobMetricName.VERIFICATION_SUCCESS, database, cloudwatch.Stats.MINIMUM, options);
  }

  /**
   * Age of the dump that the last successful verification restored, seconds.
   * Default statistic `Maximum` over 1 hour.
   */
  public static verifiedBackupAgeSeconds(database: string, options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return JobMetrics.metric(JobMetricName.VERIFIED_BACKUP_AGE_SECONDS, database, cloudwatch.Stats.MAXIMUM, options);
  }

  /** Duration of the verification restores of a database, seconds. Default statistic `Maximum` over 1 hour. */
  public static restoreDurationSeconds(database: string, options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return JobMetrics.metric(JobMetricName.RESTORE_DURATION_SECONDS, database, cloudwatch.Stats.MAXIMUM, options);
  }

  /**
   * Whether the newest manifest of a database had no dump object beside it (1) or had one (0).
   * Default statistic `Maximum` over 1 hour: 1 when any run in the hour found the newest dump missing.
   */
  public static newestDumpMissing(database: string, options?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return JobMetrics.metric(JobMetricName.NEWEST_DUMP_MISSING, database, cloudwatch.Stats.MAXIMUM, options);
  }

  private static metric(
    metricName: JobMetricName,
    database: string,
    statistic: string,
    options: cloudwatch.MetricOptions = {},
  ): cloudwatch.Metric {
    if (options.dimensionsMap !== undefined) {
      throw new ValidationError(
        `dimensionsMap is set for job metric ${metricName}; job metrics have exactly one dimension, ` +
          `${JOB_METRICS_DATABASE_DIMENSION}, taken from the database argument: remove dimensionsMap`,
      );
    }
    if (!Token.isUnresolved(database) && database.trim() === '') {
      throw new ValidationError(
        `database '${database}' is empty; pass the name of the PostgreSQL database the job dumps (e.g. 'orders')`,
      );
    }
    return new cloudwatch.Metric({
      period: JobMetrics.DEFAULT_PERIOD,
      statistic,
      ...options,
      namespace: JOB_METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { [JOB_METRICS_DATABASE_DIMENSION]: database },
    });
  }

  private constructor() {}
}
