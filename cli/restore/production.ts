// The production databases of an app, as the restore command refuses them as targets: the secrets its dump jobs
// read, the `host:port/dbname` its verify jobs refuse, and the identifiers of its RDS/Aurora databases (an RDS
// endpoint's first label is the identifier: `<id>.<hash>.<region>.rds.amazonaws.com`, `<id>.cluster-<hash>…`).
import { AssemblyStack, literal, literalStrings, resourcesOfType } from '../app/assembly';
import { DUMP_ENV, VERIFY_ENV } from '../../lib/private/job-contract';
import { DatabaseTarget, normalizeHost, parseProductionTarget } from '../../lambda/verify-dump/target';

export interface ProductionDatabases {
  /** Secret ARNs without the 6-character suffix Secrets Manager adds (`…:secret:name` ). */
  readonly secrets: ReadonlySet<string>;
  readonly endpoints: readonly DatabaseTarget[];
  /** RDS/Aurora/DocumentDB identifiers, lower case (RDS stores them so). */
  readonly identifiers: ReadonlySet<string>;
}

const RDS_ARN = /^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:(?:db|cluster):([a-zA-Z][a-zA-Z0-9-]*)$/;

/** `arn:…:secret:name-AbCdEf` and `arn:…:secret:name` both become `arn:…:secret:name`. */
export function secretArnWithoutSuffix(arn: string): string {
  return arn.replace(/(:secret:.+)-[A-Za-z0-9]{6}$/, '$1');
}

/** What `stacks` say about the app's production databases; `extra` adds `host:port/dbname` targets. */
export function productionDatabases(stacks: readonly AssemblyStack[], extra: readonly string[] = []): ProductionDatabases {
  const secrets = new Set<string>();
  const endpoints: DatabaseTarget[] = extra.map((t) => parseProductionTarget(t));
  const identifiers = new Set<string>();
  for (const stack of stacks) {
    for (const [, fn] of resourcesOfType(stack, 'AWS::Lambda::Function')) {
      const vars = ((fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables) ?? {};
      const secret = literal(vars[DUMP_ENV.SECRET_ARN]);
      if (secret) secrets.add(secretArnWithoutSuffix(secret));
      const target = literal(vars[VERIFY_ENV.PRODUCTION_TARGET]);
      if (target) endpoints.push(parseProductionTarget(target));
    }
    for (const [, db] of [...resourcesOfType(stack, 'AWS::RDS::DBInstance'), ...resourcesOfType(stack, 'AWS::RDS::DBCluster'), ...resourcesOfType(stack, 'AWS::DocDB::DBCluster')]) {
      const id = literal(db.Properties?.DBInstanceIdentifier) ?? literal(db.Properties?.DBClusterIdentifier);
      if (id) identifiers.add(id.toLowerCase());
    }
    for (const s of literalStrings(stack.template.Resources)) {
      const m = RDS_ARN.exec(s);
      if (m) identifiers.add(m[1].toLowerCase());
    }
  }
  return { secrets, endpoints, identifiers };
}

/** Why `target` is one of the production databases, or undefined when it is not. */
export function productionMatch(
  production: ProductionDatabases, target: DatabaseTarget, targetSecretArn?: string,
): string | undefined {
  if (targetSecretArn && production.secrets.has(secretArnWithoutSuffix(targetSecretArn))) {
    return `its secret ${targetSecretArn} is the one a dump job of the app reads`;
  }
  const host = normalizeHost(target.host);
  for (const e of production.endpoints) {
    if (normalizeHost(e.host) === host && e.port === target.port && e.database === target.database) {
      return `${e.host}:${e.port}/${e.database} is named as production in the app (a verify job's production target)`;
    }
  }
  const rds = /^([a-z][a-z0-9-]*)\.(?:cluster-(?:ro-)?)?[a-z0-9]+\.[a-z0-9-]+\.(?:rds|docdb)\.amazonaws\.com(?:\.cn)?$/.exec(host);
  if (rds && production.identifiers.has(rds[1])) {
    return `${target.host} is the endpoint of '${rds[1]}', a database of the app`;
  }
  return undefined;
}
