// VaultLock's own checks at their edges (lib/vault/vault-lock.ts): AWS Backup's 1-36500 day retention range for
// both bounds, min <= max, the 3-day grace time, tokens, and what checkRetention tells a plan. How BackupVault
// renders the lock is tested with the vault (backup-vault.test.ts).

import { Duration, Token } from 'aws-cdk-lib';
import { VaultLock, VaultLockMode } from '../../lib';

const DAYS_TOKEN = Token.asNumber({ Ref: 'Days' });

describe('VaultLock modes', () => {
  test('the modes are the values AWS Backup documents', () => {
    expect(Object.values(VaultLockMode)).toEqual(['GOVERNANCE', 'COMPLIANCE']);
  });

  test('governance keeps the retention range and has no grace time', () => {
    const minRetention = Duration.days(7);
    const maxRetention = Duration.days(35);
    const lock = VaultLock.governance({ minRetention, maxRetention });

    expect(lock.mode).toBe(VaultLockMode.GOVERNANCE);
    expect(lock.minRetention).toBe(minRetention);
    expect(lock.maxRetention).toBe(maxRetention);
    expect(lock.changeableFor).toBeUndefined();
    expect([lock.minRetentionDays, lock.maxRetentionDays]).toEqual([7, 35]);
  });

  test('compliance keeps the retention range and defaults to 3 days of grace time', () => {
    const lock = VaultLock.compliance({ minRetention: Duration.days(7), maxRetention: Duration.days(35) });

    expect(lock.mode).toBe(VaultLockMode.COMPLIANCE);
    expect([lock.minRetentionDays, lock.maxRetentionDays]).toEqual([7, 35]);
    expect(lock.changeableFor?.toDays()).toBe(3);
  });

  test('a compliance lock given a grace time keeps it', () => {
    const changeableFor = Duration.days(14);
    expect(VaultLock.compliance({ minRetention: Duration.days(7), changeableFor }).changeableFor).toBe(changeableFor);
  });

  test('without maxRetention there is no maximum', () => {
    const lock = VaultLock.compliance({ minRetention: Duration.days(7) });
    expect(lock.maxRetention).toBeUndefined();
    expect(lock.maxRetentionDays).toBeUndefined();
  });
});

describe('VaultLock retention range', () => {
  test.each<[string, number, number | undefined]>([
    ['the shortest minimum, no maximum', 1, undefined],
    ['the longest minimum, no maximum', 36500, undefined],
    ['the shortest minimum and maximum', 1, 1],
    ['the widest range', 1, 36500],
    ['the longest minimum and maximum', 36500, 36500],
    ['minimum equal to maximum', 30, 30],
    ['maximum one day over the minimum', 30, 31],
  ])('accepts %s (%p-%p days)', (_label, min, max) => {
    for (const create of [VaultLock.governance, VaultLock.compliance]) {
      const lock = create({ minRetention: Duration.days(min), maxRetention: max === undefined ? undefined : Duration.days(max) });
      expect([lock.minRetentionDays, lock.maxRetentionDays]).toEqual([min, max]);
    }
  });

  test.each([0, 36501, 100000])('fails when minRetention is %p days', (days) => {
    expect(() => VaultLock.compliance({ minRetention: Duration.days(days) }))
      .toThrow(`VaultLock minRetention is ${days} days; AWS Backup allows 1-36500 days (e.g. Duration.days(7))`);
  });

  test.each([0, 36501, 100000])('fails when maxRetention is %p days', (days) => {
    expect(() => VaultLock.governance({ minRetention: Duration.days(1), maxRetention: Duration.days(days) }))
      .toThrow(`VaultLock maxRetention is ${days} days; AWS Backup allows 1-36500 days (e.g. Duration.days(3650))`);
  });

  test('fails when maxRetention is 0 days even though the minimum is a token', () => {
    expect(() => VaultLock.governance({ minRetention: Duration.days(DAYS_TOKEN), maxRetention: Duration.days(0) }))
      .toThrow('VaultLock maxRetention is 0 days; AWS Backup allows 1-36500 days (e.g. Duration.days(3650))');
  });

  test.each<[number, number]>([
    [30, 29],
    [36500, 1],
    [2, 1],
  ])('fails when maxRetention is shorter than minRetention (%p > %p days)', (min, max) => {
    expect(() => VaultLock.compliance({ minRetention: Duration.days(min), maxRetention: Duration.days(max) }))
      .toThrow(`VaultLock maxRetention (${max} days) is shorter than minRetention (${min} days); ` +
        `set maxRetention to at least ${min} days or lower minRetention`);
  });

  test('fails when minRetention is not a whole number of days', () => {
    expect(() => VaultLock.governance({ minRetention: Duration.hours(36) }))
      .toThrow('VaultLock minRetention is 1 day 12 hours, which is not a whole number of days; use Duration.days(2)');
  });

  test('fails when maxRetention is not a whole number of days', () => {
    expect(() => VaultLock.governance({ minRetention: Duration.days(1), maxRetention: Duration.hours(60) }))
      .toThrow('VaultLock maxRetention is 2 days 12 hours, which is not a whole number of days; use Duration.days(3)');
  });

  test('tokens are not validated', () => {
    const lock = VaultLock.compliance({
      minRetention: Duration.days(DAYS_TOKEN),
      maxRetention: Duration.days(Token.asNumber({ Ref: 'MaxDays' })),
      changeableFor: Duration.days(Token.asNumber({ Ref: 'GraceDays' })),
    });
    expect([lock.minRetentionDays, lock.maxRetentionDays]).toEqual([undefined, undefined]);
    expect(() => VaultLock.governance({ minRetention: Duration.days(DAYS_TOKEN), maxRetention: Duration.days(1) })).not.toThrow();
    expect(() => VaultLock.governance({ minRetention: Duration.days(36500), maxRetention: Duration.days(DAYS_TOKEN) })).not.toThrow();
  });
});

describe('VaultLock grace time', () => {
  test.each([3, 4, 36500])('accepts changeableFor of %p days', (days) => {
    expect(VaultLock.compliance({ minRetention: Duration.days(1), changeableFor: Duration.days(days) }).changeableFor?.toDays()).toBe(days);
  });

  test.each([0, 1, 2])('fails when changeableFor is %p days', (days) => {
    expect(() => VaultLock.compliance({ minRetention: Duration.days(1), changeableFor: Duration.days(days) }))
      .toThrow(`VaultLock changeableFor is ${days} days; AWS Backup requires at least 3 days of grace time before a ` +
        'compliance lock becomes immutable (e.g. Duration.days(3))');
  });

  test('fails when changeableFor is not a whole number of days', () => {
    expect(() => VaultLock.compliance({ minRetention: Duration.days(1), changeableFor: Duration.hours(84) }))
      .toThrow('VaultLock changeableFor is 3 days 12 hours, which is not a whole number of days; use Duration.days(4)');
  });
});

describe('VaultLock.checkRetention', () => {
  test.each<[number, string | undefined]>([
    [0, '0 days is below the vault lock minimum; the lock accepts 7-365 days'],
    [6, '6 days is below the vault lock minimum; the lock accepts 7-365 days'],
    [7, undefined],
    [365, undefined],
    [366, '366 days is above the vault lock maximum; the lock accepts 7-365 days'],
  ])('a 7-365 day lock and %p days', (days, problem) => {
    const lock = VaultLock.governance({ minRetention: Duration.days(7), maxRetention: Duration.days(365) });
    expect(lock.checkRetention(days)).toBe(problem);
  });

  test.each<[number, string | undefined]>([
    [6, '6 days is below the vault lock minimum; the lock accepts 7-36500 days'],
    [7, undefined],
    [36500, undefined],
    [36501, undefined],
  ])('a lock without a maximum and %p days', (days, problem) => {
    expect(VaultLock.compliance({ minRetention: Duration.days(7) }).checkRetention(days)).toBe(problem);
  });

  test.each<[number, string | undefined]>([
    [0, undefined],
    [365, undefined],
    [366, '366 days is above the vault lock maximum; the lock accepts ?-365 days'],
  ])('a lock whose minimum is a token and %p days', (days, problem) => {
    const lock = VaultLock.governance({ minRetention: Duration.days(DAYS_TOKEN), maxRetention: Duration.days(365) });
    expect(lock.checkRetention(days)).toBe(problem);
  });

  test('a lock whose maximum is a token checks only the minimum, against the AWS Backup maximum', () => {
    const lock = VaultLock.governance({ minRetention: Duration.days(7), maxRetention: Duration.days(DAYS_TOKEN) });
    expect(lock.checkRetention(6)).toBe('6 days is below the vault lock minimum; the lock accepts 7-36500 days');
    expect(lock.checkRetention(100000)).toBeUndefined();
  });
});
