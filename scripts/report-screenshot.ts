// The README's picture of the recovery-posture report: the reference app synthesized as `npx cdk synth` does, its
// report written as HTML by the bundled command, and the top of the page (summary and diagram) captured by headless
// Chromium (Debian's `chromium`) into docs/report-reference.png.
// Usage: npm run bundle && npx tsx scripts/report-screenshot.ts
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RUNBOOK_APPS, synthesizeTo } from './runbooks';

const ROOT = path.join(__dirname, '..');
const OUT = path.join(ROOT, 'docs', 'report-reference.png');
const dir = mkdtempSync(path.join(os.tmpdir(), 'report-shot-'));
try {
  synthesizeTo(RUNBOOK_APPS.find((a) => a.name === 'reference')!, path.join(dir, 'cdk.out'));
  execFileSync(process.execPath, [path.join(ROOT, 'cli', 'cdk-backup-dr.cjs'), 'report', path.join(dir, 'cdk.out'), '--format', 'html', '--out', dir], {
    stdio: 'inherit',
    // The report reads files only; no AWS endpoint is reachable from it anyway.
    env: { ...process.env, AWS_ENDPOINT_URL: 'http://127.0.0.1:9' },
  });
  execFileSync('chromium', [
    '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', `--user-data-dir=${path.join(dir, 'profile')}`,
    '--window-size=1280,1080', `--screenshot=${OUT}`, `file://${path.join(dir, 'recovery-posture.html')}`,
  ], { stdio: ['ignore', 'ignore', 'ignore'], timeout: 60_000 });
  console.log(`report-screenshot: ${path.relative(ROOT, OUT)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
