// Parsers of option values for commander: each names the option, the value, what is allowed and how to fix it.
import { InvalidArgumentError } from 'commander';

/** An integer in [min, max]. */
export function parseInteger(option: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${option} must be a whole number from ${min} to ${max}, got '${value}'`);
    }
    return n;
  };
}

/** An ISO 8601 time with a zone (`Z` or `±hh:mm`), so that it means the same on every machine. */
export function parseTime(option: string): (value: string) => Date {
  return (value) => {
    const withZone = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(value.trim());
    const time = new Date(value.trim());
    if (!withZone || Number.isNaN(time.getTime())) {
      throw new InvalidArgumentError(`${option} must be an ISO 8601 time with a zone, e.g. 2026-03-01T09:00Z or 2026-03-01T10:00+01:00, got '${value}'`);
    }
    return time;
  };
}

/** A duration: `90s`, `45m`, `2h`, `1h30m`; returns seconds within [minSeconds, maxSeconds]. */
export function parseDuration(option: string, minSeconds: number, maxSeconds: number): (value: string) => number {
  return (value) => {
    const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(value.trim());
    const seconds = m && value.trim() !== '' ? Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0) : NaN;
    if (!(seconds >= minSeconds && seconds <= maxSeconds)) {
      throw new InvalidArgumentError(`${option} must be a duration from ${minSeconds}s to ${maxSeconds / 3600}h such as 90m or 2h30m, got '${value}'`);
    }
    return seconds;
  };
}
