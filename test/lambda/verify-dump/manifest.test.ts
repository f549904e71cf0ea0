import { parseManifest } from '../../../lambda/verify-dump/manifest';

describe('manifests', () => {
  const key = 'p/shop/2026-01-02T03-04-05Z.dump';
  const good = {
    formatVersion: 1, database: 'shop', key, sizeBytes: 10, sha256: 'a'.repeat(64), startedAt: '2026-01-02T03:04:05.000Z',
    durationSeconds: 1, serverVersionNum: 150004, clientMajor: 16, compression: 'gzip:6', tables: [{ name: 'public.t', rows: 1, exact: true }],
  };

  test('a manifest per the contract parses', () => {
    expect(parseManifest(JSON.stringify(good), 'm', key, 'shop')).toEqual(good);
  });

  test.each([
    ['not JSON', '{', /not a JSON object/],
    ['another format version', JSON.stringify({ ...good, formatVersion: 2 }), /formatVersion is 2, expected 1/],
    ['another key', JSON.stringify({ ...good, key: 'p/shop/other.dump' }), /key is "p\/shop\/other.dump"/],
    ['another database', JSON.stringify({ ...good, database: 'other' }), /database is "other"/],
    ['a negative size', JSON.stringify({ ...good, sizeBytes: -1 }), /sizeBytes -1/],
    ['a bad time', JSON.stringify({ ...good, startedAt: 'yesterday' }), /startedAt "yesterday"/],
    ['a table without a schema', JSON.stringify({ ...good, tables: [{ name: 't', rows: 1, exact: true }] }), /tables\[0\]/],
    ['a fractional exact count', JSON.stringify({ ...good, tables: [{ name: 'public.t', rows: 1.5, exact: true }] }), /tables\[0\]/],
    ['a table listed twice', JSON.stringify({ ...good, tables: [good.tables[0], good.tables[0]] }), /listed twice/],
  ])('fails when the manifest has %s', (_name, text, message) => {
    expect(() => parseManifest(text, 'm', key, 'shop')).toThrow(message);
  });
});
