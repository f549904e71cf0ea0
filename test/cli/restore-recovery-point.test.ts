// `restore recovery-point` with the AWS Backup, RDS and DocumentDB clients mocked: which point is chosen, the metadata
// sent, the waiting, the instance added to a restored cluster, and errors named with their exit codes.
import { mockClient } from 'aws-sdk-client-mock';
import {
  BackupClient, DescribeRecoveryPointCommand, DescribeRestoreJobCommand, GetRecoveryPointRestoreMetadataCommand,
  ListRecoveryPointsByBackupVaultCommand, RestoreJobStatus, StartRestoreJobCommand,
} from '@aws-sdk/client-backup';
import { AddTagsToResourceCommand, CreateDBInstanceCommand, DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { DocDBClient } from '@aws-sdk/client-docdb';
import { CliError, EXIT } from '../../cli/exit-codes';
import { describeRecoveryPoint, RecoveryPointOptions, restoreRecoveryPoint, setKey } from '../../cli/restore/recovery-point';
import { captureOutput, fakeClock } from './cli-output';

const backup = mockClient(BackupClient);
const rds = mockClient(RDSClient);
const docdb = mockClient(DocDBClient);

const POINT = 'arn:aws:rds:eu-west-1:222222222222:snapshot:awsbackup:job-0a1b2c3d';
const SOURCE_DB = 'arn:aws:rds:eu-west-1:111111111111:db:app';
const ROLE = 'arn:aws:iam::222222222222:role/restore';
const notFound = (name: string) => Object.assign(new Error(`${name}: not found`), { name });

function options(overrides: Partial<RecoveryPointOptions> = {}): RecoveryPointOptions {
  return {
    vault: 'app-central', recoveryPoint: POINT, target: 'app-restored', iamRole: ROLE, set: {}, copyTags: true, wait: true,
    timeoutSeconds: 7200, pollSeconds: 60, dryRun: false, ...overrides,
  };
}

function run(o: RecoveryPointOptions, clock = fakeClock()) {
  const out = captureOutput({ now: clock.now });
  const promise = restoreRecoveryPoint({
    backup: new BackupClient({ region: 'eu-west-1' }), rds: new RDSClient({ region: 'eu-west-1' }), docdb: new DocDBClient({ region: 'eu-west-1' }),
    output: out.output, region: 'eu-west-1', waiting: { sleep: clock.sleep, now: clock.now }, now: clock.now,
  }, o);
  return { promise, out };
}

async function failure(promise: Promise<unknown>): Promise<CliError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(CliError);
  return err as CliError;
}

function rdsPoint(statuses: Array<{ Status: RestoreJobStatus; PercentDone?: string; StatusMessage?: string }> = [
  { Status: 'PENDING' }, { Status: 'RUNNING', PercentDone: '40.00%' }, { Status: 'COMPLETED', PercentDone: '100.00%' },
]) {
  backup.on(DescribeRecoveryPointCommand).resolves({
    RecoveryPointArn: POINT, ResourceArn: SOURCE_DB, ResourceType: 'RDS', Status: 'COMPLETED', CreationDate: new Date('2026-03-01T05:10:00Z'),
  });
  backup.on(GetRecoveryPointRestoreMetadataCommand).resolves({
    RestoreMetadata: {
      dbInstanceIdentifier: 'app', DBInstanceClass: 'db.m7g.large', DBSubnetGroupName: 'app-subnets', VpcSecurityGroupIds: '["sg-app"]',
      MultiAZ: 'true', Engine: 'postgres',
    },
  });
  rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'app-restored' }).rejects(notFound('DBInstanceNotFoundFault'));
  backup.on(StartRestoreJobCommand).resolves({ RestoreJobId: 'job-42' });
  const job = backup.on(DescribeRestoreJobCommand);
  for (const s of statuses) {
    job.resolvesOnce({ RestoreJobId: 'job-42', ...s, CreatedResourceArn: s.Status === 'COMPLETED' ? 'arn:aws:rds:eu-west-1:222222222222:db:app-restored' : undefined });
  }
}

beforeEach(() => {
  backup.reset();
  rds.reset();
  docdb.reset();
  rds.on(AddTagsToResourceCommand).resolves({});
});

test('setKey replaces a key that differs only in case', () => {
  const m: Record<string, string> = { dbinstanceidentifier: 'app', Other: 'x' };
  setKey(m, 'DBInstanceIdentifier', 'new');
  expect(m).toEqual({ Other: 'x', DBInstanceIdentifier: 'new' });
});

test('an RDS recovery point: the reported metadata with the new identifier and the overrides; waits for the job', async () => {
  rdsPoint();
  const { promise, out } = run(options({ securityGroups: ['sg-restore'], set: { multiaz: 'false' } }));
  const result = await promise;
  expect(backup.commandCalls(StartRestoreJobCommand).map((c) => c.args[0].input)).toEqual([{
    RecoveryPointArn: POINT, IamRoleArn: ROLE, ResourceType: 'RDS', CopySourceTagsToRestoredResource: true,
    IdempotencyToken: 'cdk-backup-dr-app-restored-job-0a1b2c3d',
    Metadata: {
      DBInstanceIdentifier: 'app-restored', DBInstanceClass: 'db.m7g.large', DBSubnetGroupName: 'app-subnets',
      VpcSecurityGroupIds: '["sg-restore"]', multiaz: 'false', Engine: 'postgres',
    },
  }]);
  expect(result).toMatchObject({
    status: 'restored', resourceType: 'RDS', restoreJobId: 'job-42', sourceResource: SOURCE_DB,
    createdResource: 'arn:aws:rds:eu-west-1:222222222222:db:app-restored', seconds: 120,
  });
  expect(out.stderr()).toContain('restore job job-42: RUNNING (40.00% done), 1m 00s elapsed');
  expect(rds.commandCalls(AddTagsToResourceCommand).map((c) => c.args[0].input)).toEqual([{
    ResourceName: 'arn:aws:rds:eu-west-1:222222222222:db:app-restored',
    Tags: [{ Key: 'cdk-backup-dr:restored-from', Value: POINT }, { Key: 'cdk-backup-dr:recovery-point-created', Value: '2026-03-01T05:10:00.000Z' }],
  }]);
  expect(describeRecoveryPoint(result)[2]).toBe('elapsed 2m 00s (the measured RTO of this restore)');
});

test('--resource: the newest completed point created before the time, across pages', async () => {
  backup.on(ListRecoveryPointsByBackupVaultCommand)
    .resolvesOnce({
      RecoveryPoints: [
        { RecoveryPointArn: 'arn:aws:rds:eu-west-1:222222222222:snapshot:awsbackup:job-old', Status: 'COMPLETED', CreationDate: new Date('2026-02-27T05:00:00Z') },
        { RecoveryPointArn: 'arn:aws:rds:eu-west-1:222222222222:snapshot:awsbackup:job-partial', Status: 'PARTIAL', CreationDate: new Date('2026-03-01T06:00:00Z') },
      ],
      NextToken: 'page-2',
    })
    .resolvesOnce({ RecoveryPoints: [{ RecoveryPointArn: POINT, Status: 'COMPLETED', CreationDate: new Date('2026-03-01T05:10:00Z') }] });
  rdsPoint();
  await run(options({ recoveryPoint: undefined, resource: SOURCE_DB, before: new Date('2026-03-01T12:00:00Z') })).promise;
  expect(backup.commandCalls(ListRecoveryPointsByBackupVaultCommand)[0].args[0].input).toMatchObject({
    BackupVaultName: 'app-central', ByResourceArn: SOURCE_DB, ByCreatedBefore: new Date('2026-03-01T12:00:00Z'),
  });
  expect(backup.commandCalls(StartRestoreJobCommand)[0].args[0].input.RecoveryPointArn).toBe(POINT);
});

test('an Aurora recovery point: the restored cluster gets an instance of the source writer\'s class', async () => {
  backup.on(DescribeRecoveryPointCommand).resolves({
    RecoveryPointArn: POINT, ResourceArn: 'arn:aws:rds:eu-west-1:111111111111:cluster:orders', ResourceType: 'Aurora', Status: 'COMPLETED',
  });
  backup.on(GetRecoveryPointRestoreMetadataCommand).resolves({ RestoreMetadata: { DBClusterIdentifier: 'orders', Engine: 'aurora-postgresql' } });
  rds.on(DescribeDBClustersCommand, { DBClusterIdentifier: 'orders-restored' }).rejectsOnce(notFound('DBClusterNotFoundFault'))
    .resolves({ DBClusters: [{ DBClusterIdentifier: 'orders-restored', Engine: 'aurora-postgresql', Status: 'available' }] });
  rds.on(DescribeDBClustersCommand, { DBClusterIdentifier: 'orders' }).resolves({ DBClusters: [{ DBClusterIdentifier: 'orders', DBClusterMembers: [{ DBInstanceIdentifier: 'orders-1', IsClusterWriter: true }] }] });
  rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'orders-1' }).resolves({ DBInstances: [{ DBInstanceIdentifier: 'orders-1', DBInstanceClass: 'db.r7g.large' }] });
  rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'orders-restored-1' }).resolves({ DBInstances: [{ DBInstanceIdentifier: 'orders-restored-1', DBInstanceStatus: 'available' }] });
  rds.on(CreateDBInstanceCommand).resolves({});
  backup.on(StartRestoreJobCommand).resolves({ RestoreJobId: 'job-7' });
  backup.on(DescribeRestoreJobCommand).resolves({ Status: 'COMPLETED', CreatedResourceArn: 'arn:aws:rds:eu-west-1:111111111111:cluster:orders-restored' });
  const result = await run(options({ target: 'orders-restored' })).promise;
  expect(backup.commandCalls(StartRestoreJobCommand)[0].args[0].input.Metadata).toEqual({ DBClusterIdentifier: 'orders-restored', Engine: 'aurora-postgresql' });
  expect(rds.commandCalls(CreateDBInstanceCommand)[0].args[0].input).toMatchObject({
    DBInstanceIdentifier: 'orders-restored-1', DBClusterIdentifier: 'orders-restored', Engine: 'aurora-postgresql', DBInstanceClass: 'db.r7g.large',
  });
  expect(result.instance).toBe('orders-restored-1');
});

test('an Aurora copy whose source is not reachable (another region) needs --instance-class: exit 2', async () => {
  backup.on(DescribeRecoveryPointCommand).resolves({
    RecoveryPointArn: POINT, ResourceArn: 'arn:aws:rds:us-east-1:111111111111:cluster:orders', ResourceType: 'Aurora', Status: 'COMPLETED',
  });
  backup.on(GetRecoveryPointRestoreMetadataCommand).resolves({ RestoreMetadata: { DBClusterIdentifier: 'orders' } });
  rds.on(DescribeDBClustersCommand).rejects(notFound('DBClusterNotFoundFault'));
  const err = await failure(run(options({ target: 'orders-dr' })).promise);
  expect(err.code).toBe(EXIT.USAGE);
  expect(err.message).toContain('pass --instance-class');
  expect(backup.commandCalls(StartRestoreJobCommand)).toHaveLength(0);
});

test('without --target, an RDS recovery point is refused (exit 2) and the backed-up identifier named', async () => {
  rdsPoint();
  const err = await failure(run(options({ target: undefined })).promise);
  expect(err.code).toBe(EXIT.USAGE);
  expect(err.message).toContain("--target is required for a RDS recovery point: the identifier of the new database (the backed-up one was 'app'");
});

test('--set may not name the restored database: only --target, which is checked to be new, does', async () => {
  rdsPoint();
  const err = await failure(run(options({ set: { dbinstanceidentifier: 'app' } })).promise);
  expect(err.code).toBe(EXIT.USAGE);
  expect(err.message).toBe('--set dbinstanceidentifier is refused: name the restored database with --target, which is checked to be a new identifier');
  expect(backup.commandCalls(StartRestoreJobCommand)).toHaveLength(0);
});

test('a target that exists is refused (exit 3)', async () => {
  rdsPoint();
  rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'app-restored' }).resolves({ DBInstances: [{ DBInstanceIdentifier: 'app-restored', DBInstanceStatus: 'available' }] });
  const err = await failure(run(options()).promise);
  expect(err.code).toBe(EXIT.REFUSED);
  expect(backup.commandCalls(StartRestoreJobCommand)).toHaveLength(0);
});

test('a recovery point that is not completed is named: exit 2', async () => {
  backup.on(DescribeRecoveryPointCommand).resolves({ RecoveryPointArn: POINT, ResourceType: 'RDS', Status: 'EXPIRED', StatusMessage: 'retention ended' });
  const err = await failure(run(options()).promise);
  expect(err.code).toBe(EXIT.USAGE);
  expect(err.message).toBe(`recovery point ${POINT} is EXPIRED (retention ended), not restorable; choose a completed one`);
});

test('a failed restore job: exit 1 with AWS Backup\'s message', async () => {
  rdsPoint([{ Status: 'RUNNING' }, { Status: 'FAILED', StatusMessage: 'DB subnet group app-subnets does not exist' }]);
  const err = await failure(run(options()).promise);
  expect(err.code).toBe(EXIT.FAILED);
  expect(err.message).toBe('restore job job-42 failed (FAILED): DB subnet group app-subnets does not exist');
});

test('not done within --timeout: exit 5 and how to follow the job', async () => {
  rdsPoint(Array(10).fill({ Status: 'RUNNING', PercentDone: '10.00%' }));
  const err = await failure(run(options({ timeoutSeconds: 180 })).promise);
  expect(err.code).toBe(EXIT.TIMEOUT);
  expect(err.message).toContain('`aws backup describe-restore-job --restore-job-id job-42`');
});

test('access denied on StartRestoreJob: exit 6, the actions named', async () => {
  rdsPoint();
  backup.on(StartRestoreJobCommand).rejects(Object.assign(new Error('not authorized to perform: iam:PassRole'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } }));
  const err = await failure(run(options()).promise);
  expect(err.code).toBe(EXIT.AWS_ACCESS);
  expect(err.message).toContain('needs backup:StartRestoreJob (and iam:PassRole on the restore role)');
});

test('a recovery point of another region: exit 2, --region named', async () => {
  const err = await failure(run(options({ recoveryPoint: 'arn:aws:rds:us-west-2:222222222222:snapshot:awsbackup:job-1' })).promise);
  expect(err.code).toBe(EXIT.USAGE);
  expect(err.message).toContain('pass --region us-west-2');
});

test('--dry-run: the metadata that would be sent, no restore job', async () => {
  rdsPoint();
  const result = await run(options({ dryRun: true })).promise;
  expect(result).toMatchObject({ status: 'dry-run', metadata: { DBInstanceIdentifier: 'app-restored' } });
  expect(backup.commandCalls(StartRestoreJobCommand)).toHaveLength(0);
});

test('exactly one of --recovery-point and --resource', async () => {
  const err = await failure(run(options({ recoveryPoint: undefined })).promise);
  expect(err.code).toBe(EXIT.USAGE);
  expect(err.message).toContain('exactly one of --recovery-point ARN, or --resource ARN');
});
