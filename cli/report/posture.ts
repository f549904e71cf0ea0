// The recovery posture of a synthesized app, for an auditor: per data store how it is protected, how much data each way
// back loses (RPO) and how fast it is declared to come back (RTO), how long each copy is kept, where the copies go and
// who can delete them; the vaults, backup buckets and their keys; the copy flows; and every gap — the coverage check's
// and the DR rules' findings, with the reason when a finding was acknowledged. The same checks the BackupCoverage aspect
// and the BackupDrChecks pack run at synth, run here on templates.
import { ACKNOWLEDGED_METADATA_KEY, AppIndex, buildIndex, Located, vaultLocation } from '../../lib/private/posture/app-index';
import { assessCoverage, CONTINUOUS_BACKUP_TYPES, DEFAULT_COVERAGE, StoreCoverage } from '../../lib/private/posture/coverage';
import { bucketKey, keyGuard, vaultKey } from '../../lib/private/posture/keys';
import { isKnown } from '../../lib/private/posture/resolve';
import { DEFAULT_RULE_OPTIONS, DR_RULES } from '../../lib/private/posture/rules';
import { alarmMetrics, MetricRef } from '../../lib/private/posture/rules/backup-failure-alarm';
import { alarmNotifies } from '../../lib/private/posture/rules/rule';
import { nativeBackups, objectLockRetention } from '../../lib/private/posture/stores';
import { bool, num } from '../../lib/private/posture/template';
import { JOB_METRICS_DATABASE_DIMENSION, JOB_METRICS_NAMESPACE, VERIFY_ENV } from '../../lib/private/job-contract';
import type { AssemblyStack } from '../app/assembly';
import { AppModel, DataStore, readModel } from '../app/model';
import { figuresOf, least, PITR_RPO_SECONDS, scheduleRpoSeconds } from '../runbook/figures';

export interface KeyReport {
  /** Construct path of the key. */
  readonly path: string;
  readonly retained: boolean;
  /** Destruction actions its policy does not deny; empty: it cannot be deleted or disabled except by lifting the guard. */
  readonly deletableBy: readonly string[];
}

export interface LockReport {
  readonly mode: 'governance' | 'compliance' | 'air-gapped';
  readonly minDays?: number;
  readonly maxDays?: number;
  readonly changeableForDays?: number;
}

export interface VaultReport {
  readonly name: string;
  readonly path?: string;
  readonly account?: string;
  readonly region?: string;
  /** Whether the app defines it (else only copies go there). */
  readonly defined: boolean;
  readonly lock?: LockReport;
  readonly key?: KeyReport;
}

export interface BucketReport {
  readonly name: string;
  readonly path: string;
  readonly account?: string;
  readonly region?: string;
  readonly role: 'backup-bucket' | 'data';
  readonly versioning: boolean;
  readonly objectLock?: { readonly mode?: string; readonly days?: number };
  readonly encryption?: string;
  readonly key?: KeyReport;
  /** Buckets the whole bucket replicates to. */
  readonly replicatesTo: readonly string[];
  /** Replications of part of it (a prefix or tag filter): destination and what is copied. */
  readonly replicatesPart: ReadonlyArray<{ readonly bucket: string; readonly filter: string }>;
}

export interface CopyReport {
  /** The plan rule, `replication` or `pg_dump`. */
  readonly via: string;
  readonly to: string;
  readonly account?: string;
  readonly region?: string;
  readonly retentionDays?: number;
  /** The vault lock or Object Lock that holds it there, when the app knows it. */
  readonly lock?: string;
}

export interface StoreReport {
  readonly name: string;
  readonly label: string;
  readonly account?: string;
  readonly region?: string;
  readonly path?: string;
  /** Whether the app defines the store (else its plans or dump jobs name it by ARN or secret). */
  readonly defined: boolean;
  readonly protections: readonly string[];
  readonly rpoSeconds: { readonly sameAccount?: number; readonly otherAccount?: number; readonly otherRegion?: number };
  readonly rto?: { readonly seconds: number; readonly source: string };
  /** Retention per source: a plan rule (with its tier), the PITR window, a dump bucket's Object Lock. */
  readonly retention: ReadonlyArray<{ readonly source: string; readonly days?: number; readonly keptForever?: boolean }>;
  readonly copies: readonly CopyReport[];
  readonly drills: ReadonlyArray<{ readonly name: string; readonly schedule?: string }>;
  /** The alarms that watch it: its backups, dumps, verifications, drills, RPO, storage or replication. */
  readonly alarms: readonly string[];
  readonly exemption?: string;
  /** Whether the coverage check finds it protected for the minimum retention (exempt stores are not). */
  readonly covered: boolean;
  readonly gaps: readonly string[];
}

export interface Finding {
  /** `BackupCoverage` or `BackupDR-<rule>`. */
  readonly rule: string;
  readonly path: string;
  readonly message: string;
  /** The reason given when the finding was acknowledged (it then does not fail synth). */
  readonly acknowledged?: string;
}

export interface Flow {
  readonly kind: 'backup' | 'copy' | 'replication' | 'dump';
  readonly from: string;
  readonly to: string;
  readonly label: string;
}

export interface DiagramNode {
  readonly id: string;
  readonly kind: 'store' | 'vault' | 'bucket';
  readonly label: string;
  readonly account: string;
  readonly region: string;
  readonly detail?: string;
}

export interface Posture {
  readonly title: string;
  readonly stacks: ReadonlyArray<{ readonly name: string; readonly account?: string; readonly region?: string }>;
  readonly summary: {
    readonly dataStores: number;
    readonly protected: number;
    readonly exempt: number;
    readonly withGaps: number;
    readonly findings: number;
    readonly acknowledged: number;
  };
  readonly stores: readonly StoreReport[];
  readonly vaults: readonly VaultReport[];
  readonly buckets: readonly BucketReport[];
  readonly nodes: readonly DiagramNode[];
  readonly flows: readonly Flow[];
  readonly findings: readonly Finding[];
  readonly rules: ReadonlyArray<{ readonly id: string; readonly title: string; readonly explanation: string }>;
}

const UNKNOWN = '?';
const NO_OTHER_ACCOUNT = 'no copy outside its account: a compromise of that account can reach every backup';
const NO_OTHER_REGION = 'no copy outside its region: an outage of the region leaves nothing to restore elsewhere';

/** A name for display: the resolved one, or the construct's own id when it is known only after deploy. */
function display(value: string | undefined, at?: Located): string {
  if (isKnown(value)) return value;
  return at ? `${at.logicalId} (named at deploy)` : 'named at deploy';
}

function keyReport(key: Located | undefined): KeyReport | undefined {
  if (!key) return undefined;
  const guard = keyGuard(key);
  return { path: key.path, retained: guard.retained, deletableBy: guard.allowed };
}

function lockOf(vault: Located): LockReport | undefined {
  const p = vault.resource.Properties ?? {};
  if (vault.resource.Type === 'AWS::Backup::LogicallyAirGappedBackupVault') {
    return { mode: 'air-gapped', minDays: num(p.MinRetentionDays), maxDays: num(p.MaxRetentionDays) };
  }
  const lock = p.LockConfiguration as Record<string, unknown> | undefined;
  if (!lock) return undefined;
  const changeable = num(lock.ChangeableForDays);
  return { mode: changeable === undefined ? 'governance' : 'compliance', minDays: num(lock.MinRetentionDays), maxDays: num(lock.MaxRetentionDays), changeableForDays: changeable };
}

export function objectLockText(lock: { readonly mode?: string; readonly days?: number }): string {
  return ['Object Lock', lock.mode, `${lock.days ?? '?'} d`].filter(Boolean).join(' ');
}

export function lockText(lock: LockReport | undefined): string {
  if (!lock) return 'not locked';
  const range = [lock.minDays !== undefined ? `min ${lock.minDays} d` : undefined, lock.maxDays !== undefined ? `max ${lock.maxDays} d` : undefined].filter(Boolean).join(', ');
  const mode = lock.mode === 'compliance' ? `compliance (immutable after ${lock.changeableForDays} d)` : lock.mode;
  return range ? `${mode}, ${range}` : mode;
}

function vaultsOf(index: AppIndex, model: AppModel): VaultReport[] {
  const defined = [...index.ofType('AWS::Backup::BackupVault'), ...index.ofType('AWS::Backup::LogicallyAirGappedBackupVault')].map((at) => ({
    name: display(at.r.resolve({ Ref: at.logicalId }), at), path: at.path, account: at.stack.account, region: at.stack.region, defined: true,
    lock: lockOf(at), key: keyReport(vaultKey(index, at)),
  }));
  // Copy destinations the app names by ARN only (another account's vaults).
  const external = new Map<string, VaultReport>();
  for (const plan of model.plans) {
    for (const copy of plan.rules.flatMap((r) => r.copies)) {
      const { account, region, name } = vaultLocation(copy.vaultArn);
      if (!name || defined.some((v) => v.name === name && v.account === account && v.region === region)) continue;
      external.set(copy.vaultArn, { name, account, region, defined: false });
    }
  }
  return [...defined, ...external.values()];
}

function bucketsOf(index: AppIndex, coverage: readonly StoreCoverage[]): BucketReport[] {
  return coverage.filter((c) => c.type.service === 'S3' && c.role !== 'log-bucket').map((c) => {
    const p = c.at.resource.Properties ?? {};
    const sse = ((p.BucketEncryption ?? {}) as { ServerSideEncryptionConfiguration?: Array<{ ServerSideEncryptionByDefault?: { SSEAlgorithm?: unknown } }> })
      .ServerSideEncryptionConfiguration?.[0]?.ServerSideEncryptionByDefault?.SSEAlgorithm;
    const replication = nativeBackups(c.at.r, c.at.resource).find((n) => n.replicatedTo)?.replicatedTo ?? [];
    const rules = ((p.ReplicationConfiguration ?? {}) as { Rules?: Array<Record<string, unknown>> }).Rules ?? [];
    const bucketName = (rule: Record<string, unknown>) => (c.at.r.resolve(((rule.Destination ?? {}) as Record<string, unknown>).Bucket) ?? '').replace(/^arn:aws[a-z-]*:s3:::/, '');
    const part = rules.filter((rule) => c.at.r.resolve(rule.Status) !== 'Disabled' && !replication.includes(c.at.r.resolve(((rule.Destination ?? {}) as Record<string, unknown>).Bucket) ?? ''))
      .map((rule) => {
        const filter = (rule.Filter ?? {}) as { Prefix?: unknown };
        const prefix = c.at.r.resolve(filter.Prefix ?? rule.Prefix);
        return { bucket: bucketName(rule), filter: prefix ? `prefix ${prefix}` : 'filtered objects' };
      });
    return {
      name: display(c.at.r.resolve({ Ref: c.at.logicalId }), c.at), path: c.at.path, account: c.at.stack.account, region: c.at.stack.region,
      role: c.role === 'backup-bucket' ? 'backup-bucket' as const : 'data' as const,
      versioning: c.at.r.resolve((p.VersioningConfiguration as Record<string, unknown> | undefined)?.Status) === 'Enabled',
      objectLock: bool(p.ObjectLockEnabled) ? objectLockRetention(c.at.r, c.at.resource) : undefined,
      encryption: c.at.r.resolve(sse),
      key: keyReport(bucketKey(index, c.at)),
      replicatesTo: replication.map((arn) => arn.replace(/^arn:aws[a-z-]*:s3:::/, '')),
      replicatesPart: part,
    };
  });
}

/** Every finding of the DR rules and the coverage check, acknowledged ones with their reason. */
function findingsOf(index: AppIndex, coverage: readonly StoreCoverage[]): Finding[] {
  const findings: Finding[] = [];
  for (const c of coverage) {
    for (const problem of c.problems) findings.push({ rule: 'BackupCoverage', path: c.at.path, message: `${c.type.label} is not protected: ${problem}` });
  }
  for (const rule of DR_RULES) {
    for (const at of rule.types.flatMap((type) => index.allOfType(type))) {
      const outcome = rule.check(at, { index, options: DEFAULT_RULE_OPTIONS });
      if (outcome.status !== 'non-compliant') continue;
      const acknowledged = (at.resource.Metadata?.[ACKNOWLEDGED_METADATA_KEY] as Record<string, string> | undefined)?.[`BackupDR-${rule.id}`];
      findings.push({ rule: `BackupDR-${rule.id}`, path: at.path, message: `${rule.title} Found: ${outcome.reasons.join('; ')}.`, ...(acknowledged ? { acknowledged } : {}) });
    }
  }
  return findings;
}

/** The alarms whose metrics `watches` accepts, as `<namespace> <metric> (<path>)`, and whether they tell anyone. */
function alarmsWatching(index: AppIndex, watches: (m: MetricRef) => boolean): string[] {
  return index.ofType('AWS::CloudWatch::Alarm').filter((a) => alarmMetrics(a).some(watches)).map((a) => {
    const m = alarmMetrics(a).find(watches) as MetricRef;
    return `${m.namespace} ${m.metricName} (${a.path})${alarmNotifies(a) ? '' : ': no alarm action, tells nobody'}`;
  });
}

interface Verification {
  readonly path: string;
  readonly schedule?: string;
  /** The dumps it restores: bucket and prefix. */
  readonly bucket?: string;
  readonly prefix?: string;
}

/** The dump verification jobs (DumpVerifyJob) of each database by name, with their schedules: a restore proven every run. */
function verificationsOf(index: AppIndex): Map<string, Verification[]> {
  const byDatabase = new Map<string, Verification[]>();
  for (const fn of index.ofType('AWS::Lambda::Function')) {
    const env = ((fn.resource.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables) ?? {};
    const database = fn.r.resolve(env[VERIFY_ENV.DATABASE]);
    if (database === undefined) continue;
    const schedule = index.ofType('AWS::Scheduler::Schedule').find((sc) => sc.stack === fn.stack
      && index.referenced(sc, (sc.resource.Properties?.Target as { Arn?: unknown } | undefined)?.Arn) === fn);
    byDatabase.set(database, [...(byDatabase.get(database) ?? []), {
      path: fn.path, schedule: schedule && schedule.r.resolve(schedule.resource.Properties?.ScheduleExpression),
      bucket: fn.r.resolve(env[VERIFY_ENV.BUCKET]), prefix: fn.r.resolve(env[VERIFY_ENV.PREFIX]),
    }]);
  }
  return byDatabase;
}

function databaseStore(
  index: AppIndex, model: AppModel, store: DataStore, coverage: StoreCoverage | undefined, vaults: readonly VaultReport[], buckets: readonly BucketReport[],
  verifications: ReadonlyMap<string, Verification[]>,
): StoreReport {
  const f = figuresOf(store, model.replicas);
  const vaultLock = (name: string, account?: string, region?: string) => vaults.find((v) => v.name === name && (!account || !v.account || v.account === account) && (!region || !v.region || v.region === region))?.lock;
  const copies: CopyReport[] = [
    ...store.plans.flatMap((p) => p.rules.flatMap((r) => r.copies.map((c) => {
      const lock = vaultLock(c.vaultName, c.account, c.region);
      return { via: `${p.name} / ${r.name}`, to: `vault ${c.vaultName}`, account: c.account, region: c.region, retentionDays: c.deleteAfterDays, lock: lock ? lockText(lock) : undefined };
    }))),
    ...store.dumps.map((d) => {
      const bucket = buckets.find((b) => b.name === d.bucket);
      return {
        via: 'pg_dump', to: `bucket ${d.bucket}`, account: d.bucketOwner ?? d.account, region: d.region, retentionDays: bucket?.objectLock?.days,
        lock: bucket?.objectLock ? objectLockText(bucket.objectLock) : undefined,
      };
    }),
    ...store.dumps.flatMap((d) => model.replicas.filter((rep) => rep.sourceBucket === d.bucket).map((rep) => {
      const bucket = buckets.find((b) => b.name === rep.bucket);
      return {
        via: `replication of ${d.bucket}${rep.rtcMinutes ? ` (RTC ${rep.rtcMinutes} min)` : ''}`, to: `bucket ${rep.bucket}`, account: rep.account, region: rep.region,
        retentionDays: bucket?.objectLock?.days, lock: bucket?.objectLock ? objectLockText(bucket.objectLock) : undefined,
      };
    })),
  ];
  const rto = f.tier ? { seconds: f.tier.rtoSeconds, source: `tier ${f.tier.name}` }
    : store.rtoTargets.length ? { seconds: Math.max(...store.rtoTargets.map((t) => t.seconds)), source: 'restore-time alarm' } : undefined;
  const otherAccount = least(f.otherAccount?.rpoSeconds, f.dumpOtherAccount?.rpoSeconds);
  const otherRegion = least(f.pitrOtherRegion?.rpoSeconds, f.otherRegion?.rpoSeconds, f.dumpOtherRegion?.rpoSeconds);
  const drills = [
    ...store.drills.map((d) => ({ name: d.name, schedule: d.schedule })),
    // A verification of this store's dumps: same database, bucket and prefix (another app's database of the same name
    // writes elsewhere).
    ...(verifications.get(store.name) ?? []).filter((v) => store.dumps.some((d) => d.bucket === v.bucket && d.prefix === (v.prefix ?? '')))
      .map((v) => ({ name: `dump verification (${v.path})`, schedule: v.schedule })),
  ];
  const retention = [
    ...(f.pitr ? [{ source: `point-in-time recovery (${f.pitr.via})`, days: f.pitr.days }] : []),
    ...store.plans.flatMap((p) => p.rules.map((r) => ({
      source: `${p.tier ? `tier ${p.tier.name}, ` : ''}plan ${p.name}, rule ${r.name}${r.continuous ? ' (continuous)' : ''}`, days: r.deleteAfterDays, keptForever: r.deleteAfterDays === undefined,
    }))),
    ...copies.filter((c) => c.via === 'pg_dump').map((c) => ({ source: `dumps in ${c.to}`, days: c.retentionDays })),
  ];
  const gaps = [
    ...(coverage?.problems ?? []),
    ...(otherAccount === undefined ? [NO_OTHER_ACCOUNT] : []),
    ...(otherRegion === undefined ? [NO_OTHER_REGION] : []),
    ...(drills.length === 0 ? ['no restore drill or dump verification restores it on a schedule'] : []),
  ];
  const vaultNames = new Set(store.plans.flatMap((p) => p.rules.map((r) => r.vaultName)));
  const alarms = alarmsWatching(index, (m) => (m.namespace === JOB_METRICS_NAMESPACE && m.dimensions.get(JOB_METRICS_DATABASE_DIMENSION) === store.name)
    || (m.namespace === 'AWS/RDS' && store.identifier !== undefined && [m.dimensions.get('DBInstanceIdentifier'), m.dimensions.get('DBClusterIdentifier')].includes(store.identifier))
    || (m.namespace === 'AWS/Backup' && vaultNames.has(m.dimensions.get('BackupVaultName') ?? '')));
  return {
    name: store.name, label: ({ 'rds-instance': 'RDS instance', 'aurora-cluster': 'Aurora cluster', 'docdb-cluster': 'DocumentDB cluster', 'neptune-cluster': 'Neptune cluster' })[store.kind],
    account: store.account, region: store.region, path: coverage?.at.path, defined: coverage !== undefined,
    protections: coverage ? coverage.protections.map((p) => p.description) : [
      ...store.plans.map((p) => `backup plan ${p.name} (${p.rules.map((r) => r.name).join(', ')}), by its ARN`),
      ...store.dumps.map((d) => `pg_dump to bucket ${d.bucket}`),
      ...(f.pitr ? [`point-in-time recovery (${f.pitr.via}${f.pitr.days ? `, ${f.pitr.days} d` : ', window read at restore'})`] : []),
    ],
    rpoSeconds: { sameAccount: least(f.pitr?.rpoSeconds, f.local?.rpoSeconds, f.dump?.rpoSeconds), otherAccount, otherRegion },
    rto, retention, copies, drills, alarms,
    exemption: coverage?.exemption, gaps,
    covered: coverage ? coverage.exemption === undefined && coverage.problems.length === 0 : store.plans.length + store.dumps.length > 0,
  };
}

/** A store the database model does not cover (S3, DynamoDB, EFS, …): figures from its coverage. */
function otherStore(index: AppIndex, c: StoreCoverage, buckets: readonly BucketReport[]): StoreReport {
  const here = { account: c.at.stack.account, region: c.at.stack.region };
  const plans = index.plans.filter((p) => c.protections.some((prot) => prot.planAt === p.at));
  const continuous = CONTINUOUS_BACKUP_TYPES.includes(c.at.resource.Type);
  const ruleRpos = plans.flatMap((p) => p.rules.map((r) => (r.continuous && continuous ? PITR_RPO_SECONDS : scheduleRpoSeconds(r.schedule, r.startWindowMinutes))));
  const native = nativeBackups(c.at.r, c.at.resource);
  const bucket = buckets.find((b) => b.path === c.at.path);
  const replicas = (bucket?.replicatesTo ?? []).map((name) => buckets.find((b) => b.name === name) ?? { name, account: undefined, region: undefined, objectLock: undefined });
  const copies: CopyReport[] = [
    ...plans.flatMap((p) => p.rules.flatMap((r) => r.copies.map((copy) => ({
      via: `${p.name} / ${r.name}`, to: `vault ${copy.vaultName}`, account: copy.account, region: copy.region, retentionDays: copy.deleteAfterDays,
    })))),
    ...replicas.map((rep) => ({
      via: 'replication', to: `bucket ${rep.name}`, account: rep.account, region: rep.region, retentionDays: rep.objectLock?.days,
      lock: rep.objectLock ? objectLockText(rep.objectLock) : undefined,
    })),
  ];
  const sameAccount = least(...ruleRpos, ...native.map((n) => (n.pointInTime ? PITR_RPO_SECONDS : n.replicatedTo ? undefined : c.type.service === 'S3' ? 0 : 86400)));
  const elsewhere = (pick: (x: { account?: string; region?: string }) => string | undefined, mine?: string) => (mine === undefined ? undefined : least(
    ...plans.flatMap((p) => p.rules.filter((r) => r.copies.some((copy) => pick(copy) !== undefined && pick(copy) !== mine)).map((r) => scheduleRpoSeconds(r.schedule, r.startWindowMinutes))),
    ...replicas.filter((rep) => pick(rep) !== undefined && pick(rep) !== mine).map(() => 15 * 60),
  ));
  const otherAccount = elsewhere((x) => x.account, here.account);
  const otherRegion = elsewhere((x) => x.region, here.region);
  const ref = c.at.r.resolve({ Ref: c.at.logicalId });
  const alarms = alarmsWatching(index, (m) => [...m.dimensions.values()].includes(ref ?? '')
    || (m.namespace === 'AWS/Backup' && plans.some((p) => p.rules.some((r) => r.vaultName === m.dimensions.get('BackupVaultName')))));
  return {
    name: display(c.at.r.resolve({ Ref: c.at.logicalId }), c.at), label: c.type.label, ...here, path: c.at.path, defined: true, alarms,
    protections: c.protections.map((p) => p.description),
    rpoSeconds: { sameAccount, otherAccount, otherRegion },
    retention: c.protections.map((p) => ({ source: p.description, days: p.retentionDays, keptForever: p.keptForever })),
    copies, drills: [], exemption: c.exemption,
    covered: c.exemption === undefined && c.problems.length === 0 && c.protections.length > 0,
    gaps: c.exemption !== undefined ? [] : [
      ...c.problems,
      ...(c.role === 'data' && otherAccount === undefined ? [NO_OTHER_ACCOUNT] : []),
      ...(c.role === 'data' && otherRegion === undefined ? [NO_OTHER_REGION] : []),
    ],
  };
}

function diagram(stores: readonly StoreReport[], vaults: readonly VaultReport[], buckets: readonly BucketReport[], model: AppModel): { nodes: DiagramNode[]; flows: Flow[] } {
  const nodes: DiagramNode[] = [];
  const flows: Flow[] = [];
  const where = (x: { account?: string; region?: string }) => ({ account: x.account ?? UNKNOWN, region: x.region ?? UNKNOWN });
  const storeId = (s: StoreReport) => `store:${s.account}:${s.region}:${s.name}`;
  const vaultId = (name: string, account?: string, region?: string) => `vault:${account ?? UNKNOWN}:${region ?? UNKNOWN}:${name}`;
  const bucketId = (name: string) => `bucket:${name}`;
  for (const s of stores.filter((x) => x.exemption === undefined && !(x.label === 'S3 bucket' && buckets.some((b) => b.path === x.path && b.role === 'backup-bucket')))) {
    nodes.push({ id: storeId(s), kind: 'store', label: s.name, ...where(s), detail: s.label });
  }
  for (const v of vaults) nodes.push({ id: vaultId(v.name, v.account, v.region), kind: 'vault', label: v.name, ...where(v), detail: lockText(v.lock) });
  for (const b of buckets.filter((x) => x.role === 'backup-bucket' || stores.every((s) => s.path !== x.path))) {
    nodes.push({ id: bucketId(b.name), kind: 'bucket', label: b.name, ...where(b), detail: b.objectLock ? objectLockText(b.objectLock) : 'no Object Lock' });
  }
  const has = (id: string) => nodes.some((n) => n.id === id);
  for (const store of model.stores) {
    const s = stores.find((x) => x.name === store.name && x.account === store.account && x.region === store.region);
    if (!s) continue;
    for (const plan of store.plans) {
      for (const rule of plan.rules) {
        const target = vaults.find((v) => v.defined && v.name === rule.vaultName && v.account === plan.account && v.region === plan.region);
        if (target) flows.push({ kind: 'backup', from: storeId(s), to: vaultId(target.name, target.account, target.region), label: `${plan.name}: ${rule.name}` });
        for (const copy of rule.copies) {
          const to = vaultId(copy.vaultName, copy.account, copy.region);
          if (target && has(to)) flows.push({ kind: 'copy', from: vaultId(target.name, target.account, target.region), to, label: `copy ${rule.name}${copy.deleteAfterDays ? `, ${copy.deleteAfterDays} d` : ''}` });
        }
      }
    }
    for (const dump of store.dumps) {
      if (has(bucketId(dump.bucket))) flows.push({ kind: 'dump', from: storeId(s), to: bucketId(dump.bucket), label: 'pg_dump' });
    }
  }
  for (const s of stores.filter((x) => x.label === 'S3 bucket')) {
    for (const c of s.copies.filter((x) => x.via === 'replication')) {
      const to = bucketId(c.to.replace(/^bucket /, ''));
      if (has(storeId(s)) && has(to)) flows.push({ kind: 'replication', from: storeId(s), to, label: 'replication' });
    }
  }
  for (const b of buckets) {
    for (const name of b.replicatesTo) {
      if (has(bucketId(b.name)) && has(bucketId(name))) flows.push({ kind: 'replication', from: bucketId(b.name), to: bucketId(name), label: 'replication' });
    }
    for (const { bucket, filter } of b.replicatesPart) {
      if (has(bucketId(b.name)) && has(bucketId(bucket))) flows.push({ kind: 'replication', from: bucketId(b.name), to: bucketId(bucket), label: `replication (${filter})` });
    }
  }
  // One arrow per pair and kind: the labels of parallel copies are joined.
  const merged = new Map<string, Flow>();
  for (const flow of flows) {
    const key = `${flow.kind}|${flow.from}|${flow.to}`;
    const seen = merged.get(key);
    merged.set(key, seen ? { ...seen, label: seen.label.split('; ').includes(flow.label) ? seen.label : `${seen.label}; ${flow.label}` } : flow);
  }
  return { nodes, flows: [...merged.values()] };
}

/** The recovery posture of the app whose stacks are `stacks`. */
export function readPosture(stacks: readonly AssemblyStack[], title: string): Posture {
  const model = readModel(stacks);
  const index = buildIndex(stacks);
  const coverage = assessCoverage(index, DEFAULT_COVERAGE);
  const vaults = vaultsOf(index, model);
  const buckets = bucketsOf(index, coverage);
  const verifications = verificationsOf(index);
  const dbTypes = ['RDS', 'Aurora', 'DocumentDB', 'Neptune'];
  const coverageOf = (store: DataStore) => coverage.find((c) => dbTypes.includes(c.type.service) && store.arn !== undefined
    && (c.at.r.resolve({ Ref: c.at.logicalId }) === store.identifier) && c.at.stack.region === store.region && c.at.stack.account === store.account);
  const stores = [
    ...model.stores.map((s) => databaseStore(index, model, s, coverageOf(s), vaults, buckets, verifications)),
    ...coverage.filter((c) => !dbTypes.includes(c.type.service) || !model.stores.some((s) => coverageOf(s) === c))
      .filter((c) => c.role === 'data' && c.skipped === undefined)
      .map((c) => otherStore(index, c, buckets)),
  ];
  // A nested stack whose template was not read (template files given without it): its stores are not in the report.
  const unread = index.allOfType('AWS::CloudFormation::Stack').filter((n) => !stacks.some((s) => s.nestedIn?.logicalId === n.logicalId && s.nestedIn.stackName === n.stack.stackName));
  const findings: Finding[] = [
    ...findingsOf(index, coverage),
    ...unread.map((n) => ({ rule: 'BackupCoverage', path: n.path, message: 'a nested stack whose template was not read: its data stores are not in this report; give its template too, or the cloud assembly' })),
  ];
  const { nodes, flows } = diagram(stores, vaults, buckets, model);
  return {
    title,
    stacks: stacks.map((s) => ({ name: s.stackName, account: s.account, region: s.region })),
    summary: {
      dataStores: stores.length,
      protected: stores.filter((s) => s.covered).length,
      exempt: stores.filter((s) => s.exemption !== undefined).length,
      withGaps: stores.filter((s) => s.gaps.length > 0).length,
      findings: findings.filter((f) => f.acknowledged === undefined).length,
      acknowledged: findings.filter((f) => f.acknowledged !== undefined).length,
    },
    stores, vaults, buckets, nodes, flows, findings,
    rules: DR_RULES.map((r) => ({ id: `BackupDR-${r.id}`, title: r.title, explanation: r.explanation })),
  };
}
