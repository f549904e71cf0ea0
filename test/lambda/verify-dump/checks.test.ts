import { compareFreshness, compareRowCount, DEFAULT_ROW_COUNT_POLICY } from '../../../lambda/shared/checks';

describe('row-count and freshness rules', () => {
  test.each([
    // [manifest rows, exact, restored, status]
    [300, true, 300, 'passed'],
    [300, true, 303, 'passed'],
    [300, true, 297, 'passed'],
    [300, true, 304, 'failed'],
    [300, true, 296, 'failed'],
    [0, true, 0, 'passed'],
    [0, true, 1, 'failed'],
    [10, true, 9, 'failed'],
    [5000, false, 2500, 'passed'],
    [5000, false, 2499, 'failed'],
    [5000, false, 90000, 'passed'],
    [999, false, 0, 'skipped'],
    [-1, false, 0, 'skipped'],
  ])('manifest %d rows (exact %s), %d restored → %s', (rows, exact, restored, status) => {
    expect(compareRowCount({ name: 'public.t', rows, exact }, restored, DEFAULT_ROW_COUNT_POLICY).status).toBe(status);
  });

  test.each([
    [3600, 'passed'],
    [3599, 'failed'],
  ])('freshness limit %d s for a value 3600 s older than the dump → %s', (maxAgeSeconds, status) => {
    const startedAt = new Date('2026-01-02T03:00:00Z');
    expect(compareFreshness({ table: 'public.t', column: 'c', maxAgeSeconds }, startedAt.getTime() / 1000 - 3600, startedAt).status).toBe(status);
  });
});
