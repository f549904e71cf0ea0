// The runbooks of the reference app and every example, from their synthesized apps: the committed
// examples/<name>/RUNBOOK.md is exactly what `cdk-backup-dr runbook` writes today (regenerate with
// `npx tsx scripts/runbooks.ts`), and each names the app's own databases, vaults, buckets, accounts, regions and the
// seed documents' numbers.
import { readFileSync } from 'node:fs';
import { exampleRunbook, RUNBOOK_APPS, runbookFile, synthesizedModel } from '../../scripts/runbooks';
import { runbookJson } from '../../cli/runbook/runbook';

const app = (name: string) => RUNBOOK_APPS.find((a) => a.name === name)!;
const runbooks = new Map<string, string>();
const runbook = (name: string): string => {
  if (!runbooks.has(name)) runbooks.set(name, exampleRunbook(app(name)));
  return runbooks.get(name)!;
};
/** The lines of one scenario of one data store. */
function scenario(text: string, store: string, title: string): string {
  const section = text.split(/^## /m).find((s) => s.startsWith(`${store}\n`));
  if (!section) throw new Error(`no section for ${store}`);
  const part = section.split(/^### \d\. /m).find((s) => s.startsWith(title));
  if (!part) throw new Error(`no scenario '${title}' for ${store}`);
  return part;
}

test.each(RUNBOOK_APPS.filter((a) => a.name !== 'reference').map((a) => a.name))('examples/%s/RUNBOOK.md is up to date (npx tsx scripts/runbooks.ts)', (name) => {
  expect(readFileSync(runbookFile(app(name)), 'utf8')).toBe(runbook(name));
});

test('every runbook has the four scenarios for every data store, and nothing left unrendered', () => {
  for (const { name } of RUNBOOK_APPS) {
    const text = runbook(name);
    const stores = text.match(/^## .+$/gm) ?? [];
    expect(stores.length).toBeGreaterThan(0);
    for (const title of ['1. Rows deleted by mistake', '2. Data corrupted', '3. Workload account compromised', '4. Region lost']) {
      expect((text.match(new RegExp(`^### ${title.replace('.', '\\.')}$`, 'gm')) ?? []).length).toBe(stores.length);
    }
    expect(text).not.toMatch(/⟦|undefined|NaN|\[object/);
  }
});

describe('the reference app (cdk.json sample)', () => {
  test('PITR in the workload account; the central vault and the dump bucket of the backup account; the DR vault and the dump replica', () => {
    const text = runbook('reference');
    expect(text).toContain('| [app](#app) | RDS DB instance | 111111111111 / us-east-1 | 5 min | 24 h | 24.3 h | 2 h |');
    expect(scenario(text, 'app', 'Rows deleted by mistake')).toContain('--source arn:aws:rds:us-east-1:111111111111:db:app-prod --target app-prod-rows');
    const compromised = scenario(text, 'app', 'Workload account compromised');
    expect(compromised).toContain('npx cdk-backup-dr restore recovery-point --region us-east-1 --vault backup-dr-central');
    expect(compromised).toContain('--iam-role arn:aws:iam::222222222222:role/service-role/AWSBackupDefaultServiceRole');
    expect(compromised).toContain('up to 25 h from the copies of rule Daily (plan backup-dr-team) in vault backup-dr-central (vault lock in compliance mode once its 3-day grace period ends: nobody can delete a copy younger than 7 days), kept 35 days');
    expect(compromised).toContain('--bucket backup-dr-dumps-222222222222-us-east-1');
    const region = scenario(text, 'app', 'Region lost');
    expect(region).toContain('--region us-west-2 --vault backup-dr-dr');
    expect(region).toContain('--bucket backup-dr-dumps-222222222222-us-west-2');
    expect(region).toContain('up to 24.3 h from the dumps in s3://backup-dr-dumps-222222222222-us-west-2 (replicated from backup-dr-dumps-222222222222-us-east-1, within 15 min)');
  });

  test('the JSON for scripts: the tier, the RPO of each way back, the copies', () => {
    const json = runbookJson(synthesizedModel(app('reference')), 'reference') as { stores: Array<Record<string, unknown>> };
    expect(json.stores).toEqual([expect.objectContaining({
      name: 'app', kind: 'rds-instance', arn: 'arn:aws:rds:us-east-1:111111111111:db:app-prod',
      tier: { name: 'Team', rpoSeconds: 3600, rtoSeconds: 7200 },
      rpoSeconds: { pointInTime: 300, localSnapshot: 7200, dump: 86400, otherAccount: 86400, otherRegion: 87300 },
      copies: expect.arrayContaining([
        { rule: 'Daily', vault: 'backup-dr-central', account: '222222222222', region: 'us-east-1', deleteAfterDays: 35 },
        { rule: 'Monthly', vault: 'backup-dr-dr', account: '222222222222', region: 'us-west-2', deleteAfterDays: 365 },
      ]),
      dumps: [{ bucket: 'backup-dr-dumps-222222222222-us-east-1', prefix: 'pg-dump/', database: 'app', schedule: 'cron(0 3 * * ? *)', account: '222222222222', region: 'us-east-1' }],
      drills: [{ name: 'backup_dr_app_drill', schedule: 'cron(0 5 ? * SUN#1 *)' }],
    })]);
  });
});

test('InstantPDF (seed 000): deletion by PITR 30 days; account compromise by the dumps of the backup account, up to 1 day; region loss by the automated backups replicated to us-west-2', () => {
  const text = runbook('instantpdf');
  expect(scenario(text, 'instantpdf', 'Rows deleted by mistake')).toContain('(automated backups, 30 days back; the latest restorable time lags at most 5 min)');
  const compromised = scenario(text, 'instantpdf', 'Workload account compromised');
  expect(compromised).toContain('up to 24 h from the dumps in s3://instantpdf-backups');
  expect(compromised).toContain('an operator of account 222222222222 with read access to s3://instantpdf-backups');
  expect(scenario(text, 'instantpdf', 'Region lost')).toContain('npx cdk-backup-dr restore pitr --replicated-backups --region us-west-2');
});

test('Deeldesk (seed 001): one account, so a compromised account has no way back (a gap); tier Enterprise, RTO 1 h; the DR vault keeps the daily copies 30 days', () => {
  const text = runbook('deeldesk');
  expect(scenario(text, 'deeldesk', 'Workload account compromised')).toContain('**Gap:** No copy of this data store leaves account 111111111111');
  expect(text).toContain('| RTO | 1 h (tier Enterprise) |');
  const region = scenario(text, 'deeldesk', 'Region lost');
  expect(region).toContain('up to 25 h from the copies of rule Daily (plan deeldesk-enterprise) in vault deeldesk-dr');
  expect(region).toContain('kept 30 days');
  expect(region).toContain('s3://deeldesk-backups-dr');
  expect(scenario(text, 'deeldesk', 'Rows deleted by mistake')).toMatch(/--bucket deeldesk-backups --prefix logical\/ \\\n\s+--database deeldesk/);
});

test('RoleFerry (seed 002): the PITR test\'s 15 min and the snapshot test\'s 2 h are both stated', () => {
  const text = runbook('roleferry');
  expect(text).toContain('15 min (restore-time alarm of drill roleferry_pitr_test)');
  expect(text).toContain('2 h (restore-time alarm of drill roleferry_monthly_restore_test)');
  expect(scenario(text, 'roleferry', 'Region lost')).toContain('vault roleferry-dr');
});

test('IndoStar (seed 003) and Distro Nation (seed 004): their databases, the Aurora and DocumentDB clusters, with a copy of DocumentDB documents rather than rows', () => {
  expect(runbook('indostar')).toContain('## indostar_naturals');
  const distro = runbook('distronation');
  expect(distro).toContain('| [database-2](#database-2) | Aurora cluster |');
  expect(distro).toContain('| [documentdb](#documentdb) | DocumentDB cluster |');
  expect(scenario(distro, 'documentdb', 'Rows deleted by mistake')).toContain('mongoexport');
  expect(scenario(distro, 'database-2', 'Region lost')).toContain('--instance-class');
});
