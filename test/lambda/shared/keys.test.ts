import {
  dumpKey, dumpKeysNewestFirst, formatDumpTimestamp, manifestKey, normalizePrefix, parseDumpKey, parseDumpTimestamp,
} from '../../../lambda/shared/keys';

describe('dump keys', () => {
  test('dump keys sort by time and parse back', () => {
    const start = new Date(Date.UTC(2026, 1, 3, 4, 5, 6, 789));
    const key = dumpKey('a/b', 'orders', start);
    expect(key).toBe('a/b/orders/2026-02-03T04-05-06Z.dump');
    expect(manifestKey(key)).toBe('a/b/orders/2026-02-03T04-05-06Z.dump.manifest.json');
    expect(parseDumpKey(key)).toEqual({ prefix: 'a/b/', database: 'orders', startedAt: new Date(Date.UTC(2026, 1, 3, 4, 5, 6)) });
    expect(parseDumpKey(manifestKey(key))).toBeUndefined();
    expect(parseDumpKey('orders/2026-02-30T04-05-06Z.dump')).toBeUndefined();
    expect(parseDumpTimestamp(formatDumpTimestamp(start))?.toISOString()).toBe('2026-02-03T04:05:06.000Z');
    expect(dumpKey('', 'db', start)).toBe('db/2026-02-03T04-05-06Z.dump');
    expect(normalizePrefix('/x//')).toBe('x/');
    const keys = ['p/db/2026-01-02T00-00-00Z.dump', 'p/db/2025-12-31T23-59-59Z.dump', 'p/db/2026-01-02T00-00-00Z.dump.manifest.json', 'p/db/2026-01-10T00-00-00Z.dump'];
    expect(dumpKeysNewestFirst(keys)).toEqual(['p/db/2026-01-10T00-00-00Z.dump', 'p/db/2026-01-02T00-00-00Z.dump', 'p/db/2025-12-31T23-59-59Z.dump']);
    expect([...keys].filter((k) => k.endsWith('.dump')).sort().reverse()).toEqual(dumpKeysNewestFirst(keys));
  });

  test.each([
    ['a/b'],
    [''],
    ['..'],
  ])('fails when the database name %j cannot be a key segment', (database) => {
    expect(() => dumpKey('p/', database, new Date())).toThrow('cannot be a key segment');
  });
});
