// Waiting for an AWS restore: polls until done, failed, interrupted or past --timeout, showing the state and the
// elapsed time. A timeout stops the waiting, not the restore, and says how to follow it.
import { setTimeout as delay } from 'node:timers/promises';
import { CliError, EXIT } from '../exit-codes';
import { formatDuration, Progress } from '../output';

export interface PollResult<T> {
  /** The AWS state, shown as is (`creating`, `RUNNING`, …). */
  readonly state: string;
  readonly detail?: string;
  readonly done: boolean;
  /** Set when the restore failed: why. */
  readonly failed?: string;
  readonly value?: T;
}

export interface WaitOptions {
  readonly timeoutSeconds: number;
  readonly pollSeconds: number;
  readonly signal?: AbortSignal;
  /** @default timers/promises setTimeout */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Milliseconds since the epoch. @default Date.now */
  readonly now?: () => number;
}

const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> => delay(ms, undefined, { signal });

/**
 * Polls `poll` every `pollSeconds` until it reports done (returns its value) or failed (CliError 1), the signal
 * aborts (130) or `timeoutSeconds` pass (5, with `follow`: the command that shows the restore's progress).
 */
export async function waitFor<T>(
  what: string, poll: () => Promise<PollResult<T>>, progress: Progress, o: WaitOptions, follow: string,
): Promise<T> {
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? defaultSleep;
  const deadline = now() + o.timeoutSeconds * 1000;
  try {
    for (;;) {
      const r = await poll();
      progress.update(r.state, r.detail);
      if (r.failed !== undefined) throw new CliError(EXIT.FAILED, `${what} failed (${r.state}): ${r.failed}`);
      if (r.done) return r.value as T;
      if (now() >= deadline) {
        throw new CliError(EXIT.TIMEOUT, `${what} did not finish within ${formatDuration(o.timeoutSeconds)} (state ${r.state}); `
          + `it goes on in AWS — follow it with \`${follow}\`, or wait longer with --timeout`);
      }
      try {
        await sleep(Math.min(o.pollSeconds * 1000, Math.max(0, deadline - now())), o.signal);
      } catch (err) {
        if (o.signal?.aborted) {
          throw new CliError(EXIT.INTERRUPTED, `interrupted while waiting for ${what}; it goes on in AWS — follow it with \`${follow}\``, { cause: err });
        }
        throw err;
      }
    }
  } finally {
    progress.stop();
  }
}
