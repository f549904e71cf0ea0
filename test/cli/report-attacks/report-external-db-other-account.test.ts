// Attack: a database named by ARN is matched to a database the app defines by identifier, region and account: an
// external database of another account with the same identifier must not take over the defined one's entry.
import { readPosture } from '../../../cli/report/posture';
import { plan, selection, stack, vault } from './helpers';

test('the app\'s own unprotected orders (111) and another account\'s orders (222) are two stores', () => {
  const a = stack('A', {
    Orders: { Type: 'AWS::RDS::DBInstance', Properties: { DBInstanceIdentifier: 'orders', Engine: 'postgres', BackupRetentionPeriod: 0, DeletionProtection: true } },
  }, '111111111111', 'us-east-1');
  const b = stack('B', {
    V: vault('local'),
    Plan: plan('p', [{ RuleName: 'Daily', ScheduleExpression: 'cron(0 2 * * ? *)', StartWindowMinutes: 60, Lifecycle: { DeleteAfterDays: 35 }, TargetBackupVault: 'local' }]),
    Sel: selection('Plan', ['arn:aws:rds:us-east-1:222222222222:db:orders']),
  }, '222222222222', 'us-east-1');

  const p = readPosture([a, b], 't');
  const orders = p.stores.filter((s) => s.name === 'orders').map((s) => ({ account: s.account, path: s.path, defined: s.defined }));
  expect(orders).toEqual(expect.arrayContaining([
    { account: '111111111111', path: 'A/Orders', defined: true },
    { account: '222222222222', path: undefined, defined: false },
  ]));
});
