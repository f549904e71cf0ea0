// Job metrics: a small recorder interface, implemented with Powertools Metrics (EMF on stdout) in Lambda and in
// memory in tests. Namespace, metric names, units and the one `Database` dimension come from the job contract.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { JOB_METRIC_UNITS, JOB_METRICS_DATABASE_DIMENSION, JOB_METRICS_NAMESPACE } from '../../lib/private/job-contract';

export interface MetricsRecorder {
  /** Stores one value; `unit` is a CloudWatch unit ('Count', 'Bytes', 'Seconds', ...). */
  add(name: string, unit: string, value: number): void;
  /** Publishes the stored values (EMF: one JSON line on stdout) and clears them. */
  flush(): void;
}

/** Adds a job metric with the unit the contract gives it. */
export function recordJobMetric(recorder: MetricsRecorder, name: string, value: number): void {
  const unit = JOB_METRIC_UNITS[name];
  if (unit === undefined) {
    throw new Error(`metric ${name} is not a job metric of the contract (${Object.keys(JOB_METRIC_UNITS).join(', ')})`);
  }
  recorder.add(name, unit, value);
}

export interface RecordedMetric {
  readonly name: string;
  readonly unit: string;
  readonly value: number;
}

/** A recorder for tests: `flushed` holds every value published by `flush()`, `pending` what is not yet flushed. */
export class InMemoryMetricsRecorder implements MetricsRecorder {
  public readonly flushed: RecordedMetric[] = [];
  public readonly pending: RecordedMetric[] = [];
  public flushCount = 0;

  public add(name: string, unit: string, value: number): void {
    this.pending.push({ name, unit, value });
  }

  public flush(): void {
    this.flushed.push(...this.pending.splice(0));
    this.flushCount += 1;
  }

  /** The flushed values of one metric, in order. */
  public values(name: string): number[] {
    return this.flushed.filter((metric) => metric.name === name).map((metric) => metric.value);
  }
}

const UNITS = new Set<string>(Object.values(MetricUnit));

/**
 * Powertools Metrics with namespace `CdkBackupDr` and the dimension `Database` (and those given). Powertools adds a
 * `service` default dimension of its own; it is removed, because CloudWatch identifies a metric by all of its
 * dimensions and the alarms of the constructs use these alone.
 */
export class PowertoolsMetricsRecorder implements MetricsRecorder {
  private readonly metrics: Metrics;

  /** `options.dimensions` are added to `Database` (the drill validator's `Drill`). */
  public constructor(database: string, options: { readonly namespace?: string; readonly dimensions?: Record<string, string> } = {}) {
    this.metrics = new Metrics({ namespace: options.namespace ?? JOB_METRICS_NAMESPACE });
    this.metrics.clearDefaultDimensions();
    this.metrics.setDefaultDimensions({ [JOB_METRICS_DATABASE_DIMENSION]: database, ...options.dimensions });
  }

  public add(name: string, unit: string, value: number): void {
    if (!UNITS.has(unit)) {
      throw new Error(`metric ${name}: '${unit}' is not a CloudWatch unit`);
    }
    this.metrics.addMetric(name, unit as (typeof MetricUnit)[keyof typeof MetricUnit], value);
  }

  public flush(): void {
    this.metrics.publishStoredMetrics();
  }
}
