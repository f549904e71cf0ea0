// The transform between pg_dump's stdout and the upload: SHA-256 and byte count of the dump as it passes, and a
// check that it is a custom-format archive (it starts with `PGDMP`).
import { createHash } from 'node:crypto';
import { Transform, TransformCallback } from 'node:stream';

const DUMP_MAGIC = Buffer.from('PGDMP', 'ascii');

/** Passes pg_dump's output through, hashing and counting it, and fails fast unless it starts with `PGDMP`. */
export class DumpDigest extends Transform {
  public bytes = 0;
  public headerOk = false;
  /** Set when the output is not a custom-format archive. */
  public formatError: Error | undefined;
  private readonly hash = createHash('sha256');
  private header = Buffer.alloc(0);

  public constructor(private readonly onChunk?: (bytesSoFar: number) => void) {
    super();
  }

  public override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (!this.headerOk) {
      this.header = Buffer.concat([this.header, chunk.subarray(0, DUMP_MAGIC.length - this.header.length)]);
      if (this.header.length >= DUMP_MAGIC.length) {
        if (!this.header.equals(DUMP_MAGIC)) {
          this.formatError = new Error(`pg_dump output does not start with PGDMP (got ${JSON.stringify(this.header.toString('latin1'))}); not a custom-format archive`);
          callback(this.formatError);
          return;
        }
        this.headerOk = true;
      }
    }
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this.onChunk?.(this.bytes);
    callback(null, chunk);
  }

  /** The hex SHA-256 of everything that passed; call once, after the stream ended. */
  public digest(): string {
    return this.hash.digest('hex');
  }
}
