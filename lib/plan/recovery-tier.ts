import { Duration, TimeZone, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { assessRpo, checkSchedule } from '../private/schedule';
import { isUnresolved, ValidationError } from '../private/validation';

/**
 * One AWS Backup rule: when it runs, how long its recovery points live, and whether it is a
 * continuous (point-in-time) backup. Used by `RecoveryPlan.addRule()` and inside `RecoveryRule`.
 */
export interface RecoveryRuleOptions {
  /**
   * When AWS Backup starts a job. AWS Backup accepts cron expressions only
   * (`Schedule.cron({ minute: '0', hour: '2' })` is daily at 02:00) and runs a rule at most once an hour,
   * so the minutes field is a single number. For a continuous rule the schedule is the frequency at which
   * AWS Backup maintains the continuous recovery point (and takes the snapshot that a copy action copies).
   */
  readonly schedule: events.Schedule;

  /**
   * Time zone of `schedule`.
   *
   * @default - UTC
   */
  readonly scheduleTimezone?: TimeZone;

  /**
   * How long a recovery point is kept. A whole number of days: 1-36500, at most 35 for a continuous rule,
   * at least `moveToColdStorageAfter` + 90 days when cold storage is used, and inside the lock range
   * of the plan's vault when that vault has a lock.
   */
  readonly deleteAfter: Duration;

  /**
   * When a recovery point moves to cold storage. A whole number of days. Recovery points must stay
   * 90 days in cold storage, so `deleteAfter` must be at least this plus 90 days. AWS Backup ignores the
   * setting for resource types without cold storage (e.g. RDS and Aurora snapshots stay warm).
   * Not allowed on a continuous rule.
   *
   * @default - recovery points never move to cold storage
   */
  readonly moveToColdStorageAfter?: Duration;

  /**
   * Whether the rule creates a continuous backup that supports point-in-time restore (PITR)
   * for resource types that support it (RDS, Aurora, S3, SAP HANA on EC2). Retention is at most 35 days.
   *
   * @default false
   */
  readonly enableContinuousBackup?: boolean;

  /**
   * How long after the scheduled time a job may start before AWS Backup cancels it. At least 60 minutes.
   * A short window keeps a missed job from delaying the next one (and from hiding behind a longer rule:
   * when the windows of two rules overlap AWS Backup runs only the rule with the longer retention).
   *
   * @default Duration.hours(1)
   */
  readonly startWindow?: Duration;

  /**
   * How long a started job may run before AWS Backup cancels it. Should be at least `startWindow` + 60 minutes.
   *
   * @default - the AWS Backup default (7 days)
   */
  readonly completionWindow?: Duration;

  /**
   * Tags AWS Backup puts on the recovery points of this rule.
   *
   * @default - no tags
   */
  readonly recoveryPointTags?: { [key: string]: string };
}

/**
 * A named AWS Backup rule, as implied by a `RecoveryTier` or returned by `RecoveryPlan.addRule()`.
 */
export interface RecoveryRule extends RecoveryRuleOptions {
  /** Name of the rule, unique inside its plan: 1-50 letters, digits, hyphens, underscores or dots. */
  readonly ruleName: string;
}

/** Options of `RecoveryTier.custom()`. */
export interface CustomRecoveryTierOptions {
  /** Display name of the tier, for reports and alarms (e.g. 'Gold'). */
  readonly name: string;

  /**
   * Recovery point objective: the most data, measured in time, the tier may lose.
   * Unless a rule is continuous, the most frequent rule must run at least this often.
   */
  readonly rpo: Duration;

  /** Recovery time objective: the longest the tier may be down during a recovery. */
  readonly rto: Duration;

  /**
   * The backup rules the tier implies (at least one, unique names). Their cron schedules are checked here;
   * the rest of AWS Backup's constraints (lifecycle, windows, vault lock) when a `RecoveryPlan` uses the tier.
   */
  readonly rules: RecoveryRule[];
}

// Every number below comes from seed 001 (Deeldesk, "Backup & Disaster Recovery Strategy"):
// the "By Plan Tier" table (RTO, RPO, frequency), "Base Backups" (full backup daily at 02:00 UTC, 30 days)
// and "Continuous WAL Archiving" (WAL kept 7 days, recovery to any point within 7 days).

/** Seed 001: "Full backup | Daily at 02:00 UTC | 30 days". */
const DAILY_RETENTION = Duration.days(30);
/**
 * Seed 001 keeps WAL (its point-in-time data) for 7 days; the tiers keep their sub-daily snapshots and
 * their continuous backup just as long. Daily snapshots (30 days) cover the longer history.
 */
const FREQUENT_RETENTION = Duration.days(7);
/** AWS Backup's minimum start window; short so that a missed job does not delay the next one. */
const START_WINDOW = Duration.hours(1);

function dailyAt0200(): events.Schedule {
  return events.Schedule.cron({ minute: '0', hour: '2' });
}

function freeze(rules: RecoveryRule[]): RecoveryRule[] {
  return Object.freeze(rules.map((rule) => Object.freeze({ ...rule }))) as RecoveryRule[];
}

/**
 * A recovery tier: recovery objectives (RPO, RTO) and the AWS Backup rules that meet them.
 *
 * The presets are the tiers of seed 001 (Deeldesk, "By Plan Tier"); every schedule is in UTC:
 *
 * | tier | RTO | RPO | rules |
 * |---|---|---|---|
 * | `FREE` | 8 h | 24 h | `Daily` 02:00, kept 30 days |
 * | `PRO` | 4 h | 4 h | `Every4Hours` (00:00, 04:00, ...), kept 7 days |
 * | `TEAM` | 2 h | 1 h | `Hourly` (minute 0), kept 7 days |
 * | `ENTERPRISE` | 1 h | 15 min | `Continuous` (PITR, kept 7 days) + `Daily` 02:00, kept 30 days |
 *
 * Daily snapshots keep 30 days (seed 001, full backups). Sub-daily snapshots and continuous backups keep
 * 7 days, the seed's WAL retention (its point-in-time window); AWS Backup allows continuous backups 1-35 days.
 * ENTERPRISE also keeps the daily rule because AWS Backup recommends both continuous and snapshot rules,
 * and because a copy to another vault is always a snapshot, never a continuous backup.
 * Every rule has a 1-hour start window (the AWS Backup minimum).
 *
 * A `RecoveryPlan` adds the tier's rules and, by default, the weekly and monthly rules of a
 * grandfather-father-son rotation (see `GfsRules`).
 */
export class RecoveryTier {
  /** Seed 001 "Free": RTO 8 hours, RPO 24 hours, a daily backup at 02:00 UTC kept 30 days. */
  public static readonly FREE = new RecoveryTier('Free', Duration.hours(24), Duration.hours(8), [
    { ruleName: 'Daily', schedule: dailyAt0200(), deleteAfter: DAILY_RETENTION, startWindow: START_WINDOW },
  ]);

  /** Seed 001 "Pro": RTO 4 hours, RPO 4 hours, a backup every 4 hours (00:00, 04:00, ... UTC) kept 7 days. */
  public static readonly PRO = new RecoveryTier('Pro', Duration.hours(4), Duration.hours(4), [
    {
      ruleName: 'Every4Hours',
      schedule: events.Schedule.cron({ minute: '0', hour: '0/4' }),
      deleteAfter: FREQUENT_RETENTION,
      startWindow: START_WINDOW,
    },
  ]);

  /** Seed 001 "Team": RTO 2 hours, RPO 1 hour, an hourly backup (minute 0) kept 7 days. */
  public static readonly TEAM = new RecoveryTier('Team', Duration.hours(1), Duration.hours(2), [
    {
      ruleName: 'Hourly',
      schedule: events.Schedule.cron({ minute: '0', hour: '*' }),
      deleteAfter: FREQUENT_RETENTION,
      startWindow: START_WINDOW,
    },
  ]);

  /**
   * Seed 001 "Enterprise": RTO 1 hour, RPO 15 minutes. A continuous backup (point-in-time restore, kept 7 days,
   * maintained daily at 02:00 UTC) plus a daily snapshot at 02:00 UTC kept 30 days, which is what copies
   * to other vaults are made from.
   */
  public static readonly ENTERPRISE = new RecoveryTier('Enterprise', Duration.minutes(15), Duration.hours(1), [
    {
      ruleName: 'Continuous',
      schedule: dailyAt0200(),
      deleteAfter: FREQUENT_RETENTION,
      enableContinuousBackup: true,
      startWindow: START_WINDOW,
    },
    { ruleName: 'Daily', schedule: dailyAt0200(), deleteAfter: DAILY_RETENTION, startWindow: START_WINDOW },
  ]);

  /**
   * A tier of your own. Its RPO is checked against its rules: unless one rule is continuous,
   * the most frequent rule must run at least once per `rpo`. The gaps between runs are computed for hours given
   * as numbers, lists, ranges or steps (`2`, `1,13`, `8-17`, `0/4`) on every day, on days of the week (`MON-FRI`)
   * or on days 1-28 of the month; when no rule meets `rpo` and some schedule has another shape
   * (`L`, `W`, `#`, days 29-31, months), a `RecoveryPlan` using the tier warns that the RPO is not verified.
   */
  public static custom(options: CustomRecoveryTierOptions): RecoveryTier {
    return new RecoveryTier(options.name, options.rpo, options.rto, options.rules);
  }

  /** Display name of the tier ('Free', 'Pro', 'Team', 'Enterprise' or a custom name). */
  public readonly name: string;

  /** Recovery point objective: the most data, measured in time, the tier may lose. */
  public readonly rpo: Duration;

  /** Recovery time objective: the longest the tier may be down during a recovery. */
  public readonly rto: Duration;

  /** The AWS Backup rules this tier implies (read-only). */
  public readonly rules: RecoveryRule[];

  private constructor(name: string, rpo: Duration, rto: Duration, rules: RecoveryRule[]) {
    if (!Token.isUnresolved(name) && name.trim().length === 0) {
      throw new ValidationError("RecoveryTier name is empty; give the tier a display name (e.g. 'Gold')");
    }
    checkPositive(`RecoveryTier '${name}' rpo`, rpo);
    checkPositive(`RecoveryTier '${name}' rto`, rto);
    if (!rules || rules.length === 0) {
      throw new ValidationError(
        `RecoveryTier '${name}' rules is empty; a tier needs at least one rule ` +
          "(e.g. { ruleName: 'Daily', schedule: Schedule.cron({ minute: '0', hour: '2' }), deleteAfter: Duration.days(30) })",
      );
    }
    const seen = new Set<string>();
    for (const rule of rules) {
      if (Token.isUnresolved(rule.ruleName)) {
        continue;
      }
      if (seen.has(rule.ruleName)) {
        throw new ValidationError(
          `RecoveryTier '${name}' has two rules named '${rule.ruleName}'; rule names must be unique inside a plan`,
        );
      }
      seen.add(rule.ruleName);
    }
    checkRules(name, rpo, rules);

    this.name = name;
    this.rpo = rpo;
    this.rto = rto;
    this.rules = freeze(rules);
  }

  /** The tier's display name. */
  public toString(): string {
    return this.name;
  }
}

function checkPositive(prop: string, value: Duration): void {
  if (isUnresolved(value)) {
    return;
  }
  if (value.toMilliseconds() <= 0) {
    throw new ValidationError(`${prop} is ${value.toHumanString()}; it must be longer than zero (e.g. Duration.hours(1))`);
  }
}

/**
 * The cron shape of every rule (checked here: a tier cannot be built from a schedule AWS Backup rejects) and,
 * unless a rule is continuous, that the most frequent rule runs at least once per RPO. A schedule whose gaps
 * cannot be computed is left to `RecoveryPlan`, which warns that the RPO is not verified.
 */
function checkRules(name: string, rpo: Duration, rules: RecoveryRule[]): void {
  for (const rule of rules) {
    if (rule.schedule) {
      checkSchedule(`RecoveryTier '${name}' rule '${rule.ruleName}' schedule`, rule.schedule);
    }
  }
  const { tooSlow } = assessRpo(rpo, rules);
  if (tooSlow) {
    throw new ValidationError(
      `RecoveryTier '${name}' rpo is ${rpo.toHumanString()}, but its most frequent rule '${tooSlow.ruleName}' ` +
        `(${tooSlow.expression}) can leave ${tooSlow.hours} hours between recovery points; ` +
        "add a rule that runs at least once per rpo (e.g. Schedule.cron({ minute: '0', hour: '*' }) for hourly), " +
        'a continuous rule (enableContinuousBackup), or raise rpo',
    );
  }
}
