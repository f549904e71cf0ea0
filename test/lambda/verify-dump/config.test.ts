import { VERIFY_ENV } from '../../../lib/private/job-contract';
import { DEFAULT_ROW_COUNT_POLICY } from '../../../lambda/shared/checks';
import { readVerifyConfig } from '../../../lambda/verify-dump/config';

describe('readVerifyConfig', () => {
  const base = {
    [VERIFY_ENV.SECRET_ARN]: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:scratch',
    [VERIFY_ENV.DATABASE]: 'shop',
    [VERIFY_ENV.BUCKET]: 'dumps',
    [VERIFY_ENV.PRODUCTION_TARGET]: 'prod.example.com:5432/shop',
    [VERIFY_ENV.SSL_MODE]: 'disable',
  };

  test('reads the defaults', () => {
    const c = readVerifyConfig(base, '/tmp');
    expect(c.options).toEqual({
      database: 'shop', bucket: 'dumps', prefix: '', expectedBucketOwner: undefined,
      productionTarget: { host: 'prod.example.com', port: 5432, database: 'shop' },
      rowCounts: DEFAULT_ROW_COUNT_POLICY, freshnessChecks: [], sqlChecks: [], restoreJobs: 2, singleTable: undefined, workDir: '/tmp',
    });
    expect(c.sslMode).toBe('disable');
  });

  test('reads every variable', () => {
    const c = readVerifyConfig({
      ...base,
      [VERIFY_ENV.PREFIX]: 'dumps/',
      [VERIFY_ENV.BUCKET_OWNER]: '222222222222',
      [VERIFY_ENV.ROW_COUNT_TOLERANCE_PERCENT]: '0.5',
      [VERIFY_ENV.FRESHNESS_CHECKS]: '[{"table":"public.orders","column":"created_at","maxAgeSeconds":90000}]',
      [VERIFY_ENV.SQL_CHECKS]: '[{"name":"users exist","sql":"select count(*) > 0 from users"}]',
      [VERIFY_ENV.RESTORE_JOBS]: '4',
      [VERIFY_ENV.SINGLE_TABLE]: 'public.orders',
      [VERIFY_ENV.SSL_MODE]: 'verify-full',
      [VERIFY_ENV.SSL_ROOT_CERT]: '/opt/rds-ca.pem',
    }, '/tmp');
    expect(c.options).toMatchObject({
      prefix: 'dumps/', expectedBucketOwner: '222222222222', rowCounts: { tolerancePercent: 0.5 },
      freshnessChecks: [{ table: 'public.orders', column: 'created_at', maxAgeSeconds: 90000 }],
      sqlChecks: [{ name: 'users exist', sql: 'select count(*) > 0 from users' }], restoreJobs: 4, singleTable: 'public.orders',
    });
    expect(c).toMatchObject({ sslMode: 'verify-full', sslRootCert: '/opt/rds-ca.pem' });
  });

  test.each([
    [VERIFY_ENV.PRODUCTION_TARGET, undefined, /VERIFY_PRODUCTION_TARGET is not set: verify-dump does not run without the production database/],
    [VERIFY_ENV.PRODUCTION_TARGET, 'prod', /'prod' is not 'host:port\/dbname'/],
    [VERIFY_ENV.ROW_COUNT_TOLERANCE_PERCENT, '101', /VERIFY_ROW_COUNT_TOLERANCE_PERCENT="101" is invalid: expected a number from 0 to 100/],
    [VERIFY_ENV.ROW_COUNT_TOLERANCE_PERCENT, '1%', /VERIFY_ROW_COUNT_TOLERANCE_PERCENT="1%" is invalid/],
    [VERIFY_ENV.RESTORE_JOBS, '0', /VERIFY_RESTORE_JOBS must be between 1 and 64, got 0/],
    [VERIFY_ENV.FRESHNESS_CHECKS, '{"table":"t"}', /VERIFY_FRESHNESS_CHECKS=.* is invalid: expected a JSON array/],
    [VERIFY_ENV.FRESHNESS_CHECKS, '[{"table":"orders","column":"c","maxAgeSeconds":1}]', /VERIFY_FRESHNESS_CHECKS\[0\]\.table 'orders' is not 'schema\.table'/],
    [VERIFY_ENV.FRESHNESS_CHECKS, '[{"table":"public.orders","column":"c","maxAgeSeconds":0}]', /VERIFY_FRESHNESS_CHECKS\[0\]=.* is invalid/],
    [VERIFY_ENV.SQL_CHECKS, '[{"name":"a","sql":"select true"},{"name":"a","sql":"select true"}]', /check name 'a' is used twice/],
    [VERIFY_ENV.SQL_CHECKS, '[{"sql":"select true"}]', /VERIFY_SQL_CHECKS\[0\]=.* is invalid: expected \{name, sql\}/],
    [VERIFY_ENV.SINGLE_TABLE, 'orders', /VERIFY_SINGLE_TABLE 'orders' is not 'schema\.table'/],
    [VERIFY_ENV.BUCKET_OWNER, '1234', /VERIFY_BUCKET_OWNER="1234" is invalid: expected a 12-digit AWS account id/],
    [VERIFY_ENV.SSL_MODE, 'verify-full', /verify-full needs the path of a CA bundle/],
  ])('fails when %s is %s', (name, value, message) => {
    expect(() => readVerifyConfig({ ...base, [name]: value }, '/tmp')).toThrow(message);
  });
});
