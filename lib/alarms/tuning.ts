import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { checkRange, isUnresolved, ValidationError } from '../private/validation';
import { AlarmTuning } from './alarm-tuning';

/** The defaults of one alarm family, and the bounds its tuning must respect. */
export interface FamilyDefaults {
  /** Default threshold; undefined for families whose threshold is fixed (`fixedThreshold`) or given per subject. */
  readonly threshold?: number;
  /** The threshold of a success flag (1): tuning refuses a threshold. */
  readonly fixedThreshold?: number;
  /** What the threshold comes from when each subject brings its own (tuning refuses a threshold). */
  readonly thresholdPerSubject?: string;
  /** Unit of the threshold in messages. */
  readonly unit: string;
  /** Bounds of the threshold beyond "greater than 0". */
  readonly min?: number;
  readonly max?: number;
  /** Default period; undefined when the alarm uses the period of a metric it was given. */
  readonly period?: Duration;
  readonly evaluationPeriods: number;
  /** Default datapoints to alarm; undefined means all evaluated periods. */
  readonly datapointsToAlarm?: number;
  /** Every evaluated period must breach, whatever the tuning (the alarm means "none in the window"). */
  readonly allPeriodsMustBreach?: boolean;
  readonly minEvaluationPeriods?: number;
}

/** A family's tuning with its defaults applied and checked. */
export interface ResolvedTuning {
  readonly family: string;
  /** The family's threshold; undefined when each subject brings its own. */
  readonly threshold?: number;
  /**
   * The period of the alarm's metric. For families that take the period of a metric they are given
   * (`FamilyDefaults.period` undefined), only `periodOverride` is known here: see `periodForMetric`.
   */
  readonly period: Duration;
  /** The period given in the tuning, if any. */
  readonly periodOverride?: Duration;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
}

/**
 * Applies a family's defaults to its tuning and checks it, once per `BackupAlarms`. Undefined when the family is
 * turned off.
 */
export function resolveTuning(
  family: string,
  defaults: FamilyDefaults,
  tuning: AlarmTuning | undefined,
  scope: Construct,
): ResolvedTuning | undefined {
  const t = tuning ?? {};
  if (t.enabled === false) {
    return undefined;
  }
  const threshold = resolveThreshold(family, defaults, t.threshold, scope);

  const evaluationPeriods = t.evaluationPeriods ?? defaults.evaluationPeriods;
  const datapointsToAlarm = t.datapointsToAlarm
    ?? (defaults.datapointsToAlarm !== undefined ? Math.min(defaults.datapointsToAlarm, evaluationPeriods) : evaluationPeriods);
  checkEvaluation(family, evaluationPeriods, datapointsToAlarm, defaults.minEvaluationPeriods ?? 1, scope);
  if (!Token.isUnresolved(evaluationPeriods)) {
    if (defaults.allPeriodsMustBreach && !Token.isUnresolved(datapointsToAlarm) && datapointsToAlarm !== evaluationPeriods) {
      throw new ValidationError(
        `${family}.datapointsToAlarm is ${datapointsToAlarm} but evaluationPeriods is ${evaluationPeriods}; this alarm `
          + 'means "no success in any evaluated period", so every period must breach: remove datapointsToAlarm or '
          + `set it to ${evaluationPeriods}`,
        scope,
      );
    }
  }

  const periodOverride = t.period;
  if (periodOverride) {
    checkPeriod(`${family}.period`, periodOverride, scope);
    if (!isUnresolved(periodOverride) && periodOverride.toSeconds({ integral: false }) === 20) {
      // aws-cdk-lib's Metric, which builds (or re-periods) the metric of every family, refuses 20 seconds.
      throw new ValidationError(
        `${family}.period is 20 seconds; CloudWatch alarms take it, but aws-cdk-lib's Metric, which builds this `
          + 'alarm\'s metric, does not: use 10 or 30 seconds or a multiple of 60 seconds (e.g. Duration.seconds(30))',
        scope,
      );
    }
  }
  const effectivePeriod = periodOverride ?? defaults.period;
  if (effectivePeriod) {
    checkWindow(family, effectivePeriod, evaluationPeriods, scope);
  }
  const period = effectivePeriod ?? Duration.minutes(5);

  return { family, threshold, period, periodOverride, evaluationPeriods, datapointsToAlarm };
}

function resolveThreshold(family: string, defaults: FamilyDefaults, given: number | undefined, scope: Construct): number | undefined {
  if (defaults.fixedThreshold !== undefined || defaults.thresholdPerSubject !== undefined) {
    if (given !== undefined) {
      const why = defaults.fixedThreshold !== undefined
        ? "this alarm's threshold is fixed (a success flag below 1); remove threshold and tune period / evaluationPeriods instead"
        : `each alarm of this family takes its threshold from ${defaults.thresholdPerSubject}; remove threshold and set that instead`;
      throw new ValidationError(`${family}.threshold is ${given}, but ${why}`, scope);
    }
    return defaults.fixedThreshold;
  }
  const threshold = given ?? defaults.threshold!;
  if (Token.isUnresolved(threshold)) {
    return threshold;
  }
  if (!Number.isFinite(threshold) || threshold <= 0) {
    throw new ValidationError(
      `${family}.threshold is ${threshold} ${defaults.unit}; it must be greater than 0 (e.g. ${defaults.threshold})`,
      scope,
    );
  }
  if ((defaults.min !== undefined && threshold < defaults.min) || (defaults.max !== undefined && threshold > defaults.max)) {
    throw new ValidationError(
      `${family}.threshold is ${threshold} ${defaults.unit}; allowed range is ${defaults.min}-${defaults.max} `
        + `${defaults.unit}, given as a percentage, not a fraction (e.g. ${defaults.threshold} for ${defaults.threshold} %)`,
      scope,
    );
  }
  return threshold;
}

/**
 * The period of an alarm on a metric the family is given rather than builds: the tuning's period, else the metric's
 * own, checked with the tuning's evaluation window.
 */
export function periodForMetric(tuning: ResolvedTuning, metric: cloudwatch.IMetric, scope: Construct): Duration | undefined {
  const given = metricPeriod(metric);
  if (!tuning.periodOverride && given) {
    checkPeriod(`${tuning.family}: the given metric's period`, given, scope);
  }
  const period = tuning.periodOverride ?? given;
  if (period) {
    checkWindow(tuning.family, period, tuning.evaluationPeriods, scope);
  }
  return period;
}

/** The period of a metric or math expression, when it has one. */
export function metricPeriod(metric: cloudwatch.IMetric): Duration | undefined {
  const config = metric.toMetricConfig();
  if (config.metricStat) {
    return config.metricStat.period;
  }
  if (config.mathExpression) {
    return Duration.seconds(config.mathExpression.period);
  }
  return undefined;
}

/** A metric with another period, for the metrics a family is given rather than builds. */
export function withPeriod(family: string, metric: cloudwatch.IMetric, period: Duration | undefined, scope: Construct): cloudwatch.IMetric {
  if (!period) {
    return metric;
  }
  const withFn = (metric as { with?: (options: cloudwatch.MetricOptions) => cloudwatch.IMetric }).with;
  if (typeof withFn !== 'function') {
    throw new ValidationError(
      `${family}.period is set, but the given metric cannot change its period (it is neither a Metric nor a `
        + 'MathExpression); remove period and give the metric with the period you want',
      scope,
    );
  }
  return withFn.call(metric, { period });
}

/** CloudWatch: period × evaluation periods <= 7 days; <= 1 day when the period is shorter than 1 hour. */
const MAX_WINDOW_SECONDS = 7 * 86400;
const MAX_SHORT_PERIOD_WINDOW_SECONDS = 86400;

/**
 * evaluationPeriods: a whole number >= `min`; datapointsToAlarm: a whole number in [1, evaluationPeriods].
 */
export function checkEvaluation(
  prop: string,
  evaluationPeriods: number,
  datapointsToAlarm: number,
  min: number,
  scope: Construct,
): void {
  if (Token.isUnresolved(evaluationPeriods)) {
    return;
  }
  if (!Number.isInteger(evaluationPeriods) || evaluationPeriods < min) {
    const why = min > 1 ? ' so that the newest period always has its predecessor in the evaluated range' : '';
    throw new ValidationError(
      `${prop}.evaluationPeriods is ${evaluationPeriods}; it must be a whole number of at least ${min}${why} `
        + `(e.g. ${Math.max(min, Math.round(evaluationPeriods) || 1)})`,
      scope,
    );
  }
  checkRange(`${prop}.datapointsToAlarm`, datapointsToAlarm, 1, evaluationPeriods, 'datapoints', scope);
}

/**
 * CloudWatch alarm periods (PutMetricAlarm `Period`): 10, 20 or 30 seconds (high-resolution metrics) or a multiple of
 * 60 seconds. There is no separate maximum: the window check (period × evaluation periods <= 7 days) bounds it.
 */
const HIGH_RESOLUTION_PERIODS = [10, 20, 30];

export function checkPeriod(prop: string, period: Duration, scope: Construct): void {
  if (isUnresolved(period)) {
    return;
  }
  const seconds = period.toSeconds({ integral: false });
  if (!(HIGH_RESOLUTION_PERIODS.includes(seconds) || (Number.isInteger(seconds) && seconds > 0 && seconds % 60 === 0))) {
    const fix = Math.max(60, Math.round(seconds / 60) * 60);
    throw new ValidationError(
      `${prop} is ${period.toHumanString()}; CloudWatch alarms take 10, 20 or 30 seconds or a multiple of 60 seconds `
        + `(e.g. Duration.seconds(${fix}))`,
      scope,
    );
  }
}

/** CloudWatch alarm window: period × evaluationPeriods <= 7 days, or <= 1 day when the period is under 1 hour. */
export function checkWindow(prop: string, period: Duration, evaluationPeriods: number, scope: Construct): void {
  if (isUnresolved(period) || Token.isUnresolved(evaluationPeriods)) {
    return;
  }
  const periodSeconds = period.toSeconds({ integral: false });
  const windowSeconds = periodSeconds * evaluationPeriods;
  const max = periodSeconds < 3600 ? MAX_SHORT_PERIOD_WINDOW_SECONDS : MAX_WINDOW_SECONDS;
  if (windowSeconds > max) {
    const maxPeriods = Math.floor(max / periodSeconds);
    throw new ValidationError(
      `${prop}: period ${period.toHumanString()} × evaluationPeriods ${evaluationPeriods} is `
        + `${Duration.seconds(windowSeconds).toHumanString()}; CloudWatch allows at most `
        + `${periodSeconds < 3600 ? '1 day for periods under 1 hour' : '7 days'} `
        + `(e.g. evaluationPeriods ${maxPeriods}${periodSeconds < 3600 ? ', or a period of at least 1 hour' : ''})`,
      scope,
    );
  }
}
