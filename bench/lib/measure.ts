// Running one measured step: a child process under GNU time (`/usr/bin/time -f '%e %M %U %S %c %w'`), its wall seconds
// taken here from spawn to exit, its peak RSS and CPU seconds (user + system, the process and its waited-for
// descendants) from GNU time. Note that GNU time's %M is the largest peak RSS of the
// process *and its waited-for descendants* (Linux wait4 semantics), not their sum; the Node children report
// their own peak RSS (getrusage RUSAGE_SELF) besides, and pg_dump / pg_restore inside them run under a
// wrapper (`timedWrapper`) so that their RSS is known separately.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

export const GNU_TIME = '/usr/bin/time';

export interface StepOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** File that receives stdout ('/dev/null' for `> /dev/null`); default the log file. */
  readonly stdoutFile?: string;
  /** stderr (and stdout unless `stdoutFile`) go here. */
  readonly logFile: string;
  /** The step is killed after this long. */
  readonly timeoutSeconds: number;
}

export interface StepResult {
  readonly wallSeconds: number;
  /** Peak RSS reported by GNU time (largest process of the tree), MiB. */
  readonly peakRssMiB: number;
  /** CPU seconds (user + system) of the process and its waited-for descendants, from GNU time. */
  readonly cpuSeconds: number;
  /** Times the process was switched out, involuntarily (its time slice ended) or waiting (I/O, a full pipe). */
  readonly contextSwitches: number;
}

/** GNU time's output format: wall seconds, peak RSS KiB, user and system CPU seconds, involuntary and voluntary context switches. */
const TIME_FORMAT = '%e %M %U %S %c %w';

/** Child process groups still running, killed when the benchmark is interrupted. */
const running = new Set<number>();

export function killRunningSteps(): void {
  for (const pid of running) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone: nothing to kill
    }
  }
  running.clear();
}

/** Checks that GNU time is installed (`apt-get install -y time` when it is not). */
export function assertGnuTime(): void {
  if (!existsSync(GNU_TIME)) {
    throw new Error(`${GNU_TIME} (GNU time) is missing; it measures peak RSS. Install it: apt-get install -y time`);
  }
}

/** The `<seconds> <maxrss KiB> <user> <system> <involuntary> <voluntary>` lines GNU time wrote to `file` (other lines: exit notes). */
export function readTimeFile(file: string): { seconds: number; maxRssKiB: number; cpuSeconds: number; contextSwitches: number }[] {
  if (!existsSync(file)) {
    return [];
  }
  return readFileSync(file, 'utf8').split('\n')
    .map((line) => /^(\d+(?:\.\d+)?) (\d+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+) (\d+)$/.exec(line.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({
      seconds: Number(m[1]),
      maxRssKiB: Number(m[2]),
      cpuSeconds: Math.round((Number(m[3]) + Number(m[4])) * 100) / 100,
      contextSwitches: Number(m[5]) + Number(m[6]),
    }));
}

export function kibToMiB(kib: number): number {
  return Math.round((kib / 1024) * 10) / 10;
}

/**
 * Runs `command args` under GNU time in its own process group; rejects on a non-zero exit (naming the log)
 * or after `timeoutSeconds` (killing the group).
 */
export async function runStep(what: string, command: string, args: readonly string[], options: StepOptions): Promise<StepResult> {
  const timeFile = `${options.logFile}.time`;
  rmSync(timeFile, { force: true });
  const logFd = openSync(options.logFile, 'a');
  const outFd = options.stdoutFile ? openSync(options.stdoutFile, 'w') : logFd;
  writeFileSync(logFd, `\n# ${new Date().toISOString()} ${what}: ${command} ${args.join(' ')}\n`);
  const started = process.hrtime.bigint();
  try {
    const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      const child = spawn(GNU_TIME, ['-f', TIME_FORMAT, '-o', timeFile, command, ...args], {
        env: options.env ?? process.env,
        stdio: ['ignore', outFd, logFd],
        detached: true,
      });
      const pid = child.pid;
      if (pid !== undefined) {
        running.add(pid);
      }
      const timer = setTimeout(() => {
        if (pid !== undefined) {
          process.kill(-pid, 'SIGKILL');
        }
      }, options.timeoutSeconds * 1000);
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`${what}: cannot run ${command}: ${error.message}`));
      });
      child.on('exit', (exitCode, exitSignal) => {
        clearTimeout(timer);
        if (pid !== undefined) {
          running.delete(pid);
        }
        resolve({ code: exitCode, signal: exitSignal });
      });
    });
    const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (code !== 0) {
      const how = signal ? `was killed by ${signal} (timeout ${options.timeoutSeconds} s?)` : `exited with ${code}`;
      throw new Error(`${what} ${how}; see ${options.logFile}`);
    }
    const measured = readTimeFile(timeFile).pop();
    if (!measured) {
      throw new Error(`${what}: GNU time wrote no measurement to ${timeFile}`);
    }
    return { wallSeconds, peakRssMiB: kibToMiB(measured.maxRssKiB), cpuSeconds: measured.cpuSeconds, contextSwitches: measured.contextSwitches };
  } finally {
    closeSync(logFd);
    if (outFd !== logFd) {
      closeSync(outFd);
    }
  }
}

/**
 * A shell wrapper for a binary that a job spawns itself (pg_dump, pg_restore): it runs the binary under GNU time,
 * appending `<seconds> <maxrss KiB> <user> <system> <involuntary> <voluntary>` to `$BENCH_TIME_FILE` (the jobs pass their environment on, minus PG*).
 */
export function timedWrapper(file: string, binary: string): string {
  writeFileSync(file, `#!/bin/sh\nexec ${GNU_TIME} -a -o "$BENCH_TIME_FILE" -f '${TIME_FORMAT}' ${binary} "$@"\n`);
  chmodSync(file, 0o755);
  return file;
}

/**
 * CPU seconds (user + system) the PostgreSQL server has used so far: the postmaster's own and its reaped children's
 * (`cutime`/`cstime` of /proc/<pid>/stat), plus its live children's (the backends of open connections). Take the
 * difference around a step for what the server spent serving it; Linux only.
 */
export function serverCpuSeconds(dataDir: string): number {
  const postmaster = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const ticks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
  const stat = (pid: string) => {
    try {
      // Fields after the command name (which may hold spaces): state is field 3, ppid 4, utime 14 ... cstime 17.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
      return { ppid: Number(fields[1]), utime: Number(fields[11]), stime: Number(fields[12]), cutime: Number(fields[13]), cstime: Number(fields[14]) };
    } catch {
      return undefined;
    }
  };
  // A backend reaped between the two reads would be counted twice or not at all: read until the postmaster's
  // reaped-children times did not move while the children were read.
  for (;;) {
    const before = stat(String(postmaster));
    if (!before) {
      throw new Error(`the PostgreSQL server (pid ${postmaster} in ${dataDir}/postmaster.pid) is not running`);
    }
    let children = 0;
    for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      const child = stat(pid);
      if (child?.ppid === postmaster) {
        children += child.utime + child.stime;
      }
    }
    const after = stat(String(postmaster));
    if (after && after.cutime === before.cutime && after.cstime === before.cstime) {
      return (after.utime + after.stime + after.cutime + after.cstime + children) / ticks;
    }
  }
}
