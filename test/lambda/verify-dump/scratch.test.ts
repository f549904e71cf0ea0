import { scratchDatabaseCreatedAt, scratchDatabaseName } from '../../../lambda/verify-dump/scratch';

describe('scratch database names', () => {
  test('names carry the UTC creation time to the millisecond and parse back', () => {
    const t = new Date('2026-01-02T03:04:05.678Z');
    expect(scratchDatabaseName(t)).toBe('verify_20260102030405678');
    expect(scratchDatabaseCreatedAt('verify_20260102030405678')).toEqual(t);
  });

  test.each(['verify_2026010203040567', 'verify_20261302030405678', 'verify_x', 'shop', 'verify_20260102030405678_x'])(
    '%s is not a scratch database name', (name) => {
      expect(scratchDatabaseCreatedAt(name)).toBeUndefined();
    });
});
