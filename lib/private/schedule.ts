import { Duration, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { IConstruct } from 'constructs';
import { cronGapHours, parseCronExpression } from './cron';
import { isUnresolved, ValidationError } from './validation';

// The checks of schedules that constructs make; the cron parser and the gaps between runs live in cron.ts.
export type { CronFields } from './cron';
export { cronGapHours, cronMaxGapHours, describeDays, mayShareDay, parseCron } from './cron';

const EXAMPLE = "(e.g. Schedule.cron({ minute: '0', hour: '2' }) for daily at 02:00 UTC)";

/**
 * Checks that a schedule is an AWS Backup cron expression: six fields, one minute, exactly one of
 * day-of-month and day-of-week '?', every value in range (day-of-month 1-31, month 1-12 or JAN-DEC,
 * day-of-week 1-7 or SUN-SAT). Tokens are skipped. The message starts with `prop`.
 */
export function checkSchedule(prop: string, schedule: events.Schedule, scope?: IConstruct): void {
  const expression = schedule.expressionString;
  if (Token.isUnresolved(expression)) {
    return;
  }
  const { problem } = parseCronExpression(expression);
  if (problem !== undefined) {
    throw new ValidationError(`${prop} '${expression}' ${problem} ${EXAMPLE}`, scope);
  }
}

/** What the RPO check needs of a rule (a `RecoveryRule`). */
export interface ScheduledRule {
  readonly ruleName: string;
  readonly schedule?: events.Schedule;
  readonly enableContinuousBackup?: boolean;
}

/** A rule and its schedule's expression. */
export interface RuleSchedule {
  readonly ruleName: string;
  readonly expression: string;
}

/** The outcome of comparing an RPO with the schedules of a set of rules. */
export interface RpoAssessment {
  /** The most frequent rule, when its longest gap exceeds the RPO and every schedule could be read. */
  readonly tooSlow?: RuleSchedule & { readonly hours: number };
  /** Rules whose schedules cannot be read, when the readable ones do not already meet the RPO. */
  readonly unreadable: RuleSchedule[];
}

/**
 * Unless a rule is continuous, the most frequent rule must run at least once per RPO. Tokens (an RPO or a
 * schedule) are not compared. When a readable rule meets the RPO the others do not matter; otherwise every
 * schedule that cannot be read is reported in `unreadable` (the RPO cannot be verified), and only when all
 * could be read is `tooSlow` set.
 */
export function assessRpo(rpo: Duration, rules: readonly ScheduledRule[]): RpoAssessment {
  if (isUnresolved(rpo) || rules.some((rule) => rule.enableContinuousBackup === true)) {
    return { unreadable: [] };
  }
  const rpoHours = rpo.toMinutes({ integral: false }) / 60;
  const unreadable: RuleSchedule[] = [];
  let token = false;
  let best: (RuleSchedule & { hours: number }) | undefined;
  for (const rule of rules) {
    const expression = rule.schedule?.expressionString;
    if (expression === undefined || Token.isUnresolved(expression)) {
      token = true; // a missing schedule is reported by the plan
      continue;
    }
    const hours = cronGapHours(expression);
    if (hours === undefined) {
      unreadable.push({ ruleName: rule.ruleName, expression });
    } else if (!best || hours < best.hours) {
      best = { ruleName: rule.ruleName, expression, hours };
    }
  }
  if (best && best.hours <= rpoHours) {
    return { unreadable: [] };
  }
  if (unreadable.length > 0 || token) {
    return { unreadable };
  }
  return { tooSlow: best, unreadable: [] };
}
