import { parseCompression } from '../../../lambda/pg-dump/compression';

describe('parseCompression', () => {
  test.each([
    ['gzip:0', 15, 'gzip:0', '0'],
    ['gzip:9', 15, 'gzip:9', '9'],
    ['gzip', 16, 'gzip:6', '6'],
    ['none', 15, 'none', '0'],
    ['lz4', 16, 'lz4', 'lz4'],
    ['zstd:22', 17, 'zstd:22', 'zstd:22'],
  ])('compression %s with pg_dump %d is %s (--compress=%s)', (spec, major, normalized, arg) => {
    expect(parseCompression(spec, major)).toEqual({ spec: normalized, pgDumpArg: arg });
  });

  test.each([
    ['gzip:10', 16, 'the gzip level must be 0-9'],
    ['zstd', 15, 'needs pg_dump 16 or newer'],
    ['lz4:13', 16, 'the lz4 level must be 1-12'],
    ['zstd:0', 16, 'the zstd level must be 1-22'],
    ['brotli', 16, 'is not valid'],
    ['none:1', 16, 'none takes no level'],
  ])('fails when compression is %s with pg_dump %d', (spec, major, message) => {
    expect(() => parseCompression(spec, major)).toThrow(message);
  });
});
