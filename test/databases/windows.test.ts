// RDS backup and maintenance windows (lib/databases/windows.ts): formats, the 30-minute minimum, windows that wrap
// around midnight or the end of the week, and the overlap RDS refuses at deploy, with the fix it suggests.
// How RdsPitrPolicy reports these messages is tested with the policy (rds-pitr-policy.test.ts).

import {
  DailyWindow, overlapMessage, parseBackupWindow, parseMaintenanceWindow, WeeklyWindow,
} from '../../lib/databases/windows';

const BACKUP = 'backupWindow';
const MAINTENANCE = 'preferredMaintenanceWindow';
const RULE = 'RDS requires the backup window and the maintenance window not to overlap';

function backup(text: string): DailyWindow {
  const window = parseBackupWindow(BACKUP, text);
  if (typeof window === 'string') {
    throw new Error(`test setup: ${window}`);
  }
  return window;
}

function maintenance(text: string): WeeklyWindow {
  const window = parseMaintenanceWindow(MAINTENANCE, text);
  if (typeof window === 'string') {
    throw new Error(`test setup: ${window}`);
  }
  return window;
}

describe('parseBackupWindow', () => {
  test.each<[string, number, number]>([
    ['03:00-04:00', 180, 60],
    ['03:00-03:30', 180, 30],
    ['09:05-10:05', 545, 60],
    ['19:59-20:59', 1199, 60],
    ['00:00-23:59', 0, 1439],
    ['23:30-00:30', 1410, 60],
    ['23:59-00:29', 1439, 30],
    ['04:00-03:00', 240, 1380],
  ])('%p starts at minute %p of the day and lasts %p minutes', (text, start, minutes) => {
    expect(parseBackupWindow(BACKUP, text)).toEqual({ text, start, minutes });
  });

  test.each<[string, number, string]>([
    ['03:00-03:29', 29, '03:00-03:30'],
    ['03:00-03:00', 0, '03:00-03:30'],
    ['19:59-20:00', 1, '19:59-20:29'],
    ['23:45-00:10', 25, '23:45-00:15'],
  ])('fails when %p is %p minutes long', (text, minutes, fix) => {
    expect(parseBackupWindow(BACKUP, text))
      .toBe(`backupWindow '${text}' is ${minutes} minutes; RDS requires at least 30 (e.g. '${fix}')`);
  });

  test.each([
    '3:00-04:00', '03:00-4:00', '24:00-01:00', '03:00-24:00', '30:00-31:00', '03:60-04:00', '03:00-04:60',
    '03:00 - 04:00', '03:00-04:00 ', ' 03:00-04:00', 'x03:00-04:00', '03:00-04:00x', '0300-0400', '03:00', '',
  ])('fails when the format of %p is wrong', (text) => {
    expect(parseBackupWindow('backup window', text)).toBe(`backup window '${text}' is invalid: the format is hh24:mi-hh24:mi ` +
      "in UTC, hours 00-23 and minutes 00-59 (e.g. '03:00-04:00')");
  });
});

describe('parseMaintenanceWindow', () => {
  test.each<[string, number, number]>([
    ['mon:00:00-mon:00:30', 0, 30],
    ['sun:05:00-sun:05:30', 6 * 1440 + 300, 30],
    ['tue:10:00-thu:10:00', 1440 + 600, 2880],
    ['wed:19:59-wed:20:59', 2 * 1440 + 1199, 60],
    ['fri:09:05-sat:09:05', 4 * 1440 + 545, 1440],
    ['SUN:23:45-Mon:00:15', 6 * 1440 + 1425, 30],
    ['mon:00:10-mon:00:00', 10, 7 * 1440 - 10],
  ])('%p starts at minute %p of the week and lasts %p minutes', (text, start, minutes) => {
    expect(parseMaintenanceWindow(MAINTENANCE, text)).toEqual({ text, start, minutes });
  });

  test.each<[string, number, string]>([
    ['mon:00:00-mon:00:10', 10, 'mon:00:00-mon:00:30'],
    ['mon:00:00-mon:00:00', 0, 'mon:00:00-mon:00:30'],
    ['SUN:05:00-SUN:05:29', 29, 'sun:05:00-sun:05:30'],
    ['sat:23:50-sat:23:55', 5, 'sat:23:50-sun:00:20'],
    ['sun:23:50-mon:00:05', 15, 'sun:23:50-mon:00:20'],
  ])('fails when %p is %p minutes long', (text, minutes, fix) => {
    expect(parseMaintenanceWindow(MAINTENANCE, text))
      .toBe(`preferredMaintenanceWindow '${text}' is ${minutes} minutes; RDS requires at least 30 (e.g. '${fix}')`);
  });

  test.each([
    'sunday:05:00-sunday:06:00', 'sun:5:00-sun:06:00', 'sun:24:00-mon:01:00', 'sun:05:00-sun:24:00', 'sun:05:60-sun:06:00',
    'sun:05:00-sun:06:60', 'sun:05:00-sun:06:00 ', ' sun:05:00-sun:06:00', 'xyz:05:00-sun:06:00', 'sun:05:00-xyz:06:00',
    'sun 05:00-sun 06:00', '05:00-06:00', 'sun:05:00', '',
  ])('fails when the format of %p is wrong', (text) => {
    expect(parseMaintenanceWindow('maintenance window', text)).toBe(`maintenance window '${text}' is invalid: the format is ` +
      "ddd:hh24:mi-ddd:hh24:mi in UTC, days mon-sun, hours 00-23 and minutes 00-59 (e.g. 'sun:05:00-sun:05:30')");
  });
});

describe('overlapMessage', () => {
  test.each<[string, string]>([
    ['04:00-05:00', 'sun:03:30-sun:04:00'],
    ['02:30-03:30', 'sun:03:30-sun:04:00'],
    ['23:30-00:30', 'mon:00:30-mon:23:30'],
    ['01:00-00:00', 'mon:00:00-mon:01:00'],
  ])('no overlap between %p and %p (they only touch)', (backupText, maintenanceText) => {
    expect(overlapMessage(BACKUP, backup(backupText), MAINTENANCE, maintenance(maintenanceText))).toBeUndefined();
  });

  test.each<[string, string, string, string]>([
    ['03:00-04:00', 'sun:03:30-sun:04:00', 'Sunday 03:00', '04:00-05:00'],
    ['02:31-03:31', 'sun:03:30-sun:04:00', 'Sunday 02:31', '04:00-05:00'],
    ['03:59-04:29', 'sun:03:30-sun:04:00', 'Sunday 03:59', '04:00-04:30'],
    ['23:30-00:30', 'mon:00:00-mon:00:30', 'Sunday 23:30', '00:30-01:30'],
    ['00:00-00:30', 'sun:23:45-mon:00:15', 'Monday 00:00', '00:15-00:45'],
    ['00:30-23:30', 'mon:00:00-mon:01:00', 'Monday 00:30', '01:00-00:00'],
  ])('%p overlaps %p: the backup starting %s; suggests %p', (backupText, maintenanceText, start, fix) => {
    expect(overlapMessage(BACKUP, backup(backupText), MAINTENANCE, maintenance(maintenanceText))).toBe(
      `backupWindow '${backupText}' overlaps preferredMaintenanceWindow '${maintenanceText}' (the backup starting ${start} UTC); ` +
        `${RULE} (e.g. backup window '${fix}')`);
  });

  test.each<[string, string]>([
    ['mon', 'Monday'], ['tue', 'Tuesday'], ['wed', 'Wednesday'], ['thu', 'Thursday'], ['fri', 'Friday'], ['sat', 'Saturday'],
    ['sun', 'Sunday'],
  ])('names the day of the overlap: %p is %p', (day, name) => {
    expect(overlapMessage('backup', backup('03:00-04:00'), 'maintenance', maintenance(`${day}:03:00-${day}:03:30`))).toBe(
      `backup '03:00-04:00' overlaps maintenance '${day}:03:00-${day}:03:30' (the backup starting ${name} 03:00 UTC); ` +
        `${RULE} (e.g. backup window '03:30-04:30')`);
  });

  test.each<[string, string, string]>([
    // 23:30 of backup and 1 hour of maintenance do not fit in one day.
    ['00:00-23:30', 'mon:00:00-mon:01:00', 'Monday 00:00'],
    // Nor do 1 hour of backup and 2 days of maintenance.
    ['03:00-04:00', 'mon:02:00-wed:02:00', 'Monday 03:00'],
  ])('%p overlaps %p and no backup window of the same length avoids it: nothing suggested', (backupText, maintenanceText, start) => {
    expect(overlapMessage(BACKUP, backup(backupText), MAINTENANCE, maintenance(maintenanceText))).toBe(
      `backupWindow '${backupText}' overlaps preferredMaintenanceWindow '${maintenanceText}' (the backup starting ${start} UTC); ${RULE}`);
  });
});
