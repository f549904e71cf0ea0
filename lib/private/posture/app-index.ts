// One pass over an app's templates that the coverage check, the DR rules and the report share: every resource with its
// stack, resolver and construct path; the backup plans with their rules, copies and selections; the buckets that hold
// backups (dump buckets, their replicas, CrossAccountBuckets) and the buckets that only receive access logs.
import { DUMP_ENV } from '../job-contract';
import { exportsOf, isKnown, Resolver } from './resolve';
import { readSelection, Selection } from './selection';
import { bucketArnForms } from './stores';
import { num, TemplateResource, TemplateStack } from './template';

/** Template metadata a CrossAccountBucket puts on its bucket: it holds backups. */
export const BACKUP_BUCKET_METADATA_KEY = 'cdk-backup-dr:CrossAccountBucket.backupBucket';

/** Template metadata the DR pack puts on a resource: its acknowledged `BackupDR-*` findings, id → reason. */
export const ACKNOWLEDGED_METADATA_KEY = 'cdk-backup-dr:BackupDrChecks.acknowledged';

/** Template metadata `BackupCoverage.exempt` puts on a resource: why it needs no backup. */
export const EXEMPTION_METADATA_KEY = 'cdk-backup-dr:BackupCoverage.exemption';

export interface Located {
  readonly stack: TemplateStack;
  readonly logicalId: string;
  readonly resource: TemplateResource;
  readonly r: Resolver;
  /** The construct path (`aws:cdk:path` metadata), else `<stack>/<logicalId>`. */
  readonly path: string;
  /**
   * Whether the resource is certainly deployed: it has no `Condition`, or its condition is true from literal values.
   * Only such resources protect anything (a selection, a policy or an alarm under a condition may never exist).
   */
  readonly certain: boolean;
}

const VAULT_ARN = /^arn:aws[a-z-]*:backup:([a-z0-9-]+):(\d{12}):backup-vault:(.+)$/;

export interface CopyAction {
  readonly vaultArn: string;
  /** The vault's name from its ARN (the ARN itself when it is not one). */
  readonly vaultName: string;
  readonly account?: string;
  readonly region?: string;
  readonly deleteAfterDays?: number;
  readonly coldAfterDays?: number;
}

export interface BackupRule {
  readonly name: string;
  readonly schedule?: string;
  /** Minutes a job may wait to start (AWS Backup's default: 480). */
  readonly startWindowMinutes: number;
  readonly continuous: boolean;
  readonly deleteAfterDays?: number;
  readonly coldAfterDays?: number;
  /** The target vault as the rule names it (resolved). */
  readonly vaultName: string;
  readonly copies: readonly CopyAction[];
}

export interface PlanView {
  readonly at: Located;
  readonly name: string;
  readonly rules: readonly BackupRule[];
  readonly selections: readonly Selection[];
}

export interface DumpJobView {
  readonly at: Located;
  readonly database: string;
  readonly bucket: string;
  readonly secretArn?: string;
}

export interface AppIndex {
  readonly stacks: readonly TemplateStack[];
  readonly resources: readonly Located[];
  readonly plans: readonly PlanView[];
  readonly dumpJobs: readonly DumpJobView[];
  /** Buckets that hold backups: CrossAccountBuckets, the buckets dump jobs write to and their replicas. */
  readonly backupBuckets: ReadonlySet<Located>;
  /** Buckets that receive another bucket's server access logs and nothing else the app knows of. */
  readonly logBuckets: ReadonlySet<Located>;
  /** The resources of a type that are certainly deployed (see `Located.certain`): what may count as protection. */
  ofType(type: string): Located[];
  /** Every resource of a type, conditional ones included: what the checks judge. */
  allOfType(type: string): Located[];
  /** The resource a Ref/GetAtt names, in the stack of `from`. */
  referenced(from: Located, value: unknown): Located | undefined;
}

/** The account and region a vault ARN names. */
export function vaultLocation(arn: string): { account?: string; region?: string; name?: string } {
  const m = VAULT_ARN.exec(arn);
  return m ? { region: m[1], account: m[2], name: m[3] } : {};
}

/** The rules of an AWS::Backup::BackupPlan's `BackupPlan` property. */
export function readRules(r: Resolver, body: { BackupPlanRule?: Array<Record<string, unknown>> }): BackupRule[] {
  return (body.BackupPlanRule ?? []).map((rule) => {
    const lifecycle = (rule.Lifecycle ?? {}) as Record<string, unknown>;
    return {
      name: r.resolve(rule.RuleName) ?? '',
      schedule: r.resolve(rule.ScheduleExpression),
      startWindowMinutes: num(rule.StartWindowMinutes) ?? 480,
      continuous: rule.EnableContinuousBackup === true || rule.EnableContinuousBackup === 'true',
      deleteAfterDays: num(lifecycle.DeleteAfterDays),
      coldAfterDays: num(lifecycle.MoveToColdStorageAfterDays),
      vaultName: r.resolve(rule.TargetBackupVault) ?? '',
      copies: ((rule.CopyActions ?? []) as Array<Record<string, unknown>>).map((c) => {
        const vaultArn = r.resolve(c.DestinationBackupVaultArn) ?? '';
        const copyLifecycle = (c.Lifecycle ?? {}) as Record<string, unknown>;
        const { account, region, name } = vaultLocation(vaultArn);
        return { vaultArn, vaultName: name ?? vaultArn, account, region, deleteAfterDays: num(copyLifecycle.DeleteAfterDays), coldAfterDays: num(copyLifecycle.MoveToColdStorageAfterDays) };
      }),
    };
  });
}

/**
 * Whether a template condition is true from literal values (`Fn::Equals`, `Fn::Not`, `Fn::And`, `Fn::Or`, `Condition`);
 * false when it is false or depends on what only deploy knows (a parameter, a pseudo parameter without an environment).
 */
function conditionHolds(stack: TemplateStack, r: Resolver, name: string, depth = 0): boolean {
  const evaluate = (c: unknown): boolean | undefined => {
    if (depth > 8 || !c || typeof c !== 'object') return undefined;
    const o = c as Record<string, unknown>;
    if (typeof o.Condition === 'string') return conditionHolds(stack, r, o.Condition, depth + 1);
    if (Array.isArray(o['Fn::Equals'])) {
      const [a, b] = (o['Fn::Equals'] as unknown[]).map((v) => r.resolve(v));
      return isKnown(a) && isKnown(b) ? a === b : undefined;
    }
    const list = (key: string) => (Array.isArray(o[key]) ? (o[key] as unknown[]).map(evaluate) : undefined);
    const not = list('Fn::Not');
    if (not) return not[0] === undefined ? undefined : !not[0];
    const and = list('Fn::And');
    if (and) return and.includes(false) ? false : and.every((v) => v === true) ? true : undefined;
    const or = list('Fn::Or');
    if (or) return or.includes(true) ? true : or.every((v) => v === false) ? false : undefined;
    return undefined;
  };
  return evaluate(stack.template.Conditions?.[name]) === true;
}

export function buildIndex(stacks: readonly TemplateStack[]): AppIndex {
  const appExports = exportsOf(stacks);
  const resources: Located[] = [];
  // Keyed by the stack object: two stacks may share a name (one per account or region).
  const byKey = new Map<TemplateStack, Map<string, Located>>();
  for (const stack of stacks) {
    const r = new Resolver(stack, appExports);
    for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
      const cdkPath = resource.Metadata?.['aws:cdk:path'];
      const certain = resource.Condition === undefined || conditionHolds(stack, r, resource.Condition);
      const at: Located = { stack, logicalId, resource, r, path: typeof cdkPath === 'string' ? cdkPath : `${stack.stackName}/${logicalId}`, certain };
      resources.push(at);
      if (!byKey.has(stack)) byKey.set(stack, new Map());
      byKey.get(stack)!.set(logicalId, at);
    }
  }
  const allOfType = (type: string) => resources.filter((at) => at.resource.Type === type);
  const ofType = (type: string) => allOfType(type).filter((at) => at.certain);
  /** The resource a Ref/GetAtt names in `stackName`; an import of another stack's export is followed there. */
  const referencedIn = (stack: TemplateStack, r: Resolver, value: unknown, depth = 0): Located | undefined => {
    const o = (value ?? {}) as { Ref?: unknown; 'Fn::GetAtt'?: unknown; 'Fn::ImportValue'?: unknown };
    if (o['Fn::ImportValue'] !== undefined && depth < 4) {
      const name = r.resolve(o['Fn::ImportValue']);
      const exported = isKnown(name) ? appExports.get(name) : undefined;
      return exported ? referencedIn(exported.stack, new Resolver(exported.stack, appExports), exported.value, depth + 1) : undefined;
    }
    const id = typeof o.Ref === 'string' ? o.Ref : Array.isArray(o['Fn::GetAtt']) ? o['Fn::GetAtt'][0] : typeof o['Fn::GetAtt'] === 'string' ? o['Fn::GetAtt'].split('.')[0] : undefined;
    return typeof id === 'string' ? byKey.get(stack)?.get(id) : undefined;
  };
  const referenced = (from: Located, value: unknown): Located | undefined => referencedIn(from.stack, from.r, value);

  const plans: PlanView[] = ofType('AWS::Backup::BackupPlan').map((at) => {
    const body = (at.resource.Properties?.BackupPlan ?? {}) as { BackupPlanName?: unknown; BackupPlanRule?: Array<Record<string, unknown>> };
    const selections = ofType('AWS::Backup::BackupSelection')
      .filter((s) => s.stack === at.stack && referenced(s, s.resource.Properties?.BackupPlanId) === at)
      .map((s) => readSelection(s.r, (s.resource.Properties?.BackupSelection ?? {}) as Record<string, unknown>));
    return { at, name: at.r.resolve(body.BackupPlanName) ?? at.logicalId, rules: readRules(at.r, body), selections };
  });

  const dumpJobs: DumpJobView[] = [];
  for (const at of ofType('AWS::Lambda::Function')) {
    const env = ((at.resource.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables) ?? {};
    const database = at.r.resolve(env[DUMP_ENV.DATABASE]);
    const bucket = at.r.resolve(env[DUMP_ENV.BUCKET]);
    if (database !== undefined && bucket !== undefined) dumpJobs.push({ at, database, bucket, secretArn: at.r.resolve(env[DUMP_ENV.SECRET_ARN]) });
  }

  // Backup buckets: marked by CrossAccountBucket, written by a dump job, or a replica of one of these (transitively).
  const buckets = ofType('AWS::S3::Bucket');
  const bucketName = (at: Located) => at.r.resolve({ Ref: at.logicalId }) as string;
  const backupBuckets = new Set<Located>(buckets.filter((at) => at.resource.Metadata?.[BACKUP_BUCKET_METADATA_KEY] !== undefined
    || dumpJobs.some((job) => job.bucket === bucketName(at))));
  for (let grown = true; grown;) {
    grown = false;
    for (const source of [...backupBuckets]) {
      const rules = ((source.resource.Properties?.ReplicationConfiguration ?? {}) as { Rules?: Array<Record<string, unknown>> }).Rules ?? [];
      for (const rule of rules) {
        const destination = source.r.resolve(((rule.Destination ?? {}) as Record<string, unknown>).Bucket) ?? '';
        const replica = buckets.find((b) => !backupBuckets.has(b) && bucketArnForms(b.r, b.logicalId).includes(destination));
        if (replica) {
          backupBuckets.add(replica);
          grown = true;
        }
      }
    }
  }
  // Log buckets: named as another bucket's access-log destination.
  const logTargets = new Set(buckets.map((b) => b.r.resolve(((b.resource.Properties?.LoggingConfiguration ?? {}) as Record<string, unknown>).DestinationBucketName))
    .filter((name): name is string => name !== undefined));
  const logBuckets = new Set(buckets.filter((b) => !backupBuckets.has(b) && logTargets.has(bucketName(b))));

  return { stacks, resources, plans, dumpJobs, backupBuckets, logBuckets, ofType, allOfType, referenced };
}
