// pg_dump's `--compress` for the job's compression setting. Which methods are allowed depends on the pg_dump
// major version, so a setting is validated once more when that version is known.

export interface PgDumpCompression {
  /** Normalized spec, recorded in the manifest: `gzip:6`, `lz4`, `zstd:3`, `none`. */
  readonly spec: string;
  /** The value of pg_dump's `--compress`. */
  readonly pgDumpArg: string;
}

/**
 * Validates a compression spec for a pg_dump major: `gzip[:0-9]` (default level 6), `lz4[:1-12]` and
 * `zstd[:1-22]` (pg_dump >= 16 only), `none`. gzip uses pg_dump's integer form, which every version reads.
 */
export function parseCompression(spec: string, clientMajorVersion: number): PgDumpCompression {
  const match = /^(gzip|lz4|zstd|none)(?::(\d+))?$/.exec(spec.trim().toLowerCase());
  if (!match) {
    throw new Error(`compression '${spec}' is not valid; use gzip:<0-9>, lz4[:1-12], zstd[:1-22] or none`);
  }
  const method = match[1];
  const level = match[2] === undefined ? undefined : Number(match[2]);
  if (method === 'none') {
    if (level !== undefined) {
      throw new Error(`compression '${spec}' is not valid: none takes no level`);
    }
    return { spec: 'none', pgDumpArg: '0' };
  }
  if (method === 'gzip') {
    const gzipLevel = level ?? 6;
    if (gzipLevel > 9) {
      throw new Error(`compression '${spec}': the gzip level must be 0-9`);
    }
    return { spec: `gzip:${gzipLevel}`, pgDumpArg: String(gzipLevel) };
  }
  if (clientMajorVersion < 16) {
    throw new Error(`compression '${spec}' needs pg_dump 16 or newer, but the job's pg_dump is ${clientMajorVersion}; use gzip:<0-9> or rebuild the image with a newer client`);
  }
  const max = method === 'lz4' ? 12 : 22;
  if (level !== undefined && (level < 1 || level > max)) {
    throw new Error(`compression '${spec}': the ${method} level must be 1-${max}`);
  }
  const normalized = level === undefined ? method : `${method}:${level}`;
  return { spec: normalized, pgDumpArg: normalized };
}
