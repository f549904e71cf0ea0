// pg_dump as a child process: stdout for the caller to pipe, stderr kept within a bound, the exit as a promise
// that never rejects, and a stop that escalates to SIGKILL.
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { BoundedCapture } from '../shared/postgres';

const KILL_GRACE_MS = 5_000;
const STDERR_LIMIT_BYTES = 16 * 1024;

/**
 * pg_dump's stdout buffer. pg_dump writes its archive through stdio, which buffers a pipe or socket one page at a
 * time (4 KiB): a write, and a wake-up of the job's event loop, every 4 KiB (about 140,000 per GB of archive), each
 * a moment where pg_dump waits for the job to read or for a CPU. coreutils' `stdbuf` (LD_PRELOAD of libstdbuf.so,
 * which calls setvbuf before main) makes the buffer 64 KiB: on the 1 GB benchmark database pg_dump's context
 * switches fell from 33,953 to 3,174, and the job's dump from 1.16 to 1.10-1.13 times pg_dump alone
 * (bench/README.md). 64 KiB, not more: a write larger than the socket's buffer (about 200 KiB) blocks pg_dump
 * until the job has read most of it.
 */
export const PG_DUMP_OUTPUT_BUFFER = '64K';
/** Where coreutils puts stdbuf, on Debian and Amazon Linux. */
export const STDBUF_PATH = '/usr/bin/stdbuf';

/** The stdbuf paths that have worked in this process (a warm Lambda runs the job many times). */
const workingStdbufs = new Set<string>();

/**
 * Whether `stdbufPath` can set a buffer here (it exists, and finds its libstdbuf.so), by running `true` under it
 * (a few milliseconds). A success is remembered for the process; a failure is checked again at the next run, so
 * that a passing one (e.g. no process slot) does not cost every later run of a warm Lambda its buffer.
 */
export function stdbufWorks(stdbufPath: string = STDBUF_PATH): boolean {
  if (!workingStdbufs.has(stdbufPath)) {
    const result = spawnSync(stdbufPath, [`--output=${PG_DUMP_OUTPUT_BUFFER}`, 'true'], { stdio: 'ignore', timeout: 5_000 });
    if (result.error === undefined && result.status === 0) {
      workingStdbufs.add(stdbufPath);
    }
  }
  return workingStdbufs.has(stdbufPath);
}

/** The command that runs pg_dump with the 64 KiB output buffer, or pg_dump itself where stdbuf does not work. */
export function pgDumpCommand(pgDumpPath: string, args: readonly string[], stdbufPath: string = STDBUF_PATH,
  useStdbuf: boolean = stdbufWorks(stdbufPath)): { command: string; args: string[] } {
  return useStdbuf
    ? { command: stdbufPath, args: [`--output=${PG_DUMP_OUTPUT_BUFFER}`, pgDumpPath, ...args] }
    : { command: pgDumpPath, args: [...args] };
}

/** How pg_dump ended: its exit code or signal, or the error that kept it from running. */
export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly error?: Error;
}

export class PgDumpProcess {
  public readonly child: ChildProcess;
  /** The first and last bytes of pg_dump's stderr. */
  public readonly stderr = new BoundedCapture(STDERR_LIMIT_BYTES);
  /** Resolves when pg_dump has exited and its streams are closed, or could not be started. */
  public readonly exited: Promise<ExitStatus>;
  private killTimer: NodeJS.Timeout | undefined;

  /** `useStdbuf`: whether to run it under stdbuf, as checked by the caller (default: check here). */
  public constructor(path: string, args: readonly string[], env: NodeJS.ProcessEnv, useStdbuf?: boolean) {
    // Signals reach pg_dump itself: stdbuf replaces itself with it (exec).
    const { command, args: commandArgs } = pgDumpCommand(path, args, STDBUF_PATH, useStdbuf ?? stdbufWorks());
    this.child = spawn(command, commandArgs, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stderr?.on('data', (chunk: Buffer) => this.stderr.push(chunk));
    this.exited = new Promise<ExitStatus>((resolve) => {
      this.child.once('error', (error) => resolve({ code: null, signal: null, error }));
      this.child.once('close', (code, signal) => resolve({ code, signal }));
    });
  }

  /**
   * Sends `signal` unless pg_dump has already exited. Any signal but SIGKILL also continues a stopped process
   * (which handles SIGTERM only once continued) and is followed by SIGKILL after a grace period.
   */
  public stop(signal: NodeJS.Signals): void {
    const child = this.child;
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
      return;
    }
    child.kill(signal);
    if (signal !== 'SIGKILL') {
      child.kill('SIGCONT');
      this.killTimer ??= setTimeout(() => this.stop('SIGKILL'), KILL_GRACE_MS);
      this.killTimer.unref();
    }
  }

  /** Cancels a pending SIGKILL; call once the run is over. */
  public dispose(): void {
    if (this.killTimer) {
      clearTimeout(this.killTimer);
    }
  }
}
