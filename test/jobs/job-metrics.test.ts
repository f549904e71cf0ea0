import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import {
  JOB_METRIC_UNITS,
  JOB_METRICS_DATABASE_DIMENSION,
  JOB_METRICS_NAMESPACE,
  JobMetricName,
  JobMetrics,
} from '../../lib';

type Factory = (database: string, options?: cloudwatch.MetricOptions) => cloudwatch.Metric;

const FACTORIES: Array<[string, Factory, string, string, string]> = [
  ['backupSuccess', JobMetrics.backupSuccess, 'BackupSuccess', 'Minimum', 'Count'],
  ['backupSizeBytes', JobMetrics.backupSizeBytes, 'BackupSizeBytes', 'Maximum', 'Bytes'],
  ['backupDurationSeconds', JobMetrics.backupDurationSeconds, 'BackupDurationSeconds', 'Maximum', 'Seconds'],
  ['verificationSuccess', JobMetrics.verificationSuccess, 'VerificationSuccess', 'Minimum', 'Count'],
  ['verifiedBackupAgeSeconds', JobMetrics.verifiedBackupAgeSeconds, 'VerifiedBackupAgeSeconds', 'Maximum', 'Seconds'],
  ['restoreDurationSeconds', JobMetrics.restoreDurationSeconds, 'RestoreDurationSeconds', 'Maximum', 'Seconds'],
  ['newestDumpMissing', JobMetrics.newestDumpMissing, 'NewestDumpMissing', 'Maximum', 'Count'],
];

describe('job metric contract', () => {
  test('namespace and dimension are the ones the handlers emit', () => {
    expect(JOB_METRICS_NAMESPACE).toBe('CdkBackupDr');
    expect(JOB_METRICS_DATABASE_DIMENSION).toBe('Database');
    expect(JobMetrics.NAMESPACE).toBe(JOB_METRICS_NAMESPACE);
    expect(JobMetrics.DATABASE_DIMENSION).toBe(JOB_METRICS_DATABASE_DIMENSION);
  });

  test('metric names are the six of DESIGN.md and NewestDumpMissing (a lost newest dump, reported on its own)', () => {
    expect(Object.values(JobMetricName)).toEqual([
      'BackupSuccess',
      'BackupSizeBytes',
      'BackupDurationSeconds',
      'VerificationSuccess',
      'VerifiedBackupAgeSeconds',
      'RestoreDurationSeconds',
      'NewestDumpMissing',
    ]);
  });

  test('every metric name has a unit, and only those names', () => {
    expect(JOB_METRIC_UNITS).toEqual({
      BackupSuccess: 'Count',
      BackupSizeBytes: 'Bytes',
      BackupDurationSeconds: 'Seconds',
      VerificationSuccess: 'Count',
      VerifiedBackupAgeSeconds: 'Seconds',
      RestoreDurationSeconds: 'Seconds',
      NewestDumpMissing: 'Count',
    });
  });

  test.each(FACTORIES)('unitOf(%s) is a CloudWatch unit', (_name, _factory, metricName, _statistic, unit) => {
    expect(JobMetrics.unitOf(metricName as JobMetricName)).toBe(unit);
    expect(Object.values(cloudwatch.Unit)).toContain(JobMetrics.unitOf(metricName as JobMetricName));
  });

  test('fails when unitOf is asked for a metric that is not a job metric', () => {
    expect(() => JobMetrics.unitOf('BackupAge' as JobMetricName))
      .toThrow(/metricName 'BackupAge' is not a job metric; use one of BackupSuccess, BackupSizeBytes/);
  });
});

describe('JobMetrics factories', () => {
  test.each(FACTORIES)('%s: namespace, name, Database dimension, default statistic and period, no unit filter',
    (_name, factory, metricName, statistic) => {
      const config = factory('orders').toMetricConfig();
      expect(config.metricStat).toEqual({
        namespace: 'CdkBackupDr',
        metricName,
        dimensions: [{ name: 'Database', value: 'orders' }],
        statistic,
        period: Duration.hours(1),
        account: undefined,
        region: undefined,
        accountOverride: undefined,
        regionOverride: undefined,
        unitFilter: undefined,
      });
    });

  test.each(FACTORIES)('%s: options override statistic, period and label but keep the dimension',
    (_name, factory, metricName) => {
      const metric = factory('billing', { statistic: 'Sum', period: Duration.days(1), label: 'dumps' });
      const config = metric.toMetricConfig();
      expect(config.metricStat?.metricName).toBe(metricName);
      expect(config.metricStat?.statistic).toBe('Sum');
      expect(config.metricStat?.period.toSeconds()).toBe(86400);
      expect(config.metricStat?.dimensions).toEqual([{ name: 'Database', value: 'billing' }]);
      expect(config.renderingProperties?.label).toBe('dumps');
    });

  test('an alarm on a job metric renders the contract and no Unit (a unit filter would hide mismatched datapoints)', () => {
    const stack = new Stack(new App(), 'Stack');
    new cloudwatch.Alarm(stack, 'Alarm', {
      metric: JobMetrics.backupSizeBytes('orders'),
      threshold: 1,
      evaluationPeriods: 1,
    });
    const [alarm] = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm'));
    expect(alarm.Properties).toMatchObject({
      Namespace: 'CdkBackupDr',
      MetricName: 'BackupSizeBytes',
      Dimensions: [{ Name: 'Database', Value: 'orders' }],
      Statistic: 'Maximum',
      Period: 3600,
    });
    expect(alarm.Properties.Unit).toBeUndefined();
  });

  test.each(FACTORIES)('fails when %s is given an empty database name', (_name, factory) => {
    expect(() => factory('  ')).toThrow(/database ' {2}' is empty; pass the name of the PostgreSQL database/);
  });

  test.each(FACTORIES)('fails when %s is given extra dimensions', (_name, factory, metricName) => {
    expect(() => factory('orders', { dimensionsMap: { Stage: 'prod' } }))
      .toThrow(new RegExp(`dimensionsMap is set for job metric ${metricName}; job metrics have exactly one dimension, Database`));
  });
});

test('the public metric names are the ones the handlers emit (lib/private/job-contract)', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const contract = require('../../lib/private/job-contract');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { JobMetricName } = require('../../lib');
  expect(Object.values(contract.JOB_METRIC).sort()).toEqual(Object.values(JobMetricName).sort());
  expect(Object.keys(contract.JOB_METRIC_UNITS).sort()).toEqual(Object.values(JobMetricName).sort());
});
