import { CfnParameter, Duration, Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { RecoveryRule, RecoveryTier } from '../../lib/plan/recovery-tier';

const daily = (deleteDays = 30): RecoveryRule => ({
  ruleName: 'Daily',
  schedule: events.Schedule.cron({ minute: '0', hour: '2' }),
  deleteAfter: Duration.days(deleteDays),
});

interface ExpectedRule {
  ruleName: string;
  schedule: string;
  deleteAfterDays: number;
  continuous: boolean;
}

describe('presets (seed 001 "By Plan Tier")', () => {
  test.each<[string, RecoveryTier, string, number, number, ExpectedRule[]]>([
    ['FREE', RecoveryTier.FREE, 'Free', 24 * 60, 8 * 60, [
      { ruleName: 'Daily', schedule: 'cron(0 2 * * ? *)', deleteAfterDays: 30, continuous: false },
    ]],
    ['PRO', RecoveryTier.PRO, 'Pro', 4 * 60, 4 * 60, [
      { ruleName: 'Every4Hours', schedule: 'cron(0 0/4 * * ? *)', deleteAfterDays: 7, continuous: false },
    ]],
    ['TEAM', RecoveryTier.TEAM, 'Team', 60, 2 * 60, [
      { ruleName: 'Hourly', schedule: 'cron(0 * * * ? *)', deleteAfterDays: 7, continuous: false },
    ]],
    ['ENTERPRISE', RecoveryTier.ENTERPRISE, 'Enterprise', 15, 60, [
      { ruleName: 'Continuous', schedule: 'cron(0 2 * * ? *)', deleteAfterDays: 7, continuous: true },
      { ruleName: 'Daily', schedule: 'cron(0 2 * * ? *)', deleteAfterDays: 30, continuous: false },
    ]],
  ])('%s has its name, RPO, RTO and rules', (_label, tier, name, rpoMinutes, rtoMinutes, expected) => {
    expect(tier.name).toBe(name);
    expect(tier.toString()).toBe(name);
    expect(tier.rpo.toMinutes()).toBe(rpoMinutes);
    expect(tier.rto.toMinutes()).toBe(rtoMinutes);
    expect(tier.rules.map((rule) => ({
      ruleName: rule.ruleName,
      schedule: rule.schedule.expressionString,
      deleteAfterDays: rule.deleteAfter.toDays(),
      continuous: rule.enableContinuousBackup === true,
    }))).toEqual(expected);
    for (const rule of tier.rules) {
      expect(rule.startWindow?.toMinutes()).toBe(60);
      expect(rule.moveToColdStorageAfter).toBeUndefined();
      expect(rule.scheduleTimezone).toBeUndefined();
    }
  });

  test('preset rules cannot be changed by a caller', () => {
    expect(() => RecoveryTier.FREE.rules.push(daily())).toThrow(TypeError);
    expect(() => {
      (RecoveryTier.FREE.rules[0] as { ruleName: string }).ruleName = 'Changed';
    }).toThrow(TypeError);
    expect(RecoveryTier.FREE.rules.map((rule) => rule.ruleName)).toEqual(['Daily']);
  });
});

describe('RecoveryTier.custom', () => {
  test('exposes what it was given', () => {
    const rules = [daily(45)];
    const tier = RecoveryTier.custom({ name: 'Gold', rpo: Duration.hours(24), rto: Duration.hours(6), rules });
    rules.push({ ...daily(), ruleName: 'Other' });

    expect(tier.name).toBe('Gold');
    expect(tier.rpo.toHours()).toBe(24);
    expect(tier.rto.toHours()).toBe(6);
    expect(tier.rules.map((rule) => [rule.ruleName, rule.deleteAfter.toDays()])).toEqual([['Daily', 45]]);
  });

  test('fails when the name is empty', () => {
    expect(() => RecoveryTier.custom({ name: ' ', rpo: Duration.hours(24), rto: Duration.hours(8), rules: [daily()] }))
      .toThrow(/RecoveryTier name is empty/);
  });

  test.each([
    ['rpo', { rpo: Duration.hours(0), rto: Duration.hours(8) }],
    ['rto', { rpo: Duration.hours(24), rto: Duration.minutes(0) }],
  ])('fails when %s is zero', (prop, durations) => {
    expect(() => RecoveryTier.custom({ name: 'Gold', ...durations, rules: [daily()] }))
      .toThrow(new RegExp(`RecoveryTier 'Gold' ${prop} is 0 \\w+; it must be longer than zero`));
  });

  test('fails when there is no rule', () => {
    expect(() => RecoveryTier.custom({ name: 'Gold', rpo: Duration.hours(24), rto: Duration.hours(8), rules: [] }))
      .toThrow(/RecoveryTier 'Gold' rules is empty; a tier needs at least one rule/);
  });

  test('fails when two rules share a name', () => {
    expect(() => RecoveryTier.custom({
      name: 'Gold', rpo: Duration.hours(24), rto: Duration.hours(8), rules: [daily(), daily(60)],
    })).toThrow(/RecoveryTier 'Gold' has two rules named 'Daily'/);
  });

  // The most frequent rule must run at least once per RPO.
  test.each<[string, string, Duration, boolean]>([
    ['hourly', 'cron(0 * * * ? *)', Duration.hours(1), true],
    ['hourly', 'cron(0 * * * ? *)', Duration.minutes(59), false],
    ['every 4 hours', 'cron(0 0/4 * * ? *)', Duration.hours(4), true],
    ['every 4 hours', 'cron(0 0/4 * * ? *)', Duration.minutes(239), false],
    ['every 5 hours from 0 (gap 5)', 'cron(0 0/5 * * ? *)', Duration.hours(5), true],
    ['every 5 hours from 0 (gap 5)', 'cron(0 0/5 * * ? *)', Duration.hours(4), false],
    ['02:00 and 14:00', 'cron(0 2,14 * * ? *)', Duration.hours(12), true],
    ['02:00 and 10:00 (gap 16)', 'cron(0 2,10 * * ? *)', Duration.hours(12), false],
    ['daily', 'cron(0 2 * * ? *)', Duration.hours(24), true],
    ['daily', 'cron(0 2 * * ? *)', Duration.hours(23), false],
    ['weekly', 'cron(0 2 ? * SUN *)', Duration.days(7), true],
    ['weekly', 'cron(0 2 ? * SUN *)', Duration.days(6), false],
    ['monthly', 'cron(0 2 1 * ? *)', Duration.days(31), true],
    ['monthly', 'cron(0 2 1 * ? *)', Duration.days(30), false],
    ['08:00 to 17:00 (gap 15 overnight)', 'cron(0 8-17 * * ? *)', Duration.hours(15), true],
    ['08:00 to 17:00 (gap 15 overnight)', 'cron(0 8-17 * * ? *)', Duration.hours(14), false],
    ['00:00-06:00 and 18:00-23:00 (gap 12)', 'cron(0 0-6,18-23 * * ? *)', Duration.hours(12), true],
    ['00:00-06:00 and 18:00-23:00 (gap 12)', 'cron(0 0-6,18-23 * * ? *)', Duration.hours(11), false],
    ['every 6 hours from 01:00 to 19:00 (gap 6)', 'cron(0 1-19/6 * * ? *)', Duration.hours(6), true],
    ['every 6 hours from 01:00 to 19:00 (gap 6)', 'cron(0 1-19/6 * * ? *)', Duration.hours(5), false],
    ['hourly on weekdays (gap 49 over the weekend)', 'cron(0 * ? * MON-FRI *)', Duration.hours(49), true],
    ['hourly on weekdays (gap 49 over the weekend)', 'cron(0 * ? * MON-FRI *)', Duration.hours(48), false],
    ['hourly on weekdays, by number (gap 49)', 'cron(0 * ? * 2-6 *)', Duration.hours(48), false],
    ['02:00 and 14:00 on Sundays (gap 156)', 'cron(0 2,14 ? * SUN *)', Duration.hours(156), true],
    ['02:00 and 14:00 on Sundays (gap 156)', 'cron(0 2,14 ? * SUN *)', Duration.hours(155), false],
    ['the 1st and 15th (gap 17 days)', 'cron(0 2 1,15 * ? *)', Duration.days(17), true],
    ['the 1st and 15th (gap 17 days)', 'cron(0 2 1,15 * ? *)', Duration.days(16), false],
  ])('rpo against a rule running %s (%s), rpo %s: accepted=%s', (_label, expression, rpo, accepted) => {
    const create = () => RecoveryTier.custom({
      name: 'Gold', rpo, rto: Duration.hours(8),
      rules: [{ ruleName: 'Only', schedule: events.Schedule.expression(expression), deleteAfter: Duration.days(7) }],
    });
    if (accepted) {
      expect(create).not.toThrow();
    } else {
      expect(create).toThrow(/RecoveryTier 'Gold' rpo is .*, but its most frequent rule 'Only' .* can leave \d+ hours between recovery points/);
    }
  });

  test('fails when rpo is shorter than the most frequent of several rules', () => {
    expect(() => RecoveryTier.custom({
      name: 'Gold', rpo: Duration.hours(2), rto: Duration.hours(8),
      rules: [
        daily(),
        { ruleName: 'Every4Hours', schedule: events.Schedule.cron({ minute: '0', hour: '0/4' }), deleteAfter: Duration.days(7) },
      ],
    })).toThrow(/most frequent rule 'Every4Hours' \(cron\(0 0\/4 \* \* \? \*\)\) can leave 4 hours/);
  });

  test('a continuous rule meets any rpo', () => {
    expect(() => RecoveryTier.custom({
      name: 'Platinum', rpo: Duration.minutes(5), rto: Duration.hours(1),
      rules: [{ ...daily(14), ruleName: 'Pitr', enableContinuousBackup: true }],
    })).not.toThrow();
  });

  test.each([
    ['day-of-month', 'cron(0 2 0 * ? *)', "has day-of-month '0'; allowed: 1-31"],
    ['month', 'cron(0 2 1 0 ? *)', "has month '0'; allowed: 1-12 or JAN-DEC"],
    ['day-of-week', 'cron(0 2 ? * 0 *)', "has day-of-week '0'; allowed: 1-7 or SUN-SAT"],
    ['minutes', 'cron(*/15 * * * ? *)', "has minutes '*/15'; AWS Backup runs a rule at most once an hour"],
    ['hours', 'cron(0 8-25 * * ? *)', "has hours '8-25'; allowed: 0-23"],
  ])('fails when a rule has an invalid %s (%s)', (_field, expression, message) => {
    expect(() => RecoveryTier.custom({
      name: 'Gold', rpo: Duration.days(31), rto: Duration.hours(8),
      rules: [{ ruleName: 'Only', schedule: events.Schedule.expression(expression), deleteAfter: Duration.days(7) }],
    })).toThrow(`RecoveryTier 'Gold' rule 'Only' schedule '${expression}' ${message}`);
  });

  test('a schedule it cannot read is not checked against rpo', () => {
    expect(() => RecoveryTier.custom({
      name: 'Gold', rpo: Duration.hours(1), rto: Duration.hours(8),
      rules: [{ ruleName: 'LastDay', schedule: events.Schedule.expression('cron(0 2 L * ? *)'), deleteAfter: Duration.days(30) }],
    })).not.toThrow();
  });

  test('tokens are not validated: a token rpo is not compared with the rules', () => {
    const stack = new Stack();
    const hours = new CfnParameter(stack, 'RpoHours', { type: 'Number' }).valueAsNumber;
    const tier = RecoveryTier.custom({
      name: new CfnParameter(stack, 'Name').valueAsString,
      rpo: Duration.hours(hours),
      rto: Duration.hours(hours),
      rules: [daily()],
    });
    expect(Token.isUnresolved(tier.name)).toBe(true);
    expect(tier.rpo.isUnresolved()).toBe(true);
  });

  test('tokens are not validated: a token schedule is not compared with rpo', () => {
    const stack = new Stack();
    const expression = new CfnParameter(stack, 'Schedule').valueAsString;
    expect(() => RecoveryTier.custom({
      name: 'Gold', rpo: Duration.minutes(1), rto: Duration.hours(1),
      rules: [{ ruleName: 'Daily', schedule: events.Schedule.expression(expression), deleteAfter: Duration.days(30) }],
    })).not.toThrow();
  });
});
