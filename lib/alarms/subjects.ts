import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as docdb from 'aws-cdk-lib/aws-docdb';
import * as rds from 'aws-cdk-lib/aws-rds';
import { IBackupVault } from '../vault';
import { DatabaseWatch, ReplicationWatch } from './watches';

// What the alarm families watch. Each subject knows where its alarms go in the construct tree (`path`, the ids under
// BackupAlarms), the name in their physical names (`name`) and the label of its line on the dashboard (`label`).

interface SubjectBase {
  /** Construct ids from the BackupAlarms down to the alarm's parent, e.g. `['Database-orders', 'Replica-R']`. */
  readonly path: readonly string[];
  /** The subject in physical alarm names: `<alarmNamePrefix>-<name>-<AlarmId>`. */
  readonly name: string;
  /** The subject's line on the dashboard. */
  readonly label: string;
}

/** An AWS Backup vault. */
export interface VaultSubject extends SubjectBase {
  readonly vault: IBackupVault;
}

/** A database, through the job metrics of its dumps and verifications. */
export interface DatabaseSubject extends SubjectBase {
  readonly database: string;
  readonly hasDumpJob: boolean;
  readonly hasVerifyJob: boolean;
  /** The database's RTO in seconds (`DatabaseWatch.rto`); no restore-time alarm without it. */
  readonly rtoSeconds?: number;
}

/** An RDS DB instance that holds a database, or one of its read replicas. */
export interface InstanceSubject extends SubjectBase {
  readonly database: string;
  readonly instance: rds.IDatabaseInstance;
  readonly replica: boolean;
}

/** An Aurora or DocumentDB cluster, through its billed backup storage. */
export interface ClusterSubject extends SubjectBase {
  readonly database: string;
  readonly kind: 'Aurora cluster' | 'DocumentDB cluster';
  readonly identifier: string;
  readonly metric: (options: cloudwatch.MetricOptions) => cloudwatch.IMetric;
  /** `maxBackupStorage` in bytes; no alarm without it. */
  readonly maxBytes?: number;
}

/** An S3 replication, through the metrics it was given. */
export interface ReplicationSubject extends SubjectBase {
  readonly replication: ReplicationWatch;
}

/** Every kind of subject, by the name the family table uses. */
export interface Subjects {
  readonly vault: VaultSubject;
  readonly database: DatabaseSubject;
  readonly instance: InstanceSubject;
  readonly cluster: ClusterSubject;
  readonly replication: ReplicationSubject;
}

export type SubjectKind = keyof Subjects;

/** A subject with its kind, in the order its alarms are created. */
export type AnySubject = { [K in SubjectKind]: { readonly kind: K; readonly subject: Subjects[K] } }[SubjectKind];

/** Whether a `PgDumpJob` dumps the database: `hasDumpJob`, by default true except for a DocumentDB cluster. */
export function hasDumpJobOf(db: DatabaseWatch): boolean {
  return db.hasDumpJob ?? db.documentDbCluster === undefined;
}

/** Whether a `DumpVerifyJob` verifies the database's dumps: `hasVerifyJob`, by default as `hasDumpJobOf`. */
export function hasVerifyJobOf(db: DatabaseWatch): boolean {
  return db.hasVerifyJob ?? hasDumpJobOf(db);
}

/**
 * The subjects of the watched vaults, databases and replications, in the order their alarms are created: vaults;
 * then per database its job metrics, its instance, each read replica and its cluster; then replications.
 */
export function subjectsOf(
  vaults: readonly IBackupVault[],
  databases: readonly DatabaseWatch[],
  replications: readonly ReplicationWatch[],
): AnySubject[] {
  const subjects: AnySubject[] = [];
  labelVaults(vaults).forEach((label, i) => subjects.push({
    kind: 'vault',
    subject: { path: [`Vault-${label}`], name: label, label, vault: vaults[i] },
  }));
  for (const db of databases) {
    const name = db.name;
    const path = [`Database-${name}`];
    subjects.push({
      kind: 'database',
      subject: { path, name, label: name, database: name, hasDumpJob: hasDumpJobOf(db), hasVerifyJob: hasVerifyJobOf(db), rtoSeconds: db.rto?.toSeconds() },
    });
    if (db.databaseInstance) {
      subjects.push({ kind: 'instance', subject: { path, name, label: name, database: name, instance: db.databaseInstance, replica: false } });
    }
    for (const replica of db.readReplicas ?? []) {
      subjects.push({
        kind: 'instance',
        subject: {
          path: [...path, `Replica-${replica.node.id}`],
          name: `${name}-${replica.node.id}`,
          label: `${name} ${replica.node.id}`,
          database: name,
          instance: replica,
          replica: true,
        },
      });
    }
    const cluster = clusterOf(db);
    if (cluster) {
      subjects.push({ kind: 'cluster', subject: { path, name, label: name, database: name, ...cluster } });
    }
  }
  for (const replication of replications) {
    subjects.push({
      kind: 'replication',
      subject: { path: [`Replication-${replication.name}`], name: replication.name, label: replication.name, replication },
    });
  }
  return subjects;
}

function clusterOf(db: DatabaseWatch): Omit<ClusterSubject, keyof SubjectBase | 'database'> | undefined {
  const maxBytes = db.maxBackupStorage?.toBytes();
  if (db.databaseCluster) {
    const cluster = db.databaseCluster;
    return {
      kind: 'Aurora cluster',
      identifier: cluster.clusterIdentifier,
      metric: (options) => cluster.metricTotalBackupStorageBilled(options),
      maxBytes,
    };
  }
  if (db.documentDbCluster) {
    const cluster = db.documentDbCluster;
    return {
      kind: 'DocumentDB cluster',
      identifier: cluster.clusterIdentifier,
      metric: (options) => docdbTotalBackupStorageBilled(cluster, options),
      maxBytes,
    };
  }
  return undefined;
}

/**
 * The names of the vaults in construct ids, alarm names and graph labels: the vault name when it is known at synth
 * time, else the construct id; the construct path (with '/' as '-') for a construct id that another vault's label
 * already uses.
 */
function labelVaults(vaults: readonly IBackupVault[]): string[] {
  const preferred = vaults.map((v) => (Token.isUnresolved(v.backupVaultName) ? v.node.id : v.backupVaultName));
  return preferred.map((label, i) => {
    const shared = preferred.some((other, j) => j !== i && other === label);
    return shared && Token.isUnresolved(vaults[i].backupVaultName) ? vaults[i].node.path.replace(/\//g, '-') : label;
  });
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

/** One day: the period of the billed-backup-storage metrics, which AWS reports daily. */
export const DAILY = Duration.days(1);
