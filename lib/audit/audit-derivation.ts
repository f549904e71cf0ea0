import { Duration, Stack, Token, TokenComparison } from 'aws-cdk-lib';
import { RecoveryPlan } from '../plan';
import { cronGapHours } from '../private/schedule';
import { isUnresolved } from '../private/validation';

// What a RecoveryPlan promises, read through its public API, as the numbers the audit controls take. Plain numbers
// and strings: `BackupAuditFramework` turns them into controls (this file cannot import it without a cycle).

/** The last recovery point's age a plan without a tier is audited against: a daily backup, plus an hour to run. */
export const DEFAULT_MAX_AGE_HOURS = 25;
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
  /** How old the last recovery point may be: the tier's RPO in whole hours (at least 1, at most 744), else 25. */
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

  const gaps = rules
    .map((rule) => rule.schedule.expressionString)
    .filter((expression) => !Token.isUnresolved(expression))
    .map((expression) => cronGapHours(expression))
    .filter((gap): gap is number => gap !== undefined);
  const shortestGap = gaps.length > 0 ? Math.min(...gaps) : undefined;
  const frequencyHours = shortestGap === undefined ? undefined
    : shortestGap <= 24 ? shortestGap
      : Math.min(Math.ceil(shortestGap / 24), MAX_FREQUENCY_DAYS) * 24;

  const days = (value: Duration) => (isUnresolved(value) ? undefined : value.toDays({ integral: false }));
  const ruleDays = rules.map((rule) => days(rule.deleteAfter)).filter((d): d is number => d !== undefined);
  const localCopyDays = plan.copies
    .filter((copy) => !differs(copy.destinationBackupVault.env.account, stack.account)
      && !differs(copy.destinationBackupVault.env.region, stack.region))
    .map((copy) => days(copy.deleteAfter))
    .filter((d): d is number => d !== undefined);

  const lock = plan.backupVault.vaultLock;

  const rpo = plan.tier?.rpo;
  const maxAgeHours = rpo === undefined || isUnresolved(rpo)
    ? DEFAULT_MAX_AGE_HOURS
    : Math.min(Math.max(1, Math.ceil(rpo.toMinutes({ integral: false }) / 60)), MAX_AGE_HOURS);
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

/** True when both are known and differ. */
function differs(a: string, b: string): boolean {
  return Token.compareStrings(a, b) === TokenComparison.DIFFERENT;
}

function distinct(values: string[]): string[] {
  return [...new Set(values)].slice(0, MAX_LIST);
}
