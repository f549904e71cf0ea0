// The stateful resources of an app: what holds data that a backup must be able to bring back. For each CloudFormation
// type: whether a resource is a data store of its own (an Aurora instance or a cache node is part of its cluster), how AWS
// Backup and Audit Manager name its service, the ARN forms a backup selection can use for it, and its own backups
// (automated backups, PITR, snapshots) as the template configures them.
import { Resolver } from './resolve';
import { bool, num, TemplateResource } from './template';

/** How AWS Backup (and Audit Manager's control scope) names the service of a resource type. */
export type BackupService = 'RDS' | 'Aurora' | 'DocumentDB' | 'Neptune' | 'DynamoDB' | 'EFS' | 'S3' | 'EBS' | 'FSx' | 'ElastiCache';

export interface StoreType {
  readonly type: string;
  /** Reads like "RDS instance". */
  readonly label: string;
  readonly service: BackupService;
  /** Whether AWS Backup can back it up (ElastiCache: no). */
  readonly awsBackup: boolean;
}

/** Every CloudFormation type that holds data, and how to read it. */
export const STORE_TYPES: readonly StoreType[] = [
  { type: 'AWS::RDS::DBInstance', label: 'RDS instance', service: 'RDS', awsBackup: true },
  { type: 'AWS::RDS::DBCluster', label: 'Aurora cluster', service: 'Aurora', awsBackup: true },
  { type: 'AWS::DocDB::DBCluster', label: 'DocumentDB cluster', service: 'DocumentDB', awsBackup: true },
  { type: 'AWS::Neptune::DBCluster', label: 'Neptune cluster', service: 'Neptune', awsBackup: true },
  { type: 'AWS::DynamoDB::Table', label: 'DynamoDB table', service: 'DynamoDB', awsBackup: true },
  { type: 'AWS::DynamoDB::GlobalTable', label: 'DynamoDB global table', service: 'DynamoDB', awsBackup: true },
  { type: 'AWS::EFS::FileSystem', label: 'EFS file system', service: 'EFS', awsBackup: true },
  { type: 'AWS::S3::Bucket', label: 'S3 bucket', service: 'S3', awsBackup: true },
  { type: 'AWS::EC2::Volume', label: 'EBS volume', service: 'EBS', awsBackup: true },
  { type: 'AWS::FSx::FileSystem', label: 'FSx file system', service: 'FSx', awsBackup: true },
  { type: 'AWS::ElastiCache::ReplicationGroup', label: 'ElastiCache replication group', service: 'ElastiCache', awsBackup: false },
  { type: 'AWS::ElastiCache::CacheCluster', label: 'ElastiCache cluster', service: 'ElastiCache', awsBackup: false },
  { type: 'AWS::ElastiCache::ServerlessCache', label: 'ElastiCache serverless cache', service: 'ElastiCache', awsBackup: false },
];

const BY_TYPE = new Map(STORE_TYPES.map((t) => [t.type, t]));

/** The database types whose own automated backups give point-in-time recovery. */
export const DATABASE_TYPES = ['AWS::RDS::DBInstance', 'AWS::RDS::DBCluster', 'AWS::DocDB::DBCluster', 'AWS::Neptune::DBCluster'];

/** Why a resource of a stateful type is not a data store of its own, or undefined when it is one. */
export function notAStore(resource: TemplateResource): string | undefined {
  const p = resource.Properties ?? {};
  switch (resource.Type) {
    case 'AWS::RDS::DBInstance':
      if (p.DBClusterIdentifier !== undefined) return 'an instance of a cluster: the cluster holds the data';
      if (p.SourceDBInstanceIdentifier !== undefined) return 'a read replica: its source holds the data';
      if (typeof p.Engine === 'string' && p.Engine.startsWith('aurora')) return 'an Aurora instance: its cluster holds the data';
      return undefined;
    case 'AWS::ElastiCache::CacheCluster':
      return p.Engine === 'memcached' ? 'a memcached cluster: memcached keeps no data to back up' : undefined;
    case 'AWS::ElastiCache::ServerlessCache':
      return p.Engine === 'memcached' ? 'a memcached cache: memcached keeps no data to back up' : undefined;
    default:
      return undefined;
  }
}

/** The store type of a resource that is a data store, else undefined. */
export function storeType(resource: TemplateResource): StoreType | undefined {
  const t = BY_TYPE.get(resource.Type);
  return t && notAStore(resource) === undefined ? t : undefined;
}

/**
 * The strings a backup selection may hold for a resource: its `Ref`, its `Arn` attribute and its ARN built from the
 * `Ref`, each resolved (with markers for what synth cannot know).
 */
export function arnForms(r: Resolver, logicalId: string, type: string, region: string, account: string): string[] {
  const ref = r.resolve({ Ref: logicalId }) as string;
  const forms = [ref, r.resolve({ 'Fn::GetAtt': [logicalId, 'Arn'] }) as string];
  const arn = ((): string | undefined => {
    switch (type) {
      case 'AWS::RDS::DBInstance': return `arn:aws:rds:${region}:${account}:db:${ref}`;
      case 'AWS::RDS::DBCluster':
      case 'AWS::DocDB::DBCluster':
      case 'AWS::Neptune::DBCluster': return `arn:aws:rds:${region}:${account}:cluster:${ref}`;
      case 'AWS::DynamoDB::Table':
      case 'AWS::DynamoDB::GlobalTable': return `arn:aws:dynamodb:${region}:${account}:table/${ref}`;
      case 'AWS::EFS::FileSystem': return `arn:aws:elasticfilesystem:${region}:${account}:file-system/${ref}`;
      case 'AWS::S3::Bucket': return `arn:aws:s3:::${ref}`;
      case 'AWS::EC2::Volume': return `arn:aws:ec2:${region}:${account}:volume/${ref}`;
      case 'AWS::FSx::FileSystem': return `arn:aws:fsx:${region}:${account}:file-system/${ref}`;
      case 'AWS::ElastiCache::ReplicationGroup': return `arn:aws:elasticache:${region}:${account}:replicationgroup:${ref}`;
      case 'AWS::ElastiCache::CacheCluster': return `arn:aws:elasticache:${region}:${account}:cluster:${ref}`;
      default: return undefined;
    }
  })();
  if (type === 'AWS::RDS::DBCluster' || type === 'AWS::DocDB::DBCluster' || type === 'AWS::Neptune::DBCluster') {
    forms.push(r.resolve({ 'Fn::GetAtt': [logicalId, 'DBClusterArn'] }) as string);
  }
  if (type === 'AWS::RDS::DBInstance') forms.push(r.resolve({ 'Fn::GetAtt': [logicalId, 'DBInstanceArn'] }) as string);
  return arn ? [arn, ...forms] : forms;
}

/** The two strings a template names a bucket's ARN by: built from its name (`Ref`), and its `Arn` attribute. */
export function bucketArnForms(r: Resolver, logicalId: string): [string, string] {
  return [`arn:aws:s3:::${r.resolve({ Ref: logicalId })}`, r.resolve({ 'Fn::GetAtt': [logicalId, 'Arn'] }) as string];
}

/** A bucket's Object Lock default retention: its mode and days (years counted as 365 days). */
export function objectLockRetention(r: Resolver, bucket: TemplateResource): { mode?: string; days?: number } {
  const retention = ((bucket.Properties?.ObjectLockConfiguration ?? {}) as { Rule?: { DefaultRetention?: { Mode?: unknown; Days?: unknown; Years?: unknown } } })
    .Rule?.DefaultRetention;
  const years = num(retention?.Years);
  return { mode: r.resolve(retention?.Mode), days: num(retention?.Days) ?? (years === undefined ? undefined : years * 365) };
}

/** A store's own backups, as the template configures them (what works without any backup plan). */
export interface NativeBackup {
  /** What it is, for a report: "automated backups, 7 days (point-in-time recovery)". */
  readonly description: string;
  /** Days the store's own backups reach back; undefined when they keep no history (S3 replication). */
  readonly retentionDays?: number;
  /** Whether it restores to any second inside its window. */
  readonly pointInTime: boolean;
  /** S3 replication: the destination bucket ARNs (their own retention is the history this protection keeps). */
  readonly replicatedTo?: readonly string[];
  /** S3 Object Lock: its mode (GOVERNANCE yields to s3:BypassGovernanceRetention unless the bucket denies it). */
  readonly objectLockMode?: string;
}

/**
 * The store's own backups. RDS keeps 1 day when BackupRetentionPeriod is unset (CloudFormation's default), a DocumentDB
 * or Neptune cluster 1 day too; 0 turns an instance's automated backups off.
 */
export function nativeBackups(r: Resolver, resource: TemplateResource): NativeBackup[] {
  const p = resource.Properties ?? {};
  const out: NativeBackup[] = [];
  switch (resource.Type) {
    case 'AWS::RDS::DBInstance':
    case 'AWS::RDS::DBCluster':
    case 'AWS::DocDB::DBCluster':
    case 'AWS::Neptune::DBCluster': {
      const days = num(p.BackupRetentionPeriod) ?? 1;
      if (days > 0) out.push({ description: `automated backups, ${days} day(s) (point-in-time recovery)`, retentionDays: days, pointInTime: true });
      break;
    }
    case 'AWS::DynamoDB::Table': {
      const spec = (p.PointInTimeRecoverySpecification ?? {}) as Record<string, unknown>;
      if (bool(spec.PointInTimeRecoveryEnabled)) {
        const days = num(spec.RecoveryPeriodInDays) ?? 35;
        out.push({ description: `point-in-time recovery, ${days} day(s)`, retentionDays: days, pointInTime: true });
      }
      break;
    }
    case 'AWS::DynamoDB::GlobalTable': {
      const replicas = (p.Replicas ?? []) as Array<Record<string, unknown>>;
      const withPitr = replicas.filter((rep) => bool(((rep.PointInTimeRecoverySpecification ?? {}) as Record<string, unknown>).PointInTimeRecoveryEnabled));
      if (replicas.length > 0 && withPitr.length === replicas.length) {
        const days = Math.min(...withPitr.map((rep) => num(((rep.PointInTimeRecoverySpecification ?? {}) as Record<string, unknown>).RecoveryPeriodInDays) ?? 35));
        out.push({ description: `point-in-time recovery on every replica, ${days} day(s)`, retentionDays: days, pointInTime: true });
      }
      break;
    }
    case 'AWS::EFS::FileSystem': {
      const status = r.resolve(((p.BackupPolicy ?? {}) as Record<string, unknown>).Status);
      // EFS automatic backups: AWS Backup's default plan, daily, kept 35 days.
      if (status === 'ENABLED') out.push({ description: 'EFS automatic backups (daily, kept 35 days)', retentionDays: 35, pointInTime: false });
      break;
    }
    case 'AWS::ElastiCache::ReplicationGroup':
    case 'AWS::ElastiCache::CacheCluster':
    case 'AWS::ElastiCache::ServerlessCache': {
      const days = num(p.SnapshotRetentionLimit) ?? 0;
      if (days > 0) out.push({ description: `automatic snapshots, ${days} day(s)`, retentionDays: days, pointInTime: false });
      break;
    }
    case 'AWS::S3::Bucket': {
      const { mode, days } = objectLockRetention(r, resource);
      if (bool(p.ObjectLockEnabled) && days !== undefined) {
        out.push({ description: `Object Lock ${mode ?? ''} ${days} day(s) on every version`.replace('  ', ' '), retentionDays: days, pointInTime: false, objectLockMode: mode });
      }
      const rules = ((p.ReplicationConfiguration ?? {}) as { Rules?: Array<Record<string, unknown>> }).Rules ?? [];
      // Only a rule without a filter (or with an empty prefix) replicates the whole bucket; a prefix or tag filter
      // leaves the rest of it without a copy.
      const whole = (rule: Record<string, unknown>) => {
        const filter = rule.Filter as { Prefix?: unknown; Tag?: unknown; And?: unknown } | undefined;
        const prefix = filter ? filter.Prefix : rule.Prefix;
        return (prefix === undefined || prefix === '') && filter?.Tag === undefined && filter?.And === undefined;
      };
      const replicated = rules.filter((rule) => r.resolve(rule.Status) !== 'Disabled' && whole(rule));
      const destinations = replicated.map((rule) => r.resolve(((rule.Destination ?? {}) as Record<string, unknown>).Bucket) ?? '');
      if (replicated.length > 0) out.push({ description: `replicated to ${destinations.join(', ')}`, pointInTime: false, replicatedTo: destinations });
      break;
    }
    default:
      break;
  }
  return out;
}
