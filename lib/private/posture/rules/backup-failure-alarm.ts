import type { AppIndex, Located } from '../app-index';
import { JOB_METRIC, JOB_METRICS_DATABASE_DIMENSION, JOB_METRICS_NAMESPACE } from '../../job-contract';
import { planAt } from './plan-copies';
import { alarmNotifies, DrRule, NOT_APPLICABLE, outcome, ruleDelivers, RuleContext, sameEnvironment } from './rule';

export interface MetricRef {
  readonly namespace?: string;
  readonly metricName?: string;
  readonly dimensions: ReadonlyMap<string, string>;
}

/** The metrics an alarm watches: its own, or those of its metric math. */
export function alarmMetrics(alarm: Located): MetricRef[] {
  const p = alarm.resource.Properties ?? {};
  const dims = (raw: unknown) => new Map(((raw ?? []) as Array<{ Name?: unknown; Value?: unknown }>)
    .map((d) => [String(d.Name), alarm.r.resolve(d.Value) ?? ''] as [string, string]));
  const direct = p.MetricName !== undefined ? [{ namespace: alarm.r.resolve(p.Namespace), metricName: alarm.r.resolve(p.MetricName), dimensions: dims(p.Dimensions) }] : [];
  const math = ((p.Metrics ?? []) as Array<{ MetricStat?: { Metric?: { Namespace?: unknown; MetricName?: unknown; Dimensions?: unknown } } }>)
    .filter((m) => m.MetricStat?.Metric).map((m) => {
      const metric = m.MetricStat?.Metric ?? {};
      return { namespace: alarm.r.resolve(metric.Namespace), metricName: alarm.r.resolve(metric.MetricName), dimensions: dims(metric.Dimensions) };
    });
  return [...direct, ...math];
}

/** How failed backup jobs into one of `vaults` reach a person, or undefined. */
function backupJobWatch(index: AppIndex, near: Located, vaults: ReadonlySet<string>): string | undefined {
  const alarm = index.ofType('AWS::CloudWatch::Alarm').filter((a) => sameEnvironment(a, near) && alarmNotifies(a)).find((a) => alarmMetrics(a).some((m) => m.namespace === 'AWS/Backup'
    && m.metricName === 'NumberOfBackupJobsFailed' && (!m.dimensions.has('BackupVaultName') || vaults.has(m.dimensions.get('BackupVaultName') as string))));
  if (alarm) return `alarm ${alarm.path}`;
  const rule = index.ofType('AWS::Events::Rule').filter((e) => sameEnvironment(e, near) && ruleDelivers(e)).find((e) => {
    const pattern = (e.resource.Properties?.EventPattern ?? {}) as { source?: unknown; 'detail-type'?: unknown; detail?: { state?: unknown } };
    const has = (list: unknown, value: string) => Array.isArray(list) && list.includes(value);
    // A filter on the job's state must let failures through.
    const state = pattern.detail?.state;
    return has(pattern.source, 'aws.backup') && has(pattern['detail-type'], 'Backup Job State Change') && (state === undefined || has(state, 'FAILED'));
  });
  if (rule) return `EventBridge rule ${rule.path}`;
  const notified = [...index.ofType('AWS::Backup::BackupVault')].find((v) => {
    const notifications = v.resource.Properties?.Notifications as { BackupVaultEvents?: unknown; SNSTopicArn?: unknown } | undefined;
    return vaults.has(v.r.resolve({ Ref: v.logicalId }) as string) && notifications?.SNSTopicArn !== undefined
      && Array.isArray(notifications.BackupVaultEvents) && notifications.BackupVaultEvents.includes('BACKUP_JOB_FAILED');
  });
  return notified ? `vault notifications of ${notified.path}` : undefined;
}

/** Whether an alarm watches the dump job's success metric for its database. */
function dumpWatch(index: AppIndex, job: Located, database: string): string | undefined {
  const alarm = index.ofType('AWS::CloudWatch::Alarm').filter((a) => sameEnvironment(a, job) && alarmNotifies(a)).find((a) => alarmMetrics(a).some((m) => m.namespace === JOB_METRICS_NAMESPACE
    && m.metricName === JOB_METRIC.BACKUP_SUCCESS && m.dimensions.get(JOB_METRICS_DATABASE_DIMENSION) === database));
  return alarm?.path;
}

/** A failed backup reaches a person: an alarm or event rule on failed backup jobs, and on each dump job's failures. */
export const BackupFailureAlarm: DrRule = {
  id: 'BackupFailureAlarm',
  title: 'A failed backup reaches a person: an alarm with actions (or a delivering EventBridge rule, or a vault notification) '
    + 'on failed AWS Backup jobs of the plan\'s vaults, and an alarm with actions on each pg_dump job\'s failures.',
  explanation: 'A backup that fails silently is found missing on the day it is needed; every night without one widens '
    + 'the data that cannot come back.',
  types: ['AWS::Backup::BackupPlan', 'AWS::Lambda::Function'],
  check(at: Located, { index }: RuleContext) {
    if (at.resource.Type === 'AWS::Lambda::Function') {
      const job = index.dumpJobs.find((j) => j.at === at);
      if (!job) return NOT_APPLICABLE;
      return outcome(dumpWatch(index, at, job.database) ? [] : [`no alarm watches ${JOB_METRICS_NAMESPACE} ${JOB_METRIC.BACKUP_SUCCESS} of database ${job.database}`]);
    }
    const plan = planAt(at, index);
    if (!plan) return NOT_APPLICABLE;
    const vaults = new Set(plan.rules.map((rule) => rule.vaultName));
    return outcome(backupJobWatch(index, at, vaults) ? []
      : ['no alarm on AWS/Backup NumberOfBackupJobsFailed of its vaults, no EventBridge rule on failed backup jobs, and no BACKUP_JOB_FAILED vault notification']);
  },
};
