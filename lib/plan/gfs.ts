import { Duration, TimeZone } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { LifecycleAge } from '../common';

/**
 * One rule of the grandfather-father-son rotation (`GfsRules.daily`, `.weekly`, `.monthly`).
 * Every field defaults to the numbers of seed 001 (Deeldesk "Base Backups" and "Retention Policy").
 */
export interface GfsRuleOptions {
  /**
   * Whether the rule is created.
   *
   * @default - true, except for `daily` when it is not given and the tier already has a rule named 'Daily'
   * (FREE and ENTERPRISE): that rule is then the daily step of the rotation
   */
  readonly enabled?: boolean;

  /**
   * When the rule runs (cron, UTC unless `scheduleTimezone` is set).
   * Seed 001: daily at 02:00 UTC, weekly on Sunday at 02:00 UTC, monthly on the 1st (at 02:00 UTC here,
   * the seed gives no time). The three rules coincide at 02:00 on purpose: when the start windows of rules
   * overlap, AWS Backup takes one backup and keeps it for the longest retention (weekly on Sundays, monthly on the 1st).
   *
   * @default - daily `cron(0 2 * * ? *)`, weekly `cron(0 2 ? * SUN *)`, monthly `cron(0 2 1 * ? *)`
   */
  readonly schedule?: events.Schedule;

  /**
   * Time zone of `schedule`.
   *
   * @default - UTC
   */
  readonly scheduleTimezone?: TimeZone;

  /**
   * How long the recovery points are kept. Seed 001: daily 30 days, weekly 90 days, monthly 1 year.
   *
   * @default - daily Duration.days(30), weekly Duration.days(90), monthly Duration.days(365)
   */
  readonly deleteAfter?: Duration;

  /**
   * When the recovery points move to cold storage (only for resource types that support it; RDS and Aurora
   * snapshots stay warm), or `LifecycleAge.NEVER` to keep them warm. Seed 001 moves monthly backups to Glacier after
   * 90 days.
   *
   * @default - monthly LifecycleAge.after(Duration.days(90)); daily and weekly LifecycleAge.NEVER
   */
  readonly moveToColdStorageAfter?: LifecycleAge;

  /**
   * How long after the scheduled time a job may start. At least 60 minutes.
   *
   * @default Duration.hours(1)
   */
  readonly startWindow?: Duration;

  /**
   * How long a started job may run.
   *
   * @default - the AWS Backup default (7 days)
   */
  readonly completionWindow?: Duration;
}

/**
 * Grandfather-father-son rules: daily (son), weekly (father), monthly (grandfather).
 * Defaults from seed 001: daily at 02:00 UTC kept 30 days; weekly on Sunday at 02:00 UTC kept 90 days;
 * monthly on the 1st at 02:00 UTC kept 365 days, in cold storage after 90 days.
 */
export interface GfsRules {
  /**
   * The daily rule, named 'Daily'.
   *
   * @default - daily at 02:00 UTC, kept 30 days; not created when the tier already has a rule named 'Daily'
   */
  readonly daily?: GfsRuleOptions;

  /**
   * The weekly rule, named 'Weekly'.
   *
   * @default - Sundays at 02:00 UTC, kept 90 days
   */
  readonly weekly?: GfsRuleOptions;

  /**
   * The monthly rule, named 'Monthly'.
   *
   * @default - the 1st of each month at 02:00 UTC, kept 365 days, in cold storage after 90 days
   */
  readonly monthly?: GfsRuleOptions;
}
