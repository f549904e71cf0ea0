// What bench/dump.ts passes to its child processes (a JSON file named by argv[2]) and what they write back.
import type { DatabaseSecret } from '../../lambda/shared/secret';
import type { RecordedMetric } from '../../lambda/shared/metrics';

export interface S3Endpoint {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

export interface DumpChildConfig {
  readonly s3: S3Endpoint;
  readonly bucket: string;
  readonly prefix: string;
  readonly database: string;
  readonly secret: DatabaseSecret;
  /** e.g. 'gzip:6'. */
  readonly compression: string;
  readonly partSizeBytes?: number;
  readonly queueSize?: number;
  /** pg_dump, or a wrapper that records its peak RSS. */
  readonly pgDumpPath: string;
  readonly resultFile: string;
}

export interface DumpChildResult {
  readonly key: string;
  readonly sizeBytes: number;
  readonly sha256: string;
  readonly compression: string;
  /** runPgDump, start to end, inside the child. */
  readonly runSeconds: number;
  readonly manifestDurationSeconds: number;
  readonly tables: number;
  /** Peak RSS of the Node process itself (getrusage RUSAGE_SELF), KiB. */
  readonly maxRssKiB: number;
  /** Peaks of process.memoryUsage() fields sampled every 200 ms, MiB. */
  readonly sampledPeakMiB: { readonly [field: string]: number };
  readonly metrics: readonly RecordedMetric[];
}

export interface VerifyChildConfig {
  readonly s3: S3Endpoint;
  readonly bucket: string;
  readonly prefix: string;
  readonly database: string;
  /** The scratch server; `dbname` is the maintenance database. */
  readonly scratchSecret: DatabaseSecret;
  /** `host:port/dbname` of the source database (the guard refuses to restore into it). */
  readonly productionTarget: string;
  readonly restoreJobs: number;
  readonly workDir: string;
  /** pg_restore, or a wrapper that records its peak RSS. */
  readonly pgRestorePath: string;
  readonly resultFile: string;
}

export interface VerifyChildResult {
  readonly key: string;
  readonly runSeconds: number;
  readonly restoreDurationSeconds: number;
  readonly checks: number;
  readonly checksPassed: number;
  readonly maxRssKiB: number;
  readonly metrics: readonly RecordedMetric[];
}

export interface UploadChildConfig {
  readonly s3: S3Endpoint;
  readonly bucket: string;
  readonly key: string;
  readonly file: string;
  readonly partSizeBytes: number;
  readonly queueSize: number;
  readonly resultFile: string;
}

export interface UploadChildResult {
  readonly sizeBytes: number;
  readonly runSeconds: number;
  readonly maxRssKiB: number;
}
