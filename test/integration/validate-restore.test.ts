// Issue 13, "Drill validation": the validator of a RestoreDrill against a real, TLS-only PostgreSQL server standing in
// for the database AWS Backup restored (./harness.ts). AWS Backup, RDS and Secrets Manager are control-plane APIs that
// cannot run here, so their clients are mocked (aws-sdk-client-mock): DescribeRestoreJob answers the job, RDS the
// restored endpoint (127.0.0.1 and the server's port), Secrets Manager the credentials. The connection (TLS
// verify-full with the test CA), the checks and the reported result are the real code.
import {
  BackupClient, DescribeRestoreJobCommand, DescribeRestoreJobOutput, GetRestoreTestingPlanCommand, ListRestoreJobsCommand,
  PutRestoreValidationResultCommand,
} from '@aws-sdk/client-backup';
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { GenerateMacCommand, KMSClient, KMSInvalidMacException, VerifyMacCommand } from '@aws-sdk/client-kms';
import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createHmac } from 'node:crypto';
import { mockClient } from 'aws-sdk-client-mock';
import { DRILL_METRIC, ValidatedSelection, ValidationChecks } from '../../lib/private/job-contract';
import { createJobLogger } from '../../lambda/shared/logger';
import { InMemoryMetricsRecorder } from '../../lambda/shared/metrics';
import { DescribeExecutionCommand, DescribeStateMachineCommand, ListExecutionsCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import {
  checkInstance, checkInstanceIdentifier, checkPitr, measureValidatedRestoreAges, parseSelections, pitrAge, PitrConfig, prepareInstanceCheck,
  readPitrConfig, readValidateConfig, reportInstanceCheck, reportPitr, selectionOf, ValidateConfig, validateRestore,
} from '../../lambda/validate-restore';
import { PostgresServer, startPostgres } from './harness';

const PLAN = 'arn:aws:backup:us-east-1:111111111111:restore-testing-plan:monthly_drill-8ad2b1ce-1111-2222-3333-444455556666';
const SOURCE = 'arn:aws:rds:us-east-1:111111111111:db:orders';
const RESTORED = 'arn:aws:rds:us-east-1:111111111111:db:awsbackup-restore-test-1a2b3c';
const RESTORED_CLUSTER = 'arn:aws:rds:us-east-1:111111111111:cluster:awsbackup-restore-test-4d5e6f';
const SECRET = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:orders-admin-AbCdEf';
const RESULT_KEY = 'arn:aws:kms:us-east-1:111111111111:key/5e0d7a6f-1111-2222-3333-444455556666';
const DB = 'shop';
/** When the restored instance came to be: while the restore job ran (06:00 to 06:23:20). */
const RESTORED_AT = new Date('2026-12-07T06:10:00Z');
/** The recovery point's time; the newest order is 10 minutes older. */
const RECOVERY_POINT = new Date('2026-12-01T02:00:00Z');

const backup = mockClient(BackupClient);
const rds = mockClient(RDSClient);
const secrets = mockClient(SecretsManagerClient);
const kms = mockClient(KMSClient);
const sfn = mockClient(SFNClient);
/** The HMAC KMS computes for the result key (a local key stands in for it). */
const mac = (message: Uint8Array) => createHmac('sha256', 'result-key').update(message).digest();
/** A status message as the validator signs it. */
const signed = (jobId: string, status = 'SUCCESSFUL') =>
  `checks passed [cdk-backup-dr signature ${mac(new TextEncoder().encode(`cdk-backup-dr:v1|${jobId}|${status}`)).toString('base64')}]`;
const logger = createJobLogger('validate-restore', 'test', { logLevel: 'SILENT' });

let pg: PostgresServer;
let metrics: Map<string, InMemoryMetricsRecorder>;

beforeAll(async () => {
  pg = await startPostgres({ tls: {} });
  await pg.createDatabase(DB);
  await pg.query(`
    create table customers (id serial primary key, name text not null);
    insert into customers (name) select 'customer ' || g from generate_series(1, 50) g;
    create table orders (id bigint generated always as identity primary key, amount numeric(12, 2) not null, created_at timestamptz not null);
    insert into orders (amount, created_at) select (g + 1) * 1.5, timestamptz '${RECOVERY_POINT.toISOString()}' - interval '10 minutes' - g * interval '1 minute'
      from generate_series(0, 299) g;`, [], DB);
  await pg.createUser('drill', 'current-password');
  await pg.query(`grant select on all tables in schema public to drill`, [], DB);
}, 120_000);

afterAll(async () => {
  await pg?.stop();
});

const CHECKS: ValidationChecks = {
  secretArn: SECRET,
  requiredTables: ['public.customers', 'public.orders'],
  minimumRows: [{ table: 'public.orders', rows: 300 }, { table: 'public.customers', rows: 50 }],
  freshness: [{ table: 'public.orders', column: 'created_at', maxAgeSeconds: 3600 }],
  sql: [{ name: 'every order has an amount', sql: 'select bool_and(amount > 0) from orders' }],
};

function config(checks: Partial<ValidationChecks> | null = {}, extra: ValidatedSelection[] = []): ValidateConfig {
  return {
    planArn: PLAN,
    drill: 'monthly_drill',
    selections: [
      { database: 'orders', resourceType: 'RDS', arns: [SOURCE], ...(checks === null ? {} : { checks: { ...CHECKS, ...checks } }) },
      ...extra,
    ],
    sslMode: 'verify-full',
    sslRootCert: pg.tls!.caFile,
    resultKeyArn: RESULT_KEY,
  };
}

function job(overrides: Partial<DescribeRestoreJobOutput> = {}): DescribeRestoreJobOutput {
  return {
    RestoreJobId: 'job-1',
    Status: 'COMPLETED',
    CreationDate: new Date('2026-12-07T06:00:00Z'),
    CompletionDate: new Date('2026-12-07T06:23:20Z'),
    RecoveryPointCreationDate: RECOVERY_POINT,
    SourceResourceArn: SOURCE,
    CreatedResourceArn: RESTORED,
    ResourceType: 'RDS',
    CreatedBy: { RestoreTestingPlanArn: PLAN },
    ...overrides,
  };
}

function secretValue(password: string, username = 'drill'): string {
  // The source's host: the validator replaces it with the restored endpoint.
  return JSON.stringify({ engine: 'postgres', host: 'orders.abc.us-east-1.rds.amazonaws.com', port: 5432, username, password, dbname: DB });
}

beforeEach(() => {
  backup.reset();
  rds.reset();
  secrets.reset();
  kms.reset();
  sfn.reset();
  kms.on(GenerateMacCommand, { KeyId: RESULT_KEY }).callsFake((input) => ({ Mac: mac(input.Message) }));
  kms.on(VerifyMacCommand, { KeyId: RESULT_KEY }).callsFake((input) => {
    if (!Buffer.from(input.Mac).equals(mac(input.Message))) {
      throw new KMSInvalidMacException({ message: 'invalid MAC', $metadata: {} });
    }
    return { MacValid: true };
  });
  metrics = new Map();
  backup.on(DescribeRestoreJobCommand, { RestoreJobId: 'job-1' }).resolves(job());
  backup.on(PutRestoreValidationResultCommand).resolves({});
  rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: RESTORED })
    .resolves({ DBInstances: [{ DBInstanceStatus: 'available', Endpoint: { Address: '127.0.0.1', Port: pg.port }, InstanceCreateTime: RESTORED_AT }] });
  secrets.on(GetSecretValueCommand, { SecretId: SECRET, VersionStage: 'AWSCURRENT' }).resolves({ SecretString: secretValue('current-password') });
  secrets.on(GetSecretValueCommand, { SecretId: SECRET, VersionStage: 'AWSPREVIOUS' })
    .rejects(new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret value for staging label: AWSPREVIOUS", $metadata: {} }));
});

function deps(overrides: { signal?: AbortSignal } = {}) {
  return {
    backup: new BackupClient({ region: 'us-east-1' }),
    rds: new RDSClient({ region: 'us-east-1' }),
    secrets: new SecretsManagerClient({ region: 'us-east-1' }),
    kms: new KMSClient({ region: 'us-east-1' }),
    sfn: new SFNClient({ region: 'us-east-1' }),
    logger,
    metrics: (database: string) => {
      const recorder = metrics.get(database) ?? new InMemoryMetricsRecorder();
      metrics.set(database, recorder);
      return recorder;
    },
    retryDelayMs: 100,
    ...overrides,
  };
}

const EVENT = { detail: { restoreJobId: 'job-1', status: 'COMPLETED' } };

/** The validation results reported to AWS Backup, in order. */
function reported(): Array<{ status?: string; message?: string }> {
  return backup.commandCalls(PutRestoreValidationResultCommand).map((call) => ({
    status: call.args[0].input.ValidationStatus, message: call.args[0].input.ValidationStatusMessage,
  }));
}

test('a good restore: VALIDATING, then SUCCESSFUL; duration 1400 s and success 1 under Database orders', async () => {
  const outcome = await validateRestore(EVENT, config(), deps());
  expect(outcome.status).toBe('SUCCESSFUL');
  expect(outcome.checks!.map((c) => `${c.kind} ${c.name} ${c.status}`)).toEqual([
    'tablePresent public.customers passed',
    'tablePresent public.orders passed',
    'minimumRows public.orders passed',
    'minimumRows public.customers passed',
    'freshness public.orders.created_at passed',
    'sql every order has an amount passed',
  ]);
  expect(reported()).toEqual([
    { status: 'VALIDATING', message: 'cdk-backup-dr is checking the restored database of orders' },
    { status: 'SUCCESSFUL', message: expect.stringMatching(/^6 checks passed on the restore of orders \(recovery point of 2026-12-01T02:00:00\.000Z\) \[cdk-backup-dr signature [A-Za-z0-9+/]+=*\]$/) },
  ]);
  // The signature is the result key's MAC of this job and status: the age check verifies it.
  expect(kms.commandCalls(GenerateMacCommand)[0].args[0].input).toMatchObject({ KeyId: RESULT_KEY, MacAlgorithm: 'HMAC_SHA_256' });
  expect(new TextDecoder().decode(kms.commandCalls(GenerateMacCommand)[0].args[0].input.Message)).toBe('cdk-backup-dr:v1|job-1|SUCCESSFUL');
  expect(metrics.get('orders')!.flushed).toEqual([
    { name: DRILL_METRIC.RESTORE_DURATION_SECONDS, unit: 'Seconds', value: 1400 },
    { name: DRILL_METRIC.RESTORE_VALIDATION_SUCCESS, unit: 'Count', value: 1 },
  ]);
});

test.each([
  ['a missing table', { requiredTables: ['public.customers', 'public.invoices'] }, 'public.invoices: missing from the restored database'],
  ['short rows', { minimumRows: [{ table: 'public.orders', rows: 301 }] }, 'public.orders: 300 rows restored, at least 301 required'],
  ['stale data', { freshness: [{ table: 'public.orders', column: 'created_at', maxAgeSeconds: 599 }] },
    'public.orders.created_at: newest value 2026-12-01T01:50:00.000Z is 600 s older than the recovery point 2026-12-01T02:00:00.000Z, limit 599 s'],
  ['a false SQL check', { sql: [{ name: 'no big orders', sql: 'select bool_and(amount < 100) from orders' }] },
    "SQL check 'no big orders' returned false, expected true"],
])('%s → FAILED naming it, success 0', async (_what, checks, detail) => {
  const outcome = await validateRestore(EVENT, config(checks), deps());
  expect(outcome.status).toBe('FAILED');
  const last = reported().pop()!;
  expect(last.status).toBe('FAILED');
  expect(last.message).toMatch(/^1 of \d+ checks failed on the restore of orders: /);
  expect(last.message).toContain(detail);
  expect(metrics.get('orders')!.values(DRILL_METRIC.RESTORE_VALIDATION_SUCCESS)).toEqual([0]);
});

test('wrong credentials, current and previous: FAILED naming the secret and what to do', async () => {
  secrets.on(GetSecretValueCommand, { SecretId: SECRET, VersionStage: 'AWSCURRENT' }).resolves({ SecretString: secretValue('wrong-1') });
  secrets.on(GetSecretValueCommand, { SecretId: SECRET, VersionStage: 'AWSPREVIOUS' }).resolves({ SecretString: secretValue('wrong-2') });
  const outcome = await validateRestore(EVENT, config(), deps());
  expect(outcome.status).toBe('FAILED');
  expect(outcome.message).toContain(`authentication failed with the current and the previous value of ${SECRET}`);
  expect(outcome.message).toContain('password authentication failed for user "drill"');
  expect(outcome.message).not.toMatch(/wrong-[12]/);
  expect(reported().pop()!.status).toBe('FAILED');
});

test('a secret rotated since the recovery point: the current value is refused, the previous one connects, and the restore validates', async () => {
  secrets.on(GetSecretValueCommand, { SecretId: SECRET, VersionStage: 'AWSCURRENT' }).resolves({ SecretString: secretValue('rotated-since') });
  secrets.on(GetSecretValueCommand, { SecretId: SECRET, VersionStage: 'AWSPREVIOUS' }).resolves({ SecretString: secretValue('current-password') });
  const outcome = await validateRestore(EVENT, config(), deps());
  expect(outcome.status).toBe('SUCCESSFUL');
});

test('wrong credentials and no previous value: FAILED saying so', async () => {
  secrets.on(GetSecretValueCommand, { SecretId: SECRET, VersionStage: 'AWSCURRENT' }).resolves({ SecretString: secretValue('wrong') });
  const outcome = await validateRestore(EVENT, config(), deps());
  expect(outcome.message).toContain('the secret has no previous value to try');
});

test('an unreachable restore: retried until the deadline, then FAILED within it, naming the step', async () => {
  rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: RESTORED })
    .resolves({ DBInstances: [{ DBInstanceStatus: 'available', Endpoint: { Address: '127.0.0.1', Port: 1 }, InstanceCreateTime: RESTORED_AT }] });
  const started = Date.now();
  const outcome = await validateRestore(EVENT, config(), deps({ signal: AbortSignal.timeout(1500) }));
  const elapsed = Date.now() - started;
  expect(outcome.status).toBe('FAILED');
  expect(outcome.message).toMatch(/did not (finish before the function's deadline: stopped while connecting to 127\.0\.0\.1:1|accept a connection before the deadline)/);
  expect(reported().pop()!.status).toBe('FAILED');
  expect(metrics.get('orders')!.values(DRILL_METRIC.RESTORE_VALIDATION_SUCCESS)).toEqual([0]);
  // Retried (not given up at the first refusal) and stopped by the deadline, not by a fixed count.
  expect(elapsed).toBeGreaterThanOrEqual(1400);
  expect(elapsed).toBeLessThan(10_000);
});

test('a restored database that never becomes available: FAILED at the deadline, naming its status', async () => {
  rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: RESTORED }).resolves({ DBInstances: [{ DBInstanceStatus: 'modifying' }] });
  const outcome = await validateRestore(EVENT, config(), deps({ signal: AbortSignal.timeout(800) }));
  expect(outcome.status).toBe('FAILED');
  expect(outcome.message).toMatch(/waiting for .*awsbackup-restore-test-1a2b3c to be available|not available before the deadline \(status modifying\)/);
});

test('a check that hangs: abandoned at the deadline, FAILED naming the checks step', async () => {
  const outcome = await validateRestore(EVENT, config({ sql: [{ name: 'slow', sql: 'select pg_sleep(30) is not null' }] }),
    deps({ signal: AbortSignal.timeout(2000) }));
  expect(outcome.status).toBe('FAILED');
  expect(outcome.message).toContain("did not finish before the function's deadline: stopped while running the checks on 127.0.0.1");
});

test('a TLS certificate of another CA: FAILED, not retried as a network error', async () => {
  const outcome = await validateRestore(EVENT, { ...config(), sslRootCert: pg.tls!.otherCaFile }, deps({ signal: AbortSignal.timeout(20_000) }));
  expect(outcome.status).toBe('FAILED');
  expect(outcome.message).toContain('TLS certificate verification failed');
  expect(secrets.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input.VersionStage)).toEqual(['AWSCURRENT']);
});

test('an Aurora cluster: connects to the cluster endpoint once it has an instance', async () => {
  backup.on(DescribeRestoreJobCommand, { RestoreJobId: 'job-1' }).resolves(job({ CreatedResourceArn: RESTORED_CLUSTER, ResourceType: 'Aurora' }));
  rds.on(DescribeDBClustersCommand, { DBClusterIdentifier: RESTORED_CLUSTER })
    .resolvesOnce({ DBClusters: [{ Status: 'available', Endpoint: '127.0.0.1', Port: pg.port, DBClusterMembers: [], ClusterCreateTime: RESTORED_AT }] })
    .resolves({ DBClusters: [{ Status: 'available', Endpoint: '127.0.0.1', Port: pg.port, DBClusterMembers: [{ DBInstanceIdentifier: 'i1' }], ClusterCreateTime: RESTORED_AT }] });
  const outcome = await validateRestore(EVENT, config(), deps());
  expect(outcome.status).toBe('SUCCESSFUL');
  expect(rds.commandCalls(DescribeDBClustersCommand)).toHaveLength(2);
});

describe('the database behind the created ARN must be the restore', () => {
  test.each<[string, Record<string, unknown>, string]>([
    ['created before the restore job (an identifier reused for another database)', { InstanceCreateTime: new Date('2026-11-01T00:00:00Z') },
      'was created 2026-11-01T00:00:00.000Z, not while restore job job-1 ran'],
    ['a read replica of production put in its place', { ReadReplicaSourceDBInstanceIdentifier: 'orders' }, 'replicates orders; a restore is no replica'],
  ])('%s: FAILED, no connection made', async (_what, overrides, message) => {
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: RESTORED })
      .resolves({ DBInstances: [{ DBInstanceStatus: 'available', Endpoint: { Address: '127.0.0.1', Port: pg.port }, InstanceCreateTime: RESTORED_AT, ...overrides }] });
    const outcome = await validateRestore(EVENT, config(), deps());
    expect(outcome.status).toBe('FAILED');
    expect(outcome.message).toContain(message);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  test('a job that names its source as the created resource: FAILED, the source is never described', async () => {
    backup.on(DescribeRestoreJobCommand, { RestoreJobId: 'job-1' }).resolves(job({ CreatedResourceArn: SOURCE }));
    const outcome = await validateRestore(EVENT, config(), deps());
    expect(outcome.message).toContain(`the restore job names its source ${SOURCE} as the restored resource`);
    expect(rds.commandCalls(DescribeDBInstancesCommand)).toHaveLength(0);
  });

  test('a job validated already: a second invocation neither validates again nor overwrites the result', async () => {
    backup.on(DescribeRestoreJobCommand, { RestoreJobId: 'job-1' }).resolves(job({ ValidationStatus: 'FAILED' }));
    const outcome = await validateRestore(EVENT, config(), deps());
    expect(outcome).toMatchObject({ status: 'ignored', message: 'restore job job-1 is already validated (FAILED); not validated again' });
    expect(reported()).toEqual([]);
    expect(metrics.size).toBe(0);
  });
});

test('settings restored with the data cannot fake the built-in checks (search_path put in front of count)', async () => {
  // The restored database carries its own count(*) that answers a million, and a database default that puts it first.
  await pg.createDatabase('shop_evil');
  await pg.query(`
    create table orders (id int);
    create schema evil;
    create function evil.million(bigint) returns bigint language sql as 'select 1000000::bigint';  -- also for an empty table (initcond)
    create aggregate evil.count(*) (sfunc = evil.million, stype = bigint, initcond = '1000000');
    grant usage on schema evil to drill; grant select on orders to drill;`, [], 'shop_evil');
  await pg.query('alter database shop_evil set search_path = evil, pg_catalog, public');
  const outcome = await validateRestore(EVENT, config({ dbname: 'shop_evil', requiredTables: [], minimumRows: [{ table: 'public.orders', rows: 1 }], freshness: [], sql: [] }), deps());
  expect(outcome.status).toBe('FAILED');
  expect(outcome.message).toContain('public.orders: 0 rows restored, at least 1 required');
});

test('a failed restore job: no validation, success 0 and the status message; no duration', async () => {
  backup.on(DescribeRestoreJobCommand, { RestoreJobId: 'job-1' })
    .resolves(job({ Status: 'FAILED', StatusMessage: 'DB subnet group restore-tests does not exist', CompletionDate: undefined }));
  const outcome = await validateRestore(EVENT, config(), deps());
  expect(outcome).toMatchObject({ status: 'restoreFailed', database: 'orders' });
  expect(outcome.message).toContain('is FAILED: DB subnet group restore-tests does not exist');
  expect(reported()).toEqual([]);
  expect(metrics.get('orders')!.flushed).toEqual([{ name: DRILL_METRIC.RESTORE_VALIDATION_SUCCESS, unit: 'Count', value: 0 }]);
});

test('a selection without checks: only the duration', async () => {
  const outcome = await validateRestore(EVENT, config(null), deps());
  expect(outcome.status).toBe('timed');
  expect(reported()).toEqual([]);
  expect(metrics.get('orders')!.flushed).toEqual([{ name: DRILL_METRIC.RESTORE_DURATION_SECONDS, unit: 'Seconds', value: 1400 }]);
});

test('a forged event for a job of another plan, or of none: ignored, nothing reported or recorded', async () => {
  for (const createdBy of [{ RestoreTestingPlanArn: `${PLAN}x` }, undefined]) {
    backup.on(DescribeRestoreJobCommand, { RestoreJobId: 'job-1' }).resolves(job({ CreatedBy: createdBy }));
    const outcome = await validateRestore(EVENT, config(), deps());
    expect(outcome.status).toBe('ignored');
  }
  expect(reported()).toEqual([]);
  expect(metrics.size).toBe(0);
});

test('an event without a restore job id is an error', async () => {
  await expect(validateRestore({ detail: {} }, config(), deps())).rejects.toThrow('the event has no detail.restoreJobId');
});

test('a result that cannot be signed is still reported, unsigned (the age check will not count it)', async () => {
  kms.on(GenerateMacCommand).rejects(new Error('AccessDeniedException: not authorized to perform kms:GenerateMac'));
  const outcome = await validateRestore(EVENT, config(), deps());
  expect(outcome.status).toBe('SUCCESSFUL');
  expect(reported().pop()).toEqual({ status: 'SUCCESSFUL', message: '6 checks passed on the restore of orders (recovery point of 2026-12-01T02:00:00.000Z)' });
});

test('the result cannot be reported: the error names the permission', async () => {
  backup.on(PutRestoreValidationResultCommand).rejects(new Error('User is not authorized to perform: backup:PutRestoreValidationResult'));
  await expect(validateRestore(EVENT, config(), deps())).rejects.toThrow(/cannot report VALIDATING for restore job job-1: .*check the function's backup:PutRestoreValidationResult permission/);
});

describe('configuration', () => {
  const env = (selections: unknown) => ({
    VALIDATE_PLAN_ARN: PLAN, VALIDATE_DRILL: 'monthly_drill', VALIDATE_SELECTIONS: JSON.stringify(selections),
    VALIDATE_SSL_MODE: 'verify-full', VALIDATE_SSL_ROOT_CERT: '/opt/rds-ca/global-bundle.pem',
  });

  test('reads the selections', () => {
    const selections = [{ database: 'orders', resourceType: 'RDS', arns: [SOURCE], checks: CHECKS }];
    expect(readValidateConfig(env(selections))).toMatchObject({ planArn: PLAN, drill: 'monthly_drill', selections, sslMode: 'verify-full' });
  });

  test('a bad field is named by its path', () => {
    expect(() => parseSelections(JSON.stringify([{ database: 'orders', resourceType: 'RDS', arns: [SOURCE], checks: { ...CHECKS, minimumRows: [{ table: 'orders', rows: -1 }] } }])))
      .toThrow(/VALIDATE_SELECTIONS is invalid: \[0\]\.checks\.minimumRows\[0\]\.table: expected a 'schema\.table' name.*\[0\]\.checks\.minimumRows\[0\]\.rows: /);
    expect(() => parseSelections('[{"database":"orders","resourceType":"RDS","arns":[],"extra":1}]')).toThrow(/\[0\]\.arns: .*\[0\]: Unrecognized key/);
    expect(() => parseSelections('{')).toThrow('VALIDATE_SELECTIONS is not JSON');
    expect(() => readValidateConfig({ ...env([]), VALIDATE_PLAN_ARN: 'arn:aws:backup:us-east-1:111111111111:backup-plan:x' })).toThrow('not a restore testing plan ARN');
  });

  test('a job belongs to the selection naming its source, else to the wildcard selection of its type', () => {
    const selections: ValidatedSelection[] = [
      { database: 'all-aurora', resourceType: 'Aurora', arns: ['*'] },
      { database: 'orders', resourceType: 'RDS', arns: [SOURCE] },
    ];
    expect(selectionOf(selections, SOURCE, 'RDS')?.database).toBe('orders');
    expect(selectionOf(selections, 'arn:aws:rds:us-east-1:111111111111:cluster:x', 'Aurora')?.database).toBe('all-aurora');
    expect(selectionOf(selections, 'arn:aws:rds:us-east-1:111111111111:db:other', 'RDS')).toBeUndefined();
  });
});

describe('the hourly age of the newest validated restore', () => {
  const NOW = new Date('2026-12-07T12:00:00Z');
  const ageDeps = () => ({ ...deps(), now: () => NOW });
  const billing = 'arn:aws:rds:us-east-1:111111111111:cluster:billing';
  const twoSelections = () => config({}, [{ database: 'billing', resourceType: 'Aurora', arns: [billing], checks: CHECKS }]);

  test('per selection: the newest SUCCESSFUL restore, across pages; failed and unvalidated ones do not count', async () => {
    backup.on(ListRestoreJobsCommand)
      .resolvesOnce({
        RestoreJobs: [
          { RestoreJobId: 'a', SourceResourceArn: SOURCE, ResourceType: 'RDS', ValidationStatus: 'SUCCESSFUL', ValidationStatusMessage: signed('a'), CompletionDate: new Date('2026-11-01T06:00:00Z') },
          { RestoreJobId: 'b', SourceResourceArn: SOURCE, ResourceType: 'RDS', ValidationStatus: 'FAILED', CompletionDate: new Date('2026-12-06T06:00:00Z') },
        ],
        NextToken: 'page-2',
      })
      .resolves({
        RestoreJobs: [
          { RestoreJobId: 'c', SourceResourceArn: SOURCE, ResourceType: 'RDS', ValidationStatus: 'SUCCESSFUL', ValidationStatusMessage: signed('c'), CompletionDate: new Date('2026-12-01T06:00:00Z') },
          { RestoreJobId: 'd', SourceResourceArn: billing, ResourceType: 'Aurora', ValidationStatus: 'SUCCESSFUL', ValidationStatusMessage: signed('d'), CompletionDate: new Date('2026-12-07T06:00:00Z') },
        ],
      });
    const ages = await measureValidatedRestoreAges(twoSelections(), 400, ageDeps());
    expect(ages).toEqual([
      { database: 'orders', ageSeconds: 6 * 86400 + 6 * 3600, restoreJobId: 'c' },
      { database: 'billing', ageSeconds: 6 * 3600, restoreJobId: 'd' },
    ]);
    const input = backup.commandCalls(ListRestoreJobsCommand)[0].args[0].input;
    expect(input).toMatchObject({ ByRestoreTestingPlanArn: PLAN, ByStatus: 'COMPLETED', ByCompleteAfter: new Date(NOW.getTime() - 400 * 86_400_000) });
    expect(metrics.get('orders')!.flushed).toEqual([{ name: DRILL_METRIC.VALIDATED_RESTORE_AGE_SECONDS, unit: 'Seconds', value: 540000 }]);
  });

  test('no validated restore yet: the age counts from the plan\'s creation', async () => {
    backup.on(ListRestoreJobsCommand).resolves({ RestoreJobs: [] });
    backup.on(GetRestoreTestingPlanCommand, { RestoreTestingPlanName: 'monthly_drill' })
      .resolves({ RestoreTestingPlan: { CreationTime: new Date('2026-12-05T12:00:00Z') } as never });
    expect(await measureValidatedRestoreAges(config(), 400, ageDeps())).toEqual([{ database: 'orders', ageSeconds: 2 * 86400, restoreJobId: undefined }]);
  });

  test('a SUCCESSFUL result the validator did not sign (anyone may call PutRestoreValidationResult) is not counted', async () => {
    backup.on(ListRestoreJobsCommand).resolves({
      RestoreJobs: [
        // Newest first: forged (no signature), then a signature of another job moved here, then the validator's own.
        { RestoreJobId: 'forged', SourceResourceArn: SOURCE, ResourceType: 'RDS', ValidationStatus: 'SUCCESSFUL', ValidationStatusMessage: 'all good', CompletionDate: new Date('2026-12-07T06:00:00Z') },
        { RestoreJobId: 'moved', SourceResourceArn: SOURCE, ResourceType: 'RDS', ValidationStatus: 'SUCCESSFUL', ValidationStatusMessage: signed('old'), CompletionDate: new Date('2026-12-06T06:00:00Z') },
        { RestoreJobId: 'old', SourceResourceArn: SOURCE, ResourceType: 'RDS', ValidationStatus: 'SUCCESSFUL', ValidationStatusMessage: signed('old'), CompletionDate: new Date('2026-11-07T12:00:00Z') },
      ],
    });
    expect(await measureValidatedRestoreAges(config(), 400, ageDeps())).toEqual([{ database: 'orders', ageSeconds: 30 * 86400, restoreJobId: 'old' }]);
    // A FAILED result signed by the validator is not a SUCCESSFUL one either.
    backup.on(ListRestoreJobsCommand).resolves({
      RestoreJobs: [{ RestoreJobId: 'x', SourceResourceArn: SOURCE, ResourceType: 'RDS', ValidationStatus: 'SUCCESSFUL', ValidationStatusMessage: signed('x', 'FAILED'), CompletionDate: new Date('2026-12-07T06:00:00Z') }],
    });
    backup.on(GetRestoreTestingPlanCommand).resolves({ RestoreTestingPlan: { CreationTime: new Date('2026-12-01T12:00:00Z') } as never });
    expect((await measureValidatedRestoreAges(config(), 400, ageDeps()))[0]).toMatchObject({ ageSeconds: 6 * 86400, restoreJobId: undefined });
  });

  test('selections without checks are not measured', async () => {
    expect(await measureValidatedRestoreAges(config(null), 400, ageDeps())).toEqual([]);
    expect(backup.commandCalls(ListRestoreJobsCommand)).toHaveLength(0);
  });
});

describe('Aurora: the instance check (AWS Backup restores the cluster without a DB instance)', () => {
  const CHECK_MACHINE = 'arn:aws:states:us-east-1:111111111111:stateMachine:orders-drill-instance-check';
  const CLUSTER_SOURCE = 'arn:aws:rds:us-east-1:111111111111:cluster:orders';
  const auroraConfig = (): ValidateConfig => ({
    ...config(), instanceCheckArn: CHECK_MACHINE,
    selections: [{ database: 'orders', resourceType: 'Aurora', arns: [CLUSTER_SOURCE], checks: { ...CHECKS, instanceClass: 'db.r7g.large' } }],
  });
  const cluster = (overrides: Record<string, unknown> = {}) => ({
    DBClusters: [{
      DBClusterIdentifier: 'awsbackup-restore-test-4d5e6f', Engine: 'aurora-postgresql', Status: 'available',
      Endpoint: '127.0.0.1', Port: pg.port, DBClusterMembers: [], ClusterCreateTime: RESTORED_AT, ...overrides,
    }],
  });
  beforeEach(() => {
    backup.on(DescribeRestoreJobCommand, { RestoreJobId: 'job-1' })
      .resolves(job({ SourceResourceArn: CLUSTER_SOURCE, CreatedResourceArn: RESTORED_CLUSTER, ResourceType: 'Aurora' }));
    rds.on(DescribeDBClustersCommand, { DBClusterIdentifier: RESTORED_CLUSTER }).resolves(cluster());
  });

  test('the restore job event: timed, VALIDATING, and the instance check started once per job with the job id alone', async () => {
    const outcome = await validateRestore(EVENT, auroraConfig(), deps());
    expect(outcome).toMatchObject({ status: 'delegated', restoreDurationSeconds: 1400 });
    expect(reported().map((r) => r.status)).toEqual(['VALIDATING']);
    expect(sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input)).toEqual([
      { stateMachineArn: CHECK_MACHINE, name: 'job-1', input: '{"restoreJobId":"job-1"}' },
    ]);
    expect(metrics.get('orders')!.values(DRILL_METRIC.RESTORE_VALIDATION_SUCCESS)).toEqual([]);
  });

  test('prepare: the restored cluster, the instance to add and its class, all read from the job', async () => {
    expect(await prepareInstanceCheck({ action: 'prepareInstanceCheck', restoreJobId: 'job-1' }, auroraConfig(), deps())).toEqual({
      clusterIdentifier: 'awsbackup-restore-test-4d5e6f', instanceIdentifier: 'awsbackup-restore-test-4d5e6f-check',
      engine: 'aurora-postgresql', instanceClass: 'db.r7g.large',
    });
    expect(checkInstanceIdentifier(`${'a'.repeat(62)}-`)).toBe(`${'a'.repeat(57)}-check`);
  });

  test.each<[string, () => void, RegExp]>([
    ['a cluster created before the job', () => rds.on(DescribeDBClustersCommand, { DBClusterIdentifier: RESTORED_CLUSTER }).resolves(cluster({ ClusterCreateTime: new Date('2026-01-01T00:00:00Z') })),
      /was created 2026-01-01T00:00:00.000Z, not while restore job job-1 ran/],
    ['a job naming its source', () => backup.on(DescribeRestoreJobCommand, { RestoreJobId: 'job-1' })
      .resolves(job({ SourceResourceArn: CLUSTER_SOURCE, CreatedResourceArn: CLUSTER_SOURCE, ResourceType: 'Aurora' })), /adds instances to restores only/],
    ['another plan\'s job', () => backup.on(DescribeRestoreJobCommand, { RestoreJobId: 'job-1' })
      .resolves(job({ SourceResourceArn: CLUSTER_SOURCE, CreatedResourceArn: RESTORED_CLUSTER, ResourceType: 'Aurora', CreatedBy: { RestoreTestingPlanArn: `${PLAN}x` } })),
    /was not started by this drill's restore testing plan/],
  ])('prepare refuses %s: nothing is added', async (_what, arrange, error) => {
    arrange();
    await expect(prepareInstanceCheck({ action: 'prepareInstanceCheck', restoreJobId: 'job-1' }, auroraConfig(), deps())).rejects.toThrow(error);
  });

  test('check, through the added instance: SUCCESSFUL with the validator\'s token, or FAILED naming the check; nothing reported yet', async () => {
    rds.on(DescribeDBClustersCommand, { DBClusterIdentifier: RESTORED_CLUSTER }).resolves(cluster({ DBClusterMembers: [{ DBInstanceIdentifier: 'awsbackup-restore-test-4d5e6f-check' }] }));
    const passed = await checkInstance({ action: 'checkInstance', restoreJobId: 'job-1' }, auroraConfig(), deps());
    expect(passed).toMatchObject({ status: 'SUCCESSFUL', token: expect.stringMatching(/^[A-Za-z0-9+/]+=*$/) });
    const failedConfig = auroraConfig();
    const failing = { ...failedConfig, selections: [{ ...failedConfig.selections[0], checks: { ...CHECKS, minimumRows: [{ table: 'public.orders', rows: 301 }] } }] };
    const failed = await checkInstance({ action: 'checkInstance', restoreJobId: 'job-1' }, failing, deps());
    expect(failed).toEqual({ status: 'FAILED', message: expect.stringContaining('public.orders: 300 rows restored, at least 301 required') });
    expect(reported()).toEqual([]);
  });

  test('report: SUCCESSFUL only with the check\'s token; a forged SUCCESSFUL is reported FAILED; metrics follow', async () => {
    rds.on(DescribeDBClustersCommand, { DBClusterIdentifier: RESTORED_CLUSTER }).resolves(cluster({ DBClusterMembers: [{ DBInstanceIdentifier: 'x' }] }));
    const { token } = await checkInstance({ action: 'checkInstance', restoreJobId: 'job-1' }, auroraConfig(), deps());
    const genuine = await reportInstanceCheck({ action: 'reportInstanceCheck', restoreJobId: 'job-1', result: { status: 'SUCCESSFUL', message: 'checks passed', token } }, auroraConfig(), deps());
    expect(genuine.status).toBe('SUCCESSFUL');
    expect(reported().pop()).toEqual({ status: 'SUCCESSFUL', message: expect.stringMatching(/^checks passed \[cdk-backup-dr signature /) });
    for (const forged of [undefined, 'AAAA', token!.split('').reverse().join('')]) {
      const outcome = await reportInstanceCheck({ action: 'reportInstanceCheck', restoreJobId: 'job-1', result: { status: 'SUCCESSFUL', message: 'all good', token: forged } }, auroraConfig(), deps());
      expect(outcome).toEqual({ status: 'FAILED', message: expect.stringContaining('a SUCCESSFUL check result without the validator\'s token was refused') });
    }
    const failure = await reportInstanceCheck({ action: 'reportInstanceCheck', restoreJobId: 'job-1', result: { status: 'FAILED', message: 'CreateDBInstance: InsufficientDBInstanceCapacity' } }, auroraConfig(), deps());
    expect(failure).toEqual({ status: 'FAILED', message: 'CreateDBInstance: InsufficientDBInstanceCapacity' });
    expect(metrics.get('orders')!.values(DRILL_METRIC.RESTORE_VALIDATION_SUCCESS)).toEqual([1, 0, 0, 0, 0]);
  });
});

describe('PitrDrill: a point-in-time restore of a database with RDS automated backups only', () => {
  const TARGET = 'arn:aws:rds:us-east-1:111111111111:db:orders-pitr-drill';
  const MACHINE = 'arn:aws:states:us-east-1:111111111111:stateMachine:orders_pitr-drill';
  // The run starts at the data's recovery point: its newest order is 10 minutes older.
  const STARTED = RECOVERY_POINT;
  const pitrConfig = (): PitrConfig => readPitrConfig({
    VALIDATE_PITR: JSON.stringify({ database: 'orders', drill: 'orders_pitr', sourceArn: SOURCE, targetArn: TARGET, checks: CHECKS }),
    VALIDATE_SSL_MODE: 'verify-full', VALIDATE_SSL_ROOT_CERT: pg.tls!.caFile,
  });
  beforeEach(() => {
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: TARGET })
      .resolves({ DBInstances: [{ DBInstanceStatus: 'available', Endpoint: { Address: '127.0.0.1', Port: pg.port }, InstanceCreateTime: new Date('2026-12-01T02:01:00Z') }] });
  });

  test('check: the restored instance checked like any restore; the duration from the execution start', async () => {
    const result = await checkPitr({ startedAt: STARTED.toISOString() }, pitrConfig(), deps(), () => new Date('2026-12-01T02:30:00Z'));
    expect(result).toEqual({ status: 'SUCCESSFUL', message: '6 checks passed on the point-in-time restore of orders, restored in 1800 s', restoreDurationSeconds: 1800 });
    // Freshness is measured from the restore's start (the latest restorable time then): the newest order is older.
    expect(reported()).toEqual([]);
  });

  test('check: an instance created before this run (a leftover, or another database given the name) fails, unread', async () => {
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: TARGET })
      .resolves({ DBInstances: [{ DBInstanceStatus: 'available', Endpoint: { Address: '127.0.0.1', Port: pg.port }, InstanceCreateTime: new Date('2026-11-01T00:00:00Z') }] });
    const result = await checkPitr({ startedAt: STARTED.toISOString() }, pitrConfig(), deps(), () => new Date('2026-12-01T02:30:00Z'));
    expect(result.status).toBe('FAILED');
    expect(result.message).toContain('not while restore job pitr-2026-12-01T02:00:00.000Z ran');
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  test('report: RestoreValidationSuccess and RestoreDurationSeconds; anything but SUCCESSFUL counts as FAILED', () => {
    expect(reportPitr({ result: { status: 'SUCCESSFUL', message: 'ok', restoreDurationSeconds: 1800 } }, pitrConfig(), deps()).status).toBe('SUCCESSFUL');
    expect(reportPitr({ result: { status: 'successful', message: '' } }, pitrConfig(), deps())).toEqual({ status: 'FAILED', message: 'the point-in-time drill failed without a message' });
    expect(metrics.get('orders')!.flushed).toEqual([
      { name: DRILL_METRIC.RESTORE_VALIDATION_SUCCESS, unit: 'Count', value: 1 },
      { name: DRILL_METRIC.RESTORE_DURATION_SECONDS, unit: 'Seconds', value: 1800 },
      { name: DRILL_METRIC.RESTORE_VALIDATION_SUCCESS, unit: 'Count', value: 0 },
    ]);
  });

  test('age: since the newest SUCCEEDED execution whose output is SUCCESSFUL, else since the state machine was created', async () => {
    const now = new Date('2026-12-07T12:00:00Z');
    sfn.on(ListExecutionsCommand).resolves({ executions: [
      { executionArn: 'e2', stateMachineArn: MACHINE, name: 'e2', status: 'SUCCEEDED', startDate: now },
      { executionArn: 'e1', stateMachineArn: MACHINE, name: 'e1', status: 'SUCCEEDED', startDate: now },
    ] });
    sfn.on(DescribeExecutionCommand, { executionArn: 'e2' }).resolves({ output: '{"status":"FAILED"}', stopDate: new Date('2026-12-07T11:00:00Z') } as never);
    sfn.on(DescribeExecutionCommand, { executionArn: 'e1' }).resolves({ output: '{"status":"SUCCESSFUL"}', stopDate: new Date('2026-12-06T12:00:00Z') } as never);
    expect(await pitrAge(MACHINE, pitrConfig(), { ...deps(), sfn: new SFNClient({ region: 'us-east-1' }), now: () => now })).toEqual({ database: 'orders', ageSeconds: 86400, execution: 'e1' });
    expect(sfn.commandCalls(ListExecutionsCommand)[0].args[0].input).toEqual({ stateMachineArn: MACHINE, statusFilter: 'SUCCEEDED' });
    sfn.on(ListExecutionsCommand).resolves({ executions: [] });
    sfn.on(DescribeStateMachineCommand).resolves({ creationDate: new Date('2026-12-05T12:00:00Z') } as never);
    expect((await pitrAge(MACHINE, pitrConfig(), { ...deps(), sfn: new SFNClient({ region: 'us-east-1' }), now: () => now })).ageSeconds).toBe(2 * 86400);
  });

  test('configuration: the target may not be the source; fields are checked', () => {
    const env = (drill: Record<string, unknown>) => ({ VALIDATE_PITR: JSON.stringify({ database: 'orders', drill: 'd', sourceArn: SOURCE, targetArn: TARGET, checks: CHECKS, ...drill }) });
    expect(() => readPitrConfig(env({ targetArn: SOURCE }))).toThrow('targetArn is the source');
    expect(() => readPitrConfig(env({ sourceArn: 'arn:aws:rds:us-east-1:111111111111:cluster:orders' }))).toThrow('VALIDATE_PITR is invalid: sourceArn');
  });
});
