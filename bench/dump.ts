// npm run bench:dump — the pg-dump and verify-dump jobs against the plain tools, on a real PostgreSQL server and
// s3rver on loopback (issue 4, "Benchmark"; STYLE rule 16: prints and saves numbers, asserts nothing).
//
// Per database size (BENCH_SIZES, GB on disk, default "1,3"):
//   (a) pg_dump -Fc --compress=<level> > /dev/null                             the limit
//   (b) the seeds' pipeline: pg_dump -Fc --file (default compression, zlib 6), gzip -9 the file, upload the .gz
//   (c) runPgDump (the pg-dump job) → s3rver, compression gzip:<level>
//   bare pg_restore -j 2 of the (c) dump (local file) into a new database
//   verifyNewestDump (the verify-dump job): download, sha256, --list, scratch database, pg_restore -j 2, checks
// Each runs as a child process; wall seconds are taken around it, peak RSS with GNU time (and getrusage inside
// the Node children). Results: bench/results/dump.json and a table on stdout.
//
// Environment:
//   BENCH_SIZES=1,3           database sizes in GB on disk (e.g. 0.1 for a quick run)
//   BENCH_REPEAT=1            runs of (a), (b), (c), bare and verify per size; the median is reported
//   BENCH_GZIP_LEVEL=3        gzip level of (a) and (c) (3 = the job's default); (b) keeps the seed's default
//   BENCH_DATA_DIR=bench/data server data directory (kept between runs), logs, bundles and temp files
//   BENCH_STEP_TIMEOUT_SECONDS=3600
//   BENCH_RESULTS=bench/results/dump.json
//   BENCH_STEPS=a,b,c,bare,verify  the steps to run, e.g. "a,c" while working on the dump job (bare needs c;
//                             a skipped step's figures are NaN/null and its targets "skipped")
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, promises as fs, readdirSync, readFileSync, rmSync, statSync, statfsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DeleteObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { build } from 'esbuild';
import { S3Server, startS3 } from '../test/integration/harness';
import type {
  DumpChildConfig, DumpChildResult, S3Endpoint, UploadChildConfig, UploadChildResult, VerifyChildConfig, VerifyChildResult,
} from './children/protocol';
import { datasetDatabaseName, DatasetInfo, ensureDataset } from './lib/dataset';
import { assertGnuTime, kibToMiB, killRunningSteps, readTimeFile, runStep, serverCpuSeconds, timedWrapper } from './lib/measure';
import { BenchPostgres, startBenchPostgres } from './lib/postgres';

const ROOT = path.resolve(__dirname, '..');
const BUCKET = 'bench';
const JOB_PREFIX = 'job/';
const SEEDS_PREFIX = 'seeds/';
/** The pg-dump job's defaults (lambda/pg-dump): 16 MiB parts, 2 in flight. */
const JOB_PART_SIZE = 16 * 1024 * 1024;
const JOB_QUEUE_SIZE = 2;
/** `aws s3 cp` defaults (multipart_chunksize 8 MB, max_concurrent_requests 10) for the seeds' upload. */
const CLI_PART_SIZE = 8 * 1024 * 1024;
const CLI_QUEUE_SIZE = 10;
const RESTORE_JOBS = 2;

const TARGETS = {
  cOverA: 1.15,
  cOverB: 0.6,
  cNodeRssMiB: 256,
  verifyOverBare: 1.2,
};

// ---------------------------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------------------------

interface Settings {
  readonly sizesGb: number[];
  readonly repeat: number;
  readonly gzipLevel: number;
  readonly dataDir: string;
  readonly stepTimeoutSeconds: number;
  readonly resultsFile: string;
  readonly steps: ReadonlySet<string>;
}

const STEPS = ['a', 'b', 'c', 'bare', 'verify'];

function numberSetting(name: string, fallback: number, min: number, max: number, integer: boolean): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') {
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new Error(`${name}=${JSON.stringify(raw)} is invalid: expected ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
  }
  return value;
}

function readSettings(): Settings {
  const rawSizes = process.env.BENCH_SIZES ?? '1,3';
  const sizesGb = rawSizes.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (sizesGb.length === 0 || sizesGb.some((s) => !Number.isFinite(s) || s < 0.01 || s > 50)) {
    throw new Error(`BENCH_SIZES=${JSON.stringify(rawSizes)} is invalid: expected GB sizes from 0.01 to 50, comma separated (e.g. 1,3 or 0.1)`);
  }
  return {
    sizesGb,
    repeat: numberSetting('BENCH_REPEAT', 1, 1, 9, true),
    gzipLevel: numberSetting('BENCH_GZIP_LEVEL', 3, 1, 9, true),
    dataDir: path.resolve(process.env.BENCH_DATA_DIR ?? path.join(ROOT, 'bench', 'data')),
    stepTimeoutSeconds: numberSetting('BENCH_STEP_TIMEOUT_SECONDS', 3600, 10, 86_400, true),
    resultsFile: path.resolve(process.env.BENCH_RESULTS ?? path.join(ROOT, 'bench', 'results', 'dump.json')),
    steps: stepsSetting(),
  };
}

function stepsSetting(): ReadonlySet<string> {
  const raw = process.env.BENCH_STEPS ?? STEPS.join(',');
  const steps = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = steps.filter((s) => !STEPS.includes(s));
  if (steps.length === 0 || unknown.length > 0) {
    throw new Error(`BENCH_STEPS=${JSON.stringify(raw)} is invalid: expected some of ${STEPS.join(', ')}, comma separated (e.g. a,c)`);
  }
  return new Set(steps);
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------------

function log(message: string): void {
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
}

function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** CPU seconds (user + system) this process used since `start` (a `process.cpuUsage()` reading). */
function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return round((used.user + used.system) / 1e6);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function output(command: string, args: readonly string[]): string {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : `(${command} failed: ${r.stderr.trim()})`;
}

/** Flushes what the previous step left dirty (PostgreSQL buffers, then the page cache) so it does not slow the next. */
async function settle(pg: BenchPostgres): Promise<void> {
  await pg.query('CHECKPOINT');
  spawnSync('sync');
  await new Promise((resolve) => setTimeout(resolve, 2000));
}

/** Reads every file of the database's directory once, so no variant pays for a cold page cache. */
async function warmCache(pg: BenchPostgres, database: string): Promise<number> {
  const client = await pg.connect();
  let oid: number;
  try {
    oid = (await client.query<{ oid: number }>('SELECT oid FROM pg_database WHERE datname = $1', [database])).rows[0].oid;
  } finally {
    await client.end();
  }
  const dir = path.join(pg.dataDir, 'base', String(oid));
  let bytes = 0;
  for (const name of readdirSync(dir)) {
    for await (const chunk of createReadStream(path.join(dir, name), { highWaterMark: 1024 * 1024 })) {
      bytes += (chunk as Buffer).length;
    }
  }
  return bytes;
}

function dumpTimestamp(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
}

async function writeJson(file: string, value: unknown): Promise<void> {
  await fs.writeFile(file, JSON.stringify(value, null, 2));
}

async function bundleChildren(buildDir: string): Promise<{ dump: string; verify: string; upload: string }> {
  const entries = { dump: 'dump-child', verify: 'verify-child', upload: 'upload-child' } as const;
  const out: Record<string, string> = {};
  for (const [name, file] of Object.entries(entries)) {
    const outfile = path.join(buildDir, `${file}.js`);
    await build({
      entryPoints: [path.join(ROOT, 'bench', 'children', `${file}.ts`)],
      outfile,
      bundle: true,
      platform: 'node',
      target: `node${process.versions.node.split('.')[0]}`,
      format: 'cjs',
      external: ['pg-native'],
      logLevel: 'warning',
    });
    out[name] = outfile;
  }
  return out as { dump: string; verify: string; upload: string };
}

// ---------------------------------------------------------------------------------------------------------------
// Variants
// ---------------------------------------------------------------------------------------------------------------

interface Context {
  readonly settings: Settings;
  readonly pg: BenchPostgres;
  readonly s3: S3Server;
  readonly s3Endpoint: S3Endpoint;
  readonly children: { dump: string; verify: string; upload: string };
  readonly pgDumpWrapper: string;
  readonly pgRestoreWrapper: string;
  readonly logDir: string;
  readonly tmpDir: string;
}

interface LimitRun {
  readonly seconds: number;
  readonly peakRssMiB: number;
  /** pg_dump's CPU seconds (user + system). */
  readonly cpuSeconds: number;
  /** pg_dump's context switches (voluntary + involuntary, GNU time %w + %c). */
  readonly contextSwitches: number;
  /** The PostgreSQL server's CPU seconds during the step (the backend serving pg_dump), on the same cores. */
  readonly serverCpuSeconds: number;
}
interface SeedsRun {
  readonly seconds: number;
  readonly peakRssMiB: number;
  readonly steps: { readonly [step: string]: { readonly seconds: number; readonly peakRssMiB: number; readonly cpuSeconds: number } };
  /** CPU seconds of s3rver (this process) during the upload step. */
  readonly s3ServerCpuSeconds: number;
  readonly dumpBytes: number;
  readonly uploadedBytes: number;
}
interface JobDumpRun {
  readonly seconds: number;
  readonly nodePeakRssMiB: number;
  readonly pgDumpPeakRssMiB: number;
  readonly treePeakRssMiB: number;
  readonly runPgDumpSeconds: number;
  /** pg_dump's own wall seconds inside (c) (GNU time wrapper); the rest is start-up, upload tail and manifest. */
  readonly pgDumpSeconds: number;
  /** Peaks of the Node process's memoryUsage() fields (sampled), MiB. */
  readonly nodeMemoryPeaksMiB: { readonly [field: string]: number };
  /** CPU seconds (user + system) of the job's Node process alone, and of the pg_dump it spawned. */
  readonly nodeCpuSeconds: number;
  readonly pgDumpCpuSeconds: number;
  /**
   * pg_dump's context switches (voluntary + involuntary): each a moment it stopped for a full socket, the server's
   * data, or a CPU; compare with (a)'s.
   */
  readonly pgDumpContextSwitches: number;
  /**
   * CPU seconds of s3rver (this process) while the job ran: on this 2-core machine it competes with pg_dump, the
   * server backend and the job; against real S3 this work happens elsewhere.
   */
  readonly s3ServerCpuSeconds: number;
  /** The PostgreSQL server's CPU seconds while the job ran (against RDS, this work happens elsewhere too). */
  readonly serverCpuSeconds: number;
  readonly dumpBytes: number;
  readonly key: string;
}
interface BareRestoreRun { readonly seconds: number; readonly createDatabaseSeconds: number; readonly pgRestoreSeconds: number; readonly peakRssMiB: number }
interface VerifyRun {
  readonly seconds: number;
  readonly restoreSeconds: number;
  readonly nodePeakRssMiB: number;
  readonly pgRestorePeakRssMiB: number;
  readonly checks: number;
  readonly checksPassed: number;
}

function pgEnv(ctx: Context, database: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('PG')) {
      env[name] = value;
    }
  }
  return { ...env, ...ctx.pg.libpqEnv(database) };
}

/** (a) pg_dump -Fc > /dev/null. */
async function runLimit(ctx: Context, database: string, run: number): Promise<LimitRun> {
  const server = serverCpuSeconds(ctx.pg.dataDir);
  const r = await runStep('(a) pg_dump > /dev/null', ctx.pg.bin('pg_dump'),
    ['--format=custom', `--compress=${ctx.settings.gzipLevel}`, '--no-password'], {
      env: pgEnv(ctx, database),
      stdoutFile: '/dev/null',
      logFile: path.join(ctx.logDir, `${database}-a-${run}.log`),
      timeoutSeconds: ctx.settings.stepTimeoutSeconds,
    });
  await backendGone();
  return {
    seconds: round(r.wallSeconds), peakRssMiB: r.peakRssMiB, cpuSeconds: r.cpuSeconds, contextSwitches: r.contextSwitches,
    serverCpuSeconds: round(serverCpuSeconds(ctx.pg.dataDir) - server),
  };
}

/** Time for the backend of a finished step to exit, so that its CPU time is the server's reaped-children time. */
function backendGone(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 500));
}

/** (b) The seeds' pipeline (seed 000's backup_database.sh): pg_dump to a file, gzip -9, upload the file. */
async function runSeeds(ctx: Context, database: string, run: number): Promise<SeedsRun> {
  const file = path.join(ctx.tmpDir, `${database}.dump`);
  const logFile = path.join(ctx.logDir, `${database}-b-${run}.log`);
  const common = { logFile, timeoutSeconds: ctx.settings.stepTimeoutSeconds };
  rmSync(file, { force: true });
  rmSync(`${file}.gz`, { force: true });
  try {
    const dump = await runStep('(b) pg_dump --file', ctx.pg.bin('pg_dump'),
      // The seed's flags: -Fc with pg_dump's default compression (zlib level 6), whatever BENCH_GZIP_LEVEL is.
      ['--format=custom', '--no-owner', '--no-acl', '--no-password', `--file=${file}`],
      { ...common, env: pgEnv(ctx, database) });
    const dumpBytes = statSync(file).size;
    const gzip = await runStep('(b) gzip -9', 'gzip', ['-9', file], common);
    const resultFile = path.join(ctx.tmpDir, `${database}-b-upload.json`);
    const config: UploadChildConfig = {
      s3: ctx.s3Endpoint,
      bucket: BUCKET,
      key: `${SEEDS_PREFIX}${database}/${dumpTimestamp()}.dump.gz`,
      file: `${file}.gz`,
      partSizeBytes: CLI_PART_SIZE,
      queueSize: CLI_QUEUE_SIZE,
      resultFile,
    };
    const configFile = path.join(ctx.tmpDir, `${database}-b-upload.config.json`);
    await writeJson(configFile, config);
    const s3Cpu = process.cpuUsage();
    const upload = await runStep('(b) upload', process.execPath, [ctx.children.upload, configFile], common);
    const s3ServerCpuSeconds = cpuSecondsSince(s3Cpu);
    const uploaded = JSON.parse(readFileSync(resultFile, 'utf8')) as UploadChildResult;
    const steps = {
      pgDump: { seconds: round(dump.wallSeconds), peakRssMiB: dump.peakRssMiB, cpuSeconds: dump.cpuSeconds },
      gzip9: { seconds: round(gzip.wallSeconds), peakRssMiB: gzip.peakRssMiB, cpuSeconds: gzip.cpuSeconds },
      upload: { seconds: round(upload.wallSeconds), peakRssMiB: kibToMiB(uploaded.maxRssKiB), cpuSeconds: upload.cpuSeconds },
    };
    return {
      seconds: round(dump.wallSeconds + gzip.wallSeconds + upload.wallSeconds),
      peakRssMiB: Math.max(...Object.values(steps).map((s) => s.peakRssMiB)),
      steps,
      s3ServerCpuSeconds,
      dumpBytes,
      uploadedBytes: uploaded.sizeBytes,
    };
  } finally {
    rmSync(file, { force: true });
    rmSync(`${file}.gz`, { force: true });
  }
}

/** (c) runPgDump → s3rver, in a Node child; pg_dump under the GNU time wrapper. */
async function runJobDump(ctx: Context, database: string, run: number): Promise<JobDumpRun> {
  const resultFile = path.join(ctx.tmpDir, `${database}-c-result.json`);
  const timeFile = path.join(ctx.logDir, `${database}-c-${run}.pg_dump.time`);
  rmSync(timeFile, { force: true });
  rmSync(resultFile, { force: true });
  const config: DumpChildConfig = {
    s3: ctx.s3Endpoint,
    bucket: BUCKET,
    prefix: JOB_PREFIX,
    database,
    secret: ctx.pg.secret(database),
    compression: `gzip:${ctx.settings.gzipLevel}`,
    partSizeBytes: JOB_PART_SIZE,
    queueSize: JOB_QUEUE_SIZE,
    pgDumpPath: ctx.pgDumpWrapper,
    resultFile,
  };
  const configFile = path.join(ctx.tmpDir, `${database}-c.config.json`);
  await writeJson(configFile, config);
  // Keys have second precision and are never overwritten: start in a new second.
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const s3Cpu = process.cpuUsage();
  const server = serverCpuSeconds(ctx.pg.dataDir);
  const r = await runStep('(c) runPgDump', process.execPath, [ctx.children.dump, configFile], {
    env: { ...process.env, BENCH_TIME_FILE: timeFile },
    logFile: path.join(ctx.logDir, `${database}-c-${run}.log`),
    timeoutSeconds: ctx.settings.stepTimeoutSeconds,
  });
  const s3ServerCpuSeconds = cpuSecondsSince(s3Cpu);
  // s3rver assembles the completed object after answering (as S3 does not make the client wait on it): let it
  // finish before the next step, outside the step's time and CPU.
  await ctx.s3.idle();
  await backendGone();
  const postgresCpuSeconds = round(serverCpuSeconds(ctx.pg.dataDir) - server);
  const result = JSON.parse(readFileSync(resultFile, 'utf8')) as DumpChildResult;
  const pgDump = readTimeFile(timeFile).pop();
  if (!pgDump) {
    throw new Error(`(c): the pg_dump wrapper wrote no measurement to ${timeFile}`);
  }
  return {
    seconds: round(r.wallSeconds),
    nodePeakRssMiB: kibToMiB(result.maxRssKiB),
    pgDumpPeakRssMiB: kibToMiB(pgDump.maxRssKiB),
    treePeakRssMiB: r.peakRssMiB,
    runPgDumpSeconds: round(result.runSeconds),
    pgDumpSeconds: pgDump.seconds,
    nodeMemoryPeaksMiB: result.sampledPeakMiB,
    nodeCpuSeconds: round(r.cpuSeconds - pgDump.cpuSeconds),
    pgDumpCpuSeconds: pgDump.cpuSeconds,
    pgDumpContextSwitches: pgDump.contextSwitches,
    s3ServerCpuSeconds,
    serverCpuSeconds: postgresCpuSeconds,
    dumpBytes: result.sizeBytes,
    key: result.key,
  };
}

/** Bare pg_restore -j 2 of the job's dump (downloaded beforehand, not timed) into a new database. */
async function runBareRestore(ctx: Context, database: string, key: string, run: number): Promise<BareRestoreRun> {
  const file = path.join(ctx.tmpDir, `${database}-bare.dump`);
  const scratch = `${database}_bare_restore`;
  const response = await ctx.s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  await pipeline(response.Body as Readable, createWriteStream(file));
  await ctx.pg.query(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
  await settle(ctx.pg);
  try {
    const started = process.hrtime.bigint();
    await ctx.pg.query(`CREATE DATABASE ${scratch} TEMPLATE template0`);
    const createDatabaseSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const r = await runStep('bare pg_restore', ctx.pg.bin('pg_restore'),
      ['-j', String(RESTORE_JOBS), '--no-owner', '--no-acl', '--exit-on-error', '-d', scratch, file], {
        env: pgEnv(ctx, 'postgres'),
        logFile: path.join(ctx.logDir, `${database}-bare-${run}.log`),
        timeoutSeconds: ctx.settings.stepTimeoutSeconds,
      });
    return {
      seconds: round(createDatabaseSeconds + r.wallSeconds),
      createDatabaseSeconds: round(createDatabaseSeconds),
      pgRestoreSeconds: round(r.wallSeconds),
      peakRssMiB: r.peakRssMiB,
    };
  } finally {
    await ctx.pg.query(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
    rmSync(file, { force: true });
  }
}

/** verifyNewestDump of the job's newest dump, in a Node child; pg_restore under the GNU time wrapper. */
async function runVerify(ctx: Context, database: string, run: number): Promise<VerifyRun> {
  const resultFile = path.join(ctx.tmpDir, `${database}-verify-result.json`);
  const timeFile = path.join(ctx.logDir, `${database}-verify-${run}.pg_restore.time`);
  rmSync(timeFile, { force: true });
  rmSync(resultFile, { force: true });
  const config: VerifyChildConfig = {
    s3: ctx.s3Endpoint,
    bucket: BUCKET,
    prefix: JOB_PREFIX,
    database,
    scratchSecret: ctx.pg.secret('postgres'),
    productionTarget: `${ctx.pg.host}:${ctx.pg.port}/${database}`,
    restoreJobs: RESTORE_JOBS,
    workDir: ctx.tmpDir,
    pgRestorePath: ctx.pgRestoreWrapper,
    resultFile,
  };
  const configFile = path.join(ctx.tmpDir, `${database}-verify.config.json`);
  await writeJson(configFile, config);
  const r = await runStep('verifyNewestDump', process.execPath, [ctx.children.verify, configFile], {
    env: { ...process.env, BENCH_TIME_FILE: timeFile },
    logFile: path.join(ctx.logDir, `${database}-verify-${run}.log`),
    timeoutSeconds: ctx.settings.stepTimeoutSeconds,
  });
  const result = JSON.parse(readFileSync(resultFile, 'utf8')) as VerifyChildResult;
  // The wrapper ran --version, --list and the restore; the restore (-j 2 forks workers) is the largest.
  const pgRestore = readTimeFile(timeFile);
  return {
    seconds: round(r.wallSeconds),
    restoreSeconds: round(result.restoreDurationSeconds),
    nodePeakRssMiB: kibToMiB(result.maxRssKiB),
    pgRestorePeakRssMiB: kibToMiB(Math.max(0, ...pgRestore.map((m) => m.maxRssKiB))),
    checks: result.checks,
    checksPassed: result.checksPassed,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// One size
// ---------------------------------------------------------------------------------------------------------------

interface Target { readonly name: string; readonly target: string; readonly value: number; readonly pass: boolean }

interface SizeResult {
  readonly sizeGb: number;
  readonly dataset: DatasetInfo;
  readonly dump: {
    readonly a: { readonly seconds: number; readonly peakRssMiB: number; readonly runs: LimitRun[] };
    readonly b: { readonly seconds: number; readonly peakRssMiB: number; readonly runs: SeedsRun[] };
    readonly c: { readonly seconds: number; readonly nodePeakRssMiB: number; readonly pgDumpPeakRssMiB: number; readonly runs: JobDumpRun[] };
  };
  readonly verify: {
    readonly bare: { readonly seconds: number; readonly peakRssMiB: number; readonly runs: BareRestoreRun[] };
    readonly job: { readonly seconds: number; readonly nodePeakRssMiB: number; readonly pgRestorePeakRssMiB: number; readonly runs: VerifyRun[] };
  };
  readonly ratios: { readonly cOverA: number; readonly cOverB: number; readonly verifyOverBare: number };
  readonly targets: Target[];
}

async function benchSize(ctx: Context, sizeGb: number): Promise<SizeResult> {
  const database = datasetDatabaseName(sizeGb);
  log(`=== ${sizeGb} GB (${database}) ===`);
  const dataset = await ensureDataset(ctx.pg, database, Math.round(sizeGb * 1e9), log);
  const a: LimitRun[] = [];
  const b: SeedsRun[] = [];
  const c: JobDumpRun[] = [];
  const bare: BareRestoreRun[] = [];
  const job: VerifyRun[] = [];
  for (let run = 1; run <= ctx.settings.repeat; run++) {
    await emptyBucket(ctx.s3);
    await settle(ctx.pg);
    log(`warm page cache: read ${(await warmCache(ctx.pg, database) / 1e9).toFixed(2)} GB of ${database}`);
    await settle(ctx.pg);
    const steps = ctx.settings.steps;
    if (steps.has('a')) {
      a.push(await runLimit(ctx, database, run));
      log(`(a) pg_dump > /dev/null: ${a[a.length - 1].seconds} s, ${a[a.length - 1].peakRssMiB} MiB, pg_dump CPU ${a[a.length - 1].cpuSeconds} s, PostgreSQL server CPU ${a[a.length - 1].serverCpuSeconds} s`);
      await settle(ctx.pg);
    }
    if (steps.has('b')) {
      b.push(await runSeeds(ctx, database, run));
      const lastB = b[b.length - 1];
      log(`(b) seeds' pipeline: ${lastB.seconds} s (${Object.entries(lastB.steps).map(([k, v]) => `${k} ${v.seconds} s`).join(', ')}), ${lastB.peakRssMiB} MiB`);
      await settle(ctx.pg);
    }
    if (steps.has('c')) {
      c.push(await runJobDump(ctx, database, run));
      const lastC = c[c.length - 1];
      log(`(c) runPgDump: ${lastC.seconds} s, node ${lastC.nodePeakRssMiB} MiB, pg_dump ${lastC.pgDumpPeakRssMiB} MiB, ${(lastC.dumpBytes / 1e6).toFixed(0)} MB; CPU s: pg_dump ${lastC.pgDumpCpuSeconds}, node ${lastC.nodeCpuSeconds}, s3rver ${lastC.s3ServerCpuSeconds}, PostgreSQL server ${lastC.serverCpuSeconds}`);
      await settle(ctx.pg);
      if (steps.has('bare')) {
        bare.push(await runBareRestore(ctx, database, lastC.key, run));
        log(`bare pg_restore -j ${RESTORE_JOBS}: ${bare[bare.length - 1].seconds} s`);
        await settle(ctx.pg);
      }
    }
    if (steps.has('verify')) {
      job.push(await runVerify(ctx, database, run));
      const lastV = job[job.length - 1];
      log(`verifyNewestDump: ${lastV.seconds} s (restore ${lastV.restoreSeconds} s), node ${lastV.nodePeakRssMiB} MiB, ${lastV.checksPassed}/${lastV.checks} checks passed`);
    }
  }
  const aSeconds = median(a.map((r) => r.seconds));
  const bSeconds = median(b.map((r) => r.seconds));
  const cSeconds = median(c.map((r) => r.seconds));
  const bareSeconds = median(bare.map((r) => r.seconds));
  const verifySeconds = median(job.map((r) => r.seconds));
  const cNodeRss = Math.max(...c.map((r) => r.nodePeakRssMiB));
  const ratios = {
    cOverA: round(cSeconds / aSeconds, 3),
    cOverB: round(cSeconds / bSeconds, 3),
    verifyOverBare: round(verifySeconds / bareSeconds, 3),
  };
  const label = `${sizeGb} GB`;
  return {
    sizeGb,
    dataset,
    dump: {
      a: { seconds: aSeconds, peakRssMiB: Math.max(...a.map((r) => r.peakRssMiB)), runs: a },
      b: { seconds: bSeconds, peakRssMiB: Math.max(...b.map((r) => r.peakRssMiB)), runs: b },
      c: { seconds: cSeconds, nodePeakRssMiB: cNodeRss, pgDumpPeakRssMiB: Math.max(...c.map((r) => r.pgDumpPeakRssMiB)), runs: c },
    },
    verify: {
      bare: { seconds: bareSeconds, peakRssMiB: Math.max(...bare.map((r) => r.peakRssMiB)), runs: bare },
      job: {
        seconds: verifySeconds,
        nodePeakRssMiB: Math.max(...job.map((r) => r.nodePeakRssMiB)),
        pgRestorePeakRssMiB: Math.max(...job.map((r) => r.pgRestorePeakRssMiB)),
        runs: job,
      },
    },
    ratios,
    targets: [
      { name: `${label}: (c)/(a) wall`, target: `<= ${TARGETS.cOverA}`, value: ratios.cOverA, pass: ratios.cOverA <= TARGETS.cOverA },
      { name: `${label}: (c)/(b) wall`, target: `<= ${TARGETS.cOverB}`, value: ratios.cOverB, pass: ratios.cOverB <= TARGETS.cOverB },
      { name: `${label}: (c) Node peak RSS MiB`, target: `< ${TARGETS.cNodeRssMiB}`, value: cNodeRss, pass: cNodeRss < TARGETS.cNodeRssMiB },
      { name: `${label}: verify/bare pg_restore wall`, target: `<= ${TARGETS.verifyOverBare}`, value: ratios.verifyOverBare, pass: ratios.verifyOverBare <= TARGETS.verifyOverBare },
    ],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------------------------

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i])).join(' | ')} |`;
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

function printReport(results: SizeResult[]): void {
  const n = (v: number, d = 1) => v.toFixed(d);
  console.log('\nDump (wall seconds, peak RSS MiB; (b) = pg_dump + gzip -9 + upload; (c) RSS = the Node process)');
  console.log(table(
    ['size', 'DB GB', 'dump MB', '(a) s', '(b) s', '(c) s', '(c) pg_dump s', '(c)/(a)', '(c)/(b)', '(a) RSS', '(b) RSS', '(c) node RSS', '(c) pg_dump RSS'],
    results.map((r) => [
      `${r.sizeGb} GB`, n(r.dataset.databaseBytes / 1e9, 2), n((r.dump.c.runs[0]?.dumpBytes ?? NaN) / 1e6, 0),
      n(r.dump.a.seconds), n(r.dump.b.seconds), n(r.dump.c.seconds), n(median(r.dump.c.runs.map((c) => c.pgDumpSeconds))), n(r.ratios.cOverA, 2), n(r.ratios.cOverB, 2),
      n(r.dump.a.peakRssMiB), n(r.dump.b.peakRssMiB), n(r.dump.c.nodePeakRssMiB), n(r.dump.c.pgDumpPeakRssMiB),
    ]),
  ));
  console.log('\nDump CPU seconds (user + system; the PostgreSQL server and s3rver share the 2 cores)');
  console.log(table(
    ['size', '(a) pg_dump', '(a) server', '(c) pg_dump', '(c) server', '(c) node', '(c) s3rver', '(b) s3rver', '(a) pg_dump switches', '(c) pg_dump switches'],
    results.map((r) => [
      `${r.sizeGb} GB`, n(median(r.dump.a.runs.map((x) => x.cpuSeconds))), n(median(r.dump.a.runs.map((x) => x.serverCpuSeconds))),
      n(median(r.dump.c.runs.map((x) => x.pgDumpCpuSeconds))), n(median(r.dump.c.runs.map((x) => x.serverCpuSeconds))),
      n(median(r.dump.c.runs.map((x) => x.nodeCpuSeconds))), n(median(r.dump.c.runs.map((x) => x.s3ServerCpuSeconds))),
      n(median(r.dump.b.runs.map((x) => x.s3ServerCpuSeconds))),
      n(median(r.dump.a.runs.map((x) => x.contextSwitches)), 0), n(median(r.dump.c.runs.map((x) => x.pgDumpContextSwitches)), 0),
    ]),
  ));
  console.log('\nVerify (wall seconds, peak RSS MiB; bare = CREATE DATABASE + pg_restore -j 2 of a local file)');
  console.log(table(
    ['size', 'bare s', 'verify s', 'verify restore s', 'verify/bare', 'bare RSS', 'verify node RSS', 'verify pg_restore RSS'],
    results.map((r) => [
      `${r.sizeGb} GB`, n(r.verify.bare.seconds), n(r.verify.job.seconds), n(median(r.verify.job.runs.map((v) => v.restoreSeconds))),
      n(r.ratios.verifyOverBare, 2), n(r.verify.bare.peakRssMiB), n(r.verify.job.nodePeakRssMiB), n(r.verify.job.pgRestorePeakRssMiB),
    ]),
  ));
  console.log('\nTargets');
  for (const t of results.flatMap((r) => r.targets)) {
    const verdict = Number.isFinite(t.value) ? (t.pass ? 'PASS' : 'MISS') : 'skipped';
    console.log(`  ${verdict}  ${t.name} = ${t.value} (target ${t.target})`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------------------------

/** Bytes of the dumps one round keeps in s3rver at most: (b) and (c) of one round, each about 0.6 x the database. */
const S3_BYTES_PER_DB_GB = 1.3e9;

/**
 * Where s3rver stores: a tmpfs (/dev/shm) when it has room for one round's dumps, else the OS temp directory.
 * S3 stores elsewhere; on a disk, s3rver's part files and object would add the kernel's writeback of every dumped
 * byte (twice) to the two cores that (a) does not pay.
 */
function s3StoreParent(largestGb: number): string {
  const shm = '/dev/shm';
  try {
    const stats = statfsSync(shm);
    if (stats.bavail * stats.bsize > largestGb * S3_BYTES_PER_DB_GB + 1e9) {
      return shm;
    }
  } catch {
    // no /dev/shm
  }
  return os.tmpdir();
}

/** Deletes every object of the benchmark bucket: a round keeps only its own dumps (RAM, when on a tmpfs). */
async function emptyBucket(s3: S3Server): Promise<void> {
  for (const key of await s3.listKeys(BUCKET)) {
    await s3.client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
  }
}

async function main(): Promise<void> {
  const settings = readSettings();
  assertGnuTime();
  const buildDir = path.join(settings.dataDir, 'build');
  const logDir = path.join(settings.dataDir, 'logs');
  const tmpDir = path.join(settings.dataDir, 'tmp');
  // Logs and temp files are of this run only; the server data stays.
  await fs.rm(logDir, { recursive: true, force: true });
  await fs.rm(tmpDir, { recursive: true, force: true });
  for (const dir of [buildDir, logDir, tmpDir, path.dirname(settings.resultsFile)]) {
    await fs.mkdir(dir, { recursive: true });
  }
  // Space: the database, a restored copy, dumps in s3rver and temp files; ~4x the largest size plus margin.
  const largest = Math.max(...settings.sizesGb);
  const free = statfsSync(settings.dataDir);
  const freeGb = (free.bavail * free.bsize) / 1e9;
  if (freeGb < largest * 4 + 2) {
    throw new Error(`${settings.dataDir} has ${freeGb.toFixed(1)} GB free; the ${largest} GB run needs about ${largest * 4 + 2} GB`);
  }

  const s3Parent = s3StoreParent(largest);
  log(`bundling the job children (esbuild) into ${path.relative(ROOT, buildDir)}`);
  const children = await bundleChildren(buildDir);
  log(`starting PostgreSQL (data in ${path.relative(ROOT, settings.dataDir)}, kept between runs)`);
  const pg = await startBenchPostgres(settings.dataDir);
  let s3: S3Server | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping`);
    killRunningSteps();
    if (s3) {
      rmSync(s3.directory, { recursive: true, force: true });
    }
    process.exit(130); // the exit handler stops PostgreSQL
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const machine = {
    cores: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    ramGiB: round(os.totalmem() / 1024 ** 3, 1),
    kernel: os.release(),
    node: process.version,
    postgresServer: '',
    pgDump: output(pg.bin('pg_dump'), ['--version']),
    gzip: output('gzip', ['--version']).split('\n')[0],
    s3: `s3rver 3.7.1 (test/integration/harness.ts startS3, with its S3-like CompleteMultipartUpload) on 127.0.0.1, in the benchmark process, storing in ${s3Parent}`,
  };
  {
    const client = await pg.connect();
    try {
      machine.postgresServer = (await client.query<{ version: string }>('SELECT version()')).rows[0].version;
    } finally {
      await client.end();
    }
  }
  const pgDumpWrapper = timedWrapper(path.join(buildDir, 'pg_dump-timed.sh'), pg.bin('pg_dump'));
  const pgRestoreWrapper = timedWrapper(path.join(buildDir, 'pg_restore-timed.sh'), pg.bin('pg_restore'));

  const results: SizeResult[] = [];
  const started = new Date();
  let failure: string | undefined;
  try {
    for (const sizeGb of settings.sizesGb) {
      // A fresh s3rver per size: the dumps of the previous size do not stay on disk.
      s3 = await startS3({ parentDirectory: s3Parent });
      await s3.createBucket(BUCKET);
      const config = s3.clientConfig();
      const credentials = config.credentials as { accessKeyId: string; secretAccessKey: string };
      const ctx: Context = {
        settings,
        pg,
        s3,
        s3Endpoint: { endpoint: s3.endpoint, region: s3.region, credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey } },
        children,
        pgDumpWrapper,
        pgRestoreWrapper,
        logDir,
        tmpDir,
      };
      try {
        results.push(await benchSize(ctx, sizeGb));
      } finally {
        await s3.stop();
        s3 = undefined;
      }
    }
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error);
    throw error;
  } finally {
    const report = {
      benchmark: 'dump',
      issue: 4,
      date: started.toISOString(),
      durationSeconds: Math.round((Date.now() - started.getTime()) / 1000),
      complete: failure === undefined,
      error: failure,
      machine,
      settings: {
        sizesGb: settings.sizesGb,
        repeat: settings.repeat,
        statistic: settings.repeat > 1 ? 'median of the runs (RSS: maximum)' : 'single run',
        steps: [...settings.steps],
        compression: `(a) pg_dump --compress=${settings.gzipLevel}; (c) compression 'gzip:${settings.gzipLevel}' (the job's default is gzip:3); (b) pg_dump -Fc with its default compression (zlib level 6), as in the seed, then gzip -9`,
        jobUpload: { partSizeMiB: JOB_PART_SIZE / 2 ** 20, queueSize: JOB_QUEUE_SIZE },
        seedsUpload: { partSizeMiB: CLI_PART_SIZE / 2 ** 20, queueSize: CLI_QUEUE_SIZE, note: 'aws s3 cp defaults, via @aws-sdk/lib-storage Upload of the file' },
        restoreJobs: RESTORE_JOBS,
        verifyComparison: 'bare = CREATE DATABASE + pg_restore -j 2 of a local copy of the (c) dump (downloaded beforehand, DROP afterwards, both not timed); verify = the whole job: download + sha256, --list, CREATE, pg_restore -j 2, row-count checks, DROP',
        postgres: 'fsync, synchronous_commit and full_page_writes off, wal_level minimal, shared_buffers 512MB (bench/lib/postgres.ts)',
        cache: 'the database files are read once before each round; CHECKPOINT + sync between steps',
        rss: 'GNU time %M (largest process of a step); the Node children report their own getrusage maxRSS; pg_dump/pg_restore inside the jobs run under a GNU time wrapper',
      },
      targets: TARGETS,
      sizes: results,
      summary: results.flatMap((r) => r.targets).map((t) => `${t.pass ? 'PASS' : 'MISS'} ${t.name} = ${t.value} (target ${t.target})`),
    };
    await writeJson(settings.resultsFile, report);
    log(`wrote ${path.relative(ROOT, settings.resultsFile)}`);
    if (results.length > 0) {
      printReport(results);
    }
    pg.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`bench:dump failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  killRunningSteps();
  process.exit(1);
});
