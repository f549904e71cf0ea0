// The recovery-posture report of the reference app and every example, in all three formats: the committed
// examples/<name>/POSTURE.md is what `cdk-backup-dr report` writes today (regenerate with `npx tsx scripts/runbooks.ts`),
// the report's RPO agrees with the runbook's for every database, and its retention and copies are the seed documents'.
import { readFileSync } from 'node:fs';
import { runbookJson } from '../../cli/runbook/runbook';
import { postureHtml } from '../../cli/report/html';
import { postureMarkdown } from '../../cli/report/markdown';
import type { Posture, StoreReport } from '../../cli/report/posture';
import { readModel } from '../../cli/app/model';
import { readPosture } from '../../cli/report/posture';
import { postureFile, RUNBOOK_APPS, synthesizedStacks } from '../../scripts/runbooks';

const postures = new Map<string, { posture: Posture; runbook: { stores: Array<Record<string, any>> } }>();
function of(name: string) {
  if (!postures.has(name)) {
    const entry = RUNBOOK_APPS.find((a) => a.name === name)!;
    const stacks = synthesizedStacks(entry);
    postures.set(name, { posture: readPosture(stacks, entry.title), runbook: runbookJson(readModel(stacks), entry.title) as never });
  }
  return postures.get(name)!;
}
const store = (name: string, storeName: string): StoreReport => {
  const found = of(name).posture.stores.find((s) => s.name === storeName);
  if (!found) throw new Error(`${name} has no data store ${storeName}`);
  return found;
};
const copies = (s: StoreReport) => s.copies.map((c) => `${c.via} -> ${c.to} ${c.account}/${c.region} ${c.retentionDays} d, ${c.lock}`);

const apps = RUNBOOK_APPS.map((a) => a.name);

test.each(apps.filter((a) => a !== 'reference'))('examples/%s/POSTURE.md is up to date (npx tsx scripts/runbooks.ts)', (name) => {
  expect(readFileSync(postureFile(RUNBOOK_APPS.find((a) => a.name === name)!), 'utf8')).toBe(postureMarkdown(of(name).posture));
});

test.each(apps)('%s: the report renders in md, json and html with nothing left unrendered, and passes its own checks', (name) => {
  const { posture } = of(name);
  for (const text of [postureMarkdown(posture), JSON.stringify(posture), postureHtml(posture)]) {
    expect(text).not.toMatch(/⟦|undefined|NaN|\[object/);
  }
  // The app passes the coverage aspect and the DR pack at synth, so no finding is open here either.
  expect(posture.summary.findings).toBe(0);
  expect(posture.findings.filter((f) => !f.acknowledged)).toEqual([]);
});

test.each(apps)('%s: every database has the runbook\'s RPO for each scope and its declared RTO', (name) => {
  const { posture, runbook } = of(name);
  expect(runbook.stores.length).toBeGreaterThan(0);
  for (const r of runbook.stores) {
    const s = posture.stores.find((x) => x.name === r.name)!;
    const known = [r.rpoSeconds.pointInTime, r.rpoSeconds.localSnapshot, r.rpoSeconds.dump].filter((v: number | undefined) => v !== undefined);
    expect(s.rpoSeconds).toEqual({
      sameAccount: known.length ? Math.min(...known) : undefined,
      otherAccount: r.rpoSeconds.otherAccount,
      otherRegion: r.rpoSeconds.otherRegion,
    });
    if (r.tier) expect(s.rto).toEqual({ seconds: r.tier.rtoSeconds, source: `tier ${r.tier.name}` });
  }
});

test('reference: hourly/daily/weekly/monthly kept 7/30/90/365 days, copied to both backup-account vaults under a compliance lock', () => {
  const app = store('reference', 'app');
  expect(app.retention.filter((r) => r.source.includes('rule')).map((r) => r.days)).toEqual([7, 30, 90, 365]);
  expect(copies(app).filter((c) => c.includes('vault'))).toHaveLength(6);
  expect(copies(app).every((c) => !c.includes('vault') || c.includes('222222222222'))).toBe(true);
});

test('InstantPDF (seed 000): PITR 30 days, dumps kept 30 days in the backup account (222222222222), user files replicated', () => {
  const db = store('instantpdf', 'instantpdf');
  expect(db.retention).toContainEqual({ source: 'point-in-time recovery (automated backups)', days: 30 });
  expect(copies(db)).toContain('pg_dump -> bucket instantpdf-backups 222222222222/us-east-1 30 d, Object Lock COMPLIANCE 30 d');
  expect(db.rpoSeconds).toEqual({ sameAccount: 300, otherAccount: 86400, otherRegion: 300 });
  expect(store('instantpdf', 'instantpdf-user-files').copies[0]).toMatchObject({ via: 'replication', region: 'us-west-2' });
});

test('Deeldesk (seed 001): Enterprise tier, RTO 1 h; daily/weekly/monthly copies to deeldesk-dr kept 30/90/365 days; no second account (a gap)', () => {
  const db = store('deeldesk', 'deeldesk');
  expect(db.rto).toEqual({ seconds: 3600, source: 'tier Enterprise' });
  expect(copies(db).filter((c) => c.includes('deeldesk-dr'))).toEqual([
    'deeldesk-enterprise / Daily -> vault deeldesk-dr 111111111111/us-west-2 30 d, governance, min 7 d, max 365 d',
    'deeldesk-enterprise / Weekly -> vault deeldesk-dr 111111111111/us-west-2 90 d, governance, min 7 d, max 365 d',
    'deeldesk-enterprise / Monthly -> vault deeldesk-dr 111111111111/us-west-2 365 d, governance, min 7 d, max 365 d',
  ]);
  expect(db.gaps).toEqual(['no copy outside its account: a compromise of that account can reach every backup']);
  expect(of('deeldesk').posture.findings.find((f) => f.rule === 'BackupDR-BackupPlanCrossAccountCopy')?.acknowledged).toMatch(/^Seed 001 \(Deeldesk\) runs in one AWS account/);
});

test('RoleFerry (seed 002): daily snapshots kept 30 days and copied to roleferry-dr; PITR 30 days; restore target 2 h', () => {
  const db = store('roleferry', 'roleferry');
  expect(db.retention).toContainEqual({ source: 'plan roleferry-prod-db, rule Daily', days: 30, keptForever: false });
  expect(db.retention).toContainEqual({ source: 'point-in-time recovery (automated backups)', days: 30 });
  expect(copies(db)).toContain('roleferry-prod-db / Daily -> vault roleferry-dr 111111111111/us-west-2 30 d, governance, min 7 d, max 365 d');
  expect(db.rto).toEqual({ seconds: 7200, source: 'restore-time alarm' });
});

test('IndoStar (seed 003): daily dumps kept 30 days and replicated to us-west-2, monthly dumps kept a year', () => {
  const db = store('indostar', 'indostar_naturals');
  expect(copies(db)).toEqual(expect.arrayContaining([
    'pg_dump -> bucket indostar-backups-primary 111111111111/us-east-1 30 d, Object Lock COMPLIANCE 30 d',
    'pg_dump -> bucket indostar-backups-archive 111111111111/us-east-1 365 d, Object Lock COMPLIANCE 365 d',
    'replication of indostar-backups-primary -> bucket indostar-backups-secondary 111111111111/us-west-2 30 d, Object Lock COMPLIANCE 30 d',
  ]));
});

test('Distro Nation (seed 004): daily snapshots kept 30 days, copied to us-west-2 and kept 7 days there; Aurora PITR 7 days', () => {
  for (const name of ['database-2', 'documentdb']) {
    const db = store('distronation', name);
    expect(db.retention.find((r) => r.source.endsWith('rule Daily'))?.days).toBe(30);
    expect(copies(db)).toEqual([expect.stringMatching(/ -> vault distronation-dr 111111111111\/us-west-2 7 d, governance, min 7 d, max 365 d$/)]);
  }
  expect(store('distronation', 'database-2').retention).toContainEqual({ source: 'point-in-time recovery (automated backups)', days: 7 });
});
