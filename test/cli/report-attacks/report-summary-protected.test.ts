// Attack: the summary counts a store as protected only when the coverage check finds it protected for the minimum
// retention, not whenever it has any protection.
import { readPosture } from '../../../cli/report/posture';
import { stack, table } from './helpers';

test('a table whose only protection keeps 1 day (7 required) is not counted as protected', () => {
  const s = stack('A', { Orders: table('orders', { PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 1 } }) }, '111111111111', 'us-east-1');
  const p = readPosture([s], 't');
  expect(p.stores[0].gaps).toEqual(expect.arrayContaining([expect.stringMatching(/reaches back 1 day, less than the required 7 days/)]));
  expect(p.summary.protected).toBe(0);
});
