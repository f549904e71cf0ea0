// Attack: AWS Backup's continuous backup (PITR) covers RDS, Aurora and S3 (and SAP HANA). A DynamoDB table or an EFS
// file system under a continuous rule gets that rule's snapshots, not PITR, so its RPO is the schedule's, not 5 minutes.
import { readPosture } from '../../../cli/report/posture';
import { plan, selection, stack, table, vault } from './helpers';

test.each([
  ['a DynamoDB table', 'Store', table('orders'), 'orders'],
  ['an EFS file system', 'Store', { Type: 'AWS::EFS::FileSystem', Properties: {} }, 'Store (named at deploy)'],
])('%s under a daily continuous rule has a daily RPO, not 5 minutes', (_what, id, resource, name) => {
  const s = stack('A', {
    [id]: resource,
    V: vault('local'),
    Plan: plan('p', [{
      RuleName: 'Continuous', ScheduleExpression: 'cron(0 2 * * ? *)', StartWindowMinutes: 60, EnableContinuousBackup: true,
      Lifecycle: { DeleteAfterDays: 35 }, TargetBackupVault: 'local',
    }]),
    Sel: selection('Plan', [], [{ key: 'backup', value: 'yes' }]),
  }, '111111111111', 'us-east-1');
  // Tag it so the tag selection picks it.
  const props = (s.template.Resources as Record<string, { Properties: Record<string, unknown> }>)[id].Properties;
  if (id === 'Store' && (resource as { Type: string }).Type === 'AWS::EFS::FileSystem') props.FileSystemTags = [{ Key: 'backup', Value: 'yes' }];
  else props.Tags = [{ Key: 'backup', Value: 'yes' }];

  const store = readPosture([s], 't').stores.find((x) => x.name === name)!;
  expect(store.protections.length).toBeGreaterThan(0);
  // Daily + 1 h start window; today 300 s (treated as point-in-time recovery).
  expect(store.rpoSeconds.sameAccount).toBe(25 * 3600);
});
