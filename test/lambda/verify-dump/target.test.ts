import { assertNotProduction, normalizeHost, parseProductionTarget } from '../../../lambda/verify-dump/target';

describe('production-target guard', () => {
  const silent = { warn: jest.fn() };

  test.each([
    ['prod.example.com:5432/app', { host: 'prod.example.com', port: 5432, database: 'app' }],
    ['prod.example.com/app', { host: 'prod.example.com', port: 5432, database: 'app' }],
    ['[::1]:6432/app', { host: '[::1]', port: 6432, database: 'app' }],
  ])('parses %s', (value, expected) => {
    expect(parseProductionTarget(value)).toEqual(expected);
  });

  test.each(['prod.example.com:5432', 'prod:99999/app', ':5432/app', 'a b:1/x'])('fails when the target is %s', (value) => {
    expect(() => parseProductionTarget(value)).toThrow(/is not 'host:port\/dbname'/);
  });

  test.each([
    ['Prod.Example.COM.', 'prod.example.com'],
    ['localhost', 'loopback'],
    ['127.0.0.2', 'loopback'],
    ['[::1]', 'loopback'],
  ])('normalizes %s to %s', (host, expected) => {
    expect(normalizeHost(host)).toBe(expected);
  });

  const prod = { host: 'prod.abc.eu-west-1.rds.amazonaws.com', port: 5432, database: 'app' };
  const resolver = async (host: string) => ({
    'prod.abc.eu-west-1.rds.amazonaws.com': ['10.0.1.5'],
    'db-alias.internal': ['10.0.1.5'],
    'scratch.internal': ['10.0.2.9'],
  } as Record<string, string[]>)[host] ?? [];

  test.each([
    ['the same host, case and trailing dot aside', { host: 'PROD.abc.eu-west-1.rds.amazonaws.com.', port: 5432, database: 'app' }, 'verify_1'],
    ['an alias resolving to the production address', { host: 'db-alias.internal', port: 5432, database: 'app' }, 'verify_1'],
    ['a restore into the production database name', { host: 'db-alias.internal', port: 5432, database: 'postgres' }, 'app'],
  ])('refuses %s', async (_name, scratch, restoreDb) => {
    await expect(assertNotProduction(scratch, restoreDb, prod, silent, resolver)).rejects.toThrow(/^refusing to verify: the scratch target/);
  });

  test.each([
    ['another server', { host: 'scratch.internal', port: 5432, database: 'app' }],
    ['another port', { host: prod.host, port: 5433, database: 'app' }],
  ])('allows %s', async (_name, scratch) => {
    await expect(assertNotProduction(scratch, 'verify_1', prod, silent, resolver)).resolves.toBeUndefined();
  });

  test('allows another database on the production server, with a warning', async () => {
    const log = { warn: jest.fn() };
    await assertNotProduction({ ...prod, database: 'postgres' }, 'verify_1', prod, log, resolver);
    expect(log.warn).toHaveBeenCalledWith(expect.stringMatching(/scratch server is the production server/), expect.anything());
  });

  test('compares names only when a host does not resolve, with a warning', async () => {
    const log = { warn: jest.fn() };
    const failing = async () => {
      throw new Error('ENOTFOUND');
    };
    await expect(assertNotProduction({ host: 'scratch.internal', port: 5432, database: 'app' }, 'verify_1', prod, log, failing)).resolves.toBeUndefined();
    expect(log.warn).toHaveBeenCalledWith(expect.stringMatching(/could not resolve/), expect.objectContaining({ error: 'ENOTFOUND' }));
  });
});
