import { Duration, Resource, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { differs } from './validation';

/**
 * An AWS/Backup metric of a vault (dimension `BackupVaultName`), summed over 1 hour unless `props` say otherwise. When
 * the vault is known to be in another account or region than its stack (a reference to another account's vault),
 * that account and region go on the metric, so that an alarm or graph reads the vault's metric rather than a metric
 * of the same name in its own account and region. One implementation for every kind of vault.
 */
export function vaultMetric(
  vault: Resource, backupVaultName: string, metricName: string, props?: cloudwatch.MetricOptions,
): cloudwatch.Metric {
  const stack = Stack.of(vault);
  return new cloudwatch.Metric({
    namespace: 'AWS/Backup',
    metricName,
    dimensionsMap: { BackupVaultName: backupVaultName },
    statistic: cloudwatch.Stats.SUM,
    period: Duration.hours(1),
    account: differs(vault.env.account, stack.account) ? vault.env.account : undefined,
    region: differs(vault.env.region, stack.region) ? vault.env.region : undefined,
    ...props,
  });
}
