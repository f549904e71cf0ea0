// Reading `<key>.manifest.json` (the DumpManifest of the job contract) back, strictly: verify-dump trusts
// nothing in it that it has not checked.

import type { DumpManifest, ManifestLargeObjects, ManifestTable } from '../../lib/private/job-contract';
import { VerificationError } from './errors';

function invalid(source: string, what: string): VerificationError {
  return new VerificationError('select',
    `manifest ${source} is invalid: ${what}; it must follow the DumpManifest of lib/private/job-contract.ts `
    + '(formatVersion 1) — check the pg-dump version that wrote it');
}

const isInt = (v: unknown, min: number): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= min;

/**
 * Parses and validates a manifest. `dumpKey` and `database` are what the manifest must name;
 * `source` names the manifest object in error messages.
 */
export function parseManifest(text: string, source: string, dumpKey: string, database: string): DumpManifest {
  let m: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    m = parsed as Record<string, unknown>;
  } catch {
    throw invalid(source, 'not a JSON object');
  }
  if (m.formatVersion !== 1) throw invalid(source, `formatVersion is ${JSON.stringify(m.formatVersion)}, expected 1`);
  if (m.key !== dumpKey) throw invalid(source, `key is ${JSON.stringify(m.key)}, expected '${dumpKey}'`);
  if (m.database !== database) throw invalid(source, `database is ${JSON.stringify(m.database)}, expected '${database}'`);
  if (!isInt(m.sizeBytes, 0)) throw invalid(source, `sizeBytes ${JSON.stringify(m.sizeBytes)} is not a non-negative integer`);
  if (typeof m.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(m.sha256)) throw invalid(source, 'sha256 is not 64 lower-case hex digits');
  if (typeof m.startedAt !== 'string' || Number.isNaN(Date.parse(m.startedAt))) {
    throw invalid(source, `startedAt ${JSON.stringify(m.startedAt)} is not an ISO-8601 time`);
  }
  if (typeof m.durationSeconds !== 'number' || !(m.durationSeconds >= 0)) throw invalid(source, 'durationSeconds is not a number >= 0');
  if (!isInt(m.serverVersionNum, 1)) throw invalid(source, 'serverVersionNum is not a positive integer');
  if (typeof m.clientMajor !== 'number' || !(m.clientMajor > 0)) throw invalid(source, 'clientMajor is not a positive number');
  if (typeof m.compression !== 'string') throw invalid(source, 'compression is not a string');
  const tables = relations(source, m.tables, 'tables');
  const materializedViews = m.materializedViews === undefined ? undefined : relations(source, m.materializedViews, 'materializedViews');
  let largeObjects: ManifestLargeObjects | undefined;
  if (m.largeObjects !== undefined) {
    const lo = m.largeObjects as Partial<ManifestLargeObjects> | null;
    if (typeof lo !== 'object' || lo === null || !isInt(lo.count, 0) || !isInt(lo.bytes, 0)) {
      throw invalid(source, `largeObjects ${JSON.stringify(m.largeObjects)} is not {count, bytes} of non-negative integers`);
    }
    largeObjects = { count: lo.count as number, bytes: lo.bytes as number };
  }
  return {
    formatVersion: 1,
    database,
    key: dumpKey,
    sizeBytes: m.sizeBytes,
    sha256: m.sha256,
    startedAt: m.startedAt,
    durationSeconds: m.durationSeconds,
    serverVersionNum: m.serverVersionNum,
    clientMajor: m.clientMajor,
    compression: m.compression,
    tables,
    ...(materializedViews ? { materializedViews } : {}),
    ...(largeObjects ? { largeObjects } : {}),
  };
}

/** A list of `{name: 'schema.table', rows, exact}` entries (tables, materialized views), each name once. */
function relations(source: string, value: unknown, field: string): ManifestTable[] {
  if (!Array.isArray(value)) throw invalid(source, `${field} is not an array`);
  const names = new Set<string>();
  return value.map((t: unknown, i: number) => {
    const e = t as Partial<ManifestTable> | null;
    if (typeof e !== 'object' || e === null || typeof e.name !== 'string' || !e.name.includes('.')
      || typeof e.rows !== 'number' || !Number.isFinite(e.rows) || typeof e.exact !== 'boolean'
      || (e.exact && !isInt(e.rows, 0))) {
      throw invalid(source, `${field}[${i}] ${JSON.stringify(t)} is not {name: 'schema.table', rows, exact}`);
    }
    if (names.has(e.name)) throw invalid(source, `${field === 'tables' ? 'table' : 'materialized view'} ${e.name} is listed twice`);
    names.add(e.name);
    return { name: e.name, rows: e.rows, exact: e.exact };
  });
}
