// What a synthesized app protects and how, read offline from its templates: the data stores (RDS, Aurora, DocumentDB),
// the backup plans that select them (rules, schedules, retention, copies to other accounts and regions, the tier the
// plan promises), vaults and their locks, pg_dump jobs and where the dumps replicate, and the restore drills.
// Raw AWS::Backup / RDS / S3 resources are read as they are; what our constructs add (dump jobs, the RPO watch,
// drill validators, the tier) comes from the job contract and the plan's metadata.
import {
  DRILL_DIMENSION, DUMP_ENV, JOB_METRIC, JOB_METRICS_DATABASE_DIMENSION, JOB_METRICS_NAMESPACE, PITR_ENV, RPO_ENV, TIER_METADATA_KEY, TierMetadata, VALIDATE_ENV,
} from '../../lib/private/job-contract';
import { AssemblyStack, resourcesOfType, TemplateResource } from './assembly';
import { BackupRule, CopyAction, readRules } from '../../lib/private/posture/app-index';
import { exportsOf, Resolver } from '../../lib/private/posture/resolve';

export interface Vault {
  readonly stackName: string;
  readonly name: string;
  readonly arn: string;
  readonly account?: string;
  readonly region?: string;
  readonly airGapped: boolean;
  /** Vault lock (or an air-gapped vault's retention range). */
  readonly lock?: { readonly minDays?: number; readonly maxDays?: number; readonly changeableForDays?: number };
}

/** A copy action and a plan rule, as the posture index reads them. */
export type Copy = CopyAction;
export type PlanRule = BackupRule;

export interface Plan {
  readonly stackName: string;
  readonly name: string;
  readonly account?: string;
  readonly region?: string;
  readonly tier?: TierMetadata;
  readonly rules: readonly PlanRule[];
  /** Resource ARNs of its selections (resolved; may hold markers). */
  readonly resources: readonly string[];
  /** Tag conditions of its selections, `key=value`. */
  readonly tags: readonly string[];
}

export interface DumpJob {
  readonly stackName: string;
  readonly database: string;
  readonly bucket: string;
  readonly prefix: string;
  readonly bucketOwner?: string;
  /** The region the job runs in (the bucket is in the same region). */
  readonly region?: string;
  readonly account?: string;
  readonly schedule?: string;
  readonly secretArn?: string;
}

export interface Replica {
  readonly sourceBucket: string;
  readonly bucket: string;
  readonly account?: string;
  readonly region?: string;
  /** Replication Time Control minutes, when on. */
  readonly rtcMinutes?: number;
}

export interface Drill {
  readonly stackName: string;
  readonly name: string;
  readonly schedule?: string;
  readonly region?: string;
  readonly databases: readonly string[];
}

export type StoreKind = 'rds-instance' | 'aurora-cluster' | 'docdb-cluster' | 'neptune-cluster';

export interface DataStore {
  /** The logical name (dump job's database, RPO watch name), else the identifier. */
  readonly name: string;
  readonly arn?: string;
  readonly identifier?: string;
  readonly kind: StoreKind;
  readonly engine?: string;
  readonly account?: string;
  readonly region?: string;
  /** RDS automated backup retention (the PITR window), when the app defines the database. */
  readonly pitrDays?: number;
  /** The region its automated backups are replicated to (RDS cross-Region automated backup replication). */
  readonly pitrReplicationRegion?: string;
  /** Restore-time targets: the thresholds of the app's alarms on its RestoreDurationSeconds (drills, dump verification). */
  readonly rtoTargets: ReadonlyArray<{ readonly seconds: number; readonly drill?: string }>;
  readonly plans: readonly Plan[];
  readonly dumps: readonly DumpJob[];
  readonly drills: readonly Drill[];
}

export interface AppModel {
  readonly stacks: readonly AssemblyStack[];
  readonly stores: readonly DataStore[];
  readonly vaults: readonly Vault[];
  readonly plans: readonly Plan[];
  readonly replicas: readonly Replica[];
}

const RDS_ARN = /^arn:aws[a-z-]*:rds:([a-z0-9-]+):(\d{12}):(db|cluster):(.+)$/;

interface DbResource {
  readonly stack: AssemblyStack;
  readonly logicalId: string;
  readonly resource: TemplateResource;
  readonly arn: string;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined);

function envOf(fn: TemplateResource): Record<string, unknown> {
  return ((fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables) ?? {};
}

function parseJson<T>(value: string | undefined): T | undefined {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value) as T;
  } catch {
    return undefined;
  }
}

export function readModel(stacks: readonly AssemblyStack[]): AppModel {
  const vaults: Vault[] = [];
  const plans: Plan[] = [];
  const dumps: DumpJob[] = [];
  const replicas: Replica[] = [];
  const drills: Drill[] = [];
  const databases: DbResource[] = [];
  /** Logical database name → ARN, from the RPO watch and the drill validators. */
  const namedArns = new Map<string, string>();
  /** Secret (resolved) → database ARN, from secret attachments. */
  const secretArns = new Map<string, string>();
  const bucketRegions = new Map<string, { account?: string; region?: string }>();
  const rtoTargets = new Map<string, Array<{ seconds: number; drill?: string }>>();
  const appExports = exportsOf(stacks);

  for (const stack of stacks) {
    const r = new Resolver(stack, appExports);
    const region = stack.region;
    const account = stack.account;
    // Vaults.
    for (const [id, v] of [...resourcesOfType(stack, 'AWS::Backup::BackupVault'), ...resourcesOfType(stack, 'AWS::Backup::LogicallyAirGappedBackupVault')]) {
      const name = r.physicalName(id) ?? r.resolve({ Ref: id }) as string;
      const lock = v.Properties?.LockConfiguration as Record<string, unknown> | undefined;
      const airGapped = v.Type === 'AWS::Backup::LogicallyAirGappedBackupVault';
      vaults.push({
        stackName: stack.stackName, name, arn: r.resolve({ 'Fn::GetAtt': [id, 'BackupVaultArn'] }) as string, account, region, airGapped,
        lock: lock ? { minDays: num(lock.MinRetentionDays), maxDays: num(lock.MaxRetentionDays), changeableForDays: num(lock.ChangeableForDays) }
          : airGapped ? { minDays: num(v.Properties?.MinRetentionDays), maxDays: num(v.Properties?.MaxRetentionDays) } : undefined,
      });
    }
    // Buckets: where each one is, and where it replicates.
    for (const [id, b] of resourcesOfType(stack, 'AWS::S3::Bucket')) {
      const name = r.physicalName(id);
      if (name) bucketRegions.set(name, { account, region });
      const rules = ((b.Properties?.ReplicationConfiguration as { Rules?: Array<Record<string, unknown>> } | undefined)?.Rules) ?? [];
      for (const rule of rules) {
        const destination = (rule.Destination ?? {}) as Record<string, unknown>;
        const bucket = /^arn:aws[a-z-]*:s3:::(.+)$/.exec(r.resolve(destination.Bucket) ?? '')?.[1];
        const keyRegion = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):/.exec(r.resolve((destination.EncryptionConfiguration as Record<string, unknown> | undefined)?.ReplicaKmsKeyID) ?? '')?.[1];
        const rtc = destination.ReplicationTime as { Status?: string; Time?: { Minutes?: number } } | undefined;
        if (bucket) {
          replicas.push({
            sourceBucket: name ?? r.resolve({ Ref: id }) as string, bucket, account: r.resolve(destination.Account) ?? account, region: keyRegion,
            rtcMinutes: rtc?.Status === 'Enabled' ? rtc.Time?.Minutes : undefined,
          });
        }
      }
    }
    // Databases the app defines.
    for (const type of ['AWS::RDS::DBInstance', 'AWS::RDS::DBCluster', 'AWS::DocDB::DBCluster', 'AWS::Neptune::DBCluster']) {
      for (const [id, db] of resourcesOfType(stack, type)) {
        if (db.Properties?.SourceDBInstanceIdentifier !== undefined || db.Properties?.DBClusterIdentifier !== undefined && type === 'AWS::RDS::DBInstance') continue;
        const kind = type === 'AWS::RDS::DBInstance' ? 'db' : 'cluster';
        databases.push({ stack, logicalId: id, resource: db, arn: `arn:aws:rds:${region}:${account}:${kind}:${r.resolve({ Ref: id })}` });
      }
    }
    // A dump job names its database's secret by the secret (SecretId) or by the attachment (a Ref to it); both lead here.
    for (const [id, a] of resourcesOfType(stack, 'AWS::SecretsManager::SecretTargetAttachment')) {
      const target = (a.Properties?.TargetId as { Ref?: string } | undefined)?.Ref;
      const db = target ? databases.find((d) => d.stack === stack && d.logicalId === target) : undefined;
      if (!db) continue;
      const secret = r.resolve(a.Properties?.SecretId);
      if (secret) secretArns.set(secret, db.arn);
      secretArns.set(r.resolve({ Ref: id }) as string, db.arn);
    }
    // Restore-time alarms: what the app holds each database's restores to.
    for (const [, alarm] of resourcesOfType(stack, 'AWS::CloudWatch::Alarm')) {
      const p = alarm.Properties ?? {};
      if (p.Namespace !== JOB_METRICS_NAMESPACE || p.MetricName !== JOB_METRIC.RESTORE_DURATION_SECONDS || typeof p.Threshold !== 'number') continue;
      const dims = (p.Dimensions ?? []) as Array<{ Name?: string; Value?: unknown }>;
      const database = r.resolve(dims.find((d) => d.Name === JOB_METRICS_DATABASE_DIMENSION)?.Value);
      const drill = r.resolve(dims.find((d) => d.Name === DRILL_DIMENSION)?.Value);
      if (database) rtoTargets.set(database, [...(rtoTargets.get(database) ?? []), { seconds: p.Threshold, ...(drill ? { drill } : {}) }]);
    }
    // Functions: dump jobs, the RPO watch, drill validators.
    const schedules = new Map<string, string>();
    for (const [, s] of resourcesOfType(stack, 'AWS::Scheduler::Schedule')) {
      const target = (s.Properties?.Target as { Arn?: unknown } | undefined)?.Arn as { 'Fn::GetAtt'?: [string, string]; Ref?: string } | undefined;
      // A function's ARN is its GetAtt Arn; a state machine's is its Ref.
      const fn = target?.['Fn::GetAtt']?.[0] ?? target?.Ref;
      const expression = r.resolve(s.Properties?.ScheduleExpression);
      if (fn && expression) schedules.set(fn, expression);
    }
    for (const [id, fn] of resourcesOfType(stack, 'AWS::Lambda::Function')) {
      const env = envOf(fn);
      const database = r.resolve(env[DUMP_ENV.DATABASE]);
      if (database !== undefined && env[DUMP_ENV.BUCKET] !== undefined) {
        dumps.push({
          stackName: stack.stackName, database, bucket: r.resolve(env[DUMP_ENV.BUCKET]) as string, prefix: r.resolve(env[DUMP_ENV.PREFIX]) ?? '',
          bucketOwner: r.resolve(env[DUMP_ENV.BUCKET_OWNER]), region, account, schedule: schedules.get(id), secretArn: r.resolve(env[DUMP_ENV.SECRET_ARN]),
        });
      }
      for (const entry of parseJson<Array<{ name?: string; arn?: string }>>(r.resolve(env[RPO_ENV.DATABASES])) ?? []) {
        if (entry.name && entry.arn) namedArns.set(entry.name, entry.arn);
      }
      const selections = parseJson<Array<{ database?: string; arns?: string[] }>>(r.resolve(env[VALIDATE_ENV.SELECTIONS]));
      for (const s of selections ?? []) {
        if (s.database && s.arns?.[0]) namedArns.set(s.database, s.arns[0]);
      }
      const pitr = parseJson<{ database?: string; drill?: string }>(r.resolve(env[PITR_ENV.CONFIG]));
      if (pitr?.database && pitr.drill) {
        const machineName = /:stateMachine:(.+)$/.exec(r.resolve(env[PITR_ENV.STATE_MACHINE_ARN]) ?? '')?.[1];
        const machine = resourcesOfType(stack, 'AWS::StepFunctions::StateMachine').find(([, m]) => r.resolve(m.Properties?.StateMachineName) === machineName)?.[0];
        drills.push({ stackName: stack.stackName, name: pitr.drill, schedule: machine ? schedules.get(machine) : undefined, region, databases: [pitr.database] });
      }
      const drillName = r.resolve(env[VALIDATE_ENV.DRILL]);
      if (drillName && selections) {
        const plan = resourcesOfType(stack, 'AWS::Backup::RestoreTestingPlan').find(([, p]) => p.Properties?.RestoreTestingPlanName === drillName)?.[1];
        drills.push({
          stackName: stack.stackName, name: drillName, schedule: r.resolve(plan?.Properties?.ScheduleExpression), region,
          databases: selections.map((s) => s.database).filter((d): d is string => d !== undefined),
        });
      }
    }
    // Backup plans and their selections.
    for (const [id, p] of resourcesOfType(stack, 'AWS::Backup::BackupPlan')) {
      const body = (p.Properties?.BackupPlan ?? {}) as { BackupPlanName?: unknown; BackupPlanRule?: Array<Record<string, unknown>> };
      const rules = readRules(r, body);
      const resources: string[] = [];
      const tags: string[] = [];
      for (const [, s] of resourcesOfType(stack, 'AWS::Backup::BackupSelection')) {
        const planRef = (s.Properties?.BackupPlanId as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt']?.[0];
        if (planRef !== id) continue;
        const selection = (s.Properties?.BackupSelection ?? {}) as Record<string, unknown>;
        resources.push(...r.resolveList(selection.Resources));
        for (const t of (selection.ListOfTags ?? []) as Array<Record<string, unknown>>) tags.push(`${r.resolve(t.ConditionKey)}=${r.resolve(t.ConditionValue)}`);
      }
      const tier = p.Metadata?.[TIER_METADATA_KEY] as TierMetadata | undefined;
      plans.push({ stackName: stack.stackName, name: r.resolve(body.BackupPlanName) ?? id, account, region, tier, rules, resources, tags });
    }
  }

  // Data stores: every RDS/DocumentDB resource the plans select or the dump jobs dump, keyed by ARN.
  const byArn = new Map<string, { name?: string; arn: string; plans: Plan[]; dumps: DumpJob[] }>();
  const entry = (arn: string) => {
    let e = byArn.get(arn);
    if (!e) byArn.set(arn, e = { arn, plans: [], dumps: [] });
    return e;
  };
  for (const plan of plans) {
    for (const arn of plan.resources) if (RDS_ARN.test(arn)) entry(arn).plans.push(plan);
  }
  for (const [name, arn] of namedArns) entry(arn).name = name;
  const unlinkedDumps: DumpJob[] = [];
  for (const dump of dumps) {
    const arn = namedArns.get(dump.database) ?? (dump.secretArn ? secretArns.get(dump.secretArn) : undefined);
    if (arn) {
      const e = entry(arn);
      e.dumps.push(dump);
      e.name = e.name ?? dump.database;
    } else {
      unlinkedDumps.push(dump);
    }
  }
  const stores: DataStore[] = [...byArn.values()].map((e) => {
    const m = RDS_ARN.exec(e.arn) as RegExpExecArray;
    const db = databases.find((d) => d.arn === e.arn);
    const type = db?.resource.Type;
    const engine = (db && new Resolver(db.stack, appExports).resolve(db.resource.Properties?.Engine)) ?? undefined;
    const kind: StoreKind = m[3] === 'db' ? 'rds-instance'
      : type === 'AWS::DocDB::DBCluster' || engine === 'docdb' ? 'docdb-cluster'
        : type === 'AWS::Neptune::DBCluster' || engine === 'neptune' ? 'neptune-cluster' : 'aurora-cluster';
    const name = e.name ?? m[4];
    return {
      name, arn: e.arn, identifier: m[4], kind, engine: engine ?? (kind === 'docdb-cluster' ? 'docdb' : undefined), account: m[2], region: m[1],
      pitrDays: num(db?.resource.Properties?.BackupRetentionPeriod), plans: e.plans, dumps: e.dumps,
      pitrReplicationRegion: db && new Resolver(db.stack, appExports).resolve(db.resource.Properties?.AutomaticBackupReplicationRegion),
      rtoTargets: rtoTargets.get(name) ?? [],
      drills: drills.filter((d) => d.databases.includes(name)),
    };
  });
  // A dump job of a database the app names nowhere else still gets a store (a dump is a backup).
  for (const dump of unlinkedDumps) {
    stores.push({
      name: dump.database, kind: 'rds-instance', account: dump.account, region: dump.region, plans: [], dumps: [dump],
      drills: drills.filter((d) => d.databases.includes(dump.database)), rtoTargets: rtoTargets.get(dump.database) ?? [],
    });
  }
  // Replicas learn their region from the stack that defines the destination bucket, when the app does.
  const located = replicas.map((rep) => ({ ...rep, region: rep.region ?? bucketRegions.get(rep.bucket)?.region, account: rep.account ?? bucketRegions.get(rep.bucket)?.account }));
  return { stacks, stores: stores.sort((a, b) => a.name.localeCompare(b.name)), vaults, plans, replicas: located };
}
