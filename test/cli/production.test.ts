// The production guard of `restore dump`, in-process: what the app's templates say, read back from CloudFormation and
// RDS (mocked: control-plane APIs) where they know it only after deploy, and compared with a target by name, secret and
// address.
import { mockClient } from 'aws-sdk-client-mock';
import { CloudFormationClient, DescribeStackResourceCommand } from '@aws-sdk/client-cloudformation';
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import type { AssemblyStack } from '../../cli/app/assembly';
import { productionDatabases, productionMatch, rdsEndpointIdentifier, unresolvedProduction } from '../../cli/restore/production';
import { resolveProduction } from '../../cli/restore/production-resolve';
import { normalizeHost } from '../../lambda/verify-dump/target';

const cfn = mockClient(CloudFormationClient);
const rds = mockClient(RDSClient);
beforeEach(() => {
  cfn.reset();
  rds.reset();
});

/** The shape CDK writes: the secret through its attachment, the endpoint through GetAtt, no literal identifier. */
const STACK: AssemblyStack = {
  id: 'Prod', stackName: 'Prod', account: '111111111111', region: 'eu-west-1',
  template: {
    Resources: {
      Db: { Type: 'AWS::RDS::DBInstance', Properties: { Engine: 'postgres', BackupRetentionPeriod: 7 } },
      Scratch: { Type: 'AWS::RDS::DBInstance', Properties: { Engine: 'postgres', BackupRetentionPeriod: 0 } },
      Attachment: { Type: 'AWS::SecretsManager::SecretTargetAttachment', Properties: {} },
      Dump: { Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: { DUMP_SECRET_ARN: { Ref: 'Attachment' } } } } },
      Verify: {
        Type: 'AWS::Lambda::Function',
        Properties: { Environment: { Variables: { VERIFY_PRODUCTION_TARGET: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Db', 'Endpoint.Address'] }, ':5432/shop']] } } } },
      },
    },
  },
};
const clients = {
  cloudFormation: () => new CloudFormationClient({ region: 'eu-west-1' }),
  rds: () => new RDSClient({ region: 'eu-west-1' }),
  stackRegions: new Map([['Prod', 'eu-west-1']]),
};
const HOST = 'prod-db-x1.abcdefghij.eu-west-1.rds.amazonaws.com';
const SECRET = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:prod/app-master-AbCdEf';

function deployed() {
  cfn.on(DescribeStackResourceCommand, { LogicalResourceId: 'Db' }).resolves({ StackResourceDetail: { PhysicalResourceId: 'prod-db-x1' } as never });
  cfn.on(DescribeStackResourceCommand, { LogicalResourceId: 'Attachment' }).resolves({ StackResourceDetail: { PhysicalResourceId: SECRET } as never });
  rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'prod-db-x1' }).resolves({ DBInstances: [{ Endpoint: { Address: HOST, Port: 5432 } }] });
}

test('what only deploy knows is left as markers, and the scratch server (no automated backups) is not production', () => {
  const p = productionDatabases([STACK]);
  expect(unresolvedProduction(p).map((m) => `${m.logicalId}.${m.attribute}`)).toEqual(['Attachment.', 'Db.', 'Db.Endpoint.Address']);
  expect(p.identifiers).toHaveLength(1);
});

test('read back from CloudFormation and RDS, every form of the production database is refused', async () => {
  deployed();
  const resolved = await resolveProduction(productionDatabases([STACK]), clients);
  expect(resolved.problems).toEqual([]);
  expect(unresolvedProduction(resolved.production)).toEqual([]);
  expect(resolved.endpoints).toEqual([{ id: 'prod-db-x1', host: HOST, port: 5432 }]);
  const addresses: Record<string, string[]> = { [HOST]: ['10.0.1.5'], 'db.internal.example.com': ['10.0.1.5'], '10.0.1.5': ['10.0.1.5'], 'other.example.com': ['10.9.9.9'] };
  const resolve = async (host: string) => addresses[host] ?? [];
  const warnings: string[] = [];
  const match = (target: Parameters<typeof productionMatch>[1]) => productionMatch(resolved.production, target, { resolve, warn: (m) => warnings.push(m), endpointsOf: resolved.endpoints });
  expect(await match({ host: 'scratch.internal', port: 5432, database: 'x', secretArn: SECRET })).toContain('is the one a dump job of the app reads');
  expect(await match({ host: HOST.toUpperCase(), port: 5432, database: 'shop' })).toContain("is named as production in the app");
  expect(await match({ host: '10.0.1.5', port: 5432, database: 'other' })).toContain("is the server of 'prod-db-x1'");
  expect(await match({ host: 'db.internal.example.com', port: 5432, database: 'other' })).toContain("is the server of 'prod-db-x1'");
  expect(await match({ host: 'other.example.com', port: 5432, database: 'shop' })).toBeUndefined();
  expect(await match({ host: HOST, port: 5433, database: 'other' })).toContain("is an endpoint of 'prod-db-x1'");
});

test('a partial secret ARN of the app matches the complete ARN Secrets Manager returns, and only that secret', async () => {
  const p = { secrets: ['arn:aws:secretsmanager:eu-west-1:111111111111:secret:prod/app-master'], endpoints: [], identifiers: [] };
  const warn = () => undefined;
  expect(await productionMatch(p, { host: 'h', port: 1, database: 'd', secretArn: SECRET }, { warn })).toBeDefined();
  expect(await productionMatch(p, { host: 'h', port: 1, database: 'd', secretArn: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:prod/app-AbCdEf' }, { warn })).toBeUndefined();
});

test('what cannot be read back is reported with the reason, and stays unresolved', async () => {
  cfn.on(DescribeStackResourceCommand).rejects(Object.assign(new Error('User is not authorized to perform cloudformation:DescribeStackResource'), { name: 'AccessDenied' }));
  const resolved = await resolveProduction(productionDatabases([STACK]), clients);
  expect(unresolvedProduction(resolved.production)).toHaveLength(3);
  expect(resolved.problems[0]).toBe('Attachment of stack Prod: User is not authorized to perform cloudformation:DescribeStackResource');
});

test('a cluster\'s writer and reader endpoints are both production', async () => {
  rds.on(DescribeDBInstancesCommand).rejects(Object.assign(new Error('not found'), { name: 'DBInstanceNotFoundFault' }));
  rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [{ Endpoint: 'orders.cluster-abc.eu-west-1.rds.amazonaws.com', ReaderEndpoint: 'orders.cluster-ro-abc.eu-west-1.rds.amazonaws.com', Port: 5432 }] });
  const resolved = await resolveProduction({ secrets: [], endpoints: [], identifiers: [{ id: 'orders', region: 'eu-west-1' }] }, clients);
  expect(resolved.endpoints.map((e) => e.host)).toEqual(['orders.cluster-abc.eu-west-1.rds.amazonaws.com', 'orders.cluster-ro-abc.eu-west-1.rds.amazonaws.com']);
});

test('spellings of one host, and RDS endpoints of every partition', () => {
  expect(['127.0.0.1', 'LOCALHOST.', '[::1]', '0.0.0.0', '::ffff:127.0.0.1', '::ffff:7f00:1'].map(normalizeHost)).toEqual(Array(6).fill('loopback'));
  expect(normalizeHost('::ffff:a00:105')).toBe('10.0.1.5');
  expect(rdsEndpointIdentifier('orders.cluster-ro-abc.eu-west-1.rds.amazonaws.com')).toBe('orders');
  expect(rdsEndpointIdentifier('app.abc.rds.cn-north-1.amazonaws.com.cn')).toBe('app');
  expect(rdsEndpointIdentifier('docs.cluster-abc.us-east-1.docdb.amazonaws.com')).toBe('docs');
  expect(rdsEndpointIdentifier('db.internal.example.com')).toBeUndefined();
});
