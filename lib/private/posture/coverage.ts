// Is every data store of an app protected, and for how long? For each stateful resource: the backup plans whose
// selections assign it, its own backups (automated backups, PITR, snapshots, Object Lock), the pg_dump jobs that dump it;
// then what is missing against a minimum retention. Shared by the BackupCoverage aspect and the report.
import { AppIndex, EXEMPTION_METADATA_KEY, Located } from './app-index';
import { isKnown } from './resolve';
import { governanceBypassDenied } from './rules/backup-bucket';
import { sameEnvironment } from './rules/rule';
import { selects } from './selection';
import { arnForms, bucketArnForms, NativeBackup, nativeBackups, StoreType, storeType, STORE_TYPES } from './stores';
import { tagsOf } from './template';

export interface CoverageOptions {
  /** The shortest history a store's protection must keep, in days. */
  readonly minimumRetentionDays: number;
  /** Whether buckets that only receive server access logs are checked too. */
  readonly includeLogBuckets: boolean;
}

/**
 * The types AWS Backup's continuous backup (point-in-time restore) covers: RDS, Aurora and S3; for the others a
 * continuous rule takes snapshots on its schedule.
 */
export const CONTINUOUS_BACKUP_TYPES = ['AWS::RDS::DBInstance', 'AWS::RDS::DBCluster', 'AWS::S3::Bucket'];

/** The shortest reason an exemption may give. */
export const MIN_EXEMPTION_REASON = 10;

export const DEFAULT_COVERAGE: CoverageOptions = { minimumRetentionDays: 7, includeLogBuckets: false };

export type ProtectionKind = 'backup-plan' | 'native' | 'dump';

export interface Protection {
  readonly kind: ProtectionKind;
  /** "plan app-team (Daily, Weekly), by its ARN" */
  readonly description: string;
  /** Days of history it keeps; undefined: it keeps no history (replication) or the template does not say (kept). */
  readonly retentionDays?: number;
  /** Whether the history is kept without expiry (a rule without DeleteAfterDays). */
  readonly keptForever?: boolean;
  readonly pointInTime: boolean;
  /** The plan, for a backup-plan protection: its name and its resource. */
  readonly plan?: string;
  readonly planAt?: Located;
}

export interface StoreCoverage {
  readonly at: Located;
  readonly type: StoreType;
  /** The store's role: a bucket that holds backups is itself a copy. */
  readonly role: 'data' | 'backup-bucket' | 'log-bucket';
  readonly protections: readonly Protection[];
  /** Why the store needs no protection (`BackupCoverage.exempt`). */
  readonly exemption?: string;
  /** Why the check skipped it (a log bucket). */
  readonly skipped?: string;
  /** What is missing; empty when the store is covered (or exempt, or skipped). */
  readonly problems: readonly string[];
}

/**
 * Resource tags as strings (values resolved). EFS names its tags FileSystemTags; a DynamoDB global table tags each
 * replica, and the replica of the stack's region is the one a plan there selects.
 */
function resolvedTags(at: Located): Record<string, string> {
  let raw = at.resource.Type === 'AWS::EFS::FileSystem' ? tagsOf(at.resource, 'FileSystemTags') : tagsOf(at.resource);
  if (at.resource.Type === 'AWS::DynamoDB::GlobalTable') {
    const replicas = (at.resource.Properties?.Replicas ?? []) as Array<{ Region?: unknown; Tags?: unknown }>;
    const here = replicas.find((rep) => at.r.resolve(rep.Region) === at.stack.region) ?? replicas[0];
    raw = here ? tagsOf({ Type: at.resource.Type, Properties: { Tags: here.Tags } }) : {};
  }
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, at.r.resolve(v) ?? '']));
}

function days(n: number): string {
  return `${n} day${n === 1 ? '' : 's'}`;
}

/** The database (by logical id, in its stack) each secret belongs to, from the app's secret attachments. */
function secretOwners(index: AppIndex): Map<string, Located> {
  const owners = new Map<string, Located>();
  for (const attachment of index.ofType('AWS::SecretsManager::SecretTargetAttachment')) {
    const db = index.referenced(attachment, attachment.resource.Properties?.TargetId);
    if (!db) continue;
    const secret = attachment.r.resolve(attachment.resource.Properties?.SecretId);
    if (secret) owners.set(secret, db);
    owners.set(attachment.r.resolve({ Ref: attachment.logicalId }) as string, db);
  }
  return owners;
}

function planProtections(index: AppIndex, at: Located, forms: string[], tags: Record<string, string>): Protection[] {
  const out: Protection[] = [];
  for (const plan of index.plans) {
    if (!sameEnvironment(plan.at, at)) continue;
    for (const selection of plan.selections) {
      const how = selects(selection, forms, tags);
      if (!how) continue;
      const retained = plan.rules.map((rule) => Math.max(rule.deleteAfterDays ?? Infinity, ...rule.copies.map((c) => c.deleteAfterDays ?? Infinity)));
      const longest = retained.length ? Math.max(...retained) : undefined;
      const copies = plan.rules.flatMap((rule) => rule.copies).map((c) => {
        const where = [c.account && c.account !== plan.at.stack.account ? `account ${c.account}` : undefined,
          c.region && c.region !== plan.at.stack.region ? c.region : undefined].filter(Boolean).join(', ');
        return where || c.vaultName;
      });
      out.push({
        kind: 'backup-plan',
        plan: plan.name,
        planAt: plan.at,
        description: `backup plan ${plan.name} (${plan.rules.map((rule) => rule.name).join(', ')}), by ${how}`
          + (copies.length ? `; copies to ${[...new Set(copies)].join('; ')}` : ''),
        retentionDays: longest === Infinity ? undefined : longest,
        keptForever: longest === Infinity,
        pointInTime: plan.rules.some((rule) => rule.continuous) && CONTINUOUS_BACKUP_TYPES.includes(at.resource.Type),
      });
    }
  }
  return out;
}

function dumpProtections(index: AppIndex, at: Located, owners: Map<string, Located>, coverage: ReadonlyMap<Located, StoreCoverage>): Protection[] {
  return index.dumpJobs.filter((job) => job.secretArn !== undefined && owners.get(job.secretArn) === at).map((job) => {
    const bucket = [...index.backupBuckets].find((b) => b.r.resolve({ Ref: b.logicalId }) === job.bucket);
    const lockDays = bucket ? coverage.get(bucket)?.protections.find((p) => p.retentionDays !== undefined)?.retentionDays : undefined;
    return {
      kind: 'dump' as const,
      description: `pg_dump job ${job.at.path} to bucket ${isKnown(job.bucket) ? job.bucket : 'of this app'}`
        + (lockDays === undefined ? ' (its retention is not in the app: the bucket is not a locked bucket of this app)' : ''),
      retentionDays: lockDays,
      keptForever: false,
      pointInTime: false,
    };
  });
}

/** Object Lock days that count: a GOVERNANCE lock only when the bucket denies s3:BypassGovernanceRetention. */
function lockDays(index: AppIndex, bucket: Located, native: NativeBackup): number | undefined {
  return native.objectLockMode === 'GOVERNANCE' && !governanceBypassDenied(bucket, index) ? undefined : native.retentionDays;
}

/**
 * A store's own backup as protection. Object Lock in GOVERNANCE mode counts only when the bucket denies bypassing it;
 * a replication keeps the shortest Object Lock retention of its destinations, when the app defines them all.
 */
function nativeProtection(index: AppIndex, at: Located, native: NativeBackup): Protection {
  const { replicatedTo, objectLockMode, ...rest } = native;
  if (objectLockMode !== undefined) {
    const days = lockDays(index, at, native);
    return { kind: 'native', ...rest, retentionDays: days, description: days === undefined ? `${rest.description} (GOVERNANCE, and the bucket does not deny s3:BypassGovernanceRetention: not counted)` : rest.description };
  }
  if (!replicatedTo) return { kind: 'native', ...rest };
  const locks = replicatedTo.map((arn) => {
    const bucket = index.ofType('AWS::S3::Bucket').find((b) => bucketArnForms(b.r, b.logicalId).includes(arn));
    const own = bucket ? nativeBackups(bucket.r, bucket.resource).find((p) => p.objectLockMode !== undefined) : undefined;
    return bucket && own ? lockDays(index, bucket, own) : undefined;
  });
  const known = locks.every((d) => d !== undefined) ? Math.min(...(locks as number[])) : undefined;
  return { kind: 'native', ...rest, retentionDays: known, description: known === undefined ? rest.description : `${rest.description} (Object Lock ${days(known)} there)` };
}

function problemsOf(c: Omit<StoreCoverage, 'problems'>, options: CoverageOptions): string[] {
  if (c.exemption !== undefined || c.skipped !== undefined) return [];
  const problems: string[] = [];
  const { type, at, protections } = c;
  if (protections.length === 0) {
    const native = {
      RDS: 'automated backups are off (BackupRetentionPeriod 0)',
      DynamoDB: 'point-in-time recovery is off',
      EFS: 'automatic backups are off',
      ElastiCache: 'automatic snapshots are off (SnapshotRetentionLimit 0)',
      S3: 'it has neither Object Lock with a default retention nor replication',
    }[type.service as string];
    problems.push(`no backup plan selects it (by construct, ARN or tag)${native ? `, ${native}` : ''}, and no dump job dumps it`);
    return problems;
  }
  const kept = protections.filter((p) => p.keptForever || (p.retentionDays ?? 0) >= options.minimumRetentionDays);
  if (kept.length === 0) {
    const known = protections.filter((p) => p.retentionDays !== undefined);
    problems.push(known.length
      ? `its longest-kept protection reaches back ${days(Math.max(...known.map((p) => p.retentionDays as number)))}, less than the required ${days(options.minimumRetentionDays)}`
      : `none of its protections keeps a history the app can show (${protections.map((p) => p.description).join('; ')}), and ${days(options.minimumRetentionDays)} are required`);
  }
  if (type.service === 'S3' && protections.some((p) => p.kind === 'backup-plan')
    && at.r.resolve(((at.resource.Properties?.VersioningConfiguration ?? {}) as Record<string, unknown>).Status) !== 'Enabled') {
    problems.push('AWS Backup backs up S3 buckets only with versioning on, and this bucket has it off');
  }
  return problems;
}

/** The coverage of every data store of the app, in template order. */
export function assessCoverage(index: AppIndex, options: CoverageOptions = DEFAULT_COVERAGE): StoreCoverage[] {
  const owners = secretOwners(index);
  const result = new Map<Located, StoreCoverage>();
  const stores = index.resources.filter((at) => storeType(at.resource) !== undefined);
  // Backup buckets first: a dump's retention is its bucket's.
  const ordered = [...stores.filter((at) => index.backupBuckets.has(at)), ...stores.filter((at) => !index.backupBuckets.has(at))];
  for (const at of ordered) {
    const type = storeType(at.resource) as StoreType;
    const forms = arnForms(at.r, at.logicalId, at.resource.Type, at.stack.region ?? '*', at.stack.account ?? '*');
    const tags = resolvedTags(at);
    const role = index.backupBuckets.has(at) ? 'backup-bucket' : index.logBuckets.has(at) ? 'log-bucket' : 'data';
    // An exemption counts only with a reason (BackupCoverage.exempt asks for ten characters or more).
    const raw = at.resource.Metadata?.[EXEMPTION_METADATA_KEY];
    const exemption = typeof raw === 'string' && raw.trim().length >= MIN_EXEMPTION_REASON ? raw.trim() : undefined;
    const partial = {
      at, type, role: role as StoreCoverage['role'],
      protections: [
        ...(type.awsBackup ? planProtections(index, at, forms, tags) : []),
        ...nativeBackups(at.r, at.resource).map((n) => nativeProtection(index, at, n)),
        ...dumpProtections(index, at, owners, result),
      ],
      exemption,
      skipped: role === 'log-bucket' && !options.includeLogBuckets ? 'it receives server access logs (includeLogBuckets: false)' : undefined,
    };
    result.set(at, { ...partial, problems: problemsOf(partial, options) });
  }
  return stores.map((at) => result.get(at) as StoreCoverage);
}

/** Whether a CloudFormation type can be a data store (whatever its properties). */
export function isStatefulType(type: string): boolean {
  return STORE_TYPES.some((t) => t.type === type);
}
