// The production databases of an app, which the restore command refuses as targets: the secrets its dump jobs read,
// the `host:port/dbname` its verify jobs refuse, and the identifiers of its RDS/Aurora/DocumentDB databases. Values the
// templates know only after deploy (a secret created by the stack, an endpoint) are read back from CloudFormation and
// RDS at run time (`resolveProduction`); what still cannot be read is reported, and refused unless the operator says so.
import type { AssemblyStack } from '../app/assembly';
import { resourcesOfType } from '../app/assembly';
import { isKnown, Marker, markersIn, Resolver } from '../../lib/private/posture/resolve';
import { DUMP_ENV, VERIFY_ENV } from '../../lib/private/job-contract';
import { DatabaseTarget, HostResolver, isSameServer, normalizeHost, parseProductionTarget, TargetLog } from '../../lambda/verify-dump/target';

/** What the app says about its production databases; values may hold markers until `resolveProduction`. */
export interface ProductionDatabases {
  /** Secret ARNs (complete, or partial as the app gives them). */
  readonly secrets: readonly string[];
  /** `host:port/dbname` targets. */
  readonly endpoints: readonly string[];
  /** RDS/Aurora/DocumentDB identifiers, with the region their database is in. */
  readonly identifiers: ReadonlyArray<{ readonly id: string; readonly region?: string }>;
}

const RDS_ARN = /^arn:aws[a-z-]*:rds:([a-z0-9-]+):\d{12}:(?:db|cluster):(.+)$/;

/** Reads the production databases of the app's stacks; `extra` adds `host:port/dbname` targets (--production). */
export function productionDatabases(stacks: readonly AssemblyStack[], extra: readonly string[] = []): ProductionDatabases {
  const secrets = new Set<string>();
  const endpoints = new Set<string>(extra);
  const identifiers = new Map<string, { id: string; region?: string }>();
  const addIdentifier = (id: string, region: string | undefined) => {
    const key = isKnown(id) ? id.toLowerCase() : id;
    identifiers.set(`${key}|${region}`, { id: key, region });
  };
  for (const stack of stacks) {
    const r = new Resolver(stack);
    for (const [, fn] of resourcesOfType(stack, 'AWS::Lambda::Function')) {
      const vars = ((fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables) ?? {};
      const secret = r.resolve(vars[DUMP_ENV.SECRET_ARN]);
      if (secret) secrets.add(secret);
      const target = r.resolve(vars[VERIFY_ENV.PRODUCTION_TARGET]);
      if (target) endpoints.add(target);
    }
    for (const [id, db] of [
      ...resourcesOfType(stack, 'AWS::RDS::DBInstance'), ...resourcesOfType(stack, 'AWS::RDS::DBCluster'), ...resourcesOfType(stack, 'AWS::DocDB::DBCluster'),
    ]) {
      // Scratch servers (no automated backups) are where restores belong, not production.
      if (db.Properties?.BackupRetentionPeriod === 0) continue;
      addIdentifier(r.resolve({ Ref: id }) as string, stack.region);
    }
    for (const value of JSON.stringify(stack.template.Resources ?? {}).match(/arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:(?:db|cluster):[a-zA-Z][a-zA-Z0-9-]*/g) ?? []) {
      const m = RDS_ARN.exec(value) as RegExpExecArray;
      addIdentifier(m[2], m[1]);
    }
  }
  return { secrets: [...secrets], endpoints: [...endpoints], identifiers: [...identifiers.values()] };
}

/** The markers (names known only after deploy) left in the production databases. */
export function unresolvedProduction(p: ProductionDatabases): Marker[] {
  const seen = new Map<string, Marker>();
  for (const value of [...p.secrets, ...p.endpoints, ...p.identifiers.map((i) => i.id)]) {
    for (const m of markersIn(value)) seen.set(`${m.stack}|${m.logicalId}|${m.attribute}`, m);
  }
  return [...seen.values()].sort((a, b) => `${a.stack}|${a.logicalId}|${a.attribute}`.localeCompare(`${b.stack}|${b.logicalId}|${b.attribute}`));
}

/** `arn:…:secret:name-AbCdEf` → `arn:…:secret:name`, for an ARN known to be complete (as Secrets Manager returns it). */
function withoutSuffix(completeArn: string): string {
  return completeArn.replace(/(:secret:.+)-[A-Za-z0-9]{6}$/, '$1');
}

/**
 * The endpoint host of an RDS or DocumentDB database, and the identifier in its first label:
 * `<id>.<hash>.<region>.rds.amazonaws.com`, `<id>.cluster-[ro-]<hash>.…`, China `….rds.<region>.amazonaws.com.cn`.
 */
export function rdsEndpointIdentifier(host: string): string | undefined {
  const h = normalizeHost(host);
  const m = /^([a-z][a-z0-9-]*)\.(?:cluster-(?:ro-)?)?[a-z0-9]+\.(?:[a-z0-9-]+\.(?:rds|docdb)\.amazonaws\.com|(?:rds|docdb)\.[a-z0-9-]+\.amazonaws\.com\.cn)$/.exec(h);
  return m?.[1];
}

export interface TargetIdentity extends DatabaseTarget {
  /** The complete ARN of the target's secret, as Secrets Manager returned it. */
  readonly secretArn?: string;
}

/**
 * Why `target` is one of the production databases, or undefined. Hosts are compared as the verify job's guard compares
 * them: normalized, and by the addresses they resolve to (an IP address, a CNAME or a spelling of 127.0.0.1 is the same
 * server). `endpointsOf` gives the `host:port` of production identifiers whose endpoints were read from RDS.
 */
export async function productionMatch(
  production: ProductionDatabases, target: TargetIdentity, options: {
    readonly resolve?: HostResolver; readonly warn: (message: string) => void;
    readonly endpointsOf?: ReadonlyArray<{ readonly id: string; readonly host: string; readonly port: number }>;
  },
): Promise<string | undefined> {
  const log = { warn: (message: unknown, ...fields: unknown[]) => options.warn(`${String(message)}${fields.length > 0 ? ` ${JSON.stringify(fields[0])}` : ''}`) } as TargetLog;
  if (target.secretArn) {
    const forms = new Set([target.secretArn, withoutSuffix(target.secretArn)]);
    const secret = production.secrets.find((s) => forms.has(s));
    if (secret) return `its secret ${target.secretArn} is the one a dump job of the app reads`;
  }
  for (const value of production.endpoints.filter(isKnown)) {
    const e = parseProductionTarget(value);
    if (e.database === target.database && await isSameServer(e, target, options.resolve ?? defaultResolve, log)) {
      return `${e.host}:${e.port}/${e.database} is named as production in the app (a verify job's production target)`;
    }
  }
  const id = rdsEndpointIdentifier(target.host);
  if (id && production.identifiers.some((i) => i.id === id)) {
    return `${target.host} is an endpoint of '${id}', a database of the app`;
  }
  for (const e of options.endpointsOf ?? []) {
    if (await isSameServer({ host: e.host, port: e.port }, target, options.resolve ?? defaultResolve, log)) {
      return `${target.host}:${target.port} is the server of '${e.id}', a database of the app (endpoint ${e.host})`;
    }
  }
  return undefined;
}

const defaultResolve: HostResolver = async (host) => (await import('node:dns')).promises.lookup(host, { all: true }).then((a) => a.map((x) => x.address));
