import { App, CfnParameter, Duration, Stack, TimeZone } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as docdb from 'aws-cdk-lib/aws-docdb';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { BackupVault, IBackupVault } from '../../lib/vault/backup-vault';
import { LifecycleAge, RecoveryPlan, RecoveryPlanProps, RecoverySelectionOptions } from '../../lib';
import { RecoveryTier } from '../../lib/plan/recovery-tier';
import { VaultLock } from '../../lib/vault/vault-lock';
import { formatFindings, nagFindings } from '../nag';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const DR_VAULT_ARN = 'arn:aws:backup:eu-central-1:222222222222:backup-vault:central';
/** The other account's vault in the plan's region: RDS snapshots may be copied there (not to another account and region). */
const SAME_REGION_VAULT_ARN = 'arn:aws:backup:eu-west-1:222222222222:backup-vault:central';
const TAGGED: RecoverySelectionOptions = { tags: { backup: 'daily' } };
const VAULT_NAME = { 'Fn::GetAtt': [Match.stringLikeRegexp('^Vault'), 'BackupVaultName'] };

interface Fixture {
  readonly app: App;
  readonly stack: Stack;
  readonly vault: BackupVault;
}

function fixture(lock?: VaultLock): Fixture {
  const app = new App();
  const stack = new Stack(app, 'Workload', { env: { account: ACCOUNT, region: REGION } });
  const vault = new BackupVault(stack, 'Vault', { backupVaultName: 'local', vaultLock: lock });
  return { app, stack, vault };
}

/** A plan with a tag selection unless the props say otherwise. */
function newPlan(f: Fixture, props: RecoveryPlanProps = {}): RecoveryPlan {
  return new RecoveryPlan(f.stack, 'Plan', { backupVault: f.vault, selection: TAGGED, ...props });
}

function drVault(f: Fixture, lock?: VaultLock, arn = DR_VAULT_ARN): IBackupVault {
  return BackupVault.fromBackupVaultAttributes(f.stack, `Dr${arn.length}${lock ? 'Locked' : ''}`, { backupVaultArn: arn, vaultLock: lock });
}

function database(f: Fixture, key?: kms.IKey): rds.DatabaseInstance {
  const vpc = new ec2.Vpc(f.stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
  return new rds.DatabaseInstance(f.stack, 'Db', {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_17 }),
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    storageEncrypted: true,
    storageEncryptionKey: key,
  });
}

/** The rendered rules of the only backup plan, by name. */
function renderedRules(stack: Stack): { [name: string]: { [key: string]: unknown } } {
  const plans = Template.fromStack(stack).findResources('AWS::Backup::BackupPlan');
  const [plan] = Object.values(plans);
  const rules = plan.Properties.BackupPlan.BackupPlanRule as Array<{ [key: string]: unknown }>;
  return Object.fromEntries(rules.map((rule) => [rule.RuleName as string, rule]));
}

const GFS_DAILY = {
  RuleName: 'Daily',
  ScheduleExpression: 'cron(0 2 * * ? *)',
  StartWindowMinutes: 60,
  Lifecycle: { DeleteAfterDays: 30, MoveToColdStorageAfterDays: Match.absent() },
  TargetBackupVault: VAULT_NAME,
  EnableContinuousBackup: Match.absent(),
  CopyActions: Match.absent(),
};
const GFS_WEEKLY = {
  RuleName: 'Weekly',
  ScheduleExpression: 'cron(0 2 ? * SUN *)',
  StartWindowMinutes: 60,
  Lifecycle: { DeleteAfterDays: 90, MoveToColdStorageAfterDays: Match.absent() },
  TargetBackupVault: VAULT_NAME,
  EnableContinuousBackup: Match.absent(),
  CopyActions: Match.absent(),
};
const GFS_MONTHLY = {
  RuleName: 'Monthly',
  ScheduleExpression: 'cron(0 2 1 * ? *)',
  StartWindowMinutes: 60,
  Lifecycle: { DeleteAfterDays: 365, MoveToColdStorageAfterDays: 90 },
  TargetBackupVault: VAULT_NAME,
  EnableContinuousBackup: Match.absent(),
  CopyActions: Match.absent(),
};

describe('defaults', () => {
  test('without a tier the plan runs the grandfather-father-son rules of seed 001', () => {
    const f = fixture();
    newPlan(f);

    Template.fromStack(f.stack).hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: { BackupPlanRule: [GFS_DAILY, GFS_WEEKLY, GFS_MONTHLY] },
    });
  });

  test('the plan has a unique valid name unless one is given', () => {
    const f = fixture();
    newPlan(f);
    new RecoveryPlan(f.stack, 'Named', { backupVault: f.vault, backupPlanName: 'orders-db', selection: TAGGED });

    const names = Object.values(Template.fromStack(f.stack).findResources('AWS::Backup::BackupPlan'))
      .map((plan) => plan.Properties.BackupPlan.BackupPlanName as string);
    expect(names).toEqual([expect.stringMatching(/^Workload-Plan-[A-F0-9]{8}$/), 'orders-db']);
  });

  test('a new BackupVault is created when none is given', () => {
    const app = new App();
    const stack = new Stack(app, 'Workload', { env: { account: ACCOUNT, region: REGION } });
    const plan = new RecoveryPlan(stack, 'Plan', { selection: TAGGED });

    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Backup::BackupVault', 1);
    expect(plan.backupVault).toBeInstanceOf(BackupVault);
    expect(plan.backupVault.node.path).toBe('Workload/Plan/Vault');
    template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: Match.arrayWith([Match.objectLike({
          TargetBackupVault: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PlanVault'), 'BackupVaultName'] },
        })]),
      },
    });
  });

  test('exposes the aws-cdk-lib plan, its id and ARN, the vault and the tier', () => {
    const f = fixture();
    const plan = newPlan(f, { tier: RecoveryTier.TEAM });

    expect(plan.backupPlan.node.id).toBe('Resource');
    expect(plan.backupPlan.node.scope).toBe(plan);
    expect(plan.backupVault).toBe(f.vault);
    expect(plan.tier).toBe(RecoveryTier.TEAM);
    const logicalId = f.stack.getLogicalId(plan.backupPlan.node.defaultChild as backup.CfnBackupPlan);
    expect(f.stack.resolve(plan.backupPlanId)).toEqual({ 'Fn::GetAtt': [logicalId, 'BackupPlanId'] });
    expect(f.stack.resolve(plan.backupPlanArn)).toEqual({ 'Fn::GetAtt': [logicalId, 'BackupPlanArn'] });
    expect(plan.rules.map((rule) => rule.ruleName)).toEqual(['Hourly', 'Daily', 'Weekly', 'Monthly']);
  });
});

describe('tiers', () => {
  const tierRule = (ruleName: string, schedule: string, days: number, continuous = false) => ({
    RuleName: ruleName,
    ScheduleExpression: schedule,
    StartWindowMinutes: 60,
    Lifecycle: { DeleteAfterDays: days, MoveToColdStorageAfterDays: Match.absent() },
    TargetBackupVault: VAULT_NAME,
    EnableContinuousBackup: continuous ? true : Match.absent(),
    CopyActions: Match.absent(),
  });

  test.each<[string, RecoveryTier, object[]]>([
    ['FREE', RecoveryTier.FREE, [tierRule('Daily', 'cron(0 2 * * ? *)', 30), GFS_WEEKLY, GFS_MONTHLY]],
    ['PRO', RecoveryTier.PRO, [tierRule('Every4Hours', 'cron(0 0/4 * * ? *)', 7), GFS_DAILY, GFS_WEEKLY, GFS_MONTHLY]],
    ['TEAM', RecoveryTier.TEAM, [tierRule('Hourly', 'cron(0 * * * ? *)', 7), GFS_DAILY, GFS_WEEKLY, GFS_MONTHLY]],
    ['ENTERPRISE', RecoveryTier.ENTERPRISE, [
      tierRule('Continuous', 'cron(0 2 * * ? *)', 7, true), tierRule('Daily', 'cron(0 2 * * ? *)', 30), GFS_WEEKLY, GFS_MONTHLY,
    ]],
  ])('%s renders its rules, then the weekly and monthly GFS rules', (_name, tier, rules) => {
    const f = fixture();
    newPlan(f, { tier });

    Template.fromStack(f.stack).hasResourceProperties('AWS::Backup::BackupPlan', { BackupPlan: { BackupPlanRule: rules } });
  });

  test('the GFS rules can all be turned off to keep only the tier rules', () => {
    const f = fixture();
    newPlan(f, {
      tier: RecoveryTier.PRO,
      gfs: { daily: { enabled: false }, weekly: { enabled: false }, monthly: { enabled: false } },
    });

    expect(Object.keys(renderedRules(f.stack))).toEqual(['Every4Hours']);
  });

  test('fails when gfs.daily is given and the tier already has a Daily rule', () => {
    const f = fixture();
    expect(() => newPlan(f, { tier: RecoveryTier.FREE, gfs: { daily: { deleteAfter: Duration.days(45) } } }))
      .toThrow(/rule name 'Daily' is used twice in the plan; the tier already has a rule named 'Daily'; remove gfs.daily or set gfs.daily.enabled to false/);
  });

  test('a custom tier renders its rules', () => {
    const f = fixture();
    newPlan(f, {
      tier: RecoveryTier.custom({
        name: 'Gold', rpo: Duration.hours(12), rto: Duration.hours(4),
        rules: [{
          ruleName: 'TwiceDaily',
          schedule: events.Schedule.cron({ minute: '30', hour: '1,13' }),
          deleteAfter: Duration.days(14),
          startWindow: Duration.hours(2),
          completionWindow: Duration.hours(6),
        }],
      }),
      gfs: { weekly: { enabled: false }, monthly: { enabled: false } },
    });

    expect(renderedRules(f.stack)).toEqual({
      TwiceDaily: {
        RuleName: 'TwiceDaily',
        ScheduleExpression: 'cron(30 1,13 * * ? *)',
        StartWindowMinutes: 120,
        CompletionWindowMinutes: 360,
        Lifecycle: { DeleteAfterDays: 14 },
        TargetBackupVault: { 'Fn::GetAtt': [expect.stringMatching(/^Vault/), 'BackupVaultName'] },
      },
      Daily: expect.objectContaining({ RuleName: 'Daily', Lifecycle: { DeleteAfterDays: 30 } }),
    });
  });
});

describe('tier rpo the tier cannot verify', () => {
  const warningId = Match.stringLikeRegexp('cdk-backup-dr:RecoveryPlan.rpoNotVerified');
  const tier = (rpo: Duration, ...schedules: Array<[string, string]>) => RecoveryTier.custom({
    name: 'Gold', rpo, rto: Duration.hours(8),
    rules: schedules.map(([ruleName, expression]) => ({ ruleName, schedule: events.Schedule.expression(expression), deleteAfter: Duration.days(30) })),
  });

  test.each([
    ['the last day of the month', 'cron(0 2 L * ? *)'],
    ['the 31st', 'cron(0 2 31 * ? *)'],
    ['the first Monday', 'cron(0 2 ? * 2#1 *)'],
    ['some months', 'cron(0 2 1 1/3 ? *)'],
  ])('warns when the only rule runs on %s', (_label, expression) => {
    const f = fixture();
    newPlan(f, { tier: tier(Duration.hours(1), ['Odd', expression]) });

    Annotations.fromStack(f.stack).hasWarning('/Workload/Plan', Match.stringLikeRegexp(
      `tier 'Gold' rpo is 1 hour, but the longest gap between recovery points of rule 'Odd' \\(${expression.replace(/[()*?/#]/g, '\\$&')}\\) ` +
        'cannot be computed, so the rpo is not verified; .* Check the gaps yourself, use such a schedule, or add a continuous rule',
    ));
  });

  test('warns, instead of failing, when the readable rules are too slow and another cannot be read', () => {
    const f = fixture();
    const gold = tier(Duration.hours(4), ['Daily', 'cron(0 2 * * ? *)'], ['Odd', 'cron(0 2 L * ? *)']);
    newPlan(f, { tier: gold });

    Annotations.fromStack(f.stack).hasWarning('/Workload/Plan', Match.stringLikeRegexp(
      "tier 'Gold' rpo is 4 hours, but the longest gap between recovery points of rule 'Odd' \\(cron\\(0 2 L",
    ));
  });

  test.each<[string, RecoveryTier]>([
    ['a readable rule meets the rpo', tier(Duration.hours(1), ['Hourly', 'cron(0 * * * ? *)'], ['Odd', 'cron(0 2 L * ? *)'])],
    ['a rule is continuous', RecoveryTier.custom({
      name: 'Gold', rpo: Duration.minutes(5), rto: Duration.hours(1),
      rules: [{ ruleName: 'Pitr', schedule: events.Schedule.expression('cron(0 2 L * ? *)'), deleteAfter: Duration.days(7), enableContinuousBackup: true }],
    })],
    ['the hours are a range', tier(Duration.hours(15), ['Office', 'cron(0 8-17 * * ? *)'])],
    ['the tier is a preset', RecoveryTier.PRO],
  ])('no warning when %s', (_label, recoveryTier) => {
    const f = fixture();
    newPlan(f, { tier: recoveryTier });

    expect(Annotations.fromStack(f.stack).findWarning('/Workload/Plan', warningId)).toEqual([]);
  });
});

describe('grandfather-father-son rules', () => {
  test('every number and schedule can be overridden', () => {
    const f = fixture();
    newPlan(f, {
      gfs: {
        daily: { schedule: events.Schedule.cron({ minute: '15', hour: '3' }), deleteAfter: Duration.days(35) },
        weekly: {
          schedule: events.Schedule.cron({ minute: '0', hour: '4', weekDay: 'SAT' }),
          deleteAfter: Duration.days(180),
          moveToColdStorageAfter: LifecycleAge.after(Duration.days(60)),
          startWindow: Duration.hours(3),
          completionWindow: Duration.hours(12),
        },
        monthly: {
          schedule: events.Schedule.cron({ minute: '0', hour: '5', day: '2' }),
          scheduleTimezone: TimeZone.EUROPE_BERLIN,
          deleteAfter: Duration.days(2555),
          moveToColdStorageAfter: LifecycleAge.after(Duration.days(30)),
        },
      },
    });

    Template.fromStack(f.stack).hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: [
          { ...GFS_DAILY, ScheduleExpression: 'cron(15 3 * * ? *)', Lifecycle: { DeleteAfterDays: 35 } },
          {
            ...GFS_WEEKLY,
            ScheduleExpression: 'cron(0 4 ? * SAT *)',
            StartWindowMinutes: 180,
            CompletionWindowMinutes: 720,
            Lifecycle: { DeleteAfterDays: 180, MoveToColdStorageAfterDays: 60 },
          },
          {
            ...GFS_MONTHLY,
            ScheduleExpression: 'cron(0 5 2 * ? *)',
            ScheduleExpressionTimezone: 'Europe/Berlin',
            Lifecycle: { DeleteAfterDays: 2555, MoveToColdStorageAfterDays: 30 },
          },
        ],
      },
    });
  });

  test.each(['daily', 'weekly', 'monthly'] as const)('the %s rule can be turned off', (key) => {
    const f = fixture();
    newPlan(f, { gfs: { [key]: { enabled: false } } });

    const expected = ['Daily', 'Weekly', 'Monthly'].filter((name) => name.toLowerCase() !== key);
    expect(Object.keys(renderedRules(f.stack))).toEqual(expected);
  });

  test('monthly backups can stay warm', () => {
    const f = fixture();
    newPlan(f, { gfs: { monthly: { moveToColdStorageAfter: LifecycleAge.NEVER } } });

    expect(renderedRules(f.stack).Monthly.Lifecycle).toEqual({ DeleteAfterDays: 365 });
  });

  test('a GFS lifecycle error names the gfs prop', () => {
    const f = fixture();
    expect(() => newPlan(f, { gfs: { monthly: { deleteAfter: Duration.days(120) } } }))
      .toThrow(/gfs.monthly \(rule 'Monthly'\) deleteAfter is 120 days with moveToColdStorageAfter 90 days; AWS Backup requires deleteAfter >= moveToColdStorageAfter \+ 90 days \(e.g. Duration.days\(180\)\)/);
  });
});

describe('addRule', () => {
  test('renders the rule and returns it with defaults filled in', () => {
    const f = fixture();
    const plan = newPlan(f, { gfs: { daily: { enabled: false }, weekly: { enabled: false }, monthly: { enabled: false } } });

    const rule = plan.addRule('Quarterly', {
      schedule: events.Schedule.cron({ minute: '0', hour: '3', day: '1', month: '1/3' }),
      scheduleTimezone: TimeZone.AMERICA_NEW_YORK,
      deleteAfter: Duration.days(3650),
      moveToColdStorageAfter: Duration.days(180),
      completionWindow: Duration.days(2),
      recoveryPointTags: { retention: '10y' },
    });

    expect(rule.ruleName).toBe('Quarterly');
    expect(rule.startWindow?.toMinutes()).toBe(60);
    expect(rule.enableContinuousBackup).toBe(false);
    expect(Object.isFrozen(rule)).toBe(true);
    expect(plan.rules).toEqual([rule]);
    expect(renderedRules(f.stack)).toEqual({
      Quarterly: {
        RuleName: 'Quarterly',
        ScheduleExpression: 'cron(0 3 1 1/3 ? *)',
        ScheduleExpressionTimezone: 'America/New_York',
        StartWindowMinutes: 60,
        CompletionWindowMinutes: 2880,
        Lifecycle: { DeleteAfterDays: 3650, MoveToColdStorageAfterDays: 180 },
        RecoveryPointTags: { retention: '10y' },
        TargetBackupVault: { 'Fn::GetAtt': [expect.stringMatching(/^Vault/), 'BackupVaultName'] },
      },
    });
  });

  test('a continuous rule renders EnableContinuousBackup', () => {
    const f = fixture();
    const plan = newPlan(f);
    plan.addRule('Pitr', { schedule: events.Schedule.cron({ minute: '0', hour: '*' }), deleteAfter: Duration.days(35), enableContinuousBackup: true });

    expect(renderedRules(f.stack).Pitr).toEqual(expect.objectContaining({
      EnableContinuousBackup: true,
      Lifecycle: { DeleteAfterDays: 35 },
      ScheduleExpression: 'cron(0 * * * ? *)',
    }));
  });
});

describe('copies', () => {
  test('a copy applies to every snapshot rule with its own lifecycle, but not to continuous rules', () => {
    const f = fixture();
    newPlan(f, {
      tier: RecoveryTier.ENTERPRISE,
      copyTo: [{ destinationBackupVault: drVault(f), deleteAfter: Duration.days(400), moveToColdStorageAfter: Duration.days(30) }],
    });

    const copy = [{ DestinationBackupVaultArn: DR_VAULT_ARN, Lifecycle: { DeleteAfterDays: 400, MoveToColdStorageAfterDays: 30 } }];
    const rules = renderedRules(f.stack);
    expect(rules.Continuous.CopyActions).toBeUndefined();
    expect(rules.Daily.CopyActions).toEqual(copy);
    expect(rules.Weekly.CopyActions).toEqual(copy);
    expect(rules.Monthly.CopyActions).toEqual(copy);
  });

  test('copies and rules can be added in any order', () => {
    const f = fixture();
    const plan = newPlan(f, { gfs: { weekly: { enabled: false }, monthly: { enabled: false } } });
    plan.addCopy({ destinationBackupVault: drVault(f), deleteAfter: Duration.days(30) });
    plan.addRule('Extra', { schedule: events.Schedule.cron({ minute: '0', hour: '12' }), deleteAfter: Duration.days(10) });

    const copy = [{ DestinationBackupVaultArn: DR_VAULT_ARN, Lifecycle: { DeleteAfterDays: 30 } }];
    Template.fromStack(f.stack).hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: [
          { RuleName: 'Daily', CopyActions: copy },
          { RuleName: 'Extra', CopyActions: copy },
        ],
      },
    });
    expect(plan.copies).toEqual([expect.objectContaining({ deleteAfter: Duration.days(30) })]);
  });

  test('ruleNames limits a copy to some rules and can name a continuous rule', () => {
    const f = fixture();
    const sameRegion = f.vault;
    const other = new BackupVault(f.stack, 'Second', { backupVaultName: 'second' });
    newPlan(f, {
      backupVault: sameRegion,
      tier: RecoveryTier.ENTERPRISE,
      copyTo: [
        { destinationBackupVault: drVault(f), deleteAfter: Duration.days(365), ruleNames: ['Monthly'] },
        { destinationBackupVault: other, deleteAfter: Duration.days(7), ruleNames: ['Continuous'] },
      ],
    });

    const rules = renderedRules(f.stack);
    expect(rules.Monthly.CopyActions).toEqual([{ DestinationBackupVaultArn: DR_VAULT_ARN, Lifecycle: { DeleteAfterDays: 365 } }]);
    expect(rules.Continuous.CopyActions).toEqual([{
      DestinationBackupVaultArn: { 'Fn::GetAtt': [expect.stringMatching(/^Second/), 'BackupVaultArn'] },
      Lifecycle: { DeleteAfterDays: 7 },
    }]);
    expect(rules.Daily.CopyActions).toBeUndefined();
    expect(rules.Weekly.CopyActions).toBeUndefined();
  });

  test('a copy to another account adds an info about AWS Organizations', () => {
    const f = fixture();
    newPlan(f, { copyTo: [{ destinationBackupVault: drVault(f), deleteAfter: Duration.days(30) }] });

    Annotations.fromStack(f.stack).hasInfo('/Workload/Plan', Match.stringLikeRegexp(
      "copy to 'central' goes to account 222222222222: AWS Backup copies across accounts only when both accounts belong to one AWS Organization",
    ));
  });

  test('a copy to another region of the same account adds no cross-account info', () => {
    const f = fixture();
    newPlan(f, {
      copyTo: [{
        destinationBackupVault: drVault(f, undefined, `arn:aws:backup:eu-central-1:${ACCOUNT}:backup-vault:dr`),
        deleteAfter: Duration.days(30),
      }],
    });

    expect(Annotations.fromStack(f.stack).findInfo('/Workload/Plan', Match.stringLikeRegexp('goes to account'))).toEqual([]);
  });

  describe('cross-account copies of RDS resources', () => {
    const warning = Match.stringLikeRegexp(
      "copy to 'central' goes to account 222222222222 and selection '.*' protects RDS/Aurora resources not known to use a customer-managed KMS key",
    );

    // The other account's vault in the plan's region.
    const central = (f: Fixture) => drVault(f, undefined, SAME_REGION_VAULT_ARN);

    test('warn when the database uses the AWS managed key (selection added after the copy)', () => {
      const f = fixture();
      const plan = newPlan(f, { selection: undefined, copyTo: [{ destinationBackupVault: central(f), deleteAfter: Duration.days(30) }] });
      plan.addSelection('Database', { databaseInstances: [database(f)] });

      Annotations.fromStack(f.stack).hasWarning('/Workload/Plan', warning);
    });

    test('warn for an RDS ARN (selection added before the copy)', () => {
      const f = fixture();
      const plan = newPlan(f, { selection: { resourceArns: [`arn:aws:rds:${REGION}:${ACCOUNT}:cluster:orders`] } });
      plan.addCopy({ destinationBackupVault: central(f), deleteAfter: Duration.days(30) });

      Annotations.fromStack(f.stack).hasWarning('/Workload/Plan', Match.stringLikeRegexp(`arn:aws:rds:${REGION}:${ACCOUNT}:cluster:orders`));
    });

    test('no warning when the database uses a customer-managed key', () => {
      const f = fixture();
      const plan = newPlan(f, { selection: undefined, copyTo: [{ destinationBackupVault: central(f), deleteAfter: Duration.days(30) }] });
      plan.addSelection('Database', { databaseInstances: [database(f, new kms.Key(f.stack, 'DbKey', { enableKeyRotation: true }))] });

      expect(Annotations.fromStack(f.stack).findWarning('/Workload/Plan', warning)).toEqual([]);
    });

    test('no warning when the copy stays in the account', () => {
      const f = fixture();
      const plan = newPlan(f, { selection: undefined });
      plan.addCopy({
        destinationBackupVault: drVault(f, undefined, `arn:aws:backup:eu-central-1:${ACCOUNT}:backup-vault:dr`),
        deleteAfter: Duration.days(30),
      });
      plan.addSelection('Database', { databaseInstances: [database(f)] });

      expect(Annotations.fromStack(f.stack).findWarning('/Workload/Plan', Match.stringLikeRegexp('customer-managed'))).toEqual([]);
    });
  });

  // AWS Backup copies RDS, Aurora, DocumentDB and Neptune snapshots across account and region in one copy action since
  // November 2025; the plan used to refuse it. The checks that still hold stay: the source's customer-managed key
  // (cross-account), the destination vault's lock range.
  describe('copies to another account and another region', () => {
    test('a database is copied to another account\'s vault in another region, in one copy action', () => {
      const f = fixture();
      const plan = newPlan(f, { selection: undefined, copyTo: [{ destinationBackupVault: drVault(f), deleteAfter: Duration.days(30) }] });
      plan.addSelection('Database', { databaseInstances: [database(f, new kms.Key(f.stack, 'DbKey', { enableKeyRotation: true }))] });
      const rules = Template.fromStack(f.stack).findResources('AWS::Backup::BackupPlan');
      const [backupPlan] = Object.values(rules);
      for (const rule of backupPlan.Properties.BackupPlan.BackupPlanRule) {
        expect(rule.CopyActions).toEqual([{ DestinationBackupVaultArn: DR_VAULT_ARN, Lifecycle: { DeleteAfterDays: 30 } }]);
      }
      expect(Annotations.fromStack(f.stack).findWarning('*', Match.anyValue())).toEqual([]);
    });

    test('a database without a customer-managed key is still warned (the copy to another account would fail)', () => {
      const f = fixture();
      const plan = newPlan(f, { selection: undefined, copyTo: [{ destinationBackupVault: drVault(f), deleteAfter: Duration.days(30) }] });
      plan.addSelection('Database', { databaseInstances: [database(f)] });
      Annotations.fromStack(f.stack).hasWarning('/Workload/Plan', Match.stringLikeRegexp('customer-managed key'));
    });

    test('the destination vault\'s lock range still bounds the copy\'s retention', () => {
      const f = fixture();
      const locked = drVault(f, VaultLock.compliance({ minRetention: Duration.days(35), maxRetention: Duration.days(400) }));
      expect(() => newPlan(f, { copyTo: [{ destinationBackupVault: locked, deleteAfter: Duration.days(30) }] })).toThrow(/deleteAfter/);
    });
  });

  describe('copies limited to rules that overlap a longer rule', () => {
    const skipped = (covered: string, other: string, days: string) => Match.stringLikeRegexp(
      `copy to 'central' covers rule '${covered}' but not rule '${other}', which starts at the same time \\(minute 0, hour 2\\) ` +
        `and keeps its recovery points longer .*; AWS Backup runs only the longest-retention rule when start windows overlap, ` +
        `so on the days '${other}' runs \\(${days}\\) '${covered}' takes no backup and nothing is copied to 'central'. ` +
        `Add '${other}' to ruleNames, or give '${other}' its own copy to 'central'`,
    );
    const warningId = Match.stringLikeRegexp('cdk-backup-dr:RecoveryPlan.copySkippedByOverlap');

    test('warns when a copy of the daily GFS rule leaves out the weekly and monthly rules', () => {
      const f = fixture();
      newPlan(f, { copyTo: [{ destinationBackupVault: drVault(f, undefined, SAME_REGION_VAULT_ARN), deleteAfter: Duration.days(30), ruleNames: ['Daily'] }] });

      const annotations = Annotations.fromStack(f.stack);
      annotations.hasWarning('/Workload/Plan', skipped('Daily', 'Weekly', 'day-of-week SUN'));
      annotations.hasWarning('/Workload/Plan', skipped('Daily', 'Monthly', 'day-of-month 1'));
      annotations.hasWarning('/Workload/Plan', Match.stringLikeRegexp("\\(90 days, 'Daily' 30 days\\)"));
      expect(annotations.findWarning('/Workload/Plan', warningId)).toHaveLength(2);
    });

    test('warns when the longer rule is added after the copy', () => {
      const f = fixture();
      const plan = newPlan(f, {
        gfs: { weekly: { enabled: false }, monthly: { enabled: false } },
        copyTo: [{ destinationBackupVault: drVault(f), deleteAfter: Duration.days(30), ruleNames: ['Daily'] }],
      });
      plan.addRule('Yearly', {
        schedule: events.Schedule.cron({ minute: '0', hour: '2', day: '1', month: 'JAN' }),
        deleteAfter: Duration.days(3650),
      });

      Annotations.fromStack(f.stack).hasWarning('/Workload/Plan', skipped('Daily', 'Yearly', 'day-of-month 1 in month JAN'));
    });

    test.each<[string, Partial<RecoveryPlanProps>, (f: Fixture) => object[]]>([
      ['every overlapping rule is copied', {}, (f) => [
        { destinationBackupVault: drVault(f), deleteAfter: Duration.days(30), ruleNames: ['Daily', 'Weekly', 'Monthly'] },
      ]],
      ['the longer rules have their own copy to the vault', {}, (f) => {
        const dr = drVault(f);
        return [
          { destinationBackupVault: dr, deleteAfter: Duration.days(30), ruleNames: ['Daily'] },
          { destinationBackupVault: dr, deleteAfter: Duration.days(365), ruleNames: ['Weekly', 'Monthly'] },
        ];
      }],
      ['the copy covers the longest rule', {}, (f) => [
        { destinationBackupVault: drVault(f), deleteAfter: Duration.days(365), ruleNames: ['Monthly'] },
      ]],
      ['the copy covers every rule', {}, (f) => [{ destinationBackupVault: drVault(f), deleteAfter: Duration.days(30) }]],
      ['the longer rules start at another hour', {
        gfs: {
          weekly: { schedule: events.Schedule.cron({ minute: '0', hour: '3', weekDay: 'SUN' }) },
          monthly: { schedule: events.Schedule.cron({ minute: '0', hour: '3', day: '1' }) },
        },
      }, (f) => [{ destinationBackupVault: drVault(f), deleteAfter: Duration.days(30), ruleNames: ['Daily'] }]],
      ['the longer rules run in another time zone', {
        gfs: { weekly: { scheduleTimezone: TimeZone.EUROPE_BERLIN }, monthly: { scheduleTimezone: TimeZone.EUROPE_BERLIN } },
      }, (f) => [{ destinationBackupVault: drVault(f), deleteAfter: Duration.days(30), ruleNames: ['Daily'] }]],
      ['the rules never run on the same day', {
        gfs: {
          daily: { enabled: false },
          monthly: { enabled: false },
          weekly: { schedule: events.Schedule.cron({ minute: '0', hour: '2', weekDay: 'SAT,SUN' }) },
        },
        tier: RecoveryTier.custom({
          name: 'Weekdays', rpo: Duration.days(4), rto: Duration.hours(8),
          rules: [{ ruleName: 'Weekdays', schedule: events.Schedule.cron({ minute: '0', hour: '2', weekDay: 'MON-FRI' }), deleteAfter: Duration.days(7) }],
        }),
      }, (f) => [{ destinationBackupVault: drVault(f), deleteAfter: Duration.days(7), ruleNames: ['Weekdays'] }]],
    ])('no warning when %s', (_label, props, copies) => {
      const f = fixture();
      newPlan(f, { ...props, copyTo: copies(f) as RecoveryPlanProps['copyTo'] });

      expect(Annotations.fromStack(f.stack).findWarning('/Workload/Plan', warningId)).toEqual([]);
    });
  });

  test('fails when a copy has no destinationBackupVault (left out by a JavaScript caller)', () => {
    const f = fixture();
    const plan = newPlan(f);
    expect(() => plan.addCopy({ deleteAfter: Duration.days(30) } as never))
      .toThrow(/Workload\/Plan: copy destinationBackupVault is missing; give the vault that receives the copies/);
  });

  test.each(['has space', 'x'.repeat(51), 'daily/backup'])('fails when a copy names the invalid rule name %p', (name) => {
    const f = fixture();
    const plan = newPlan(f);
    expect(() => plan.addCopy({ destinationBackupVault: drVault(f), deleteAfter: Duration.days(30), ruleNames: ['Daily', name] }))
      .toThrow(`copy to 'central' ruleNames '${name}' is invalid: AWS Backup allows 1-50 letters, digits, hyphens, underscores or dots (e.g. 'Daily')`);
  });

  test('addCopy returns the copy as stored, read-only and detached from the options', () => {
    const f = fixture();
    const plan = newPlan(f);
    const ruleNames = ['Daily'];
    const copy = plan.addCopy({ destinationBackupVault: drVault(f), deleteAfter: Duration.days(30), ruleNames });
    ruleNames.push('Weekly');

    expect(copy).toBe(plan.copies[0]);
    expect(copy.ruleNames).toEqual(['Daily']);
    expect(copy.deleteAfter.toDays()).toBe(30);
    expect(Object.isFrozen(copy)).toBe(true);
    expect(() => copy.ruleNames!.push('Monthly')).toThrow(TypeError);
    expect(renderedRules(f.stack).Weekly.CopyActions).toBeUndefined();
  });

  test('fails when a copy names a rule the plan does not have', () => {
    const f = fixture();
    newPlan(f, { copyTo: [{ destinationBackupVault: drVault(f), deleteAfter: Duration.days(30), ruleNames: ['Yearly'] }] });

    expect(() => f.app.synth()).toThrow(/copy to 'central' ruleNames names 'Yearly', which the plan does not have; the plan's rules are 'Daily', 'Weekly', 'Monthly'/);
  });

  test('fails when a copy applies to no rule because the plan has only continuous rules', () => {
    const f = fixture();
    const plan = newPlan(f, {
      gfs: { daily: { enabled: false }, weekly: { enabled: false }, monthly: { enabled: false } },
      copyTo: [{ destinationBackupVault: drVault(f), deleteAfter: Duration.days(30) }],
    });
    plan.addRule('Pitr', { schedule: events.Schedule.cron({ minute: '0', hour: '2' }), deleteAfter: Duration.days(7), enableContinuousBackup: true });

    expect(() => f.app.synth()).toThrow(/copy to 'central' applies to no rule: the plan has only continuous rules, which are copied only when named; set ruleNames \(e.g. \['Pitr'\]\)/);
  });

  test('fails when a rule copies twice to one vault', () => {
    const f = fixture();
    const dr = drVault(f);
    newPlan(f, {
      copyTo: [
        { destinationBackupVault: dr, deleteAfter: Duration.days(30) },
        { destinationBackupVault: dr, deleteAfter: Duration.days(365), ruleNames: ['Monthly'] },
      ],
    });

    expect(() => f.app.synth()).toThrow(/rule 'Monthly' copies twice to 'central'; keep one copy per destination vault/);
  });

  test('fails when the destination is the plan\'s own vault', () => {
    const f = fixture();
    expect(() => newPlan(f, { copyTo: [{ destinationBackupVault: f.vault, deleteAfter: Duration.days(30) }] }))
      .toThrow(/copy to 'Workload\/Vault': the destination is the plan's own vault/);
  });

  test('fails when the destination is the plan\'s own vault imported twice', () => {
    const f = fixture();
    const arn = `arn:aws:backup:${REGION}:${ACCOUNT}:backup-vault:local`;
    expect(() => newPlan(f, {
      backupVault: BackupVault.fromBackupVaultArn(f.stack, 'Local', arn),
      copyTo: [{ destinationBackupVault: BackupVault.fromBackupVaultArn(f.stack, 'Again', arn), deleteAfter: Duration.days(30) }],
    })).toThrow(/copy to 'local': the destination is the plan's own vault/);
  });

  test('warns when a start window leaves the default completion window less than an hour', () => {
    const f = fixture();
    newPlan(f).addRule('Slow', { schedule: events.Schedule.cron({ minute: '0', hour: '3' }), deleteAfter: Duration.days(7), startWindow: Duration.days(7) });

    Annotations.fromStack(f.stack).hasWarning('/Workload/Plan', Match.stringLikeRegexp(
      "rule 'Slow' completionWindow \\(the AWS Backup default\\) is 10080 minutes with startWindow 10080 minutes",
    ));
  });

  test('fails when a copy has no lifecycle (deleteAfter left out by a JavaScript caller)', () => {
    const f = fixture();
    const plan = newPlan(f);
    expect(() => plan.addCopy({ destinationBackupVault: drVault(f) } as never))
      .toThrow(/copy to 'central' has no deleteAfter; copy actions always carry a lifecycle/);
  });
});

describe('selections', () => {
  test('tags and ARNs are rendered with the created role', () => {
    const f = fixture();
    newPlan(f, { selection: { tags: { backup: 'daily', tier: 'gold' }, resourceArns: [`arn:aws:rds:${REGION}:${ACCOUNT}:db:orders`] } });

    const template = Template.fromStack(f.stack);
    template.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupPlanId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Plan'), 'BackupPlanId'] },
      BackupSelection: {
        SelectionName: 'Selection',
        IamRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PlanSelectionRole'), 'Arn'] },
        ListOfTags: [
          { ConditionKey: 'backup', ConditionType: 'STRINGEQUALS', ConditionValue: 'daily' },
          { ConditionKey: 'tier', ConditionType: 'STRINGEQUALS', ConditionValue: 'gold' },
        ],
        Resources: [`arn:aws:rds:${REGION}:${ACCOUNT}:db:orders`],
      },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'backup.amazonaws.com' } }],
      },
      ManagedPolicyArns: [
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup']] },
      ],
    });
  });

  test('constructs of this app are selected by ARN', () => {
    const f = fixture();
    const vpc = new ec2.Vpc(f.stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    const instance = new rds.DatabaseInstance(f.stack, 'Db', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_17 }),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      storageEncrypted: true,
    });
    const cluster = new rds.DatabaseCluster(f.stack, 'Cluster', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_17_4 }),
      writer: rds.ClusterInstance.serverlessV2('Writer'),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    });
    const table = new dynamodb.Table(f.stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
    const fileSystem = new efs.FileSystem(f.stack, 'Fs', { vpc });
    const docdbCluster = new docdb.DatabaseCluster(f.stack, 'DocDb', {
      masterUser: { username: 'catalog' },
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MEDIUM),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    });
    const plan = newPlan(f, { selection: undefined });
    plan.addSelection('Everything', {
      databaseInstances: [instance], databaseClusters: [cluster], documentDbClusters: [docdbCluster], tables: [table], fileSystems: [fileSystem],
    });

    const resources = Template.fromStack(f.stack).findResources('AWS::Backup::BackupSelection');
    const rendered = JSON.stringify(Object.values(resources)[0].Properties.BackupSelection.Resources);
    expect(rendered).toContain(`:rds:${REGION}:${ACCOUNT}:db:`);
    expect(rendered).toContain(`:rds:${REGION}:${ACCOUNT}:cluster:`);
    expect(rendered).toContain(f.stack.getLogicalId(table.node.defaultChild as dynamodb.CfnTable));
    expect(rendered).toContain(`:elasticfilesystem:${REGION}:${ACCOUNT}:file-system/`);
    expect(rendered).toContain(`:rds:${REGION}:${ACCOUNT}:cluster:",{"Ref":"${f.stack.getLogicalId(docdbCluster.node.defaultChild as docdb.CfnDBCluster)}"}`);
    expect(Object.values(resources)[0].Properties.BackupSelection.Resources).toHaveLength(5);
  });

  test('resources takes any aws-cdk-lib BackupResource', () => {
    const f = fixture();
    const table = new dynamodb.Table(f.stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
    newPlan(f, { selection: { resources: [backup.BackupResource.fromConstruct(table)] } });

    Template.fromStack(f.stack).hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: {
        Resources: [{ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':dynamodb:'), { Ref: Match.stringLikeRegexp('^Table') }])] }],
      },
    });
  });

  test.each<[string, RecoverySelectionOptions, string[]]>([
    ['backup only', { tags: { backup: 'daily' } }, ['service-role/AWSBackupServiceRolePolicyForBackup']],
    ['with restores', { tags: { backup: 'daily' }, allowRestores: true },
      ['service-role/AWSBackupServiceRolePolicyForBackup', 'service-role/AWSBackupServiceRolePolicyForRestores']],
    ['an S3 bucket ARN', { resourceArns: ['arn:aws:s3:::orders-exports'] },
      ['service-role/AWSBackupServiceRolePolicyForBackup', 'AWSBackupServiceRolePolicyForS3Backup']],
    ['an S3 bucket ARN with restores', { resourceArns: ['arn:aws:s3:::orders-exports'], allowRestores: true },
      ['service-role/AWSBackupServiceRolePolicyForBackup', 'service-role/AWSBackupServiceRolePolicyForRestores',
        'AWSBackupServiceRolePolicyForS3Backup', 'AWSBackupServiceRolePolicyForS3Restore']],
    ['tags with s3Permissions', { tags: { backup: 'daily' }, s3Permissions: true },
      ['service-role/AWSBackupServiceRolePolicyForBackup', 'AWSBackupServiceRolePolicyForS3Backup']],
    ['an S3 bucket ARN with s3Permissions off', { resourceArns: ['arn:aws:s3:::orders-exports'], s3Permissions: false },
      ['service-role/AWSBackupServiceRolePolicyForBackup']],
  ])('the created role for %s has exactly the AWS Backup policies it needs', (_label, selection, policies) => {
    const f = fixture();
    newPlan(f, { selection });

    Template.fromStack(f.stack).hasResourceProperties('AWS::IAM::Role', {
      ManagedPolicyArns: policies.map((policy) => ({
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::aws:policy/${policy}`]],
      })),
    });
  });

  test('a bucket of this app gets the S3 policy', () => {
    const f = fixture();
    const bucket = new s3.Bucket(f.stack, 'Exports', { versioned: true });
    newPlan(f, { selection: { buckets: [bucket] } });

    const template = Template.fromStack(f.stack);
    template.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: { Resources: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Exports'), 'Arn'] }] },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      ManagedPolicyArns: Match.arrayWith([
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup']] },
      ]),
    });
  });

  test('a given role is used as is', () => {
    const f = fixture();
    const role = iam.Role.fromRoleArn(f.stack, 'Given', `arn:aws:iam::${ACCOUNT}:role/backup`, { mutable: false });
    newPlan(f, { selection: { tags: { backup: 'daily' }, role } });

    const template = Template.fromStack(f.stack);
    template.resourceCountIs('AWS::IAM::Role', 0);
    template.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: { IamRoleArn: `arn:aws:iam::${ACCOUNT}:role/backup` },
    });
  });

  test('addSelection returns the aws-cdk-lib selection with its role', () => {
    const f = fixture();
    const plan = newPlan(f, { selection: undefined });
    const selection = plan.addSelection('Orders', { tags: { app: 'orders' }, backupSelectionName: 'orders-db' });

    expect(selection).toBeInstanceOf(backup.BackupSelection);
    expect(selection.node.path).toBe('Workload/Plan/Orders');
    expect(selection.node.findChild('Role')).toBeInstanceOf(iam.Role);
    Template.fromStack(f.stack).hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: { SelectionName: 'orders-db' },
    });
  });

  test.each(['orders db', 'x'.repeat(51), 'orders/db', ''])('fails when backupSelectionName is %p', (name) => {
    const f = fixture();
    const plan = newPlan(f, { selection: undefined });
    expect(() => plan.addSelection('Orders', { tags: { app: 'orders' }, backupSelectionName: name }))
      .toThrow(`selection 'Orders' backupSelectionName '${name}' is invalid: AWS Backup allows 1-50 letters, digits, hyphens, underscores or dots (e.g. 'postgres')`);
  });

  test('fails when a selection id is not a valid selection name and no backupSelectionName is given', () => {
    const f = fixture();
    const plan = newPlan(f, { selection: undefined });
    expect(() => plan.addSelection('Orders DB', { tags: { app: 'orders' } }))
      .toThrow(/selection 'Orders DB' backupSelectionName 'Orders DB' is invalid/);
  });

  test('fails when a selection selects nothing', () => {
    const f = fixture();
    expect(() => newPlan(f, { selection: {} }))
      .toThrow(/selection 'Selection' selects nothing; set databaseInstances, databaseClusters, documentDbClusters, tables, fileSystems, buckets, resourceArns, tags or resources/);
  });

  test('fails when an ARN is not an ARN', () => {
    const f = fixture();
    expect(() => newPlan(f, { selection: { resourceArns: ['orders-db'] } }))
      .toThrow(/selection 'Selection' resourceArns contains 'orders-db', which is not an ARN/);
  });

  test('fails when a tag key is empty', () => {
    const f = fixture();
    expect(() => newPlan(f, { selection: { tags: { '': 'x' } } })).toThrow(/selection 'Selection' tags has an empty key/);
  });

  test.each([
    ['allowRestores', { allowRestores: true }],
    ['s3Permissions', { s3Permissions: true }],
  ])('fails when role is given with %s', (prop, extra) => {
    const f = fixture();
    const role = iam.Role.fromRoleArn(f.stack, 'Given', `arn:aws:iam::${ACCOUNT}:role/backup`);
    expect(() => newPlan(f, { selection: { tags: { backup: 'daily' }, role, ...extra } }))
      .toThrow(new RegExp(`selection 'Selection' sets role together with ${prop}, which apply only to the role the plan creates`));
  });

  test('fails when a bucket of this app has no versioning', () => {
    const f = fixture();
    newPlan(f, { selection: { buckets: [new s3.Bucket(f.stack, 'Exports')] } });

    expect(() => f.app.synth())
      .toThrow(/selection 'Selection' protects bucket Workload\/Exports, which has no S3 Versioning; AWS Backup backs up S3 buckets only with versioning enabled/);
  });
});

describe('validation', () => {
  const hourly = events.Schedule.cron({ minute: '0', hour: '*' });
  const addRule = (options: Partial<Parameters<RecoveryPlan['addRule']>[1]>, name = 'Custom', lock?: VaultLock) => {
    const f = fixture(lock);
    const plan = newPlan(f);
    plan.addRule(name, { schedule: hourly, deleteAfter: Duration.days(7), ...options });
    return f;
  };

  test.each<[string, boolean]>([
    ['a', true],
    ['Daily-Backup_v1.0', true],
    ['x'.repeat(50), true],
    ['x'.repeat(51), false],
    ['has space', false],
    ['daily/backup', false],
    ['', false],
  ])('rule name %p accepted=%p', (name, accepted) => {
    const run = () => addRule({}, name);
    if (accepted) {
      expect(run).not.toThrow();
    } else {
      expect(run).toThrow(/ruleName '.*' is invalid: AWS Backup allows 1-50 letters, digits, hyphens, underscores or dots/);
    }
  });

  test('fails when the plan name is invalid', () => {
    const f = fixture();
    expect(() => newPlan(f, { backupPlanName: 'orders db' }))
      .toThrow(/backupPlanName 'orders db' is invalid: AWS Backup allows 1-50 letters, digits, hyphens, underscores or dots/);
  });

  test('fails when two rules share a name', () => {
    expect(() => addRule({}, 'Weekly')).toThrow(/rule name 'Weekly' is used twice in the plan; give the rule another name/);
  });

  test.each<[number, boolean]>([[0, false], [1, true], [36500, true], [36501, false]])(
    'rule deleteAfter %p days accepted=%p', (days, accepted) => {
      const run = () => addRule({ deleteAfter: Duration.days(days) });
      if (accepted) {
        expect(run).not.toThrow();
      } else {
        expect(run).toThrow(new RegExp(`rule 'Custom' deleteAfter is ${days} days; AWS Backup allows 1-36500 days \\(e.g. Duration.days\\(`));
      }
    });

  test('fails when deleteAfter is not a whole number of days', () => {
    expect(() => addRule({ deleteAfter: Duration.hours(36) }))
      .toThrow(/rule 'Custom' deleteAfter is 1 day 12 hours, which is not a whole number of days; use Duration.days\(2\)/);
    expect(() => addRule({ deleteAfter: Duration.minutes(90) }))
      .toThrow(/rule 'Custom' deleteAfter is 1 hour 30 minutes, which is not a whole number of days/);
  });

  test.each<[number, boolean]>([[119, false], [120, true]])(
    'rule deleteAfter %p days with cold storage after 30 days accepted=%p', (days, accepted) => {
      const run = () => addRule({ deleteAfter: Duration.days(days), moveToColdStorageAfter: Duration.days(30) });
      if (accepted) {
        expect(run).not.toThrow();
      } else {
        expect(run).toThrow(
          "rule 'Custom' deleteAfter is 119 days with moveToColdStorageAfter 30 days; AWS Backup requires deleteAfter >= moveToColdStorageAfter + 90 days (e.g. Duration.days(120))",
        );
      }
    });

  test('fails when moveToColdStorageAfter is zero days', () => {
    expect(() => addRule({ deleteAfter: Duration.days(365), moveToColdStorageAfter: Duration.days(0) }))
      .toThrow(/rule 'Custom' moveToColdStorageAfter is 0 days; it must be at least 1 day/);
  });

  test.each<[number, boolean]>([[1, true], [35, true], [36, false]])(
    'continuous deleteAfter %p days accepted=%p', (days, accepted) => {
      const run = () => addRule({ deleteAfter: Duration.days(days), enableContinuousBackup: true });
      if (accepted) {
        expect(run).not.toThrow();
      } else {
        expect(run).toThrow(/rule 'Custom' deleteAfter is 36 days on a continuous rule; AWS Backup keeps continuous backups 1-35 days \(e.g. Duration.days\(35\)/);
      }
    });

  test('fails when a continuous rule moves to cold storage', () => {
    expect(() => addRule({ deleteAfter: Duration.days(30), moveToColdStorageAfter: Duration.days(1), enableContinuousBackup: true }))
      .toThrow(/rule 'Custom' moveToColdStorageAfter is set on a continuous rule; continuous backups cannot move to cold storage/);
  });

  test.each<[Duration, boolean]>([[Duration.minutes(59), false], [Duration.minutes(60), true], [Duration.hours(8), true]])(
    'startWindow %s accepted=%p', (startWindow, accepted) => {
      const run = () => addRule({ startWindow });
      if (accepted) {
        expect(run).not.toThrow();
      } else {
        expect(run).toThrow(/rule 'Custom' startWindow is 59 minutes; AWS Backup requires at least 60 minutes \(e.g. Duration.hours\(1\)\)/);
      }
    });

  test.each([Duration.minutes(0), Duration.seconds(0)])('fails when completionWindow is %s', (completionWindow) => {
    expect(() => addRule({ completionWindow }))
      .toThrow("rule 'Custom' completionWindow is 0 minutes; it must be positive (e.g. Duration.hours(8))");
  });

  test('fails when completionWindow is not a whole number of minutes', () => {
    expect(() => addRule({ completionWindow: Duration.seconds(30) }))
      .toThrow(/rule 'Custom' completionWindow is 30 seconds, which is not a whole number of minutes; use Duration.minutes\(1\)/);
  });

  test('fails when startWindow is not a whole number of minutes', () => {
    expect(() => addRule({ startWindow: Duration.seconds(3630) }))
      .toThrow(/rule 'Custom' startWindow is 1 hour 30 seconds, which is not a whole number of minutes; use Duration.minutes\(61\)/);
  });

  test.each<[number, boolean]>([[119, true], [120, false]])(
    'completionWindow %p minutes after a 60-minute start window warns=%p', (minutes, warns) => {
      const f = addRule({ completionWindow: Duration.minutes(minutes) });
      const warnings = Annotations.fromStack(f.stack).findWarning('/Workload/Plan', Match.stringLikeRegexp('completionWindow'));
      expect(warnings.map((w) => w.entry.data)).toEqual(warns
        ? [expect.stringContaining(
          "rule 'Custom' completionWindow is 119 minutes with startWindow 60 minutes; AWS Backup expects completionWindow >= startWindow + 60 minutes",
        )]
        : []);
    });

  test.each([
    ['rate(1 day)', /is not a cron expression; AWS Backup schedules are cron\(minutes hours day-of-month month day-of-week year\)/],
    ['cron(0 2 * * ?)', /has 5 fields; a cron expression has 6/],
    ['cron(*/15 * * * ? *)', /has minutes '\*\/15'; AWS Backup runs a rule at most once an hour/],
    ['cron(0,30 * * * ? *)', /has minutes '0,30'/],
    ['cron(0 2 * * * *)', /has day-of-month '\*' and day-of-week '\*'; exactly one of them must be '\?'/],
    ['cron(0 2 ? * ? *)', /exactly one of them must be '\?'/],
    ['cron(0 24 * * ? *)', /has hours '24'; allowed: 0-23/],
    ['cron(0 2 32 * ? *)', /has day-of-month '32'/],
    ['cron(0 2 1 13 ? *)', /has month '13'/],
    ['cron(0 2 ? * FUNDAY *)', /has day-of-week 'FUNDAY'/],
    ['cron(0 2 * * ? 99)', /has year '99'/],
    ['cron(0 2 0 * ? *)', /rule 'Custom' schedule 'cron\(0 2 0 \* \? \*\)' has day-of-month '0'; allowed: 1-31, \*, \?, L, W, lists, ranges or steps/],
    ['cron(0 2 0-15 * ? *)', /has day-of-month '0-15'; allowed: 1-31/],
    ['cron(0 2 0/7 * ? *)', /has day-of-month '0\/7'; allowed: 1-31/],
    ['cron(0 2 1 0 ? *)', /rule 'Custom' schedule 'cron\(0 2 1 0 \? \*\)' has month '0'; allowed: 1-12 or JAN-DEC, \*, lists, ranges or steps/],
    ['cron(0 2 1 0,6 ? *)', /has month '0,6'; allowed: 1-12 or JAN-DEC/],
    ['cron(0 2 ? * 0 *)', /rule 'Custom' schedule 'cron\(0 2 \? \* 0 \*\)' has day-of-week '0'; allowed: 1-7 or SUN-SAT, \*, \?, L, #, lists or ranges/],
    ['cron(0 2 ? * 0-6 *)', /has day-of-week '0-6'; allowed: 1-7 or SUN-SAT/],
    ['cron(0 2 ? * 0L *)', /has day-of-week '0L'; allowed: 1-7 or SUN-SAT/],
    ['cron(0 2 ? * 8 *)', /has day-of-week '8'; allowed: 1-7 or SUN-SAT/],
    ['cron(0 0/0 * * ? *)', /has hours '0\/0'; allowed: 0-23, \*, lists, ranges or steps/],
  ])('fails when the schedule is %s', (expression, message) => {
    expect(() => addRule({ schedule: events.Schedule.expression(expression) })).toThrow(message);
  });

  test.each([
    'cron(0 2 * * ? *)',
    'cron(30 0/4 ? * MON-FRI *)',
    'cron(0 2 L * ? *)',
    'cron(0 2 ? * 1#1 *)',
    'cron(0 2 ? * 6L *)',
    'cron(0 1,13 1-15 JAN,JUL ? 2030-2040)',
    'cron(59 23 15W * ? *)',
    'cron(0 2 1 1 ? *)',
    'cron(0 2 31 12 ? *)',
    'cron(0 2 1/7 * ? *)',
    'cron(0 2 ? * 1-7 *)',
    'cron(0 2 ? * 7 *)',
    'cron(0 2 ? * SUN-SAT *)',
  ])('accepts the schedule %s', (expression) => {
    expect(() => addRule({ schedule: events.Schedule.expression(expression) })).not.toThrow();
  });

  test('fails when a JavaScript caller leaves out schedule or deleteAfter', () => {
    const f = fixture();
    const plan = newPlan(f);
    expect(() => plan.addRule('NoSchedule', { deleteAfter: Duration.days(7) } as never))
      .toThrow(/rule 'NoSchedule' has no schedule; give a cron schedule/);
    expect(() => plan.addRule('NoRetention', { schedule: hourly } as never))
      .toThrow(/rule 'NoRetention' has no deleteAfter; every rule keeps its recovery points for an explicit time/);
  });

  describe('vault lock of the plan\'s vault', () => {
    const lock = VaultLock.compliance({ minRetention: Duration.days(7), maxRetention: Duration.days(365) });

    test.each<[number, boolean]>([[6, false], [7, true], [365, true], [366, false]])(
      'rule deleteAfter %p days in a 7-365 day lock accepted=%p', (days, accepted) => {
        const f = fixture(lock);
        const plan = newPlan(f, { gfs: { daily: { enabled: false }, weekly: { enabled: false }, monthly: { enabled: false } } });
        const run = () => plan.addRule('Custom', { schedule: hourly, deleteAfter: Duration.days(days) });
        if (accepted) {
          expect(run).not.toThrow();
        } else {
          expect(run).toThrow(new RegExp(
            `rule 'Custom' deleteAfter is ${days} days, which backupVault 'Workload/Vault' rejects: ${days} days is (below|above) the ` +
              `vault lock (minimum|maximum); the lock accepts 7-365 days \\(e.g. Duration.days\\(${days < 7 ? 7 : 365}\\)\\)`,
          ));
        }
      });

    test('fails when a default GFS rule falls outside the lock', () => {
      const f = fixture(VaultLock.governance({ minRetention: Duration.days(31) }));
      expect(() => newPlan(f)).toThrow(
        /gfs.daily \(rule 'Daily'\) deleteAfter is 30 days, which backupVault 'Workload\/Vault' rejects: 30 days is below the vault lock minimum; the lock accepts 31-36500 days/,
      );
    });
  });

  describe('vault lock of a copy\'s vault', () => {
    const lock = VaultLock.compliance({ minRetention: Duration.days(30), maxRetention: Duration.days(3650) });

    test.each<[number, boolean]>([[29, false], [30, true], [3650, true], [3651, false]])(
      'copy deleteAfter %p days into a 30-3650 day lock accepted=%p', (days, accepted) => {
        const f = fixture();
        const plan = newPlan(f);
        const run = () => plan.addCopy({ destinationBackupVault: drVault(f, lock), deleteAfter: Duration.days(days) });
        if (accepted) {
          expect(run).not.toThrow();
        } else {
          expect(run).toThrow(new RegExp(
            `copy to 'central' deleteAfter is ${days} days, which destination vault 'central' rejects: .* the lock accepts 30-3650 days`,
          ));
        }
      });
  });

  describe('copy lifecycle', () => {
    test.each<[number, boolean]>([[119, false], [120, true]])(
      'copy deleteAfter %p days with cold storage after 30 days accepted=%p', (days, accepted) => {
        const f = fixture();
        const plan = newPlan(f);
        const run = () => plan.addCopy({
          destinationBackupVault: drVault(f, undefined, 'arn:aws:backup:eu-central-1:222222222222:backup-vault:dr-vault'),
          deleteAfter: Duration.days(days),
          moveToColdStorageAfter: Duration.days(30),
        });
        if (accepted) {
          expect(run).not.toThrow();
        } else {
          expect(run).toThrow(
            "copy to 'dr-vault' deleteAfter is 119 days with moveToColdStorageAfter 30 days; AWS Backup requires deleteAfter >= moveToColdStorageAfter + 90 days (e.g. Duration.days(120))",
          );
        }
      });

    test.each([0, 36501])('fails when copy deleteAfter is %p days', (days) => {
      const f = fixture();
      const plan = newPlan(f);
      expect(() => plan.addCopy({ destinationBackupVault: drVault(f), deleteAfter: Duration.days(days) }))
        .toThrow(new RegExp(`copy to 'central' deleteAfter is ${days} days; AWS Backup allows 1-36500 days`));
    });
  });

  test.each([
    ['region', 'arn:aws:backup:us-east-1:111111111111:backup-vault:elsewhere', /backupVault 'elsewhere' is in region us-east-1 but the plan is in eu-west-1/],
    ['account', 'arn:aws:backup:eu-west-1:333333333333:backup-vault:elsewhere', /backupVault 'elsewhere' is in account 333333333333 but the plan is in 111111111111/],
  ])('fails when the plan\'s vault is in another %s', (_what, arn, message) => {
    const f = fixture();
    const remote = BackupVault.fromBackupVaultArn(f.stack, 'Remote', arn);
    expect(() => newPlan(f, { backupVault: remote })).toThrow(message);
  });

  test('fails at synthesis when the plan has no rule', () => {
    const f = fixture();
    newPlan(f, { gfs: { daily: { enabled: false }, weekly: { enabled: false }, monthly: { enabled: false } } });

    expect(() => f.app.synth()).toThrow(/RecoveryPlan has no backup rule: every gfs rule is disabled and there is no tier/);
  });

  test('fails at synthesis when the plan protects nothing', () => {
    const f = fixture();
    newPlan(f, { selection: undefined });

    expect(() => f.app.synth()).toThrow(/RecoveryPlan protects nothing: pass selection, or call addSelection\(\)/);
  });

  test('warns about a second continuous rule', () => {
    const f = fixture();
    const plan = newPlan(f, { tier: RecoveryTier.ENTERPRISE });
    plan.addRule('MorePitr', { schedule: hourly, deleteAfter: Duration.days(35), enableContinuousBackup: true });

    Annotations.fromStack(f.stack).hasWarning('/Workload/Plan', Match.stringLikeRegexp(
      "rule 'MorePitr' is a second continuous rule in the plan; AWS Backup keeps only one continuous backup per resource and vault",
    ));
  });

  test('tokens are not validated', () => {
    const f = fixture(VaultLock.compliance({ minRetention: Duration.days(7), maxRetention: Duration.days(30) }));
    const days = new CfnParameter(f.stack, 'Days', { type: 'Number' }).valueAsNumber;
    const minutes = new CfnParameter(f.stack, 'Minutes', { type: 'Number' }).valueAsNumber;
    const name = new CfnParameter(f.stack, 'Name').valueAsString;
    const expression = new CfnParameter(f.stack, 'Schedule').valueAsString;
    const plan = newPlan(f, {
      backupPlanName: name,
      gfs: { daily: { enabled: false }, weekly: { enabled: false }, monthly: { enabled: false } },
    });

    plan.addRule(name, {
      schedule: events.Schedule.expression(expression),
      deleteAfter: Duration.days(days),
      moveToColdStorageAfter: Duration.days(days),
      startWindow: Duration.minutes(minutes),
      completionWindow: Duration.minutes(minutes),
    });
    plan.addRule('Pitr', { schedule: hourly, deleteAfter: Duration.days(days), enableContinuousBackup: true });
    plan.addCopy({
      destinationBackupVault: drVault(f, VaultLock.compliance({ minRetention: Duration.days(30) })),
      deleteAfter: Duration.days(days),
      moveToColdStorageAfter: Duration.days(days),
      ruleNames: [name],
    });

    const template = Template.fromStack(f.stack);
    const [cfnPlan] = Object.values(template.findResources('AWS::Backup::BackupPlan'));
    expect(cfnPlan.Properties.BackupPlan.BackupPlanName).toEqual({ Ref: 'Name' });
    const [tokenRule, pitr] = cfnPlan.Properties.BackupPlan.BackupPlanRule;
    expect(tokenRule.RuleName).toEqual({ Ref: 'Name' });
    expect(tokenRule.ScheduleExpression).toEqual({ Ref: 'Schedule' });
    expect(tokenRule.Lifecycle).toEqual({ DeleteAfterDays: { Ref: 'Days' }, MoveToColdStorageAfterDays: { Ref: 'Days' } });
    expect(tokenRule.StartWindowMinutes).toEqual({ Ref: 'Minutes' });
    expect(tokenRule.CopyActions).toEqual([{
      DestinationBackupVaultArn: DR_VAULT_ARN,
      Lifecycle: { DeleteAfterDays: { Ref: 'Days' }, MoveToColdStorageAfterDays: { Ref: 'Days' } },
    }]);
    expect(pitr.Lifecycle).toEqual({ DeleteAfterDays: { Ref: 'Days' } });
  });
});

describe('cdk-nag', () => {
  test('a plan with a BackupVault, tag and ARN selections and a cross-account copy has no unacknowledged findings', () => {
    const f = fixture();
    const plan = newPlan(f, {
      tier: RecoveryTier.TEAM,
      selection: { tags: { backup: 'team' }, resourceArns: [`arn:aws:rds:${REGION}:${ACCOUNT}:db:orders`], allowRestores: true },
      copyTo: [{
        destinationBackupVault: drVault(f, VaultLock.compliance({ minRetention: Duration.days(7) }), SAME_REGION_VAULT_ARN),
        deleteAfter: Duration.days(30),
      }],
    });
    plan.addSelection('Exports', { resourceArns: ['arn:aws:s3:::orders-exports'], allowRestores: true });
    plan.addSelection('Archive', { buckets: [s3.Bucket.fromBucketName(f.stack, 'Archive', 'orders-archive')] });
    expect(() => f.app.synth()).not.toThrow();

    const findings = nagFindings(f.stack);
    expect(formatFindings(findings)).toBe('');
    expect(findings).toEqual([]);
  });

  test('a plan with its default vault and an S3 selection has no unacknowledged findings', () => {
    const app = new App();
    const stack = new Stack(app, 'Workload', { env: { account: ACCOUNT, region: REGION } });
    new RecoveryPlan(stack, 'Plan', { tier: RecoveryTier.FREE, selection: { resourceArns: ['arn:aws:s3:::orders-exports'] } });

    const findings = nagFindings(stack);
    expect(formatFindings(findings)).toBe('');
    expect(findings).toEqual([]);
  });

  test('the packs do flag an unacknowledged AWS Backup service role (control)', () => {
    const f = fixture();
    const raw = new backup.BackupPlan(f.stack, 'Raw', { backupVault: f.vault, backupPlanRules: [backup.BackupPlanRule.daily()] });
    raw.addSelection('Raw', { resources: [backup.BackupResource.fromTag('backup', 'raw')] });

    expect(nagFindings(f.stack).map((finding) => finding.rule)).toContain(
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
    );
  });
});
