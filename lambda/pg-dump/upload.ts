// The dump stream: pg_dump's stdout → DumpDigest → a lib-storage multipart upload with SSE-KMS and
// `If-None-Match: *`, watched by the deadline watchdog. `DumpUpload` holds the whole state of one stream; only its
// methods change it.
//
// The upload completes only when pg_dump exited 0, its output began with `PGDMP` and the row counts were taken:
// the digest stream is ended only then, and lib-storage completes a multipart upload only when its input ends (a
// dump smaller than one part is sent by a single PutObject, also only at the end). Any failure destroys the stream
// instead, which makes lib-storage give up; the multipart upload is then aborted with our own AbortMultipartUpload
// (lib-storage's `leavePartsOnError`: its own abort would replace the failure's cause with the abort's error when S3
// is unreachable, and a failed abort is reported after the cause). Memory is bounded: no temp file, at most about (queueSize + 2) x partSize bytes are buffered.
import { ChildProcess } from 'node:child_process';
import { AbortMultipartUploadCommand, StorageClass } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { sendChecksummedBodiesUnsigned } from '../shared/aws-clients';
import { Logger, progressFigures, ProgressTicker, startProgress } from '../shared/logger';
import { errorMessage } from '../shared/secret';
import { S3Target } from './bucket';
import { DumpDigest } from './digest';
import { ExitStatus, PgDumpProcess } from './pg-dump-process';
import { Settled } from './row-counts';
import { LOCK_NOT_AVAILABLE, lockedTableOf } from './locks';
import { deadlineError, startWatchdog, uploadNotStoppedError, watchdogAction, WatchdogStage } from './watchdog';

/** How long a run whose pg_dump lost its snapshot waits for the row counts' failure, the first cause. */
const SNAPSHOT_CAUSE_WAIT_MS = 5_000;

function sleep(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms).unref());
}

export interface StreamOptions extends S3Target {
  readonly key: string;
  readonly kmsKeyId?: string;
  readonly storageClass?: StorageClass;
  readonly partSizeBytes: number;
  readonly queueSize: number;
  readonly pgDumpPath: string;
  readonly pgDumpArgs: readonly string[];
  /** Whether pg_dump runs under stdbuf (checked once by the caller); default: checked when pg_dump starts. */
  readonly useStdbuf?: boolean;
  readonly env: NodeJS.ProcessEnv;
  /** The manifest's row counts, taken while pg_dump runs; the upload completes only if they succeeded. */
  readonly rowCounts: Promise<Settled<unknown>>;
  readonly logger: Logger;
  /** Milliseconds left before the deadline. */
  readonly remaining: () => number;
  readonly safetyMarginMs: number;
  readonly watchdogIntervalMs: number;
  readonly progressIntervalMs: number;
  readonly onBytes?: (bytesSoFar: number, pgDump: ChildProcess) => void;
  /** How long pg_dump and the row counts wait for a table lock (for messages); default unknown. */
  readonly lockWaitMs?: number;
  /** The sessions holding the lock on a table the run could not lock, described; for the error. */
  readonly lockHolders?: (table: string) => Promise<string | undefined>;
}

/** The completed dump object. */
export interface UploadedDump {
  readonly sizeBytes: number;
  readonly sha256: string;
}

/** Streams one pg_dump run into `options.key`; resolves once the object is complete, rejects with the first failure. */
export async function streamDumpToS3(options: StreamOptions): Promise<UploadedDump> {
  return new DumpUpload(options).run();
}

/**
 * One dump stream and its state. The state moves only through these methods:
 * - `fail`: the first failure is kept (later ones are consequences); pg_dump is stopped and, unless the stream
 *   has ended, the stream is destroyed so that lib-storage gives up the upload (aborted in `confirmAborted`);
 * - `endStream`: after pg_dump exited 0 with a PGDMP header and the row counts succeeded, the stream is ended
 *   and lib-storage may complete the upload; a later failure (the upload's own) no longer destroys the stream;
 * - `uploadCompleted` / `uploadFailed`: the upload settled (a failure goes through `fail`);
 * - `watchdogTick`: moves the watchdog from `armed` to `dumpStopped` (pg_dump stopped, the upload aborted) and to
 *   `uploadAborted` (the upload did not wind down in time and was aborted without waiting).
 */
class DumpUpload {
  private failure: Error | undefined;
  private streamEnded = false;
  private uploadSettled = false;
  private watchdogStage: WatchdogStage = 'armed';
  private partsUploaded = 0;
  /** The table the run could not lock (pg_dump's or the counts' lock timeout), for the error's lock holders. */
  private lockedTable: string | undefined;

  private readonly location: string;
  private readonly pgDump: PgDumpProcess;
  private readonly body: DumpDigest;
  private readonly upload: Upload;
  private readonly uploadOutcome: Promise<void>;
  private readonly progress: ProgressTicker;
  private readonly watchdog: { stop(): void };

  /** Starts pg_dump, the upload, the progress lines and the watchdog. */
  public constructor(private readonly options: StreamOptions) {
    this.location = `s3://${options.bucket}/${options.key}`;
    this.pgDump = new PgDumpProcess(options.pgDumpPath, options.pgDumpArgs, options.env, options.useStdbuf);
    const child = this.pgDump.child;
    this.body = new DumpDigest(options.onBytes ? (bytes) => options.onBytes?.(bytes, child) : undefined);
    this.body.on('error', (error) => {
      // Only the digest's own format error starts a failure here. When the upload gives up (e.g. a part failed),
      // lib-storage stops reading and Node destroys the stream with a generic AbortError; the upload's rejection,
      // which arrives once lib-storage has aborted the multipart upload, carries the real cause.
      if (error === this.body.formatError) {
        this.fail(error);
      }
    });
    child.stdout?.pipe(this.body, { end: false });

    this.upload = new Upload({
      // Parts are sent with their CRC32 and without a SHA-256 of the body in the signature (aws-clients.ts).
      client: sendChecksummedBodiesUnsigned(options.s3),
      partSize: options.partSizeBytes,
      queueSize: options.queueSize,
      // The abort is ours (confirmAborted), so that the upload's rejection carries the failure's real cause.
      leavePartsOnError: true,
      params: {
        Bucket: options.bucket,
        Key: options.key,
        Body: this.body,
        ContentType: 'application/octet-stream',
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: options.kmsKeyId,
        StorageClass: options.storageClass,
        IfNoneMatch: '*',
        ExpectedBucketOwner: options.expectedBucketOwner,
      },
    });
    this.upload.on('httpUploadProgress', () => {
      this.partsUploaded += 1;
    });
    this.uploadOutcome = this.upload.done().then(() => this.uploadCompleted(), (error: unknown) => this.uploadFailed(error));

    this.progress = startProgress(options.logger, {
      intervalMs: options.progressIntervalMs,
      message: 'pg_dump progress',
      bytes: () => this.body.bytes,
      extra: () => ({ partsUploaded: this.partsUploaded }),
    });
    this.watchdog = startWatchdog(options.watchdogIntervalMs, () => this.watchdogTick());
    // A failed row count is a cause of its own, reported as soon as it happens: it also aborts the snapshot's
    // transaction, and pg_dump then fails with "could not import the requested snapshot", a consequence.
    void options.rowCounts.then((counts) => {
      if (!counts.ok) {
        this.fail(this.countsError(counts.error));
      }
    });
  }

  /** Waits for pg_dump, ends the stream or fails, and waits for the upload to settle. */
  public async run(): Promise<UploadedDump> {
    try {
      const status = await this.pgDump.exited;
      if (!this.failure && /could not import the requested snapshot/.test(this.pgDump.stderr.text())) {
        // pg_dump lost the snapshot: the counts' transaction failed first; report that cause when it has arrived.
        const counts = await Promise.race([this.options.rowCounts, sleep(SNAPSHOT_CAUSE_WAIT_MS)]);
        if (counts && !counts.ok) {
          this.fail(this.countsError(counts.error));
        }
      }
      if (!this.failure) {
        this.checkExit(status);
      }
      if (!this.failure) {
        const counts = await this.options.rowCounts;
        if (!counts.ok) {
          this.fail(this.countsError(counts.error));
        }
      }
      if (!this.failure) {
        this.endStream();
      }
      await this.uploadOutcome;
    } finally {
      this.watchdog.stop();
      this.pgDump.dispose();
      this.progress.stop();
    }

    if (this.failure) {
      await this.addLockHolders();
      await this.confirmAborted().catch((abortError: unknown) => {
        // The cause comes first: an S3 endpoint that fails the abort too is a consequence, not the reason.
        throw new Error(`${this.failure!.message}; in addition, ${errorMessage(abortError)}`, { cause: this.failure });
      });
      throw this.failure;
    }
    const warnings = this.pgDump.stderr.text();
    if (warnings) {
      this.options.logger.warn('pg_dump wrote to stderr', { stderr: warnings });
    }
    return { sizeBytes: this.body.bytes, sha256: this.body.digest() };
  }

  /** Keeps the first failure, stops pg_dump and, unless the stream has ended, destroys it (lib-storage then gives up). */
  private fail(error: Error, signal: NodeJS.Signals = 'SIGTERM'): void {
    this.failure ??= error;
    this.pgDump.stop(signal);
    if (!this.streamEnded && !this.body.destroyed) {
      this.body.destroy(this.failure);
    }
  }

  /** The failure of the row counts, naming the table (and its lock, when a lock timeout stopped the count). */
  private countsError(error: unknown): Error {
    const table = (error as { table?: string }).table;
    const code = ((error as { cause?: { code?: string } }).cause ?? (error as { code?: string }))?.code;
    if (table !== undefined && code === LOCK_NOT_AVAILABLE) {
      this.lockedTable ??= table;
      return new Error(`table ${table} is locked by another session: counting its rows waited ${this.lockWait()} for its `
        + 'lock and gave up (lock_timeout); the upload was aborted', { cause: error });
    }
    return new Error(`counting the rows of the dumped tables failed: ${errorMessage(error)}; the upload was aborted`, { cause: error });
  }

  private lockWait(): string {
    return this.options.lockWaitMs === undefined ? 'its lock wait timeout' : `${this.options.lockWaitMs / 1000} s`;
  }

  /** Appends who holds the lock on the table the run could not lock (looked up on a connection of its own). */
  private async addLockHolders(): Promise<void> {
    if (this.lockedTable === undefined || !this.options.lockHolders || !this.failure) {
      return;
    }
    const holders = await this.options.lockHolders(this.lockedTable);
    const failure = this.failure;
    this.failure = new Error(`${failure.message}. Lock held by: ${holders ?? 'no session any more (the lock was released)'}`
      + '; wait for it to finish or end it, and rerun the job', { cause: failure });
  }

  /** Fails unless pg_dump could be run, exited 0 and wrote a custom-format archive. */
  private checkExit(status: ExitStatus): void {
    const lockedTable = status.code !== 0 ? lockedTableOf(this.pgDump.stderr.text()) : undefined;
    if (status.error) {
      this.fail(new Error(`cannot run ${this.options.pgDumpPath}: ${status.error.message} (is the PostgreSQL client installed in the image?)`));
    } else if (lockedTable !== undefined) {
      this.lockedTable = lockedTable;
      this.fail(new Error(`pg_dump could not lock table ${this.lockedTable} within ${this.lockWait()} (--lock-wait-timeout): `
        + 'another session holds a lock that conflicts with reading it (ACCESS EXCLUSIVE: ALTER TABLE, DROP, TRUNCATE, '
        + `VACUUM FULL, REINDEX, LOCK TABLE); the upload was aborted. pg_dump stderr: ${this.pgDump.stderr.text()}`));
    } else if (status.code !== 0) {
      const how = status.signal ? `was killed by ${status.signal}` : `exited with code ${status.code}`;
      this.fail(new Error(`pg_dump ${how} after ${this.body.bytes} bytes; the upload was aborted. pg_dump stderr: ${this.pgDump.stderr.text() || '(empty)'}`));
    } else if (!this.body.headerOk) {
      this.fail(new Error(`pg_dump exited 0 but wrote ${this.body.bytes} bytes without a PGDMP header; the upload was aborted`));
    }
  }

  /** Ends the stream: from here on lib-storage may complete the upload. */
  private endStream(): void {
    this.streamEnded = true;
    this.body.end();
  }

  private uploadCompleted(): void {
    this.uploadSettled = true;
  }

  private uploadFailed(error: unknown): void {
    this.uploadSettled = true;
    this.fail(new Error(`upload to ${this.location} failed: ${errorMessage(error)} (check the bucket policy, the KMS key policy and the S3 endpoint)`, { cause: error }));
  }

  private watchdogTick(): void {
    const left = this.options.remaining();
    const view = { stage: this.watchdogStage, streamEnded: this.streamEnded, uploadSettled: this.uploadSettled };
    const action = watchdogAction(view, left, this.options.safetyMarginMs);
    if (action === 'stopDump') {
      this.watchdogStage = 'dumpStopped';
      const figures = progressFigures(this.body.bytes, this.progress.stop().seconds);
      this.fail(deadlineError(left, this.options.safetyMarginMs, figures), 'SIGKILL');
    } else if (action === 'abortUpload') {
      // The upload did not wind down in time (e.g. a hung part): stop waiting for it. done() rejects at once and
      // confirmAborted() aborts the multipart upload; a part still in flight may outlive that abort (S3 documents
      // that aborting again may be needed), which the bucket's abort-incomplete-multipart lifecycle rule covers.
      this.watchdogStage = 'uploadAborted';
      this.fail(uploadNotStoppedError(this.location), 'SIGKILL');
      void this.upload.abort();
    }
  }

  /**
   * Aborts the multipart upload of a failed run (lib-storage leaves it, `leavePartsOnError`), where NoSuchUpload
   * means it is already gone. (The upload id is an internal field of
   * lib-storage's Upload; without it there was no multipart upload to abort, or lib-storage changed.)
   */
  private async confirmAborted(): Promise<void> {
    const { s3, bucket, key, expectedBucketOwner, logger, callSignal } = this.options;
    const uploadId = (this.upload as unknown as { uploadId?: string }).uploadId;
    if (!uploadId) {
      return;
    }
    try {
      await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, ExpectedBucketOwner: expectedBucketOwner }),
        { abortSignal: callSignal?.() });
      logger.info('multipart upload aborted', { uploadId });
    } catch (error) {
      const name = (error as { name?: string }).name;
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (name === 'NoSuchUpload' || status === 404) {
        return;
      }
      logger.error('could not abort the multipart upload; the bucket lifecycle rule removes it after 1 day', { uploadId, error: errorMessage(error) });
      throw new Error(`could not abort multipart upload ${uploadId} of ${this.location}: ${errorMessage(error)}`, { cause: error });
    }
  }
}
