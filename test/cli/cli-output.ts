// An Output whose streams are kept in memory, for commands run in-process with mocked AWS clients.
import { PassThrough } from 'node:stream';
import { Output } from '../../cli/output';

export interface CapturedOutput {
  readonly output: Output;
  stdout(): string;
  stderr(): string;
}

export function captureOutput(options: { json?: boolean; now?: () => number } = {}): CapturedOutput {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d: Buffer) => { stdout += d.toString('utf8'); });
  err.on('data', (d: Buffer) => { stderr += d.toString('utf8'); });
  return {
    output: new Output({ json: options.json === true, live: false, stdout: out, stderr: err, lineIntervalSeconds: 0, now: options.now }),
    stdout: () => stdout,
    stderr: () => stderr,
  };
}

/** A clock that only moves when the code under test sleeps: waiting is instant and timeouts are exact. */
export function fakeClock(start = Date.parse('2026-03-02T12:00:00Z')) {
  let now = start;
  return {
    now: () => now,
    sleep: async (ms: number) => { now += ms; },
  };
}
