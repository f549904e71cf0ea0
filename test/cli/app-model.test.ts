// Reading a synthesized app without our constructs' help: a hand-made cloud assembly with raw AWS::Backup, RDS and S3
// resources, names known at synth and names known only after deploy, a nested stack, and the figures the runbook
// derives from them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readAssembly } from '../../cli/app/assembly';
import { readModel } from '../../cli/app/model';
import { markersIn, Resolver } from '../../lib/private/posture/resolve';
import { figuresOf, humanSeconds, scheduleRpoSeconds } from '../../cli/runbook/figures';
import { runbookMarkdown } from '../../cli/runbook/runbook';
import { command, shellValue } from '../../cli/runbook/shell';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'app-model-'));
  const parent = {
    Resources: {
      Db: { Type: 'AWS::RDS::DBInstance', Properties: { Engine: 'postgres', BackupRetentionPeriod: 14, AutomaticBackupReplicationRegion: 'eu-central-1' } },
      Vault: { Type: 'AWS::Backup::BackupVault', Properties: { BackupVaultName: 'shop-local' } },
      Plan: {
        Type: 'AWS::Backup::BackupPlan',
        Metadata: { 'cdk-backup-dr:RecoveryPlan.tier': { name: 'Pro', rpoSeconds: 14400, rtoSeconds: 14400 } },
        Properties: {
          BackupPlan: {
            BackupPlanName: 'shop',
            BackupPlanRule: [
              { RuleName: 'Every4h', ScheduleExpression: 'cron(0 0/4 * * ? *)', StartWindowMinutes: 60, TargetBackupVault: { 'Fn::GetAtt': ['Vault', 'BackupVaultName'] }, Lifecycle: { DeleteAfterDays: 14 } },
              {
                RuleName: 'Daily', ScheduleExpression: 'cron(0 1 * * ? *)', StartWindowMinutes: 120, TargetBackupVault: { Ref: 'Vault' }, Lifecycle: { DeleteAfterDays: 35 },
                CopyActions: [{ DestinationBackupVaultArn: 'arn:aws:backup:eu-west-1:999999999999:backup-vault:shop-central', Lifecycle: { DeleteAfterDays: 90 } }],
              },
            ],
          },
        },
      },
      Selection: {
        Type: 'AWS::Backup::BackupSelection',
        Properties: {
          BackupPlanId: { 'Fn::GetAtt': ['Plan', 'BackupPlanId'] },
          BackupSelection: {
            SelectionName: 's', IamRoleArn: 'arn:aws:iam::111111111111:role/b',
            Resources: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':rds:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':db:', { Ref: 'Db' }]] }],
          },
        },
      },
      Nested: { Type: 'AWS::CloudFormation::Stack', Metadata: { 'aws:asset:path': 'nested.template.json' }, Properties: { TemplateURL: 'x' } },
    },
  };
  const nested = {
    Resources: {
      Bucket: { Type: 'AWS::S3::Bucket', Properties: {} },
      Dump: {
        Type: 'AWS::Lambda::Function',
        Properties: { Environment: { Variables: { DUMP_DATABASE: 'shop', DUMP_BUCKET: { Ref: 'Bucket' }, DUMP_PREFIX: 'pg/', DUMP_BUCKET_OWNER: '111111111111' } } },
      },
      Schedule: { Type: 'AWS::Scheduler::Schedule', Properties: { ScheduleExpression: 'cron(30 2 * * ? *)', Target: { Arn: { 'Fn::GetAtt': ['Dump', 'Arn'] } } } },
      Watch: {
        Type: 'AWS::Lambda::Function',
        Properties: { Environment: { Variables: { RPO_DATABASES: { 'Fn::Sub': '[{"name":"shop","arn":"arn:aws:rds:${AWS::Region}:${AWS::AccountId}:db:${Db}"}]' } } } },
      },
    },
  };
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({
    version: '48.0.0',
    artifacts: { Shop: { type: 'aws:cloudformation:stack', environment: 'aws://111111111111/eu-west-1', properties: { templateFile: 'Shop.template.json' } } },
  }));
  writeFileSync(path.join(dir, 'Shop.template.json'), JSON.stringify(parent));
  // The nested template refers to Db only through the Sub: resolved there as a marker of the nested stack.
  writeFileSync(path.join(dir, 'nested.template.json'), JSON.stringify(nested));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('values known at synth are resolved; the rest become markers of their stack and logical id', () => {
  const [stack] = readAssembly(dir);
  const r = new Resolver(stack);
  expect(r.resolve({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':rds:', { Ref: 'AWS::Region' }, ':db:x']] })).toBe('arn:aws:rds:eu-west-1:db:x');
  expect(r.resolve({ 'Fn::GetAtt': ['Vault', 'BackupVaultArn'] })).toBe('arn:aws:backup:eu-west-1:111111111111:backup-vault:shop-local');
  const db = r.resolve({ Ref: 'Db' }) as string;
  expect(markersIn(db)).toEqual([{ stack: 'Shop', logicalId: 'Db', attribute: '' }]);
  // Template text in single quotes (nothing in it expands), the substitution the runbook writes in double quotes.
  expect(shellValue(`arn:aws:rds:eu-west-1:111111111111:db:${db}`, 'eu-west-1')).toBe(
    '\'arn:aws:rds:eu-west-1:111111111111:db:\'"$(aws cloudformation describe-stack-resource --region eu-west-1 --stack-name Shop '
    + '--logical-resource-id Db --query StackResourceDetail.PhysicalResourceId --output text)"');
  // Template text cannot pose as a marker, break a line or name a region that runs code.
  expect(r.resolve('x⟦Shop|Other|⟧\n')).toBe('x\ufffdShop|Other|\ufffd\ufffd');
  // An unfollowed intrinsic carries a digest of its expression: two different ones never compare equal.
  expect(r.resolve({ 'Fn::ImportValue': 'SharedDbSecret' })).toMatch(/^⟦Shop\|Fn::ImportValue\|#[0-9a-z]+⟧$/);
  expect(r.resolve({ 'Fn::ImportValue': 'SharedDbSecret' })).toBe(r.resolve({ 'Fn::ImportValue': 'SharedDbSecret' }));
  expect(r.resolve({ 'Fn::ImportValue': 'SharedDbSecret' })).not.toBe(r.resolve({ 'Fn::ImportValue': 'OtherSecret' }));
  expect(shellValue(`db!!-${db}`, 'eu-west-1 $(touch x)')).toBe('\'db!!-\'"$(aws cloudformation describe-stack-resource --region \'eu-west-1 $(touch x)\' '
    + '--stack-name Shop --logical-resource-id Db --query StackResourceDetail.PhysicalResourceId --output text)"');
  expect(shellValue('=ls', undefined)).toBe("'=ls'");
});

test('a name in a nested stack is read through the parent\'s resource for it', () => {
  expect(shellValue('⟦Shop/Nested|Bucket|⟧', 'eu-west-1')).toBe(
    '"$(aws cloudformation describe-stack-resource --region eu-west-1 --stack-name "$(aws cloudformation describe-stack-resource '
    + '--region eu-west-1 --stack-name Shop --logical-resource-id Nested --query StackResourceDetail.PhysicalResourceId --output text)" '
    + '--logical-resource-id Bucket --query StackResourceDetail.PhysicalResourceId --output text)"');
  expect(command('npx cdk-backup-dr restore dump', [['--bucket', 'b'], ['--create'], ['--skip', undefined]])).toBe('npx cdk-backup-dr restore dump --bucket b --create');
});

test('the model: the plan\'s rules, copies and tier, the database it selects, its PITR and replication, the dump job in the nested stack', () => {
  const model = readModel(readAssembly(dir));
  expect(model.plans).toHaveLength(1);
  expect(model.vaults.map((v) => v.name)).toEqual(['shop-local']);
  expect(model.stores).toHaveLength(2);
  const [planned] = model.stores.filter((s) => s.plans.length > 0);
  expect(planned).toMatchObject({ kind: 'rds-instance', account: '111111111111', region: 'eu-west-1', pitrDays: 14, pitrReplicationRegion: 'eu-central-1' });
  // The nested stack's RPO watch names the database by a marker of its own stack, so its dump job stays a store of its own.
  const dumped = model.stores.find((s) => s.dumps.length > 0)!;
  expect(dumped.dumps[0]).toMatchObject({ database: 'shop', prefix: 'pg/', schedule: 'cron(30 2 * * ? *)', region: 'eu-west-1' });

  const f = figuresOf(planned, model.replicas);
  expect(f.tier).toEqual({ name: 'Pro', rpoSeconds: 14400, rtoSeconds: 14400 });
  expect(f.pitr).toEqual({ days: 14, via: 'automated backups', rpoSeconds: 300 });
  expect(f.local).toMatchObject({ rule: { name: 'Every4h' }, rpoSeconds: 4 * 3600 + 3600 });
  expect(f.otherAccount).toMatchObject({ rule: { name: 'Daily' }, rpoSeconds: 24 * 3600 + 7200, copy: { vaultName: 'shop-central', account: '999999999999', region: 'eu-west-1' } });
  expect(f.otherRegion).toBeUndefined();
  expect(f.pitrOtherRegion).toEqual({ region: 'eu-central-1', rpoSeconds: 300 });
});

test('schedule gaps and the units a person reads', () => {
  expect(scheduleRpoSeconds('cron(0 5 ? * SUN#1 *)')).toBe(840 * 3600);
  expect(scheduleRpoSeconds('rate(1 hour)')).toBeUndefined();
  expect([humanSeconds(300), humanSeconds(3600), humanSeconds(87300), humanSeconds(35 * 86400), humanSeconds(undefined), humanSeconds(undefined, 'none')])
    .toEqual(['5 min', '1 h', '24.3 h', '35 d', 'unknown', 'none']);
});

test('a name from the templates never runs in a pasted runbook command: only the substitutions the runbook writes do', () => {
  // The commands run in `evil`, and the attack writes a relative, lower-case file name: RDS identifiers are lower case
  // and at most 63 characters, so the name the runbook writes is the one the attack would run, whatever the temp path.
  const evil = path.join(os.tmpdir(), `app-evil-${process.pid}`);
  mkdirSync(evil);
  const marker = 'pwned';
  try {
    writeFileSync(path.join(evil, 'manifest.json'), JSON.stringify({
      version: '48.0.0',
      artifacts: { Evil: { type: 'aws:cloudformation:stack', environment: 'aws://111111111111/eu-west-1', properties: { templateFile: 'Evil.template.json' } } },
    }));
    const selection = (resource: unknown) => ({
      Type: 'AWS::Backup::BackupSelection',
      Properties: { BackupPlanId: { 'Fn::GetAtt': ['Plan', 'BackupPlanId'] }, BackupSelection: { SelectionName: 's', IamRoleArn: 'r', Resources: [resource] } },
    });
    writeFileSync(path.join(evil, 'Evil.template.json'), JSON.stringify({
      Resources: {
        Db: { Type: 'AWS::RDS::DBInstance', Properties: { DBInstanceIdentifier: `app$(touch ${marker})`, BackupRetentionPeriod: 7 } },
        Other: { Type: 'AWS::RDS::DBInstance', Properties: { BackupRetentionPeriod: 7 } },
        Plan: { Type: 'AWS::Backup::BackupPlan', Properties: { BackupPlan: { BackupPlanName: 'p`id`', BackupPlanRule: [{ RuleName: 'Daily', ScheduleExpression: 'cron(0 1 * * ? *)', TargetBackupVault: 'v' }] } } },
        Sel1: selection({ 'Fn::Join': ['', ['arn:aws:rds:eu-west-1:111111111111:db:', { Ref: 'Db' }]] }),
        Sel2: selection({ 'Fn::Join': ['', ['arn:aws:rds:eu-west-1:111111111111:db:', { Ref: 'Other' }]] }),
      },
    }));
    const text = runbookMarkdown(readModel(readAssembly(evil)), { title: 'evil' });
    const commands = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1].replace(/^ {3}/gm, ''));
    expect(commands.length).toBeGreaterThan(4);
    for (const c of commands) {
      // Every program the runbook names is replaced by one that prints its arguments; the AWS CLI of a substitution too.
      const script = `aws() { echo aws-substitution; }\nnpx() { printf '%s\\n' "$@"; }\npsql() { :; }\n${c.replace(/^aws rds/gm, 'npx aws-rds')}`;
      const r = spawnSync('bash', ['-c', script], { encoding: 'utf8', cwd: evil });
      expect(r.status).toBe(0);
    }
    expect(existsSync(path.join(evil, marker))).toBe(false);
    // The evil name is passed as a literal, and the unknown name through the substitution.
    const pitr = commands.find((c) => c.includes('restore pitr') && c.includes('touch'))!;
    const printed = spawnSync('bash', ['-c', `npx() { printf '%s\\n' "$@"; }\n${pitr}`], { encoding: 'utf8', cwd: evil }).stdout.split('\n');
    expect(printed).toContain(`app$(touch ${marker})-rows`);
  } finally {
    rmSync(evil, { recursive: true, force: true });
  }
});
