// Runs the bundled `cdk-backup-dr` CLI as a process, the way an operator does: real argv, environment, stdin,
// exit code, and (with `terminal`) a pseudo-terminal from util-linux `script`, so the output is what a person sees.
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
export const CLI = path.join(ROOT, 'cli', 'cdk-backup-dr.cjs');
const BUNDLE = path.join(ROOT, 'cli', 'dist', 'cdk-backup-dr.js');

function newestSource(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((newest, entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'dist' ? newest : Math.max(newest, newestSource(full));
    return entry.name.endsWith('.ts') ? Math.max(newest, statSync(full).mtimeMs) : newest;
  }, 0);
}

/** Bundles the CLI when the bundle is missing or older than a source of cli/ or lambda/ (about a second). */
export function ensureBundle(): void {
  let built: number;
  try {
    built = statSync(BUNDLE).mtimeMs;
  } catch {
    built = 0;
  }
  const sources = Math.max(newestSource(path.join(ROOT, 'cli')), newestSource(path.join(ROOT, 'lambda')), newestSource(path.join(ROOT, 'lib', 'private')));
  if (built < sources) execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'bundle-cli.mjs')], { stdio: 'ignore' });
}

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  /** Environment on top of a clean one (PATH, HOME, no AWS_* or PG* of the machine running the tests). */
  readonly env?: Record<string, string>;
  /** Written to stdin, which is then closed. */
  readonly input?: string;
  readonly cwd?: string;
  readonly timeoutMs?: number;
}

/** A clean environment: no AWS or PostgreSQL settings of the machine leak into a test, and no AWS endpoint is reachable. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8', AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    // Any AWS API the command calls without an explicit endpoint goes to a closed loopback port: no test reaches AWS.
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_MAX_ATTEMPTS: '1', ...extra,
  };
}

export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: cleanEnv(options.env), cwd: options.cwd ?? ROOT, stdio: ['pipe', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 60_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString('utf8'); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString('utf8'); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

const shellQuote = (s: string): string => `'${s.replace(/'/g, "'\\''")}'`;

/**
 * Runs the CLI on a pseudo-terminal (`script -q -e -c CMD /dev/null`): stdout and stderr are a terminal, as for a
 * person. Returns everything the terminal received, escape sequences included.
 */
export function runCliOnTerminal(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  const command = [process.execPath, CLI, ...args].map(shellQuote).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-q', '-e', '-c', `stty cols 120 2>/dev/null; ${command}`, '/dev/null'], {
      env: cleanEnv({ TERM: 'xterm-256color', ...options.env }), cwd: options.cwd ?? ROOT, stdio: ['pipe', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 60_000,
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString('utf8'); });
    child.stderr.on('data', (d: Buffer) => { stdout += d.toString('utf8'); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr: '' }));
    child.stdin.end(options.input ?? '');
  });
}

/**
 * The frames a terminal showed: escape sequences removed, split wherever the cursor went back to the start of the line
 * (carriage return, cursor to column 1, or restoring the cursor saved before a redraw) or to a new line; empty frames dropped.
 */
export function terminalFrames(raw: string): string[] {
  return raw
    // eslint-disable-next-line no-control-regex
    .replace(/\u001b8|\u001b\[1?G/g, '\r')
    // eslint-disable-next-line no-control-regex
    .replace(/\u001b\[[0-9;?]*[A-Za-z]|\u001b[()][A-Z0-9]|\u001b7/g, '')
    .split(/[\r\n]+/)
    .filter((frame) => frame.trim().length > 0);
}
