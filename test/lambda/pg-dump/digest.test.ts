import { createHash } from 'node:crypto';
import { DumpDigest } from '../../../lambda/pg-dump/digest';

/** Writes `chunks` through `digest` and collects what passes; rejects with the stream's error. */
async function pass(digest: DumpDigest, chunks: readonly string[]): Promise<Buffer> {
  const output: Buffer[] = [];
  const finished = new Promise<Buffer>((resolve, reject) => {
    digest.on('data', (chunk: Buffer) => output.push(chunk));
    digest.on('end', () => resolve(Buffer.concat(output)));
    digest.on('error', reject);
  });
  for (const chunk of chunks) {
    digest.write(Buffer.from(chunk, 'latin1'));
  }
  digest.end();
  return finished;
}

describe('DumpDigest', () => {
  test('passes a custom-format archive through unchanged, counting and hashing it, with the header split over chunks', async () => {
    const chunks = ['PG', 'DMP\x01\x0e', 'rest of the archive'];
    const seen: number[] = [];
    const digest = new DumpDigest((bytes) => seen.push(bytes));
    const output = await pass(digest, chunks);
    const all = Buffer.from(chunks.join(''), 'latin1');
    expect(output).toEqual(all);
    expect(digest.headerOk).toBe(true);
    expect(digest.bytes).toBe(all.length);
    expect(seen).toEqual([2, 7, all.length]);
    expect(digest.digest()).toBe(createHash('sha256').update(all).digest('hex'));
  });

  test('fails when the output does not start with PGDMP, as soon as five bytes are seen', async () => {
    const digest = new DumpDigest();
    await expect(pass(digest, ['-- ', 'PostgreSQL database dump'])).rejects.toThrow(
      'pg_dump output does not start with PGDMP (got "-- Po"); not a custom-format archive');
    expect(digest.formatError?.message).toMatch(/^pg_dump output does not start with PGDMP/);
    expect(digest.headerOk).toBe(false);
    expect(digest.bytes).toBe(3);
  });

  test('output shorter than the header is no format error, but has no header either', async () => {
    const digest = new DumpDigest();
    expect(await pass(digest, ['PGD'])).toEqual(Buffer.from('PGD'));
    expect(digest.headerOk).toBe(false);
    expect(digest.formatError).toBeUndefined();
  });
});
