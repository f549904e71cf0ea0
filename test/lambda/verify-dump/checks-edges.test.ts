// The verify job's pure comparisons (lambda/verify-dump/checks.ts) at their boundaries: the exact-count tolerance
// (rounded down), the estimate floor (rounded up) and its minimum size, the freshness limit, and the sentences the
// job reports. The SQL side of the checks runs against PostgreSQL in test/integration/verify-checks.test.ts.

import { compareFreshness, compareRowCount, DEFAULT_ROW_COUNT_POLICY, RowCountPolicy } from '../../../lambda/shared/checks';

describe('compareRowCount', () => {
  test('the default policy is 1 % for exact counts, 50 % below estimates of at least 1000 rows', () => {
    expect(DEFAULT_ROW_COUNT_POLICY).toEqual({ tolerancePercent: 1, estimateTolerancePercent: 50, estimateMinRows: 1000 });
  });

  test.each<[number, number, string, number]>([
    // [manifest rows, restored, status, allowed difference]
    [300, 303, 'passed', 3],
    [300, 297, 'passed', 3],
    [300, 304, 'failed', 3],
    [1000, 990, 'passed', 10],
    [1000, 1010, 'passed', 10],
    [1000, 989, 'failed', 10],
    [1000, 1011, 'failed', 10],
    [150, 149, 'passed', 1],
    [150, 151, 'passed', 1],
    [150, 148, 'failed', 1],
    [150, 152, 'failed', 1],
    [99, 98, 'failed', 0],
    [0, 0, 'passed', 0],
    [0, 1, 'failed', 0],
  ])('exact count: manifest %p, %p restored -> %s (allowed difference %p)', (rows, restored, status, allowed) => {
    expect(compareRowCount({ name: 'public.orders', rows, exact: true }, restored, DEFAULT_ROW_COUNT_POLICY)).toEqual({
      kind: 'rowCount',
      name: 'public.orders',
      status,
      detail: `public.orders: ${restored} rows restored, manifest ${rows} (exact), allowed difference ${allowed} (1 %)`,
    });
  });

  test.each<[number, number, string]>([
    [100, 110, 'passed'],
    [100, 90, 'passed'],
    [100, 111, 'failed'],
    [100, 89, 'failed'],
  ])('exact count with a 10 %% tolerance: manifest %p, %p restored -> %s', (rows, restored, status) => {
    const policy: RowCountPolicy = { ...DEFAULT_ROW_COUNT_POLICY, tolerancePercent: 10 };
    expect(compareRowCount({ name: 'public.orders', rows, exact: true }, restored, policy)).toEqual({
      kind: 'rowCount',
      name: 'public.orders',
      status,
      detail: `public.orders: ${restored} rows restored, manifest ${rows} (exact), allowed difference 10 (10 %)`,
    });
  });

  test.each<[number, number, string, number]>([
    // [estimate, restored, status, minimum]
    [1000, 500, 'passed', 500],
    [1000, 499, 'failed', 500],
    [1001, 501, 'passed', 501],
    [1001, 500, 'failed', 501],
    [5000, 90000, 'passed', 2500],
    [5000, 0, 'failed', 2500],
  ])('estimate %p, %p restored -> %s (at least %p)', (rows, restored, status, minimum) => {
    expect(compareRowCount({ name: 'public.events', rows, exact: false }, restored, DEFAULT_ROW_COUNT_POLICY)).toEqual({
      kind: 'rowCount',
      name: 'public.events',
      status,
      detail: `public.events: ${restored} rows restored, manifest estimate ${rows}, at least ${minimum} required (50 % below the estimate)`,
    });
  });

  test.each([999, 0, -1])('an estimate of %p rows is not compared', (rows) => {
    expect(compareRowCount({ name: 'public.events', rows, exact: false }, 0, DEFAULT_ROW_COUNT_POLICY)).toEqual({
      kind: 'rowCount',
      name: 'public.events',
      status: 'skipped',
      detail: `public.events: manifest has only an estimate of ${rows} rows (< 1000); not compared`,
    });
  });

  test.each<[number, number, string]>([
    [9, 0, 'skipped'],
    [10, 8, 'passed'],
    [10, 7, 'failed'],
  ])('estimates with a policy of 10 rows and 20 %%: estimate %p, %p restored -> %s', (rows, restored, status) => {
    const policy: RowCountPolicy = { tolerancePercent: 1, estimateTolerancePercent: 20, estimateMinRows: 10 };
    expect(compareRowCount({ name: 'public.events', rows, exact: false }, restored, policy).status).toBe(status);
  });

  test('an estimate is compared with the policy\'s percentage', () => {
    const policy: RowCountPolicy = { tolerancePercent: 1, estimateTolerancePercent: 20, estimateMinRows: 10 };
    expect(compareRowCount({ name: 'public.events', rows: 10, exact: false }, 7, policy).detail)
      .toBe('public.events: 7 rows restored, manifest estimate 10, at least 8 required (20 % below the estimate)');
  });
});

describe('compareFreshness', () => {
  const startedAt = new Date('2026-01-02T03:00:00.000Z');
  const start = startedAt.getTime() / 1000;
  const check = { table: 'public.orders', column: 'created_at', maxAgeSeconds: 3600 };

  test.each<[number, number, string, string]>([
    // [newest, maxAgeSeconds, status, newest as ISO]
    [start - 3600, 3600, 'passed', '2026-01-02T02:00:00.000Z'],
    [start - 3600, 3599, 'failed', '2026-01-02T02:00:00.000Z'],
    [start - 3601, 3600, 'failed', '2026-01-02T01:59:59.000Z'],
    [start - 3600.4, 3600, 'passed', '2026-01-02T01:59:59.600Z'],
    [start - 86400, 90000, 'passed', '2026-01-01T03:00:00.000Z'],
  ])('newest value %p with a limit of %p s -> %s', (newest, maxAgeSeconds, status, iso) => {
    const age = Math.round(start - newest);
    expect(compareFreshness({ ...check, maxAgeSeconds }, newest, startedAt)).toEqual({
      kind: 'freshness',
      name: 'public.orders.created_at',
      status,
      detail: `public.orders.created_at: newest value ${iso} is ${age} s older than the dump start 2026-01-02T03:00:00.000Z, ` +
        `limit ${maxAgeSeconds} s`,
    });
  });

  test('a value written after the dump started passes', () => {
    expect(compareFreshness(check, start + 30, startedAt).status).toBe('passed');
  });

  test('fails when the column has no value', () => {
    expect(compareFreshness(check, null, startedAt)).toEqual({
      kind: 'freshness',
      name: 'public.orders.created_at',
      status: 'failed',
      detail: 'public.orders.created_at: no value in the restored table (empty or all NULL); expected one within 3600 s of the dump start',
    });
  });
});
