import { Duration, Size, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { JobMetrics } from '../jobs';
import { isUnresolved } from '../private/validation';
import { FamilyDefaults } from './tuning';
import { DAILY, Subjects, SubjectKind } from './subjects';

// The alarm families of BackupAlarms, one record each: which subjects it watches, its metric, comparison, missing-data
// treatment, defaults, description and dashboard graph. BackupAlarms renders any record the same way, so adding a
// family is one record here, one prop on BackupAlarmsProps and one test.

/** The families, by the name of their tuning prop on `BackupAlarmsProps`. */
export type FamilyName =
  | 'backupJobsFailed' | 'backupMissing' | 'copyJobsFailed' | 'restoreJobsFailed'
  | 'dumpFailed' | 'dumpMissing' | 'dumpSizeChange' | 'dumpDuration'
  | 'verificationFailed' | 'verificationMissing' | 'verificationStale' | 'verificationRestoreTime'
  | 'freeStorage' | 'replicaLag' | 'backupStorage'
  | 'replicationFailed' | 'replicationLatency';

/** The rows of the dashboard, top to bottom. */
export const DASHBOARD_ROWS = ['vault', 'dump', 'verify', 'database', 'replication'] as const;
export type DashboardRow = typeof DASHBOARD_ROWS[number];

/** What a description needs of the resolved tuning. */
export interface DescribedTuning {
  readonly threshold: number;
  readonly period: Duration;
  readonly evaluationPeriods: number;
}

/** A graph on the dashboard: one line per subject. */
export interface FamilyGraph {
  readonly title: string;
  readonly row: DashboardRow;
  /** Label of the left Y axis. */
  readonly unit?: string;
}

/** One alarm family. */
export interface AlarmFamily<K extends SubjectKind> {
  readonly name: FamilyName;
  /** The kind of subject the family watches. */
  readonly kind: K;
  /** Construct id of the alarm under its subject, and the last part of its physical name. */
  readonly id: string;
  readonly defaults: FamilyDefaults;
  /** Created only when its tuning prop is given. */
  readonly offByDefault?: boolean;
  /** Whether the family watches this subject (alarm and graph line). */
  readonly watches?: (subject: Subjects[K]) => boolean;
  /** The metric the family builds, with the alarm's period. */
  readonly metric?: (subject: Subjects[K], period: Duration) => cloudwatch.IMetric;
  /** The metric the family is given; its period is the metric's own unless the tuning sets one. */
  readonly givenMetric?: (subject: Subjects[K]) => cloudwatch.IMetric;
  /** The threshold of a family whose subjects bring their own; no alarm for a subject without one. */
  readonly subjectThreshold?: (subject: Subjects[K]) => number | undefined;
  readonly comparison: cloudwatch.ComparisonOperator;
  readonly missingData: cloudwatch.TreatMissingData;
  /** What the alarm means and what to check first. */
  readonly description: (subject: Subjects[K], tuning: DescribedTuning) => string;
  readonly graph: FamilyGraph;
}

/** A family of any kind. */
export type AnyFamily = { [K in SubjectKind]: AlarmFamily<K> }[SubjectKind];

const { Stats, ComparisonOperator: Compare, TreatMissingData: Missing } = cloudwatch;

/** A record of the table, typed by its kind. */
function family<K extends SubjectKind>(record: AlarmFamily<K>): AlarmFamily<K> {
  return record;
}

const vaultJobsFailed = (
  name: FamilyName,
  id: string,
  job: string,
  metric: (s: Subjects['vault'], options: cloudwatch.MetricOptions) => cloudwatch.IMetric,
  title: string,
  firstSteps: string,
): AlarmFamily<'vault'> => family({
  name,
  kind: 'vault',
  id,
  defaults: { threshold: 1, unit: 'failed jobs', period: Duration.hours(1), evaluationPeriods: 1 },
  metric: (s, period) => metric(s, { period }),
  comparison: Compare.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
  missingData: Missing.NOT_BREACHING,
  description: (s, t) => `At least ${t.threshold} AWS Backup ${job} job(s) of vault ${s.vault.backupVaultName} failed within `
    + `${t.period.toHumanString()}. ${firstSteps}`,
  graph: { title, row: 'vault', unit: 'jobs' },
});

/** A job whose runs report a success flag (1 = ok, 0 = failed): the dump job or the verify job. */
interface FlagJob {
  readonly row: DashboardRow;
  readonly watches: (subject: Subjects['database']) => boolean;
  readonly flag: (database: string, options: cloudwatch.MetricOptions) => cloudwatch.Metric;
}

const DUMP: FlagJob = {
  row: 'dump',
  watches: (s) => s.hasDumpJob,
  flag: (database, options) => JobMetrics.backupSuccess(database, options),
};

const VERIFY: FlagJob = {
  row: 'verify',
  watches: (s) => s.hasVerifyJob,
  flag: (database, options) => JobMetrics.verificationSuccess(database, options),
};

/** The latest run failed: the lowest flag of a 5-minute period is 0; the verdict stays until the next run reports. */
const latestRunFailed = (
  name: FamilyName,
  id: string,
  job: FlagJob,
  title: string,
  description: (subject: Subjects['database'], tuning: DescribedTuning) => string,
): AlarmFamily<'database'> => family({
  name,
  kind: 'database',
  id,
  defaults: { fixedThreshold: 1, unit: '', period: Duration.minutes(5), evaluationPeriods: 1 },
  watches: job.watches,
  metric: (s, period) => job.flag(s.database, { statistic: Stats.MINIMUM, period }),
  comparison: Compare.LESS_THAN_THRESHOLD,
  missingData: Missing.IGNORE,
  description,
  graph: { title, row: job.row },
});

/** No run succeeded in `evaluationPeriods` hours: the highest flag of every hour is below 1, missing hours included. */
const noSuccessWithin = (
  name: FamilyName,
  id: string,
  job: FlagJob,
  evaluationPeriods: number,
  title: string,
  description: (subject: Subjects['database'], tuning: DescribedTuning) => string,
): AlarmFamily<'database'> => family({
  name,
  kind: 'database',
  id,
  defaults: { fixedThreshold: 1, unit: '', period: Duration.hours(1), evaluationPeriods, allPeriodsMustBreach: true },
  watches: job.watches,
  metric: (s, period) => job.flag(s.database, { statistic: Stats.MAXIMUM, period }),
  comparison: Compare.LESS_THAN_THRESHOLD,
  missingData: Missing.BREACHING,
  description,
  graph: { title, row: job.row },
});

/**
 * The families, in the order their alarms are created under a subject. The order is part of the synthesized
 * templates (resource order, the alarm status widget): append new families at the end of their kind.
 */
export const FAMILIES: readonly AnyFamily[] = [
  family({
    name: 'backupMissing',
    kind: 'vault',
    id: 'BackupMissing',
    defaults: { fixedThreshold: 1, unit: '', period: Duration.hours(1), evaluationPeriods: 25, allPeriodsMustBreach: true },
    offByDefault: true,
    metric: (s, period) => s.vault.metric('NumberOfBackupJobsCompleted', { period }),
    comparison: Compare.LESS_THAN_THRESHOLD,
    missingData: Missing.BREACHING,
    description: (s, t) => `No AWS Backup job into vault ${s.vault.backupVaultName} completed for ${t.evaluationPeriods} periods of `
      + `${t.period.toHumanString()}. First check that the plan's rules still run (AWS Backup > Jobs, the `
      + "plan's selection still matches its resources, the start window), then start an on-demand backup.",
    graph: { title: 'AWS Backup jobs completed', row: 'vault', unit: 'jobs' },
  }),
  vaultJobsFailed('backupJobsFailed', 'BackupJobsFailed', 'backup', (s, o) => s.vault.metricBackupJobsFailed(o),
    'AWS Backup jobs failed',
    'First read the failed job\'s status message in AWS Backup > Jobs: usually the backup role lacks a '
      + 'permission or cannot use the resource\'s KMS key, or the job could not start in its window. '
      + 'Fix it, then start an on-demand backup so the recovery point gap closes.'),
  vaultJobsFailed('copyJobsFailed', 'CopyJobsFailed', 'copy', (s, o) => s.vault.metricCopyJobsFailed(o),
    'AWS Backup copy jobs failed',
    'First read the copy job\'s status message: the destination vault\'s access policy must allow '
      + 'backup:CopyIntoBackupVault from this account, its KMS key must be usable by AWS Backup, and a '
      + 'cross-account copy needs both accounts in one AWS Organization. Re-run the copy once fixed.'),
  vaultJobsFailed('restoreJobsFailed', 'RestoreJobsFailed', 'restore', (s, o) => s.vault.metricRestoreJobsFailed(o),
    'AWS Backup restore jobs failed',
    'First read the restore job\'s status message (subnet group, security group, instance class, '
      + 'KMS permissions). A failed restore test means the recovery point may not be restorable: '
      + 'do not let older recovery points expire until one restores.'),

  latestRunFailed('dumpFailed', 'DumpFailed', DUMP,
    'pg_dump failed (lowest BackupSuccess, 0 = a run failed)',
    (s) => `The latest pg_dump of database '${s.database}' failed (BackupSuccess = 0); the alarm stays until a `
      + 'run succeeds. First read that run\'s pg-dump log: connection or TLS error, secret, pg_dump older than '
      + 'the server, S3 or KMS access denied, or the Lambda deadline. Fix it and run the dump job again.'),
  // "No success in 25 h" is 25 hourly periods that must all breach: an hour with a success has Maximum = 1,
  // an hour without a run is missing and counts as breaching. One success anywhere in the window keeps the
  // alarm OK. With hourly periods the alarm fires 25-26 h after the last success; CloudWatch may also count a
  // real datapoint from a few periods before the window (its "evaluation range"), which can delay the alarm by
  // that much, never bring it forward.
  noSuccessWithin('dumpMissing', 'DumpMissing', DUMP, 25,
    'pg_dump succeeded (highest BackupSuccess, 1 = a run succeeded)',
    (s, t) => `No successful pg_dump of database '${s.database}' in ${humanWindow(t.period, t.evaluationPeriods)} `
      + '(no BackupSuccess = 1; missing data counts as breaching). First check that the dump schedule is enabled and '
      + 'the job ran (scheduler invocations, the pg-dump log group), then run the job by hand and watch it finish.'),
  family({
  // DIFF(size) is the change from the previous period that has a dump; size - DIFF(size) is that previous
  // size. At least two evaluation periods make the evaluated range always hold the newest period's
    // predecessor. A period without a dump has no value and is not breaching: missing dumps have their own alarm.
    name: 'dumpSizeChange',
    kind: 'database',
    id: 'DumpSizeChange',
    defaults: {
      threshold: 20, unit: 'percent', min: 1, max: 1000, period: Duration.days(1), evaluationPeriods: 2,
      datapointsToAlarm: 1, minEvaluationPeriods: 2,
    },
    watches: (s) => s.hasDumpJob,
    metric: (s, period) => new cloudwatch.MathExpression({
      expression: '100 * ABS(DIFF(size)) / (size - DIFF(size))',
      usingMetrics: { size: JobMetrics.backupSizeBytes(s.database, { statistic: Stats.MAXIMUM, period }) },
      period,
      label: `Dump size change of ${s.database} (%)`,
    }),
    comparison: Compare.GREATER_THAN_THRESHOLD,
    missingData: Missing.NOT_BREACHING,
    description: (s, t) => `The pg_dump of database '${s.database}' changed size by more than ${t.threshold} % compared with the `
      + `previous dump (BackupSizeBytes, largest dump per ${t.period.toHumanString()}). First compare the manifests of the two dumps (row `
      + 'estimates per table): a drop can mean deleted data or the wrong database, a jump runaway data. '
      + 'Confirm with the data owner before older dumps expire.',
    graph: { title: 'pg_dump size change', row: 'dump', unit: 'percent' },
  }),
  family({
    name: 'dumpDuration',
    kind: 'database',
    id: 'DumpDuration',
    defaults: { threshold: 720, unit: 'seconds', period: Duration.minutes(5), evaluationPeriods: 1 },
    watches: (s) => s.hasDumpJob,
    metric: (s, period) => JobMetrics.backupDurationSeconds(s.database, { statistic: Stats.MAXIMUM, period }),
    comparison: Compare.GREATER_THAN_THRESHOLD,
    missingData: Missing.IGNORE,
    description: (s, t) => `A pg_dump of database '${s.database}' took longer than ${humanSeconds(t.threshold)} `
      + '(BackupDurationSeconds). First check database size growth and load during the dump window; a dump '
      + 'that keeps growing will hit the job\'s time limit: use faster compression or give the job more time.',
    graph: { title: 'pg_dump duration', row: 'dump', unit: 'seconds' },
  }),
  latestRunFailed('verificationFailed', 'VerificationFailed', VERIFY,
    'Verification failed (lowest VerificationSuccess, 0 = a run failed)',
    (s) => `The latest restore verification of database '${s.database}' failed (VerificationSuccess = 0). `
      + 'First read the verify-dump log: no dump found, checksum mismatch, pg_restore error or row counts '
      + 'outside the tolerance. Until a verification passes, treat the newest dump as not restorable.'),
  // Like DumpMissing: every evaluated hour without VerificationSuccess = 1 breaches, missing hours included.
  noSuccessWithin('verificationMissing', 'VerificationMissing', VERIFY, 168,
    'Verification passed (highest VerificationSuccess, 1 = a run passed)',
    (s, t) => `No passing restore verification of database '${s.database}' in `
      + `${humanWindow(t.period, t.evaluationPeriods)} (no VerificationSuccess = 1; `
      + 'missing data counts as breaching): the verify job stopped running, or every run failed. First check that '
      + 'the verify schedule is enabled and its dead-letter queue is empty, then read the verify-dump log and run '
      + 'the job by hand. Until a verification passes, the dumps are not proven restorable.'),
  family({
    name: 'verificationStale',
    kind: 'database',
    id: 'VerificationStale',
    defaults: { threshold: 8 * 86400, unit: 'seconds', period: Duration.minutes(5), evaluationPeriods: 1 },
    watches: (s) => s.hasVerifyJob,
    metric: (s, period) => JobMetrics.verifiedBackupAgeSeconds(s.database, { statistic: Stats.MAXIMUM, period }),
    comparison: Compare.GREATER_THAN_THRESHOLD,
    missingData: Missing.IGNORE,
    description: (s, t) => `The newest dump of database '${s.database}' that passed verification was older than `
      + `${humanSeconds(t.threshold)} (VerifiedBackupAgeSeconds): newer dumps are missing or unreadable. `
      + 'First check the dump alarms and that recent dumps have a manifest, then the verify schedule.',
    graph: { title: 'Age of the newest verified dump', row: 'verify', unit: 'seconds' },
  }),
  family({
    name: 'verificationRestoreTime',
    kind: 'database',
    id: 'VerificationRestoreTime',
    defaults: { thresholdPerSubject: "the database's rto", unit: 'seconds', period: DAILY, evaluationPeriods: 1 },
    watches: (s) => s.hasVerifyJob,
    metric: (s, period) => JobMetrics.restoreDurationSeconds(s.database, { statistic: Stats.MAXIMUM, period }),
    subjectThreshold: (s) => s.rtoSeconds,
    comparison: Compare.GREATER_THAN_THRESHOLD,
    missingData: Missing.IGNORE,
    description: (s, t) => `Restoring the newest dump of database '${s.database}' from the bucket took longer than its RTO `
      + `of ${humanSeconds(t.threshold)} (RestoreDurationSeconds: download and pg_restore): a restore from the dumps `
      + 'would miss the recovery time objective. First compare the dump size with earlier runs and the verify job\'s '
      + 'pg_restore parallelism (restoreJobs); then restore from AWS Backup or a point in time instead, or revise the RTO.',
    graph: { title: 'Restore time of the newest dump', row: 'verify', unit: 'seconds' },
  }),

  family({
    name: 'freeStorage',
    kind: 'instance',
    id: 'FreeStorage',
    defaults: { threshold: Size.gibibytes(10).toBytes(), unit: 'bytes', period: Duration.minutes(5), evaluationPeriods: 2 },
    metric: (s, period) => s.instance.metricFreeStorageSpace({ statistic: Stats.AVERAGE, period }),
    comparison: Compare.LESS_THAN_THRESHOLD,
    missingData: Missing.MISSING,
    description: (s, t) => `${s.replica ? 'Read replica' : 'RDS instance'} ${s.instance.instanceIdentifier} has less than `
      + `${humanBytes(t.threshold)} of free storage `
      + '(FreeStorageSpace). First find what grows (table or index bloat, WAL kept by a replication slot, '
      + 'temporary files), then raise the allocated storage or enable storage autoscaling before writes fail.',
    graph: { title: 'RDS free storage', row: 'database', unit: 'bytes' },
  }),
  family({
    name: 'replicaLag',
    kind: 'instance',
    id: 'ReplicaLag',
    defaults: { threshold: 300, unit: 'seconds', period: Duration.minutes(1), evaluationPeriods: 5 },
    watches: (s) => s.replica,
    metric: (s, period) => s.instance.metric('ReplicaLag', { statistic: Stats.MAXIMUM, period }),
    comparison: Compare.GREATER_THAN_THRESHOLD,
    missingData: Missing.BREACHING,
    description: (s, t) => `Read replica ${s.instance.instanceIdentifier} of database '${s.database}' is more than `
      + `${humanSeconds(t.threshold)} behind its source, or reports no lag at all (ReplicaLag). First check `
      + 'write load on the source and the replica\'s instance size and storage throughput, then replication '
      + 'errors in the replica\'s log. A lagging replica loses that much data if you fail over to it.',
    graph: { title: 'Read replica lag', row: 'database', unit: 'seconds' },
  }),
  family({
    name: 'backupStorage',
    kind: 'cluster',
    id: 'BackupStorage',
    defaults: {
      thresholdPerSubject: "the database's maxBackupStorage", unit: 'bytes', period: DAILY, evaluationPeriods: 1,
    },
    metric: (s, period) => s.metric({ statistic: Stats.AVERAGE, period }),
    subjectThreshold: (s) => s.maxBytes,
    comparison: Compare.GREATER_THAN_THRESHOLD,
    missingData: Missing.MISSING,
    description: (s, t) => `${s.kind} ${s.identifier} of database '${s.database}' bills more than `
      + `${humanBytes(t.threshold)} of backup storage (TotalBackupStorageBilled, daily average). First look for manual `
      + 'snapshots that are no longer needed and for a retention period longer than planned; then raise '
      + 'maxBackupStorage if the growth is expected.',
    graph: { title: 'Aurora and DocumentDB backup storage billed', row: 'database', unit: 'bytes' },
  }),

  family({
    name: 'replicationFailed',
    kind: 'replication',
    id: 'FailedOperations',
    defaults: { threshold: 1, unit: 'failed operations', evaluationPeriods: 1 },
    givenMetric: (s) => s.replication.failedOperations,
    comparison: Compare.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    missingData: Missing.NOT_BREACHING,
    description: (s, t) => `S3 replication '${s.name}' had at least ${t.threshold} failed operation(s) `
      + '(OperationsFailedReplication). First check the replication role: s3:Replicate* on the destination, '
      + 'kms:Decrypt on the source key and kms:Encrypt on the replica key, and the destination bucket policy. '
      + 'Failed objects are not retried: replicate them again with S3 Batch Replication once fixed.',
    graph: { title: 'S3 replication failed operations', row: 'replication', unit: 'operations' },
  }),
  family({
    name: 'replicationLatency',
    kind: 'replication',
    id: 'Latency',
    defaults: { threshold: 900, unit: 'seconds', evaluationPeriods: 1 },
    givenMetric: (s) => s.replication.latency,
    comparison: Compare.GREATER_THAN_THRESHOLD,
    missingData: Missing.NOT_BREACHING,
    description: (s, t) => `S3 replication '${s.name}' took longer than ${humanSeconds(t.threshold)} (ReplicationLatency). `
      + 'First check OperationsPendingReplication for a backlog (a burst of large objects) and AWS Health for '
      + 'S3 in both regions; objects not yet replicated are not in the DR copy.',
    graph: { title: 'S3 replication latency', row: 'replication', unit: 'seconds' },
  }),
];

/** Graphs of job metrics that no family alarms on, drawn after the families of their row. */
export const SIGNAL_GRAPHS: ReadonlyArray<FamilyGraph & {
  readonly watches: (s: Subjects['database']) => boolean;
  readonly metric: (s: Subjects['database']) => cloudwatch.Metric;
}> = [
  {
    title: 'pg_dump size',
    row: 'dump',
    unit: 'bytes',
    watches: (s) => s.hasDumpJob,
    metric: (s) => JobMetrics.backupSizeBytes(s.database),
  },
  {
    title: 'Verification restore duration',
    row: 'verify',
    unit: 'seconds',
    watches: (s) => s.hasVerifyJob,
    metric: (s) => JobMetrics.restoreDurationSeconds(s.database),
  },
];

function humanWindow(period: Duration, evaluationPeriods: number): string {
  if (isUnresolved(period) || Token.isUnresolved(evaluationPeriods)) {
    return 'the evaluated window';
  }
  const seconds = period.toSeconds({ integral: false }) * evaluationPeriods;
  return seconds % 3600 === 0 ? `${seconds / 3600} hours` : Duration.seconds(seconds).toHumanString();
}

/** A number of seconds in words ("12 minutes"), for descriptions. */
export function humanSeconds(seconds: number): string {
  return Token.isUnresolved(seconds) ? `${seconds} seconds` : Duration.seconds(seconds).toHumanString();
}

function humanBytes(bytes: number): string {
  if (Token.isUnresolved(bytes)) {
    return `${bytes} bytes`;
  }
  const gib = bytes / 1024 ** 3;
  return gib >= 1 ? `${Number(gib.toFixed(2))} GiB` : `${bytes} bytes`;
}
