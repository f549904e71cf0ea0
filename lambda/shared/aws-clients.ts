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

/** The name of the middleware `sendChecksummedBodiesUnsigned` adds to a client's stack. */
export const UNSIGNED_BODY_MIDDLEWARE = 'cdkBackupDrUnsignedChecksummedBody';

/**
 * The headers that carry a checksum of the request body (not `x-amz-checksum-algorithm`, `-mode` or `-type`, which
 * CreateMultipartUpload, GetObject and CompleteMultipartUpload carry without one).
 */
const BODY_CHECKSUM_HEADER = /^x-amz-checksum-(crc32|crc32c|crc64nvme|sha1|sha256)$/i;

/** The parts of an S3 (or any smithy) client's middleware stack `sendChecksummedBodiesUnsigned` uses. */
interface MiddlewareStackLike {
  identify(): string[];
  addRelativeTo(
    middleware: (next: (args: { request: unknown }) => Promise<unknown>) => (args: { request: unknown }) => Promise<unknown>,
    options: { relation: 'before'; toMiddleware: string; name: string },
  ): void;
}

/**
 * Makes `client` send each request body that carries its checksum (`x-amz-checksum-crc32` and the like; the SDK adds CRC32
 * to every UploadPart and PutObject by default) as `UNSIGNED-PAYLOAD` instead of hashing the whole body with
 * SHA-256 for the signature, as the AWS CLI does over HTTPS. S3 still verifies each body against its checksum, the
 * signature still covers every header including that checksum, and in AWS the bodies travel only over TLS (the
 * dump bucket denies requests without it). The saving is a synchronous SHA-256 of every 16 MiB part on the event
 * loop that reads pg_dump's output: about 15 ms per part, during which pg_dump's pipe fills and pg_dump waits.
 * Idempotent: a client that has the middleware is returned unchanged. An organization policy that denies
 * `s3:x-amz-content-sha256` = `UNSIGNED-PAYLOAD` refuses these uploads (README, "Jobs").
 */
export function sendChecksummedBodiesUnsigned<T extends { middlewareStack: unknown }>(client: T): T {
  const stack = client.middlewareStack as MiddlewareStackLike;
  if (stack.identify().some((entry) => entry.startsWith(`${UNSIGNED_BODY_MIDDLEWARE} `))) {
    return client;
  }
  stack.addRelativeTo((next) => async (args) => {
    const headers = (args.request as { headers?: Record<string, string> }).headers;
    if (headers && Object.keys(headers).some((name) => BODY_CHECKSUM_HEADER.test(name))) {
      headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
    }
    return next(args);
  }, { relation: 'before', toMiddleware: 'httpSigningMiddleware', name: UNSIGNED_BODY_MIDDLEWARE });
  return client;
}
