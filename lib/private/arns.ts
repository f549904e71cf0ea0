import { ArnFormat, Stack } from 'aws-cdk-lib';
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
