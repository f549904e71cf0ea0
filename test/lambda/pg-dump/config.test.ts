import { DUMP_ENV } from '../../../lib/private/job-contract';
import { checkPartSize, checkQueueSize, MIB, parseStorageClass, readDumpConfig } from '../../../lambda/pg-dump/config';

describe('parseStorageClass', () => {
  test.each(['STANDARD', 'STANDARD_IA', 'INTELLIGENT_TIERING', 'GLACIER_IR'])('storage class %s is accepted', (value) => {
    expect(parseStorageClass(value)).toBe(value);
    expect(parseStorageClass(undefined)).toBeUndefined();
  });

  test.each(['GLACIER', 'DEEP_ARCHIVE', 'ONEZONE_IA', 'standard_ia'])('fails when the storage class is %s', (value) => {
    expect(() => parseStorageClass(value)).toThrow(`storage class '${value}' is not one a dump may be written in`);
  });
});

describe('part size and queue size', () => {
  test.each([5 * MIB, 16 * MIB, 5120 * MIB])('a part size of %d bytes is accepted', (bytes) => {
    expect(checkPartSize(bytes)).toBe(bytes);
  });

  test.each([5 * MIB - 1, 5120 * MIB + 1, 5 * MIB + 0.5])('fails when the part size is %d bytes', (bytes) => {
    expect(() => checkPartSize(bytes)).toThrow(`part size ${bytes} bytes is outside S3's multipart limits 5 MiB-5120 MiB`);
  });

  test.each([1, 4])('a queue size of %d is accepted', (size) => {
    expect(checkQueueSize(size)).toBe(size);
  });

  test.each([0, 5, 1.5])('fails when the queue size is %d', (size) => {
    expect(() => checkQueueSize(size)).toThrow(`upload queue size ${size} must be 1-4`);
  });
});

describe('readDumpConfig', () => {
  const base = {
    [DUMP_ENV.SECRET_ARN]: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:shop-AbCdEf',
    [DUMP_ENV.DATABASE]: 'shop',
    [DUMP_ENV.BUCKET]: 'dumps',
    [DUMP_ENV.SSL_MODE]: 'disable',
  };

  test('reads the defaults', () => {
    expect(readDumpConfig(base)).toEqual({
      secretArn: base[DUMP_ENV.SECRET_ARN], database: 'shop', bucket: 'dumps', prefix: '', bucketOwner: undefined,
      kmsKeyId: undefined, compression: 'gzip:3', partSizeMiB: 16, storageClass: undefined, sslMode: 'disable', sslRootCert: undefined,
      lockWaitTimeoutSeconds: 60,
    });
  });

  test('reads every variable; compression is checked for syntax only (the pg_dump version is not known yet)', () => {
    expect(readDumpConfig({
      ...base,
      [DUMP_ENV.PREFIX]: '/pg-dump',
      [DUMP_ENV.BUCKET_OWNER]: '222222222222',
      [DUMP_ENV.KMS_KEY]: 'arn:aws:kms:us-east-1:222222222222:alias/dumps',
      [DUMP_ENV.COMPRESSION]: 'zstd:3',
      [DUMP_ENV.PART_SIZE_MIB]: '64',
      [DUMP_ENV.STORAGE_CLASS]: 'STANDARD_IA',
      [DUMP_ENV.SSL_MODE]: 'verify-full',
      [DUMP_ENV.SSL_ROOT_CERT]: '/opt/rds-ca.pem',
      [DUMP_ENV.LOCK_WAIT_TIMEOUT_SECONDS]: '120',
    })).toEqual({
      secretArn: base[DUMP_ENV.SECRET_ARN], database: 'shop', bucket: 'dumps', prefix: 'pg-dump/', bucketOwner: '222222222222',
      kmsKeyId: 'arn:aws:kms:us-east-1:222222222222:alias/dumps', compression: 'zstd:3', partSizeMiB: 64,
      storageClass: 'STANDARD_IA', sslMode: 'verify-full', sslRootCert: '/opt/rds-ca.pem', lockWaitTimeoutSeconds: 120,
    });
  });

  test.each([
    [DUMP_ENV.SECRET_ARN, undefined, /environment variable DUMP_SECRET_ARN is not set/],
    [DUMP_ENV.DATABASE, undefined, /environment variable DUMP_DATABASE is not set/],
    [DUMP_ENV.DATABASE, 'a/b', /database name "a\/b" cannot be a key segment/],
    [DUMP_ENV.BUCKET, ' ', /environment variable DUMP_BUCKET is not set/],
    [DUMP_ENV.COMPRESSION, 'brotli', /^DUMP_COMPRESSION: compression 'brotli' is not valid/],
    [DUMP_ENV.PART_SIZE_MIB, '4', /environment variable DUMP_PART_SIZE_MIB must be between 5 and 5120, got 4/],
    [DUMP_ENV.LOCK_WAIT_TIMEOUT_SECONDS, '0', /environment variable DUMP_LOCK_WAIT_TIMEOUT_SECONDS must be between 1 and 600, got 0/],
    [DUMP_ENV.STORAGE_CLASS, 'GLACIER', /^DUMP_STORAGE_CLASS: storage class 'GLACIER' is not one a dump may be written in/],
    [DUMP_ENV.SSL_MODE, undefined, /^DUMP_SSL_MODE\/DUMP_SSL_ROOT_CERT: SSL mode verify-full needs the path of a CA bundle/],
    [DUMP_ENV.SSL_MODE, 'prefer', /^DUMP_SSL_MODE\/DUMP_SSL_ROOT_CERT: SSL mode 'prefer' is not supported/],
  ])('fails when %s is %j', (name, value, message) => {
    expect(() => readDumpConfig({ ...base, [name]: value })).toThrow(message);
  });
});
