import { parseDatabaseSecret } from '../../../lambda/shared/secret';

describe('parseDatabaseSecret', () => {
  test.each(['engine', 'host', 'port', 'username', 'password', 'dbname'])('fails when the secret lacks %s, naming it', (field) => {
    const secret: Record<string, unknown> = { engine: 'postgres', host: 'db', port: 5432, username: 'u', password: 'p4ss-secret', dbname: 'd' };
    delete secret[field];
    expect(() => parseDatabaseSecret(JSON.stringify(secret), 'arn:x')).toThrow(`secret arn:x is missing the field(s) ${field}`);
  });

  test('secret validation errors never include the password', () => {
    const base = { engine: 'postgres', host: 'db', username: 'u', password: 'p4ss-secret', dbname: 'd' };
    expect(parseDatabaseSecret(JSON.stringify({ ...base, port: '5433' }), 's').port).toBe(5433);
    for (const bad of [{ ...base, port: 'x' }, { ...base, port: 5432, engine: 'mysql' }, { ...base, port: 70000 }]) {
      expect(() => parseDatabaseSecret(JSON.stringify(bad), 's')).toThrow(/^secret s: /);
      expect(() => parseDatabaseSecret(JSON.stringify(bad), 's')).not.toThrow(/p4ss-secret/);
    }
    expect(() => parseDatabaseSecret('not json p4ss-secret', 's')).toThrow('secret s is not JSON');
  });
});
