// RDS backup and maintenance windows: parsing, and the overlap check RDS enforces at deploy. Pure functions that
// return an error message instead of throwing, so RdsPitrPolicy and its audit share them.

const MIN_WINDOW_MINUTES = 30;
const DAY_MINUTES = 24 * 60;
const WEEK_MINUTES = 7 * DAY_MINUTES;
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const BACKUP_WINDOW_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/;
const MAINTENANCE_WINDOW_PATTERN =
  /^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)$/i;

/** A backup window: minute of the day it starts, and length. */
export interface DailyWindow {
  readonly text: string;
  readonly start: number;
  readonly minutes: number;
}

/** A maintenance window: minute of the week it starts (Monday 00:00 = 0), and length. */
export interface WeeklyWindow {
  readonly text: string;
  readonly start: number;
  readonly minutes: number;
}

function hhmm(minuteOfDay: number): string {
  const m = ((minuteOfDay % DAY_MINUTES) + DAY_MINUTES) % DAY_MINUTES;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

function dayTime(minuteOfWeek: number): string {
  const m = mod(minuteOfWeek, WEEK_MINUTES);
  return `${DAYS[Math.floor(m / DAY_MINUTES)]}:${hhmm(m)}`;
}

function mod(value: number, modulus: number): number {
  return ((value % modulus) + modulus) % modulus;
}

/** Parses `hh24:mi-hh24:mi`; returns the error message when invalid. */
export function parseBackupWindow(label: string, text: string): DailyWindow | string {
  const match = BACKUP_WINDOW_PATTERN.exec(text);
  if (!match) {
    return `${label} '${text}' is invalid: the format is hh24:mi-hh24:mi in UTC, hours 00-23 and minutes 00-59 (e.g. '03:00-04:00')`;
  }
  const start = Number(match[1]) * 60 + Number(match[2]);
  const end = Number(match[3]) * 60 + Number(match[4]);
  const minutes = mod(end - start, DAY_MINUTES);
  if (minutes < MIN_WINDOW_MINUTES) {
    return `${label} '${text}' is ${minutes} minutes; RDS requires at least ${MIN_WINDOW_MINUTES} ` +
      `(e.g. '${hhmm(start)}-${hhmm(start + MIN_WINDOW_MINUTES)}')`;
  }
  return { text, start, minutes };
}

/** Parses `ddd:hh24:mi-ddd:hh24:mi`; returns the error message when invalid. */
export function parseMaintenanceWindow(label: string, text: string): WeeklyWindow | string {
  const match = MAINTENANCE_WINDOW_PATTERN.exec(text);
  if (!match) {
    return `${label} '${text}' is invalid: the format is ddd:hh24:mi-ddd:hh24:mi in UTC, days mon-sun, hours 00-23 ` +
      "and minutes 00-59 (e.g. 'sun:05:00-sun:05:30')";
  }
  const start = DAYS.indexOf(match[1].toLowerCase()) * DAY_MINUTES + Number(match[2]) * 60 + Number(match[3]);
  const end = DAYS.indexOf(match[4].toLowerCase()) * DAY_MINUTES + Number(match[5]) * 60 + Number(match[6]);
  const minutes = mod(end - start, WEEK_MINUTES);
  if (minutes < MIN_WINDOW_MINUTES) {
    return `${label} '${text}' is ${minutes} minutes; RDS requires at least ${MIN_WINDOW_MINUTES} ` +
      `(e.g. '${dayTime(start)}-${dayTime(start + MIN_WINDOW_MINUTES)}')`;
  }
  return { text, start, minutes };
}

/** Whether two arcs [a, a + la) and [c, c + lc) of the week circle intersect. */
function arcsIntersect(a: number, la: number, c: number, lc: number): boolean {
  return mod(c - a, WEEK_MINUTES) < la || mod(a - c, WEEK_MINUTES) < lc;
}

/** The day (0 = Monday) whose backup run overlaps the maintenance window, if any. */
function overlappingDay(backup: DailyWindow, maintenance: WeeklyWindow): number | undefined {
  for (let day = 0; day < 7; day++) {
    if (arcsIntersect(day * DAY_MINUTES + backup.start, backup.minutes, maintenance.start, maintenance.minutes)) {
      return day;
    }
  }
  return undefined;
}

/** The error message when the windows overlap, with a backup window of the same length that does not. */
export function overlapMessage(
  backupLabel: string,
  backup: DailyWindow,
  maintenanceLabel: string,
  maintenance: WeeklyWindow,
): string | undefined {
  const day = overlappingDay(backup, maintenance);
  if (day === undefined) {
    return undefined;
  }
  // The window of the same length that starts when maintenance ends. When even it overlaps (the backup is longer than
  // the day minus the maintenance window), so does every other start: a window ending when maintenance starts overlaps
  // under the same condition, so no second candidate is tried.
  const start = maintenance.start + maintenance.minutes;
  const candidate = { text: `${hhmm(start)}-${hhmm(start + backup.minutes)}`, start: mod(start, DAY_MINUTES), minutes: backup.minutes };
  const fix = overlappingDay(candidate, maintenance) === undefined ? candidate : undefined;
  return `${backupLabel} '${backup.text}' overlaps ${maintenanceLabel} '${maintenance.text}' (the backup starting ` +
    `${DAY_NAMES[day]} ${hhmm(backup.start)} UTC); RDS requires the backup window and the maintenance window not to overlap` +
    (fix ? ` (e.g. backup window '${fix.text}')` : '');
}
