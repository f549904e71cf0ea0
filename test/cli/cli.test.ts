// The CLI as a process: help, bad arguments and their exit codes, errors named for scripts (--json), and AWS access
// problems (no credentials, no region) reported with exit 6 or 2 before anything is changed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CLI, ensureBundle, runCli } from './cli-process';

let cwd: string;
beforeAll(() => {
  ensureBundle();
  cwd = mkdtempSync(path.join(os.tmpdir(), 'cli-'));
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const TARGET = ['--target-url', 'postgresql://admin@127.0.0.1:1/app?sslmode=disable'];
const DUMP = ['restore', 'dump', '--bucket', 'dumps', '--database', 'app', '--no-app'];
const run = (args: string[], env: Record<string, string> = {}) => runCli(args, { cwd, env: { PGPASSWORD: 'x', ...env } });

test('--help lists the commands and the exit codes, exit 0', async () => {
  const r = await run(['--help']);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('Usage: cdk-backup-dr [options] [command]');
  expect(r.stdout).toMatch(/restore\s+restore a dump, a point in time, or an AWS Backup\s+recovery point/);
  expect(r.stdout).toMatch(/runbook \[options\] \[cdk\.out\]\s+write the runbook of a synthesized app/);
  expect(r.stdout).toContain('  3    refused by a safety check (target holds data, target is production); nothing was changed');
  expect(r.stderr).toBe('');
});

test('restore dump --help shows every option with its default and examples', async () => {
  const r = await run(['restore', 'dump', '--help']);
  expect(r.code).toBe(0);
  for (const option of ['--bucket <name>', '--before <time>', '--target-secret <arn>', '--table <schema.table>', '--replace', '--allow-production', '--dry-run']) {
    expect(r.stdout).toContain(option);
  }
  expect(r.stdout).toContain('parallel pg_restore jobs (-j) (default: 4)');
  expect(r.stdout).toContain('Examples:');
});

test.each([
  [['restor'], /unknown command 'restor'/],
  [['restore', 'dump', '--database', 'app', ...TARGET], /required option '--bucket <name>' not specified/],
  [[...DUMP, '--jobs', '0', ...TARGET], /--jobs must be a whole number from 1 to 64, got '0'/],
  [[...DUMP, '--row-tolerance', '1.5', ...TARGET], /--row-tolerance must be a whole number from 0 to 100, got '1.5'/],
  [[...DUMP, '--before', '2026-03-01T09:00', ...TARGET], /--before must be an ISO 8601 time with a zone, e.g. 2026-03-01T09:00Z/],
  [[...DUMP, '--key', 'k', '--before', '2026-03-01T09:00Z', ...TARGET], /option '--key <key>' cannot be used with option '--before <time>'/],
  [[...DUMP, '--target-secret', 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:x', ...TARGET], /option '--target-secret <arn>' cannot be used with option '--target-url <url>'/],
  [[...DUMP, '--bogus'], /unknown option '--bogus'/],
])('bad arguments %j: exit 2 and the problem named', async (args, message) => {
  const r = await run(args);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(message);
  expect(r.stdout).toBe('');
});

test('no target: exit 2, both ways to give one named', async () => {
  const r = await run([...DUMP], { AWS_REGION: 'eu-west-1' });
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('error: name the target database with exactly one of --target-secret ARN (RDS rotation format) or --target-url');
});

test('a target URL without a password: exit 2, PGPASSWORD named', async () => {
  const r = await runCli([...DUMP, ...TARGET], { cwd });
  expect(r.code).toBe(2);
  expect(r.stderr).toContain("has no password (in the URL or PGPASSWORD)");
});

test('a password in the URL never appears in a message', async () => {
  const r = await run([...DUMP, '--target-url', 'postgresql://admin:s3cret@/app']);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('postgresql://admin:***@/app');
  expect(r.stderr).not.toContain('s3cret');
});

test('verify-full without a CA bundle: exit 2, where to get the RDS bundle', async () => {
  const r = await run([...DUMP, '--target-url', 'postgresql://admin@db.example.internal/app']);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('SSL mode verify-full needs the path of a CA bundle');
  expect(r.stderr).toContain('https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem');
});

test('no AWS credentials: exit 6, how to sign in; --json prints the failure for scripts', async () => {
  const r = await run([...DUMP, ...TARGET, '--json'], { AWS_REGION: 'eu-west-1' });
  expect(r.code).toBe(6);
  expect(r.stderr).toMatch(/error: listing s3:\/\/dumps\/app\/: no valid AWS credentials .*aws sso login/);
  expect(JSON.parse(r.stdout)).toMatchObject({ status: 'failed', exitCode: 6, error: expect.stringContaining('no valid AWS credentials') });
});

test('no AWS region: exit 2, --region named', async () => {
  const r = await run([...DUMP, ...TARGET], { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'x' });
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('error: listing s3://dumps/app/: no AWS region; pass --region or set AWS_REGION');
});

test('no --app, no ./cdk.out and no --no-app: exit 2, the guard is never off unasked', async () => {
  const r = await run(['restore', 'dump', '--bucket', 'dumps', '--database', 'app', ...TARGET]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('no cloud assembly at ./cdk.out to learn the production databases from: name the synthesized app with --app DIR');
});

test('--app naming a directory that is not a synthesized app: exit 2', async () => {
  const r = await run([...DUMP, ...TARGET, '--app', path.join(cwd, 'nope')]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain("does not exist; run 'npx cdk synth' first");
});

test('output cut short by a reader (| head) ends quietly', () => {
  const r = spawnSync('bash', ['-c', `node ${JSON.stringify(CLI)} restore dump --help | head -1`], { encoding: 'utf8' });
  expect(r.stdout).toBe('Usage: cdk-backup-dr restore dump [options]\n');
  expect(r.stderr).not.toContain('EPIPE');
});

describe('restore pitr and restore recovery-point as processes', () => {
  const PITR = ['restore', 'pitr', '--source', 'app', '--target', 'app-restored'];
  const RP = ['restore', 'recovery-point', '--vault', 'app-central', '--resource', 'arn:aws:rds:eu-west-1:111111111111:db:app', '--target', 'app-restored'];

  test.each([
    [[...PITR, '--region', 'eu-west-1'], /name the point in time: --time 2026-03-01T09:00Z, or --latest/],
    [[...PITR, '--time', '2026-03-01T09:00Z', '--latest'], /option '--time <time>' cannot be used with option '--latest'/],
    [[...PITR, '--latest', '--tag', 'aws:owner=x'], /--tag must be key=value with a key not starting with 'aws:' or 'cdk-backup-dr:' \(reserved\), got 'aws:owner=x'/],
    [[...PITR, '--latest', '--timeout', '10s'], /--timeout must be a duration from 60s to 48h such as 90m or 2h30m, got '10s'/],
    [[...PITR, '--latest', '--poll-seconds', '0'], /--poll-seconds must be a whole number from 1 to 600, got '0'/],
    [[...PITR, '--latest'], /no AWS region: pass --region, set AWS_REGION, or give the source as an ARN/],
    [[...RP], /required option '--iam-role <arn>' not specified/],
    [[...RP, '--iam-role', 'arn:aws:iam::1:role/r', '--recovery-point', 'arn:aws:backup:eu-west-1:1:recovery-point:x'], /option '--recovery-point <arn>' cannot be used with option '--resource <arn>'/],
    [[...RP, '--iam-role', 'arn:aws:iam::1:role/r', '--set', 'novalue'], /--set must be key=value, got 'novalue'/],
  ])('%j: exit 2 and the problem named', async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  test('pitr without AWS credentials: exit 6 naming the call, nothing else tried', async () => {
    const r = await run([...PITR, '--latest', '--region', 'eu-west-1']);
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/^error: describing DB instance app: no valid AWS credentials/m);
  });

  test('pitr of an ARN takes the region from it', async () => {
    const r = await run(['restore', 'pitr', '--source', 'arn:aws:rds:ap-south-1:111111111111:db:app', '--target', 'x1', '--latest', '--json']);
    expect(r.code).toBe(6);
    expect(JSON.parse(r.stdout)).toMatchObject({ exitCode: 6 });
  });
});
