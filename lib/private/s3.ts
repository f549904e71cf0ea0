import { Arn, ArnFormat, CfnResource, Token } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';

// What can be read of an S3 bucket at synth time: its L1 (for a bucket of this app), versioning, Object Lock and
// default encryption; and bucket names and ARNs.

/** S3 bucket names: 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit. */
export const BUCKET_NAME_PATTERN = /^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** The ARN of an S3 bucket in any partition. */
export const BUCKET_ARN_PATTERN = /^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** The L1 of a bucket defined in this app, or undefined for an imported bucket. */
export function cfnBucketOf(bucket: s3.IBucket): s3.CfnBucket | undefined {
  const child = bucket.node.defaultChild;
  return CfnResource.isCfnResource(child) && child.cfnResourceType === s3.CfnBucket.CFN_RESOURCE_TYPE_NAME
    ? child as s3.CfnBucket
    : undefined;
}

/** Object Lock of a bucket of this app (undefined when imported or set by a token). */
export function isObjectLocked(bucket: s3.IBucket): boolean | undefined {
  const cfn = cfnBucketOf(bucket);
  return cfn && typeof cfn.objectLockEnabled === 'boolean' ? cfn.objectLockEnabled : undefined;
}

/** True or false when the L1 versioning status is known, undefined when it is a token. */
export function isVersioned(cfn: s3.CfnBucket): boolean | undefined {
  const versioning = cfn.versioningConfiguration;
  if (Token.isUnresolved(versioning)) {
    return undefined;
  }
  const status = (versioning as s3.CfnBucket.VersioningConfigurationProperty | undefined)?.status;
  if (status !== undefined && Token.isUnresolved(status)) {
    return undefined;
  }
  return status === 'Enabled';
}

/** Whether the bucket's default encryption is SSE-KMS or DSSE-KMS (undefined when it cannot be read). */
export function defaultEncryptionIsKms(cfn: s3.CfnBucket): boolean | undefined {
  const encryption = cfn.bucketEncryption;
  if (encryption === undefined) {
    return false;
  }
  if (Token.isUnresolved(encryption)) {
    return undefined;
  }
  const rules = (encryption as s3.CfnBucket.BucketEncryptionProperty).serverSideEncryptionConfiguration;
  if (Token.isUnresolved(rules)) {
    return undefined;
  }
  return (rules as s3.CfnBucket.ServerSideEncryptionRuleProperty[]).some((rule) => {
    const byDefault = rule.serverSideEncryptionByDefault as s3.CfnBucket.ServerSideEncryptionByDefaultProperty | undefined;
    const algorithm = byDefault?.sseAlgorithm;
    return algorithm !== undefined && !Token.isUnresolved(algorithm) && algorithm.startsWith('aws:kms');
  });
}

/** `arn:aws:s3:::name` → `name`; a token ARN becomes a token for its resource part. */
export function bucketNameFromArn(bucketArn: string): string {
  if (!Token.isUnresolved(bucketArn)) {
    return bucketArn.substring(bucketArn.indexOf(':::') + 3);
  }
  return Arn.split(bucketArn, ArnFormat.NO_RESOURCE_NAME).resource;
}

/** The ARN of a bucket built from its name, so that a policy does not depend on the bucket's stack. */
export function bucketArnFromName(partition: string, bucketName: string): string {
  return `arn:${partition}:s3:::${bucketName}`;
}
