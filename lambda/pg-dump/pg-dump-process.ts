// pg_dump as a child process: stdout for the caller to pipe, stderr kept within a bound, the exit as a promise
// that never rejects, and a stop that escalates to SIGKILL.
import { ChildProcess, spawn } from 'node:child_process';
import { BoundedCapture } from '../shared/postgres';

const KILL_GRACE_MS = 5_000;
const STDERR_LIMIT_BYTES = 16 * 1024;

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

  public constructor(path: string, args: readonly string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(path, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
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
