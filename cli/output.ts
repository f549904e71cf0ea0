// What a person or a script sees: messages on stderr, one result on stdout (a JSON document with --json), and
// progress as a live bar on a terminal (cli-progress) or as plain lines when stderr is not a terminal (CI, logs).
import { Presets, SingleBar } from 'cli-progress';

/** How output is shaped; built from the global options. */
export interface OutputOptions {
  /** One JSON document on stdout instead of text. */
  readonly json: boolean;
  /** Live progress bars (stderr is a terminal and --no-progress was not given). */
  readonly live: boolean;
  /** Seconds between plain progress lines when not live. @default 10 */
  readonly lineIntervalSeconds?: number;
  readonly stdout?: NodeJS.WritableStream;
  readonly stderr?: NodeJS.WritableStream;
  /** Milliseconds since the epoch, for elapsed times. @default Date.now */
  readonly now?: () => number;
}

/** A running progress display. */
export interface Progress {
  /** New figures: bytes so far (byte progress) or a state (state progress). */
  update(value: number | string, detail?: string): void;
  /** Ends the display, leaving one final line. */
  stop(final?: string): void;
}

/** `1.5 GiB`, `12.3 MiB`, `512 B`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** `1h 02m 03s`, `4m 05s`, `2.5s`. */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds * 10) / 10}s`;
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}h ${String(m).padStart(2, '0')}m ${rest}s` : `${m}m ${rest}s`;
}

export class Output {
  readonly json: boolean;
  private readonly live: boolean;
  private readonly lineIntervalMs: number;
  private readonly out: NodeJS.WritableStream;
  private readonly err: NodeJS.WritableStream;
  private readonly now: () => number;

  constructor(options: OutputOptions) {
    this.json = options.json;
    this.live = options.live;
    this.lineIntervalMs = (options.lineIntervalSeconds ?? 10) * 1000;
    this.out = options.stdout ?? process.stdout;
    this.err = options.stderr ?? process.stderr;
    this.now = options.now ?? Date.now;
  }

  /** A line for the person at the terminal (stderr, so stdout stays the result). */
  info(message: string): void {
    this.err.write(`${message}\n`);
  }

  warn(message: string): void {
    this.err.write(`warning: ${message}\n`);
  }

  /** The command's result: `value` as JSON with --json, otherwise `text` lines. */
  result(value: unknown, text: readonly string[]): void {
    if (this.json) this.out.write(`${JSON.stringify(value, null, 2)}\n`);
    else this.out.write(`${text.join('\n')}\n`);
  }

  /** Bytes out of `total`: bar, percent, bytes, rate and ETA on a terminal; a line every interval otherwise. */
  bytes(label: string, total: number): Progress {
    const started = this.now();
    const figures = (bytes: number): string => {
      const seconds = (this.now() - started) / 1000;
      const rate = seconds > 0 ? bytes / seconds : 0;
      return `${formatBytes(bytes)} / ${formatBytes(total)}, ${formatBytes(rate)}/s, ${formatDuration(seconds)}`;
    };
    if (this.live) {
      const bar = new SingleBar({
        stream: this.err as NodeJS.WriteStream,
        format: `${label} [{bar}] {percentage}% | {done} / {size} | {rate}/s | ETA {eta_formatted}`,
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 50,
        fps: 5,
      }, Presets.shades_classic);
      const payload = (bytes: number) => {
        const seconds = (this.now() - started) / 1000;
        return { done: formatBytes(bytes), size: formatBytes(total), rate: formatBytes(seconds > 0 ? bytes / seconds : 0) };
      };
      bar.start(Math.max(total, 1), 0, payload(0));
      let last = 0;
      return {
        update: (value) => {
          last = Number(value);
          bar.update(Math.min(last, Math.max(total, 1)), payload(last));
        },
        stop: (final) => {
          bar.update(Math.min(last, Math.max(total, 1)), payload(last));
          bar.stop();
          this.info(final ?? `${label}: ${figures(last)}`);
        },
      };
    }
    return this.lines(label, (v) => figures(Number(v)), 0);
  }

  /** A state (an AWS restore's status, or a step) and the elapsed time. */
  state(label: string, initial: string): Progress {
    const started = this.now();
    const figures = (state: string, detail?: string) =>
      `${state}${detail ? ` (${detail})` : ''}, ${formatDuration((this.now() - started) / 1000)} elapsed`;
    if (this.live) {
      const bar = new SingleBar({
        stream: this.err as NodeJS.WriteStream,
        format: `${label} {spinner} {state} | {elapsed} elapsed`,
        hideCursor: true,
        clearOnComplete: true,
        fps: 2,
      });
      const spinner = ['|', '/', '-', '\\'];
      let tick = 0;
      let state = initial;
      let detail: string | undefined;
      const payload = () => ({
        spinner: spinner[tick++ % spinner.length], state: detail ? `${state} (${detail})` : state,
        elapsed: formatDuration((this.now() - started) / 1000),
      });
      bar.start(1, 0, payload());
      const timer = setInterval(() => bar.update(0, payload()), 500);
      timer.unref();
      return {
        update: (value, d) => {
          state = String(value);
          detail = d;
          bar.update(0, payload());
        },
        stop: (final) => {
          clearInterval(timer);
          bar.update(0, payload());
          bar.stop();
          this.info(final ?? `${label}: ${figures(state, detail)}`);
        },
      };
    }
    return this.lines(label, (v, d) => figures(String(v), d), initial, true);
  }

  /** Plain lines: one per interval, one per state change (`onChange`), and a final one. */
  private lines(label: string, describe: (value: number | string, detail?: string) => string, initial: number | string, onChange = false): Progress {
    let value = initial;
    let detail: string | undefined;
    let lastLine = this.now();
    if (onChange) this.info(`${label}: ${describe(value, detail)}`);
    return {
      update: (v, d) => {
        const changed = v !== value || d !== detail;
        value = v;
        detail = d;
        if ((onChange && changed) || this.now() - lastLine >= this.lineIntervalMs) {
          lastLine = this.now();
          this.info(`${label}: ${describe(value, detail)}`);
        }
      },
      stop: (final) => this.info(final ?? `${label}: ${describe(value, detail)}`),
    };
  }
}
