// The one cron parser of the library (lib/private/schedule.ts): shape checks, gaps between runs (RPO), days two
// schedules may share (copy-overlap warning). The constructs' own tests cover how RecoveryPlan and RecoveryTier use it.

import { App, Duration, Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import {
  assessRpo, checkSchedule, CronFields, cronGapHours, describeDays, mayShareDay, parseCron, ScheduledRule,
} from '../../lib/private/schedule';

const EXAMPLE = "(e.g. Schedule.cron({ minute: '0', hour: '2' }) for daily at 02:00 UTC)";
const NOT_CRON = 'is not a cron expression; AWS Backup schedules are cron(minutes hours day-of-month month day-of-week year)';
const HOURS = 'allowed: 0-23, *, lists, ranges or steps';
const DAY_OF_MONTH = 'allowed: 1-31, *, ?, L, W, lists, ranges or steps';
const MONTH = 'allowed: 1-12 or JAN-DEC, *, lists, ranges or steps';
const DAY_OF_WEEK = 'allowed: 1-7 or SUN-SAT, *, ?, L, #, lists or ranges';
const YEAR = 'allowed: *, a year, lists, ranges or steps';

/** The fields of an expression the parser accepts (fails the test otherwise). */
function cron(expression: string): CronFields {
  const fields = parseCron(expression);
  if (fields === undefined) {
    throw new Error(`test setup: '${expression}' does not parse`);
  }
  return fields;
}

function rule(ruleName: string, expression: string, enableContinuousBackup?: boolean): ScheduledRule {
  return { ruleName, schedule: events.Schedule.expression(expression), enableContinuousBackup };
}

describe('parseCron', () => {
  test('reads the six fields as written', () => {
    expect(parseCron('cron(15 2,14 ? * MON-FRI 2030)')).toEqual({
      minute: '15', hour: '2,14', dayOfMonth: '?', month: '*', dayOfWeek: 'MON-FRI', year: '2030',
    });
  });

  test.each([
    ' cron(0 2 * * ? *) ',
    'cron( 0 2 * * ? * )',
    'cron(0  2\t* *   ? *)',
  ])('reads %p, ignoring extra white space', (expression) => {
    expect(parseCron(expression)).toEqual({ minute: '0', hour: '2', dayOfMonth: '*', month: '*', dayOfWeek: '?', year: '*' });
  });

  test.each([
    'rate(1 hour)',
    'cron(0 2 * * ?)',
    'cron(60 2 * * ? *)',
    'cron(0 24 * * ? *)',
    'cron(0 2 ? * ? *)',
  ])('returns undefined for %p', (expression) => {
    expect(parseCron(expression)).toBeUndefined();
  });
});

describe('checkSchedule', () => {
  const check = (expression: string) => () => checkSchedule('schedule', events.Schedule.expression(expression));

  test.each<[string, string]>([
    ['rate(1 day)', NOT_CRON],
    ['xcron(0 2 * * ? *)', NOT_CRON],
    ['cron(0 2 * * ? *)x', NOT_CRON],
    ['cron 0 2 * * ? *', NOT_CRON],
    ['cron(0 2 * * ?)', 'has 5 fields; a cron expression has 6: minutes hours day-of-month month day-of-week year'],
    ['cron(0 2 * * ? * *)', 'has 7 fields; a cron expression has 6: minutes hours day-of-month month day-of-week year'],
  ])('fails when the expression is %p', (expression, problem) => {
    expect(check(expression)).toThrow(`schedule '${expression}' ${problem} ${EXAMPLE}`);
  });

  test.each(['60', '61', '99', '100', '5a', '*', '*/15', '0/30', '0,30', '0-30', '-1'])('fails when minutes is %p', (minute) => {
    const expression = `cron(${minute} 2 * * ? *)`;
    expect(check(expression)).toThrow(
      `schedule '${expression}' has minutes '${minute}'; AWS Backup runs a rule at most once an hour, so minutes is one number 0-59 ${EXAMPLE}`);
  });

  test.each([
    ['*', '*'],
    ['1', 'MON'],
    ['?', '?'],
    ['L', '2'],
  ])('fails when day-of-month is %p and day-of-week %p', (dayOfMonth, dayOfWeek) => {
    const expression = `cron(0 2 ${dayOfMonth} * ${dayOfWeek} *)`;
    expect(check(expression)).toThrow(`schedule '${expression}' has day-of-month '${dayOfMonth}' and day-of-week '${dayOfWeek}'; ` +
      `exactly one of them must be '?' ${EXAMPLE}`);
  });

  test.each<[string, string, string, string]>([
    ['hours', 'cron(0 24 * * ? *)', '24', HOURS],
    ['hours', 'cron(0 8-25 * * ? *)', '8-25', HOURS],
    ['hours', 'cron(0 100 * * ? *)', '100', HOURS],
    ['hours', 'cron(0 0/0 * * ? *)', '0/0', HOURS],
    ['hours', 'cron(0 */0 * * ? *)', '*/0', HOURS],
    ['hours', 'cron(0 1,,2 * * ? *)', '1,,2', HOURS],
    ['hours', 'cron(0 ? * * ? *)', '?', HOURS],
    ['hours', 'cron(0 two * * ? *)', 'two', HOURS],
    ['day-of-month', 'cron(0 2 0 * ? *)', '0', DAY_OF_MONTH],
    ['day-of-month', 'cron(0 2 32 * ? *)', '32', DAY_OF_MONTH],
    ['day-of-month', 'cron(0 2 1-32 * ? *)', '1-32', DAY_OF_MONTH],
    ['day-of-month', 'cron(0 2 0W * ? *)', '0W', DAY_OF_MONTH],
    ['day-of-month', 'cron(0 2 32W * ? *)', '32W', DAY_OF_MONTH],
    ['day-of-month', 'cron(0 2 L2 * ? *)', 'L2', DAY_OF_MONTH],
    ['day-of-month', 'cron(0 2 1/0 * ? *)', '1/0', DAY_OF_MONTH],
    ['month', 'cron(0 2 1 0 ? *)', '0', MONTH],
    ['month', 'cron(0 2 1 13 ? *)', '13', MONTH],
    ['month', 'cron(0 2 1 JANUARY ? *)', 'JANUARY', MONTH],
    ['month', 'cron(0 2 1 L ? *)', 'L', MONTH],
    ['day-of-week', 'cron(0 2 ? * 0 *)', '0', DAY_OF_WEEK],
    ['day-of-week', 'cron(0 2 ? * 8 *)', '8', DAY_OF_WEEK],
    ['day-of-week', 'cron(0 2 ? * 10 *)', '10', DAY_OF_WEEK],
    ['day-of-week', 'cron(0 2 ? * SUNDAY *)', 'SUNDAY', DAY_OF_WEEK],
    ['day-of-week', 'cron(0 2 ? * MON#0 *)', 'MON#0', DAY_OF_WEEK],
    ['day-of-week', 'cron(0 2 ? * MON#6 *)', 'MON#6', DAY_OF_WEEK],
    ['day-of-week', 'cron(0 2 ? * 8#1 *)', '8#1', DAY_OF_WEEK],
    ['day-of-week', 'cron(0 2 ? * 8L *)', '8L', DAY_OF_WEEK],
    ['day-of-week', 'cron(0 2 ? * LW *)', 'LW', DAY_OF_WEEK],
    ['year', 'cron(0 2 * * ? 99)', '99', YEAR],
    ['year', 'cron(0 2 * * ? 20300)', '20300', YEAR],
    ['year', 'cron(0 2 * * ? L)', 'L', YEAR],
  ])('fails when %s is out of range or malformed: %p', (name, expression, value, allowed) => {
    expect(check(expression)).toThrow(`schedule '${expression}' has ${name} '${value}'; ${allowed} ${EXAMPLE}`);
  });

  test.each([
    // minutes: one number
    'cron(0 2 * * ? *)', 'cron(5 2 * * ? *)', 'cron(07 2 * * ? *)', 'cron(59 2 * * ? *)',
    // hours: boundaries, lists, ranges (also wrapping), steps; a number after '/' is a step, not an hour
    'cron(0 0 * * ? *)', 'cron(0 23 * * ? *)', 'cron(0 0-23 * * ? *)', 'cron(0 22-2 * * ? *)', 'cron(0 14,2 * * ? *)',
    'cron(0 */1 * * ? *)', 'cron(0 0/4 * * ? *)', 'cron(0 0/06 * * ? *)', 'cron(0 2/24 * * ? *)', 'cron(0 1-19/6,22 * * ? *)',
    // day-of-month
    'cron(0 2 1 * ? *)', 'cron(0 2 31 * ? *)', 'cron(0 2 L * ? *)', 'cron(0 2 LW * ? *)', 'cron(0 2 15W * ? *)',
    'cron(0 2 1-15/2 * ? *)',
    // month
    'cron(0 2 1 1 ? *)', 'cron(0 2 1 12 ? *)', 'cron(0 2 1 JAN ? *)', 'cron(0 2 1 dec ? *)', 'cron(0 2 1 JAN-MAR ? *)',
    'cron(0 2 1 */3 ? *)',
    // day-of-week
    'cron(0 2 ? * 1 *)', 'cron(0 2 ? * 7 *)', 'cron(0 2 ? * SUN *)', 'cron(0 2 ? * sat *)', 'cron(0 2 ? * MON-FRI *)',
    'cron(0 2 ? * 1,7 *)', 'cron(0 2 ? * L *)', 'cron(0 2 ? * 6L *)', 'cron(0 2 ? * FRIL *)', 'cron(0 2 ? * MON#1 *)',
    'cron(0 2 ? * 2#5 *)', 'cron(0 2 ? * * *)',
    // year
    'cron(0 2 * * ? 2030)', 'cron(0 2 * * ? 2030-2035)', 'cron(0 2 * * ? 2030/2)', 'cron(0 2 * * ? 2030,2040)',
  ])('accepts %p', (expression) => {
    expect(check(expression)).not.toThrow();
    expect(parseCron(expression)).toBeDefined();
  });

  test('fails when the schedule is a rate', () => {
    expect(() => checkSchedule('schedule', events.Schedule.rate(Duration.hours(1))))
      .toThrow(`schedule 'rate(1 hour)' ${NOT_CRON} ${EXAMPLE}`);
  });

  test('fails with the path of the construct that has the schedule', () => {
    const scope = new Stack(new App(), 'Stack');
    expect(() => checkSchedule('rule Daily schedule', events.Schedule.expression('cron(0 2 ? * ? *)'), scope))
      .toThrow(`Stack: rule Daily schedule 'cron(0 2 ? * ? *)' has day-of-month '?' and day-of-week '?'; exactly one of them must be '?' ${EXAMPLE}`);
  });

  test('tokens are not validated', () => {
    expect(() => checkSchedule('schedule', events.Schedule.expression(Token.asString({ Ref: 'Schedule' })))).not.toThrow();
  });
});

describe('cronGapHours', () => {
  test.each<[string, string, number]>([
    ['daily', 'cron(0 2 * * ? *)', 24],
    ['daily, day-of-week *', 'cron(0 2 ? * * *)', 24],
    ['daily, every day of the week', 'cron(0 2 ? * 1-7 *)', 24],
    ['hourly', 'cron(0 * * * ? *)', 1],
    ['an hour list out of order', 'cron(0 14,2 * * ? *)', 12],
    ['an hour list out of order, four hours', 'cron(0 20,3,14,9 * * ? *)', 7],
    ['hours that sort differently as text', 'cron(0 9,10 * * ? *)', 23],
    ['an hour listed twice', 'cron(0 5,5 * * ? *)', 24],
    ['a one-hour range', 'cron(0 5-5 * * ? *)', 24],
    ['a step from an hour', 'cron(0 3/8 * * ? *)', 8],
    ['a step from *', 'cron(0 */6 * * ? *)', 6],
    ['a two-digit step', 'cron(0 0/12 * * ? *)', 12],
    ['a step within a range', 'cron(0 8-17/3 * * ? *)', 15],
    ['a step longer than the day', 'cron(0 2/24 * * ? *)', 24],
    ['a range and an hour', 'cron(0 0-6,12 * * ? *)', 12],
    ['two days of the week', 'cron(0 2,14 ? * SUN,WED *)', 84],
    ['days of the week out of order', 'cron(0 2 ? * 7,1 *)', 144],
    ['a day name in lower case', 'cron(0 2 ? * sun *)', 168],
    ['every other day of the week', 'cron(0 2 ? * */2 *)', 48],
    ['day 28 of the month', 'cron(0 2 28 * ? *)', 744],
    ['days 1-28 of the month', 'cron(0 2 1-28 * ? *)', 96],
    ['days out of order', 'cron(0 2 15,1 * ? *)', 408],
  ])('%s (%s): %p hours', (_label, expression, hours) => {
    expect(cronGapHours(expression)).toBe(hours);
  });

  test.each<[string, string]>([
    ['an hour range that wraps around midnight', 'cron(0 22-2 * * ? *)'],
    ['a day-of-week range that wraps around the week', 'cron(0 2 ? * FRI-MON *)'],
    ['day 29 of the month (not in every month)', 'cron(0 2 29 * ? *)'],
    ['a list with day 31', 'cron(0 2 1,31 * ? *)'],
    ['the last day of the month', 'cron(0 2 L * ? *)'],
    ['the weekday nearest the 15th', 'cron(0 2 15W * ? *)'],
    ['the first Monday', 'cron(0 2 ? * MON#1 *)'],
    ['the last Friday', 'cron(0 2 ? * 6L *)'],
    ['a month', 'cron(0 2 * JAN ? *)'],
    ['every month written as a range', 'cron(0 2 * 1-12 ? *)'],
    ['a year', 'cron(0 2 * * ? 2030)'],
    ['an invalid expression', 'cron(60 2 * * ? *)'],
    ['a rate', 'rate(1 hour)'],
  ])('undefined for %s (%s)', (_label, expression) => {
    expect(cronGapHours(expression)).toBeUndefined();
  });
});

describe('mayShareDay', () => {
  test.each<[string, string, string, boolean]>([
    ['the same day of the week', 'cron(0 2 ? * SUN *)', 'cron(0 3 ? * SUN *)', true],
    ['the same days, by name and by number', 'cron(0 2 ? * sun,sat *)', 'cron(0 2 ? * 7 *)', true],
    ['days of the week that overlap in one day', 'cron(0 2 ? * SUN,MON *)', 'cron(0 2 ? * MON,TUE *)', true],
    ['weekdays and Friday', 'cron(0 2 ? * MON-FRI *)', 'cron(0 2 ? * 6 *)', true],
    ['weekdays and every other day', 'cron(0 2 ? * MON-FRI *)', 'cron(0 2 ? * */2 *)', true],
    ['Sunday and Monday', 'cron(0 2 ? * SUN *)', 'cron(0 2 ? * MON *)', false],
    ['Saturday and day 1 (Sunday)', 'cron(0 2 ? * SAT *)', 'cron(0 2 ? * 1 *)', false],
    ['weekdays and the weekend', 'cron(0 2 ? * MON-FRI *)', 'cron(0 2 ? * SAT,SUN *)', false],
    ['weekdays and every sixth day from Sunday', 'cron(0 2 ? * MON-FRI *)', 'cron(0 2 ? * 1/6 *)', false],
    ['every day and Sunday', 'cron(0 2 * * ? *)', 'cron(0 2 ? * SUN *)', true],
    ['Sunday and every day of the week', 'cron(0 2 ? * SUN *)', 'cron(0 2 ? * * *)', true],
    ['a day of the week and a day of the month', 'cron(0 2 ? * SUN *)', 'cron(0 2 1 * ? *)', true],
    ['the same day of the month', 'cron(0 2 1 * ? *)', 'cron(0 5 1 * ? *)', true],
    ['a range of days and its last day', 'cron(0 2 1-7 * ? *)', 'cron(0 2 7 * ? *)', true],
    ['days 1 and 15', 'cron(0 2 1 * ? *)', 'cron(0 2 15 * ? *)', false],
    ['the last day of the month and day 1 (cannot tell)', 'cron(0 2 L * ? *)', 'cron(0 2 1 * ? *)', true],
    ['day 1 and the weekday nearest the 15th (cannot tell)', 'cron(0 2 1 * ? *)', 'cron(0 2 15W * ? *)', true],
    ['the first Monday and Tuesday (cannot tell)', 'cron(0 2 ? * MON#1 *)', 'cron(0 2 ? * TUE *)', true],
    ['a wrapping range and Wednesday (cannot tell)', 'cron(0 2 ? * FRI-MON *)', 'cron(0 2 ? * WED *)', true],
    ['January by name and by number', 'cron(0 2 1 JAN ? *)', 'cron(0 2 1 1 ? *)', true],
    ['January and February', 'cron(0 2 1 jan ? *)', 'cron(0 2 1 FEB ? *)', false],
    ['every month and January', 'cron(0 2 1 * ? *)', 'cron(0 2 1 JAN ? *)', true],
    ['a range of years and a year in it', 'cron(0 2 1 * ? 2030-2032)', 'cron(0 2 1 * ? 2031)', true],
    ['two different years', 'cron(0 2 1 * ? 2030)', 'cron(0 2 1 * ? 2031)', false],
  ])('%s: %p and %p -> %p', (_label, a, b, expected) => {
    expect(mayShareDay(cron(a), cron(b))).toBe(expected);
    expect(mayShareDay(cron(b), cron(a))).toBe(expected);
  });

  test.each(['0', '8', '0-3', '1-8', '1/0'])('a day-of-week %p that the parser refuses is never taken as other days', (dayOfWeek) => {
    const sunday = cron('cron(0 2 ? * SUN *)');
    expect(mayShareDay({ ...sunday, dayOfWeek }, sunday)).toBe(true);
  });
});

describe('describeDays', () => {
  test.each<[string, string]>([
    ['cron(0 2 * * ? *)', 'every day'],
    ['cron(0 2 ? * * *)', 'every day'],
    ['cron(0 2 ? * SUN *)', 'day-of-week SUN'],
    ['cron(0 2 1 * ? *)', 'day-of-month 1'],
    ['cron(0 2 1 JAN ? *)', 'day-of-month 1 in month JAN'],
    ['cron(0 2 ? * MON-FRI 2030)', 'day-of-week MON-FRI in year 2030'],
    ['cron(0 2 * JAN,JUL ? 2030)', 'every day in month JAN,JUL in year 2030'],
  ])('%p runs on %p', (expression, days) => {
    expect(describeDays(cron(expression))).toBe(days);
  });
});

describe('assessRpo', () => {
  const daily = rule('Daily', 'cron(0 2 * * ? *)');
  const lastDay = rule('LastDay', 'cron(0 2 L * ? *)');

  test.each<[string, Duration, ScheduledRule[]]>([
    ['the gap equals the rpo', Duration.hours(24), [daily]],
    ['the most frequent of several rules meets the rpo', Duration.hours(4), [daily, rule('Every4Hours', 'cron(0 */4 * * ? *)')]],
    ['an hourly rule meets an rpo of 90 minutes', Duration.minutes(90), [rule('Hourly', 'cron(0 * * * ? *)')]],
    ['a readable rule meets the rpo, another is not readable', Duration.hours(24), [lastDay, daily]],
    ['a readable rule meets the rpo, another has a token schedule', Duration.hours(24),
      [{ ruleName: 'Token', schedule: events.Schedule.expression(Token.asString({ Ref: 'Schedule' })) }, daily]],
    ['a rule is continuous', Duration.minutes(1), [daily, rule('Continuous', 'cron(0 5 * * ? *)', true)]],
    ['the rpo is a token', Duration.hours(Token.asNumber({ Ref: 'Rpo' })), [daily]],
    ['there is no rule', Duration.hours(1), []],
  ])('nothing to report when %s', (_label, rpo, rules) => {
    expect(assessRpo(rpo, rules)).toEqual({ unreadable: [] });
  });

  test('the most frequent rule is too slow when its gap exceeds the rpo', () => {
    expect(assessRpo(Duration.hours(23), [daily])).toEqual({
      tooSlow: { ruleName: 'Daily', expression: 'cron(0 2 * * ? *)', hours: 24 },
      unreadable: [],
    });
  });

  test('an rpo in minutes is compared in fractions of an hour', () => {
    expect(assessRpo(Duration.minutes(90), [rule('Every2Hours', 'cron(0 */2 * * ? *)')])).toEqual({
      tooSlow: { ruleName: 'Every2Hours', expression: 'cron(0 */2 * * ? *)', hours: 2 },
      unreadable: [],
    });
  });

  test('an rpo in seconds is compared in fractions of an hour', () => {
    const hourly = rule('Hourly', 'cron(0 * * * ? *)');
    expect(assessRpo(Duration.seconds(3630), [hourly])).toEqual({ unreadable: [] });
    expect(assessRpo(Duration.seconds(3599), [hourly])).toEqual({
      tooSlow: { ruleName: 'Hourly', expression: 'cron(0 * * * ? *)', hours: 1 },
      unreadable: [],
    });
  });

  test('of several too-slow rules the most frequent is reported, the first of equals', () => {
    const rules = [daily, rule('Weekly', 'cron(0 2 ? * SUN *)'), rule('Evening', 'cron(0 20 * * ? *)'), rule('Twice', 'cron(0 2,14 * * ? *)')];
    expect(assessRpo(Duration.hours(6), rules)).toEqual({
      tooSlow: { ruleName: 'Twice', expression: 'cron(0 2,14 * * ? *)', hours: 12 },
      unreadable: [],
    });
    expect(assessRpo(Duration.hours(6), rules.slice(0, 3))).toEqual({
      tooSlow: { ruleName: 'Daily', expression: 'cron(0 2 * * ? *)', hours: 24 },
      unreadable: [],
    });
  });

  test('a rule with enableContinuousBackup false is a snapshot rule', () => {
    expect(assessRpo(Duration.hours(1), [rule('Daily', 'cron(0 2 * * ? *)', false)]).tooSlow?.ruleName).toBe('Daily');
  });

  test('rules that cannot be read are reported when no readable rule meets the rpo', () => {
    expect(assessRpo(Duration.hours(1), [lastDay, daily, rule('FirstMonday', 'cron(0 2 ? * MON#1 *)')])).toEqual({
      unreadable: [
        { ruleName: 'LastDay', expression: 'cron(0 2 L * ? *)' },
        { ruleName: 'FirstMonday', expression: 'cron(0 2 ? * MON#1 *)' },
      ],
    });
  });

  test('a token schedule or a missing one leaves the rpo unverified without naming a rule', () => {
    const token = { ruleName: 'Token', schedule: events.Schedule.expression(Token.asString({ Ref: 'Schedule' })) };
    expect(assessRpo(Duration.hours(1), [daily, token])).toEqual({ unreadable: [] });
    expect(assessRpo(Duration.hours(1), [daily, { ruleName: 'NoSchedule' }])).toEqual({ unreadable: [] });
    expect(assessRpo(Duration.hours(1), [daily, token]).tooSlow).toBeUndefined();
  });
});
