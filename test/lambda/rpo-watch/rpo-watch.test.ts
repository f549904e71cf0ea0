// Issue 13, "RPO watched": the function that turns each tier's RPO into a measured number. RDS and AWS Backup are
// control-plane APIs that cannot run here, so their clients are mocked (aws-sdk-client-mock); the measurement, the
// pagination, the EMF output and the failure handling are the real code.
import { Metrics } from '@aws-lambda-powertools/metrics';
import { BackupClient, ListCopyJobsCommand, ListRecoveryPointsByResourceCommand } from '@aws-sdk/client-backup';
import { DBInstanceNotFoundFault, DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { createJobLogger } from '../../../lambda/shared/logger';
import { publish, readConfig, watch, WatchConfig } from '../../../lambda/rpo-watch/index';
import { vaultNameOf } from '../../../lambda/rpo-watch/measure';
import { captureHandlerOutput } from '../handler-output';

const NOW = new Date('2026-12-07T12:00:00Z');
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);
const INSTANCE = 'arn:aws:rds:us-east-1:111111111111:db:orders';
const CLUSTER = 'arn:aws:rds:us-east-1:111111111111:cluster:billing';
const CENTRAL = 'arn:aws:backup:us-east-1:222222222222:backup-vault:backup-dr-central';
const DR = 'arn:aws:backup:us-west-2:222222222222:backup-vault:backup-dr-dr';

const rds = mockClient(RDSClient);
const backup = mockClient(BackupClient);
const logger = createJobLogger('rpo-watch', 'test', { logLevel: 'SILENT' });
const deps = () => ({ rds: new RDSClient({ region: 'us-east-1' }), backup: new BackupClient({ region: 'us-east-1' }), now: () => NOW, logger });
const config = (...arns: string[]): WatchConfig => ({ databases: arns.map((arn) => ({ name: arn.split(':').pop()!, arn })), copyLookbackDays: 35 });

beforeEach(() => {
  rds.reset();
  backup.reset();
  backup.on(ListRecoveryPointsByResourceCommand).resolves({ RecoveryPoints: [] });
  backup.on(ListCopyJobsCommand).resolves({ CopyJobs: [] });
});

test('an instance: its PITR lag, and the age of its newest recovery point in the local vault and in each copy vault', async () => {
  rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: INSTANCE })
    .resolves({ DBInstances: [{ DBInstanceStatus: 'available', LatestRestorableTime: minutesAgo(4) }] });
  backup.on(ListRecoveryPointsByResourceCommand, { ResourceArn: INSTANCE }).resolves({
    RecoveryPoints: [
      { RecoveryPointArn: 'rp-old', BackupVaultName: 'backup-dr-local', Status: 'COMPLETED', CreationDate: minutesAgo(60 * 26) },
      { RecoveryPointArn: 'rp-new', BackupVaultName: 'backup-dr-local', Status: 'COMPLETED', CreationDate: minutesAgo(60 * 2) },
      { RecoveryPointArn: 'rp-partial', BackupVaultName: 'backup-dr-local', Status: 'PARTIAL', CreationDate: minutesAgo(10) },
    ],
  });
  backup.on(ListCopyJobsCommand, { ByResourceArn: INSTANCE }).resolves({
    CopyJobs: [
      { State: 'COMPLETED', DestinationBackupVaultArn: CENTRAL, SourceRecoveryPointArn: 'rp-new', CompletionDate: minutesAgo(60) },
      { State: 'COMPLETED', DestinationBackupVaultArn: DR, SourceRecoveryPointArn: 'rp-old', CompletionDate: minutesAgo(60 * 25) },
      // Its source has expired from the local vault: counted from its completion.
      { State: 'COMPLETED', DestinationBackupVaultArn: DR, SourceRecoveryPointArn: 'rp-gone', CompletionDate: minutesAgo(60 * 30) },
    ],
  });

  const result = await watch(config(INSTANCE), deps());
  expect(result.failed).toEqual([]);
  expect(result.measurements).toEqual([
    { metric: 'RecoveryPointLagSeconds', database: 'orders', seconds: 240 },
    { metric: 'NewestRecoveryPointAgeSeconds', database: 'orders', vault: '222222222222/us-east-1/backup-dr-central', seconds: 7200 },
    { metric: 'NewestRecoveryPointAgeSeconds', database: 'orders', vault: '222222222222/us-west-2/backup-dr-dr', seconds: 93600 },
    { metric: 'NewestRecoveryPointAgeSeconds', database: 'orders', vault: 'backup-dr-local', seconds: 7200 },
  ]);
  // Only completed copy jobs of the last copyLookbackDays are listed.
  const listed = backup.commandCalls(ListCopyJobsCommand)[0].args[0].input;
  expect(listed).toMatchObject({ ByResourceArn: INSTANCE, ByState: 'COMPLETED', ByCreatedAfter: new Date(NOW.getTime() - 35 * 86_400_000) });
});

test('a cluster (Aurora, DocumentDB, Neptune) is described as a cluster; every page of recovery points is read', async () => {
  rds.on(DescribeDBClustersCommand, { DBClusterIdentifier: CLUSTER })
    .resolves({ DBClusters: [{ Status: 'available', LatestRestorableTime: minutesAgo(1) }] });
  backup.on(ListRecoveryPointsByResourceCommand, { ResourceArn: CLUSTER })
    .resolvesOnce({ RecoveryPoints: [{ RecoveryPointArn: 'a', BackupVaultName: 'local', Status: 'COMPLETED', CreationDate: minutesAgo(300) }], NextToken: 'page-2' })
    .resolvesOnce({ RecoveryPoints: [{ RecoveryPointArn: 'b', BackupVaultName: 'local', Status: 'COMPLETED', CreationDate: minutesAgo(30) }] });
  const result = await watch(config(CLUSTER), deps());
  expect(rds.commandCalls(DescribeDBInstancesCommand)).toHaveLength(0);
  expect(result.measurements).toEqual([
    { metric: 'RecoveryPointLagSeconds', database: 'billing', seconds: 60 },
    { metric: 'NewestRecoveryPointAgeSeconds', database: 'billing', vault: 'local', seconds: 1800 },
  ]);
});

test.each([
  ['being created', { DBInstanceStatus: 'creating' }, 'is creating'],
  ['without a restorable time yet', { DBInstanceStatus: 'available' }, 'has no restorable time yet'],
])('a database %s is not measured, and says why (the alarm sees missing data)', async (_case, instance, reason) => {
  rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [instance] });
  const result = await watch(config(INSTANCE), deps());
  expect(result.measurements).toEqual([]);
  expect(result.skipped).toEqual([{ metric: 'RecoveryPointLagSeconds', database: 'orders', reason: expect.stringContaining(reason) }]);
  expect(result.failed).toEqual([]);
});

test('a database RDS does not know is skipped with the reason; a failing call fails that database only', async () => {
  rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: INSTANCE })
    .rejects(new DBInstanceNotFoundFault({ message: 'DBInstance orders not found', $metadata: {} }));
  rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [{ Status: 'available', LatestRestorableTime: minutesAgo(2) }] });
  backup.on(ListRecoveryPointsByResourceCommand, { ResourceArn: CLUSTER }).rejects(Object.assign(new Error('User is not authorized to perform: backup:ListRecoveryPointsByResource'), { name: 'AccessDeniedException' }));
  const result = await watch(config(INSTANCE, CLUSTER), deps());
  expect(result.skipped).toEqual([{ metric: 'RecoveryPointLagSeconds', database: 'orders', reason: expect.stringContaining('RDS does not know') }]);
  expect(result.failed).toEqual([{ database: 'billing', error: 'AccessDeniedException: User is not authorized to perform: backup:ListRecoveryPointsByResource' }]);
});

test('past its deadline a database fails with the reason instead of running on', async () => {
  rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ DBInstanceStatus: 'available', LatestRestorableTime: minutesAgo(1) }] });
  const signal = AbortSignal.abort(new Error('no time left before the deadline'));
  const result = await watch(config(INSTANCE), { ...deps(), signal });
  expect(result.failed).toEqual([{ database: 'orders', error: 'Error: no time left before the deadline' }]);
  expect(rds.commandCalls(DescribeDBInstancesCommand)).toHaveLength(0);
});

test('publishes EMF in namespace CdkBackupDr with the Database (and Vault) dimensions only', () => {
  const output = captureHandlerOutput();
  try {
    publish({
      measurements: [
        { metric: 'RecoveryPointLagSeconds', database: 'orders', seconds: 240 },
        { metric: 'NewestRecoveryPointAgeSeconds', database: 'orders', vault: 'backup-dr-local', seconds: 7200 },
      ],
      skipped: [],
      failed: [],
    }, () => new Metrics({ namespace: 'CdkBackupDr', serviceName: 'rpo-watch' }));
  } finally {
    jest.restoreAllMocks();
  }
  const emf = output.emf() as any[];
  expect(emf.map((doc) => doc._aws.CloudWatchMetrics[0])).toEqual([
    { Namespace: 'CdkBackupDr', Dimensions: [['Database']], Metrics: [{ Name: 'RecoveryPointLagSeconds', Unit: 'Seconds' }] },
    { Namespace: 'CdkBackupDr', Dimensions: [['Database', 'Vault']], Metrics: [{ Name: 'NewestRecoveryPointAgeSeconds', Unit: 'Seconds' }] },
  ]);
  expect(emf[1]).toMatchObject({ Database: 'orders', Vault: 'backup-dr-local', NewestRecoveryPointAgeSeconds: 7200 });
});

test('the configuration names its variable when it is wrong', () => {
  expect(() => readConfig({})).toThrow('environment variable RPO_DATABASES is not set');
  expect(() => readConfig({ RPO_DATABASES: '[{"name": "orders"}]' })).toThrow(/RPO_DATABASES must be a list of \{ "name", "arn" \} with RDS ARNs/);
  expect(readConfig({ RPO_DATABASES: JSON.stringify([{ name: 'orders', arn: INSTANCE }]) })).toEqual({ databases: [{ name: 'orders', arn: INSTANCE }], copyLookbackDays: 35 });
  expect(vaultNameOf('not-an-arn')).toBe('not-an-arn');
});
