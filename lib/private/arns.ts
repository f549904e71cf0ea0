import { ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as docdb from 'aws-cdk-lib/aws-docdb';

/**
 * The ARN AWS Backup knows a DocumentDB cluster by, `arn:<partition>:rds:<region>:<account>:cluster:<identifier>`:
 * aws-cdk-lib's DocumentDB cluster exposes no ARN.
 */
export function documentDbClusterArn(cluster: docdb.IDatabaseCluster): string {
  return Stack.of(cluster).formatArn({
    service: 'rds',
    resource: 'cluster',
    resourceName: cluster.clusterIdentifier,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    account: cluster.env.account,
    region: cluster.env.region,
  });
}

/**
 * The service of an ARN (`rds` for RDS, Aurora, DocumentDB and Neptune): `arn:<partition>:<service>:...` with a
 * partition of lowercase letters and hyphens (or a token, as in ARNs built by `Stack.formatArn()`) and a service of
 * lowercase letters, digits and hyphens. Undefined for text that is not an ARN and for an ARN whose service is a token.
 */
export function arnService(arn: string): string | undefined {
  const match = /^arn:([^:]+):([^:]+):/.exec(arn);
  if (!match) {
    return undefined;
  }
  const [, partition, service] = match;
  const partitionValid = Token.isUnresolved(partition) || /^[a-z-]+$/.test(partition);
  return partitionValid && !Token.isUnresolved(service) && /^[a-z0-9-]+$/.test(service) ? service : undefined;
}

/** The resource type of an RDS ARN (`db`, `cluster`, ...), or undefined for other text. */
export function rdsResourceType(arn: string): string | undefined {
  return /^arn:[^:]+:rds:[^:]*:[^:]*:([a-z]+):/.exec(arn)?.[1];
}
