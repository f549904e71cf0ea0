// The exit codes of `cdk-backup-dr`, documented in README.md ("Restoring") and in `--help`. A script can tell a
// restore that was refused from one that failed half-way, and a broken backup from a broken restore.

export const EXIT = {
  /** The command did what it was asked (or, with --dry-run, found nothing that would stop it). */
  OK: 0,
  /** The restore failed while running (the message names the step and the cause). */
  FAILED: 1,
  /** Bad arguments or a configuration that cannot work; nothing was changed. */
  USAGE: 2,
  /** Refused by a safety check (target holds data, target is production, no typed confirmation); nothing was changed. */
  REFUSED: 3,
  /** The backup does not match its manifest (size, sha256), or the restored row counts differ from it. */
  INTEGRITY: 4,
  /** An AWS restore did not finish within --timeout; it may still be running (the message says how to follow it). */
  TIMEOUT: 5,
  /** AWS refused the call: no credentials, a missing permission (the action is named), or the wrong region. */
  AWS_ACCESS: 6,
  /** Interrupted (Ctrl-C). */
  INTERRUPTED: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The table printed by `--help`. */
export const EXIT_CODE_HELP = [
  'Exit codes:',
  '  0    done (with --dry-run: nothing found that would stop the restore)',
  '  1    the restore failed while running; the message names the step and the cause',
  '  2    bad arguments or configuration; nothing was changed',
  '  3    refused by a safety check (target holds data, target is production); nothing was changed',
  '  4    integrity: the backup does not match its manifest, or restored row counts differ',
  '  5    timed out waiting for an AWS restore (it may still be running)',
  '  6    AWS refused: no credentials, missing permission (named), or wrong region',
  '  130  interrupted',
].join('\n');

/** An error the CLI reports as one message and exits with `code`. */
export class CliError extends Error {
  constructor(public readonly code: ExitCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
  }
}
