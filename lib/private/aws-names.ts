import { TimeZone, Token } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { IConstruct } from 'constructs';
import { REGION_PATTERN, ValidationError } from './validation';

/**
 * Names AWS checks only at deploy time (regions, time zones, email addresses), checked at synth against the lists
 * aws-cdk-lib and the Node.js runtime carry. Tokens are skipped.
 */

/**
 * Context key listing regions newer than the installed aws-cdk-lib (`"cdk-backup-dr:additionalRegions":
 * ["xx-new-1"]` in cdk.json), which the region check then accepts.
 */
export const ADDITIONAL_REGIONS_CONTEXT = 'cdk-backup-dr:additionalRegions';

/** Region names aws-cdk-lib's region facts know (every partition). */
export function knownRegions(): readonly string[] {
  return RegionInfo.regions.map((region) => region.name);
}

/**
 * Checks a region name: the shape of a region, and a region aws-cdk-lib knows or one listed in the context key
 * `cdk-backup-dr:additionalRegions`. Tokens are skipped.
 */
export function checkRegion(prop: string, region: string | undefined, scope: IConstruct): void {
  if (region === undefined || Token.isUnresolved(region)) {
    return;
  }
  const known = knownRegions();
  if (known.includes(region) || additionalRegions(scope).includes(region)) {
    return;
  }
  const suggestion = closest(region, known);
  const meant = suggestion ? `; did you mean '${suggestion}'?` : " (e.g. 'us-west-2')";
  if (!REGION_PATTERN.test(region)) {
    throw new ValidationError(`${prop} '${region}' is not an AWS region name${meant}`, scope);
  }
  throw new ValidationError(
    `${prop} '${region}' is not an AWS region aws-cdk-lib knows${meant}${suggestion ? '' : '.'}` +
      ' If it is a region newer than the installed aws-cdk-lib, upgrade aws-cdk-lib or list it in the context key ' +
      `"${ADDITIONAL_REGIONS_CONTEXT}" (e.g. "${ADDITIONAL_REGIONS_CONTEXT}": ["${region}"] in cdk.json)`,
    scope,
  );
}

/** The regions listed in the context key `cdk-backup-dr:additionalRegions` (a list, or a `-c` string holding one). */
export function additionalRegions(scope: IConstruct): string[] {
  const value: unknown = scope.node.tryGetContext(ADDITIONAL_REGIONS_CONTEXT);
  if (value === undefined) {
    return [];
  }
  const list: unknown = typeof value === 'string' ? parseList(value) : value;
  if (!Array.isArray(list) || !list.every((v) => typeof v === 'string' && REGION_PATTERN.test(v))) {
    throw new ValidationError(
      `context "${ADDITIONAL_REGIONS_CONTEXT}" is ${JSON.stringify(value)}; expected a list of region names, ` +
        'e.g. ["xx-new-1"]',
      scope,
    );
  }
  return list;
}

/** A `-c key=value` context value arrives as a string: a JSON list, or one name. */
function parseList(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return [value];
  }
}

/** IANA time zone names: aws-cdk-lib's `TimeZone` constants and the names the Node.js runtime knows. */
let timeZoneNames: ReadonlySet<string> | undefined;

function timeZones(): ReadonlySet<string> {
  timeZoneNames ??= new Set([
    ...Object.values(TimeZone).filter((v): v is TimeZone => v instanceof TimeZone).map((zone) => zone.timezoneName),
    ...Intl.supportedValuesOf('timeZone'),
  ]);
  return timeZoneNames;
}

/**
 * A link of the IANA database (`UTC`, `US/Eastern`, `Asia/Calcutta`): the runtime resolves it, but lists only
 * canonical names. Every IANA name starts each part with a capital letter, so a lower-case spelling the runtime would
 * forgive (`europe/berlin`) is still refused.
 */
function isZoneLink(name: string): boolean {
  if (!name.split('/').every((part) => /^[A-Z]/.test(part))) {
    return false;
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Checks the name of a time zone (`TimeZone.of(...)` takes any string): exactly as AWS compares it. Tokens skipped. */
export function checkTimeZone(prop: string, zone: TimeZone | undefined, scope: IConstruct): void {
  const name = zone?.timezoneName;
  if (name === undefined || Token.isUnresolved(name) || timeZones().has(name) || isZoneLink(name)) {
    return;
  }
  const suggestion = closest(name, [...timeZones()]);
  throw new ValidationError(
    `${prop} '${name}' is not an IANA time zone name` +
      (suggestion ? `; did you mean '${suggestion}'?` : '.') +
      " Use a TimeZone constant (e.g. TimeZone.EUROPE_BERLIN) or a name of the IANA time zone database, spelled " +
      "exactly (e.g. TimeZone.of('America/New_York'))",
    scope,
  );
}

/** One address, one `@`, a domain with a dot, no spaces: what SNS email subscriptions and our alarms take. */
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Checks an email address (tokens skipped). */
export function checkEmail(prop: string, value: string | undefined, scope: IConstruct): void {
  if (value === undefined || Token.isUnresolved(value) || EMAIL_PATTERN.test(value)) {
    return;
  }
  throw new ValidationError(
    `${prop} '${value}' is not an email address: it needs one '@' and a domain with a dot, and no spaces ` +
      "(e.g. 'oncall@example.com')",
    scope,
  );
}

/**
 * The candidate nearest to a misspelled value (case-insensitive edit distance at most 3), if exactly one is that
 * near. Hand-written: ten lines, where a library would be a bundled dependency of every jsii package.
 */
export function closest(value: string, candidates: readonly string[]): string | undefined {
  const target = value.toLowerCase();
  let best: string | undefined;
  let bestDistance = 4;
  let tie = false;
  for (const candidate of candidates) {
    const d = editDistance(target, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
      tie = false;
    } else if (d === bestDistance) {
      tie = true;
    }
  }
  return tie ? undefined : best;
}

/** Levenshtein distance (insert, delete, substitute: 1 each). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length];
}
