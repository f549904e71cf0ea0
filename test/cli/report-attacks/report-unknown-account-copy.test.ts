// Attack: a template read alone has no account, so a copy to a vault ARN with an account cannot be shown to leave the
// stack's account (it may deploy to that very account): the "no copy outside its account" gap stays.
import { readPosture } from '../../../cli/report/posture';
import { plan, selection, stack, table, vault } from './helpers';

test('a copy to 111111111111 from a stack of unknown account is not shown as a copy outside the account', () => {
  const s = stack('plain', {
    Orders: table('orders', { PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
    V: vault('local'),
    Plan: plan('p', [{
      RuleName: 'Daily', ScheduleExpression: 'cron(0 2 * * ? *)', StartWindowMinutes: 60, Lifecycle: { DeleteAfterDays: 35 }, TargetBackupVault: 'local',
      // Same region, an account that may well be the stack's own.
      CopyActions: [{ DestinationBackupVaultArn: 'arn:aws:backup:us-east-1:111111111111:backup-vault:other', Lifecycle: { DeleteAfterDays: 35 } }],
    }]),
    Sel: selection('Plan', [{ 'Fn::GetAtt': ['Orders', 'Arn'] }]),
  });
  const orders = readPosture([s], 't').stores[0];
  expect(orders.rpoSeconds.otherAccount).toBeUndefined();
  expect(orders.gaps).toEqual(expect.arrayContaining([expect.stringMatching(/^no copy outside its account/)]));
});
