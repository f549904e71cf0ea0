import { checkTimeToStart, watchdogAction, WatchdogStage } from '../../../lambda/pg-dump/watchdog';

describe('watchdogAction', () => {
  const MARGIN = 60_000;

  test.each<[WatchdogStage, boolean, boolean, number, string | undefined]>([
    // [stage, stream ended, upload settled, ms left, action]
    ['armed', false, false, MARGIN + 1, undefined],
    ['armed', false, false, MARGIN, 'stopDump'],
    ['armed', false, true, MARGIN, 'stopDump'],
    ['armed', true, false, MARGIN, undefined],
    ['armed', true, false, MARGIN / 2, 'abortUpload'],
    ['armed', true, true, 0, undefined],
    ['dumpStopped', false, false, MARGIN, undefined],
    ['dumpStopped', false, false, MARGIN / 2 + 1, undefined],
    ['dumpStopped', false, false, MARGIN / 2, 'abortUpload'],
    ['dumpStopped', false, true, 0, undefined],
    ['uploadAborted', true, false, 0, undefined],
    ['uploadAborted', false, false, 0, undefined],
  ])('stage %s, stream ended %s, upload settled %s, %d ms left → %s', (stage, streamEnded, uploadSettled, leftMs, action) => {
    expect(watchdogAction({ stage, streamEnded, uploadSettled }, leftMs, MARGIN)).toBe(action);
  });
});

describe('checkTimeToStart', () => {
  test('starts with more than the safety margin left', () => {
    expect(() => checkTimeToStart(60_001, 60_000)).not.toThrow();
  });

  test.each([60_000, 10_000])('fails when only %d ms are left', (leftMs) => {
    expect(() => checkTimeToStart(leftMs, 60_000))
      .toThrow(`watchdog: only ${leftMs} ms left before the deadline, less than the safety margin of 60000 ms; not starting the dump`);
  });
});
