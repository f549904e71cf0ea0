import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { DRILL_DIMENSION, DRILL_METRIC, JOB_METRICS_DATABASE_DIMENSION, JOB_METRICS_NAMESPACE } from '../private/job-contract';

/** The default statistic and period of each drill metric: the slowest restore of a day, the worst validation or age of an hour. */
const DEFAULTS: { readonly [metricName: string]: { readonly statistic: string; readonly period: Duration } } = {
  [DRILL_METRIC.RESTORE_DURATION_SECONDS]: { statistic: cloudwatch.Stats.MAXIMUM, period: Duration.days(1) },
  [DRILL_METRIC.RESTORE_VALIDATION_SUCCESS]: { statistic: cloudwatch.Stats.MINIMUM, period: Duration.hours(1) },
  [DRILL_METRIC.VALIDATED_RESTORE_AGE_SECONDS]: { statistic: cloudwatch.Stats.MAXIMUM, period: Duration.hours(1) },
};

/** A drill metric of one data store (dimensions `Database` and `Drill`), with its default statistic and period. */
export function drillMetric(drillName: string, metricName: string, databaseName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: JOB_METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { [JOB_METRICS_DATABASE_DIMENSION]: databaseName, [DRILL_DIMENSION]: drillName },
    ...DEFAULTS[metricName],
    ...props,
  });
}
