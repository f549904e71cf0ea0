import { Duration, Stack, Token } from 'aws-cdk-lib';
import { RecoveryPlan } from '../plan';
import { cronGapHours } from '../private/schedule';
import { differs, isUnresolved } from '../private/validation';

// What a RecoveryPlan promises, read through its public API, as the numbers the audit controls take. Plain numbers
// and strings: `BackupAuditFramework` turns them into controls (this file cannot import it without a cycle).

/** The last recovery point's age a plan is audited against when no schedule can be read: a daily backup, plus an hour to start. */
export const DEFAULT_MAX_AGE_HOURS = 25;
/** RecoveryPlan's default start window. */
const DEFAULT_START_WINDOW_HOURS = 1;
/** Entries of a cross-region or cross-account list. */
const MAX_LIST = 5;
/** The longest frequency AWS Backup Audit Manager takes, in days, and the longest last-recovery-point age, in hours. */
const MAX_FREQUENCY_DAYS = 31;
const MAX_AGE_HOURS = 744;

/** The numbers a framework derives from a plan. */
export interface PlanAuditFacts {
  /**
   * The longest gap between two runs of the plan's most frequent rule, in hours: whole hours below a day, whole days
   * (rounded up, at most 31) above. Undefined when no rule's schedule can be read.
   */
  readonly frequencyHours?: number;
  /** The shortest retention of the plan's rules, in days (undefined when every one is a token). */
  readonly ruleRetentionDays?: number;
  /**
   * The shortest retention of the recovery points the plan leaves in its own account and region: its rules, and the
   * copies to vaults there (or whose account and region are not known), in days.
   */
  readonly recoveryPointRetentionDays?: number;
  /** Whether the plan's vault has a lock, and its range in days where known. */
  readonly locked: boolean;
  readonly lockMinDays?: number;
  readonly lockMaxDays?: number;
  /**
   * How old the last recovery point may be: the most frequent rule's longest gap between runs plus its start window,
   * in whole hours (at least 1, at most 744); 25 when no schedule can be read. Not the tier's RPO: a continuous rule
   * meets that through point-in-time recovery, which this control does not see (RpoWatch watches it).
   */
  readonly maxAgeHours: number;
  /** The regions and accounts, other than the plan's, that its copies go to, each once (at most 5 each). */
  readonly copyRegions: string[];
  readonly copyAccounts: string[];
  /** The tier's RTO in whole minutes (rounded up), when the plan has a tier. */
  readonly rtoMinutes?: number;
}

/** Reads what a plan promises, at the time of the call (rules, copies and the tier as they are then). */
export function planAuditFacts(plan: RecoveryPlan): PlanAuditFacts {
  const stack = Stack.of(plan);
  const rules = plan.rules;

  // Each readable schedule's longest gap between runs, and that gap plus the rule's start window: how old the newest
  // recovery point of the rule may be when the next job has not yet started.
  const schedules = rules
    .filter((rule) => !Token.isUnresolved(rule.schedule.expressionString))
    .map((rule) => ({ rule, gap: cronGapHours(rule.schedule.expressionString) }))
    .filter((s): s is { rule: typeof rules[number]; gap: number } => s.gap !== undefined);
  const shortestGap = schedules.length > 0 ? Math.min(...schedules.map((s) => s.gap)) : undefined;
  const frequencyHours = shortestGap === undefined ? undefined
    : shortestGap <= 24 ? shortestGap
      : Math.min(Math.ceil(shortestGap / 24), MAX_FREQUENCY_DAYS) * 24;
  const freshest = schedules.map((s) => s.gap + (s.rule.startWindow && !isUnresolved(s.rule.startWindow) ? s.rule.startWindow.toMinutes() / 60 : DEFAULT_START_WINDOW_HOURS));

  const days = (value: Duration) => (isUnresolved(value) ? undefined : Math.floor(value.toDays({ integral: false })));
  const ruleDays = rules.map((rule) => days(rule.deleteAfter)).filter((d): d is number => d !== undefined);
  const localCopyDays = plan.copies
    .filter((copy) => !differs(copy.destinationBackupVault.env.account, stack.account)
      && !differs(copy.destinationBackupVault.env.region, stack.region))
    .map((copy) => days(copy.deleteAfter))
    .filter((d): d is number => d !== undefined);

  const lock = plan.backupVault.vaultLock;

  const maxAgeHours = freshest.length === 0 ? DEFAULT_MAX_AGE_HOURS : Math.min(Math.max(1, Math.ceil(Math.min(...freshest))), MAX_AGE_HOURS);
  const rto = plan.tier?.rto;

  return {
    frequencyHours,
    ruleRetentionDays: ruleDays.length > 0 ? Math.min(...ruleDays) : undefined,
    recoveryPointRetentionDays: ruleDays.length + localCopyDays.length > 0 ? Math.min(...ruleDays, ...localCopyDays) : undefined,
    locked: lock !== undefined,
    lockMinDays: lock?.minRetentionDays,
    lockMaxDays: lock?.maxRetentionDays,
    maxAgeHours,
    copyRegions: distinct(plan.copies.map((copy) => copy.destinationBackupVault.env.region).filter((r) => differs(r, stack.region))),
    copyAccounts: distinct(plan.copies.map((copy) => copy.destinationBackupVault.env.account).filter((a) => differs(a, stack.account))),
    rtoMinutes: rto === undefined || isUnresolved(rto) ? undefined : Math.max(1, Math.ceil(rto.toSeconds({ integral: false }) / 60)),
  };
}

function distinct(values: string[]): string[] {
  return [...new Set(values)].slice(0, MAX_LIST);
}
