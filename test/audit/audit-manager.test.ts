import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  AuditControl,
  BackupAuditFramework,
  BackupReportPlan,
  BackupReportPlanProps,
  BackupVault,
  RecoveryPlan,
  RecoveryPlanProps,
  RecoveryTier,
  ReportFormat,
  ReportTemplate,
  VaultLock,
} from '../../lib';

const ACCOUNT = '111111111111';
const REGION = 'us-east-1';
/** The other account's vault in another region: a copy there is both cross-account and cross-region. */
const DR_VAULT_ARN = 'arn:aws:backup:eu-central-1:222222222222:backup-vault:central';
const REPORTS_ROLE = 'role/aws-service-role/reports.backup.amazonaws.com/AWSServiceRoleForBackupReports';
const REPORTS_ROLE_ARN = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${ACCOUNT}:${REPORTS_ROLE}`]] };

function newStack(app = new App(), id = 'S', env: { account: string; region: string } = { account: ACCOUNT, region: REGION }): Stack {
  return new Stack(app, id, { env });
}

/** A plan with a tag selection and a vault of its own (locked when a lock is given). */
function newPlan(stack: Stack, props: RecoveryPlanProps = {}, lock?: VaultLock): RecoveryPlan {
  const vault = new BackupVault(stack, 'Vault', { backupVaultName: 'local', vaultLock: lock });
  return new RecoveryPlan(stack, 'Plan', { backupVault: vault, selection: { tags: { backup: 'daily' } }, ...props });
}

function drVault(stack: Stack, arn = DR_VAULT_ARN) {
  return BackupVault.fromBackupVaultArn(stack, `Dr${arn.split(':')[3]}${arn.split(':')[4]}`, arn);
}

/** The rendered controls of the only framework of a stack. */
function renderedControls(stack: Stack): any[] {
  const [framework] = Object.values(Template.fromStack(stack).findResources('AWS::Backup::Framework'));
  return framework.Properties.FrameworkControls;
}

function control(name: string, parameters: Record<string, string | object> = {}, scope?: object): object {
  const entries = Object.entries(parameters);
  return {
    ControlName: name,
    ...(entries.length > 0 ? { ControlInputParameters: entries.map(([ParameterName, ParameterValue]) => ({ ParameterName, ParameterValue })) } : {}),
    ...(scope ? { ControlScope: scope } : {}),
  };
}

describe('BackupAuditFramework with explicit controls', () => {
  test('renders name, description and controls, with the control scope in CloudFormation keys', () => {
    const stack = newStack();
    const framework = new BackupAuditFramework(stack, 'Audit', {
      frameworkName: 'orders_audit',
      description: 'What the orders database promises',
      controls: [
        AuditControl.minimumFrequencyAndRetention({
          frequency: Duration.hours(4),
          retention: Duration.days(35),
          scope: { tag: { key: 'backup', value: 'daily' } },
        }),
        AuditControl.lastRecoveryPointCreated({
          maxAge: Duration.hours(25),
          scope: { resourceTypes: ['RDS', 'Aurora'], resourceIds: ['orders'] },
        }),
        AuditControl.recoveryPointsEncrypted(),
      ],
    });

    Template.fromStack(stack).hasResourceProperties('AWS::Backup::Framework', {
      FrameworkName: 'orders_audit',
      FrameworkDescription: 'What the orders database promises',
      FrameworkControls: [
        {
          ControlName: 'BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK',
          ControlInputParameters: [
            { ParameterName: 'requiredFrequencyUnit', ParameterValue: 'hours' },
            { ParameterName: 'requiredFrequencyValue', ParameterValue: '4' },
            { ParameterName: 'requiredRetentionDays', ParameterValue: '35' },
          ],
          ControlScope: { Tags: [{ Key: 'backup', Value: 'daily' }] },
        },
        {
          ControlName: 'BACKUP_LAST_RECOVERY_POINT_CREATED',
          ControlInputParameters: [
            { ParameterName: 'recoveryPointAgeUnit', ParameterValue: 'hours' },
            { ParameterName: 'recoveryPointAgeValue', ParameterValue: '25' },
          ],
          ControlScope: { ComplianceResourceIds: ['orders'], ComplianceResourceTypes: ['RDS', 'Aurora'] },
        },
        { ControlName: 'BACKUP_RECOVERY_POINT_ENCRYPTED', ControlInputParameters: Match.absent(), ControlScope: Match.absent() },
      ],
    });
    expect(framework.frameworkName).toBe('orders_audit');
    expect(stack.resolve(framework.frameworkArn)).toEqual({ 'Fn::GetAtt': ['Audit3D8ADE0A', 'FrameworkArn'] });
  });

  test.each<[string, AuditControl, object]>([
    ['recoveryPointMinimumRetention', AuditControl.recoveryPointMinimumRetention({ retention: Duration.days(7) }),
      control('BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK', { requiredRetentionDays: '7' })],
    ['manualDeletionDisabled without exceptions', AuditControl.manualDeletionDisabled(),
      control('BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED')],
    ['manualDeletionDisabled with a break-glass role',
      AuditControl.manualDeletionDisabled({ allowedPrincipalArns: ['arn:aws:iam::111111111111:role/BreakGlass', 'arn:aws:iam::111111111111:role/Ops'] }),
      control('BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED',
        { principalArnList: 'arn:aws:iam::111111111111:role/BreakGlass,arn:aws:iam::111111111111:role/Ops' })],
    ['resourcesProtectedByBackupPlan', AuditControl.resourcesProtectedByBackupPlan({ scope: { resourceTypes: ['DynamoDB'] } }),
      control('BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN', {}, { ComplianceResourceTypes: ['DynamoDB'] })],
    ['protectedByVaultLock with a range',
      AuditControl.protectedByVaultLock({ minRetention: Duration.days(7), maxRetention: Duration.days(365) }),
      control('BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK', { minRetentionDays: '7', maxRetentionDays: '365' })],
    ['protectedByVaultLock with any range', AuditControl.protectedByVaultLock(),
      control('BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK')],
    ['crossRegionCopy', AuditControl.crossRegionCopy({ regions: ['eu-central-1', 'us-west-2'] }),
      control('BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION', { crossRegionList: 'eu-central-1,us-west-2' })],
    ['crossAccountCopy', AuditControl.crossAccountCopy({ accounts: ['222222222222'] }),
      control('BACKUP_RESOURCES_PROTECTED_BY_CROSS_ACCOUNT', { crossAccountList: '222222222222' })],
    ['restoreTimeMeetsTarget', AuditControl.restoreTimeMeetsTarget({ maxRestoreTime: Duration.hours(2) }),
      control('RESTORE_TIME_FOR_RESOURCES_MEET_TARGET', { maxRestoreTime: '120' })],
    ['inLogicallyAirGappedVault in days', AuditControl.inLogicallyAirGappedVault({ maxAge: Duration.days(7) }),
      control('RESOURCES_IN_LOGICALLY_AIR_GAPPED_VAULT', { recoveryPointAgeUnit: 'days', recoveryPointAgeValue: '7' })],
    ['inLogicallyAirGappedVault in hours', AuditControl.inLogicallyAirGappedVault({ maxAge: Duration.hours(36) }),
      control('RESOURCES_IN_LOGICALLY_AIR_GAPPED_VAULT', { recoveryPointAgeUnit: 'hours', recoveryPointAgeValue: '36' })],
    ['custom', AuditControl.custom({ controlName: 'BACKUP_NEW_CONTROL', parameters: { threshold: '3' } }),
      control('BACKUP_NEW_CONTROL', { threshold: '3' })],
  ])('%s renders its control name and parameters', (_name, auditControl, expected) => {
    const stack = newStack();
    new BackupAuditFramework(stack, 'Audit', { controls: [auditControl] });

    expect(renderedControls(stack)).toEqual([expected]);
  });

  test.each<[string, string, string, Duration]>([
    ['1 hour', 'hours', '1', Duration.hours(1)],
    ['23 hours', 'hours', '23', Duration.hours(23)],
    ['24 hours', 'days', '1', Duration.hours(24)],
    ['48 hours', 'days', '2', Duration.hours(48)],
    ['31 days', 'days', '31', Duration.days(31)],
  ])('minimumFrequencyAndRetention sends a frequency of %s as %s %s', (_name, unit, value, frequency) => {
    const auditControl = AuditControl.minimumFrequencyAndRetention({ frequency, retention: Duration.days(1) });

    expect(auditControl.parameters).toEqual({ requiredFrequencyUnit: unit, requiredFrequencyValue: value, requiredRetentionDays: '1' });
  });

  test.each<[string, string, string, Duration]>([
    ['1 hour', 'hours', '1', Duration.hours(1)],
    ['25 hours', 'hours', '25', Duration.hours(25)],
    ['48 hours', 'days', '2', Duration.hours(48)],
    ['744 hours', 'days', '31', Duration.hours(744)],
    ['743 hours', 'hours', '743', Duration.hours(743)],
  ])('lastRecoveryPointCreated sends a maxAge of %s as %s %s', (_name, unit, value, maxAge) => {
    expect(AuditControl.lastRecoveryPointCreated({ maxAge }).parameters)
      .toEqual({ recoveryPointAgeUnit: unit, recoveryPointAgeValue: value });
  });

  test('tokens are passed through unchecked', () => {
    const stack = newStack();
    const days = new CfnParameter(stack, 'Days', { type: 'Number' }).valueAsNumber;
    const hours = new CfnParameter(stack, 'Hours', { type: 'Number' }).valueAsNumber;
    const region = new CfnParameter(stack, 'Region').valueAsString;
    const accounts = new CfnParameter(stack, 'Accounts', { type: 'CommaDelimitedList' }).valueAsList;
    new BackupAuditFramework(stack, 'Audit', {
      controls: [
        AuditControl.recoveryPointMinimumRetention({ retention: Duration.days(days) }),
        AuditControl.lastRecoveryPointCreated({ maxAge: Duration.hours(hours) }),
        AuditControl.crossRegionCopy({ regions: ['eu-central-1', region] }),
        AuditControl.crossAccountCopy({ accounts }),
      ],
    });

    expect(renderedControls(stack)).toEqual([
      control('BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK', { requiredRetentionDays: { Ref: 'Days' } }),
      control('BACKUP_LAST_RECOVERY_POINT_CREATED', { recoveryPointAgeUnit: 'hours', recoveryPointAgeValue: { Ref: 'Hours' } }),
      control('BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION', { crossRegionList: { 'Fn::Join': [',', ['eu-central-1', { Ref: 'Region' }]] } }),
      control('BACKUP_RESOURCES_PROTECTED_BY_CROSS_ACCOUNT', { crossAccountList: { 'Fn::Join': [',', { Ref: 'Accounts' }] } }),
    ]);
  });

  test('without a name the framework gets a unique one that starts with a letter', () => {
    const stack = newStack();
    const framework = new BackupAuditFramework(stack, 'Audit', { controls: [AuditControl.recoveryPointsEncrypted()] });

    expect(framework.frameworkName).toMatch(/^S_Audit_[A-F0-9]{8}$/);
    Template.fromStack(stack).hasResourceProperties('AWS::Backup::Framework', { FrameworkName: framework.frameworkName });
  });

  test('addControl appends a control', () => {
    const stack = newStack();
    const framework = new BackupAuditFramework(stack, 'Audit', { controls: [AuditControl.recoveryPointsEncrypted()] });
    framework.addControl(AuditControl.resourcesProtectedByBackupPlan());

    expect(renderedControls(stack)).toEqual([
      control('BACKUP_RECOVERY_POINT_ENCRYPTED'),
      control('BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN'),
    ]);
  });
});

describe('BackupAuditFramework derived from a RecoveryPlan', () => {
  test('TEAM with a copy to another account and region: hourly, 7 days, the newest point at most 2 hours old (hourly plus the 1-hour start window), RTO 120 minutes, both copies', () => {
    const stack = newStack();
    const plan = newPlan(stack, {
      tier: RecoveryTier.TEAM,
      copyTo: [{ destinationBackupVault: drVault(stack), deleteAfter: Duration.days(30) }],
    });
    new BackupAuditFramework(stack, 'Audit', { plan });

    // TEAM: Hourly (7 days) plus the gfs Daily (30), Weekly (90) and Monthly (365) rules.
    expect(renderedControls(stack)).toEqual([
      control('BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK',
        { requiredFrequencyUnit: 'hours', requiredFrequencyValue: '1', requiredRetentionDays: '7' }),
      control('BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK', { requiredRetentionDays: '7' }),
      control('BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED'),
      control('BACKUP_RECOVERY_POINT_ENCRYPTED'),
      control('BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN'),
      control('BACKUP_LAST_RECOVERY_POINT_CREATED', { recoveryPointAgeUnit: 'hours', recoveryPointAgeValue: '2' }),
      control('BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION', { crossRegionList: 'eu-central-1' }),
      control('BACKUP_RESOURCES_PROTECTED_BY_CROSS_ACCOUNT', { crossAccountList: '222222222222' }),
      control('RESTORE_TIME_FOR_RESOURCES_MEET_TARGET', { maxRestoreTime: '120' }),
    ]);
  });

  test('ENTERPRISE with a locked vault, a scope and two copies: daily snapshots (the newest at most 25 hours old: PITR is watched elsewhere), the lock range, RTO 60 minutes', () => {
    const stack = newStack();
    const plan = newPlan(stack, {
      tier: RecoveryTier.ENTERPRISE,
      copyTo: [
        { destinationBackupVault: drVault(stack), deleteAfter: Duration.days(30) },
        // Same account, other region: one more region, no more accounts.
        { destinationBackupVault: drVault(stack, 'arn:aws:backup:us-west-2:111111111111:backup-vault:west'), deleteAfter: Duration.days(14) },
      ],
    }, VaultLock.governance({ minRetention: Duration.days(7), maxRetention: Duration.days(365) }));
    new BackupAuditFramework(stack, 'Audit', { plan, derivedControlScope: { resourceTypes: ['RDS'] } });

    const rds = { ComplianceResourceTypes: ['RDS'] };
    expect(renderedControls(stack)).toEqual([
      control('BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK',
        { requiredFrequencyUnit: 'days', requiredFrequencyValue: '1', requiredRetentionDays: '7' }),
      control('BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK', { requiredRetentionDays: '7' }, rds),
      control('BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED'),
      control('BACKUP_RECOVERY_POINT_ENCRYPTED', {}, rds),
      control('BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN', {}, rds),
      control('BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK', { minRetentionDays: '7', maxRetentionDays: '365' }, rds),
      control('BACKUP_LAST_RECOVERY_POINT_CREATED', { recoveryPointAgeUnit: 'hours', recoveryPointAgeValue: '25' }, rds),
      control('BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION', { crossRegionList: 'eu-central-1,us-west-2' }, rds),
      control('BACKUP_RESOURCES_PROTECTED_BY_CROSS_ACCOUNT', { crossAccountList: '222222222222' }, rds),
      control('RESTORE_TIME_FOR_RESOURCES_MEET_TARGET', { maxRestoreTime: '60' }, rds),
    ]);
  });

  test('without a tier or copies: the gfs rules (daily, 30 days) and a last recovery point at most 25 hours old', () => {
    const stack = newStack();
    new BackupAuditFramework(stack, 'Audit', { plan: newPlan(stack) });

    expect(renderedControls(stack)).toEqual([
      control('BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK',
        { requiredFrequencyUnit: 'days', requiredFrequencyValue: '1', requiredRetentionDays: '30' }),
      control('BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK', { requiredRetentionDays: '30' }),
      control('BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED'),
      control('BACKUP_RECOVERY_POINT_ENCRYPTED'),
      control('BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN'),
      control('BACKUP_LAST_RECOVERY_POINT_CREATED', { recoveryPointAgeUnit: 'hours', recoveryPointAgeValue: '25' }),
    ]);
  });

  test('a weekly-only plan is audited weekly; a copy to a vault in this account and region lowers the recovery point retention', () => {
    const stack = newStack();
    const plan = newPlan(stack, { gfs: { daily: { enabled: false }, monthly: { enabled: false } } });
    plan.addCopy({ destinationBackupVault: drVault(stack, 'arn:aws:backup:us-east-1:111111111111:backup-vault:other'), deleteAfter: Duration.days(14) });
    new BackupAuditFramework(stack, 'Audit', { plan });

    expect(renderedControls(stack).slice(0, 2)).toEqual([
      control('BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK',
        { requiredFrequencyUnit: 'days', requiredFrequencyValue: '7', requiredRetentionDays: '90' }),
      control('BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK', { requiredRetentionDays: '14' }),
    ]);
  });

  test('rules and copies added to the plan after the framework count; addControl replaces the derived control of its name', () => {
    const stack = newStack();
    const plan = newPlan(stack);
    const framework = new BackupAuditFramework(stack, 'Audit', { plan });
    plan.addRule('Every6Hours', { schedule: events.Schedule.cron({ minute: '0', hour: '0/6' }), deleteAfter: Duration.days(3) });
    plan.addCopy({ destinationBackupVault: drVault(stack), deleteAfter: Duration.days(30) });
    framework.addControl(AuditControl.manualDeletionDisabled({ allowedPrincipalArns: ['arn:aws:iam::111111111111:role/BreakGlass'] }));
    framework.addControl(AuditControl.inLogicallyAirGappedVault({ maxAge: Duration.days(2) }));

    expect(renderedControls(stack)).toEqual([
      control('BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK',
        { requiredFrequencyUnit: 'hours', requiredFrequencyValue: '6', requiredRetentionDays: '3' }),
      control('BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK', { requiredRetentionDays: '3' }),
      control('BACKUP_RECOVERY_POINT_ENCRYPTED'),
      control('BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN'),
      control('BACKUP_LAST_RECOVERY_POINT_CREATED', { recoveryPointAgeUnit: 'hours', recoveryPointAgeValue: '7' }),
      control('BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION', { crossRegionList: 'eu-central-1' }),
      control('BACKUP_RESOURCES_PROTECTED_BY_CROSS_ACCOUNT', { crossAccountList: '222222222222' }),
      control('BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED', { principalArnList: 'arn:aws:iam::111111111111:role/BreakGlass' }),
      control('RESOURCES_IN_LOGICALLY_AIR_GAPPED_VAULT', { recoveryPointAgeUnit: 'days', recoveryPointAgeValue: '2' }),
    ]);
    expect(framework.controls.map((c) => c.controlName)).toHaveLength(9);
  });
});

describe('BackupAuditFramework validation', () => {
  const encrypted = [AuditControl.recoveryPointsEncrypted()];

  test('fails when neither controls nor plan is given', () => {
    expect(() => new BackupAuditFramework(newStack(), 'Audit')).toThrow(
      'S/Audit: BackupAuditFramework has neither controls nor plan; give the plan to audit (e.g. plan: recoveryPlan) or the ' +
        'controls (e.g. controls: [AuditControl.lastRecoveryPointCreated({ maxAge: Duration.hours(25) })])');
  });

  test('fails when both controls and plan are given', () => {
    const stack = newStack();
    expect(() => new BackupAuditFramework(stack, 'Audit', { plan: newPlan(stack), controls: encrypted }))
      .toThrow(/BackupAuditFramework has both controls and plan; .* remove controls and add yours with addControl\(\)/);
  });

  test('fails when derivedControlScope is given without plan', () => {
    expect(() => new BackupAuditFramework(newStack(), 'Audit', { controls: encrypted, derivedControlScope: { resourceTypes: ['RDS'] } }))
      .toThrow('S/Audit: derivedControlScope is set without plan; it scopes the controls derived from plan: give plan, or set scope on each of your controls');
  });

  test('fails when the plan is in another region', () => {
    const app = new App();
    const plan = newPlan(newStack(app, 'Workload', { account: ACCOUNT, region: 'eu-west-1' }));
    expect(() => new BackupAuditFramework(newStack(app), 'Audit', { plan })).toThrow(
      'S/Audit: plan Workload/Plan is in region eu-west-1 but the framework is in us-east-1; AWS Backup Audit Manager ' +
        'evaluates the account and region of its framework: create the framework in the stack of the plan');
  });

  test.each([
    ['starts with a digit', '1audit'],
    ['has a hyphen', 'orders-audit'],
    ['is longer than 256 characters', 'a'.repeat(257)],
  ])('fails when frameworkName %s', (_name, frameworkName) => {
    expect(() => new BackupAuditFramework(newStack(), 'Audit', { frameworkName, controls: encrypted })).toThrow(
      `S/Audit: frameworkName '${frameworkName}' is invalid: AWS Backup takes a letter, then letters, digits or underscores, ` +
        "256 characters at most (e.g. 'backup_dr_audit')");
  });

  test('fails when the description is longer than 1024 characters', () => {
    expect(() => new BackupAuditFramework(newStack(), 'Audit', { description: 'x'.repeat(1025), controls: encrypted })).toThrow(
      'S/Audit: description is 1025 characters; AWS Backup takes 1-1024 characters with at least one that is not a blank ' +
        '(shorten it, or leave it out)');
  });

  test('fails when the description is blank', () => {
    expect(() => new BackupAuditFramework(newStack(), 'Audit', { description: '  ', controls: encrypted }))
      .toThrow('S/Audit: description is 2 characters of blanks; AWS Backup takes 1-1024 characters');
  });

  test('fails when controls is empty and nothing is added', () => {
    const app = new App();
    new BackupAuditFramework(newStack(app), 'Audit', { controls: [] });
    expect(() => app.synth()).toThrow(/controls is empty; a framework needs at least one control \(e\.g\. addControl\(AuditControl\.recoveryPointsEncrypted\(\)\)\)/);
  });

  const QUOTA = 'the framework has 51 controls; AWS Backup Audit Manager allows at most 50 per framework (and 50 per ' +
    'account and region across all frameworks): remove 1, or split them over frameworks in different accounts or regions';

  test('fails when more than 50 controls are given', () => {
    const controls = Array.from({ length: 51 }, () => AuditControl.recoveryPointsEncrypted());
    expect(() => new BackupAuditFramework(newStack(), 'Audit', { controls })).toThrow(`S/Audit: controls: ${QUOTA}`);
  });

  test('fails when addControl passes 50 controls on top of the derived ones', () => {
    const stack = newStack();
    const framework = new BackupAuditFramework(stack, 'Audit', { plan: newPlan(stack) });
    // 6 derived (see 'without a tier or copies'), so 44 more reach the quota.
    for (let i = 0; i < 44; i++) {
      framework.addControl(AuditControl.custom({ controlName: `CONTROL_${i}` }));
    }
    expect(() => framework.addControl(AuditControl.custom({ controlName: 'ONE_TOO_MANY' }))).toThrow(QUOTA);
    expect(framework.controls).toHaveLength(50);
  });

  const FREQUENCY_RANGE = 'AWS Backup Audit Manager takes whole hours 1-24 or whole days 1-31';
  test.each<[string, Duration, string]>([
    ['below an hour', Duration.minutes(30), `frequency is 30 minutes; ${FREQUENCY_RANGE} (e.g. Duration.hours(1))`],
    ['not whole hours', Duration.minutes(90), `frequency is 1 hour 30 minutes; ${FREQUENCY_RANGE} (e.g. Duration.hours(2))`],
    ['above a day but not whole days', Duration.hours(36), `frequency is 1 day 12 hours; ${FREQUENCY_RANGE} (e.g. Duration.days(2))`],
    ['above 31 days', Duration.days(32), `frequency is 32 days; ${FREQUENCY_RANGE} (e.g. Duration.days(31))`],
  ])('fails when minimumFrequencyAndRetention frequency is %s', (_name, frequency, message) => {
    expect(() => AuditControl.minimumFrequencyAndRetention({ frequency, retention: Duration.days(7) }))
      .toThrow(`AuditControl.minimumFrequencyAndRetention ${message}`);
  });

  test.each<[string, Duration, string]>([
    ['zero', Duration.days(0), 'retention is 0 days; AWS Backup Audit Manager takes whole days 1-36500 (e.g. Duration.days(1))'],
    ['not whole days', Duration.hours(36), 'retention is 1 day 12 hours; AWS Backup Audit Manager takes whole days 1-36500 (e.g. Duration.days(2))'],
  ])('fails when minimumFrequencyAndRetention retention is %s', (_name, retention, message) => {
    expect(() => AuditControl.minimumFrequencyAndRetention({ frequency: Duration.days(1), retention }))
      .toThrow(`AuditControl.minimumFrequencyAndRetention ${message}`);
  });

  test('fails when recoveryPointMinimumRetention retention is above 36500 days', () => {
    expect(() => AuditControl.recoveryPointMinimumRetention({ retention: Duration.days(36501) })).toThrow(
      'AuditControl.recoveryPointMinimumRetention retention is 36501 days; AWS Backup Audit Manager takes whole days 1-36500 ' +
        '(e.g. Duration.days(36500))');
  });

  test('fails when manualDeletionDisabled names more than 5 principals', () => {
    const allowedPrincipalArns = Array.from({ length: 6 }, (_, i) => `arn:aws:iam::111111111111:role/Admin${i}`);
    expect(() => AuditControl.manualDeletionDisabled({ allowedPrincipalArns })).toThrow(
      "AuditControl.manualDeletionDisabled allowedPrincipalArns has 6 entries; AWS Backup Audit Manager takes 0-5 " +
        "(e.g. ['arn:aws:iam::111111111111:role/BreakGlass'])");
  });

  test('fails when manualDeletionDisabled names something that is not a role ARN', () => {
    expect(() => AuditControl.manualDeletionDisabled({ allowedPrincipalArns: ['BreakGlass'] })).toThrow(
      "AuditControl.manualDeletionDisabled allowedPrincipalArns contains 'BreakGlass', which is invalid: an IAM role ARN is " +
        "arn:<partition>:iam::<12-digit account>:role/<name> (e.g. 'arn:aws:iam::111111111111:role/BreakGlass')");
  });

  test('fails when protectedByVaultLock maxRetention is below minRetention', () => {
    expect(() => AuditControl.protectedByVaultLock({ minRetention: Duration.days(30), maxRetention: Duration.days(7) })).toThrow(
      'AuditControl.protectedByVaultLock maxRetention (7 days) is shorter than minRetention (30 days); set maxRetention to ' +
        'at least 30 days (e.g. Duration.days(30)) or lower minRetention');
  });

  const AGE_RANGE = 'AWS Backup Audit Manager takes whole hours 1-744 or whole days 1-31';
  test.each<[string, Duration, string]>([
    ['below an hour', Duration.minutes(30), `maxAge is 30 minutes; ${AGE_RANGE} (e.g. Duration.hours(1))`],
    ['above 744 hours', Duration.hours(745), `maxAge is 31 days 1 hour; ${AGE_RANGE} (e.g. Duration.days(31))`],
    ['32 days', Duration.days(32), `maxAge is 32 days; ${AGE_RANGE} (e.g. Duration.days(31))`],
  ])('fails when lastRecoveryPointCreated maxAge is %s', (_name, maxAge, message) => {
    expect(() => AuditControl.lastRecoveryPointCreated({ maxAge })).toThrow(`AuditControl.lastRecoveryPointCreated ${message}`);
  });

  const AIR_GAPPED_RANGE = 'AWS Backup Audit Manager takes whole hours 24-2184 or whole days 1-91';
  test.each<[string, Duration, string]>([
    ['below 24 hours', Duration.hours(12), `maxAge is 12 hours; ${AIR_GAPPED_RANGE} (e.g. Duration.hours(24))`],
    ['above 91 days', Duration.days(92), `maxAge is 92 days; ${AIR_GAPPED_RANGE} (e.g. Duration.days(91))`],
  ])('fails when inLogicallyAirGappedVault maxAge is %s', (_name, maxAge, message) => {
    expect(() => AuditControl.inLogicallyAirGappedVault({ maxAge })).toThrow(`AuditControl.inLogicallyAirGappedVault ${message}`);
  });

  test.each<[string, string[], string]>([
    ['empty', [], "regions has 0 entries; AWS Backup Audit Manager takes 1-5 (e.g. ['eu-central-1'])"],
    ['six regions', ['us-east-2', 'us-west-1', 'us-west-2', 'eu-west-1', 'eu-west-2', 'eu-central-1'],
      "regions has 6 entries; AWS Backup Audit Manager takes 1-5 (e.g. ['eu-central-1'])"],
    ['not a region', ['Frankfurt'], "regions contains 'Frankfurt', which is invalid: a region is named like us-east-1 (e.g. 'eu-central-1')"],
    ['a region twice', ['eu-west-1', 'eu-west-1'], "regions contains 'eu-west-1' twice; name each entry once"],
  ])('fails when crossRegionCopy regions is %s', (_name, regions, message) => {
    expect(() => AuditControl.crossRegionCopy({ regions })).toThrow(`AuditControl.crossRegionCopy ${message}`);
  });

  test.each<[string, string[], string]>([
    ['not 12 digits', ['2222'], "accounts contains '2222', which is invalid: an AWS account id is exactly 12 digits (e.g. '222222222222')"],
    ['six accounts', ['222222222221', '222222222222', '222222222223', '222222222224', '222222222225', '222222222226'],
      "accounts has 6 entries; AWS Backup Audit Manager takes 1-5 (e.g. ['222222222222'])"],
  ])('fails when crossAccountCopy accounts is %s', (_name, accounts, message) => {
    expect(() => AuditControl.crossAccountCopy({ accounts })).toThrow(`AuditControl.crossAccountCopy ${message}`);
  });

  test.each<[string, Duration, string]>([
    ['not whole minutes', Duration.seconds(90), 'maxRestoreTime is 1 minute 30 seconds; AWS Backup Audit Manager takes whole minutes, at least 1 (e.g. Duration.minutes(2))'],
    ['zero', Duration.minutes(0), 'maxRestoreTime is 0 minutes; AWS Backup Audit Manager takes whole minutes, at least 1 (e.g. Duration.minutes(1))'],
  ])('fails when restoreTimeMeetsTarget maxRestoreTime is %s', (_name, maxRestoreTime, message) => {
    expect(() => AuditControl.restoreTimeMeetsTarget({ maxRestoreTime })).toThrow(`AuditControl.restoreTimeMeetsTarget ${message}`);
  });

  test('fails when a scope names a resource type AWS Backup does not know', () => {
    expect(() => AuditControl.recoveryPointsEncrypted({ scope: { resourceTypes: ['Postgres'] } })).toThrow(
      "AuditControl.recoveryPointsEncrypted scope.resourceTypes contains 'Postgres', which is not an AWS Backup resource type; " +
        "use one of 'Aurora', 'CloudFormation', 'DocumentDB', 'DynamoDB', 'EBS', 'EC2', 'EFS', 'EKS', 'FSx', 'Neptune', 'RDS', " +
        "'Redshift', 'S3', 'SAP HANA on Amazon EC2', 'Storage Gateway', 'Timestream', 'VirtualMachine' (e.g. 'RDS')");
  });

  test('fails when a scope has an empty list of resource types', () => {
    expect(() => AuditControl.resourcesProtectedByBackupPlan({ scope: { resourceTypes: [] } })).toThrow(
      "AuditControl.resourcesProtectedByBackupPlan scope.resourceTypes is empty; leave it out to evaluate every resource type, or name some (e.g. ['RDS'])");
  });

  test.each([0, 101])('fails when a scope names %d resource ids', (count) => {
    const resourceIds = Array.from({ length: count }, (_, i) => `db-${i}`);
    expect(() => AuditControl.recoveryPointsEncrypted({ scope: { resourceIds } })).toThrow(
      `AuditControl.recoveryPointsEncrypted scope.resourceIds has ${count} entries; AWS Backup Audit Manager takes 1-100 ` +
        '(leave it out to evaluate every resource, or scope by resourceTypes or tag instead)');
  });

  test('fails when a scope tag has an empty key', () => {
    expect(() => AuditControl.recoveryPointsEncrypted({ scope: { tag: { key: '', value: 'daily' } } })).toThrow(
      "AuditControl.recoveryPointsEncrypted scope.tag has an empty key; give the tag key (e.g. { key: 'backup', value: 'daily' })");
  });

  test('fails when derivedControlScope is invalid', () => {
    const stack = newStack();
    expect(() => new BackupAuditFramework(stack, 'Audit', { plan: newPlan(stack), derivedControlScope: { resourceTypes: ['rds'] } }))
      .toThrow(/^S\/Audit: derivedControlScope\.resourceTypes contains 'rds', which is not an AWS Backup resource type/);
  });

  test('fails when a custom control name is not in capitals', () => {
    expect(() => AuditControl.custom({ controlName: 'backup-encrypted' })).toThrow(
      "AuditControl.custom controlName 'backup-encrypted' is invalid: control names are capital letters, digits and " +
        "underscores (e.g. 'BACKUP_RECOVERY_POINT_ENCRYPTED')");
  });
});

describe('BackupReportPlan', () => {
  interface Fixture {
    readonly stack: Stack;
    readonly bucket: s3.Bucket;
    readonly framework: BackupAuditFramework;
  }

  function fixture(app = new App()): Fixture {
    const stack = newStack(app);
    const key = new kms.Key(stack, 'ReportKey');
    const bucket = new s3.Bucket(stack, 'Reports', { encryption: s3.BucketEncryption.KMS, encryptionKey: key, enforceSSL: true });
    const framework = new BackupAuditFramework(stack, 'Audit', { controls: [AuditControl.recoveryPointsEncrypted()] });
    return { stack, bucket, framework };
  }

  function compliance(f: Fixture, props: Partial<BackupReportPlanProps> = {}): BackupReportPlan {
    return new BackupReportPlan(f.stack, 'Report', {
      bucket: f.bucket,
      template: ReportTemplate.CONTROL_COMPLIANCE_REPORT,
      frameworks: [f.framework],
      ...props,
    });
  }

  test('a control compliance report of a framework, delivered to the bucket under its prefix', () => {
    const f = fixture();
    const report = compliance(f, {
      reportPlanName: 'daily_compliance',
      description: 'Daily compliance of the DR controls',
      keyPrefix: 'backup-reports',
      formats: [ReportFormat.CSV, ReportFormat.JSON],
    });

    Template.fromStack(f.stack).hasResourceProperties('AWS::Backup::ReportPlan', {
      ReportPlanName: 'daily_compliance',
      ReportPlanDescription: 'Daily compliance of the DR controls',
      ReportDeliveryChannel: { S3BucketName: { Ref: 'Reports65402A0A' }, S3KeyPrefix: 'backup-reports', Formats: ['CSV', 'JSON'] },
      ReportSetting: {
        ReportTemplate: 'CONTROL_COMPLIANCE_REPORT',
        FrameworkArns: [{ 'Fn::GetAtt': ['Audit3D8ADE0A', 'FrameworkArn'] }],
      },
    });
    expect(report.reportPlanName).toBe('daily_compliance');
    expect(f.stack.resolve(report.reportPlanArn)).toEqual({ 'Fn::GetAtt': ['ReportC847FC22', 'ReportPlanArn'] });
  });

  test('the bucket policy lets the reports role (named in a condition, so the policy deploys before the role exists) put objects under the prefix, owned by the bucket owner', () => {
    const f = fixture();
    compliance(f, { keyPrefix: 'backup-reports' });

    Template.fromStack(f.stack).hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: 's3:PutObject',
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Reports65402A0A', 'Arn'] }, '/backup-reports/*']] },
          Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' }, ArnEquals: { 'aws:PrincipalArn': REPORTS_ROLE_ARN } },
        }]),
      },
    });
  });

  test('without a prefix the role may put objects anywhere in the bucket, as CSV', () => {
    const f = fixture();
    new BackupReportPlan(f.stack, 'Jobs', { bucket: f.bucket, template: ReportTemplate.BACKUP_JOB_REPORT });

    const template = Template.fromStack(f.stack);
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Condition: Match.objectLike({ ArnEquals: { 'aws:PrincipalArn': REPORTS_ROLE_ARN } }),
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Reports65402A0A', 'Arn'] }, '/*']] },
        })]),
      },
    });
    template.hasResourceProperties('AWS::Backup::ReportPlan', {
      ReportDeliveryChannel: { S3BucketName: { Ref: 'Reports65402A0A' }, S3KeyPrefix: Match.absent(), Formats: ['CSV'] },
      ReportSetting: { ReportTemplate: 'BACKUP_JOB_REPORT', FrameworkArns: Match.absent() },
      ReportPlanName: Match.stringLikeRegexp('^S_Jobs_[A-F0-9]{8}$'),
    });
  });

  test("the bucket's key lets the reports role generate data keys through S3 in this region", () => {
    const f = fixture();
    compliance(f);

    Template.fromStack(f.stack).hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([{
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: 'kms:GenerateDataKey',
          Resource: '*',
          Condition: {
            StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com', 'aws:PrincipalAccount': '111111111111' },
            ArnEquals: { 'aws:PrincipalArn': REPORTS_ROLE_ARN },
          },
        }]),
      },
    });
  });

  test('the report plan depends on the bucket policy and the key', () => {
    const f = fixture();
    compliance(f);

    const [plan] = Object.values(Template.fromStack(f.stack).findResources('AWS::Backup::ReportPlan'));
    expect(plan.DependsOn).toEqual(expect.arrayContaining(['ReportsPolicyA13B441D', 'ReportKey59FCFF66']));
  });

  test('createServiceLinkedRole creates the reports role, which the bucket policy, the key and the report plan wait for', () => {
    const f = fixture();
    compliance(f, { createServiceLinkedRole: true });

    const template = Template.fromStack(f.stack);
    template.hasResourceProperties('AWS::IAM::ServiceLinkedRole', { AWSServiceName: 'reports.backup.amazonaws.com' });
    const [roleId] = Object.keys(template.findResources('AWS::IAM::ServiceLinkedRole'));
    template.hasResource('AWS::S3::BucketPolicy', { DependsOn: [roleId] });
    template.hasResource('AWS::KMS::Key', { DependsOn: [roleId] });
    template.hasResource('AWS::Backup::ReportPlan', { DependsOn: Match.arrayWith([roleId]) });
  });

  test('without createServiceLinkedRole no role is created', () => {
    const f = fixture();
    compliance(f);

    Template.fromStack(f.stack).resourceCountIs('AWS::IAM::ServiceLinkedRole', 0);
  });

  test('an imported bucket gets a warning with the statement to add', () => {
    const stack = newStack();
    const bucket = s3.Bucket.fromBucketName(stack, 'Imported', 'central-backup-reports');
    new BackupReportPlan(stack, 'Jobs', { bucket, template: ReportTemplate.COPY_JOB_REPORT, keyPrefix: 'reports' });

    const statement = JSON.stringify({
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: 's3:PutObject',
      Resource: 'arn:aws:s3:::central-backup-reports/reports/*',
      Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' }, ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:${REPORTS_ROLE}` } },
    });
    const warnings = Annotations.fromStack(stack).findWarning('/S/Jobs', Match.anyValue());
    expect(warnings.map((w) => w.entry.data)).toEqual([
      'the policy of the imported bucket central-backup-reports cannot be changed here; add this statement to it, or AWS ' +
        `Backup cannot write the reports: ${statement}. If the bucket encrypts with a customer-managed KMS key, also allow ` +
        'that role kms:GenerateDataKey on the key with the condition kms:ViaService = s3.us-east-1.amazonaws.com ' +
        '[ack: cdk-backup-dr:BackupReportPlan.bucketPolicy]',
    ]);
  });

  test('an imported key gets a warning', () => {
    const stack = newStack();
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    const bucket = new s3.Bucket(stack, 'Reports', { encryption: s3.BucketEncryption.KMS, encryptionKey: key });
    new BackupReportPlan(stack, 'Jobs', { bucket, template: ReportTemplate.RESTORE_JOB_REPORT });

    Annotations.fromStack(stack).hasWarning('/S/Jobs', Match.stringLikeRegexp(
      'the policy of the imported key arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab of the ' +
        `report bucket cannot be changed here; allow .*${REPORTS_ROLE.replace(/\//g, '\\/')} kms:GenerateDataKey`));
  });

  test('organization settings are passed through', () => {
    const f = fixture();
    new BackupReportPlan(f.stack, 'Org', {
      bucket: f.bucket,
      template: ReportTemplate.SCAN_JOB_REPORT,
      accounts: ['222222222222'],
      organizationUnits: ['ou-ab12-cdefgh34'],
      regions: ['*'],
    });

    Template.fromStack(f.stack).hasResourceProperties('AWS::Backup::ReportPlan', {
      ReportSetting: {
        ReportTemplate: 'SCAN_JOB_REPORT',
        Accounts: ['222222222222'],
        OrganizationUnits: ['ou-ab12-cdefgh34'],
        Regions: ['*'],
      },
    });
  });

  test.each([ReportTemplate.BACKUP_JOB_REPORT, ReportTemplate.COPY_JOB_REPORT, ReportTemplate.RESTORE_JOB_REPORT, ReportTemplate.SCAN_JOB_REPORT])(
    'fails when the job report %s is given frameworks', (template) => {
      const f = fixture();
      expect(() => compliance(f, { template })).toThrow(
        `S/Report: frameworks is set (1 framework) but template ${template} reports on jobs, not frameworks; remove ` +
          'frameworks, or use RESOURCE_COMPLIANCE_REPORT or CONTROL_COMPLIANCE_REPORT');
    });

  test.each([ReportTemplate.RESOURCE_COMPLIANCE_REPORT, ReportTemplate.CONTROL_COMPLIANCE_REPORT])(
    'fails when the compliance report %s has no frameworks', (template) => {
      const f = fixture();
      expect(() => compliance(f, { template, frameworks: undefined })).toThrow(
        `S/Report: frameworks is missing; template ${template} reports the compliance of frameworks: give at least one ` +
          '(e.g. frameworks: [auditFramework])');
    });

  test('fails when the bucket is in another region', () => {
    const f = fixture();
    const bucket = s3.Bucket.fromBucketAttributes(f.stack, 'Elsewhere', { bucketName: 'reports-eu', region: 'eu-west-1' });
    expect(() => compliance(f, { bucket })).toThrow(
      "S/Report: bucket reports-eu is in region eu-west-1 but the report plan is in us-east-1; AWS Backup writes reports only " +
        "to a bucket of the report plan's account and region: use a bucket in region us-east-1");
  });

  test('fails when the bucket is in another account', () => {
    const f = fixture();
    const bucket = s3.Bucket.fromBucketAttributes(f.stack, 'Elsewhere', { bucketName: 'reports-dr', account: '222222222222' });
    expect(() => compliance(f, { bucket })).toThrow(
      'S/Report: bucket reports-dr is in account 222222222222 but the report plan is in 111111111111');
  });

  test('fails when keyPrefix starts with a slash', () => {
    expect(() => compliance(fixture(), { keyPrefix: '/reports' })).toThrow(
      "S/Report: keyPrefix '/reports' starts with '/', which AWS Backup rejects; drop the leading slash (e.g. 'reports')");
  });

  test('fails when keyPrefix ends with a slash', () => {
    expect(() => compliance(fixture(), { keyPrefix: 'reports/' })).toThrow(
      "S/Report: keyPrefix 'reports/' ends with '/'; AWS Backup adds '/Backup/...' itself, so the reports would land under " +
        "'reports//Backup/': drop the trailing slash (e.g. 'reports')");
  });

  test('fails when keyPrefix contains a wildcard', () => {
    expect(() => compliance(fixture(), { keyPrefix: 'reports*' })).toThrow(
      "S/Report: keyPrefix 'reports*' is contains '*' or '?', which the bucket policy would read as wildcards; give a " +
        "literal folder name (e.g. 'backup-reports') or leave keyPrefix out");
  });

  test.each([
    ['has a hyphen', 'daily-compliance'],
    ['starts with an underscore', '_daily'],
  ])('fails when reportPlanName %s', (_name, reportPlanName) => {
    expect(() => compliance(fixture(), { reportPlanName })).toThrow(
      `S/Report: reportPlanName '${reportPlanName}' is invalid: AWS Backup takes a letter, then letters, digits or ` +
        "underscores, 256 characters at most (e.g. 'daily_backup_compliance')");
  });

  test('fails when a format is given twice', () => {
    expect(() => compliance(fixture(), { formats: [ReportFormat.CSV, ReportFormat.CSV] })).toThrow(
      'S/Report: formats is [CSV, CSV]; give each format once, at least one (e.g. [ReportFormat.CSV, ReportFormat.JSON])');
  });

  test('fails when an account is not 12 digits', () => {
    expect(() => compliance(fixture(), { accounts: ['2222'] })).toThrow(
      "S/Report: accounts '2222' is invalid: an AWS account id is exactly 12 digits (e.g. '123456789012')");
  });

  test('fails when a region is not a region', () => {
    expect(() => compliance(fixture(), { regions: ['all'] })).toThrow(
      "S/Report: regions 'all' is invalid: a region is named like us-east-1, or '*' for all (e.g. 'us-east-1')");
  });

  test('fails when createServiceLinkedRole is set but the bucket policy is in another stack', () => {
    const app = new App();
    const f = fixture(app);
    const other = newStack(app, 'Reporting');
    expect(() => new BackupReportPlan(other, 'Report', {
      bucket: f.bucket,
      template: ReportTemplate.BACKUP_JOB_REPORT,
      createServiceLinkedRole: true,
    })).toThrow(
      'Reporting/Report: createServiceLinkedRole creates the reports role in stack Reporting, but the bucket policy that names ' +
        'it is in stack S, which deploys first and fails while the role does not exist: create the role beforehand (aws iam ' +
        'create-service-linked-role --aws-service-name reports.backup.amazonaws.com) and remove createServiceLinkedRole, ' +
        "or define the report plan in the bucket's stack");
  });
});
