// Attack: a dump verification proves a database only when it restores that database's dumps (same bucket and prefix):
// a staging account's verification job of its own "app" is not prod's drill. (Restore-time alarms and job alarms are
// still joined by the database's logical name: one app with two databases of one name in two accounts would mix them.)
import { readPosture } from '../../../cli/report/posture';
import { plan, selection, stack, vault } from './helpers';

test('staging\'s dump verification does not prove prod\'s database of the same name', () => {
  const prod = stack('Prod', {
    V: vault('local'),
    Plan: plan('p', [{ RuleName: 'Daily', ScheduleExpression: 'cron(0 2 * * ? *)', StartWindowMinutes: 60, Lifecycle: { DeleteAfterDays: 35 }, TargetBackupVault: 'local' }]),
    Sel: selection('Plan', ['arn:aws:rds:us-east-1:111111111111:db:app']),
  }, '111111111111', 'us-east-1');
  const staging = stack('Staging', {
    Verify: { Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: { VERIFY_DATABASE: 'app', VERIFY_BUCKET: 'b' } } } },
    Rto: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: { Namespace: 'CdkBackupDr', MetricName: 'RestoreDurationSeconds', Threshold: 600, Dimensions: [{ Name: 'Database', Value: 'app' }], AlarmActions: ['arn:aws:sns:us-east-1:999999999999:t'] },
    },
  }, '999999999999', 'eu-west-1');

  const app = readPosture([prod, staging], 't').stores.find((s) => s.account === '111111111111')!;
  expect(app.drills).toEqual([]);
  expect(app.gaps).toContain('no restore drill or dump verification restores it on a schedule');
});
