import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import tls from 'node:tls';
import { BoundedCapture, checkServerVersion, libpqEnv, parseClientMajor, pgClientConfig } from '../../../lambda/shared/postgres';

describe('libpq environment and versions', () => {
  test('libpq environment and version checks', () => {
    const secret = { engine: 'postgres', host: 'db.example', port: 5432, username: 'backup', password: 'pw', dbname: 'app' };
    expect(libpqEnv({ secret, sslMode: 'verify-full', sslRootCert: '/opt/rds-ca.pem' })).toEqual({
      PGHOST: 'db.example', PGPORT: '5432', PGUSER: 'backup', PGPASSWORD: 'pw', PGDATABASE: 'app',
      PGSSLMODE: 'verify-full', PGSSLROOTCERT: '/opt/rds-ca.pem', PGCONNECT_TIMEOUT: '10', PGAPPNAME: 'cdk-backup-dr',
    });
    expect(() => libpqEnv({ secret })).toThrow('SSL mode verify-full needs the path of a CA bundle');
    expect(() => libpqEnv({ secret, sslMode: 'prefer' })).toThrow("SSL mode 'prefer' is not supported");
    expect(parseClientMajor('pg_dump (PostgreSQL) 16.4 (Debian 16.4-1.pgdg120+1)\n')).toBe(16);
    expect(parseClientMajor('pg_dump (PostgreSQL) 17beta1')).toBe(17);
    expect(() => checkServerVersion(160004, 16)).not.toThrow();
    expect(() => checkServerVersion(150013, 16)).not.toThrow();
    expect(() => checkServerVersion(170000, 16)).toThrow('PostgreSQL server is version 17 (server_version_num 170000) but pg_dump is version 16');
  });
});

describe('BoundedCapture', () => {
  test('stderr capture keeps the first and last bytes within its limit', () => {
    const capture = new BoundedCapture(20);
    capture.push(Buffer.from('first-line\n'));
    capture.push(Buffer.from('x'.repeat(1000)));
    capture.push(Buffer.from('\nlast'));
    const text = capture.text();
    expect(text.startsWith('first-line')).toBe(true);
    expect(text.endsWith('last')).toBe(true);
    expect(text).toContain('bytes omitted');
    expect(text.length).toBeLessThan(60);
  });
});

describe('pgClientConfig TLS options', () => {
  let caDir: string;
  let caFile: string;

  beforeAll(() => {
    // pgClientConfig only reads the CA bundle; the certificates below are checked by name, not by signature.
    caDir = mkdtempSync(path.join(os.tmpdir(), 'cdkbdr-ca-'));
    caFile = path.join(caDir, 'ca.pem');
    writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nnot a real certificate\n-----END CERTIFICATE-----\n');
  });

  afterAll(() => rmSync(caDir, { recursive: true, force: true }));

  const secret = (host: string) => ({ engine: 'postgres', host, port: 5432, username: 'backup', password: 'pw', dbname: 'app' });
  /** The parts of a peer certificate tls.checkServerIdentity reads. */
  const cert = (subjectaltname: string) => ({ subject: { CN: 'ignored when there are SANs' }, subjectaltname }) as unknown as tls.PeerCertificate;
  /** What checkServerIdentity returned: undefined (accepted) or the message of its error (from Node, another realm). */
  const verdict = (result: Error | undefined) => (result === undefined ? 'accepted' : result.message);
  const MISMATCH = /^Hostname\/IP does not match certificate's altnames/;
  const sslOf = (host: string, sslMode: string) =>
    pgClientConfig({ secret: secret(host), sslMode, sslRootCert: caFile }).ssl as tls.ConnectionOptions;

  test.each(['127.0.0.1', '::1', '10.1.2.3'])('verify-full to the IP address %s sends no SNI and checks the IP against the IP SANs', (host) => {
    const ssl = sslOf(host, 'verify-full');
    expect(ssl).toMatchObject({ rejectUnauthorized: true, ca: readFileSync(caFile) });
    expect(ssl).not.toHaveProperty('servername');
    expect(verdict(ssl.checkServerIdentity?.('anything', cert(`DNS:db.example.com, IP Address:${host}`)))).toBe('accepted');
    expect(verdict(ssl.checkServerIdentity?.('anything', cert('DNS:db.example.com, IP Address:192.0.2.1')))).toMatch(MISMATCH);
  });

  test('verify-full to a DNS name sends it as SNI and checks it against the DNS SANs', () => {
    const ssl = sslOf('db.example.com', 'verify-full');
    expect(ssl).toMatchObject({ rejectUnauthorized: true, servername: 'db.example.com' });
    expect(verdict(ssl.checkServerIdentity?.('db.example.com', cert('DNS:db.example.com')))).toBe('accepted');
    expect(verdict(ssl.checkServerIdentity?.('db.example.com', cert('DNS:other.example.com')))).toMatch(MISMATCH);
    // The name checked is the secret's host, whatever servername the TLS layer passes.
    expect(verdict(ssl.checkServerIdentity?.('other.example.com', cert('DNS:other.example.com')))).toMatch(MISMATCH);
  });

  test('verify-ca verifies the chain but not the name; require does not verify; disable is plain', () => {
    const verifyCa = sslOf('127.0.0.1', 'verify-ca');
    expect(verifyCa).toMatchObject({ rejectUnauthorized: true });
    expect(verifyCa).not.toHaveProperty('servername');
    expect(verdict(verifyCa.checkServerIdentity?.('127.0.0.1', cert('DNS:elsewhere.example')))).toBe('accepted');
    expect(sslOf('127.0.0.1', 'require')).toEqual({ rejectUnauthorized: false });
    expect(sslOf('127.0.0.1', 'disable')).toBe(false);
  });
});
