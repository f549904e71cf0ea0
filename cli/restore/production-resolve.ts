// Reading back, at restore time, what the app's templates know only after deploy: the physical id of a resource
// (CloudFormation DescribeStackResource; a nested stack through its parent) and a database's endpoint (RDS), so the
// production guard compares the target with every production database, whatever name or address it is given by.
import { CloudFormationClient, DescribeStackResourceCommand } from '@aws-sdk/client-cloudformation';
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { errorMessage } from '../../lambda/shared/secret';
import { isKnown, Marker, markersIn, renderMarkers } from '../app/resolve';
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

async function endpointOf(rds: RDSClient, id: string): Promise<Array<{ host: string; port: number }>> {
  try {
    const i = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))).DBInstances?.[0];
    if (i?.Endpoint?.Address) return [{ host: i.Endpoint.Address, port: i.Endpoint.Port ?? 5432 }];
  } catch (err) {
    if ((err as { name?: string }).name !== 'DBInstanceNotFoundFault') throw err;
  }
  const c = (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }))).DBClusters?.[0];
  return [c?.Endpoint, c?.ReaderEndpoint].filter((h): h is string => h !== undefined).map((host) => ({ host, port: c?.Port ?? 5432 }));
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
      const id = await physicalId(c, m.stack, m.logicalId, cache);
      if (m.attribute === '') {
        values.set(key, id);
      } else if (m.attribute === 'Endpoint.Address' || m.attribute === 'Endpoint.Port') {
        const [endpoint] = await endpointOf(c.rds(c.stackRegions.get(m.stack.split('/')[0])), id);
        if (!endpoint) throw new Error(`${id} has no endpoint yet`);
        values.set(key, m.attribute === 'Endpoint.Address' ? endpoint.host : String(endpoint.port));
      }
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
      endpoints.push(...(await endpointOf(c.rds(region), id)).map((e) => ({ id, ...e })));
    } catch (err) {
      problems.push(`the endpoint of ${id} (${region ?? 'its region'}): ${errorMessage(err)}`);
    }
  }
  return { production, endpoints, problems };
}
