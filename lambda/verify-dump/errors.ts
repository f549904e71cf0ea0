/** The step of a verification that failed. */
export type VerificationStage =
  | 'config' // options or environment
  | 'target' // the scratch target is the production database
  | 'select' // no dump, no manifest, unreadable manifest
  | 'download' // the object could not be fetched or stored
  | 'integrity' // size or sha256 differ from the manifest
  | 'archive' // pg_restore --list cannot read the dump, or the single table is not in it
  | 'scratch' // the scratch server: connect, stale cleanup, CREATE/DROP DATABASE
  | 'restore' // pg_restore into the scratch database
  | 'checks' // row counts, freshness or SQL checks
  | 'deadline'; // stopped before the Lambda deadline

/** A failed verification: `stage` says which step, the message what failed and what to check. */
export class VerificationError extends Error {
  public readonly stage: VerificationStage;

  constructor(stage: VerificationStage, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VerificationError';
    this.stage = stage;
  }
}
