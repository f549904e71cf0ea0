// What the restore commands read from RDS (and DocumentDB, which shares its describe API): a database by identifier,
// whether an identifier is taken, the writer of a cluster; and the one step both PITR and AWS Backup restores of a
// cluster need afterwards: an instance in the restored cluster (neither creates one).
import {
  CreateDBInstanceCommand, DBCluster, DBInstance, DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient,
} from '@aws-sdk/client-rds';
import { CreateDBInstanceCommand as CreateDocDbInstanceCommand, DocDBClient } from '@aws-sdk/client-docdb';
import { awsFailure } from '../aws-errors';
import { CliError, EXIT } from '../exit-codes';
import { Output } from '../output';
import { waitFor, WaitOptions } from './wait';

export interface RdsClients {
  readonly rds: RDSClient;
  readonly docdb: DocDBClient;
}

/** What the AWS restore commands (pitr, recovery-point) run with. */
export interface AwsRestoreDeps extends RdsClients {
  readonly output: Output;
  /** The region the clients call. */
  readonly region: string;
  /** Signal, clock and sleep of the waiting (tests replace the clock). */
  readonly waiting?: Omit<WaitOptions, 'timeoutSeconds' | 'pollSeconds'>;
  /** @default Date.now */
  readonly now?: () => number;
}

/** How the AWS restore commands wait. */
export interface WaitingOptions {
  /** Wait until the restore is usable (false: start it and return). */
  readonly wait: boolean;
  readonly timeoutSeconds: number;
  readonly pollSeconds: number;
  readonly dryRun: boolean;
}

/**
 * Waits until the DB instance `id` is available (exit 1 in a failed state, 5 past the timeout). `what` names it in
 * messages and `progress` labels its progress display.
 */
export function waitForInstance(
  clients: RdsClients, output: Output, id: string, wait: WaitOptions,
  names: { readonly what: string; readonly progress: string; readonly region?: string },
): Promise<DBInstance | undefined> {
  return waitFor(names.what, async () => {
    const i = await findInstance(clients.rds, id);
    const state = i?.DBInstanceStatus ?? 'not visible yet';
    return { state, done: state === 'available', failed: FAILED_STATES.has(state) ? `the instance is ${state}` : undefined, value: i };
  }, output.state(names.progress, 'creating'), wait, `aws rds describe-db-instances${names.region ? ` --region ${names.region}` : ''} --db-instance-identifier ${id}`);
}

const IDENTIFIER = /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{0,62}(?<!-)$/;

/** RDS identifier rules: 1-63 letters, digits or hyphens, a letter first, no `--`, no hyphen last. */
export function checkIdentifier(option: string, value: string): string {
  if (!IDENTIFIER.test(value)) {
    throw new CliError(EXIT.USAGE, `${option} '${value}' is not a valid identifier: 1 to 63 letters, digits or hyphens, `
      + 'starting with a letter, without two hyphens in a row or a hyphen at the end');
  }
  return value;
}

function notFound(err: unknown): boolean {
  const name = (err as { name?: string })?.name ?? '';
  return name === 'DBInstanceNotFoundFault' || name === 'DBClusterNotFoundFault';
}

/** Calls `fn`; AWS access problems become exit 6 naming `action`, other errors exit 1 naming `doing`. */
export async function aws<T>(doing: string, action: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw awsFailure(err, doing, action)
      ?? new CliError(EXIT.FAILED, `${doing} failed: ${(err as { name?: string }).name ?? 'Error'}: ${(err as Error).message}`, { cause: err });
  }
}

export async function findInstance(rds: RDSClient, id: string): Promise<DBInstance | undefined> {
  try {
    const r = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
    return r.DBInstances?.[0];
  } catch (err) {
    if (notFound(err)) return undefined;
    throw awsFailure(err, `describing DB instance ${id}`, 'rds:DescribeDBInstances')
      ?? new CliError(EXIT.FAILED, `describing DB instance ${id} failed: ${(err as Error).message}`, { cause: err });
  }
}

export async function findCluster(rds: RDSClient, id: string): Promise<DBCluster | undefined> {
  try {
    const r = await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }));
    return r.DBClusters?.[0];
  } catch (err) {
    if (notFound(err)) return undefined;
    throw awsFailure(err, `describing DB cluster ${id}`, 'rds:DescribeDBClusters')
      ?? new CliError(EXIT.FAILED, `describing DB cluster ${id} failed: ${(err as Error).message}`, { cause: err });
  }
}

/** Refuses an identifier that an instance or cluster already has: a restore always creates a new database. */
export async function assertIdentifierFree(rds: RDSClient, id: string, kind: 'instance' | 'cluster'): Promise<void> {
  const taken = kind === 'instance' ? await findInstance(rds, id) : await findCluster(rds, id);
  if (taken) {
    throw new CliError(EXIT.REFUSED, `refusing to restore: a DB ${kind} named '${id}' already exists (status ${kind === 'instance'
      ? (taken as DBInstance).DBInstanceStatus : (taken as DBCluster).Status}); a restore creates a new database — choose another --target`);
  }
}

/** The writer instance of a cluster (its class and parameter group are copied to the restored cluster's instance). */
export async function writerOf(rds: RDSClient, cluster: DBCluster): Promise<DBInstance | undefined> {
  const writer = cluster.DBClusterMembers?.find((m) => m.IsClusterWriter)?.DBInstanceIdentifier
    ?? cluster.DBClusterMembers?.[0]?.DBInstanceIdentifier;
  return writer ? findInstance(rds, writer) : undefined;
}

export interface ClusterInstanceRequest {
  readonly cluster: string;
  readonly instance: string;
  readonly engine: string;
  readonly instanceClass: string;
  /** Aurora only (DocumentDB instances take no parameter group). */
  readonly parameterGroup?: string;
  readonly tags: ReadonlyArray<{ Key: string; Value: string }>;
}

/** Adds an instance to a restored cluster and waits until it is available; returns its endpoint. */
export async function addClusterInstance(
  clients: RdsClients, output: Output, r: ClusterInstanceRequest, wait: WaitOptions,
): Promise<DBInstance> {
  await aws(`creating instance ${r.instance} in cluster ${r.cluster}`, 'rds:CreateDBInstance', () => (r.engine === 'docdb'
    ? clients.docdb.send(new CreateDocDbInstanceCommand({
      DBInstanceIdentifier: r.instance, DBClusterIdentifier: r.cluster, Engine: r.engine, DBInstanceClass: r.instanceClass, Tags: [...r.tags],
    }))
    : clients.rds.send(new CreateDBInstanceCommand({
      DBInstanceIdentifier: r.instance, DBClusterIdentifier: r.cluster, Engine: r.engine, DBInstanceClass: r.instanceClass,
      DBParameterGroupName: r.parameterGroup, Tags: [...r.tags],
    }))));
  return waitForInstance(clients, output, r.instance, wait, { what: `instance ${r.instance}`, progress: `instance ${r.instance}` }) as Promise<DBInstance>;
}

/** RDS states from which a restore does not become available by itself. */
export const FAILED_STATES = new Set(['failed', 'incompatible-restore', 'incompatible-parameters', 'incompatible-network', 'storage-full', 'inaccessible-encryption-credentials', 'deleting']);
