// The large objects of a database, counted the same way by pg-dump (into the manifest) and verify-dump (after the
// restore): how many, and their bytes together.
import type { Client } from 'pg';
import type { ManifestLargeObjects } from '../../lib/private/job-contract';

/**
 * The number of large objects and the sum of their sizes (each one's end offset, `lo_lseek64(fd, 0, SEEK_END)`).
 * `lo_open` needs the SELECT privilege on each large object, which pg_dump needs as well to dump it.
 */
export async function largeObjectTotals(client: Client): Promise<ManifestLargeObjects> {
  const result = await client.query<{ count: string; bytes: string }>(`
    SELECT count(*)::text AS count, coalesce(sum(size), 0)::text AS bytes
    FROM (SELECT lo_lseek64(fd, 0, 2) AS size, lo_close(fd) FROM (
      SELECT lo_open(oid, x'40000'::int) AS fd FROM pg_largeobject_metadata) opened) sized`);
  return { count: Number(result.rows[0].count), bytes: Number(result.rows[0].bytes) };
}
