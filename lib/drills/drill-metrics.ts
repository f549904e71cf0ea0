import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/**
 * What `BackupAlarms.watchDrill()` reads of a drill: its data stores and its metrics (namespace `CdkBackupDr`,
 * dimensions `Database` and `Drill`). `RestoreDrill` and `PitrDrill` implement it.
 */
export interface IDrillMetrics {
  /** The `Drill` dimension. */
  readonly drillName: string;
  /** The `Database` dimension of every data store the drill restores (each timed). */
  readonly databaseNames: string[];
  /** The `Database` dimension of the data stores whose data is checked. */
  readonly validatedDatabases: string[];
  /**
   * The longest time between two validated restores while every run passes.
   *
   * @default - undefined when synth cannot read the schedule
   */
  readonly maxValidatedRestoreInterval?: Duration;
  /** `RestoreDurationSeconds` of one data store. */
  metricRestoreDuration(databaseName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** `RestoreValidationSuccess` of one data store. */
  metricRestoreValidationSuccess(databaseName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** `ValidatedRestoreAgeSeconds` of one data store. */
  metricValidatedRestoreAge(databaseName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}
