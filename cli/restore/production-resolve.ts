// Reading back, at restore time, what the app's templates know only after deploy: the physical id of a resource
// (CloudFormation DescribeStackResource; a nested stack through its parent) and a database's endpoint (RDS), so the
// production guard compares the target with every production database, whatever name or address it is given by.
import { CloudFormationClient, DescribeStackResourceCommand } from '@aws-sdk/client-cloudformation';
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { errorMessage } from '../../lambda/shared/secret';
import { isKnown, Marker, markersIn, renderMarkers } from '../../lib/private/posture/resolve';
import { ProductionDatabases } from './production';

export interface ResolveClients {
  readonly cloudFormation: (region: string | undefined) => CloudFormationClient;
  readonly rds: (region: string | undefined) => RDSClient;
  /** Stack name → region, from the assembly. */
  readonly stackRegions: ReadonlyMap<string, string | undefined>;
}

export interface ResolvedProduction {
  readonly production: ProductionDatabases;
  /** Endpoints of the production identifiers, read from RDS. */
  readonly endpoints: ReadonlyArray<{ readonly id: string; readonly host: string; readonly port: number }>;
  /** What could not be read, and why. */
  readonly problems: readonly string[];
}

async function physicalId(c: ResolveClients, stack: string, logicalId: string, cache: Map<string, Promise<string>>): Promise<string> {
  const key = `${stack}|${logicalId}`;
  let found = cache.get(key);
  if (!found) {
    const slash = stack.lastIndexOf('/');
    const region = c.stackRegions.get(slash < 0 ? stack : stack.split('/')[0]);
    found = (async () => {
      const stackName = slash < 0 ? stack : await physicalId(c, stack.slice(0, slash), stack.slice(slash + 1), cache);
      const r = await c.cloudFormation(region).send(new DescribeStackResourceCommand({ StackName: stackName, LogicalResourceId: logicalId }));
      const id = r.StackResourceDetail?.PhysicalResourceId;
      if (!id) throw new Error(`${logicalId} of ${stack} has no physical id yet`);
      return id;
    })();
    cache.set(key, found);
  }
  return found;
}

/** A database by identifier, instance or cluster: its endpoints (a cluster's writer and reader) and its managed secret. */
async function describeDatabase(rds: RDSClient, id: string): Promise<{ endpoints: Array<{ host: string; port: number }>; readers: string[]; secretArn?: string }> {
  try {
    const i = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))).DBInstances?.[0];
    if (i) return { endpoints: i.Endpoint?.Address ? [{ host: i.Endpoint.Address, port: i.Endpoint.Port ?? 5432 }] : [], readers: [], secretArn: i.MasterUserSecret?.SecretArn };
  } catch (err) {
    if ((err as { name?: string }).name !== 'DBInstanceNotFoundFault') throw err;
  }
  const c = (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }))).DBClusters?.[0];
  const endpoints = [c?.Endpoint, c?.ReaderEndpoint].filter((h): h is string => h !== undefined).map((host) => ({ host, port: c?.Port ?? 5432 }));
  return { endpoints, readers: c?.ReaderEndpoint ? [c.ReaderEndpoint] : [], secretArn: c?.MasterUserSecret?.SecretArn };
}

/** The attributes of a database resource the guard reads back from RDS. */
async function attributeOf(rds: RDSClient, id: string, attribute: string): Promise<string> {
  const d = await describeDatabase(rds, id);
  const value = attribute === 'Endpoint.Address' ? d.endpoints[0]?.host
    : attribute === 'Endpoint.Port' ? (d.endpoints[0] ? String(d.endpoints[0].port) : undefined)
      : attribute === 'ReadEndpoint.Address' ? d.readers[0]
        : attribute === 'MasterUserSecret.SecretArn' ? d.secretArn : undefined;
  if (value === undefined) throw new Error(`${attribute} of ${id} cannot be read back (not reported by RDS, or not an attribute the guard reads)`);
  return value;
}

/** Replaces the markers of the production databases with what AWS reports, and reads their endpoints. */
export async function resolveProduction(p: ProductionDatabases, c: ResolveClients): Promise<ResolvedProduction> {
  const problems: string[] = [];
  const cache = new Map<string, Promise<string>>();
  const values = new Map<string, string>();
  const markers = new Map<string, Marker>();
  for (const value of [...p.secrets, ...p.endpoints, ...p.identifiers.map((i) => i.id)]) {
    for (const m of markersIn(value)) if (!m.logicalId.startsWith('AWS::')) markers.set(`${m.stack}|${m.logicalId}|${m.attribute}`, m);
  }
  for (const [key, m] of [...markers].sort(([a], [b]) => a.localeCompare(b))) {
    try {
      if (m.logicalId.startsWith('Fn::') || m.logicalId === 'Ref') {
        throw new Error(`${m.logicalId} is not read back by the guard; compare the target by hand, then pass --unverified-production`);
      }
      const id = await physicalId(c, m.stack, m.logicalId, cache);
      values.set(key, m.attribute === '' ? id : await attributeOf(c.rds(c.stackRegions.get(m.stack.split('/')[0])), id, m.attribute));
    } catch (err) {
      problems.push(`${m.logicalId}${m.attribute ? `.${m.attribute}` : ''} of stack ${m.stack}: ${errorMessage(err)}`);
    }
  }
  const fill = (value: string) => renderMarkers(value, (m) => values.get(`${m.stack}|${m.logicalId}|${m.attribute}`) ?? `⟦${m.stack}|${m.logicalId}|${m.attribute}⟧`);
  const production: ProductionDatabases = {
    secrets: p.secrets.map(fill),
    endpoints: p.endpoints.map(fill),
    identifiers: p.identifiers.map((i) => ({ ...i, id: isKnown(fill(i.id)) ? fill(i.id).toLowerCase() : fill(i.id) })),
  };
  const endpoints: Array<{ id: string; host: string; port: number }> = [];
  for (const { id, region } of production.identifiers.filter((i) => isKnown(i.id))) {
    try {
      endpoints.push(...(await describeDatabase(c.rds(region), id)).endpoints.map((e) => ({ id, ...e })));
    } catch (err) {
      problems.push(`the endpoint of ${id} (${region ?? 'its region'}): ${errorMessage(err)}`);
    }
  }
  return { production, endpoints, problems };
}
