// The pg-dump handler's failures before any work: no database, no S3 (those runs are in test/integration).
import { DUMP_ENV } from '../../../lib/private/job-contract';
import { handler } from '../../../lambda/pg-dump';
import { handlerEnvironment } from '../handler-output';

describe('pg-dump handler', () => {
  const output = handlerEnvironment({
    POWERTOOLS_LOG_LEVEL: 'WARN',
    [DUMP_ENV.SECRET_ARN]: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:shop-AbCdEf',
    [DUMP_ENV.DATABASE]: 'shop',
    [DUMP_ENV.BUCKET]: 'dump-bucket',
    [DUMP_ENV.PREFIX]: 'handler',
    [DUMP_ENV.BUCKET_OWNER]: '111111111111',
    [DUMP_ENV.COMPRESSION]: 'gzip:1',
    [DUMP_ENV.PART_SIZE_MIB]: '5',
    [DUMP_ENV.SSL_MODE]: 'disable',
  });

  test('fails when an environment variable is missing, naming it, with BackupSuccess 0', async () => {
    delete process.env[DUMP_ENV.BUCKET];
    await expect(handler({})).rejects.toThrow(`environment variable ${DUMP_ENV.BUCKET} is not set`);
    expect(output.emf()).toEqual([expect.objectContaining({ Database: 'shop', BackupSuccess: 0 })]);
    expect(output.logs()).toContainEqual(expect.objectContaining({
      level: 'ERROR', message: 'invalid configuration', job: 'pg-dump', database: 'shop',
      error: `environment variable ${DUMP_ENV.BUCKET} is not set (it is set by the job construct)`,
    }));
  });
});
