import { Duration } from 'aws-cdk-lib';

/**
 * Tuning of one alarm family of `BackupAlarms`. Every field is optional; what `threshold` measures and
 * the defaults are documented on the family's prop (for example `BackupAlarmsProps.dumpDuration`).
 */
export interface AlarmTuning {
  /**
   * Whether the alarms of this family are created.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * The threshold, in the unit the family documents (seconds, bytes, percent, a count).
   * Families whose threshold is fixed by their meaning (a success flag below 1) refuse it, and so does
   * `backupStorage`, whose threshold is each database's `maxBackupStorage`.
   *
   * @default - the family's default
   */
  readonly threshold?: number;

  /**
   * Length of one evaluated datapoint: 10 or 30 seconds (high-resolution metrics only), or a multiple of
   * 60 seconds. CloudWatch alarms also take 20 seconds, but aws-cdk-lib's `Metric`, which builds the metric of
   * every family, does not; `addAlarm` and the metrics of a `ReplicationWatch` may have a 20-second period.
   *
   * @default - the family's default
   */
  readonly period?: Duration;

  /**
   * Number of most recent periods the alarm evaluates. `period` × `evaluationPeriods` may not exceed
   * 7 days, or 1 day when the period is shorter than 1 hour (CloudWatch limits).
   *
   * @default - the family's default
   */
  readonly evaluationPeriods?: number;

  /**
   * How many of the evaluated periods must breach ("M out of N"); 1 to `evaluationPeriods`.
   *
   * @default - the family's default, at most `evaluationPeriods` (for most families: all evaluated periods)
   */
  readonly datapointsToAlarm?: number;
}
