import { Fn, Names, Stack, Token } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { KMS_ALIAS_NAME_PATTERN, ValidationError } from '../private/validation';

// The names of a dump bucket and of its key's alias: defaults unique per construct path, account and region, and the
// S3 and KMS naming rules, checked at synth.

/**
 * `<unique name of the construct>-<account>-<region>`: unique per path, account and region, at most 63 characters
 * (unresolved regions are assumed to be 16 characters long).
 */
export function defaultBucketName(scope: Construct): string {
  const stack = Stack.of(scope);
  const regionLength = Token.isUnresolved(stack.region) ? 16 : stack.region.length;
  const maxLength = 63 - 12 - regionLength - 2;
  const unique = Names.uniqueResourceName(scope, { maxLength, separator: '-', allowedSpecialCharacters: '-' }).toLowerCase();
  return `${unique}-${stack.account}-${stack.region}`;
}

/** S3 general purpose bucket naming rules. */
export function checkBucketName(name: string | undefined, scope: IConstruct): void {
  if (name === undefined || Token.isUnresolved(name)) {
    return;
  }
  const problems: string[] = [];
  if (name.length < 3 || name.length > 63) {
    problems.push(`it is ${name.length} characters long; S3 allows 3-63`);
  }
  if (!/^[a-z0-9.-]*$/.test(name)) {
    problems.push('only lowercase letters, digits, dots and hyphens are allowed');
  }
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) {
    problems.push('it must begin and end with a lowercase letter or digit');
  }
  if (name.includes('..')) {
    problems.push('it must not contain two adjacent dots');
  }
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) {
    problems.push('it must not look like an IP address');
  }
  const badPrefix = ['xn--', 'sthree-', 'amzn-s3-demo-'].find((p) => name.startsWith(p));
  if (badPrefix) {
    problems.push(`it must not start with '${badPrefix}'`);
  }
  const badSuffix = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'].find((s) => name.endsWith(s));
  if (badSuffix) {
    problems.push(`it must not end with '${badSuffix}'`);
  }
  if (problems.length > 0) {
    throw new ValidationError(
      `bucketName '${name}' is invalid: ${problems.join('; ')} (e.g. 'acme-pg-dumps-123456789012')`,
      scope,
    );
  }
}

/** `alias/<bucketName>`, with the dots of the name (not allowed in aliases) as `_` (not allowed in bucket names). */
export function defaultAliasName(bucketName: string): string {
  const name = Token.isUnresolved(bucketName) ? Fn.join('_', Fn.split('.', bucketName)) : bucketName.replace(/\./g, '_');
  return `alias/${name}`;
}

/** KMS alias naming rules. */
export function checkAliasName(aliasName: string, scope: IConstruct): void {
  if (Token.isUnresolved(aliasName)) {
    return;
  }
  if (!KMS_ALIAS_NAME_PATTERN.test(aliasName)) {
    throw new ValidationError(
      `encryptionKeyAlias '${aliasName}' is invalid: KMS aliases are 'alias/' followed by 1-250 letters, digits, ` +
        "'/', '_' and '-' (e.g. 'alias/acme-dumps')",
      scope,
    );
  }
  if (aliasName.startsWith('alias/aws/')) {
    throw new ValidationError(
      `encryptionKeyAlias '${aliasName}' starts with 'alias/aws/', which KMS reserves for AWS managed keys; ` +
        "choose another name (e.g. 'alias/acme-dumps')",
      scope,
    );
  }
}
