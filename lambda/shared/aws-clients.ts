// Every AWS call of the jobs is bounded: a client-side connection and socket timeout on each request, and a signal
// that aborts the call before the run's deadline, so a stalled endpoint fails the run with its failure metric
// instead of holding it until Lambda stops it (which sends no metric at all).

/** Request handler options for the S3 and Secrets Manager clients of the jobs. */
export const JOB_CLIENT_CONFIG = {
  requestHandler: {
    /** Milliseconds to establish the TCP connection. */
    connectionTimeout: 5_000,
    /** Milliseconds a request may go without a byte moving before it fails (and is retried by the SDK). */
    requestTimeout: 30_000,
  },
} as const;

/**
 * A signal that aborts a call once only `reserveMs` are left before the deadline; undefined without a deadline.
 * Already aborted when that time has passed (the call then fails at once, with the reason).
 */
export function deadlineSignal(remainingMs: number | undefined, reserveMs: number): AbortSignal | undefined {
  if (remainingMs === undefined || !Number.isFinite(remainingMs)) {
    return undefined;
  }
  const leftMs = remainingMs - reserveMs;
  if (leftMs <= 0) {
    return AbortSignal.abort(new Error(`no time left before the deadline (${Math.round(remainingMs)} ms, reserve ${reserveMs} ms)`));
  }
  return AbortSignal.timeout(leftMs);
}
