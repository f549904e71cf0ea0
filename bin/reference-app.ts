import { Annotations, App, CfnResource, Duration, RemovalPolicy, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks, ServerlessChecks } from 'cdk-nag';
import { Construct, IConstruct } from 'constructs';
import {
  AirGappedVault, BackupAlarms, BackupAuditFramework, BackupCoverage, BackupDrChecks, BackupGuardrails, BackupReportPlan, ReportFormat, ReportTemplate, BackupVault, CrossAccountBucket, RpoWatch, LifecycleAge, PolicyEditors, RecoveryPlan, ReplicationDestination,
  ReplicationRule, VaultLock,
} from '../lib';
import { additionalRegions } from '../lib/private/aws-names';
import { guardKey, principalArnsExcept, watchKeys } from '../lib/private/key-guard';
import { createEncryptedTopic, subscribeEmail } from '../lib/private/notification-topic';
import {
  AppBucketConfig, BackupDrConfig, ConfigError, CONTEXT_KEY, jobRoleNames, parseConfig, sharedNames,
} from './config';
import { alarmTuning, DatabaseStack, hasDump, jobVpc, tierByName, watchDatabase } from './database-stack';

/** Databases per RpoWatch: its Lambda environment holds about 59 with short names. */
const RPO_WATCH_CHUNK = 40;

/** The rules whose recovery points the backup account keeps, in both of its regions. */
const COPIED_RULES = ['Daily', 'Weekly', 'Monthly'];

/** An alarm status widget shows at most 100 alarms. */
const ALARMS_PER_STATUS_WIDGET = 100;

function dumpLockMode(config: BackupDrConfig): s3.ObjectLockMode {
  return config.dumpLockMode === 'governance' ? s3.ObjectLockMode.GOVERNANCE : s3.ObjectLockMode.COMPLIANCE;
}

function vaultLock(config: BackupDrConfig): VaultLock {
  const options = {
    minRetention: Duration.days(config.vaultLock.minRetentionDays),
    maxRetention: Duration.days(config.vaultLock.maxRetentionDays),
  };
  return config.vaultLock.mode === 'compliance'
    ? VaultLock.compliance({ ...options, changeableFor: Duration.days(config.vaultLock.changeableForDays) })
    : VaultLock.governance(options);
}

export interface BackupAccountStackProps extends StackProps {
  readonly config: BackupDrConfig;
  /** The DR-region instance holds only the second vault. */
  readonly drRegion: boolean;
}

/** The backup account: a locked vault that receives copies, and (primary region) the pg_dump bucket. */
export class BackupAccountStack extends Stack {
  public readonly vault: BackupVault;
  /** The pg_dump bucket; only in the primary-region instance. */
  public readonly dumpBucket?: CrossAccountBucket;
  /**
   * Size of the dump bucket's policy as deployed (compact JSON), at most `MAX_BUCKET_POLICY_BYTES`; only in the
   * primary-region instance.
   */
  public readonly dumpBucketPolicyBytes?: number;
  /** Replicas of the workload's application buckets, by source bucket name; only in the DR-region instance. */
  public readonly appReplicas = new Map<string, CrossAccountBucket>();
  /**
   * The backup account's alarms (by email, with `alarms.email`): a key of this stack scheduled for deletion, disabled
   * or re-policied; the dump bucket's replication failing or late.
   */
  public readonly alarmTopic: sns.ITopic;
  /** The logically air-gapped vault (config `airGappedVault`); only in the primary-region instance. */
  public readonly airGappedVault?: AirGappedVault;
  /** The dump bucket's replica; only in the DR-region instance. */
  public readonly dumpReplica?: CrossAccountBucket;
  /** The replication of the dump bucket to its replica; only in the primary-region instance. */
  public readonly dumpReplication?: ReplicationRule;
  /** The alarms on `dumpReplication`; only in the primary-region instance. */
  public readonly alarms?: BackupAlarms;
  /** `backup.breakGlassRoleArn`, when set. */
  public readonly breakGlassRole?: iam.IRole;

  constructor(scope: Construct, id: string, props: BackupAccountStackProps) {
    super(scope, id, props);
    const { config } = props;
    const names = sharedNames(config);
    const { breakGlassRoleArn } = config.backup;
    this.breakGlassRole = breakGlassRoleArn ? iam.Role.fromRoleArn(this, 'BreakGlass', breakGlassRoleArn) : undefined;
    this.alarmTopic = this.createAlarmTopic(config);
    this.vault = new BackupVault(this, 'Vault', {
      backupVaultName: props.drRegion ? names.drVault : names.centralVault,
      vaultLock: vaultLock(config),
      breakGlassRole: this.breakGlassRole,
      keyAlarmTopic: this.alarmTopic,
      copySourceAccounts: [config.workload.account],
      copySourceOrganizationId: config.organizationId,
    });
    if (config.organizationId) {
      Annotations.of(this.vault).acknowledgeWarning('cdk-backup-dr:BackupVault.copyFromWholeOrganization',
        'organizationId is set in the backup-dr config: the operator opted into copies from every account of the organization');
    }
    if (config.alarms.email) {
      this.vault.addFailureEmail('FailureEmail', config.alarms.email);
    }
    if (props.drRegion) {
      for (const app of config.appBuckets) {
        // Replicas of live application files: no tiering to Glacier (a DR restore must be quick) and no
        // expiry of current versions (the files are still in use); replaced versions go after 30 days.
        this.appReplicas.set(app.name, new CrossAccountBucket(this, `Replica-${app.name}`, {
          bucketName: replicaBucketName(app),
          infrequentAccessAfter: LifecycleAge.NEVER,
          glacierAfter: LifecycleAge.NEVER,
          expireAfter: LifecycleAge.NEVER,
          breakGlassRole: this.breakGlassRole,
          keyAlarmTopic: this.alarmTopic,
        }));
      }
    }
    if (config.airGappedVault && !props.drRegion) {
      this.airGappedVault = new AirGappedVault(this, 'AirGappedVault', {
        backupVaultName: names.airGappedVault,
        minRetention: Duration.days(config.airGappedVault.minRetentionDays),
        maxRetention: Duration.days(config.airGappedVault.maxRetentionDays),
        copySourceAccounts: [config.workload.account],
        recoveryAccounts: config.airGappedVault.recoveryAccount ? [config.airGappedVault.recoveryAccount] : undefined,
        breakGlassRole: this.breakGlassRole,
      });
    }
    if (props.drRegion) {
      this.dumpReplica = new CrossAccountBucket(this, 'DumpReplica', {
        bucketName: names.drDumpBucket,
        encryptionKeyAlias: names.drDumpKeyAlias,
        objectLockMode: dumpLockMode(config),
        breakGlassRole: this.breakGlassRole,
        keyAlarmTopic: this.alarmTopic,
      });
    } else {
      this.dumpBucket = this.createDumpBucket(config);
      this.dumpBucketPolicyBytes = checkDumpBucketPolicySize(this, this.dumpBucket, config);
      this.dumpReplication = this.replicateDumps(config, this.dumpBucket);
      this.alarms = new BackupAlarms(this, 'Alarms', {
        topic: this.alarmTopic,
        dashboard: false,
        replicationLatency: alarmTuning(config).replicationLatency,
        replications: [{
          name: 'dumps',
          failedOperations: this.dumpReplication.metricOperationsFailedReplication(),
          latency: this.dumpReplication.metricReplicationLatency(),
        }],
      });
    }
  }

  /**
   * The dump bucket replicated to its replica in the DR region of this account, with replication time control: a loss
   * of the primary region still leaves the dumps up to the last one replicated (seed 000's "complete disaster"). The
   * replica has its own key, named by its alias ARN (it is created in another region), the same Object Lock mode, and
   * the same denies; delete markers are not replicated.
   */
  private replicateDumps(config: BackupDrConfig, dumps: CrossAccountBucket): ReplicationRule {
    const names = sharedNames(config);
    const { backup } = config;
    return new ReplicationRule(this, 'DumpReplication', {
      sourceBucket: dumps.bucket,
      sourceKey: dumps.encryptionKey,
      destination: ReplicationDestination.fromAttributes({
        bucketArn: `arn:${this.partition}:s3:::${names.drDumpBucket}`,
        account: backup.account,
        region: backup.drRegion,
        encryptionKeyArn: `arn:${this.partition}:kms:${backup.drRegion}:${backup.account}:${names.drDumpKeyAlias}`,
        objectLockEnabled: true,
      }),
      prefix: dumps.prefix,
      replicationTime: true,
    });
  }

  /**
   * An encrypted topic for the alarms of the backup account (keys, dump replication), with the alarm email subscribed. Its own key is
   * guarded and watched like theirs, and its policy denies deleting the topic or changing its attributes and permissions
   * to all but break-glass and CloudFormation's role: silencing the alarm is the first step of an attack on the keys.
   */
  private createAlarmTopic(config: BackupDrConfig): sns.ITopic {
    const { topic, key } = createEncryptedTopic(this, {
      keyId: 'KeyAlarmsKey',
      topicId: 'KeyAlarms',
      keyDescription: 'Encrypts the alarms of the backup account',
      displayName: 'Backup account alarms: keys scheduled for deletion, disabled or re-policied; dump replication',
      publishers: ['events.amazonaws.com', 'cloudwatch.amazonaws.com'],
      keyStatementSid: 'AllowAlarmsToPublishEncrypted',
    });
    if (config.alarms.email) {
      subscribeEmail(this, 'KeyAlarmsEmail', topic, config.alarms.email);
    }
    const editorRoleArns = PolicyEditors.cdkBootstrap()._roleArns(this);
    guardKey(key, { breakGlassRole: this.breakGlassRole, editorRoleArns, removalPolicy: RemovalPolicy.RETAIN });
    watchKeys(this, 'KeyAlarmsKeyAlarm', [key], topic, 'cdk-backup-dr:BackupAccountStack.keyAlarmTopic');
    topic.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'DenyTopicChanges',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['sns:DeleteTopic', 'sns:SetTopicAttributes', 'sns:AddPermission', 'sns:RemovePermission'],
      resources: [topic.topicArn],
      conditions: principalArnsExcept([...(this.breakGlassRole ? [this.breakGlassRole.roleArn] : []), ...editorRoleArns]),
    }));
    return topic;
  }

  /**
   * The pg_dump bucket. The workload account's job roles are named, not referenced (`jobRoles`): a bucket or key policy
   * may not name a role that does not exist yet (the workload stack deploys after this one). Each job role is named
   * once, exactly, in the statement that keeps the rest of the workload account out; each is confined to its own
   * database's folder by its `cdk-backup-dr:database` tag, bound to its name (see `DumpJobRoles`), at no cost per
   * database. S3 refuses a bucket policy over 20 KB, which `checkDumpBucketPolicySize` enforces at synth.
   */
  private createDumpBucket(config: BackupDrConfig): CrossAccountBucket {
    const names = sharedNames(config);
    const withDump = config.databases.filter((db) => db.dump);
    const pattern = jobRoleNames(config.namePrefix, '{database}');
    return new CrossAccountBucket(this, 'DumpBucket', {
      bucketName: names.dumpBucket,
      encryptionKeyAlias: names.dumpKeyAlias,
      // COMPLIANCE by default, as the vaults: the last good dump survives every principal until its lock ends.
      objectLockMode: dumpLockMode(config),
      breakGlassRole: this.breakGlassRole,
      keyAlarmTopic: this.alarmTopic,
      jobRoles: withDump.length === 0 ? undefined : {
        account: config.workload.account,
        dumpRoleName: pattern.dump,
        dumpDatabases: withDump.map((db) => db.name),
        verifyRoleName: pattern.verify,
        verifyDatabases: withDump.filter((db) => db.verify).map((db) => db.name),
      },
    });
  }
}

/** S3 refuses a bucket policy larger than 20 KB. */
export const MAX_BUCKET_POLICY_BYTES = 20 * 1024;

/**
 * Fails the synth, naming the databases and the limit, when the dump bucket's policy would be larger than S3 accepts:
 * CloudFormation would fail only when deploying it. The size is that of the policy as deployed (compact JSON, the
 * ARNs of the bucket and its key in place of their references), returned.
 */
function checkDumpBucketPolicySize(stack: Stack, bucket: CrossAccountBucket, config: BackupDrConfig): number {
  const logicalId = (construct: IConstruct) => stack.resolve((construct.node.defaultChild as CfnResource).logicalId);
  const arns = new Map([
    [logicalId(bucket.bucket), `arn:${stack.partition}:s3:::${sharedNames(config).dumpBucket}`],
    // A key ARN ends in a 36-character key id, unknown before deployment.
    [logicalId(bucket.encryptionKey), stack.formatArn({ service: 'kms', resource: 'key', resourceName: '0'.repeat(36) })],
  ]);
  const document = deployed(stack.resolve(bucket.bucket.policy!.document), (id) => arns.get(id));
  const bytes = Buffer.byteLength(JSON.stringify(document));
  if (bytes > MAX_BUCKET_POLICY_BYTES) {
    const databases = config.databases.filter((db) => db.dump).length;
    throw new ConfigError([`${CONTEXT_KEY}.databases has ${databases} databases with a dump block: the dump bucket's ` +
      `policy, which names their job roles, would be ${bytes} bytes, and S3 allows ${MAX_BUCKET_POLICY_BYTES} bytes ` +
      '(20 KB) per bucket policy. Use fewer databases with dump jobs in one app (a second app with its own namePrefix ' +
      'has its own bucket), or shorter database names and namePrefix']);
  }
  return bytes;
}

/** A resolved template value as CloudFormation deploys it, where it only joins strings and ARNs `arnOf` knows. */
function deployed(value: unknown, arnOf: (logicalId: string) => string | undefined): unknown {
  if (Array.isArray(value)) {
    return value.map((item) => deployed(item, arnOf));
  }
  if (typeof value !== 'object' || value === null) {
    return value;
  }
  const entries = Object.entries(value);
  const [[fn, args]] = entries.length === 1 ? entries : [['', undefined]];
  if (fn === 'Fn::GetAtt' && Array.isArray(args) && args[1] === 'Arn' && arnOf(args[0]) !== undefined) {
    return arnOf(args[0]);
  }
  if (fn === 'Fn::Join' && Array.isArray(args)) {
    const parts = (args[1] as unknown[]).map((part) => deployed(part, arnOf));
    if (parts.every((part) => typeof part === 'string')) {
      return parts.join(args[0]);
    }
  }
  return Object.fromEntries(entries.map(([key, item]) => [key, deployed(item, arnOf)]));
}

export interface WorkloadStackProps extends StackProps {
  readonly config: BackupDrConfig;
}

/**
 * The workload account: a local vault, and a recovery plan from the configured tier that backs up the
 * configured databases and copies one recovery point a day to the backup account's central vault; the application
 * buckets and their replication; a nested `DatabaseStack` per database with a `dump` block, holding its jobs and
 * alarms, so that this stack grows by one resource per database; `BackupAlarms` for the rest, with the dashboard.
 */
export class WorkloadStack extends Stack {
  public readonly vault: BackupVault;
  public readonly plan: RecoveryPlan;
  public readonly replications: ReplicationRule[];
  /** The alarms of the vault, the replications and the databases without a `dump` block, with the dashboard. */
  public readonly alarms: BackupAlarms;
  /** A nested stack per database with a `dump` block: its jobs and alarms. */
  public readonly databaseStacks: DatabaseStack[];
  /** The RPO watches of the configured databases (none without a database with a `dump` block). */
  public readonly rpoWatches: RpoWatch[];
  /** Backup Audit Manager: the controls the plan promises, evaluated by AWS Backup. */
  public readonly auditFramework: BackupAuditFramework;
  /** Where AWS Backup delivers the compliance and job reports (this account and region, as AWS Backup requires). */
  public readonly auditReports: s3.Bucket;
  /** Encrypts the log groups of every job and watch of this stack. */
  private jobLogsKey?: kms.Key;

  constructor(scope: Construct, id: string, props: WorkloadStackProps) {
    super(scope, id, props);
    const { config } = props;
    const names = sharedNames(config);
    const central = BackupVault.fromBackupVaultAttributes(this, 'CentralVault', {
      backupVaultArn: `arn:${this.partition}:backup:${config.backup.region}:${config.backup.account}:backup-vault:${names.centralVault}`,
      vaultLock: vaultLock(config),
    });

    this.vault = new BackupVault(this, 'Vault', { backupVaultName: `${config.namePrefix}-local` });
    Validations.of(this.vault).acknowledge({
      id: 'BackupDR-BackupVaultLocked',
      reason: 'The workload account\'s own vault holds each recovery point only until its copies reach the backup account: '
        + 'every Daily, Weekly and Monthly point is copied into the locked central vault and the locked DR-region vault '
        + '(vaultLock in cdk.json), which the workload account cannot touch. A lock here would keep points the workload '
        + 'team must be able to remove without protecting anything the locked copies do not.',
    });
    if (config.alarms.email) {
      this.vault.addFailureEmail('FailureEmail', config.alarms.email);
    }

    const drVault = BackupVault.fromBackupVaultAttributes(this, 'DrVault', {
      backupVaultArn: `arn:${this.partition}:backup:${config.backup.drRegion}:${config.backup.account}:backup-vault:${names.drVault}`,
      vaultLock: vaultLock(config),
    });
    this.plan = new RecoveryPlan(this, 'Plan', {
      backupPlanName: `${config.namePrefix}-${config.tier.toLowerCase()}`,
      backupVault: this.vault,
      tier: tierByName(config.tier),
      selection: { resourceArns: config.databases.map((db) => db.arn) },
    });
    // The Daily, Weekly and Monthly recovery points go to the backup account twice: to the central vault in this region
    // and to the DR-region vault, each in one copy action (AWS Backup copies RDS, Aurora, DocumentDB and Neptune
    // snapshots across account and region in one action since November 2025). A copy keeps its recovery point as long
    // as the rule does (copyRetentionDays at least), so the workload vault, which an administrator of the workload
    // account can empty, holds nothing the backup account does not. AWS Backup runs only the longest-retention rule when
    // their windows coincide, so every one of the three is copied.
    const airGapped = config.airGappedVault && AirGappedVault.fromAirGappedVaultAttributes(this, 'AirGappedVault', {
      backupVaultArn: `arn:${this.partition}:backup:${config.backup.region}:${config.backup.account}:backup-vault:${names.airGappedVault}`,
      minRetention: Duration.days(config.airGappedVault.minRetentionDays),
      maxRetention: Duration.days(config.airGappedVault.maxRetentionDays),
    });
    for (const rule of this.plan.rules.filter((r) => COPIED_RULES.includes(r.ruleName))) {
      const deleteAfter = Duration.days(Math.max(config.copyRetentionDays, rule.deleteAfter?.toDays() ?? 0));
      for (const destinationBackupVault of airGapped ? [central, drVault, airGapped] : [central, drVault]) {
        this.plan.addCopy({ destinationBackupVault, deleteAfter, ruleNames: [rule.ruleName] });
      }
    }
    if (config.databases.every((db) => db.kmsKeyArn !== undefined)) {
      Annotations.of(this.plan).acknowledgeWarning('cdk-backup-dr:RecoveryPlan.crossAccountRdsKey',
        'cdk.json names the customer-managed key of every database (databases[].kmsKeyArn); its key policy must allow the backup account');
    }

    if (!config.databases.some((db) => db.drill)) {
      // Drills are optional in cdk.json; without one, the DR pack's finding is acknowledged here and the synth says so.
      const why = 'no database of the backup-dr config has a drill block, so no restore of the plan\'s recovery points is proven on a '
        + 'schedule (the dump verification proves the dumps only); add databases[].drill to prove them';
      Validations.of(this.plan).acknowledge({ id: 'BackupDR-RestoreDrillValidated', reason: why });
      Annotations.of(this).addWarningV2('cdk-backup-dr:WorkloadStack.noDrill', why);
    }
    this.replications = this.createAppBuckets(config);
    // The databases with a dump block are watched in their own nested stacks; the others (AWS Backup only) here.
    this.alarms = new BackupAlarms(this, 'Alarms', {
      ...alarmTuning(config),
      email: config.alarms.email,
      vaults: [this.vault],
      databases: config.databases.filter((db) => !hasDump(db)).map((db) => watchDatabase(this, `Db-${db.name}`, db)),
      replications: this.replications.map((rule, i) => ({
        name: config.appBuckets[i].name,
        failedOperations: rule.metricOperationsFailedReplication(),
        latency: rule.metricReplicationLatency(),
      })),
    });
    this.databaseStacks = this.createDatabaseStacks(config);
    this.rpoWatches = this.createRpoWatches(config);
    [this.auditFramework, this.auditReports] = this.createAudit(config);
  }

  /**
   * Backup Audit Manager: a framework whose controls the plan and its tier promise (frequency and retention, manual
   * deletion, encryption, cross-account and cross-region copies, the last recovery point's age, restore time), and
   * report plans delivering its compliance report and the backup, copy and restore job reports, in CSV and JSON, to a
   * bucket of this account (AWS Backup delivers reports only to the account and region of the report plan). Reports
   * are audit evidence: Object Lock keeps each one a year.
   */
  private createAudit(config: BackupDrConfig): [BackupAuditFramework, s3.Bucket] {
    const prefix = config.namePrefix.replace(/-/g, '_');
    const framework = new BackupAuditFramework(this, 'AuditFramework', {
      frameworkName: `${prefix}_${config.tier.toLowerCase()}`,
      description: `What plan ${config.namePrefix}-${config.tier.toLowerCase()} promises, evaluated by AWS Backup Audit Manager`,
      plan: this.plan,
      // The plan selects the configured databases: the resource controls judge those types only, not the account's
      // buckets (which replication and Object Lock protect) nor the audit reports' own bucket.
      derivedControlScope: { resourceTypes: [...new Set(config.databases.map((db) => (/:cluster:/.test(db.arn) ? 'Aurora' : 'RDS')))] },
    });
    const key = new kms.Key(this, 'AuditReportsKey', { description: 'Encrypts the AWS Backup audit reports', enableKeyRotation: true });
    const bucket = new s3.Bucket(this, 'AuditReports', {
      ...privateKmsBucket(key),
      objectLockEnabled: true,
      objectLockDefaultRetention: s3.ObjectLockRetention.governance(Duration.days(365)),
      lifecycleRules: [{ expiration: Duration.days(400), noncurrentVersionExpiration: Duration.days(400) }],
      serverAccessLogsBucket: accessLogBucket(this, 'AuditReportsAccessLogs'),
      serverAccessLogsPrefix: 'audit-reports/',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    BackupCoverage.exempt(bucket, 'Audit evidence that AWS Backup writes from its own job and compliance history, not application '
      + 'data to recover; Object Lock keeps each report a year in this account');
    for (const pack of ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321']) {
      Validations.of(bucket).acknowledge({
        id: `${pack}-S3BucketReplicationEnabled`,
        reason: 'Audit reports that AWS Backup writes from its own job and compliance history; Object Lock keeps each for a year, and a lost report is written again by the next run',
      });
    }
    const reports: Array<[string, ReportTemplate]> = [
      ['Compliance', ReportTemplate.CONTROL_COMPLIANCE_REPORT],
      ['BackupJobs', ReportTemplate.BACKUP_JOB_REPORT],
      ['CopyJobs', ReportTemplate.COPY_JOB_REPORT],
      ['RestoreJobs', ReportTemplate.RESTORE_JOB_REPORT],
    ];
    for (const [name, template] of reports) {
      new BackupReportPlan(this, `${name}Report`, {
        reportPlanName: `${prefix}_${name.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase()}`,
        bucket,
        keyPrefix: 'backup-reports',
        formats: [ReportFormat.CSV, ReportFormat.JSON],
        template,
        frameworks: template === ReportTemplate.CONTROL_COMPLIANCE_REPORT ? [framework] : undefined,
      });
    }
    return [framework, bucket];
  }

  /**
   * `RpoWatch`es over every configured database, at the tier's RPO, notifying the alarm topic: RPO_WATCH_CHUNK
   * databases each (a Lambda environment holds about 59 of them). They run in the network of the first database with a
   * `dump` block, the only network the config gives; without one there is no watch, and the synth says so.
   */
  private createRpoWatches(config: BackupDrConfig): RpoWatch[] {
    const network = config.databases.find(hasDump)?.dump;
    if (!network) {
      Annotations.of(this).addInfoV2('cdk-backup-dr:WorkloadStack.noRpoWatch',
        'no database has a dump block, so the config gives no network for the RPO watch: the RPO is not measured');
      return [];
    }
    const vpc = jobVpc(this, 'RpoWatchVpc', network);
    const rpo = tierByName(config.tier).rpo;
    const watches: RpoWatch[] = [];
    for (let i = 0; i < config.databases.length; i += RPO_WATCH_CHUNK) {
      const chunk = config.databases.slice(i, i + RPO_WATCH_CHUNK);
      // The alarms of databases with a dump block are in their nested stacks; the others' here.
      watches.push(new RpoWatch(this, `RpoWatch${watches.length + 1}`, {
        vpc,
        vpcSubnets: { subnets: vpc.privateSubnets },
        databases: chunk.map((db) => ({ databaseName: db.name, databaseArn: db.arn, rpo })),
        createAlarms: false,
        logEncryptionKey: this.jobLogsKey,
      }));
      for (const db of chunk.filter((d) => !hasDump(d))) {
        RpoWatch.lagAlarm(this, `RpoLag-${db.name}`, { databaseName: db.name, rpo, alarmTopic: this.alarms.topic });
      }
    }
    return watches;
  }

  /**
   * A `DatabaseStack` (nested) per database with a `dump` block: its jobs and alarms. One KMS key here encrypts the
   * log groups of every job. The dashboard of `alarms` shows the state of every database alarm, 100 alarms a widget.
   */
  private createDatabaseStacks(config: BackupDrConfig): DatabaseStack[] {
    const dumped = config.databases.filter(hasDump);
    if (dumped.length === 0) {
      return [];
    }
    const logKey = this.jobLogsKey ??= new kms.Key(this, 'JobLogsKey', {
      description: 'Encrypts the log groups of the pg_dump and verify jobs',
      enableKeyRotation: true,
    });
    const stacks = dumped.map((database) => new DatabaseStack(this, `Database-${database.name}`, {
      config,
      database,
      alarmTopic: this.alarms.topic,
      logEncryptionKey: logKey,
      backupVault: this.vault,
    }));
    // The database stacks name their alarms (`<namePrefix>-<database>-<Alarm>`), so the dashboard lists them by
    // ARN: a reference to the alarm resource would add an output per alarm to its stack and a GetAtt of it here.
    const known = new Construct(this, 'DatabaseAlarms');
    const alarms = stacks.flatMap((stack) => stack.alarms.alarms.map((alarm) => {
      const name = (alarm.node.defaultChild as cloudwatch.CfnAlarm).alarmName!;
      return cloudwatch.Alarm.fromAlarmName(known, name, name);
    }));
    for (let i = 0; i < alarms.length; i += ALARMS_PER_STATUS_WIDGET) {
      const chunk = alarms.slice(i, i + ALARMS_PER_STATUS_WIDGET);
      this.alarms.dashboard?.addWidgets(new cloudwatch.AlarmStatusWidget({
        title: alarms.length > ALARMS_PER_STATUS_WIDGET ? `Database alarms ${i + 1}-${i + chunk.length}` : 'Database alarms',
        alarms: chunk,
        width: 24,
        height: Math.min(12, 2 + Math.ceil(chunk.length / 4)),
      }));
    }
    return stacks;
  }

  /**
   * The application buckets (versioned, SSE-KMS, logged) and their replication to `<name>-dr` in the
   * backup account's DR region, with replication time control. The replica key is named by its alias
   * ARN, the only name of it this account can know.
   */
  private createAppBuckets(config: BackupDrConfig): ReplicationRule[] {
    if (config.appBuckets.length === 0) {
      return [];
    }
    const key = new kms.Key(this, 'AppBucketsKey', {
      description: 'Encrypts the application buckets of the workload account',
      enableKeyRotation: true,
    });
    const accessLogs = accessLogBucket(this, 'AppBucketsAccessLogs');
    const { backup } = config;
    return config.appBuckets.map((app) => {
      const bucket = new s3.Bucket(this, `AppBucket-${app.name}`, {
        bucketName: app.name,
        ...privateKmsBucket(key),
        serverAccessLogsBucket: accessLogs,
        serverAccessLogsPrefix: `${app.name}/`,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      const replica = replicaBucketName(app);
      return new ReplicationRule(this, `Replication-${app.name}`, {
        sourceBucket: bucket,
        destination: ReplicationDestination.fromAttributes({
          bucketArn: `arn:${this.partition}:s3:::${replica}`,
          account: backup.account,
          region: backup.drRegion,
          encryptionKeyArn: `arn:${this.partition}:kms:${backup.drRegion}:${backup.account}:alias/${replica}`,
          objectLockEnabled: true,
        }),
        replicationTime: true,
      });
    });
  }
}

/** Physical name of an application bucket's replica in the backup account's DR region. */
export function replicaBucketName(app: AppBucketConfig): string {
  return `${app.name}-dr`;
}

/** A versioned, private, TLS-only bucket encrypted with `key` (and a bucket key). */
function privateKmsBucket(key: kms.IKey): s3.BucketProps {
  return {
    versioned: true,
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: key,
    bucketKeyEnabled: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    enforceSSL: true,
  };
}

/** A bucket that receives server access logs: SSE-S3 (the only encryption log delivery supports), kept a year. */
function accessLogBucket(scope: Construct, id: string): s3.Bucket {
  const accessLogs = new s3.Bucket(scope, id, {
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    enforceSSL: true,
    versioned: true,
    lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(1) }],
  });
  acknowledgeAccessLogBucket(accessLogs);
  return accessLogs;
}

function acknowledgeAccessLogBucket(accessLogs: s3.Bucket): void {
  for (const pack of ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321']) {
    Validations.of(accessLogs).acknowledge({
      id: `${pack}-S3DefaultEncryptionKMS`,
      reason: 'S3 server access log delivery supports only SSE-S3 on the target bucket; the logs hold request metadata, not application data',
    });
    Validations.of(accessLogs).acknowledge({
      id: `${pack}-S3BucketReplicationEnabled`,
      reason: 'Access logs are an audit trail of the application buckets, not data to recover; they are not replicated',
    });
  }
}


/** Builds the reference app's stacks from the `backup-dr` context and registers the cdk-nag packs. */
export function buildReferenceApp(app: App): void {
  const config = parseConfig(app.node.tryGetContext(CONTEXT_KEY), additionalRegions(app));
  const backup = new BackupAccountStack(app, 'BackupDr-Backup', {
    config,
    drRegion: false,
    env: { account: config.backup.account, region: config.backup.region },
    description: 'cdk-backup-dr backup account: locked vault and pg_dump bucket',
  });
  const drRegion = new BackupAccountStack(app, 'BackupDr-BackupDrRegion', {
    config,
    drRegion: true,
    env: { account: config.backup.account, region: config.backup.drRegion },
    description: 'cdk-backup-dr backup account, DR region: locked vault',
  });
  const workload = new WorkloadStack(app, 'BackupDr-Workload', {
    config,
    env: { account: config.workload.account, region: config.workload.region },
    description: 'cdk-backup-dr workload account: local vault, recovery plan copying to the backup account, a nested stack of jobs and alarms per dumped database',
  });
  if (config.guardrails) {
    const guardrails = new Stack(app, 'BackupDr-Guardrails', {
      env: { account: config.guardrails.managementAccount, region: config.backup.region },
      description: 'cdk-backup-dr management account: the service control policy guarding the backup account\'s break-glass and CloudFormation roles',
    });
    new BackupGuardrails(guardrails, 'Guardrails', {
      targetIds: [config.backup.account],
      breakGlassRoleName: config.backup.breakGlassRoleArn?.split(':role/')[1],
      // The dump replica accepts writes from the replication role alone: nobody may take it over or pass it.
      protectedRoleNames: [backup.dumpReplication!.replicationRoleArn.split(':role/')[1]],
      protectedResourceShareNames: backup.airGappedVault?.resourceShareName ? [backup.airGappedVault.resourceShareName] : undefined,
      deployers: config.guardrails.deployers,
      roleAdministrators: config.guardrails.roleAdministrators,
      policyName: `${config.namePrefix}-guardrails`,
    });
  } else {
    Annotations.of(backup).addInfoV2('cdk-backup-dr:BackupAccountStack.noGuardrails',
      'no guardrails in the backup-dr config: an administrator of the backup account could take over the break-glass role or ' +
        'CloudFormation\'s role, which the key, vault and bucket policies except; set guardrails.managementAccount to deploy ' +
        'the service control policy that prevents it');
  }
  drRegion.dumpReplica!.acceptReplicationFrom(backup.dumpReplication!);
  backup.addStackDependency(drRegion, 'the dump bucket replicates to its replica in the DR region');
  workload.replications.forEach((rule, i) => {
    drRegion.appReplicas.get(config.appBuckets[i].name)!.acceptReplicationFrom(rule);
  });
  // Deploy order: S3 checks a replication destination when the configuration is written, and the plan's
  // copies and the jobs' dumps need the backup account's vault and bucket. `cdk deploy --all` follows it.
  workload.addStackDependency(drRegion, 'the replication destination buckets and their key policies must exist');
  workload.addStackDependency(backup, 'the central vault and the dump bucket must exist');
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app),
    new HIPAASecurityChecks(app),
    new NIST80053R5Checks(app),
    new PCIDSS321Checks(app),
    new ServerlessChecks(app),
    new BackupDrChecks(app),
  );
  // Every data store of the app is protected for at least a week, or exempt with its reason.
  BackupCoverage.check(app);
}
