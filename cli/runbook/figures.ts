// The figures a runbook states for a data store, per way back: how much data each restore path loses at most (RPO,
// from the schedules: the longest gap between runs plus the start window, or 5 minutes for point-in-time recovery) and
// where its copies are. Computed from the app model alone.
import { cronMaxGapHours } from '../../lib/private/cron';
import type { Copy, DataStore, DumpJob, PlanRule, Replica } from '../app/model';

/** RDS uploads transaction logs to S3 every 5 minutes: the latest restorable time is at most that old. */
export const PITR_RPO_SECONDS = 300;

export interface RulePath {
  readonly rule: PlanRule;
  readonly planName: string;
  readonly rpoSeconds?: number;
}

export interface CopyPath extends RulePath {
  readonly copy: Copy;
}

export interface DumpPath {
  readonly job: DumpJob;
  readonly rpoSeconds?: number;
  readonly replica?: Replica;
}

export interface StoreFigures {
  /** Point-in-time recovery: RDS automated backups (days known when the app defines the database) or a continuous rule. */
  readonly pitr?: {
    /** Undefined when the app does not define the database (only references it): the window is checked at restore. */
    readonly days?: number;
    readonly via: 'automated backups' | 'AWS Backup continuous backup';
    readonly rpoSeconds: number;
  };
  /** Point-in-time recovery from the automated backups replicated to another region. */
  readonly pitrOtherRegion?: { readonly region: string; readonly rpoSeconds: number };
  /** The newest snapshot in the store's own account and region. */
  readonly local?: RulePath;
  /** The newest copy in another account (the same region first). */
  readonly otherAccount?: CopyPath;
  /** The newest copy in another region. */
  readonly otherRegion?: CopyPath;
  /** The newest dump. */
  readonly dump?: DumpPath;
  /** The newest dump in another account. */
  readonly dumpOtherAccount?: DumpPath;
  /** The newest dump replicated to another region. */
  readonly dumpOtherRegion?: DumpPath;
  readonly tier?: { readonly name: string; readonly rpoSeconds: number; readonly rtoSeconds: number };
}

/** Longest gap between runs of a schedule plus its start window, in seconds; undefined when it cannot be read. */
export function scheduleRpoSeconds(schedule: string | undefined, startWindowMinutes = 0): number | undefined {
  const hours = schedule === undefined ? undefined : cronMaxGapHours(schedule);
  return hours === undefined ? undefined : Math.round(hours * 3600 + startWindowMinutes * 60);
}

const better = <T extends { rpoSeconds?: number }>(a: T | undefined, b: T): T =>
  (!a || (b.rpoSeconds ?? Infinity) < (a.rpoSeconds ?? Infinity) ? b : a);

export function figuresOf(store: DataStore, replicas: readonly Replica[]): StoreFigures {
  let local: RulePath | undefined;
  let otherAccount: CopyPath | undefined;
  let otherRegion: CopyPath | undefined;
  let continuousDays: number | undefined;
  for (const plan of store.plans) {
    for (const rule of plan.rules) {
      if (rule.continuous) {
        continuousDays = Math.max(continuousDays ?? 0, rule.deleteAfterDays ?? 0);
        continue;
      }
      const rpoSeconds = scheduleRpoSeconds(rule.schedule, rule.startWindowMinutes);
      local = better(local, { rule, planName: plan.name, rpoSeconds });
      for (const copy of rule.copies) {
        const path = { rule, planName: plan.name, rpoSeconds, copy };
        // Another account or region only when both are known: a store whose account the templates leave open may be there.
        if (copy.account !== undefined && store.account !== undefined && copy.account !== store.account) {
          // Of two copies as fresh, the one in the store's region restores closer to the application.
          const sameRegionFirst = otherAccount && otherAccount.rpoSeconds === rpoSeconds && otherAccount.copy.region !== store.region && copy.region === store.region;
          otherAccount = sameRegionFirst ? path : better(otherAccount, path);
        }
        if (copy.region !== undefined && store.region !== undefined && copy.region !== store.region) otherRegion = better(otherRegion, path);
      }
    }
  }
  // A database the app only references (not defined in it) may have automated backups: the window is read at restore.
  const pitr = store.pitrDays !== undefined && store.pitrDays > 0
    ? { days: store.pitrDays, via: 'automated backups' as const, rpoSeconds: PITR_RPO_SECONDS }
    : continuousDays !== undefined ? { days: continuousDays, via: 'AWS Backup continuous backup' as const, rpoSeconds: PITR_RPO_SECONDS }
      : store.pitrDays === undefined && store.arn !== undefined ? { via: 'automated backups' as const, rpoSeconds: PITR_RPO_SECONDS } : undefined;
  let dump: DumpPath | undefined;
  let dumpOtherAccount: DumpPath | undefined;
  let dumpOtherRegion: DumpPath | undefined;
  for (const job of store.dumps) {
    const rpoSeconds = scheduleRpoSeconds(job.schedule);
    dump = better(dump, { job, rpoSeconds });
    if (job.bucketOwner !== undefined && store.account !== undefined && job.bucketOwner !== store.account) dumpOtherAccount = better(dumpOtherAccount, { job, rpoSeconds });
    for (const replica of replicas.filter((r) => r.sourceBucket === job.bucket && r.region !== undefined && job.region !== undefined && r.region !== job.region)) {
      dumpOtherRegion = better(dumpOtherRegion, { job, replica, rpoSeconds: rpoSeconds === undefined ? undefined : rpoSeconds + (replica.rtcMinutes ?? 15) * 60 });
    }
  }
  const tier = store.plans.find((p) => p.tier)?.tier;
  const pitrOtherRegion = store.pitrReplicationRegion && store.pitrReplicationRegion !== store.region
    ? { region: store.pitrReplicationRegion, rpoSeconds: PITR_RPO_SECONDS } : undefined;
  return { pitr, pitrOtherRegion, local, otherAccount, otherRegion, dump, dumpOtherAccount, dumpOtherRegion, tier };
}

/** The smallest of the known values, or undefined when none is known. */
export function least(...values: Array<number | undefined>): number | undefined {
  const known = values.filter((v): v is number => v !== undefined);
  return known.length > 0 ? Math.min(...known) : undefined;
}

/** `5 min`, `1 h`, `25 h`, `37 d`: the unit a person reads a recovery objective in. */
export function humanSeconds(seconds: number | undefined, none = 'unknown'): string {
  if (seconds === undefined) return none;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 2 * 86400 || seconds % 86400 !== 0) {
    const hours = seconds / 3600;
    return `${Number.isInteger(hours) ? hours : hours.toFixed(1)} h`;
  }
  return `${seconds / 86400} d`;
}
