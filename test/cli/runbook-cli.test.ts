// `cdk-backup-dr runbook` as a process on a synthesized app: Markdown on stdout, HTML to a file that headless Chromium
// (Debian's `chromium`) renders with its sections, tables, commands and working anchors, JSON for scripts, and errors.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RUNBOOK_APPS, synthesizeTo } from '../../scripts/runbooks';
import { ensureBundle, runCli } from './cli-process';

let dir: string;
let assembly: string;
beforeAll(() => {
  ensureBundle();
  dir = mkdtempSync(path.join(os.tmpdir(), 'runbook-cli-'));
  assembly = path.join(dir, 'cdk.out');
  synthesizeTo(RUNBOOK_APPS.find((a) => a.name === 'reference')!, assembly);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('Markdown on stdout, from cdk.out in the working directory by default', async () => {
  const r = await runCli(['runbook'], { cwd: dir });
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^# Runbook: BackupDr\n/);
  expect(r.stdout).toContain('## app');
  expect(r.stderr).toBe('');
});

test('--measured adds the measured restore time; a name that is not a data store is refused (exit 2)', async () => {
  const r = await runCli(['runbook', assembly, '--measured', 'app=1h12m', '--title', 'Acme']);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^# Runbook: Acme\n/);
  expect(r.stdout).toContain('| RTO | 2 h (tier Team); measured 1h 12m 00s |');
  const bad = await runCli(['runbook', assembly, '--measured', 'orders=1h']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('--measured names orders, not a data store of the app (app)');
});

test('--json: the figures for scripts', async () => {
  const r = await runCli(['--json', 'runbook', assembly]);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout).stores[0]).toMatchObject({ name: 'app', tier: { name: 'Team', rtoSeconds: 7200 } });
});

test('a missing or unreadable cdk.out: exit 2 with what to run', async () => {
  const missing = await runCli(['runbook', path.join(dir, 'nope')]);
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain("does not exist; run 'npx cdk synth' first");
  const notAssembly = await runCli(['runbook', os.tmpdir()]);
  expect(notAssembly.code).toBe(2);
  expect(notAssembly.stderr).toContain('is not a cloud assembly: it has no manifest.json');
  const badFormat = await runCli(['runbook', assembly, '--format', 'pdf']);
  expect(badFormat.code).toBe(2);
  expect(badFormat.stderr).toContain("option '--format <format>' argument 'pdf' is invalid. Allowed choices are md, html.");
});

describe('HTML in headless Chromium', () => {
  let dom: string;
  let file: string;
  beforeAll(async () => {
    file = path.join(dir, 'runbook.html');
    const r = await runCli(['runbook', assembly, '--format', 'html', '--out', file]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`wrote ${file} (1 data store(s))`);
    dom = execFileSync('chromium', [
      '--headless', '--no-sandbox', '--disable-gpu', `--user-data-dir=${path.join(dir, 'profile')}`, '--virtual-time-budget=2000',
      '--dump-dom', `file://${file}`,
    ], { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'ignore'] });
  });

  test('one self-contained page: no script, no stylesheet or image from anywhere', () => {
    const html = readFileSync(file, 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).not.toMatch(/<script|<link|<img|src=|https?:\/\/(?!truststore)/);
  });

  test('the browser sees the title, the index table linking to each data store, the scenarios and the commands', () => {
    expect(dom).toContain('<title>Runbook: BackupDr</title>');
    expect(dom).toContain('<a href="#app">app</a>');
    expect(dom).toContain('<h2 id="app">app</h2>');
    for (const title of ['1. Rows deleted by mistake', '2. Data corrupted', '3. Workload account compromised', '4. Region lost']) {
      expect(dom).toContain(`<h3>${title}</h3>`);
    }
    expect(dom).toMatch(/<pre><code class="language-sh">npx cdk-backup-dr restore pitr --region us-east-1 \\\n {2}--source arn:aws:rds:us-east-1:111111111111:db:app-prod/);
    // Placeholders are text, not tags.
    expect(dom).toContain('&lt;T: a UTC time just before the damage');
    expect((dom.match(/<table>/g) ?? []).length).toBe(2);
  });
});
