// `restore pitr` with the RDS and DocumentDB clients mocked (control-plane APIs cannot run here): what is sent, the
// restorable window, the waiting, timeouts, and errors named with their exit codes.
import { mockClient } from 'aws-sdk-client-mock';
import {
  CreateDBInstanceCommand, DescribeDBClustersCommand, DescribeDBInstanceAutomatedBackupsCommand, DescribeDBInstancesCommand,
  ModifyDBClusterCommand, RDSClient, RestoreDBClusterToPointInTimeCommand, RestoreDBInstanceToPointInTimeCommand,
} from '@aws-sdk/client-rds';
import {
  CreateDBInstanceCommand as DocCreateInstance, DocDBClient, ModifyDBClusterCommand as DocModifyCluster,
  RestoreDBClusterToPointInTimeCommand as DocRestoreCluster,
} from '@aws-sdk/client-docdb';
import { CliError, EXIT } from '../../cli/exit-codes';
import { describePitr, PitrOptions, restorePitr } from '../../cli/restore/pitr';
import { captureOutput, fakeClock } from './cli-output';

const rds = mockClient(RDSClient);
const docdb = mockClient(DocDBClient);

const notFound = (name: string) => Object.assign(new Error(`${name}: not found`), { name });
const SOURCE = {
  DBInstanceIdentifier: 'app', DBInstanceArn: 'arn:aws:rds:eu-west-1:111111111111:db:app', DbiResourceId: 'db-ABC', Engine: 'postgres',
  DBInstanceClass: 'db.m7g.large', DBInstanceStatus: 'available', BackupRetentionPeriod: 14,
  LatestRestorableTime: new Date('2026-03-02T11:55:00Z'), DBSubnetGroup: { DBSubnetGroupName: 'app-subnets' },
  VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-app', Status: 'active' }], DBParameterGroups: [{ DBParameterGroupName: 'app-pg16' }],
  OptionGroupMemberships: [{ OptionGroupName: 'default:postgres-16' }], MultiAZ: true, PubliclyAccessible: false, StorageType: 'gp3',
  Iops: 3000, StorageThroughput: 125, Endpoint: { Address: 'app.abc.eu-west-1.rds.amazonaws.com', Port: 5432 },
  IAMDatabaseAuthenticationEnabled: true, EnabledCloudwatchLogsExports: ['postgresql'], CopyTagsToSnapshot: true, DeletionProtection: true,
  KmsKeyId: 'arn:aws:kms:eu-west-1:111111111111:key/app',
  TagList: [
    { Key: 'team', Value: 'payments' }, { Key: 'backup', Value: 'gold' }, { Key: 'aws:cloudformation:stack-name', Value: 'Db' },
    { Key: 'cdk-backup-dr:drill', Value: 'monthly' },
  ],
};
const EARLIEST = new Date('2026-02-16T12:00:00Z');

function options(overrides: Partial<PitrOptions> = {}): PitrOptions {
  return {
    source: 'app', target: 'app-restored', time: new Date('2026-03-02T09:00:00Z'), latest: false, tags: {}, copyTags: true,
    wait: true, timeoutSeconds: 3600, pollSeconds: 30, dryRun: false, ...overrides,
  };
}

function run(o: PitrOptions, clock = fakeClock()) {
  const out = captureOutput({ now: clock.now });
  const promise = restorePitr({
    rds: new RDSClient({ region: 'eu-west-1' }), docdb: new DocDBClient({ region: 'eu-west-1' }), output: out.output, region: 'eu-west-1',
    waiting: { sleep: clock.sleep, now: clock.now }, now: clock.now,
  }, o);
  return { promise, out };
}

async function failure(promise: Promise<unknown>): Promise<CliError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(CliError);
  return err as CliError;
}

/** The source instance, its automated backups, and a target that appears as `states` one poll after another. */
function instanceScenario(states: string[] = ['creating', 'backing-up', 'available']) {
  rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'app' }).resolves({ DBInstances: [SOURCE] });
  rds.on(DescribeDBInstanceAutomatedBackupsCommand).resolves({
    DBInstanceAutomatedBackups: [{ DbiResourceId: 'db-ABC', RestoreWindow: { EarliestTime: EARLIEST, LatestTime: SOURCE.LatestRestorableTime } }],
  });
  const target = rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'app-restored' }).rejectsOnce(notFound('DBInstanceNotFoundFault'));
  for (const state of states) {
    target.resolvesOnce({ DBInstances: [{ DBInstanceIdentifier: 'app-restored', DBInstanceStatus: state,
      Endpoint: state === 'available' ? { Address: 'app-restored.abc.eu-west-1.rds.amazonaws.com', Port: 5432 } : undefined }] });
  }
  rds.on(RestoreDBInstanceToPointInTimeCommand).resolves({});
}

beforeEach(() => {
  rds.reset();
  docdb.reset();
});

describe('a DB instance', () => {
  test('restored to a time inside the window with the source\'s network, parameter and option groups, storage and tags; waits until available', async () => {
    instanceScenario();
    const { promise, out } = run(options({ tags: { incident: 'INC-42' }, instanceClass: 'db.m7g.xlarge' }));
    const result = await promise;
    expect(rds.commandCalls(RestoreDBInstanceToPointInTimeCommand).map((c) => c.args[0].input)).toEqual([{
      SourceDBInstanceIdentifier: 'app', TargetDBInstanceIdentifier: 'app-restored', RestoreTime: new Date('2026-03-02T09:00:00Z'),
      DBInstanceClass: 'db.m7g.xlarge', DBSubnetGroupName: 'app-subnets', VpcSecurityGroupIds: ['sg-app'], DBParameterGroupName: 'app-pg16',
      OptionGroupName: 'default:postgres-16', MultiAZ: true, PubliclyAccessible: false, StorageType: 'gp3', Iops: 3000, StorageThroughput: 125,
      Port: 5432, EnableIAMDatabaseAuthentication: true, EnableCloudwatchLogsExports: ['postgresql'], CopyTagsToSnapshot: true,
      DeletionProtection: true,
      // The source's tags but aws: (reserved) and cdk-backup-dr: (what a drill may delete), then ours.
      Tags: [
        { Key: 'team', Value: 'payments' }, { Key: 'backup', Value: 'gold' }, { Key: 'incident', Value: 'INC-42' },
        { Key: 'cdk-backup-dr:restored-from', Value: 'app' }, { Key: 'cdk-backup-dr:restore-time', Value: '2026-03-02T09:00:00.000Z' },
      ],
    }]);
    expect(result).toMatchObject({
      status: 'restored', kind: 'instance', engine: 'postgres', endpoint: 'app-restored.abc.eu-west-1.rds.amazonaws.com', port: 5432,
      window: { earliest: EARLIEST.toISOString(), latest: '2026-03-02T11:55:00.000Z' },
    });
    // Three polls, 30 s apart.
    expect(result.seconds).toBe(60);
    expect(out.stderr()).toContain('restoring app-restored: creating, 0s elapsed');
    expect(out.stderr()).toContain('restoring app-restored: backing-up, 30s elapsed');
    expect(out.stderr()).toContain('restoring app-restored: available, 1m 00s elapsed');
    expect(describePitr(result)).toEqual([
      'restored DB instance app-restored (postgres) from app at 2026-03-02T09:00:00.000Z',
      '  endpoint app-restored.abc.eu-west-1.rds.amazonaws.com:5432',
      'elapsed 1m 00s (the measured RTO of this restore)',
    ]);
  });

  test('--latest asks for the latest restorable time; overrides replace the source\'s network; --no-copy-tags', async () => {
    instanceScenario(['available']);
    await run(options({ time: undefined, latest: true, subnetGroup: 'scratch', securityGroups: ['sg-1', 'sg-2'], parameterGroup: 'pg', copyTags: false })).promise;
    const input = rds.commandCalls(RestoreDBInstanceToPointInTimeCommand)[0].args[0].input;
    expect(input).toMatchObject({ UseLatestRestorableTime: true, DBSubnetGroupName: 'scratch', VpcSecurityGroupIds: ['sg-1', 'sg-2'], DBParameterGroupName: 'pg' });
    expect(input.RestoreTime).toBeUndefined();
    expect(input.Tags).toEqual([
      { Key: 'cdk-backup-dr:restored-from', Value: 'app' }, { Key: 'cdk-backup-dr:restore-time', Value: '2026-03-02T11:55:00.000Z' },
    ]);
  });

  test.each([
    ['before the window', '2026-02-10T00:00:00Z', /--time 2026-02-10T00:00:00.000Z is before the restorable window of app \(2026-02-16T12:00:00.000Z to 2026-03-02T11:55:00.000Z, retention 14 days\)/],
    ['after the latest restorable time', '2026-03-02T11:58:00Z', /--time 2026-03-02T11:58:00.000Z is after the latest restorable time of app .*or --latest/],
  ])('a time %s: exit 2 with the window, nothing restored', async (_what, time, message) => {
    instanceScenario();
    const err = await failure(run(options({ time: new Date(time) })).promise);
    expect(err.code).toBe(EXIT.USAGE);
    expect(err.message).toMatch(message);
    expect(rds.commandCalls(RestoreDBInstanceToPointInTimeCommand)).toHaveLength(0);
  });

  test('no automated backups (retention 0): exit 2, the other restores named', async () => {
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'app' }).resolves({ DBInstances: [{ ...SOURCE, BackupRetentionPeriod: 0 }] });
    rds.on(DescribeDBInstanceAutomatedBackupsCommand).resolves({ DBInstanceAutomatedBackups: [] });
    const err = await failure(run(options()).promise);
    expect(err.code).toBe(EXIT.USAGE);
    expect(err.message).toContain('keeps no automated backups (backup retention 0)');
    expect(err.message).toContain('restore recovery-point');
  });

  test('a target identifier that exists is refused (exit 3)', async () => {
    instanceScenario();
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'app-restored' }).resolves({ DBInstances: [{ DBInstanceIdentifier: 'app-restored', DBInstanceStatus: 'available' }] });
    const err = await failure(run(options()).promise);
    expect(err.code).toBe(EXIT.REFUSED);
    expect(err.message).toContain("a DB instance named 'app-restored' already exists (status available)");
    expect(rds.commandCalls(RestoreDBInstanceToPointInTimeCommand)).toHaveLength(0);
  });

  test('a source that is in neither the instances nor the clusters of the region: exit 2, region named', async () => {
    rds.on(DescribeDBInstancesCommand).rejects(notFound('DBInstanceNotFoundFault'));
    rds.on(DescribeDBClustersCommand).rejects(notFound('DBClusterNotFoundFault'));
    const err = await failure(run(options({ source: 'ghost' })).promise);
    expect(err.code).toBe(EXIT.USAGE);
    expect(err.message).toContain("no DB instance or cluster 'ghost' in eu-west-1 of this account; check --source and --region");
  });

  test('an ARN of another region than the command\'s: exit 2, --region named', async () => {
    const err = await failure(run(options({ source: 'arn:aws:rds:us-west-2:111111111111:db:app' })).promise);
    expect(err.code).toBe(EXIT.USAGE);
    expect(err.message).toContain('is in us-west-2, but the command runs in eu-west-1; pass --region us-west-2');
  });

  test('an instance of a cluster: the cluster is named', async () => {
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'app' }).resolves({ DBInstances: [{ ...SOURCE, DBClusterIdentifier: 'orders' }] });
    const err = await failure(run(options()).promise);
    expect(err.message).toContain('app is an instance of cluster orders; restore the cluster (--source orders)');
  });

  test('--kms-key on an instance: exit 2, the API limit named', async () => {
    instanceScenario();
    const err = await failure(run(options({ kmsKey: 'arn:aws:kms:eu-west-1:111111111111:key/other' })).promise);
    expect(err.code).toBe(EXIT.USAGE);
    expect(err.message).toContain('RestoreDBInstanceToPointInTime has no KMS key parameter');
  });

  test('an invalid target identifier: exit 2 with the rules', async () => {
    const err = await failure(run(options({ target: 'app--restored' })).promise);
    expect(err.code).toBe(EXIT.USAGE);
    expect(err.message).toContain("--target 'app--restored' is not a valid identifier");
  });

  test('not available within --timeout: exit 5, the restore goes on, how to follow it', async () => {
    instanceScenario(Array(20).fill('creating'));
    const err = await failure(run(options({ timeoutSeconds: 120 })).promise);
    expect(err.code).toBe(EXIT.TIMEOUT);
    expect(err.message).toBe('restore of app-restored did not finish within 2m 00s (state creating); it goes on in AWS — follow it with '
      + '`aws rds describe-db-instances --db-instance-identifier app-restored`, or wait longer with --timeout');
    expect(rds.commandCalls(RestoreDBInstanceToPointInTimeCommand)).toHaveLength(1);
  });

  test('a restore that ends in a failed state: exit 1, the state named', async () => {
    instanceScenario(['creating', 'incompatible-parameters']);
    const err = await failure(run(options()).promise);
    expect(err.code).toBe(EXIT.FAILED);
    expect(err.message).toBe('restore of app-restored failed (incompatible-parameters): the instance is incompatible-parameters');
  });

  test('access denied on the restore: exit 6, the action named', async () => {
    instanceScenario();
    rds.on(RestoreDBInstanceToPointInTimeCommand).rejects(Object.assign(new Error('User: arn:aws:sts::111111111111:assumed-role/ops/x is not authorized'), {
      name: 'AccessDenied', $metadata: { httpStatusCode: 403 },
    }));
    const err = await failure(run(options()).promise);
    expect(err.code).toBe(EXIT.AWS_ACCESS);
    expect(err.message).toMatch(/^restoring app to a point in time as app-restored: access denied \(AccessDenied: .*\); the identity running the command needs rds:RestoreDBInstanceToPointInTime/);
  });

  test('--dry-run: the request that would be sent, nothing restored', async () => {
    instanceScenario();
    const { promise, out } = run(options({ dryRun: true }));
    const result = await promise;
    expect(result.status).toBe('dry-run');
    expect(result.request).toMatchObject({ SourceDBInstanceIdentifier: 'app', TargetDBInstanceIdentifier: 'app-restored', RestoreTime: '2026-03-02T09:00:00.000Z' });
    expect(out.stderr()).toContain('would restore DB instance app to 2026-03-02T09:00:00.000Z as app-restored');
    expect(rds.commandCalls(RestoreDBInstanceToPointInTimeCommand)).toHaveLength(0);
  });

  test('--no-wait: started, not polled', async () => {
    instanceScenario();
    const result = await run(options({ wait: false })).promise;
    expect(result.status).toBe('started');
    expect(rds.commandCalls(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'app-restored' })).toHaveLength(1);
  });
});

describe('clusters', () => {
  const AURORA = {
    DBClusterIdentifier: 'orders', Engine: 'aurora-postgresql', Status: 'available', BackupRetentionPeriod: 7,
    EarliestRestorableTime: new Date('2026-02-24T00:00:00Z'), LatestRestorableTime: new Date('2026-03-02T11:56:00Z'),
    DBSubnetGroup: 'orders-subnets', VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-orders' }], DBClusterParameterGroup: 'orders-cpg',
    KmsKeyId: 'arn:aws:kms:eu-west-1:111111111111:key/orders', Port: 5432, EnabledCloudwatchLogsExports: ['postgresql'],
    DeletionProtection: true, IAMDatabaseAuthenticationEnabled: false, CopyTagsToSnapshot: true,
    DBClusterMembers: [{ DBInstanceIdentifier: 'orders-2', IsClusterWriter: false }, { DBInstanceIdentifier: 'orders-1', IsClusterWriter: true }],
    TagList: [{ Key: 'team', Value: 'orders' }],
  };

  function clusterScenario(source: object, engine = 'aurora-postgresql') {
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'orders' }).rejects(notFound('DBInstanceNotFoundFault'));
    rds.on(DescribeDBClustersCommand, { DBClusterIdentifier: 'orders' }).resolves({ DBClusters: [source] });
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'orders-1' }).resolves({
      DBInstances: [{ DBInstanceIdentifier: 'orders-1', DBInstanceClass: 'db.r7g.large', DBParameterGroups: [{ DBParameterGroupName: 'orders-pg' }] }],
    });
    rds.on(DescribeDBClustersCommand, { DBClusterIdentifier: 'orders-0301' }).rejectsOnce(notFound('DBClusterNotFoundFault'))
      .resolvesOnce({ DBClusters: [{ DBClusterIdentifier: 'orders-0301', Status: 'creating', PercentProgress: '40' }] })
      .resolves({ DBClusters: [{ DBClusterIdentifier: 'orders-0301', Status: 'available', Endpoint: 'orders-0301.cluster-abc.eu-west-1.rds.amazonaws.com', Port: 5432 }] });
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'orders-0301-1' }).rejectsOnce(notFound('DBInstanceNotFoundFault'))
      .resolves({ DBInstances: [{ DBInstanceIdentifier: 'orders-0301-1', DBInstanceStatus: 'available', Engine: engine }] });
  }

  test('Aurora: restored with the source\'s KMS key and cluster parameter group, then an instance of the writer\'s class and parameter group', async () => {
    clusterScenario(AURORA);
    rds.on(RestoreDBClusterToPointInTimeCommand).resolves({});
    rds.on(CreateDBInstanceCommand).resolves({});
    const result = await run(options({ source: 'orders', target: 'orders-0301', time: new Date('2026-03-01T08:30:00Z') })).promise;
    expect(rds.commandCalls(RestoreDBClusterToPointInTimeCommand)[0].args[0].input).toEqual({
      DBClusterIdentifier: 'orders-0301', SourceDBClusterIdentifier: 'orders', RestoreToTime: new Date('2026-03-01T08:30:00Z'),
      DBSubnetGroupName: 'orders-subnets', VpcSecurityGroupIds: ['sg-orders'], KmsKeyId: 'arn:aws:kms:eu-west-1:111111111111:key/orders',
      Port: 5432, EnableCloudwatchLogsExports: ['postgresql'], DeletionProtection: true, DBClusterParameterGroupName: 'orders-cpg',
      EnableIAMDatabaseAuthentication: false, CopyTagsToSnapshot: true,
      Tags: [{ Key: 'team', Value: 'orders' }, { Key: 'cdk-backup-dr:restored-from', Value: 'orders' }, { Key: 'cdk-backup-dr:restore-time', Value: '2026-03-01T08:30:00.000Z' }],
    });
    expect(rds.commandCalls(CreateDBInstanceCommand)[0].args[0].input).toMatchObject({
      DBInstanceIdentifier: 'orders-0301-1', DBClusterIdentifier: 'orders-0301', Engine: 'aurora-postgresql', DBInstanceClass: 'db.r7g.large',
      DBParameterGroupName: 'orders-pg',
    });
    expect(rds.commandCalls(ModifyDBClusterCommand)).toHaveLength(0);
    expect(result).toMatchObject({ status: 'restored', kind: 'cluster', instance: 'orders-0301-1', endpoint: 'orders-0301.cluster-abc.eu-west-1.rds.amazonaws.com' });
  });

  test('Aurora Serverless v2: the scaling is set before the instance is added', async () => {
    clusterScenario({ ...AURORA, ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 8 } });
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'orders-1' }).resolves({ DBInstances: [{ DBInstanceIdentifier: 'orders-1', DBInstanceClass: 'db.serverless' }] });
    rds.on(RestoreDBClusterToPointInTimeCommand).resolves({});
    rds.on(ModifyDBClusterCommand).resolves({});
    rds.on(CreateDBInstanceCommand).resolves({});
    await run(options({ source: 'orders', target: 'orders-0301', time: undefined, latest: true })).promise;
    expect(rds.commandCalls(ModifyDBClusterCommand)[0].args[0].input).toEqual({
      DBClusterIdentifier: 'orders-0301', ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 8 }, ApplyImmediately: true,
    });
    expect(rds.commandCalls(CreateDBInstanceCommand)[0].args[0].input).toMatchObject({ DBInstanceClass: 'db.serverless' });
    const order = rds.calls().map((c) => c.args[0].constructor.name);
    expect(order.indexOf('ModifyDBClusterCommand')).toBeLessThan(order.indexOf('CreateDBInstanceCommand'));
  });

  test('DocumentDB: restored and given an instance through the DocumentDB API, its parameter group applied afterwards', async () => {
    clusterScenario({ ...AURORA, Engine: 'docdb', DBClusterParameterGroup: 'docdb-tls' }, 'docdb');
    docdb.on(DocRestoreCluster).resolves({});
    docdb.on(DocModifyCluster).resolves({});
    docdb.on(DocCreateInstance).resolves({});
    await run(options({ source: 'orders', target: 'orders-0301', time: new Date('2026-03-01T08:30:00Z') })).promise;
    expect(rds.commandCalls(RestoreDBClusterToPointInTimeCommand)).toHaveLength(0);
    const input = docdb.commandCalls(DocRestoreCluster)[0].args[0].input;
    expect(input).toMatchObject({ DBClusterIdentifier: 'orders-0301', SourceDBClusterIdentifier: 'orders', KmsKeyId: 'arn:aws:kms:eu-west-1:111111111111:key/orders' });
    expect(input).not.toHaveProperty('DBClusterParameterGroupName');
    expect(docdb.commandCalls(DocModifyCluster)[0].args[0].input).toEqual({ DBClusterIdentifier: 'orders-0301', DBClusterParameterGroupName: 'docdb-tls', ApplyImmediately: true });
    expect(docdb.commandCalls(DocCreateInstance)[0].args[0].input).toMatchObject({ DBInstanceIdentifier: 'orders-0301-1', Engine: 'docdb', DBInstanceClass: 'db.r7g.large' });
    expect(docdb.commandCalls(DocCreateInstance)[0].args[0].input).not.toHaveProperty('DBParameterGroupName');
  });

  test('a cluster whose instance name (<target>-1) is taken is refused before anything is restored (exit 3)', async () => {
    clusterScenario(AURORA);
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'orders-0301-1' }).resolves({ DBInstances: [{ DBInstanceIdentifier: 'orders-0301-1', DBInstanceStatus: 'available' }] });
    const err = await failure(run(options({ source: 'orders', target: 'orders-0301' })).promise);
    expect(err.code).toBe(EXIT.REFUSED);
    expect(err.message).toContain("a DB instance named 'orders-0301-1' already exists");
    expect(rds.commandCalls(RestoreDBClusterToPointInTimeCommand)).toHaveLength(0);
  });

  test('a cluster target too long for its instance name: exit 2', async () => {
    clusterScenario(AURORA);
    const err = await failure(run(options({ source: 'orders', target: `o${'x'.repeat(61)}` })).promise);
    expect(err.code).toBe(EXIT.USAGE);
    expect(err.message).toContain('is not a valid identifier: 1 to 63');
  });

  test('a cluster target that exists is refused (exit 3)', async () => {
    clusterScenario(AURORA);
    rds.on(DescribeDBClustersCommand, { DBClusterIdentifier: 'orders-0301' }).resolves({ DBClusters: [{ DBClusterIdentifier: 'orders-0301', Status: 'available' }] });
    const err = await failure(run(options({ source: 'orders', target: 'orders-0301' })).promise);
    expect(err.code).toBe(EXIT.REFUSED);
  });
});

describe('--replicated-backups: an instance from its automated backups replicated to another region', () => {
  const SOURCE_ARN = 'arn:aws:rds:us-east-1:111111111111:db:app';
  const REPLICATED = 'arn:aws:rds:eu-west-1:111111111111:auto-backup:ab-xyz';

  function replicatedScenario() {
    rds.on(DescribeDBInstanceAutomatedBackupsCommand, { DBInstanceIdentifier: 'app' }).resolves({
      DBInstanceAutomatedBackups: [{
        DBInstanceArn: SOURCE_ARN, DBInstanceIdentifier: 'app', DBInstanceAutomatedBackupsArn: REPLICATED, Region: 'us-east-1', Engine: 'postgres',
        Port: 5432, StorageType: 'gp3', BackupRetentionPeriod: 7, Status: 'replicating',
        RestoreWindow: { EarliestTime: new Date('2026-02-24T00:00:00Z'), LatestTime: new Date('2026-03-02T11:50:00Z') },
        TagList: [{ Key: 'team', Value: 'payments' }],
      }],
    });
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'app-dr' }).rejectsOnce(notFound('DBInstanceNotFoundFault'))
      .resolves({ DBInstances: [{ DBInstanceIdentifier: 'app-dr', DBInstanceStatus: 'available', Endpoint: { Address: 'app-dr.xyz.eu-west-1.rds.amazonaws.com', Port: 5432 } }] });
    rds.on(RestoreDBInstanceToPointInTimeCommand).resolves({});
  }
  const replicated = (o: Partial<PitrOptions> = {}) => options({
    source: SOURCE_ARN, target: 'app-dr', replicatedBackups: true, subnetGroup: 'dr-subnets', securityGroups: ['sg-dr'], time: undefined, latest: true, ...o,
  });

  test('the replicated backups of the source are restored here, with the network given', async () => {
    replicatedScenario();
    const result = await run(replicated({ time: new Date('2026-03-02T11:00:00Z'), latest: false })).promise;
    expect(rds.commandCalls(RestoreDBInstanceToPointInTimeCommand)[0].args[0].input).toEqual({
      SourceDBInstanceAutomatedBackupsArn: REPLICATED, TargetDBInstanceIdentifier: 'app-dr', RestoreTime: new Date('2026-03-02T11:00:00Z'),
      DBSubnetGroupName: 'dr-subnets', VpcSecurityGroupIds: ['sg-dr'], Port: 5432, StorageType: 'gp3',
      Tags: [{ Key: 'team', Value: 'payments' }, { Key: 'cdk-backup-dr:restored-from', Value: 'app' }, { Key: 'cdk-backup-dr:restore-time', Value: '2026-03-02T11:00:00.000Z' }],
    });
    expect(result).toMatchObject({ status: 'restored', endpoint: 'app-dr.xyz.eu-west-1.rds.amazonaws.com', window: { latest: '2026-03-02T11:50:00.000Z' } });
  });

  test('without the network of this region: exit 2', async () => {
    const err = await failure(run(replicated({ subnetGroup: undefined })).promise);
    expect(err.code).toBe(EXIT.USAGE);
    expect(err.message).toContain('--replicated-backups needs --subnet-group and --security-group of eu-west-1');
  });

  test('no replicated backups here: exit 2, the replication setting named', async () => {
    rds.on(DescribeDBInstanceAutomatedBackupsCommand).resolves({ DBInstanceAutomatedBackups: [] });
    const err = await failure(run(replicated()).promise);
    expect(err.code).toBe(EXIT.USAGE);
    expect(err.message).toContain(`no automated backups of ${SOURCE_ARN} are replicated to eu-west-1`);
  });

  test('the source\'s own region or a plain identifier: exit 2', async () => {
    expect((await failure(run(replicated({ source: 'arn:aws:rds:eu-west-1:111111111111:db:app' })).promise)).message).toContain('not in the source\'s (eu-west-1)');
    expect((await failure(run(replicated({ source: 'app' })).promise)).message).toContain('needs the ARN of the source DB instance');
  });

  test('a time outside the replicated window: exit 2', async () => {
    replicatedScenario();
    const err = await failure(run(replicated({ time: new Date('2026-03-02T11:55:00Z'), latest: false })).promise);
    expect(err.message).toContain('is after the latest restorable time of app');
  });
});
