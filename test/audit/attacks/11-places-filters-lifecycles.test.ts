// Attacks found in the second pass: an alarm or plan in an environment-agnostic stack that may deploy anywhere is not
// shown to watch or protect a store of a known account and region; a replication rule with a prefix or tag filter
// copies only part of the bucket; a copy kept one day is no copy.
import { coverageOf, ruleOutcome, stackOf } from './helpers';

const TABLE = { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'orders', DeletionProtectionEnabled: true } };
const PLAN = {
  Type: 'AWS::Backup::BackupPlan',
  Properties: { BackupPlan: { BackupPlanName: 'p', BackupPlanRule: [{ RuleName: 'Daily', TargetBackupVault: 'v', ScheduleExpression: 'cron(0 5 * * ? *)', Lifecycle: { DeleteAfterDays: 35 } }] } },
};
const SELECTION = { Type: 'AWS::Backup::BackupSelection', Properties: { BackupPlanId: { Ref: 'Plan' }, BackupSelection: { SelectionName: 's', IamRoleArn: 'r', Resources: ['arn:aws:dynamodb:*:*:table/*'] } } };

test('a plan in an environment-agnostic stack does not protect a store of a known account and region', () => {
  const stacks = [
    stackOf({ Resources: { Orders: TABLE as never } }, { stackName: 'Data' }),
    stackOf({ Resources: { Plan: PLAN as never, Sel: SELECTION as never } }, { stackName: 'Backups', account: undefined, region: undefined }),
  ];
  expect(coverageOf(stacks, 'Orders').protections).toEqual([]);
  // Both agnostic (templates read alone): one place.
  const agnostic = [stackOf({ Resources: { Orders: TABLE as never, Plan: PLAN as never, Sel: SELECTION as never } }, { account: undefined, region: undefined })];
  expect(coverageOf(agnostic, 'Orders').protections.map((p) => p.kind)).toEqual(['backup-plan']);
});

test('a replication rule with a prefix or tag filter does not count as a copy of the bucket', () => {
  const bucket = (filter: unknown) => [stackOf({
    Resources: {
      Files: {
        Type: 'AWS::S3::Bucket',
        Properties: {
          VersioningConfiguration: { Status: 'Enabled' },
          ReplicationConfiguration: { Role: 'r', Rules: [{ Status: 'Enabled', Filter: filter, Destination: { Bucket: 'arn:aws:s3:::replica' } }] },
        },
      },
    } as never,
  })];
  expect(coverageOf(bucket({ Prefix: 'logs/' }), 'Files').protections).toEqual([]);
  expect(coverageOf(bucket({ Tag: { Key: 'copy', Value: 'yes' } }), 'Files').protections).toEqual([]);
  expect(coverageOf(bucket({ Prefix: '' }), 'Files').protections.map((p) => p.description)).toEqual(['replicated to arn:aws:s3:::replica']);
});

test('a copy kept one day does not satisfy the copy lifecycle rule', () => {
  const plan = (days: number) => [stackOf({
    Resources: {
      Plan: {
        Type: 'AWS::Backup::BackupPlan',
        Properties: {
          BackupPlan: {
            BackupPlanName: 'p',
            BackupPlanRule: [{ RuleName: 'Daily', TargetBackupVault: 'v', Lifecycle: { DeleteAfterDays: 35 }, CopyActions: [{ DestinationBackupVaultArn: 'arn:aws:backup:us-west-2:222222222222:backup-vault:dr', Lifecycle: { DeleteAfterDays: days } }] }],
          },
        },
      },
    } as never,
  })];
  expect(ruleOutcome(plan(1), 'BackupCopyLifecycle', 'Plan')).toEqual({ status: 'non-compliant', reasons: ['rule Daily, copy 1 (arn:aws:backup:us-west-2:222222222222:backup-vault:dr) deletes after 1 day(s), less than 7'] });
  expect(ruleOutcome(plan(7), 'BackupCopyLifecycle', 'Plan').status).toBe('compliant');
});

test('an exemption without a reason (written into the template by hand) does not exempt', () => {
  const table = (reason: string) => [stackOf({ Resources: { Orders: { ...TABLE, Metadata: { 'cdk-backup-dr:BackupCoverage.exemption': reason } } as never } })];
  expect(coverageOf(table('   '), 'Orders')).toMatchObject({ exemption: undefined, problems: [expect.stringMatching(/^no backup plan selects it/)] });
  expect(coverageOf(table('Session tokens that expire within an hour'), 'Orders')).toMatchObject({ exemption: 'Session tokens that expire within an hour', problems: [] });
});
