import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { isKnown, parseKmsArn } from '../private/kms';
import { BUCKET_ARN_PATTERN, bucketArnFromName, bucketNameFromArn, cfnBucketOf, isObjectLocked } from '../private/s3';
import { checkAccountId, checkPattern, KMS_ALIAS_NAME_PATTERN, REGION_PATTERN, ValidationError } from '../private/validation';

/**
 * A bucket of this app that receives replicas under its literal name, encrypted with its key named by the key's
 * alias ARN: a `CrossAccountBucket`.
 */
export interface IReplicaBucket extends IConstruct {
  /** The bucket. */
  readonly bucket: s3.IBucket;

  /**
   * ARN of the alias of the bucket's key, known before deployment.
   *
   * @default - the key has no alias created with it
   */
  readonly encryptionKeyAliasArn?: string;
}

/**
 * A replication rule as the owner of its destination sees it: where it writes, with which key, and the statements
 * the destination must add. Implemented by `ReplicationRule`.
 */
export interface IReplicationRule extends IConstruct {
  /** The bucket whose objects are replicated. */
  readonly sourceBucket: s3.IBucket;

  /** Where the replicas go. */
  readonly destination: ReplicationDestination;

  /**
   * The key that encrypts the replicas (`ReplicaKmsKeyID`): a key ARN or an alias ARN.
   *
   * @default - no replica key: replicas keep the source encryption
   */
  readonly replicaKmsKeyArn?: string;

  /** Whether delete markers are replicated. */
  readonly deleteMarkerReplication: boolean;

  /**
   * ARN of the role S3 assumes to replicate, built without a reference to the role so that a policy of another
   * account or region can name it (in an `aws:PrincipalArn` condition).
   */
  readonly replicationRoleArn: string;

  /** The statements the destination bucket's owner must add to its bucket policy and key policy. */
  destinationPolicy(): ReplicationDestinationPolicy;
}

/**
 * The statements the owner of the destination bucket must add so that the replication role may write replicas:
 * to the bucket policy, and to the key policy of the replica key.
 */
export interface ReplicationDestinationPolicy {
  /** Statements for the destination bucket's policy. */
  readonly bucketPolicyStatements: iam.PolicyStatement[];

  /** Statements for the key policy of the replica key; empty when the rule has no replica key. */
  readonly keyPolicyStatements: iam.PolicyStatement[];
}

const PARTITION_PATTERN = /^aws[a-z-]*$/;
const KEY_ID_PATTERN = /^[a-zA-Z0-9-]+$/;

/** Attributes of a destination bucket defined outside this app (typically in the backup account). */
export interface ReplicationDestinationAttributes {
  /** ARN of the destination bucket, e.g. `arn:aws:s3:::acme-dr-replica`. */
  readonly bucketArn: string;

  /** Region of the destination bucket, e.g. `us-west-2`. */
  readonly region: string;

  /**
   * Account that owns the destination bucket (12 digits). A different account than the source bucket's makes
   * the rule cross-account: replica ownership moves to this account (see `ownerOverride`) and the other account
   * must apply `ReplicationRule.destinationPolicy()`.
   *
   * @default - the account of the source bucket
   */
  readonly account?: string;

  /**
   * The customer-managed KMS key (in the destination region) that encrypts the replicas (`ReplicaKmsKeyID`):
   * its key ARN (`arn:aws:kms:us-west-2:222222222222:key/<id>`) or the ARN of one of its aliases
   * (`arn:aws:kms:us-west-2:222222222222:alias/acme-dr-replica`). An alias ARN is deterministic, so the source
   * app can name a key of another account before it is deployed (`CrossAccountBucket.encryptionKeyAliasArn`);
   * the replication role is then allowed the keys of that account and region that carry the alias
   * (`kms:ResourceAliases`), since IAM authorizes KMS operations against key ARNs only. Not an alias name or a
   * key id: those would be resolved in the source account. Required when the rule replicates SSE-KMS objects,
   * and only allowed then.
   *
   * @default - no replica key
   */
  readonly encryptionKeyArn?: string;

  /**
   * Whether Object Lock is enabled on the destination bucket. S3 replicates objects of an Object Lock
   * source bucket only to an Object Lock destination, so a rule from such a source requires `true`.
   *
   * @default false
   */
  readonly objectLockEnabled?: boolean;
}

/** Options of `ReplicationDestination.fromBucket()`. */
export interface ReplicationDestinationBucketOptions {
  /**
   * The customer-managed KMS key (in the destination region) that encrypts the replicas of SSE-KMS objects.
   * Only allowed when the rule replicates SSE-KMS objects.
   *
   * @default - the bucket's own `encryptionKey`, used when the rule replicates SSE-KMS objects
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Whether Object Lock is enabled on the bucket.
   *
   * @default - read from the bucket's CloudFormation resource when the bucket is defined in this app, else false
   */
  readonly objectLockEnabled?: boolean;
}

/**
 * Where a ReplicationRule writes its replicas: a bucket of this app (`fromBucket()`), or a bucket of another
 * app or account given by its ARN and region (`fromAttributes()`).
 */
export class ReplicationDestination {
  /**
   * A bucket of this app, or one imported with `s3.Bucket.fromBucketAttributes()` (give `account` and `region`
   * there). Account, region and Object Lock are read from the bucket. A bucket with a literal physical name
   * (CrossAccountBucket always has one) is named by an ARN built from the name, so a bucket of another account
   * or region needs no cross-stack reference. The ARN of a KMS key of another account or region is only known
   * once that key is deployed: for SSE-KMS replicas into such a bucket name the key by an alias ARN, which is
   * deterministic (`ReplicationDestination.fromAttributes()` with `encryptionKeyArn:
   * <CrossAccountBucket>.encryptionKeyAliasArn`), or pass
   * `encryptionKey: kms.Key.fromKeyArn(this, 'ReplicaKey', '<deployed key ARN>')`.
   */
  public static fromBucket(bucket: s3.IBucket, options: ReplicationDestinationBucketOptions = {}): ReplicationDestination {
    const key = options.encryptionKey ?? bucket.encryptionKey;
    // With a physical name the ARN is built from it: no reference to the bucket resource, so the destination's
    // key policy can name the bucket while the bucket refers to the key, and other environments need no export.
    const name = cfnBucketOf(bucket)?.bucketName;
    const named = name !== undefined && !Token.isUnresolved(name);
    return new ReplicationDestination({
      bucketArn: named ? bucketArnFromName(Stack.of(bucket).partition, name) : bucket.bucketArn,
      bucketName: named ? name : bucket.bucketName,
      account: bucket.env.account,
      region: bucket.env.region,
      encryptionKey: key,
      encryptionKeyArn: key?.keyArn,
      keyGivenExplicitly: options.encryptionKey !== undefined,
      objectLockEnabled: options.objectLockEnabled ?? isObjectLocked(bucket) ?? false,
      bucket,
    });
  }

  /**
   * A `CrossAccountBucket` of this app in another region and/or account: named by its literal name, its replicas
   * encrypted with its key named by the key's alias ARN (known before deployment, unlike the key ARN), Object Lock
   * on. Pair with `bucket.acceptReplicationFrom(rule)`, which grants the rule's role on the bucket and its key.
   */
  public static fromCrossAccountBucket(bucket: IReplicaBucket): ReplicationDestination {
    if (bucket.encryptionKeyAliasArn === undefined) {
      throw new ValidationError(
        `ReplicationDestination.fromCrossAccountBucket: '${bucket.node.path}' was given its own encryptionKey, which has ` +
          "no alias ARN this app can name; use ReplicationDestination.fromAttributes() with that key's ARN",
      );
    }
    // The literal physical name: `bucket.bucketName` is a reference inside the bucket's own stack, where the key
    // policy that acceptReplicationFrom() writes would then depend on the bucket that depends on the key.
    const name = cfnBucketOf(bucket.bucket)?.bucketName;
    if (name === undefined || Token.isUnresolved(name)) {
      throw new ValidationError(
        `ReplicationDestination.fromCrossAccountBucket: '${bucket.node.path}' has a bucketName that is a token; the ` +
          "rule must name the bucket before it exists: give it a literal bucketName (e.g. 'acme-dr-files')",
      );
    }
    const stack = Stack.of(bucket);
    if (Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region)) {
      // Unresolved, they would resolve to the source stack's own account and region in the rule.
      throw new ValidationError(
        `ReplicationDestination.fromCrossAccountBucket: the stack '${stack.stackName}' of '${bucket.node.path}' has no ` +
          "explicit account and region; give it an env (e.g. { account: '222222222222', region: 'us-west-2' })",
      );
    }
    return ReplicationDestination.fromAttributes({
      bucketArn: bucketArnFromName(stack.partition, name),
      account: stack.account,
      region: stack.region,
      encryptionKeyArn: bucket.encryptionKeyAliasArn,
      objectLockEnabled: true,
    });
  }

  /** A bucket defined outside this app, e.g. in the backup account. */
  public static fromAttributes(attrs: ReplicationDestinationAttributes): ReplicationDestination {
    checkPattern('destination bucketArn', attrs.bucketArn, BUCKET_ARN_PATTERN,
      'expected the ARN of an S3 bucket', 'arn:aws:s3:::acme-dr-replica');
    checkPattern('destination region', attrs.region, REGION_PATTERN,
      'expected an AWS region name', 'us-west-2');
    if (attrs.account !== undefined) {
      checkAccountId('destination account', attrs.account);
    }
    if (attrs.encryptionKeyArn !== undefined) {
      checkReplicaKeyArn(attrs.encryptionKeyArn, attrs.region);
    }
    return new ReplicationDestination({
      bucketArn: attrs.bucketArn,
      bucketName: bucketNameFromArn(attrs.bucketArn),
      account: attrs.account,
      region: attrs.region,
      encryptionKeyArn: attrs.encryptionKeyArn,
      keyGivenExplicitly: attrs.encryptionKeyArn !== undefined,
      objectLockEnabled: attrs.objectLockEnabled ?? false,
    });
  }

  /** ARN of the destination bucket. */
  public readonly bucketArn: string;

  /** Name of the destination bucket (the `DestinationBucket` dimension of the replication metrics). */
  public readonly bucketName: string;

  /**
   * Account of the destination bucket.
   *
   * @default - the account of the source bucket
   */
  public readonly account?: string;

  /** Region of the destination bucket. */
  public readonly region: string;

  /**
   * ARN of the key that encrypts the replicas of SSE-KMS objects, or ARN of an alias of that key.
   *
   * @default - no replica key
   */
  public readonly encryptionKeyArn?: string;

  /** Whether the destination bucket has Object Lock enabled. */
  public readonly objectLockEnabled: boolean;

  /**
   * The destination bucket, when it was given as a bucket.
   *
   * @default - given by attributes
   */
  public readonly bucket?: s3.IBucket;

  /**
   * Whether the replica key was given explicitly (an error without SSE-KMS source objects) rather than taken
   * from the bucket (then used only when the rule replicates SSE-KMS objects).
   *
   * @internal
   */
  public readonly _keyGivenExplicitly: boolean;

  /**
   * The replica key when given as a key (to check that its ARN is known where the rule is).
   *
   * @internal
   */
  public readonly _encryptionKey?: kms.IKey;

  /**
   * The parts of `encryptionKeyArn` when it is an alias ARN whose region, account and alias name are known at
   * synth time (the partition may be a token).
   *
   * @internal
   */
  public readonly _encryptionKeyAlias?: { readonly partition: string; readonly region: string; readonly account: string; readonly aliasName: string };

  private constructor(props: DestinationProps) {
    this.bucketArn = props.bucketArn;
    this.bucketName = props.bucketName;
    this.account = props.account;
    this.region = props.region;
    this.encryptionKeyArn = props.encryptionKeyArn;
    this._keyGivenExplicitly = props.keyGivenExplicitly;
    this._encryptionKey = props.encryptionKey;
    const parsed = props.encryptionKeyArn === undefined ? undefined : parseKmsArn(props.encryptionKeyArn);
    const keyArn = parsed && isKnown(parsed) ? parsed : undefined;
    if (keyArn?.resourceType === 'alias') {
      this._encryptionKeyAlias = {
        partition: keyArn.partition, region: keyArn.region, account: keyArn.account, aliasName: `alias/${keyArn.resourceName}`,
      };
    }
    this.objectLockEnabled = props.objectLockEnabled;
    this.bucket = props.bucket;
  }
}

interface DestinationProps {
  readonly bucketArn: string;
  readonly bucketName: string;
  readonly account?: string;
  readonly region: string;
  readonly encryptionKey?: kms.IKey;
  readonly encryptionKeyArn?: string;
  readonly keyGivenExplicitly: boolean;
  readonly objectLockEnabled: boolean;
  readonly bucket?: s3.IBucket;
}


/**
 * A replica key is a key ARN or an alias ARN (of a customer-managed key) in the destination region: an alias name
 * or a key id would be resolved in the source account.
 */
function checkReplicaKeyArn(arn: string, destinationRegion: string): void {
  const parsed = parseKmsArn(arn);
  const parts = parsed && isKnown(parsed) ? parsed : undefined;
  if (parts === undefined && Token.isUnresolved(arn)) {
    return;
  }
  const valid = parts !== undefined &&
    (Token.isUnresolved(parts.partition) || PARTITION_PATTERN.test(parts.partition)) &&
    REGION_PATTERN.test(parts.region) && /^\d{12}$/.test(parts.account) &&
    (parts.resourceType === 'key'
      ? KEY_ID_PATTERN.test(parts.resourceName)
      : KMS_ALIAS_NAME_PATTERN.test(`alias/${parts.resourceName}`));
  if (!parts || !valid) {
    throw new ValidationError(
      `destination encryptionKeyArn '${arn}' is invalid: expected the ARN of a KMS key or of a KMS alias ` +
        '(an alias name or a key id would be resolved in the source account) ' +
        "(e.g. 'arn:aws:kms:us-west-2:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab' or " +
        "'arn:aws:kms:us-west-2:222222222222:alias/acme-dr-replica')",
    );
  }
  if (parts.resourceType === 'alias' && parts.resourceName.startsWith('aws/')) {
    throw new ValidationError(
      `destination encryptionKeyArn '${arn}' is the alias of an AWS managed key; its key policy cannot let the ` +
        'replication role use it: name a customer-managed key (e.g. \'arn:aws:kms:us-west-2:222222222222:alias/acme-dr-replica\')',
    );
  }
  if (!Token.isUnresolved(destinationRegion) && parts.region !== destinationRegion) {
    const what = parts.resourceType === 'key' ? 'a key' : 'an alias';
    throw new ValidationError(
      `destination encryptionKeyArn '${arn}' is ${what} in ${parts.region}, but the destination ` +
        `bucket is in ${destinationRegion}; S3 encrypts replicas only with a key of the destination region ` +
        `(e.g. 'arn:aws:kms:${destinationRegion}:<account>:${parts.resourceType}/<${parts.resourceType === 'key' ? 'id' : 'name'}>')`,
    );
  }
}
