// Structured JSON logs (Powertools Logger) with the job, database and key on every line, and progress lines.
import { Logger } from '@aws-lambda-powertools/logger';

export type { Logger };

/** Log level names accepted by Powertools Logger. */
export type JobLogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';

/** A logger whose every line carries `job` and `database`; add `key` / `bucket` with `logger.appendKeys`. */
export function createJobLogger(job: string, database: string, options: { readonly logLevel?: JobLogLevel } = {}): Logger {
  return new Logger({
    serviceName: 'cdk-backup-dr',
    logLevel: options.logLevel ?? (process.env.POWERTOOLS_LOG_LEVEL as JobLogLevel | undefined) ?? 'INFO',
    persistentKeys: { job, database },
  });
}

export interface ProgressOptions {
  /** Interval between progress lines. */
  readonly intervalMs: number;
  /** The byte count so far. */
  readonly bytes: () => number;
  /** The log message; default 'progress'. */
  readonly message?: string;
  /** Extra fields for each line. */
  readonly extra?: () => Record<string, unknown>;
}

export interface ProgressTicker {
  /** Stops the ticker and returns the final figures. */
  stop(): ProgressFigures;
}

export interface ProgressFigures {
  readonly bytes: number;
  readonly mib: number;
  readonly seconds: number;
  readonly mibPerSecond: number;
}

/** Figures for `bytes` transferred in `seconds`, rounded for logs. */
export function progressFigures(bytes: number, seconds: number): ProgressFigures {
  const mib = bytes / (1024 * 1024);
  return {
    bytes,
    mib: Math.round(mib * 100) / 100,
    seconds: Math.round(seconds * 10) / 10,
    mibPerSecond: seconds > 0 ? Math.round((mib / seconds) * 100) / 100 : 0,
  };
}

/** Logs `{ bytes, mib, seconds, mibPerSecond, ...extra }` every `intervalMs` until stopped. */
export function startProgress(logger: Logger, options: ProgressOptions): ProgressTicker {
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
  const timer = setInterval(() => {
    logger.info(options.message ?? 'progress', { ...progressFigures(options.bytes(), elapsed()), ...options.extra?.() });
  }, options.intervalMs);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      return progressFigures(options.bytes(), elapsed());
    },
  };
}
