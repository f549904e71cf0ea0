// `cdk-backup-dr report` as a process: the reference app's JSON against known values, a hand-written template of an
// app that uses none of our constructs (known gaps), the HTML page in headless Chromium (Debian's `chromium`) with its
// sections and diagram, the files --out writes, and clear errors for what it cannot read.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RUNBOOK_APPS, synthesizeTo } from '../../scripts/runbooks';
import type { Posture } from '../../cli/report/posture';
import { ensureBundle, runCli } from './cli-process';

const PLAIN = path.join(__dirname, 'fixtures', 'plain-app.template.json');

let dir: string;
let assembly: string;
beforeAll(() => {
  ensureBundle();
  dir = mkdtempSync(path.join(os.tmpdir(), 'report-cli-'));
  assembly = path.join(dir, 'cdk.out');
  synthesizeTo(RUNBOOK_APPS.find((a) => a.name === 'reference')!, assembly);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function reportJson(...args: string[]): Promise<Posture> {
  const r = await runCli(['report', ...args, '--format', 'json']);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Posture;
}

describe('the reference app', () => {
  let p: Posture;
  beforeAll(async () => {
    p = await reportJson(assembly);
  });

  test('summary: the database and the uploads bucket protected, the audit reports bucket exempt, no gap, the one finding acknowledged with its reason', () => {
    expect(p.title).toBe('BackupDr');
    expect(p.summary).toEqual({ dataStores: 3, protected: 2, exempt: 1, withGaps: 0, findings: 0, acknowledged: 1 });
    expect(p.stores.find((s) => s.exemption !== undefined)).toMatchObject({ label: 'S3 bucket', path: 'BackupDr-Workload/AuditReports/Resource', exemption: expect.stringMatching(/^Audit evidence/) });
    expect(p.findings).toEqual([{
      rule: 'BackupDR-BackupVaultLocked', path: 'BackupDr-Workload/Vault/Resource/Resource',
      message: expect.stringMatching(/^The backup vault has a vault lock with at least the minimum retention; .* Found: it has no LockConfiguration\.$/),
      acknowledged: expect.stringMatching(/^The workload account's own vault holds each recovery point only until its copies reach the backup account/),
    }]);
  });

  test('the database: protections, RPO per scope, the tier RTO, retention per rule and the copies with their locks', () => {
    const app = p.stores.find((s) => s.name === 'app')!;
    expect(app).toMatchObject({
      label: 'RDS instance', account: '111111111111', region: 'us-east-1', defined: false,
      rpoSeconds: { sameAccount: 300, otherAccount: 86400, otherRegion: 87300 },
      rto: { seconds: 7200, source: 'tier Team' },
      drills: [{ name: 'backup_dr_app_drill', schedule: 'cron(0 5 ? * SUN#1 *)' }, { name: expect.stringMatching(/^dump verification/), schedule: expect.any(String) }],
      gaps: [],
    });
    expect(app.retention.filter((r) => r.source.startsWith('tier Team')).map((r) => [r.source, r.days])).toEqual([
      ['tier Team, plan backup-dr-team, rule Hourly', 7],
      ['tier Team, plan backup-dr-team, rule Daily', 30],
      ['tier Team, plan backup-dr-team, rule Weekly', 90],
      ['tier Team, plan backup-dr-team, rule Monthly', 365],
    ]);
    const compliance = 'compliance (immutable after 3 d), min 7 d, max 3650 d';
    expect(app.copies).toEqual([
      ...['Daily', 'Weekly', 'Monthly'].flatMap((rule, i) => [
        { via: `backup-dr-team / ${rule}`, to: 'vault backup-dr-central', account: '222222222222', region: 'us-east-1', retentionDays: [35, 90, 365][i], lock: compliance },
        { via: `backup-dr-team / ${rule}`, to: 'vault backup-dr-dr', account: '222222222222', region: 'us-west-2', retentionDays: [35, 90, 365][i], lock: compliance },
      ]),
      { via: 'pg_dump', to: 'bucket backup-dr-dumps-222222222222-us-east-1', account: '222222222222', region: 'us-east-1', retentionDays: 30, lock: 'Object Lock COMPLIANCE 30 d' },
      {
        via: 'replication of backup-dr-dumps-222222222222-us-east-1 (RTC 15 min)', to: 'bucket backup-dr-dumps-222222222222-us-west-2',
        account: '222222222222', region: 'us-west-2', retentionDays: 30, lock: 'Object Lock COMPLIANCE 30 d',
      },
    ]);
  });

  test('the alarms that watch the database: its dumps, verification, RPO, drill and the vault of its plan', () => {
    const alarms = p.stores.find((s) => s.name === 'app')!.alarms;
    for (const metric of ['CdkBackupDr BackupSuccess', 'CdkBackupDr VerificationSuccess', 'CdkBackupDr RecoveryPointLagSeconds', 'CdkBackupDr RestoreValidationSuccess', 'AWS/Backup NumberOfBackupJobsFailed']) {
      expect(alarms.some((a) => a.startsWith(`${metric} (`))).toBe(true);
    }
    expect(alarms.filter((a) => a.includes('tells nobody'))).toEqual([]);
  });

  test('vaults, buckets and keys: who can delete what', () => {
    expect(p.vaults.map((v) => [v.name, v.account, v.region, v.lock?.mode, v.key?.deletableBy.length])).toEqual([
      ['backup-dr-central', '222222222222', 'us-east-1', 'compliance', 0],
      ['backup-dr-dr', '222222222222', 'us-west-2', 'compliance', 0],
      ['backup-dr-local', '111111111111', 'us-east-1', undefined, 0],
    ]);
    expect(p.buckets.map((b) => [b.name, b.role, b.objectLock?.mode, b.objectLock?.days, b.key?.retained, b.key?.deletableBy])).toEqual([
      ['backup-dr-dumps-222222222222-us-east-1', 'backup-bucket', 'COMPLIANCE', 30, true, []],
      ['backup-dr-app-uploads-111111111111-dr', 'backup-bucket', 'GOVERNANCE', 30, true, []],
      ['backup-dr-dumps-222222222222-us-west-2', 'backup-bucket', 'COMPLIANCE', 30, true, []],
      ['backup-dr-app-uploads-111111111111', 'data', undefined, undefined, true, ['kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:PutKeyPolicy']],
      ['AuditReportsF01B2F05 (named at deploy)', 'data', 'GOVERNANCE', 365, true, ['kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:PutKeyPolicy']],
    ]);
  });

  test('the diagram: two accounts, the flows from the database to its vault, the copies, the dump and the replications', () => {
    expect([...new Set(p.nodes.map((n) => n.account))]).toEqual(['111111111111', '222222222222']);
    expect(p.flows.map((f) => `${f.kind} ${f.from} -> ${f.to}`)).toEqual([
      'backup store:111111111111:us-east-1:app -> vault:111111111111:us-east-1:backup-dr-local',
      'copy vault:111111111111:us-east-1:backup-dr-local -> vault:222222222222:us-east-1:backup-dr-central',
      'copy vault:111111111111:us-east-1:backup-dr-local -> vault:222222222222:us-west-2:backup-dr-dr',
      'dump store:111111111111:us-east-1:app -> bucket:backup-dr-dumps-222222222222-us-east-1',
      'replication store:111111111111:us-east-1:backup-dr-app-uploads-111111111111 -> bucket:backup-dr-app-uploads-111111111111-dr',
      'replication bucket:backup-dr-dumps-222222222222-us-east-1 -> bucket:backup-dr-dumps-222222222222-us-west-2',
    ]);
  });
});

describe('a hand-written template of an app without our constructs', () => {
  let p: Posture;
  beforeAll(async () => {
    p = await reportJson(PLAIN);
  });

  test('every data store, how it is protected, and its gaps', () => {
    expect(p.stacks).toEqual([{ name: 'plain-app' }]);
    // Protected for the minimum retention: orders-prod and catalog; the bucket is selected, but AWS Backup cannot back it up unversioned.
    expect(p.summary).toEqual({ dataStores: 4, protected: 2, exempt: 0, withGaps: 4, findings: 11, acknowledged: 0 });
    expect(p.stores.map((s) => [s.name, s.label, s.protections, s.rpoSeconds])).toEqual([
      ['orders-prod', 'RDS instance', ['backup plan plain-daily (Daily), by tag backup=daily', 'automated backups, 3 day(s) (point-in-time recovery)'], { sameAccount: 300 }],
      ['sessions', 'DynamoDB table', [], {}],
      ['catalog', 'DynamoDB table', ['backup plan plain-daily (Daily), by ARN pattern arn:aws:dynamodb:*:*:table/catalog', 'point-in-time recovery, 35 day(s)'], { sameAccount: 300 }],
      // Daily at 05:00 with a 60-minute start window: 25 h.
      ['plain-uploads', 'S3 bucket', ['backup plan plain-daily (Daily), by its ARN'], { sameAccount: 90000 }],
    ]);
    expect(p.stores.find((s) => s.name === 'sessions')!.gaps[0]).toBe('no backup plan selects it (by construct, ARN or tag), point-in-time recovery is off, and no dump job dumps it');
    expect(p.stores.find((s) => s.name === 'plain-uploads')!.gaps[0]).toBe('AWS Backup backs up S3 buckets only with versioning on, and this bucket has it off');
  });

  test('the same findings as the coverage aspect and the rule pack, all open', () => {
    expect(p.findings.map((f) => `${f.rule} ${f.path}`)).toEqual([
      'BackupCoverage plain-app/Sessions',
      'BackupCoverage plain-app/Uploads',
      'BackupDR-DatabaseBackupRetention plain-app/Orders',
      'BackupDR-DatabaseDeletionProtection plain-app/Orders',
      'BackupDR-DynamoDBPointInTimeRecovery plain-app/Sessions',
      'BackupDR-BackupVaultLocked plain-app/Vault',
      'BackupDR-BackupPlanCrossAccountCopy plain-app/Plan',
      'BackupDR-BackupPlanCrossRegionCopy plain-app/Plan',
      'BackupDR-BackupKeyUndeletable plain-app/VaultKey',
      'BackupDR-BackupFailureAlarm plain-app/Plan',
      'BackupDR-RestoreDrillValidated plain-app/Plan',
    ]);
    expect(p.findings.every((f) => f.acknowledged === undefined)).toBe(true);
    expect(p.vaults).toEqual([{ name: 'plain-vault', path: 'plain-app/Vault', defined: true, key: { path: 'plain-app/VaultKey', retained: false, deletableBy: ['kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:PutKeyPolicy'] } }]);
  });

  test('--strict fails (exit 1) on open findings; the report is still written', async () => {
    const r = await runCli(['report', PLAIN, '--strict']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^# Recovery posture: plain\n/);
    expect(r.stdout).toContain('RDS instance whose account and region the template leaves to deploy time (`plain-app/Orders`).');
    expect(r.stderr).toContain('--strict: 11 open finding(s) and 4 data store(s) with gaps');
  });
});

test('--out writes md, json and html; the Markdown has every section', async () => {
  const out = path.join(dir, 'audit');
  const r = await runCli(['report', assembly, '--format', 'md,json,html', '--out', out, '--title', 'Acme']);
  expect(r.code).toBe(0);
  for (const ext of ['md', 'json', 'html']) {
    expect(r.stderr).toContain(`wrote ${path.join(out, `recovery-posture.${ext}`)}`);
    expect(statSync(path.join(out, `recovery-posture.${ext}`)).size).toBeGreaterThan(1000);
  }
  expect(r.stderr).toContain('3 data store(s): 2 protected, 1 exempt, 0 with gaps; 0 open finding(s), 1 acknowledged');
  const md = readFileSync(path.join(out, 'recovery-posture.md'), 'utf8');
  expect(md).toMatch(/^# Recovery posture: Acme\n/);
  for (const section of ['## Summary', '## Data stores', '### app', '## Vaults', '## Buckets', '## Copy flows', '## Findings', '## Rules applied']) {
    expect(md).toContain(`\n${section}\n`);
  }
  expect(md).toContain('| [app](#app) | RDS instance | 111111111111 / us-east-1 | 5 min | 24 h | 24.3 h | 2 h | 0 |');
  expect(md).not.toMatch(/⟦|undefined|NaN|\[object/);
});

test('clear errors: a missing or unreadable cdk.out, a file that is not a template, bad formats', async () => {
  const missing = await runCli(['report', path.join(dir, 'nope')]);
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain("does not exist; run 'npx cdk synth' first");
  const notAssembly = await runCli(['report', os.tmpdir()]);
  expect(notAssembly.code).toBe(2);
  expect(notAssembly.stderr).toContain('is not a cloud assembly: it has no manifest.json');
  const broken = path.join(dir, 'broken.template.json');
  writeFileSync(broken, '{ "Resources": ');
  const bad = await runCli(['report', broken, PLAIN]);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/cannot read the template .*broken\.template\.json: .*JSON/);
  const notTemplate = path.join(dir, 'package.json');
  writeFileSync(notTemplate, '{ "name": "x" }');
  expect((await runCli(['report', notTemplate])).stderr).toContain('package.json is not a CloudFormation template: it has no Resources');
  const manifest = path.join(dir, 'bad-assembly');
  execFileSync('mkdir', ['-p', manifest]);
  writeFileSync(path.join(manifest, 'manifest.json'), 'not json');
  expect((await runCli(['report', manifest])).stderr).toMatch(/cannot read .*manifest\.json: .*; synthesize the app again/);
  const format = await runCli(['report', assembly, '--format', 'pdf']);
  expect(format.code).toBe(2);
  expect(format.stderr).toContain("--format takes md, json or html (several separated by commas), got 'pdf'");
  const many = await runCli(['report', assembly, '--format', 'md,html']);
  expect(many.code).toBe(2);
  expect(many.stderr).toContain('--format md,html writes 2 files: give --out DIR, or one format for stdout');
});

describe('HTML in headless Chromium', () => {
  let dom: string;
  let file: string;
  const chromium = (...args: string[]) => execFileSync('chromium', [
    '--headless', '--no-sandbox', '--disable-gpu', `--user-data-dir=${path.join(dir, 'profile')}`, '--hide-scrollbars', ...args,
  ], { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'ignore'] });
  beforeAll(async () => {
    const out = path.join(dir, 'html');
    const r = await runCli(['report', assembly, '--format', 'html', '--out', out]);
    expect(r.code).toBe(0);
    file = path.join(out, 'recovery-posture.html');
    dom = chromium('--virtual-time-budget=2000', '--dump-dom', `file://${file}`);
  });

  test('one self-contained page: no script, no stylesheet, image or URL from anywhere', () => {
    const html = readFileSync(file, 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).not.toMatch(/<script|<link|<img|src=|url\((?!#)|https?:\/\//);
  });

  test('the browser sees the sections, the linked index, and the diagram with its accounts, regions, nodes and arrows', () => {
    expect(dom).toContain('<title>Recovery posture: BackupDr</title>');
    for (const section of ['Summary', 'Data stores', 'Vaults', 'Buckets', 'Copy flows', 'Findings', 'Rules applied']) {
      expect(dom).toContain(`<h2 id="${section.toLowerCase().replace(/ /g, '-')}">${section}</h2>`);
    }
    expect(dom).toContain('<a href="#app">app</a>');
    expect(dom).toContain('<h3 id="app">app</h3>');
    const svg = /<svg[\s\S]*<\/svg>/.exec(dom)?.[0] ?? '';
    expect(svg).toContain('account 111111111111');
    expect(svg).toContain('account 222222222222');
    expect((svg.match(/class="region"/g) ?? []).length).toBe(3);
    expect((svg.match(/<g class="node node-/g) ?? []).length).toBe(8);
    expect((svg.match(/<g class="flow flow-/g) ?? []).length).toBe(6);
    expect(svg).toContain('<title>copy: copy Daily, 35 d; copy Weekly, 90 d; copy Monthly, 365 d</title>');
    expect(svg).toContain('<title>vault backup-dr-central: compliance (immutable after 3 d), min 7 d, max 3650 d</title>');
  });

  test('it renders to a picture (the README\'s screenshot is made the same way by scripts/report-screenshot.ts)', () => {
    const png = path.join(dir, 'shot.png');
    chromium('--window-size=1280,900', `--screenshot=${png}`, `file://${file}`);
    const bytes = readFileSync(png);
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    // Width and height from the IHDR chunk.
    expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([1280, 900]);
  });
});

test('inputs that cannot be a report: a nested stack given without its template is an open finding; --out on a file; a resource without a type', async () => {
  const nested = path.join(dir, 'parent.template.json');
  writeFileSync(nested, JSON.stringify({ Resources: { Child: { Type: 'AWS::CloudFormation::Stack', Properties: { TemplateURL: 'https://example.com/child.json' } } } }));
  const r = await runCli(['report', nested, '--strict']);
  expect(r.code).toBe(1);
  expect(r.stdout).toContain('a nested stack whose template was not read: its data stores are not in this report');
  const file = path.join(dir, 'not-a-dir');
  writeFileSync(file, '');
  const out = await runCli(['report', PLAIN, '--out', file]);
  expect(out.code).toBe(2);
  expect(out.stderr).toContain(`--out ${file} cannot be a directory`);
  const untyped = path.join(dir, 'untyped.template.json');
  writeFileSync(untyped, JSON.stringify({ Resources: { X: null } }));
  const bad = await runCli(['report', untyped]);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('is not a valid CloudFormation template: resource X has no Type');
});
