import { Annotations, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import type { CrossAccountBucket } from '../storage/cross-account-bucket';
import { flattenForNag } from './nag-ids';
import { checkAccountId, checkFolderPrefix, checkPattern, differs, sameEnvironment, ValidationError } from './validation';

// Where the jobs find the dump bucket: a CrossAccountBucket of the same app, or a bucket named by plain strings
// (another account's bucket: its name, its owner account and the ARN of its key or of the key's alias).
// The grants are built here, one place for both jobs, scoped to `<prefix><databaseName>/`.

/** The bucket props both jobs accept (see `DumpJobBaseProps`). */
export interface DumpBucketProps {
  readonly dumpBucket?: CrossAccountBucket;
  readonly bucketName?: string;
  readonly bucketOwnerAccount?: string;
  readonly bucketKeyArn?: string;
  readonly prefix?: string;
}

/** The key that encrypts the bucket, as the job's policy and handler need it. */
export interface DumpBucketKey {
  /** What the handler receives: a key ARN or an alias ARN. */
  readonly arn: string;
  /** The resource of the IAM statement: the key ARN, or every key of the alias's account and region. */
  readonly iamResource: string;
  /** `alias/<name>` when the key is named by its alias. */
  readonly aliasName?: string;
}

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
  /** Undefined only for a bucket of the job's own account given without `bucketKeyArn`. */
  readonly key?: DumpBucketKey;
}

export const DEFAULT_PREFIX = 'pg-dump/';

const KMS_ARN = /^arn:([^:]+):kms:([^:]*):([^:]*):(key|alias)\/(.+)$/;
const BUCKET_NAME = /^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Reads and checks the bucket props of a job. */
export function resolveDumpBucket(scope: IConstruct, props: DumpBucketProps, databaseName: string): DumpBucketTarget {
  const stack = Stack.of(scope);
  if (props.dumpBucket && props.bucketName !== undefined) {
    throw new ValidationError(
      `both dumpBucket ('${props.dumpBucket.node.path}') and bucketName ('${props.bucketName}') are given; name the ` +
        'bucket one way: dumpBucket for a CrossAccountBucket of this app, or bucketName (with bucketOwnerAccount and ' +
        "bucketKeyArn) for another account's bucket",
      scope,
    );
  }
  const target = props.dumpBucket
    ? fromCrossAccountBucket(scope, props, props.dumpBucket)
    : fromNames(scope, props);
  if (differs(target.region, stack.region)) {
    throw new ValidationError(
      `the dump bucket '${target.bucketName}' is in ${target.region} but the job is in ${stack.region}; the handler's ` +
        "S3 client uses the function's region and an SSE-KMS key must be in its bucket's region: deploy the job in " +
        `${target.region}, or use a bucket of ${stack.region}`,
      scope,
    );
  }
  return { ...target, databasePrefix: `${target.prefix}${databaseName}/` };
}

type Unscoped = Omit<DumpBucketTarget, 'databasePrefix'>;

function fromCrossAccountBucket(scope: IConstruct, props: DumpBucketProps, bucket: CrossAccountBucket): Unscoped {
  for (const [prop, value] of [['bucketOwnerAccount', props.bucketOwnerAccount], ['bucketKeyArn', props.bucketKeyArn]]) {
    if (value !== undefined) {
      throw new ValidationError(
        `${prop} '${value}' is given with dumpBucket; the CrossAccountBucket '${bucket.node.path}' knows its account ` +
          `and key: remove ${prop}`,
        scope,
      );
    }
  }
  if (props.prefix !== undefined && !Token.isUnresolved(props.prefix) && !Token.isUnresolved(bucket.prefix) &&
    props.prefix !== bucket.prefix) {
    throw new ValidationError(
      `prefix '${props.prefix}' differs from the prefix of the dumpBucket '${bucket.node.path}' ('${bucket.prefix}'), ` +
        `which limits its writers and readers to its own prefix: remove prefix, or use '${bucket.prefix}'`,
      scope,
    );
  }
  const stack = Stack.of(scope);
  const bucketStack = Stack.of(bucket);
  let key: DumpBucketKey;
  if (bucketStack === stack || bucket.encryptionKeyAliasArn === undefined) {
    if (bucketStack !== stack && !sameEnvironment(bucketStack, stack)) {
      throw new ValidationError(
        `the dumpBucket '${bucket.node.path}' is in another environment (${bucketStack.account}/${bucketStack.region}) ` +
          'and its key has no alias created by it, so its ARN is only known after deployment; name the bucket by ' +
          'bucketName, bucketOwnerAccount and bucketKeyArn (the deployed key ARN), or let the CrossAccountBucket ' +
          'create its key and alias',
        scope,
      );
    }
    key = { arn: bucket.encryptionKey.keyArn, iamResource: bucket.encryptionKey.keyArn };
  } else {
    key = aliasKey(bucket.encryptionKeyAliasArn, scope);
  }
  return {
    bucketName: bucket.bucketName,
    bucketArn: bucketArnOf(stack, bucket.bucketName),
    ownerAccount: bucketStack.account,
    region: bucketStack.region,
    prefix: bucket.prefix,
    key,
  };
}

function fromNames(scope: IConstruct, props: DumpBucketProps): Unscoped {
  const stack = Stack.of(scope);
  const bucketName = props.bucketName;
  if (bucketName === undefined) {
    throw new ValidationError(
      'no dump bucket is given; give dumpBucket (a CrossAccountBucket of this app) or bucketName, with ' +
        "bucketOwnerAccount and bucketKeyArn for another account's bucket (e.g. bucketName: 'acme-dumps-222222222222-" +
        "us-east-1', bucketOwnerAccount: '222222222222', bucketKeyArn: 'arn:aws:kms:us-east-1:222222222222:alias/" +
        "acme-dumps-222222222222-us-east-1')",
      scope,
    );
  }
  checkPattern('bucketName', bucketName, BUCKET_NAME,
    'S3 bucket names are 3-63 lowercase letters, digits, dots and hyphens, beginning and ending with a letter or digit',
    'acme-dumps-222222222222-us-east-1', scope);
  const ownerAccount = props.bucketOwnerAccount ?? stack.account;
  if (props.bucketOwnerAccount !== undefined) {
    checkAccountId('bucketOwnerAccount', props.bucketOwnerAccount, scope);
  }
  const prefix = props.prefix ?? DEFAULT_PREFIX;
  checkFolderPrefix(prefix, scope);

  const keyArn = props.bucketKeyArn;
  const crossAccount = Token.isUnresolved(ownerAccount) || Token.isUnresolved(stack.account) || ownerAccount !== stack.account;
  if (keyArn === undefined) {
    if (crossAccount && props.bucketOwnerAccount !== undefined) {
      throw new ValidationError(
        `bucketKeyArn is missing for the bucket '${bucketName}' of account ${ownerAccount}; a job can use the key of ` +
          "another account's bucket only when its own policy names that key: give the key ARN or the alias ARN " +
          `(e.g. 'arn:aws:kms:${Token.isUnresolved(stack.region) ? 'us-east-1' : stack.region}:${ownerAccount}:alias/${bucketName}')`,
        scope,
      );
    }
    Annotations.of(scope).addWarningV2('cdk-backup-dr:dump-job-bucket-without-key',
      `bucketKeyArn is not given for the bucket '${bucketName}', so the job gets no KMS permission: if the bucket's ` +
        'default encryption is SSE-KMS with a customer-managed key, every request fails with AccessDenied. Give the ' +
        "key's ARN (or alias ARN) as bucketKeyArn, unless the bucket uses SSE-S3");
    return { bucketName, bucketArn: bucketArnOf(stack, bucketName), ownerAccount, region: stack.region, prefix };
  }
  const parsed = KMS_ARN.exec(keyArn);
  if (!Token.isUnresolved(keyArn) && !parsed) {
    throw new ValidationError(
      `bucketKeyArn '${keyArn}' is invalid: expected the ARN of a KMS key or of its alias ` +
        "(e.g. 'arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab' or " +
        "'arn:aws:kms:us-east-1:222222222222:alias/acme-dumps')",
      scope,
    );
  }
  const region = parsed && !Token.isUnresolved(parsed[2]) ? parsed[2] : stack.region;
  if (parsed && differs(parsed[3], ownerAccount)) {
    throw new ValidationError(
      `bucketKeyArn '${keyArn}' is in account ${parsed[3]}, not in the bucket's account ${ownerAccount}; an SSE-KMS ` +
        "bucket's key belongs to the bucket's account: give the bucket's own key",
      scope,
    );
  }
  const key = parsed?.[4] === 'alias' ? aliasKey(keyArn, scope) : { arn: keyArn, iamResource: keyArn };
  return { bucketName, bucketArn: bucketArnOf(stack, bucketName), ownerAccount, region, prefix, key };
}

/** An alias ARN: IAM authorizes KMS use against key ARNs only, so the resource is every key of the alias's account and region. */
function aliasKey(aliasArn: string, scope: IConstruct): DumpBucketKey {
  const parsed = KMS_ARN.exec(aliasArn);
  if (!parsed || parsed[4] !== 'alias') {
    throw new ValidationError(`'${aliasArn}' is not a KMS alias ARN (e.g. 'arn:aws:kms:us-east-1:222222222222:alias/acme-dumps')`, scope);
  }
  const [, partition, region, account, , name] = parsed;
  return {
    arn: aliasArn,
    iamResource: `arn:${partition}:kms:${region}:${account}:key/*`,
    aliasName: `alias/${name}`,
  };
}

function bucketArnOf(stack: Stack, bucketName: string): string {
  return `arn:${stack.partition}:s3:::${bucketName}`;
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
      'StringEquals': { 'kms:ViaService': `s3.${target.region}.amazonaws.com` },
      // With an S3 Bucket Key the encryption context is the bucket ARN; without one, the object ARN.
      'StringLike': { 'kms:EncryptionContext:aws:s3:arn': [target.bucketArn, objectsArn(target)] },
      ...(key.aliasName === undefined ? {} : { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': key.aliasName } }),
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

