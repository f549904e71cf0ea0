// The deadline watchdog of a dump. A run does not start with less than `safetyMarginMs` left before the Lambda
// deadline; once it is that close, the watchdog stops pg_dump, which aborts the upload. If the upload has still not
// settled at half the safety margin (e.g. a hung part), the watchdog aborts it without waiting any longer.
import { ProgressFigures } from '../shared/logger';

/** How far the watchdog has gone; it only moves forward, and each step is taken at most once. */
export type WatchdogStage = 'armed' | 'dumpStopped' | 'uploadAborted';

/** What the watchdog needs to know of a run. */
export interface WatchdogView {
  readonly stage: WatchdogStage;
  /** The dump stream was ended: the upload may complete, pg_dump is no longer stopped. */
  readonly streamEnded: boolean;
  readonly uploadSettled: boolean;
}

export type WatchdogAction = 'stopDump' | 'abortUpload';

/** What the watchdog does with `leftMs` before the deadline; undefined for nothing. */
export function watchdogAction(view: WatchdogView, leftMs: number, safetyMarginMs: number): WatchdogAction | undefined {
  if (view.stage === 'armed' && !view.streamEnded && leftMs <= safetyMarginMs) {
    return 'stopDump';
  }
  if (view.stage !== 'uploadAborted' && !view.uploadSettled && leftMs <= safetyMarginMs / 2) {
    return 'abortUpload';
  }
  return undefined;
}

/** Throws unless more than the safety margin is left: a dump is not started that the watchdog would stop. */
export function checkTimeToStart(leftMs: number, safetyMarginMs: number): void {
  if (leftMs <= safetyMarginMs) {
    throw new Error(`watchdog: only ${leftMs} ms left before the deadline, less than the safety margin of ${safetyMarginMs} ms; not starting the dump`);
  }
}

/** The failure of a run the watchdog stopped (`stopDump`). */
export function deadlineError(leftMs: number, safetyMarginMs: number, figures: ProgressFigures): Error {
  return new Error(
    `watchdog: stopped pg_dump ${Math.round(leftMs / 1000)} s before the deadline (safety margin ${safetyMarginMs / 1000} s) ` +
    `after ${figures.bytes} bytes (${figures.mibPerSecond} MiB/s); the upload was aborted. ` +
    'Raise the job timeout (Lambda max 15 min), use faster compression, or dump less per run',
  );
}

/** The failure of a run whose upload the watchdog aborted (`abortUpload`). */
export function uploadNotStoppedError(location: string): Error {
  return new Error(`watchdog: the upload to ${location} did not stop within half the safety margin; aborted it`);
}

/** Calls `tick` every `intervalMs` until stopped; the timer does not keep the process alive. */
export function startWatchdog(intervalMs: number, tick: () => void): { stop(): void } {
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
