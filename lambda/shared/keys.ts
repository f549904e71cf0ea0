// Object keys of the dumps: `<prefix><database>/<UTC yyyy-mm-ddThh-mm-ssZ>.dump` and `<dump key>.manifest.json`.
// The timestamp has fixed width, so the keys of one database sort by time (lexicographic order = time order).

export const DUMP_SUFFIX = '.dump';
export const MANIFEST_SUFFIX = '.manifest.json';

const TIMESTAMP_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2})-(\d{2})-(\d{2})Z$/;
const DUMP_KEY_PATTERN = /^(.*?)([^/]+)\/(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z)\.dump$/;

/** A key prefix as used in keys: '' or ending in exactly one '/', without a leading '/'. */
export function normalizePrefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? '').replace(/^\/+/, '').replace(/\/+$/, '');
  return trimmed === '' ? '' : `${trimmed}/`;
}

/** Checks that a logical database name can be one key segment (non-empty, no '/', no control characters). */
export function validateDatabaseSegment(database: string): string {
  // eslint-disable-next-line no-control-regex
  if (database === '' || database.includes('/') || /[\u0000-\u001f\u007f]/.test(database) || database === '.' || database === '..') {
    throw new Error(`database name ${JSON.stringify(database)} cannot be a key segment: it must be non-empty, without '/' or control characters`);
  }
  return database;
}

/** `2026-01-02T03-04-05Z` (UTC, seconds; ':' replaced by '-' so the key needs no escaping). */
export function formatDumpTimestamp(date: Date): string {
  if (Number.isNaN(date.getTime())) {
    throw new Error('cannot format an invalid Date as a dump timestamp');
  }
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
}

/** Parses `formatDumpTimestamp` output back to a Date; undefined when it is not one. */
export function parseDumpTimestamp(timestamp: string): Date | undefined {
  const match = TIMESTAMP_PATTERN.exec(timestamp);
  if (!match) {
    return undefined;
  }
  const [, year, month, day, hour, minute, second] = match.map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Reject impossible dates (2026-02-30) that Date.UTC would roll over.
  return formatDumpTimestamp(date) === timestamp ? date : undefined;
}

/** `<prefix><database>/`: the prefix under which all dumps of one database live. */
export function dumpKeyPrefix(prefix: string, database: string): string {
  return `${normalizePrefix(prefix)}${validateDatabaseSegment(database)}/`;
}

/** `<prefix><database>/<timestamp>.dump`. */
export function dumpKey(prefix: string, database: string, startedAt: Date): string {
  return `${dumpKeyPrefix(prefix, database)}${formatDumpTimestamp(startedAt)}${DUMP_SUFFIX}`;
}

/** `<dump key>.manifest.json`. */
export function manifestKey(key: string): string {
  return `${key}${MANIFEST_SUFFIX}`;
}

export interface ParsedDumpKey {
  /** The normalized prefix ('' or ending in '/'). */
  readonly prefix: string;
  readonly database: string;
  readonly startedAt: Date;
}

/** Parses a dump key (not a manifest key); undefined when the key is not a dump key. */
export function parseDumpKey(key: string): ParsedDumpKey | undefined {
  const match = DUMP_KEY_PATTERN.exec(key);
  if (!match) {
    return undefined;
  }
  const startedAt = parseDumpTimestamp(match[3]);
  return startedAt ? { prefix: match[1], database: match[2], startedAt } : undefined;
}

/** The dump keys among `keys` (manifests and other objects dropped), newest first. */
export function dumpKeysNewestFirst(keys: readonly string[]): string[] {
  return keys
    .map((key) => ({ key, parsed: parseDumpKey(key) }))
    .filter((entry): entry is { key: string; parsed: ParsedDumpKey } => entry.parsed !== undefined)
    .sort((a, b) => b.parsed.startedAt.getTime() - a.parsed.startedAt.getTime() || (a.key < b.key ? 1 : -1))
    .map((entry) => entry.key);
}
