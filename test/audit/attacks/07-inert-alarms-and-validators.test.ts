// Attack on BackupFailureAlarm and RestoreDrillValidated: a watcher that can never tell anyone does not count: an
// alarm with ActionsEnabled false or no AlarmActions, an EventBridge rule that is DISABLED, has no targets, sits on a
// custom bus (AWS Backup publishes to the default bus only) or matches only COMPLETED jobs. Turning an alarm's actions
// off is the quiet first step before stopping backups.
import { ruleOutcome, stackOf } from './helpers';

const VAULT = { Type: 'AWS::Backup::BackupVault', Properties: { BackupVaultName: 'v' } };
const PLAN = { Type: 'AWS::Backup::BackupPlan', Properties: { BackupPlan: { BackupPlanName: 'p', BackupPlanRule: [{ RuleName: 'Daily', TargetBackupVault: { Ref: 'Vault' }, Lifecycle: { DeleteAfterDays: 35 } }] } } };
const TARGETS = [{ Id: 't', Arn: 'arn:aws:sns:us-east-1:111111111111:ops' }];

function withWatcher(watcher: Record<string, unknown>) {
  return [stackOf({ Resources: { Vault: VAULT, Plan: PLAN, Watcher: watcher } as never })];
}

const alarm = (extra: Record<string, unknown>) => ({
  Type: 'AWS::CloudWatch::Alarm',
  Properties: {
    Namespace: 'AWS/Backup', MetricName: 'NumberOfBackupJobsFailed', Dimensions: [{ Name: 'BackupVaultName', Value: { Ref: 'Vault' } }],
    Threshold: 1, EvaluationPeriods: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', Statistic: 'Sum', Period: 3600,
    AlarmActions: ['arn:aws:sns:us-east-1:111111111111:ops'], ...extra,
  },
});
const rule = (extra: Record<string, unknown>, detail?: Record<string, unknown>) => ({
  Type: 'AWS::Events::Rule',
  Properties: { EventPattern: { source: ['aws.backup'], 'detail-type': ['Backup Job State Change'], ...(detail ? { detail } : {}) }, Targets: TARGETS, ...extra },
});

test('baseline: a working alarm is compliant', () => {
  expect(ruleOutcome(withWatcher(alarm({})), 'BackupFailureAlarm', 'Plan').status).toBe('compliant');
});

test('an alarm with ActionsEnabled false', () => {
  expect(ruleOutcome(withWatcher(alarm({ ActionsEnabled: false })), 'BackupFailureAlarm', 'Plan').status).toBe('non-compliant');
});

test('an alarm without AlarmActions (nobody is told)', () => {
  expect(ruleOutcome(withWatcher(alarm({ AlarmActions: undefined })), 'BackupFailureAlarm', 'Plan').status).toBe('non-compliant');
});

test('an EventBridge rule that is DISABLED', () => {
  expect(ruleOutcome(withWatcher(rule({ State: 'DISABLED' })), 'BackupFailureAlarm', 'Plan').status).toBe('non-compliant');
});

test('an EventBridge rule with Targets: []', () => {
  expect(ruleOutcome(withWatcher(rule({ Targets: [] })), 'BackupFailureAlarm', 'Plan').status).toBe('non-compliant');
});

test('an EventBridge rule on a custom event bus (AWS Backup events reach the default bus only)', () => {
  expect(ruleOutcome(withWatcher(rule({ EventBusName: 'quiet-bus' })), 'BackupFailureAlarm', 'Plan').status).toBe('non-compliant');
});

test('an EventBridge rule that matches only COMPLETED jobs', () => {
  expect(ruleOutcome(withWatcher(rule({}, { state: ['COMPLETED'] })), 'BackupFailureAlarm', 'Plan').status).toBe('non-compliant');
});

test('RestoreDrillValidated: a restore testing plan whose validator rule is DISABLED (or has no targets)', () => {
  const drill = {
    Drill: { Type: 'AWS::Backup::RestoreTestingPlan', Properties: { RestoreTestingPlanName: 'drill', ScheduleExpression: 'cron(0 3 1 * ? *)', RecoveryPointSelection: {} } },
    DrillSel: { Type: 'AWS::Backup::RestoreTestingSelection', Properties: { RestoreTestingPlanName: { Ref: 'Drill' }, RestoreTestingSelectionName: 'db', ProtectedResourceType: 'RDS', IamRoleArn: 'r' } },
    Validator: { Type: 'AWS::Events::Rule', Properties: { State: 'DISABLED', EventPattern: { source: ['aws.backup'], 'detail-type': ['Restore Job State Change'] }, Targets: [] } },
  };
  const stacks = [stackOf({ Resources: { Vault: VAULT, Plan: PLAN, ...drill } as never })];
  expect(ruleOutcome(stacks, 'RestoreDrillValidated', 'Plan').status).toBe('non-compliant');
});
