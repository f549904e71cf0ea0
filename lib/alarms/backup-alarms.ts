import { Annotations, Duration, Size, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as docdb from 'aws-cdk-lib/aws-docdb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { IBackupVault } from '../vault';
import { JobMetrics } from '../jobs';
import { createEncryptedTopic, subscribeEmail } from '../private/notification-topic';
import { checkPattern, checkRange, differs, isUnresolved, ValidationError } from '../private/validation';

/**
 * Tuning of one alarm family of `BackupAlarms`. Every field is optional; what `threshold` measures and
 * the defaults are documented on the family's prop (for example `BackupAlarmsProps.dumpDuration`).
 */
export interface AlarmTuning {
  /**
   * Whether the alarms of this family are created.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * The threshold, in the unit the family documents (seconds, bytes, percent, a count).
   * Families whose threshold is fixed by their meaning (a success flag below 1) refuse it.
   *
   * @default - the family's default
   */
  readonly threshold?: number;

  /**
   * Length of one evaluated datapoint: 10 or 30 seconds (high-resolution metrics only), or a multiple of
   * 60 seconds. CloudWatch alarms also take 20 seconds, but aws-cdk-lib's `Metric`, which builds the metric of
   * every family, does not; `addAlarm` and the metrics of a `ReplicationWatch` may have a 20-second period.
   *
   * @default - the family's default
   */
  readonly period?: Duration;

  /**
   * Number of most recent periods the alarm evaluates. `period` × `evaluationPeriods` may not exceed
   * 7 days, or 1 day when the period is shorter than 1 hour (CloudWatch limits).
   *
   * @default - the family's default
   */
  readonly evaluationPeriods?: number;

  /**
   * How many of the evaluated periods must breach ("M out of N"); 1 to `evaluationPeriods`.
   *
   * @default - the family's default, at most `evaluationPeriods` (for most families: all evaluated periods)
   */
  readonly datapointsToAlarm?: number;
}

/**
 * A database that `BackupAlarms` watches: the job metrics of its dumps and verifications
 * (dimension `Database` = `name`) and, when given, its RDS instance, read replicas, Aurora cluster or
 * DocumentDB cluster. A database lives in one place: give at most one of `instance`, `cluster`, `docdbCluster`.
 */
export interface DatabaseWatch {
  /**
   * Name of the database, as the `PgDumpJob` / `DumpVerifyJob` emit it in the `Database` dimension,
   * e.g. `orders`. 1-63 letters, digits, `_`, `-`, `.` or `$`; unique within one `BackupAlarms`.
   */
  readonly name: string;

  /**
   * Whether a `PgDumpJob` dumps this database: creates the dump failed, missing, size-change and
   * duration alarms. Set false for a database backed up only by AWS Backup / PITR, or the
   * missing-dump alarm fires forever. A DocumentDB database (`docdbCluster`) has no dump job: pg_dump
   * cannot read it, so `true` is refused there.
   *
   * @default - true; false with `docdbCluster`
   */
  readonly hasDumpJob?: boolean;

  /**
   * Whether a `DumpVerifyJob` verifies the dumps of this database: creates the verification failed
   * and stale alarms. Refused (`true`) with `docdbCluster`, like `hasDumpJob`.
   *
   * @default - the value of `hasDumpJob`
   */
  readonly hasVerifyJob?: boolean;

  /**
   * The RDS instance that holds the database: alarms on its `FreeStorageSpace`.
   *
   * @default - no instance alarms
   */
  readonly instance?: rds.IDatabaseInstance;

  /**
   * Read replicas of the database (in this stack's region; an alarm cannot watch a metric of another
   * region, so watch a cross-region replica from a `BackupAlarms` in the replica's stack): alarms on their
   * `ReplicaLag` and `FreeStorageSpace`.
   *
   * @default - no replica alarms
   */
  readonly readReplicas?: rds.IDatabaseInstance[];

  /**
   * The Aurora cluster that holds the database. Aurora storage grows by itself, so there is no
   * free-storage alarm; set `maxBackupStorage` for a backup-storage alarm.
   *
   * @default - no cluster alarms
   */
  readonly cluster?: rds.IDatabaseCluster;

  /**
   * The Amazon DocumentDB cluster that holds the database (seed 004, Distro Nation). DocumentDB storage grows by
   * itself, so there is no free-storage alarm; set `maxBackupStorage` for a backup-storage alarm. A DocumentDB
   * database has no dump or verify job, so `hasDumpJob` defaults to false; `readReplicas` (RDS DB instances) are
   * refused: a DocumentDB cluster's replicas are its own instances.
   *
   * @default - no DocumentDB cluster alarms
   */
  readonly docdbCluster?: docdb.IDatabaseCluster;

  /**
   * Alarm when the cluster's billed backup storage exceeds this size: backups growing faster than planned
   * (seed 004 "backup storage growth", threshold 2000 GB). `TotalBackupStorageBilled`, daily average, of the
   * Aurora `cluster` (namespace `AWS/RDS`) or the `docdbCluster` (namespace `AWS/DocDB`), dimension
   * `DBClusterIdentifier`: the billed continuous backups within the retention period and snapshots kept beyond it.
   * Needs `cluster` or `docdbCluster`; there is no sensible default, as it depends on the database size and retention.
   *
   * @default - no backup-storage alarm
   */
  readonly maxBackupStorage?: Size;
}

/**
 * An S3 replication rule that `BackupAlarms` watches, given by its metrics (for example
 * `ReplicationRule.metricOperationsFailedReplication()` and `metricReplicationLatency()`), so the
 * namespace and dimensions stay with the construct that owns them.
 */
export interface ReplicationWatch {
  /**
   * Short name of the replication in construct ids, alarm names and the dashboard, e.g. `dumps-to-dr`.
   * 1-64 letters, digits, `_`, `-` or `.`; unique within one `BackupAlarms`.
   */
  readonly name: string;

  /** Failed replication operations; read with the statistic `Sum`. */
  readonly failedOperations: cloudwatch.IMetric;

  /** Replication latency in seconds; read with the statistic `Maximum`. */
  readonly latency: cloudwatch.IMetric;
}

/** Props of `BackupAlarms`. */
export interface BackupAlarmsProps {
  /**
   * Topic that receives every alarm and OK notification. When you give one, its KMS key (if any) must let
   * `cloudwatch.amazonaws.com` use `kms:Decrypt` and `kms:GenerateDataKey*`, or the alarms cannot publish;
   * a statement allowing CloudWatch alarms of this account to publish is added to its policy when the topic
   * belongs to this app.
   *
   * @default - a new topic, TLS-only, encrypted with a new customer-managed KMS key (rotation on)
   * whose policy lets CloudWatch alarms of this account publish
   */
  readonly topic?: sns.ITopic;

  /**
   * Email address subscribed to the topic. The recipient must confirm the subscription.
   *
   * @default - no subscription
   */
  readonly email?: string;

  /**
   * Prefix of the physical alarm names, e.g. `instantpdf-prod`: names become `<prefix>-<subject>-<Alarm>`.
   * Physical names must be unique in the account and region, so give a prefix per stage.
   * 1-64 letters, digits, `_`, `-` or `.`.
   *
   * @default - names generated by CloudFormation
   */
  readonly alarmNamePrefix?: string;

  /**
   * Name of the dashboard. Dashboard names are unique in the account.
   *
   * @default - a name generated by CloudFormation
   */
  readonly dashboardName?: string;

  /**
   * Vaults whose AWS Backup jobs are watched (`NumberOfBackupJobsFailed`, `NumberOfCopyJobsFailed`,
   * `NumberOfRestoreJobsFailed`, from the vault's `metricXxx()` methods): vaults of this app or referenced with
   * `BackupVault.fromBackupVaultArn` / `fromBackupVaultAttributes`. Each vault once (by name, or by ARN when the
   * name is a token). A vault of another region cannot be watched from here (alarms read metrics of their own
   * region): watch it from a `BackupAlarms` in that region. The alarms and lines of a vault are named after its
   * name when it is known at synth time, else after its construct id.
   *
   * @default - no vault alarms
   */
  readonly vaults?: IBackupVault[];

  /**
   * Databases whose dumps, verifications and RDS resources are watched.
   *
   * @default - no database alarms
   */
  readonly databases?: DatabaseWatch[];

  /**
   * S3 replications whose failures and latency are watched.
   *
   * @default - no replication alarms
   */
  readonly replications?: ReplicationWatch[];

  /**
   * Backup jobs into a vault failed: `NumberOfBackupJobsFailed` Sum >= `threshold` (a count) in one period.
   * Missing data is not breaching: AWS Backup reports nothing when no job ran.
   *
   * @default - threshold 1, period 1 hour, 1 evaluation period (seed 001: any job failure)
   */
  readonly backupJobsFailed?: AlarmTuning;

  /**
   * No backup job into a vault completed for `evaluationPeriods` periods in a row: `NumberOfBackupJobsCompleted`
   * Sum < 1 in every period, missing data breaching (AWS Backup reports nothing when no job completed), seed 001's
   * "backup age > 25 hours" for AWS Backup. The threshold is fixed. Off unless given (`backupMissing: {}` turns it
   * on with the defaults): a vault that only receives copies, or whose plan runs less often than daily, would alarm.
   *
   * @default - off; when given: period 1 hour, 25 evaluation periods, all of them breaching
   */
  readonly backupMissing?: AlarmTuning;

  /**
   * Copy jobs of a vault failed: `NumberOfCopyJobsFailed` Sum >= `threshold` (a count) in one period.
   *
   * @default - threshold 1, period 1 hour, 1 evaluation period
   */
  readonly copyJobsFailed?: AlarmTuning;

  /**
   * Restore jobs from a vault failed: `NumberOfRestoreJobsFailed` Sum >= `threshold` (a count) in one period.
   *
   * @default - threshold 1, period 1 hour, 1 evaluation period
   */
  readonly restoreJobsFailed?: AlarmTuning;

  /**
   * The latest pg_dump failed: `BackupSuccess` Minimum < 1. The threshold is fixed.
   * Missing data is ignored, so the alarm keeps the verdict of the last run until the next run reports.
   *
   * @default - period 5 minutes, 1 evaluation period
   */
  readonly dumpFailed?: AlarmTuning;

  /**
   * No successful pg_dump in `period` × `evaluationPeriods`: hourly `BackupSuccess` Maximum < 1 in every
   * evaluated period, missing data breaching. The threshold is fixed and `datapointsToAlarm` must equal
   * `evaluationPeriods`. Seed 003 ("not completed in 24 hours"): `{ evaluationPeriods: 24 }`.
   *
   * @default - period 1 hour, 25 evaluation periods, 25 datapoints to alarm (seed 001: backup age > 25 h)
   */
  readonly dumpMissing?: AlarmTuning;

  /**
   * The dump size changed by more than `threshold` percent from one period to the previous one:
   * `100 * ABS(DIFF(size)) / (size - DIFF(size))` over `BackupSizeBytes` Maximum. Needs at least
   * 2 evaluation periods so that the newest period always has its predecessor in the evaluated range.
   * Threshold 1-1000 (percent, not a fraction). Seed 003: `{ threshold: 50 }`.
   *
   * @default - threshold 20 (percent), period 1 day, 2 evaluation periods, 1 datapoint to alarm (seed 001)
   */
  readonly dumpSizeChange?: AlarmTuning;

  /**
   * A pg_dump took longer than `threshold` seconds: `BackupDurationSeconds` Maximum. Missing data is ignored.
   * The default warns before the limit of the `PgDumpJob`, which runs in Lambda and is stopped at 15 minutes
   * (900 seconds): 720 seconds leaves 3 minutes of headroom. Seed 003's "duration > 1 h" is
   * `{ threshold: 3600 }`, which only makes sense for a dump that runs outside Lambda.
   *
   * @default - threshold 720 (seconds: 12 minutes, before Lambda's 15-minute limit), period 5 minutes,
   * 1 evaluation period
   */
  readonly dumpDuration?: AlarmTuning;

  /**
   * The latest restore verification failed: `VerificationSuccess` Minimum < 1. The threshold is fixed.
   * Missing data is ignored, so the alarm keeps the verdict of the last run until the next run reports.
   *
   * @default - period 5 minutes, 1 evaluation period (seed 001: any verification failure)
   */
  readonly verificationFailed?: AlarmTuning;

  /**
   * No passing restore verification in `period` × `evaluationPeriods`: hourly `VerificationSuccess` Maximum < 1
   * in every evaluated period, missing data breaching, so a verify job that stopped running (schedule disabled,
   * invocations failing before they report) alarms too. Only for databases with a verify job. The threshold is
   * fixed and `datapointsToAlarm` must equal `evaluationPeriods`. CloudWatch evaluates at most 7 days, so the
   * default is exactly one interval of the weekly `DumpVerifyJob` schedule: a run that reports in a later clock
   * hour than the previous one leaves the window without a success for up to that difference, and the alarm
   * fires until the run reports. For a daily verification use `{ evaluationPeriods: 25 }`.
   *
   * @default - period 1 hour, 168 evaluation periods (7 days, the most CloudWatch evaluates), 168 datapoints to alarm
   */
  readonly verificationMissing?: AlarmTuning;

  /**
   * The last successful verification restored a dump older than `threshold` seconds:
   * `VerifiedBackupAgeSeconds` Maximum. Missing data is ignored, so this alarm keeps its state while no
   * verification reports; `verificationMissing` covers a verify job that stopped running.
   *
   * @default - threshold 691200 (8 days, seed 000's weekly verification plus a day), period 5 minutes,
   * 1 evaluation period
   */
  readonly verificationStale?: AlarmTuning;

  /**
   * An RDS instance or read replica has less free storage than `threshold` bytes: `FreeStorageSpace` Average.
   * Missing data leaves the alarm in INSUFFICIENT_DATA (a stopped instance is not short of storage).
   *
   * @default - threshold 10737418240 (10 GiB), period 5 minutes, 2 evaluation periods (seed 000)
   */
  readonly freeStorage?: AlarmTuning;

  /**
   * A read replica lags its source by more than `threshold` seconds: `ReplicaLag` Maximum in every
   * evaluated period. Missing data is breaching: a read replica that reports no lag is not replicating.
   *
   * @default - threshold 300 (seconds), period 1 minute, 5 evaluation periods (seed 001: WAL lag > 5 min for 5 min)
   */
  readonly replicaLag?: AlarmTuning;

  /**
   * An S3 replication had failed operations: the given metric (Sum) >= `threshold` (a count).
   * Missing data is not breaching: S3 reports nothing when nothing replicates.
   *
   * @default - threshold 1, the metric's own period, 1 evaluation period
   */
  readonly replicationFailed?: AlarmTuning;

  /**
   * S3 replication latency exceeded `threshold` seconds: the given metric (Maximum). Missing data is not breaching.
   *
   * @default - threshold 900 (seconds: the 15-minute S3 Replication Time Control threshold), the metric's
   * own period, 1 evaluation period
   */
  readonly replicationLatency?: AlarmTuning;
}

/**
 * One topic and one dashboard for the backup and DR signals of an app, with an alarm per signal:
 *
 * - AWS Backup backup, copy and restore jobs failed (per vault);
 * - pg_dump failed, no successful pg_dump in 25 hours, dump size changed by more than 20 %, dump took
 *   longer than 12 minutes; restore verification failed, missing for 7 days or stale (per database, from the
 *   `JobMetrics` that `PgDumpJob` and `DumpVerifyJob` emit);
 * - RDS free storage below 10 GiB, read replica lag above 5 minutes, Aurora or DocumentDB backup storage above a size;
 * - S3 replication failed operations and latency above 15 minutes.
 *
 * Every alarm notifies the topic when it goes into ALARM and back to OK, and its description says what it
 * means and what to check first. Every family can be tuned or turned off (`AlarmTuning`); `addAlarm`
 * adds your own alarm with the same wiring.
 */
export class BackupAlarms extends Construct {
  /** The topic every alarm notifies. */
  public readonly topic: sns.ITopic;

  /**
   * The key that encrypts the topic.
   *
   * @default - undefined when a topic was given
   */
  public readonly encryptionKey?: kms.IKey;

  /** The dashboard with the signals the alarms watch. */
  public readonly dashboard: cloudwatch.Dashboard;

  private readonly alarmList: cloudwatch.Alarm[] = [];
  private readonly alarmNamePrefix?: string;
  private readonly alarmAction: cloudwatch.IAlarmAction;
  private readonly props: BackupAlarmsProps;

  constructor(scope: Construct, id: string, props: BackupAlarmsProps = {}) {
    super(scope, id);

    checkPattern('alarmNamePrefix', props.alarmNamePrefix, NAME_PATTERN,
      'use 1-64 letters, digits, underscores, hyphens or dots', 'instantpdf-prod', this);
    checkPattern('email', props.email, EMAIL_PATTERN,
      'an email address has one @ and a domain with a dot', 'oncall@example.com', this);
    const databases = props.databases ?? [];
    const replications = props.replications ?? [];
    const vaults = props.vaults ?? [];
    checkUnique('databases', databases.map((db) => db.name), this);
    checkUnique('replications', replications.map((r) => r.name), this);
    checkVaults(vaults, this);
    databases.forEach((db) => checkDatabaseWatch(db, this));
    replications.forEach((r) => checkPattern(`replications '${r.name}' name`, r.name, NAME_PATTERN,
      'use 1-64 letters, digits, underscores, hyphens or dots', 'dumps-to-dr', this));

    const tuning: Tunings = {
      backupJobsFailed: resolveTuning('backupJobsFailed', props.backupJobsFailed, this),
      backupMissing: props.backupMissing ? resolveTuning('backupMissing', props.backupMissing, this) : undefined,
      copyJobsFailed: resolveTuning('copyJobsFailed', props.copyJobsFailed, this),
      restoreJobsFailed: resolveTuning('restoreJobsFailed', props.restoreJobsFailed, this),
      dumpFailed: resolveTuning('dumpFailed', props.dumpFailed, this),
      dumpMissing: resolveTuning('dumpMissing', props.dumpMissing, this),
      dumpSizeChange: resolveTuning('dumpSizeChange', props.dumpSizeChange, this),
      dumpDuration: resolveTuning('dumpDuration', props.dumpDuration, this),
      verificationFailed: resolveTuning('verificationFailed', props.verificationFailed, this),
      verificationMissing: resolveTuning('verificationMissing', props.verificationMissing, this),
      verificationStale: resolveTuning('verificationStale', props.verificationStale, this),
      freeStorage: resolveTuning('freeStorage', props.freeStorage, this),
      replicaLag: resolveTuning('replicaLag', props.replicaLag, this),
      replicationFailed: resolveTuning('replicationFailed', props.replicationFailed, this),
      replicationLatency: resolveTuning('replicationLatency', props.replicationLatency, this),
    };

    const duration = tuning.dumpDuration;
    if (duration && !Token.isUnresolved(duration.threshold) && duration.threshold >= LAMBDA_MAX_TIMEOUT_SECONDS
      && databases.some((db) => hasDumpJobOf(db))) {
      Annotations.of(this).addWarningV2('cdk-backup-dr:BackupAlarms.dumpDurationBeyondLambda',
        `dumpDuration threshold is ${duration.threshold} seconds, but PgDumpJob runs in Lambda, which stops a run at `
          + `${LAMBDA_MAX_TIMEOUT_SECONDS} seconds: this alarm cannot fire, and a dump that long fails (dumpFailed, `
          + `dumpMissing). Use a threshold under ${LAMBDA_MAX_TIMEOUT_SECONDS} (the default is 720), or acknowledge this for a dump that runs elsewhere`);
    }

    this.alarmNamePrefix = props.alarmNamePrefix;
    this.props = props;
    if (props.topic) {
      this.topic = props.topic;
    } else {
      const created = this.createTopic();
      this.topic = created.topic;
      this.encryptionKey = created.key;
    }
    this.allowCloudWatchToPublish(this.topic);
    this.alarmAction = new cloudwatchActions.SnsAction(this.topic);

    if (props.email) {
      subscribeEmail(this, 'EmailSubscription', this.topic, props.email);
    }

    const vaultLabels = labelVaults(vaults);
    vaults.forEach((vault, i) => this.watchVault(vault, vaultLabels[i], tuning));
    for (const db of databases) {
      this.watchDatabase(db, tuning);
    }
    for (const replication of replications) {
      this.watchReplication(replication, tuning);
    }

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.days(14),
      widgets: this.dashboardRows(vaults, vaultLabels, databases, replications, tuning),
    });
  }

  /** Every alarm of this construct, those added with `addAlarm` included. */
  public get alarms(): cloudwatch.IAlarm[] {
    return [...this.alarmList];
  }

  /**
   * Adds an alarm of your own with the same wiring as the built-in ones: alarm and OK actions to the topic,
   * the physical name `<alarmNamePrefix>-<id>` when a prefix is set, and a graph of it on the dashboard.
   * `alarmDescription` is required: say what the alarm means and what to check first.
   * The evaluation window is checked like the built-in alarms'.
   */
  public addAlarm(id: string, props: cloudwatch.AlarmProps): cloudwatch.Alarm {
    if (props.alarmDescription === undefined || props.alarmDescription.trim() === '') {
      throw new ValidationError(
        `addAlarm('${id}'): alarmDescription is missing; say what the alarm means and what to check first `
          + "(e.g. 'No verified restore in 25 h. First check the verify-dump schedule and its last log.')",
        this,
      );
    }
    const prop = `addAlarm('${id}')`;
    checkEvaluation(prop, props.evaluationPeriods, props.datapointsToAlarm ?? props.evaluationPeriods, 1, this);
    const period = metricPeriod(props.metric);
    if (period) {
      checkPeriod(`${prop} metric period`, period, this);
      checkWindow(prop, period, props.evaluationPeriods, this);
    }
    const alarm = new cloudwatch.Alarm(this, id, {
      ...props,
      alarmName: props.alarmName ?? (this.alarmNamePrefix ? `${this.alarmNamePrefix}-${id}` : undefined),
    });
    this.wire(alarm);
    this.dashboard.addWidgets(new cloudwatch.AlarmWidget({ alarm, title: id, width: 24, height: 6 }));
    return alarm;
  }

  private createTopic(): { topic: sns.Topic; key: kms.Key } {
    // CloudWatch alarms publish to the encrypted topic as cloudwatch.amazonaws.com, which needs the key;
    // without it every alarm action fails with a KMS AccessDenied in the alarm history. The topic policy,
    // which carries aws:SourceArn and aws:SourceAccount, keeps other accounts' alarms out.
    return createEncryptedTopic(this, {
      keyId: 'Key',
      topicId: 'Topic',
      keyDescription: `Encrypts the backup and DR alarm notifications of ${this.node.path}`,
      displayName: 'Backup and DR alarms',
      publisher: 'cloudwatch.amazonaws.com',
      keyStatementSid: 'AllowCloudWatchAlarmsToPublishEncrypted',
    });
  }

  private allowCloudWatchToPublish(topic: sns.ITopic): void {
    const stack = Stack.of(this);
    topic.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarmsToPublish',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: {
        ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*` },
        StringEquals: { 'aws:SourceAccount': stack.account },
      },
    }));
  }

  private watchVault(vault: IBackupVault, subject: string, tuning: Tunings): void {
    const scope = new Construct(this, `Vault-${subject}`);
    const vaultName = vault.backupVaultName;
    const jobs: Array<[Family, string, string, (o: cloudwatch.MetricOptions) => cloudwatch.Metric, string]> = [
      ['backupJobsFailed', 'BackupJobsFailed', 'backup', (o) => vault.metricBackupJobsFailed(o),
        'First read the failed job\'s status message in AWS Backup > Jobs: usually the backup role lacks a '
          + 'permission or cannot use the resource\'s KMS key, or the job could not start in its window. '
          + 'Fix it, then start an on-demand backup so the recovery point gap closes.'],
      ['copyJobsFailed', 'CopyJobsFailed', 'copy', (o) => vault.metricCopyJobsFailed(o),
        'First read the copy job\'s status message: the destination vault\'s access policy must allow '
          + 'backup:CopyIntoBackupVault from this account, its KMS key must be usable by AWS Backup, and a '
          + 'cross-account copy needs both accounts in one AWS Organization. Re-run the copy once fixed.'],
      ['restoreJobsFailed', 'RestoreJobsFailed', 'restore', (o) => vault.metricRestoreJobsFailed(o),
        'First read the restore job\'s status message (subnet group, security group, instance class, '
          + 'KMS permissions). A failed restore test means the recovery point may not be restorable: '
          + 'do not let older recovery points expire until one restores.'],
    ];
    const missing = tuning.backupMissing;
    if (missing) {
      this.createAlarm(scope, 'BackupMissing', subject, {
        metric: vault.metric('NumberOfBackupJobsCompleted', { period: missing.period }),
        tuning: missing,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        description: `No AWS Backup job into vault ${vaultName} completed for ${missing.evaluationPeriods} periods of `
          + `${missing.period.toHumanString()}. First check that the plan's rules still run (AWS Backup > Jobs, the `
          + "plan's selection still matches its resources, the start window), then start an on-demand backup.",
      });
    }
    for (const [family, id, kind, metricOf, firstSteps] of jobs) {
      const t = tuning[family];
      if (!t) {
        continue;
      }
      this.createAlarm(scope, id, subject, {
        metric: metricOf({ period: t.period }),
        tuning: t,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        description: `At least ${t.threshold} AWS Backup ${kind} job(s) of vault ${vaultName} failed within `
          + `${t.period.toHumanString()}. ${firstSteps}`,
      });
    }
  }

  private watchDatabase(db: DatabaseWatch, tuning: Tunings): void {
    const scope = new Construct(this, `Database-${db.name}`);
    const name = db.name;
    const hasDumpJob = hasDumpJobOf(db);
    const hasVerifyJob = hasVerifyJobOf(db);

    let t = tuning.dumpFailed;
    if (hasDumpJob && t) {
      this.createAlarm(scope, 'DumpFailed', name, {
        metric: JobMetrics.backupSuccess(name, { statistic: cloudwatch.Stats.MINIMUM, period: t.period }),
        tuning: t,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.IGNORE,
        description: `The latest pg_dump of database '${name}' failed (BackupSuccess = 0); the alarm stays until a `
          + 'run succeeds. First read that run\'s pg-dump log: connection or TLS error, secret, pg_dump older than '
          + 'the server, S3 or KMS access denied, or the Lambda deadline. Fix it and run the dump job again.',
      });
    }

    t = tuning.dumpMissing;
    if (hasDumpJob && t) {
      // "No success in 25 h" is 25 hourly periods that must all breach: an hour with a success has Maximum = 1,
      // an hour without a run is missing and counts as breaching. One success anywhere in the window keeps the
      // alarm OK. With hourly periods the alarm fires 25-26 h after the last success; CloudWatch may also count a
      // real datapoint from a few periods before the window (its "evaluation range"), which can delay the alarm by
      // that much, never bring it forward.
      const window = humanWindow(t.period, t.evaluationPeriods);
      this.createAlarm(scope, 'DumpMissing', name, {
        metric: JobMetrics.backupSuccess(name, { statistic: cloudwatch.Stats.MAXIMUM, period: t.period }),
        tuning: t,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        description: `No successful pg_dump of database '${name}' in ${window} (no BackupSuccess = 1; `
          + 'missing data counts as breaching). First check that the dump schedule is enabled and the job ran '
          + '(scheduler invocations, the pg-dump log group), then run the job by hand and watch it finish.',
      });
    }

    t = tuning.dumpSizeChange;
    if (hasDumpJob && t) {
      // DIFF(size) is the change from the previous period that has a dump; size - DIFF(size) is that previous
      // size. At least two evaluation periods make the evaluated range always hold the newest period's
      // predecessor. A period without a dump has no value and is not breaching: missing dumps have their own alarm.
      const size = JobMetrics.backupSizeBytes(name, { statistic: cloudwatch.Stats.MAXIMUM, period: t.period });
      this.createAlarm(scope, 'DumpSizeChange', name, {
        metric: new cloudwatch.MathExpression({
          expression: '100 * ABS(DIFF(size)) / (size - DIFF(size))',
          usingMetrics: { size },
          period: t.period,
          label: `Dump size change of ${name} (%)`,
        }),
        tuning: t,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        description: `The pg_dump of database '${name}' changed size by more than ${t.threshold} % compared with the `
          + `previous dump (BackupSizeBytes, largest dump per ${t.period.toHumanString()}). First compare the manifests of the two dumps (row `
          + 'estimates per table): a drop can mean deleted data or the wrong database, a jump runaway data. '
          + 'Confirm with the data owner before older dumps expire.',
      });
    }

    t = tuning.dumpDuration;
    if (hasDumpJob && t) {
      this.createAlarm(scope, 'DumpDuration', name, {
        metric: JobMetrics.backupDurationSeconds(name, { statistic: cloudwatch.Stats.MAXIMUM, period: t.period }),
        tuning: t,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.IGNORE,
        description: `A pg_dump of database '${name}' took longer than ${humanSeconds(t.threshold)} `
          + '(BackupDurationSeconds). First check database size growth and load during the dump window; a dump '
          + 'that keeps growing will hit the job\'s time limit: use faster compression or give the job more time.',
      });
    }

    t = tuning.verificationFailed;
    if (hasVerifyJob && t) {
      this.createAlarm(scope, 'VerificationFailed', name, {
        metric: JobMetrics.verificationSuccess(name, { statistic: cloudwatch.Stats.MINIMUM, period: t.period }),
        tuning: t,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.IGNORE,
        description: `The latest restore verification of database '${name}' failed (VerificationSuccess = 0). `
          + 'First read the verify-dump log: no dump found, checksum mismatch, pg_restore error or row counts '
          + 'outside the tolerance. Until a verification passes, treat the newest dump as not restorable.',
      });
    }

    t = tuning.verificationMissing;
    if (hasVerifyJob && t) {
      // Like DumpMissing: every evaluated hour without VerificationSuccess = 1 breaches, missing hours included.
      const window = humanWindow(t.period, t.evaluationPeriods);
      this.createAlarm(scope, 'VerificationMissing', name, {
        metric: JobMetrics.verificationSuccess(name, { statistic: cloudwatch.Stats.MAXIMUM, period: t.period }),
        tuning: t,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        description: `No passing restore verification of database '${name}' in ${window} (no VerificationSuccess = 1; `
          + 'missing data counts as breaching): the verify job stopped running, or every run failed. First check that '
          + 'the verify schedule is enabled and its dead-letter queue is empty, then read the verify-dump log and run '
          + 'the job by hand. Until a verification passes, the dumps are not proven restorable.',
      });
    }

    t = tuning.verificationStale;
    if (hasVerifyJob && t) {
      this.createAlarm(scope, 'VerificationStale', name, {
        metric: JobMetrics.verifiedBackupAgeSeconds(name, { statistic: cloudwatch.Stats.MAXIMUM, period: t.period }),
        tuning: t,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.IGNORE,
        description: `The newest dump of database '${name}' that passed verification was older than `
          + `${humanSeconds(t.threshold)} (VerifiedBackupAgeSeconds): newer dumps are missing or unreadable. `
          + 'First check the dump alarms and that recent dumps have a manifest, then the verify schedule.',
      });
    }

    if (db.instance) {
      this.watchInstance(scope, 'FreeStorage', name, db.instance, 'RDS instance', tuning);
    }
    for (const replica of db.readReplicas ?? []) {
      const replicaScope = new Construct(scope, `Replica-${replica.node.id}`);
      const subject = `${name}-${replica.node.id}`;
      this.watchInstance(replicaScope, 'FreeStorage', subject, replica, 'Read replica', tuning);
      t = tuning.replicaLag;
      if (t) {
        this.createAlarm(replicaScope, 'ReplicaLag', subject, {
          metric: replica.metric('ReplicaLag', { statistic: cloudwatch.Stats.MAXIMUM, period: t.period }),
          tuning: t,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.BREACHING,
          description: `Read replica ${replica.instanceIdentifier} of database '${name}' is more than `
            + `${humanSeconds(t.threshold)} behind its source, or reports no lag at all (ReplicaLag). First check `
            + 'write load on the source and the replica\'s instance size and storage throughput, then replication '
            + 'errors in the replica\'s log. A lagging replica loses that much data if you fail over to it.',
        });
      }
    }

    if (db.maxBackupStorage && (db.cluster || db.docdbCluster)) {
      const daily = { statistic: cloudwatch.Stats.AVERAGE, period: Duration.days(1) };
      const subject: { kind: string; identifier: string; metric: cloudwatch.IMetric } = db.cluster
        ? { kind: 'Aurora cluster', identifier: db.cluster.clusterIdentifier, metric: db.cluster.metricTotalBackupStorageBilled(daily) }
        : {
          kind: 'DocumentDB cluster',
          identifier: db.docdbCluster!.clusterIdentifier,
          metric: docdbTotalBackupStorageBilled(db.docdbCluster!, daily),
        };
      const bytes = db.maxBackupStorage.toBytes();
      const alarm = new cloudwatch.Alarm(scope, 'BackupStorage', {
        metric: subject.metric,
        threshold: bytes,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.MISSING,
        alarmName: this.physicalName(name, 'BackupStorage'),
        alarmDescription: `${subject.kind} ${subject.identifier} of database '${name}' bills more than `
          + `${humanBytes(bytes)} of backup storage (TotalBackupStorageBilled, daily average). First look for manual `
          + 'snapshots that are no longer needed and for a retention period longer than planned; then raise '
          + 'maxBackupStorage if the growth is expected.',
      });
      this.wire(alarm);
    }
  }

  private watchInstance(
    scope: Construct,
    id: string,
    subject: string,
    instance: rds.IDatabaseInstance,
    kind: string,
    tuning: Tunings,
  ): void {
    const t = tuning.freeStorage;
    if (!t) {
      return;
    }
    this.createAlarm(scope, id, subject, {
      metric: instance.metricFreeStorageSpace({ statistic: cloudwatch.Stats.AVERAGE, period: t.period }),
      tuning: t,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.MISSING,
      description: `${kind} ${instance.instanceIdentifier} has less than ${humanBytes(t.threshold)} of free storage `
        + '(FreeStorageSpace). First find what grows (table or index bloat, WAL kept by a replication slot, '
        + 'temporary files), then raise the allocated storage or enable storage autoscaling before writes fail.',
    });
  }

  private watchReplication(replication: ReplicationWatch, tuning: Tunings): void {
    const scope = new Construct(this, `Replication-${replication.name}`);
    const name = replication.name;
    let t = tuning.replicationFailed
      && resolveTuning('replicationFailed', this.props.replicationFailed, this, metricPeriod(replication.failedOperations));
    if (t) {
      this.createAlarm(scope, 'FailedOperations', name, {
        metric: withPeriod('replicationFailed', replication.failedOperations, t.periodOverride, this),
        tuning: t,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        description: `S3 replication '${name}' had at least ${t.threshold} failed operation(s) `
          + '(OperationsFailedReplication). First check the replication role: s3:Replicate* on the destination, '
          + 'kms:Decrypt on the source key and kms:Encrypt on the replica key, and the destination bucket policy. '
          + 'Failed objects are not retried: replicate them again with S3 Batch Replication once fixed.',
      });
    }
    t = tuning.replicationLatency
      && resolveTuning('replicationLatency', this.props.replicationLatency, this, metricPeriod(replication.latency));
    if (t) {
      this.createAlarm(scope, 'Latency', name, {
        metric: withPeriod('replicationLatency', replication.latency, t.periodOverride, this),
        tuning: t,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        description: `S3 replication '${name}' took longer than ${humanSeconds(t.threshold)} (ReplicationLatency). `
          + 'First check OperationsPendingReplication for a backlog (a burst of large objects) and AWS Health for '
          + 'S3 in both regions; objects not yet replicated are not in the DR copy.',
      });
    }
  }

  private createAlarm(scope: Construct, id: string, subject: string, spec: AlarmSpec): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(scope, id, {
      metric: spec.metric,
      threshold: spec.tuning.threshold,
      evaluationPeriods: spec.tuning.evaluationPeriods,
      datapointsToAlarm: spec.tuning.datapointsToAlarm,
      comparisonOperator: spec.comparisonOperator,
      treatMissingData: spec.treatMissingData,
      alarmName: this.physicalName(subject, id),
      alarmDescription: spec.description,
    });
    this.wire(alarm);
    return alarm;
  }

  private physicalName(subject: string, id: string): string | undefined {
    return this.alarmNamePrefix ? `${this.alarmNamePrefix}-${subject}-${id}` : undefined;
  }

  private wire(alarm: cloudwatch.Alarm): void {
    alarm.addAlarmAction(this.alarmAction);
    alarm.addOkAction(this.alarmAction);
    this.alarmList.push(alarm);
  }

  private dashboardRows(
    vaults: IBackupVault[],
    vaultLabels: string[],
    databases: DatabaseWatch[],
    replications: ReplicationWatch[],
    tuning: Tunings,
  ): cloudwatch.IWidget[][] {
    const rows: cloudwatch.IWidget[][] = [[
      new cloudwatch.TextWidget({
        markdown: '# Backup and DR\nEvery alarm\'s description says what it means and what to check first. '
          + 'Job metrics: namespace `' + JobMetrics.NAMESPACE + '`, dimension `' + JobMetrics.DATABASE_DIMENSION + '`.',
        width: 24,
        height: 2,
      }),
    ]];
    // An alarm status widget shows at most 100 alarms.
    for (let i = 0; i < this.alarmList.length; i += 100) {
      const alarms = this.alarmList.slice(i, i + 100);
      rows.push([new cloudwatch.AlarmStatusWidget({
        title: this.alarmList.length > 100 ? `Alarms ${i + 1}-${i + alarms.length}` : 'Alarms',
        alarms,
        width: 24,
        height: Math.min(12, 2 + Math.ceil(alarms.length / 4)),
      })]);
    }
    const graph = (title: string, left: cloudwatch.IMetric[], family?: Family, unit?: string): cloudwatch.GraphWidget => {
      const t = family ? tuning[family] : undefined;
      return new cloudwatch.GraphWidget({
        title,
        left,
        leftAnnotations: t ? [{ value: t.threshold, label: `${family} threshold`, color: cloudwatch.Color.RED }] : undefined,
        leftYAxis: unit ? { label: unit, showUnits: false } : undefined,
        width: 8,
        height: 6,
      });
    };

    if (vaults.length > 0) {
      rows.push([
        graph('AWS Backup jobs failed',
          vaults.map((v, i) => v.metricBackupJobsFailed({ label: `${vaultLabels[i]} backup` })), 'backupJobsFailed', 'jobs'),
        graph('AWS Backup copy jobs failed',
          vaults.map((v, i) => v.metricCopyJobsFailed({ label: `${vaultLabels[i]} copy` })), 'copyJobsFailed', 'jobs'),
        graph('AWS Backup restore jobs failed',
          vaults.map((v, i) => v.metricRestoreJobsFailed({ label: `${vaultLabels[i]} restore` })), 'restoreJobsFailed', 'jobs'),
      ]);
    }

    const dumped = databases.filter(hasDumpJobOf);
    if (dumped.length > 0) {
      rows.push([
        graph('pg_dump success (1 = ok, 0 = failed)', dumped.map((db) => JobMetrics.backupSuccess(db.name, { label: db.name }))),
        graph('pg_dump size', dumped.map((db) => JobMetrics.backupSizeBytes(db.name, { label: db.name })), undefined, 'bytes'),
        graph('pg_dump duration', dumped.map((db) => JobMetrics.backupDurationSeconds(db.name, { label: db.name })),
          'dumpDuration', 'seconds'),
      ]);
    }
    const verified = databases.filter(hasVerifyJobOf);
    if (verified.length > 0) {
      rows.push([
        graph('Verification success (1 = ok, 0 = failed)',
          verified.map((db) => JobMetrics.verificationSuccess(db.name, { label: db.name }))),
        graph('Age of the newest verified dump',
          verified.map((db) => JobMetrics.verifiedBackupAgeSeconds(db.name, { label: db.name })), 'verificationStale', 'seconds'),
        graph('Verification restore duration',
          verified.map((db) => JobMetrics.restoreDurationSeconds(db.name, { label: db.name })), undefined, 'seconds'),
      ]);
    }

    const instances: Array<[string, rds.IDatabaseInstance]> = [];
    const replicas: Array<[string, rds.IDatabaseInstance]> = [];
    const clusters: Array<[string, rds.IDatabaseCluster]> = [];
    const docdbClusters: Array<[string, docdb.IDatabaseCluster]> = [];
    for (const db of databases) {
      if (db.instance) {
        instances.push([db.name, db.instance]);
      }
      for (const replica of db.readReplicas ?? []) {
        instances.push([`${db.name} ${replica.node.id}`, replica]);
        replicas.push([`${db.name} ${replica.node.id}`, replica]);
      }
      if (db.cluster) {
        clusters.push([db.name, db.cluster]);
      }
      if (db.docdbCluster) {
        docdbClusters.push([db.name, db.docdbCluster]);
      }
    }
    const rdsRow: cloudwatch.IWidget[] = [];
    if (instances.length > 0) {
      rdsRow.push(graph('RDS free storage',
        instances.map(([label, i]) => i.metricFreeStorageSpace({ label })), 'freeStorage', 'bytes'));
    }
    if (replicas.length > 0) {
      rdsRow.push(graph('Read replica lag',
        replicas.map(([label, r]) => r.metric('ReplicaLag', { statistic: cloudwatch.Stats.MAXIMUM, label })),
        'replicaLag', 'seconds'));
    }
    if (clusters.length > 0) {
      rdsRow.push(graph('Aurora backup storage billed',
        clusters.map(([label, c]) => c.metricTotalBackupStorageBilled({ label, period: Duration.days(1) })),
        undefined, 'bytes'));
    }
    if (docdbClusters.length > 0) {
      rdsRow.push(graph('DocumentDB backup storage billed',
        docdbClusters.map(([label, c]) => docdbTotalBackupStorageBilled(c, { label, period: Duration.days(1) })),
        undefined, 'bytes'));
    }
    if (rdsRow.length > 0) {
      rows.push(rdsRow);
    }

    if (replications.length > 0) {
      rows.push([
        graph('S3 replication failed operations', replications.map((r) => r.failedOperations), 'replicationFailed', 'operations'),
        graph('S3 replication latency', replications.map((r) => r.latency), 'replicationLatency', 'seconds'),
      ]);
    }
    return rows;
  }
}

/** Lambda's longest run: a PgDumpJob stops there. */
const LAMBDA_MAX_TIMEOUT_SECONDS = 900;

type Family =
  | 'backupJobsFailed' | 'backupMissing' | 'copyJobsFailed' | 'restoreJobsFailed'
  | 'dumpFailed' | 'dumpMissing' | 'dumpSizeChange' | 'dumpDuration'
  | 'verificationFailed' | 'verificationMissing' | 'verificationStale'
  | 'freeStorage' | 'replicaLag'
  | 'replicationFailed' | 'replicationLatency';

type Tunings = { [F in Family]: ResolvedTuning | undefined };

interface FamilyDefaults {
  /** Default threshold; undefined for families whose threshold is fixed at `fixedThreshold`. */
  readonly threshold?: number;
  readonly fixedThreshold?: number;
  /** Unit of the threshold in messages. */
  readonly unit: string;
  /** Bounds of the threshold beyond "greater than 0". */
  readonly min?: number;
  readonly max?: number;
  /** Default period; undefined when the alarm uses the period of a metric it was given. */
  readonly period?: Duration;
  readonly evaluationPeriods: number;
  /** Default datapoints to alarm; undefined means all evaluated periods. */
  readonly datapointsToAlarm?: number;
  /** Every evaluated period must breach, whatever the tuning (the alarm means "none in the window"). */
  readonly allPeriodsMustBreach?: boolean;
  readonly minEvaluationPeriods?: number;
}

const FAMILY_DEFAULTS: { [F in Family]: FamilyDefaults } = {
  backupJobsFailed: { threshold: 1, unit: 'failed jobs', period: Duration.hours(1), evaluationPeriods: 1 },
  backupMissing: {
    fixedThreshold: 1, unit: '', period: Duration.hours(1), evaluationPeriods: 25, allPeriodsMustBreach: true,
  },
  copyJobsFailed: { threshold: 1, unit: 'failed jobs', period: Duration.hours(1), evaluationPeriods: 1 },
  restoreJobsFailed: { threshold: 1, unit: 'failed jobs', period: Duration.hours(1), evaluationPeriods: 1 },
  dumpFailed: { fixedThreshold: 1, unit: '', period: Duration.minutes(5), evaluationPeriods: 1 },
  dumpMissing: {
    fixedThreshold: 1, unit: '', period: Duration.hours(1), evaluationPeriods: 25, allPeriodsMustBreach: true,
  },
  dumpSizeChange: {
    threshold: 20, unit: 'percent', min: 1, max: 1000, period: Duration.days(1), evaluationPeriods: 2,
    datapointsToAlarm: 1, minEvaluationPeriods: 2,
  },
  dumpDuration: { threshold: 720, unit: 'seconds', period: Duration.minutes(5), evaluationPeriods: 1 },
  verificationFailed: { fixedThreshold: 1, unit: '', period: Duration.minutes(5), evaluationPeriods: 1 },
  verificationMissing: {
    fixedThreshold: 1, unit: '', period: Duration.hours(1), evaluationPeriods: 168, allPeriodsMustBreach: true,
  },
  verificationStale: { threshold: 8 * 86400, unit: 'seconds', period: Duration.minutes(5), evaluationPeriods: 1 },
  freeStorage: { threshold: Size.gibibytes(10).toBytes(), unit: 'bytes', period: Duration.minutes(5), evaluationPeriods: 2 },
  replicaLag: { threshold: 300, unit: 'seconds', period: Duration.minutes(1), evaluationPeriods: 5 },
  replicationFailed: { threshold: 1, unit: 'failed operations', evaluationPeriods: 1 },
  replicationLatency: { threshold: 900, unit: 'seconds', evaluationPeriods: 1 },
};

interface ResolvedTuning {
  readonly family: Family;
  readonly threshold: number;
  /**
   * The period of the alarm's metric. For the replication families, resolved once without a metric to check the
   * tuning, it is only meaningful when resolved again with the given metric's period.
   */
  readonly period: Duration;
  /** The period given in the tuning, if any. */
  readonly periodOverride?: Duration;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
}

interface AlarmSpec {
  readonly metric: cloudwatch.IMetric;
  readonly tuning: ResolvedTuning;
  readonly comparisonOperator: cloudwatch.ComparisonOperator;
  readonly treatMissingData: cloudwatch.TreatMissingData;
  readonly description: string;
}

/** CloudWatch: period × evaluation periods <= 7 days; <= 1 day when the period is shorter than 1 hour. */
const MAX_WINDOW_SECONDS = 7 * 86400;
const MAX_SHORT_PERIOD_WINDOW_SECONDS = 86400;
const NAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
const DATABASE_NAME_PATTERN = /^[A-Za-z0-9_.$-]{1,63}$/;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Applies the family defaults to a tuning and checks it. `metricPeriod` is the period of a metric the alarm
 * was given (replication families); without it, their window is checked once the metric is known.
 */
function resolveTuning(
  family: Family,
  tuning: AlarmTuning | undefined,
  scope: Construct,
  givenMetricPeriod?: Duration,
): ResolvedTuning | undefined {
  const defaults = FAMILY_DEFAULTS[family];
  const t = tuning ?? {};
  if (t.enabled === false) {
    return undefined;
  }

  let threshold: number;
  if (defaults.fixedThreshold !== undefined) {
    if (t.threshold !== undefined) {
      throw new ValidationError(
        `${family}.threshold is ${t.threshold}, but this alarm's threshold is fixed (a success flag below 1); `
          + 'remove threshold and tune period / evaluationPeriods instead',
        scope,
      );
    }
    threshold = defaults.fixedThreshold;
  } else {
    threshold = t.threshold ?? defaults.threshold!;
    if (!Token.isUnresolved(threshold)) {
      if (!Number.isFinite(threshold) || threshold <= 0) {
        throw new ValidationError(
          `${family}.threshold is ${threshold} ${defaults.unit}; it must be greater than 0 (e.g. ${defaults.threshold})`,
          scope,
        );
      }
      if ((defaults.min !== undefined && threshold < defaults.min) || (defaults.max !== undefined && threshold > defaults.max)) {
        throw new ValidationError(
          `${family}.threshold is ${threshold} ${defaults.unit}; allowed range is ${defaults.min}-${defaults.max} `
            + `${defaults.unit}, given as a percentage, not a fraction (e.g. ${defaults.threshold} for ${defaults.threshold} %)`,
          scope,
        );
      }
    }
  }

  const evaluationPeriods = t.evaluationPeriods ?? defaults.evaluationPeriods;

  const datapointsToAlarm = t.datapointsToAlarm
    ?? (defaults.datapointsToAlarm !== undefined ? Math.min(defaults.datapointsToAlarm, evaluationPeriods) : evaluationPeriods);
  checkEvaluation(family, evaluationPeriods, datapointsToAlarm, defaults.minEvaluationPeriods ?? 1, scope);
  if (!Token.isUnresolved(evaluationPeriods)) {
    if (defaults.allPeriodsMustBreach && !Token.isUnresolved(datapointsToAlarm) && datapointsToAlarm !== evaluationPeriods) {
      throw new ValidationError(
        `${family}.datapointsToAlarm is ${datapointsToAlarm} but evaluationPeriods is ${evaluationPeriods}; this alarm `
          + 'means "no success in any evaluated period", so every period must breach: remove datapointsToAlarm or '
          + `set it to ${evaluationPeriods}`,
        scope,
      );
    }
  }

  const periodOverride = t.period;
  if (periodOverride) {
    checkPeriod(`${family}.period`, periodOverride, scope);
    if (!isUnresolved(periodOverride) && periodOverride.toSeconds({ integral: false }) === 20) {
      // aws-cdk-lib's Metric, which builds (or re-periods) the metric of every family, refuses 20 seconds.
      throw new ValidationError(
        `${family}.period is 20 seconds; CloudWatch alarms take it, but aws-cdk-lib's Metric, which builds this `
          + 'alarm\'s metric, does not: use 10 or 30 seconds or a multiple of 60 seconds (e.g. Duration.seconds(30))',
        scope,
      );
    }
  } else if (givenMetricPeriod) {
    checkPeriod(`${family}: the given metric's period`, givenMetricPeriod, scope);
  }
  const effectivePeriod = periodOverride ?? defaults.period ?? givenMetricPeriod;
  if (effectivePeriod) {
    checkWindow(family, effectivePeriod, evaluationPeriods, scope);
  }
  const period = effectivePeriod ?? Duration.minutes(5);

  return { family, threshold, period, periodOverride, evaluationPeriods, datapointsToAlarm };
}

/**
 * evaluationPeriods: a whole number >= `min`; datapointsToAlarm: a whole number in [1, evaluationPeriods].
 */
function checkEvaluation(
  prop: string,
  evaluationPeriods: number,
  datapointsToAlarm: number,
  min: number,
  scope: Construct,
): void {
  if (Token.isUnresolved(evaluationPeriods)) {
    return;
  }
  if (!Number.isInteger(evaluationPeriods) || evaluationPeriods < min) {
    const why = min > 1 ? ' so that the newest period always has its predecessor in the evaluated range' : '';
    throw new ValidationError(
      `${prop}.evaluationPeriods is ${evaluationPeriods}; it must be a whole number of at least ${min}${why} `
        + `(e.g. ${Math.max(min, Math.round(evaluationPeriods) || 1)})`,
      scope,
    );
  }
  checkRange(`${prop}.datapointsToAlarm`, datapointsToAlarm, 1, evaluationPeriods, 'datapoints', scope);
}

/**
 * CloudWatch alarm periods (PutMetricAlarm `Period`): 10, 20 or 30 seconds (high-resolution metrics) or a multiple of
 * 60 seconds. There is no separate maximum: the window check (period × evaluation periods <= 7 days) bounds it.
 */
const HIGH_RESOLUTION_PERIODS = [10, 20, 30];

function checkPeriod(prop: string, period: Duration, scope: Construct): void {
  if (isUnresolved(period)) {
    return;
  }
  const seconds = period.toSeconds({ integral: false });
  if (!(HIGH_RESOLUTION_PERIODS.includes(seconds) || (Number.isInteger(seconds) && seconds > 0 && seconds % 60 === 0))) {
    const fix = Math.max(60, Math.round(seconds / 60) * 60);
    throw new ValidationError(
      `${prop} is ${period.toHumanString()}; CloudWatch alarms take 10, 20 or 30 seconds or a multiple of 60 seconds `
        + `(e.g. Duration.seconds(${fix}))`,
      scope,
    );
  }
}

/** CloudWatch alarm window: period × evaluationPeriods <= 7 days, or <= 1 day when the period is under 1 hour. */
function checkWindow(prop: string, period: Duration, evaluationPeriods: number, scope: Construct): void {
  if (isUnresolved(period) || Token.isUnresolved(evaluationPeriods)) {
    return;
  }
  const periodSeconds = period.toSeconds({ integral: false });
  const windowSeconds = periodSeconds * evaluationPeriods;
  const max = periodSeconds < 3600 ? MAX_SHORT_PERIOD_WINDOW_SECONDS : MAX_WINDOW_SECONDS;
  if (windowSeconds > max) {
    const maxPeriods = Math.floor(max / periodSeconds);
    throw new ValidationError(
      `${prop}: period ${period.toHumanString()} × evaluationPeriods ${evaluationPeriods} is `
        + `${Duration.seconds(windowSeconds).toHumanString()}; CloudWatch allows at most `
        + `${periodSeconds < 3600 ? '1 day for periods under 1 hour' : '7 days'} `
        + `(e.g. evaluationPeriods ${maxPeriods}${periodSeconds < 3600 ? ', or a period of at least 1 hour' : ''})`,
      scope,
    );
  }
}

function checkUnique(prop: string, names: string[], scope: Construct): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (Token.isUnresolved(name)) {
      continue;
    }
    if (seen.has(name)) {
      throw new ValidationError(
        `${prop} lists '${name}' twice; each entry must have its own name (it names the alarms and the dashboard lines)`,
        scope,
      );
    }
    seen.add(name);
  }
}

/**
 * Each vault once, keyed by its name, or by its ARN when the name is a token (the same vault object, or the same
 * imported ARN token, gives the same key); and in this stack's region, whose metrics the alarms read.
 */
function checkVaults(vaults: IBackupVault[], scope: Construct): void {
  const seen = new Map<string, IBackupVault>();
  for (const vault of vaults) {
    const byName = !Token.isUnresolved(vault.backupVaultName);
    const key = byName ? `name:${vault.backupVaultName}` : `arn:${vault.backupVaultArn}`;
    const first = seen.get(key);
    if (first) {
      const which = byName ? `the backup vault '${vault.backupVaultName}'` : 'the same backup vault';
      throw new ValidationError(
        `vaults lists ${which} twice (${first.node.path} and ${vault.node.path}); list each vault once`,
        scope,
      );
    }
    seen.set(key, vault);
    const { account, region } = Stack.of(scope);
    if (differs(vault.env.region, region)) {
      throw new ValidationError(
        `vaults: backup vault ${vault.node.path} is in ${vault.env.region}, but this stack is in ${region} and a `
          + `CloudWatch alarm reads metrics of its own region only; watch it from a BackupAlarms in a stack of ${vault.env.region}`,
        scope,
      );
    }
    if (differs(vault.env.account, account)) {
      Annotations.of(scope).addWarningV2('cdk-backup-dr:BackupAlarms.crossAccountVault',
        `vaults: backup vault ${vault.node.path} belongs to account ${vault.env.account}; its alarms read that account's `
          + `metrics, which works only when account ${account} is a CloudWatch cross-account observability monitoring `
          + `account linked to ${vault.env.account}. Otherwise watch the vault from a BackupAlarms in ${vault.env.account}.`);
    }
  }
}

/**
 * The names of the vaults in construct ids, alarm names and graph labels: the vault name when it is known at synth
 * time, else the construct id; the construct path (with '/' as '-') for a construct id that another vault's label
 * already uses.
 */
function labelVaults(vaults: IBackupVault[]): string[] {
  const preferred = vaults.map((v) => (Token.isUnresolved(v.backupVaultName) ? v.node.id : v.backupVaultName));
  return preferred.map((label, i) => {
    const shared = preferred.some((other, j) => j !== i && other === label);
    return shared && Token.isUnresolved(vaults[i].backupVaultName) ? vaults[i].node.path.replace(/\//g, '-') : label;
  });
}

function checkDatabaseWatch(db: DatabaseWatch, scope: Construct): void {
  if (Token.isUnresolved(db.name)) {
    throw new ValidationError(
      'databases: name is a token; it names the alarms and must be known at synth time (e.g. \'orders\')',
      scope,
    );
  }
  checkPattern(`databases '${db.name}' name`, db.name, DATABASE_NAME_PATTERN,
    'use the PostgreSQL database name: 1-63 letters, digits, underscores, hyphens, dots or $', 'orders', scope);
  const homes = (['instance', 'cluster', 'docdbCluster'] as const).filter((prop) => db[prop] !== undefined);
  if (homes.length > 1) {
    const list = homes.length === 2 ? `both ${homes[0]} and ${homes[1]}` : `${homes[0]}, ${homes[1]} and ${homes[2]}`;
    throw new ValidationError(
      `databases '${db.name}' sets ${list}; a database lives in one of them: remove ${homes.length === 2 ? 'one' : 'all but one'}`,
      scope,
    );
  }
  if (db.docdbCluster) {
    if ((db.readReplicas ?? []).length > 0) {
      throw new ValidationError(
        `databases '${db.name}' sets readReplicas with docdbCluster; readReplicas are RDS DB instances, and the replicas `
          + 'of a DocumentDB cluster are instances of the cluster itself: remove readReplicas',
        scope,
      );
    }
    for (const prop of ['hasDumpJob', 'hasVerifyJob'] as const) {
      if (db[prop] === true) {
        throw new ValidationError(
          `databases '${db.name}' sets ${prop} true with docdbCluster; PgDumpJob and DumpVerifyJob run pg_dump and `
            + `pg_restore, which cannot read DocumentDB, so the ${prop === 'hasDumpJob' ? 'dump' : 'verification'} alarms would `
            + `fire forever: remove ${prop} (it defaults to false for a DocumentDB cluster)`,
          scope,
        );
      }
    }
  }
  if (db.maxBackupStorage !== undefined) {
    if (!db.cluster && !db.docdbCluster) {
      throw new ValidationError(
        `databases '${db.name}' sets maxBackupStorage without cluster or docdbCluster; TotalBackupStorageBilled is a `
          + 'metric of Aurora and DocumentDB clusters: add cluster or docdbCluster, or remove maxBackupStorage',
        scope,
      );
    }
    const bytes = db.maxBackupStorage.toBytes();
    if (!Token.isUnresolved(bytes) && bytes <= 0) {
      throw new ValidationError(
        `databases '${db.name}' maxBackupStorage is ${bytes} bytes; it must be greater than 0 (e.g. Size.gibibytes(2000))`,
        scope,
      );
    }
  }
  const watchesRds = db.instance !== undefined || (db.readReplicas ?? []).length > 0
    || ((db.cluster !== undefined || db.docdbCluster !== undefined) && db.maxBackupStorage !== undefined);
  if (!hasDumpJobOf(db) && !hasVerifyJobOf(db) && !watchesRds) {
    Annotations.of(scope).addWarningV2('cdk-backup-dr:backup-alarms-database-unwatched',
      `databases '${db.name}' has no dump job, no verify job, no instance or read replica, and no cluster with `
        + 'maxBackupStorage: nothing is watched for it. Remove it, or set what should be watched.');
  }
}

/** Whether a `PgDumpJob` dumps the database: `hasDumpJob`, by default true except for a DocumentDB cluster. */
function hasDumpJobOf(db: DatabaseWatch): boolean {
  return db.hasDumpJob ?? db.docdbCluster === undefined;
}

/** Whether a `DumpVerifyJob` verifies the database's dumps: `hasVerifyJob`, by default as `hasDumpJobOf`. */
function hasVerifyJobOf(db: DatabaseWatch): boolean {
  return db.hasVerifyJob ?? hasDumpJobOf(db);
}

/**
 * `TotalBackupStorageBilled` of a DocumentDB cluster: namespace `AWS/DocDB`, dimension `DBClusterIdentifier`, in bytes
 * (https://docs.aws.amazon.com/documentdb/latest/developerguide/cloud_watch.html). aws-cdk-lib's DocumentDB cluster
 * has no metric methods; this mirrors `rds.IDatabaseCluster.metricTotalBackupStorageBilled()`.
 */
function docdbTotalBackupStorageBilled(cluster: docdb.IDatabaseCluster, props: cloudwatch.MetricOptions): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/DocDB',
    metricName: 'TotalBackupStorageBilled',
    dimensionsMap: { DBClusterIdentifier: cluster.clusterIdentifier },
    statistic: cloudwatch.Stats.AVERAGE,
    ...props,
  }).attachTo(cluster);
}

/** The period of a metric or math expression, when it has one. */
function metricPeriod(metric: cloudwatch.IMetric): Duration | undefined {
  const config = metric.toMetricConfig();
  if (config.metricStat) {
    return config.metricStat.period;
  }
  if (config.mathExpression) {
    return Duration.seconds(config.mathExpression.period);
  }
  return undefined;
}

/** A metric with another period, for the metrics this construct is given rather than builds. */
function withPeriod(family: Family, metric: cloudwatch.IMetric, period: Duration | undefined, scope: Construct): cloudwatch.IMetric {
  if (!period) {
    return metric;
  }
  const withFn = (metric as { with?: (options: cloudwatch.MetricOptions) => cloudwatch.IMetric }).with;
  if (typeof withFn !== 'function') {
    throw new ValidationError(
      `${family}.period is set, but the given metric cannot change its period (it is neither a Metric nor a `
        + 'MathExpression); remove period and give the metric with the period you want',
      scope,
    );
  }
  return withFn.call(metric, { period });
}

function humanWindow(period: Duration, evaluationPeriods: number): string {
  if (isUnresolved(period) || Token.isUnresolved(evaluationPeriods)) {
    return 'the evaluated window';
  }
  const seconds = period.toSeconds({ integral: false }) * evaluationPeriods;
  return seconds % 3600 === 0 ? `${seconds / 3600} hours` : Duration.seconds(seconds).toHumanString();
}

function humanSeconds(seconds: number): string {
  return Token.isUnresolved(seconds) ? `${seconds} seconds` : Duration.seconds(seconds).toHumanString();
}

function humanBytes(bytes: number): string {
  if (Token.isUnresolved(bytes)) {
    return `${bytes} bytes`;
  }
  const gib = bytes / 1024 ** 3;
  return gib >= 1 ? `${Number(gib.toFixed(2))} GiB` : `${bytes} bytes`;
}
