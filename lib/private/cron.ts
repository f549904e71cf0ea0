/**
 * The one parser of AWS Backup schedules: cron(minutes hours day-of-month month day-of-week year),
 * at most hourly, and the gaps between their runs. Plain TypeScript without aws-cdk-lib, so the CLI (runbook,
 * report) reads the schedules of a synthesized app with the same code; `schedule.ts` adds the construct checks.
 */

/** The six fields of a valid AWS Backup cron expression. */
export interface CronFields {
  readonly minute: string;
  readonly hour: string;
  readonly dayOfMonth: string;
  readonly month: string;
  readonly dayOfWeek: string;
  readonly year: string;
}

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
/** Day-of-week names; AWS numbers them 1 (SUN) to 7 (SAT). */
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const MONTHS = MONTH_NAMES.join('|');
const DAYS = DAY_NAMES.join('|');

export type Parsed = { readonly fields: CronFields; readonly problem?: undefined } | { readonly fields?: undefined; readonly problem: string };

/**
 * Reads an expression. On failure `problem` is the message after `'<expression>' ` (without the example),
 * e.g. `has day-of-month '0'; allowed: 1-31, *, ?, L, W, lists, ranges or steps`.
 */
export function parseCronExpression(expression: string): Parsed {
  const match = /^cron\((.*)\)$/.exec(expression.trim());
  if (!match) {
    return {
      problem: 'is not a cron expression; AWS Backup schedules are cron(minutes hours day-of-month month day-of-week year)',
    };
  }
  const parts = match[1].trim().split(/\s+/);
  if (parts.length !== 6) {
    return {
      problem: `has ${parts.length} fields; a cron expression has 6: minutes hours day-of-month month day-of-week year`,
    };
  }
  const [minute, hour, dayOfMonth, month, dayOfWeek, year] = parts;
  if (!/^\d{1,2}$/.test(minute) || Number(minute) > 59) {
    return {
      problem: `has minutes '${minute}'; AWS Backup runs a rule at most once an hour, so minutes is one number 0-59`,
    };
  }
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    return {
      problem: `has day-of-month '${dayOfMonth}' and day-of-week '${dayOfWeek}'; exactly one of them must be '?'`,
    };
  }
  const checks: Array<[string, string, RegExp, number, number, string]> = [
    ['hours', hour, cronField('\\d{1,2}'), 0, 23, '0-23, *, lists, ranges or steps'],
    ['day-of-month', dayOfMonth, cronField('\\d{1,2}', ['\\?', 'L', 'LW', '\\d{1,2}W']), 1, 31,
      '1-31, *, ?, L, W, lists, ranges or steps'],
    ['month', month, cronField(`(\\d{1,2}|${MONTHS})`), 1, 12, '1-12 or JAN-DEC, *, lists, ranges or steps'],
    ['day-of-week', dayOfWeek, cronField(`(\\d|${DAYS})`, ['\\?', 'L', `(\\d|${DAYS})L`, `(\\d|${DAYS})#[1-5]`]), 1, 7,
      '1-7 or SUN-SAT, *, ?, L, #, lists or ranges'],
    ['year', year, cronField('\\d{4}'), 0, 9999, '*, a year, lists, ranges or steps'],
  ];
  for (const [name, value, pattern, min, max, allowed] of checks) {
    // Numbers before a '/' are values; after it, steps (at least 1).
    const values = value.replace(/\/\d+/g, '').match(/\d+/g) ?? [];
    const steps = (value.match(/\/\d+/g) ?? []).map((step) => Number(step.slice(1)));
    if (!pattern.test(value) || values.map(Number).some((n) => n < min || n > max) || steps.some((step) => step < 1)) {
      return { problem: `has ${name} '${value}'; allowed: ${allowed}` };
    }
  }
  return { fields: { minute, hour, dayOfMonth, month, dayOfWeek, year } };
}

/** A cron field: comma-separated items, each `*`, a value or a range, optionally with a `/step`; plus special forms. */
function cronField(atom: string, specials: string[] = []): RegExp {
  const item = `(\\*|${atom}(-${atom})?)(\\/\\d{1,4})?`;
  return new RegExp(`^(${[`${item}(,${item})*`, ...specials].join('|')})$`, 'i');
}

/** The fields of a valid AWS Backup cron expression; undefined when it is not one. */
export function parseCron(expression: string): CronFields | undefined {
  return parseCronExpression(expression).fields;
}


/**
 * The values a plain cron field selects, sorted: comma-separated `*`, `N`, `A-B`, each optionally `/step`.
 * Undefined for special forms (`?`, `L`, `W`, `#`), ranges that wrap around, and values out of [min, max].
 */
function expand(field: string, min: number, max: number, names: string[] = []): number[] | undefined {
  const value = (atom: string): number | undefined => {
    const index = names.indexOf(atom.toUpperCase());
    const n = index >= 0 ? index + 1 : /^\d+$/.test(atom) ? Number(atom) : undefined;
    return n !== undefined && n >= min && n <= max ? n : undefined;
  };
  const selected = new Set<number>();
  for (const item of field.split(',')) {
    const match = /^(\*|[A-Za-z0-9]+)(?:-([A-Za-z0-9]+))?(?:\/(\d+))?$/.exec(item);
    if (!match) {
      return undefined;
    }
    const [, first, last, stepText] = match;
    const start = first === '*' ? min : value(first);
    const end = first === '*' || (last === undefined && stepText !== undefined) ? max : value(last ?? first);
    const step = stepText === undefined ? 1 : Number(stepText);
    if (start === undefined || end === undefined || start > end || step < 1 || (first === '*' && last !== undefined)) {
      return undefined;
    }
    for (let n = start; n <= end; n += step) {
      selected.add(n);
    }
  }
  return [...selected].sort((a, b) => a - b);
}

const isEvery = (field: string): boolean => field === '*' || field === '?';

/**
 * The longest gap, in hours, between two runs of a cron expression. Hours may be a number, a list, a range or a
 * step (`8-17`, `0-6,18-23`, `0/4`), on every day, on days of the week (`MON-FRI`) or on days 1-28 of the month,
 * in every month of every year. Undefined for other shapes (`L`, `W`, `#`, days 29-31, months, years) and for
 * expressions that are not valid.
 */
export function cronGapHours(expression: string): number | undefined {
  const cron = parseCron(expression);
  if (!cron || cron.month !== '*' || cron.year !== '*') {
    return undefined;
  }
  const hours = expand(cron.hour, 0, 23);
  let period: number;
  let days: number[] | undefined;
  if (isEvery(cron.dayOfMonth) && isEvery(cron.dayOfWeek)) {
    period = 24;
    days = [1];
  } else if (isEvery(cron.dayOfMonth)) {
    period = 7 * 24;
    days = expand(cron.dayOfWeek, 1, 7, DAY_NAMES);
  } else {
    // Days 1-28 exist in every month; the longest month (31 days) gives the longest wrap-around gap.
    period = 31 * 24;
    days = expand(cron.dayOfMonth, 1, 31);
    if (days?.some((day) => day > 28)) {
      return undefined;
    }
  }
  if (!hours || !days) {
    return undefined;
  }
  const runs = days.flatMap((day) => hours.map((hour) => (day - 1) * 24 + hour));
  let gap = period - runs[runs.length - 1] + runs[0];
  for (let i = 1; i < runs.length; i++) {
    gap = Math.max(gap, runs[i] - runs[i - 1]);
  }
  return gap;
}

/**
 * Whether two valid cron expressions may run on the same day. False only when both restrict the same field
 * (day-of-week, day-of-month, month or year) to plain values that do not intersect.
 */
export function mayShareDay(a: CronFields, b: CronFields): boolean {
  const fields: Array<[string, string, number, number, string[]?]> = [
    [a.dayOfWeek, b.dayOfWeek, 1, 7, DAY_NAMES],
    [a.dayOfMonth, b.dayOfMonth, 1, 31],
    [a.month, b.month, 1, 12, MONTH_NAMES],
    [a.year, b.year, 0, 9999],
  ];
  for (const [fieldA, fieldB, min, max, names] of fields) {
    if (isEvery(fieldA) || isEvery(fieldB)) {
      continue;
    }
    const valuesA = expand(fieldA, min, max, names);
    const valuesB = expand(fieldB, min, max, names);
    if (valuesA && valuesB && !valuesA.some((n) => valuesB.includes(n))) {
      return false;
    }
  }
  return true;
}

/** The days a valid cron expression runs on, for messages: 'every day', 'day-of-week SUN', 'day-of-month 1 in month JAN'. */
export function describeDays(cron: CronFields): string {
  const parts: string[] = [];
  if (!isEvery(cron.dayOfWeek)) {
    parts.push(`day-of-week ${cron.dayOfWeek}`);
  } else if (!isEvery(cron.dayOfMonth)) {
    parts.push(`day-of-month ${cron.dayOfMonth}`);
  } else {
    parts.push('every day');
  }
  if (cron.month !== '*') {
    parts.push(`in month ${cron.month}`);
  }
  if (cron.year !== '*') {
    parts.push(`in year ${cron.year}`);
  }
  return parts.join(' ');
}


/** The first day the simulation of `cronMaxGapHours` starts on (a Friday), and how many days it covers. */
const SIMULATION_START = Date.UTC(2027, 0, 1);
const SIMULATION_DAYS = 4 * 366;

/**
 * The longest gap, in hours, between two runs of a cron expression of any shape (`L`, `LW`, `W`, `#`, months, years),
 * found by listing its runs over four years from 2027 (leap year and every weekday of every month included). `nW` is
 * taken as day n (the nearest weekday is at most two days off, which callers add as margin). Undefined for expressions
 * that are not valid or that run fewer than twice in those years.
 */
export function cronMaxGapHours(expression: string): number | undefined {
  const cron = parseCron(expression);
  const hours = cron && expand(cron.hour, 0, 23);
  const months = cron && expand(cron.month, 1, 12, MONTH_NAMES);
  const years = cron && (cron.year === '*' ? undefined : expand(cron.year, 1970, 2199));
  if (!cron || !hours || !months || (cron.year !== '*' && !years)) {
    return undefined;
  }
  const runs: number[] = [];
  for (let d = 0; d < SIMULATION_DAYS; d++) {
    const date = new Date(SIMULATION_START + d * 86_400_000);
    if ((years && !years.includes(date.getUTCFullYear())) || !months.includes(date.getUTCMonth() + 1)) {
      continue;
    }
    const matches = isEvery(cron.dayOfMonth) ? dayOfWeekMatches(cron.dayOfWeek, date) : dayOfMonthMatches(cron.dayOfMonth, date);
    if (matches === undefined) {
      return undefined;
    }
    if (matches) {
      runs.push(...hours.map((hour) => d * 24 + hour));
    }
  }
  if (runs.length < 2) {
    return undefined;
  }
  let gap = 0;
  for (let i = 1; i < runs.length; i++) {
    gap = Math.max(gap, runs[i] - runs[i - 1]);
  }
  return gap;
}

const daysInMonth = (date: Date): number => new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();

/** Whether the day-of-month field selects `date`; undefined for a field it cannot read. */
function dayOfMonthMatches(field: string, date: Date): boolean | undefined {
  const day = date.getUTCDate();
  const last = daysInMonth(date);
  const weekday = (d: number) => {
    const w = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), d)).getUTCDay();
    return w !== 0 && w !== 6;
  };
  if (field.toUpperCase() === 'L') {
    return day === last;
  }
  if (field.toUpperCase() === 'LW') {
    let d = last;
    while (!weekday(d)) d--;
    return day === d;
  }
  const nearest = /^(\d{1,2})W$/i.exec(field);
  if (nearest) {
    return day === Math.min(Number(nearest[1]), last);
  }
  return expand(field, 1, 31)?.includes(day);
}

/** Whether the day-of-week field (1 = SUN) selects `date`; undefined for a field it cannot read. */
function dayOfWeekMatches(field: string, date: Date): boolean | undefined {
  const dow = date.getUTCDay() + 1;
  if (isEvery(field)) {
    return true;
  }
  const dayNumber = (text: string) => (/^\d$/.test(text) ? Number(text) : DAY_NAMES.indexOf(text.toUpperCase()) + 1);
  const nth = /^(\d|[A-Za-z]{3})#([1-5])$/.exec(field);
  if (nth) {
    return dow === dayNumber(nth[1]) && Math.ceil(date.getUTCDate() / 7) === Number(nth[2]);
  }
  const lastOf = /^(\d|[A-Za-z]{3})?L$/i.exec(field);
  if (lastOf) {
    return dow === (lastOf[1] === undefined ? 7 : dayNumber(lastOf[1])) && date.getUTCDate() + 7 > daysInMonth(date);
  }
  return expand(field, 1, 7, DAY_NAMES)?.includes(dow);
}
