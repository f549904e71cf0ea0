// The shared input checks (lib/private/validation.ts): the error type, token handling, ranges, patterns and
// prefixes every construct validates with. The constructs' tests cover which prop each check guards.

import { App, Duration, Stack, Token } from 'aws-cdk-lib';
import {
  ACCOUNT_ID_PATTERN, checkAccountId, checkFilterPrefix, checkFolderPrefix, checkPattern, checkRange, differs, isUnresolved,
  KMS_ALIAS_NAME_PATTERN, ORGANIZATION_ID_PATTERN, REGION_PATTERN, ROLE_ARN_PATTERN, sameEnvironment, ValidationError,
  wholeDays, wholeMinutes,
} from '../../lib/private/validation';

const TOKEN = Token.asString({ Ref: 'Value' });
const NUMBER_TOKEN = Token.asNumber({ Ref: 'Number' });

function scope(): Stack {
  return new Stack(new App(), 'Stack');
}

describe('ValidationError', () => {
  test('carries the message as given, named ValidationError', () => {
    const error = new ValidationError('retention is 0 days');
    expect(error.message).toBe('retention is 0 days');
    expect(error.name).toBe('ValidationError');
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toBeInstanceOf(Error);
  });

  test('prefixes the path of the construct when given one', () => {
    const stack = scope();
    expect(new ValidationError('retention is 0 days', stack).message).toBe('Stack: retention is 0 days');
  });
});

describe('isUnresolved', () => {
  test.each<[string, string | number | Duration | undefined, boolean]>([
    ['undefined', undefined, false],
    ['a string', 'daily', false],
    ['an empty string', '', false],
    ['a number', 7, false],
    ['zero', 0, false],
    ['a Duration', Duration.days(7), false],
    ['a string token', TOKEN, true],
    ['a number token', NUMBER_TOKEN, true],
    ['a Duration of a token', Duration.days(NUMBER_TOKEN), true],
  ])('%s: %p', (_label, value, expected) => {
    expect(isUnresolved(value)).toBe(expected);
  });
});

describe('wholeDays', () => {
  test.each<[Duration, number]>([
    [Duration.days(0), 0],
    [Duration.days(3), 3],
    [Duration.hours(48), 2],
    [Duration.days(36500), 36500],
  ])('%p is %p days', (value, days) => {
    expect(wholeDays('retention', value)).toBe(days);
  });

  test.each<[Duration, string, number]>([
    [Duration.hours(36), '1 day 12 hours', 2],
    [Duration.hours(60), '2 days 12 hours', 3],
    [Duration.hours(80), '3 days 8 hours', 3],
    [Duration.hours(6), '6 hours', 1],
    [Duration.millis(1500), '1 second 500 millis', 1],
  ])('fails when the duration is %p, suggesting whole days', (value, human, suggestion) => {
    expect(() => wholeDays('retention', value))
      .toThrow(`retention is ${human}, which is not a whole number of days; use Duration.days(${suggestion})`);
  });

  test('fails with the path of the construct', () => {
    expect(() => wholeDays('deleteAfter', Duration.hours(36), scope()))
      .toThrow('Stack: deleteAfter is 1 day 12 hours, which is not a whole number of days; use Duration.days(2)');
  });
});

describe('wholeMinutes', () => {
  test.each<[Duration, number]>([
    [Duration.minutes(0), 0],
    [Duration.minutes(90), 90],
    [Duration.hours(2), 120],
    [Duration.seconds(120), 2],
  ])('%p is %p minutes', (value, minutes) => {
    expect(wholeMinutes('startWindow', value)).toBe(minutes);
  });

  test.each<[Duration, string, number]>([
    [Duration.seconds(90), '1 minute 30 seconds', 2],
    [Duration.seconds(61), '1 minute 1 second', 2],
    [Duration.seconds(30), '30 seconds', 1],
  ])('fails when the duration is %p, suggesting the next whole minute', (value, human, suggestion) => {
    expect(() => wholeMinutes('startWindow', value, scope()))
      .toThrow(`Stack: startWindow is ${human}, which is not a whole number of minutes; use Duration.minutes(${suggestion})`);
  });
});

describe('checkRange', () => {
  test.each([1, 2, 15, 16])('accepts %p in 1-16', (value) => {
    expect(() => checkRange('restoreJobs', value, 1, 16, 'workers')).not.toThrow();
  });

  test.each<[number, number]>([
    [0, 1],
    [-1, 1],
    [0.5, 1],
    [17, 16],
    [1000, 16],
  ])('fails when the value is %p (suggests %p)', (value, fix) => {
    expect(() => checkRange('restoreJobs', value, 1, 16, 'workers'))
      .toThrow(`restoreJobs is ${value} workers; allowed range is 1-16 workers (e.g. ${fix})`);
  });

  test('fails with the path of the construct', () => {
    expect(() => checkRange('memorySize', 64, 128, 10240, 'MiB', scope()))
      .toThrow('Stack: memorySize is 64 MiB; allowed range is 128-10240 MiB (e.g. 128)');
  });

  test.each<[string, number | undefined]>([
    ['undefined', undefined],
    ['a token', NUMBER_TOKEN],
  ])('does not check %s', (_label, value) => {
    expect(() => checkRange('restoreJobs', value, 1, 16, 'workers')).not.toThrow();
  });
});

describe('checkPattern', () => {
  const check = (value: string | undefined) => () =>
    checkPattern('singleTable', value, /^\w+\.\w+$/, "a table is 'schema.table'", 'public.orders', scope());

  test('accepts a matching value', () => {
    expect(check('public.orders')).not.toThrow();
  });

  test('fails when the value does not match, naming prop, value, rule and example', () => {
    expect(check('orders')).toThrow("Stack: singleTable 'orders' is invalid: a table is 'schema.table' (e.g. 'public.orders')");
  });

  test.each<[string, string | undefined]>([
    ['undefined', undefined],
    ['a token', TOKEN],
  ])('does not check %s', (_label, value) => {
    expect(check(value)).not.toThrow();
  });
});

describe('checkAccountId and ACCOUNT_ID_PATTERN', () => {
  test('accepts 12 digits', () => {
    expect(() => checkAccountId('copySourceAccounts', '123456789012')).not.toThrow();
    expect(ACCOUNT_ID_PATTERN.test('000000000000')).toBe(true);
  });

  test.each(['12345678901', '1234567890123', '12345678901a', ' 123456789012', '123456789012 ', ''])(
    'fails when the account id is %p', (account) => {
      expect(() => checkAccountId('copySourceAccounts', account, scope()))
        .toThrow(`Stack: copySourceAccounts '${account}' is invalid: an AWS account id is exactly 12 digits (e.g. '123456789012')`);
    });

  test('does not check a token', () => {
    expect(() => checkAccountId('copySourceAccounts', TOKEN)).not.toThrow();
  });
});

describe('patterns', () => {
  test.each<[string, RegExp, string, boolean]>([
    ['organization id', ORGANIZATION_ID_PATTERN, 'o-abcdefghij', true],
    ['organization id', ORGANIZATION_ID_PATTERN, `o-${'a1'.repeat(16)}`, true],
    ['organization id', ORGANIZATION_ID_PATTERN, 'o-abcdefghi', false],
    ['organization id', ORGANIZATION_ID_PATTERN, `o-${'a1'.repeat(16)}x`, false],
    ['organization id', ORGANIZATION_ID_PATTERN, 'o-ABCDEFGHIJ', false],
    ['organization id', ORGANIZATION_ID_PATTERN, 'o-abcde_ghij', false],
    ['organization id', ORGANIZATION_ID_PATTERN, 'x-abcdefghij', false],
    ['organization id', ORGANIZATION_ID_PATTERN, 'ro-abcdefghij', false],
    ['role ARN', ROLE_ARN_PATTERN, 'arn:aws:iam::123456789012:role/Admin', true],
    ['role ARN', ROLE_ARN_PATTERN, 'arn:aws-cn:iam::123456789012:role/Admin', true],
    ['role ARN', ROLE_ARN_PATTERN, 'arn:aws-us-gov:iam::123456789012:role/Admin', true],
    ['role ARN', ROLE_ARN_PATTERN, 'arn:aws:iam::123456789012:role/service-role/my.role+=,@_-1', true],
    ['role ARN', ROLE_ARN_PATTERN, `arn:aws:iam::123456789012:role/${'r'.repeat(512)}`, true],
    ['role ARN', ROLE_ARN_PATTERN, `arn:aws:iam::123456789012:role/${'r'.repeat(513)}`, false],
    ['role ARN', ROLE_ARN_PATTERN, 'arn:aws:iam::123456789012:role/', false],
    ['role ARN', ROLE_ARN_PATTERN, 'arn:aws:iam::123456789012:role/has space', false],
    ['role ARN', ROLE_ARN_PATTERN, 'arn:aws:iam::123456789012:user/Admin', false],
    ['role ARN', ROLE_ARN_PATTERN, 'arn:aws:iam::12345678901:role/Admin', false],
    ['role ARN', ROLE_ARN_PATTERN, 'arn:aws:iam::1234567890123:role/Admin', false],
    ['role ARN', ROLE_ARN_PATTERN, 'arn:aws:sts::123456789012:role/Admin', false],
    ['role ARN', ROLE_ARN_PATTERN, 'arn:azure:iam::123456789012:role/Admin', false],
    ['role ARN', ROLE_ARN_PATTERN, 'xarn:aws:iam::123456789012:role/Admin', false],
    ['region', REGION_PATTERN, 'us-east-1', true],
    ['region', REGION_PATTERN, 'eu-central-2', true],
    ['region', REGION_PATTERN, 'us-gov-west-1', true],
    ['region', REGION_PATTERN, 'ap-southeast-12', true],
    ['region', REGION_PATTERN, 'us-east', false],
    ['region', REGION_PATTERN, 'us-1', false],
    ['region', REGION_PATTERN, 'US-EAST-1', false],
    ['region', REGION_PATTERN, 'use-east-1', false],
    ['region', REGION_PATTERN, 'us-east-123', false],
    ['region', REGION_PATTERN, 'us-east-1a', false],
    ['region', REGION_PATTERN, ' us-east-1', false],
    ['KMS alias', KMS_ALIAS_NAME_PATTERN, 'alias/backup-dr_dumps/2024', true],
    ['KMS alias', KMS_ALIAS_NAME_PATTERN, `alias/${'a'.repeat(250)}`, true],
    ['KMS alias', KMS_ALIAS_NAME_PATTERN, `alias/${'a'.repeat(251)}`, false],
    ['KMS alias', KMS_ALIAS_NAME_PATTERN, 'alias/', false],
    ['KMS alias', KMS_ALIAS_NAME_PATTERN, 'alias/has space', false],
    ['KMS alias', KMS_ALIAS_NAME_PATTERN, 'alias/dots.not.allowed', false],
    ['KMS alias', KMS_ALIAS_NAME_PATTERN, 'backup-dr', false],
    ['KMS alias', KMS_ALIAS_NAME_PATTERN, 'xalias/backup-dr', false],
  ])('%s %p matches: %p', (_label, pattern, value, matches) => {
    expect(pattern.test(value)).toBe(matches);
  });
});

describe('differs and sameEnvironment', () => {
  test.each<[string, string, string, boolean]>([
    ['equal values', '111111111111', '111111111111', false],
    ['different values', '111111111111', '222222222222', true],
    ['a token on the left', TOKEN, '222222222222', false],
    ['a token on the right', '111111111111', TOKEN, false],
  ])('differs: %s -> %p', (_label, a, b, expected) => {
    expect(differs(a, b)).toBe(expected);
  });

  const env = (account: string, region: string) => ({ account, region });
  test.each<[string, { account: string; region: string }, { account: string; region: string }, boolean]>([
    ['same account and region', env('111111111111', 'us-east-1'), env('111111111111', 'us-east-1'), true],
    ['another account', env('111111111111', 'us-east-1'), env('222222222222', 'us-east-1'), false],
    ['another region', env('111111111111', 'us-east-1'), env('111111111111', 'us-west-2'), false],
    ['another account and region', env('111111111111', 'us-east-1'), env('222222222222', 'us-west-2'), false],
    ['a token account, same region', env(TOKEN, 'us-east-1'), env('222222222222', 'us-east-1'), true],
    ['a token region, same account', env('111111111111', TOKEN), env('111111111111', 'us-west-2'), true],
    ['a token account, another region', env(TOKEN, 'us-east-1'), env('222222222222', 'us-west-2'), false],
  ])('sameEnvironment: %s -> %p', (_label, a, b, expected) => {
    expect(sameEnvironment(a, b)).toBe(expected);
    expect(sameEnvironment(b, a)).toBe(expected);
  });
});

describe('checkFolderPrefix', () => {
  test.each(['pg-dump/', 'team/pg-dump/', 'x/'])('accepts %p', (prefix) => {
    expect(() => checkFolderPrefix(prefix, scope())).not.toThrow();
  });

  test.each<[string, string]>([
    ['/pg-dump/', 'it must not start with a slash'],
    ['pg-dump', "it must end with '/'"],
    ['', "it must end with '/'"],
    ['pg-*/', "it must not contain '*' or '?', which would widen the grants"],
    ['pg-?/', "it must not contain '*' or '?', which would widen the grants"],
    ['team//pg-dump/', "it must not contain '//'"],
    ['/team*//dump', "it must not start with a slash; it must end with '/'; it must not contain '*' or '?', which would " +
      "widen the grants; it must not contain '//'"],
  ])('fails when the prefix is %p', (prefix, problems) => {
    expect(() => checkFolderPrefix(prefix, scope())).toThrow(`Stack: prefix '${prefix}' is invalid: ${problems} (e.g. 'pg-dump/')`);
  });

  test('does not check a token', () => {
    expect(() => checkFolderPrefix(TOKEN, scope())).not.toThrow();
  });
});

describe('checkFilterPrefix', () => {
  test.each(['', 'resumes', 'resumes/', 'a'.repeat(1024)])('accepts %p', (prefix) => {
    expect(() => checkFilterPrefix(prefix, scope())).not.toThrow();
  });

  test.each(['resumes*', 'resumes?/', '*'])('fails when the prefix %p has a wildcard', (prefix) => {
    expect(() => checkFilterPrefix(prefix, scope())).toThrow(
      `Stack: prefix '${prefix}' contains '*' or '?'; S3 matches the prefix literally but the role's grants on ` +
        `'<bucket>/${prefix}*' would treat them as wildcards: use a literal prefix (e.g. 'resumes/')`);
  });

  test('fails when the prefix is longer than an S3 key', () => {
    expect(() => checkFilterPrefix('a'.repeat(1025), scope()))
      .toThrow('Stack: prefix is 1025 characters long; S3 keys (and prefixes) have at most 1024');
  });

  test('does not check a token', () => {
    expect(() => checkFilterPrefix(TOKEN, scope())).not.toThrow();
  });
});
