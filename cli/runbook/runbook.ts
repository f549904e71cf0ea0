// The runbook of a synthesized app, as Markdown: for each data store and each scenario (rows deleted by mistake, data
// corrupted, the workload account compromised, the region lost) the steps in order, with the `cdk-backup-dr restore`
// command filled in from the app, the expected RPO (from the schedules) and RTO (the tier, and a measured figure when
// given), and who acts in which account. The seed documents' runbooks are the model: short steps, exact commands.
import type { AppModel, DataStore, Vault } from '../app/model';
import { isKnown } from '../../lib/private/posture/resolve';
import { formatDuration } from '../output';
import { command, shellValue } from './shell';
import { CopyPath, DumpPath, figuresOf, humanSeconds, least, StoreFigures } from './figures';

export interface RunbookOptions {
  /** Heading of the document. */
  readonly title: string;
  /** Measured restore times by data store name, seconds (the last drill's, or a restore's). */
  readonly measured?: Readonly<Record<string, number>>;
}

interface Scenario {
  readonly title: string;
  readonly summary: string;
  /** How much data is lost at most, and through which path. */
  readonly rpo: string;
  readonly who: string;
  readonly steps: readonly string[];
  /** Set when the app has no way back for this scenario. */
  readonly gap?: string;
}

const KIND: Record<DataStore['kind'], string> = {
  'rds-instance': 'RDS DB instance', 'aurora-cluster': 'Aurora cluster', 'docdb-cluster': 'DocumentDB cluster', 'neptune-cluster': 'Neptune cluster',
};
const CLI = 'npx cdk-backup-dr';
const TIME = '<T: a UTC time just before the damage, e.g. 2026-03-01T09:14:00Z>';
const RESTORE_ROLE = (account: string | undefined) => `arn:aws:iam::${account ?? '<account>'}:role/service-role/AWSBackupDefaultServiceRole`;

const code = (text: string): string => `\n\n   \`\`\`sh\n${text.split('\n').map((l) => `   ${l}`).join('\n')}\n   \`\`\``;
const where = (account: string | undefined, region: string | undefined) => `account ${account ?? '(the stack\'s)'}, ${region ?? '(the stack\'s region)'}`;
const isPostgres = (s: DataStore) => s.kind === 'rds-instance' || s.kind === 'aurora-cluster';

function restoredId(store: DataStore, suffix: string): string {
  const id = store.identifier ?? store.name;
  // RDS identifiers: at most 63 characters (a name known only after deploy is left whole).
  return isKnown(id) ? `${id.slice(0, 63 - suffix.length - 1)}-${suffix}` : `${id}-${suffix}`;
}

function pitrCommand(store: DataStore, suffix: string, time: string): string {
  return command(`${CLI} restore pitr`, [['--region', store.region], ['--source', store.arn], ['--target', restoredId(store, suffix)], ['--time', time]], store.region);
}

function dumpCommand(path: DumpPath, store: DataStore, extra: ReadonlyArray<readonly [string, string | undefined] | readonly [string]>, bucket = path.job.bucket, region = path.job.region): string {
  return command(`${CLI} restore dump`, [
    ['--region', region], ['--bucket', bucket], ['--prefix', path.job.prefix || undefined], ['--database', path.job.database],
    ['--bucket-owner', path.replica ? path.replica.account : path.job.bucketOwner], ...extra,
  ], path.job.region ?? store.region);
}

function recoveryPointCommand(store: DataStore, vault: { name: string; account?: string; region?: string }, suffix: string, before?: string): string {
  return command(`${CLI} restore recovery-point`, [
    ['--region', vault.region], ['--vault', vault.name], ['--resource', store.arn], ['--before', before], ['--target', restoredId(store, suffix)],
    ['--iam-role', RESTORE_ROLE(vault.account)],
    ...(vault.region !== store.region || vault.account !== store.account ? [['--subnet-group', `<DB subnet group in ${vault.account} ${vault.region}>`], ['--security-group', '<security group id>']] as const : []),
    ...(store.kind === 'rds-instance' ? [] : [['--instance-class', '<instance class, e.g. db.r6g.large>']] as const),
  ], vault.region);
}

function copyBack(store: DataStore, from: string): string {
  const restored = `\`${shellValue(from, store.region)}\``;
  if (!isPostgres(store)) {
    return `Copy the documents you need from ${restored} back with \`mongoexport\` / \`mongoimport\` (the restored cluster's endpoint, TLS with the RDS CA bundle).`;
  }
  return `Copy the rows back from ${restored} into production: export them, then load them (a \`WHERE\` clause that selects the lost rows):${code([
    'psql "host=<endpoint of the restored database> dbname=<database> user=<user> sslmode=verify-full sslrootcert=global-bundle.pem" \\',
    '  -c "\\copy (SELECT * FROM <schema.table> WHERE <condition>) TO \'rows.csv\' CSV HEADER"',
    'psql "host=<production endpoint> dbname=<database> user=<user> sslmode=verify-full sslrootcert=global-bundle.pem" \\',
    '  -c "\\copy <schema.table> FROM \'rows.csv\' CSV HEADER"',
  ].join('\n'))}`;
}

function deleteTemporary(store: DataStore, suffix: string): string {
  const id = restoredId(store, suffix);
  const text = store.kind === 'rds-instance'
    ? command('aws rds delete-db-instance', [['--region', store.region], ['--db-instance-identifier', id], ['--skip-final-snapshot']], store.region)
    : `${command('aws rds delete-db-instance', [['--region', store.region], ['--db-instance-identifier', `${id}-1`]], store.region)}\n`
      + command('aws rds delete-db-cluster', [['--region', store.region], ['--db-cluster-identifier', id], ['--skip-final-snapshot']], store.region);
  return `When the rows are back, delete the temporary database (turn off its deletion protection first if it carried the source's):${code(text)}`;
}

function rowsDeleted(store: DataStore, f: StoreFigures): Scenario {
  const steps: string[] = [
    'Find when the rows were deleted (application logs, the database log, CloudTrail for the application\'s role) and '
    + 'take a time just before it, in UTC: that is `<T>` below.',
  ];
  let rpo: string;
  if (f.pitr) {
    rpo = `nothing of the deleted rows: point-in-time recovery restores to a second before \`<T>\` (${f.pitr.via}`
      + `${f.pitr.days ? `, ${f.pitr.days} days back` : ', window set outside the app'}; the latest restorable time lags at most ${humanSeconds(f.pitr.rpoSeconds)})`;
    steps.push(`Restore the database as it was at \`<T>\` into a new ${KIND[store.kind]} (${where(store.account, store.region)}):${code(pitrCommand(store, 'rows', TIME))}`,
      copyBack(store, restoredId(store, 'rows')), deleteTemporary(store, 'rows'));
    if (f.dump) {
      steps.push(`Alternative when \`<T>\` is outside the point-in-time window: restore only the table from the newest dump before \`<T>\` into a `
        + `scratch database (the dump job's single-table path), then copy the rows back as above:${code(dumpCommand(f.dump, store, [
          ['--before', TIME], ['--table', '<schema.table>'], ['--target-url', `postgresql://<user>@<scratch host>:5432/${f.dump.job.database}_rows`], ['--create'], ['--no-owner'], ['--app', 'cdk.out'],
        ]))}`);
    }
  } else if (f.dump) {
    rpo = `the rows written between the newest dump before \`<T>\` and \`<T>\`: up to ${humanSeconds(f.dump.rpoSeconds)} (dump schedule)`;
    steps.push(`Restore only the table from the newest dump before \`<T>\` into a scratch database:${code(dumpCommand(f.dump, store, [
      ['--before', TIME], ['--table', '<schema.table>'], ['--target-url', `postgresql://<user>@<scratch host>:5432/${f.dump.job.database}_rows`], ['--create'], ['--no-owner'], ['--app', 'cdk.out'],
    ]))}`, copyBack(store, `${f.dump.job.database}_rows`));
  } else if (f.local) {
    rpo = `up to ${humanSeconds(f.local.rpoSeconds)} (rule ${f.local.rule.name} of plan ${f.local.planName})`;
    steps.push(`Restore the newest recovery point before \`<T>\` from the local vault:${code(recoveryPointCommand(store, { name: f.local.rule.vaultName, account: store.account, region: store.region }, 'rows', TIME))}`,
      copyBack(store, restoredId(store, 'rows')), deleteTemporary(store, 'rows'));
  } else {
    return { title: 'Rows deleted by mistake', summary: '', rpo: 'no way back', who: '', steps: [], gap: 'No point-in-time recovery, dump or recovery point protects this data store.' };
  }
  return {
    title: 'Rows deleted by mistake',
    summary: 'A statement deleted or overwrote rows (or dropped a table); the rest of the database is fine and stays in service.',
    rpo, steps,
    who: `an operator of account ${store.account ?? '(the workload account)'} in ${store.region ?? 'its region'} allowed to restore (rds:RestoreDBInstanceToPointInTime or `
      + 'rds:RestoreDBClusterToPointInTime, rds:CreateDBInstance, rds:AddTagsToResource, rds:Describe*)'
      + (f.dump ? `; for the dump path, read access to s3://${f.dump.job.bucket} (s3:ListBucket, s3:GetObject, kms:Decrypt)` : ''),
  };
}

function corrupted(store: DataStore, f: StoreFigures): Scenario {
  const steps: string[] = [
    'Stop the damage from spreading: stop the writers (scale the application to zero, or `ALTER ROLE <app user> NOLOGIN`) and keep the corrupted database for investigation.',
    'Find the last good time: the first bad write (a migration, a deploy, the first error) minus a minute, in UTC: `<T>`.',
  ];
  let rpo: string;
  if (f.pitr) {
    rpo = `the writes after \`<T>\` (point-in-time recovery, ${humanSeconds(f.pitr.rpoSeconds)} at most behind the present)`;
    steps.push(`Restore the database as it was at \`<T>\` into a new ${KIND[store.kind]}:${code(pitrCommand(store, 'pitr', TIME))}`);
  } else if (f.local) {
    rpo = `the writes after the newest recovery point before \`<T>\`: up to ${humanSeconds(f.local.rpoSeconds)} before it (rule ${f.local.rule.name})`;
    steps.push(`Restore the newest recovery point before \`<T>\` from the local vault:${code(recoveryPointCommand(store, { name: f.local.rule.vaultName, account: store.account, region: store.region }, 'pitr', TIME))}`);
  } else if (f.dump) {
    rpo = `the writes after the newest dump before \`<T>\`: up to ${humanSeconds(f.dump.rpoSeconds)} before it`;
    steps.push(`Restore the newest dump before \`<T>\` into a new database (row counts are checked against its manifest):${code(dumpCommand(f.dump, store, [
      ['--before', TIME], ['--target-url', `postgresql://<user>@<new server>:5432/${f.dump.job.database}`], ['--create'], ['--no-owner'], ['--app', 'cdk.out'],
    ]))}`);
  } else {
    return { title: 'Data corrupted', summary: '', rpo: 'no way back', who: '', steps: [], gap: 'No point-in-time recovery, recovery point or dump protects this data store.' };
  }
  if (f.pitr || f.local) {
    const id = store.identifier ?? store.name;
    const restored = restoredId(store, 'pitr');
    const [what, flag] = store.kind === 'rds-instance' ? ['instance', 'db-instance-identifier'] : ['cluster', 'db-cluster-identifier'];
    const renameCommand = (from: string, to: string) => command(`aws rds modify-db-${what}`, [
      ['--region', store.region], [`--${flag}`, from], [`--new-${flag}`, to], ['--apply-immediately'],
    ], store.region);
    const rename = `${renameCommand(id, `${id}-corrupt`)}\n${renameCommand(restored, id)}`;
    steps.push(`Check the restored database before it takes traffic: the tables the application needs, their row counts against what you expect${store.drills.length > 0 ? ` (the checks of drill ${store.drills.map((d) => d.name).join(', ')})` : ''}.`,
      `Switch the application by name: rename the corrupted database away and the restored one to its name, so the endpoint the application uses stays the same (wait for each rename to finish):${code(rename)}`);
  } else {
    steps.push('Point the application at the restored database.');
  }
  steps.push('Start the writers again; keep the corrupted copy (deletion protection on) until the investigation is closed.');
  return {
    title: 'Data corrupted',
    summary: 'Bad writes (a faulty migration or release, a bug, malicious statements) damaged data across the database.',
    rpo, steps,
    who: `an operator of account ${store.account ?? '(the workload account)'} in ${store.region ?? 'its region'} allowed to restore and rename databases (rds:RestoreDB*, rds:ModifyDBInstance/Cluster), and the application owner to stop and start writers`,
  };
}

function otherPlace(
  store: DataStore, title: string, summary: string, copy: CopyPath | undefined, dump: DumpPath | undefined, vaults: readonly Vault[],
  what: 'account' | 'region', pitrOther?: StoreFigures['pitrOtherRegion'],
): Scenario {
  if (!copy && !dump && !pitrOther) {
    return {
      title, summary, rpo: 'no way back', who: '', steps: [],
      gap: what === 'account'
        ? `No copy of this data store leaves account ${store.account}: whoever controls that account can reach every backup. Copy its recovery points to a vault of another account (RecoveryPlan copyTo) or write its dumps to a bucket there.`
        : `No copy of this data store leaves ${store.region}: losing the region loses every backup. Copy its recovery points to a vault in another region, or replicate its dump bucket.`,
    };
  }
  const steps: string[] = [];
  const figures: string[] = [];
  const who = new Set<string>();
  if (what === 'account') {
    steps.push(`Do not use the workload account (${store.account}) for the recovery: its credentials may be in the attacker's hands. Work from the accounts below, with their own sign-in.`);
  } else {
    steps.push(`Confirm the outage of ${store.region} (AWS Health Dashboard); recover in the other region below.`);
  }
  if (pitrOther) {
    figures.push(`about ${humanSeconds(pitrOther.rpoSeconds)} plus the replication lag from the automated backups replicated to ${pitrOther.region} `
      + '(point-in-time recovery there; the replication is asynchronous, so `--dry-run` shows the latest restorable time before you commit)');
    steps.push(`Restore the database from its automated backups replicated to ${pitrOther.region}, at their latest restorable time (or \`--time\`), `
      + `into a new DB instance there (${where(store.account, pitrOther.region)}):${code(command(`${CLI} restore pitr --replicated-backups`, [
        ['--region', pitrOther.region], ['--source', store.arn], ['--target', restoredId(store, 'dr')], ['--latest'],
        ['--subnet-group', `<DB subnet group in ${pitrOther.region}>`], ['--security-group', '<security group id>'],
      ], pitrOther.region))}`);
    who.add(`an operator of account ${store.account} in ${pitrOther.region} (rds:DescribeDBInstanceAutomatedBackups, rds:RestoreDBInstanceToPointInTime, rds:AddTagsToResource, kms:CreateGrant on the replica key)`);
  }
  if (copy) {
    const vault = vaults.find((v) => v.arn === copy.copy.vaultArn);
    const lock = vault?.airGapped ? ` (logically air-gapped, minimum retention ${vault.lock?.minDays ?? '?'} days)`
      : vault?.lock?.changeableForDays !== undefined
        ? ` (vault lock in compliance mode once its ${vault.lock.changeableForDays}-day grace period ends: nobody can delete a copy younger than ${vault.lock.minDays ?? '?'} days)`
        : vault?.lock ? ` (vault lock in governance mode: a copy younger than ${vault.lock.minDays ?? '?'} days can be deleted only by whoever may remove the lock)` : '';
    figures.push(`up to ${humanSeconds(copy.rpoSeconds)} from the copies of rule ${copy.rule.name} (plan ${copy.planName}) in vault ${copy.copy.vaultName}${lock}, kept ${copy.copy.deleteAfterDays ?? '?'} days`);
    steps.push(`${pitrOther ? 'Or, to go back to a copy AWS Backup made: r' : 'R'}estore the newest copy in vault ${copy.copy.vaultName} (${where(copy.copy.account, copy.copy.region)}) as a new database there. AWS Backup restores with a role `
      + `of that account that it may assume and that has AWSBackupServiceRolePolicyForRestores; the AWS Backup console creates AWSBackupDefaultServiceRole on first use:${code(recoveryPointCommand(store, { name: copy.copy.vaultName, account: copy.copy.account, region: copy.copy.region }, what === 'account' ? 'recovered' : 'dr'))}`);
    who.add(`an operator of account ${copy.copy.account} in ${copy.copy.region} (backup:ListRecoveryPointsByBackupVault, backup:DescribeRecoveryPoint, backup:GetRecoveryPointRestoreMetadata, backup:StartRestoreJob, backup:DescribeRestoreJob, iam:PassRole on the restore role, rds:CreateDBInstance, rds:AddTagsToResource, rds:Describe*)`);
  }
  if (dump) {
    const bucket = dump.replica?.bucket ?? dump.job.bucket;
    const region = dump.replica?.region ?? dump.job.region;
    const account = dump.replica?.account ?? dump.job.bucketOwner;
    figures.push(`up to ${humanSeconds(dump.rpoSeconds)} from the dumps in s3://${bucket}${dump.replica ? ` (replicated from ${dump.job.bucket}${dump.replica.rtcMinutes ? `, within ${dump.replica.rtcMinutes} min` : ''})` : ''}`);
    steps.push(`${copy || pitrOther ? 'Or, ' : ''}restore the newest dump from s3://${bucket} (${where(account, region)}) into a new PostgreSQL server there:${code(dumpCommand(dump, store, [
      // The app's own databases are in the compromised account or the lost region: there is nothing to compare the new server with.
      ['--target-url', `postgresql://<user>@<new server>:5432/${dump.job.database}`], ['--create'], ['--no-owner'], ['--no-app'],
    ], bucket, region))}`);
    who.add(`an operator of account ${account} with read access to s3://${bucket} (s3:ListBucket, s3:GetObject, kms:Decrypt on its key)`);
  }
  steps.push(what === 'account'
    ? 'Move the application to the recovered database (a new account or the backup account), with new credentials: every secret of the workload account is compromised.'
    : `Point the application at the restored database in ${pitrOther?.region ?? copy?.copy.region ?? dump?.replica?.region}: its DNS name, secrets and connection settings.`);
  return { title, summary, rpo: figures.join('; or '), who: [...who].join('; '), steps };
}

function storeSection(model: AppModel, store: DataStore, o: RunbookOptions): string {
  const f = figuresOf(store, model.replicas);
  const measured = o.measured?.[store.name];
  const rto = `${declaredRto(store, f)}${measured !== undefined ? `; measured ${formatDuration(measured)}` : ''}`;
  const protections: string[] = [];
  if (f.pitr) protections.push(`point-in-time recovery (${f.pitr.via}${f.pitr.days ? `, ${f.pitr.days} days` : ', window set outside the app'})`);
  for (const plan of store.plans) {
    const rules = plan.rules.map((r) => `${r.name} (${r.continuous ? 'continuous' : r.schedule}, ${r.deleteAfterDays ?? '?'} d${r.copies.length > 0 ? `; copies to ${r.copies.map((c) => `${c.vaultName} in ${c.account}/${c.region} ${c.deleteAfterDays ?? '?'} d`).join(', ')}` : ''})`);
    protections.push(`AWS Backup plan ${plan.name}${plan.tier ? ` (tier ${plan.tier.name})` : ''}: ${rules.join('; ')}`);
  }
  for (const job of store.dumps) {
    const replica = model.replicas.find((r) => r.sourceBucket === job.bucket);
    protections.push(`pg_dump ${job.schedule ?? '(no schedule found)'} to s3://${job.bucket}/${job.prefix}${job.database}/ (account ${job.bucketOwner ?? job.account})`
      + `${replica ? `, replicated to s3://${replica.bucket} (${replica.region})` : ''}`);
  }
  for (const drill of store.drills) protections.push(`restore drill ${drill.name} (${drill.schedule ?? 'no schedule found'}) with data checks`);
  const scenarios = [
    rowsDeleted(store, f),
    corrupted(store, f),
    otherPlace(store, 'Workload account compromised', `Someone controls account ${store.account}: its databases, backups and credentials cannot be trusted.`,
      f.otherAccount, f.dumpOtherAccount, model.vaults, 'account'),
    otherPlace(store, 'Region lost', `${store.region} is unavailable for longer than the RTO.`, f.otherRegion, f.dumpOtherRegion, model.vaults, 'region', f.pitrOtherRegion),
  ];
  const lines = [
    `## ${store.name}`,
    '',
    '| | |',
    '|---|---|',
    `| What | ${KIND[store.kind]} \`${store.identifier ?? store.name}\`, account ${store.account ?? '?'}, ${store.region ?? '?'} |`,
    `| Protected by | ${protections.join('<br>') || 'nothing found'} |`,
    `| RPO promised | ${f.tier ? `${humanSeconds(f.tier.rpoSeconds)} (tier ${f.tier.name})` : 'not declared (no tier)'} |`,
    ...(f.pitrOtherRegion ? [`| Replicated | automated backups to ${f.pitrOtherRegion.region} (point-in-time recovery there) |`] : []),
    `| RTO | ${rto} |`,
    '',
  ];
  scenarios.forEach((s, i) => {
    lines.push(`### ${i + 1}. ${s.title}`, '');
    if (s.summary) lines.push(s.summary, '');
    if (s.gap) {
      lines.push(`**Gap:** ${s.gap}`, '');
      return;
    }
    lines.push(`- **Expected RPO:** ${s.rpo}`, `- **Expected RTO:** ${rto}`, `- **Who acts:** ${s.who}`, '');
    s.steps.forEach((step, n) => lines.push(`${n + 1}. ${step}`));
    lines.push('');
  });
  return lines.join('\n');
}

/** The smallest of the known values. */

/** The RTO the app declares: its tier's, else the targets of its restore-time alarms (drills, dump verification). */
function declaredRto(store: DataStore, f: StoreFigures): string {
  if (f.tier) return `${humanSeconds(f.tier.rtoSeconds)} (tier ${f.tier.name})`;
  const targets = [...new Set(store.rtoTargets.map((t) => `${humanSeconds(t.seconds)} (${t.drill ? `restore-time alarm of drill ${t.drill}` : 'restore-time alarm of the dump verification'})`))];
  return targets.length > 0 ? targets.join(', ') : 'not declared (no tier, no restore-time alarm)';
}

/** The anchor GitHub gives a heading (lower case, punctuation dropped, spaces as '-'); the HTML page uses the same. */
export function headingSlug(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
}

/** The runbook of `model` as Markdown. */
export function runbookMarkdown(model: AppModel, o: RunbookOptions): string {
  const rows = model.stores.map((s) => {
    const f = figuresOf(s, model.replicas);
    const rto = f.tier?.rtoSeconds ?? (s.rtoTargets.length > 0 ? Math.max(...s.rtoTargets.map((t) => t.seconds)) : undefined);
    const otherRegion = f.pitrOtherRegion ? `${humanSeconds(f.pitrOtherRegion.rpoSeconds)} + lag`
      : humanSeconds(least(f.otherRegion?.rpoSeconds, f.dumpOtherRegion?.rpoSeconds), 'none');
    return `| [${s.name}](#${headingSlug(s.name)}) | ${KIND[s.kind]} | ${s.account ?? '?'} / ${s.region ?? '?'} `
      + `| ${humanSeconds(least(f.pitr?.rpoSeconds, f.local?.rpoSeconds, f.dump?.rpoSeconds), 'none')} `
      + `| ${humanSeconds(least(f.otherAccount?.rpoSeconds, f.dumpOtherAccount?.rpoSeconds), 'none')} | ${otherRegion} | ${humanSeconds(rto, 'not declared')} |`;
  });
  return [
    `# Runbook: ${o.title}`,
    '',
    'Generated by `cdk-backup-dr runbook` from the synthesized app: every name, account, region, vault and bucket below',
    'comes from its templates. Regenerate it after every change to the app. Values in `<angle brackets>` are yours to',
    'fill in; `$(aws cloudformation describe-stack-resource …)` reads a name that is known only after deploy.',
    '',
    'Every `restore` command checks before it changes anything (`--dry-run` shows what it would do), never overwrites',
    'the source, waits until the restore is usable, and prints the elapsed time: the measured RTO of that restore.',
    'Exit codes: 0 done, 2 bad arguments, 3 refused by a safety check, 4 backup damaged, 5 timed out (the restore goes on), 6 AWS access.',
    '',
    '| data store | kind | account / region | RPO, same account | RPO, other account | RPO, other region | RTO |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    ...model.stores.map((s) => storeSection(model, s, o)),
  ].join('\n').replace(/\n{3,}/g, '\n\n');
}

/** What the runbook states, for scripts (`--json`): per data store, its place, protections and objectives in seconds. */
export function runbookJson(model: AppModel, title: string, measured: Readonly<Record<string, number>> = {}): unknown {
  return {
    title,
    stores: model.stores.map((s) => {
      const f = figuresOf(s, model.replicas);
      return {
        name: s.name, kind: s.kind, arn: s.arn, identifier: s.identifier, account: s.account, region: s.region,
        tier: f.tier, measuredRtoSeconds: measured[s.name],
        rpoSeconds: {
          pointInTime: f.pitr?.rpoSeconds, localSnapshot: f.local?.rpoSeconds, dump: f.dump?.rpoSeconds,
          otherAccount: least(f.otherAccount?.rpoSeconds, f.dumpOtherAccount?.rpoSeconds),
          otherRegion: least(f.pitrOtherRegion?.rpoSeconds, f.otherRegion?.rpoSeconds, f.dumpOtherRegion?.rpoSeconds),
        },
        pitrDays: f.pitr?.days,
        plans: s.plans.map((p) => p.name),
        copies: s.plans.flatMap((p) => p.rules.flatMap((r) => r.copies.map((c) => ({ rule: r.name, vault: c.vaultName, account: c.account, region: c.region, deleteAfterDays: c.deleteAfterDays })))),
        dumps: s.dumps.map((d) => ({ bucket: d.bucket, prefix: d.prefix, database: d.database, schedule: d.schedule, account: d.bucketOwner ?? d.account, region: d.region })),
        drills: s.drills.map((d) => ({ name: d.name, schedule: d.schedule })),
      };
    }),
  };
}
