import { Annotations, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { KeyReference, keyReference, parseKmsArn, resourceAliasCondition, viaService } from '../private/kms';
import { flattenForNag } from '../private/nag-ids';
import { bucketArnFromName } from '../private/s3';
import { differs, sameEnvironment, ValidationError } from '../private/validation';
import { IDumpBucket } from '../storage';

// How the jobs reach their dump bucket: its name, account, region, prefix and key as the job's policy and handler
// need them, and the grants, one place for both jobs, scoped to `<prefix><databaseName>/`.

export interface DumpBucketTarget {
  readonly bucketName: string;
  /** Built from the name: the policy of the job must not depend on the bucket's stack. */
  readonly bucketArn: string;
  readonly ownerAccount: string;
  /** Region of the bucket (and of its key): the `kms:ViaService` endpoint. */
  readonly region: string;
  /** The bucket's key prefix, ending in `/`. */
  readonly prefix: string;
  /** `<prefix><databaseName>/`: every key the job reads or writes. */
  readonly databasePrefix: string;
  /** Undefined only for a bucket of the job's own account that has no key. */
  readonly key?: KeyReference;
}

/** Where a job of `scope` finds the bucket, and how its policy names the bucket's key. */
export function resolveDumpBucket(scope: IConstruct, bucket: IDumpBucket, databaseName: string): DumpBucketTarget {
  const stack = Stack.of(scope);
  if (differs(bucket.bucketRegion, stack.region)) {
    throw new ValidationError(
      `the dump bucket '${bucket.bucketName}' is in ${bucket.bucketRegion} but the job is in ${stack.region}; the handler's ` +
        "S3 client uses the function's region and an SSE-KMS key must be in its bucket's region: deploy the job in " +
        `${bucket.bucketRegion}, or use a bucket of ${stack.region}`,
      scope,
    );
  }
  return {
    bucketName: bucket.bucketName,
    bucketArn: bucketArnFromName(stack.partition, bucket.bucketName),
    ownerAccount: bucket.bucketAccount,
    region: bucket.bucketRegion,
    prefix: bucket.prefix,
    databasePrefix: `${bucket.prefix}${databaseName}/`,
    key: keyOf(scope, bucket),
  };
}

/**
 * The bucket's key as the job names it: in the bucket's own stack by `encryptionKeyArn`; from another stack by the
 * alias ARN when there is one (deterministic, no cross-stack reference), else by `encryptionKeyArn` when that is
 * known at synth time or the stacks share an environment.
 */
function keyOf(scope: IConstruct, bucket: IDumpBucket): KeyReference | undefined {
  const stack = Stack.of(scope);
  const bucketStack = Stack.of(bucket);
  if (bucketStack !== stack && bucket.encryptionKeyAliasArn !== undefined) {
    return aliasKey(bucket.encryptionKeyAliasArn, scope);
  }
  const keyArn = bucket.encryptionKeyArn;
  if (keyArn === undefined) {
    // The same text, a literal or the token of an environment-agnostic stack's own account, is this account.
    if (bucket.bucketAccount !== stack.account) {
      throw new ValidationError(
        `the dump bucket '${bucket.bucketName}' of account ${bucket.bucketAccount} has no encryptionKeyArn; a job can use ` +
          "the key of another account's bucket only when its own policy names that key: give the key ARN or the alias " +
          `ARN (e.g. 'arn:aws:kms:${Token.isUnresolved(stack.region) ? 'us-east-1' : stack.region}:${bucket.bucketAccount}:alias/${bucket.bucketName}')`,
        scope,
      );
    }
    Annotations.of(scope).addWarningV2('cdk-backup-dr:DumpJob.bucketWithoutKey',
      `the dump bucket '${bucket.bucketName}' has no encryptionKeyArn, so the job gets no KMS permission: if the bucket's ` +
        'default encryption is SSE-KMS with a customer-managed key, every request fails with AccessDenied. Give the ' +
        "key's ARN (or alias ARN) as encryptionKeyArn, unless the bucket uses SSE-S3");
    return undefined;
  }
  // A key ARN that is a token resolves to a reference, which cannot cross environments; a literal ARN can.
  if (bucketStack !== stack && Token.isUnresolved(keyArn) && !sameEnvironment(bucketStack, stack)) {
    throw new ValidationError(
      `the dump bucket '${bucket.node.path}' is in another environment (${bucketStack.account}/${bucketStack.region}) ` +
        'and its key has no alias created by it, so its ARN is only known after deployment; name the key by its ' +
        'deployed ARN (DumpBucket.fromDumpBucketAttributes() with encryptionKeyArn, or a CrossAccountBucket given ' +
        "kms.Key.fromKeyArn(this, 'Key', '<arn>')), or let the CrossAccountBucket create its key and alias",
      scope,
    );
  }
  return keyReference(keyArn);
}

/** An alias ARN: IAM authorizes KMS use against key ARNs only, so the resource is every key of the alias's account and region. */
function aliasKey(aliasArn: string, scope: IConstruct): KeyReference {
  const parsed = parseKmsArn(aliasArn);
  if (!parsed || parsed.resourceType !== 'alias') {
    throw new ValidationError(`'${aliasArn}' is not a KMS alias ARN (e.g. 'arn:aws:kms:us-east-1:222222222222:alias/acme-dumps')`, scope);
  }
  return keyReference(aliasArn, parsed);
}

/**
 * The dump job: `s3:PutObject` and `s3:AbortMultipartUpload` on `<prefix><db>/*` (no read, no delete);
 * `s3:ListBucket` for keys under `<prefix><db>/`; `kms:GenerateDataKey` and `kms:Decrypt` (multipart uploads
 * need both) on the bucket's key through S3 for this bucket.
 */
export function grantDumpWrite(grantee: iam.IGrantable, target: DumpBucketTarget): void {
  iam.Grant.addToPrincipal({
    grantee,
    actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
    resourceArns: [objectsArn(target)],
  });
  grantList(grantee, target);
  grantKey(grantee, target, ['kms:GenerateDataKey', 'kms:Decrypt']);
}

/**
 * The verify job: `s3:GetObject` on `<prefix><db>/*`; `s3:ListBucket` for keys under `<prefix><db>/`;
 * `kms:Decrypt` on the bucket's key through S3 for this bucket.
 */
export function grantDumpRead(grantee: iam.IGrantable, target: DumpBucketTarget): void {
  iam.Grant.addToPrincipal({
    grantee,
    actions: ['s3:GetObject'],
    resourceArns: [objectsArn(target)],
  });
  grantList(grantee, target);
  grantKey(grantee, target, ['kms:Decrypt']);
}

function objectsArn(target: DumpBucketTarget): string {
  return `${target.bucketArn}/${target.databasePrefix}*`;
}

function grantList(grantee: iam.IGrantable, target: DumpBucketTarget): void {
  iam.Grant.addToPrincipal({
    grantee,
    actions: ['s3:ListBucket'],
    resourceArns: [target.bucketArn],
    conditions: { StringLike: { 's3:prefix': [`${target.databasePrefix}*`] } },
  });
}

function grantKey(grantee: iam.IGrantable, target: DumpBucketTarget, actions: string[]): void {
  const key = target.key;
  if (!key) {
    return;
  }
  iam.Grant.addToPrincipal({
    grantee,
    actions,
    resourceArns: [key.iamResource],
    conditions: {
      'StringEquals': { 'kms:ViaService': viaService('s3', target.region) },
      // With an S3 Bucket Key the encryption context is the bucket ARN; without one, the object ARN.
      'StringLike': { 'kms:EncryptionContext:aws:s3:arn': [target.bucketArn, objectsArn(target)] },
      ...resourceAliasCondition(key),
    },
  });
}

/** The IAM5 findings of the grants above, acknowledged on the policy that holds them. */
export function acknowledgeDumpGrants(policy: IConstruct, target: DumpBucketTarget, job: string, access: string): void {
  const acknowledgements = [{
    id: `AwsSolutions-IAM5[Resource::${flattenForNag(policy, objectsArn(target))}]`,
    reason: `The ${job} job ${access} one object per run under a key that carries the run's timestamp, so the ` +
      `resource is every key under '${target.databasePrefix}' (its own database's folder of the dump bucket), not ` +
      'a list of known objects.',
  }];
  if (target.key?.aliasName) {
    acknowledgements.push({
      id: `AwsSolutions-IAM5[Resource::${flattenForNag(policy, target.key.iamResource)}]`,
      reason: `The dump bucket's key belongs to the bucket's account and is known here only by its alias ` +
        `'${target.key.aliasName}' (a key ARN is not deterministic and cannot cross accounts). IAM authorizes KMS use ` +
        'against key ARNs, never alias ARNs, so the resource is every key of that account and region, narrowed by ' +
        `kms:ResourceAliases to the keys carrying '${target.key.aliasName}', by kms:ViaService to S3 and by the ` +
        "encryption context to the dump bucket; the key's own policy must allow the use too.",
    });
  }
  Validations.of(policy).acknowledge(...acknowledgements);
}

