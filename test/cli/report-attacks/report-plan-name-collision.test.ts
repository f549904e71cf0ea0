// Attack: a store that is not a database takes its RPO and copies from the plans that protect it, by identity, not
// from every plan of the same name in any account or region.
import { readPosture } from '../../../cli/report/posture';
import { plan, selection, stack, table, vault } from './helpers';

test('a weekly plan in account A is not made hourly (and copied elsewhere) by a same-named plan in account B', () => {
  const a = stack('A', {
    Orders: table('orders'),
    V: vault('local'),
    Plan: plan('daily', [{ RuleName: 'Weekly', ScheduleExpression: 'cron(0 5 ? * SUN *)', StartWindowMinutes: 60, Lifecycle: { DeleteAfterDays: 35 }, TargetBackupVault: 'local' }]),
    Sel: selection('Plan', [{ 'Fn::GetAtt': ['Orders', 'Arn'] }]),
  }, '111111111111', 'us-east-1');
  const b = stack('B', {
    V: vault('local'),
    Plan: plan('daily', [{
      RuleName: 'Hourly', ScheduleExpression: 'cron(0 * * * ? *)', StartWindowMinutes: 60, Lifecycle: { DeleteAfterDays: 7 }, TargetBackupVault: 'local',
      CopyActions: [{ DestinationBackupVaultArn: 'arn:aws:backup:eu-central-1:333333333333:backup-vault:dr', Lifecycle: { DeleteAfterDays: 35 } }],
    }]),
    Sel: selection('Plan', [], [{ key: 'team', value: 'b' }]),
  }, '222222222222', 'eu-west-1');

  const orders = readPosture([a, b], 't').stores.find((s) => s.name === 'orders')!;
  // Weekly + 1 h start window = 7 d 1 h. Today: 2 h (B's hourly rule).
  expect(orders.rpoSeconds.sameAccount).toBe(7 * 86400 + 3600);
  // Nothing of A's leaves A. Today: B's copy to 333333333333 / eu-central-1 is listed as Orders' copy.
  expect(orders.rpoSeconds.otherAccount).toBeUndefined();
  expect(orders.copies).toEqual([]);
  expect(orders.gaps).toEqual(expect.arrayContaining([expect.stringMatching(/^no copy outside its account/)]));
});
