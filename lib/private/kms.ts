import { Token } from 'aws-cdk-lib';

// KMS key and alias ARNs, and how IAM statements name a key that is known only by its alias: one parser and one set
// of conditions for the dump jobs, the replication role and the bucket key policies.

/** A KMS key or alias ARN: `arn:<partition>:kms:<region>:<account>:key/<id>` or `...:alias/<name>`. */
const KMS_ARN_PATTERN = /^arn:([^:]+):kms:([^:]*):([^:]*):(key|alias)\/(.+)$/;

/** The parts of a KMS key or alias ARN. */
export interface KmsArnParts {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly resourceType: 'key' | 'alias';
  /** Key id, or alias name without `alias/`. */
  readonly resourceName: string;
}

/**
 * The parts of a KMS key or alias ARN, or undefined when the text is not one. Parts may be tokens (an ARN built by
 * `Stack.formatArn()` in an environment-agnostic stack): see `isKnown`.
 */
export function parseKmsArn(arn: string): KmsArnParts | undefined {
  const match = KMS_ARN_PATTERN.exec(arn);
  if (!match) {
    return undefined;
  }
  const [, partition, region, account, resourceType, resourceName] = match;
  return { partition, region, account, resourceType: resourceType as 'key' | 'alias', resourceName };
}

/** True when region, account and resource name are known at synth time (the partition may be a token). */
export function isKnown(parts: KmsArnParts): boolean {
  return ![parts.region, parts.account, parts.resourceName].some((part) => Token.isUnresolved(part));
}

/** A key as an IAM statement names it. */
export interface KeyReference {
  /** What was given: a key ARN, or an alias ARN. */
  readonly arn: string;
  /** The statement's resource: the key ARN, or every key of the alias's account and region. */
  readonly iamResource: string;
  /** `alias/<name>` when the key is named by its alias: the `kms:ResourceAliases` condition narrows `key/*` to it. */
  readonly aliasName?: string;
}

/**
 * How a statement names a key given by its ARN or by an alias ARN. IAM authorizes KMS use against key ARNs, never
 * alias ARNs, so an alias becomes every key of its account and region (`key/*`) with the alias as a condition.
 */
export function keyReference(arn: string, parts: KmsArnParts | undefined = parseKmsArn(arn)): KeyReference {
  if (parts?.resourceType !== 'alias') {
    return { arn, iamResource: arn };
  }
  return {
    arn,
    iamResource: `arn:${parts.partition}:kms:${parts.region}:${parts.account}:key/*`,
    aliasName: `alias/${parts.resourceName}`,
  };
}

/** `kms:ViaService` for a service endpoint of a region, e.g. `s3.us-east-1.amazonaws.com`. */
export function viaService(service: string, region: string): string {
  return `${service}.${region}.amazonaws.com`;
}

/** The condition that narrows `key/*` to the keys carrying an alias; none for a key named by its ARN. */
export function resourceAliasCondition(key: { readonly aliasName?: string }): Record<string, Record<string, unknown>> {
  return key.aliasName === undefined ? {} : { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': key.aliasName } };
}
