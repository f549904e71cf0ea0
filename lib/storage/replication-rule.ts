import { Arn, ArnFormat, CfnResource, Duration, Lazy, Names, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import {
  checkAccountId,
  checkFilterPrefix,
  checkPattern,
  KMS_ALIAS_NAME_PATTERN,
  REGION_PATTERN,
  sameEnvironment,
  ValidationError,
} from '../private/validation';
import { flattenForNag } from '../private/nag-ids';
import type { CrossAccountBucket } from './cross-account-bucket';

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
      bucketArn: named ? Stack.of(bucket).formatArn({ service: 's3', region: '', account: '', resource: name }) : bucket.bucketArn,
      bucketName: named ? name : bucket.bucketName,
      account: bucket.env.account,
      region: bucket.env.region,
      encryptionKey: key,
      encryptionKeyArn: key?.keyArn,
      keyGivenExplicitly: options.encryptionKey !== undefined,
      objectLockEnabled: options.objectLockEnabled ?? readObjectLock(bucket) ?? false,
      bucket,
    });
  }

  /**
   * A `CrossAccountBucket` of this app in another region and/or account: named by its literal name, its replicas
   * encrypted with its key named by the key's alias ARN (known before deployment, unlike the key ARN), Object Lock
   * on. Pair with `bucket.acceptReplicationFrom(rule)`, which grants the rule's role on the bucket and its key.
   */
  public static fromCrossAccountBucket(bucket: CrossAccountBucket): ReplicationDestination {
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
      bucketArn: `arn:${stack.partition}:s3:::${name}`,
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
    const keyArn = props.encryptionKeyArn === undefined ? undefined : splitKmsArn(props.encryptionKeyArn);
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

/** Props of a ReplicationRule. */
export interface ReplicationRuleProps {
  /**
   * The bucket whose objects are replicated. It must be an `s3.Bucket` defined in this app (the rule writes
   * the bucket's `ReplicationConfiguration`), versioned, and without `replicationRules` of its own.
   * Several ReplicationRule constructs may share one source bucket.
   */
  readonly sourceBucket: s3.IBucket;

  /** The bucket that receives the replicas. */
  readonly destination: ReplicationDestination;

  /**
   * The KMS key that encrypts the source objects. With a key, the rule also replicates SSE-KMS objects
   * (`SourceSelectionCriteria.SseKmsEncryptedObjects`), the role may decrypt with it only through S3 in the
   * source region and for this bucket, and the destination must name a replica key.
   *
   * @default - the source bucket's `encryptionKey`; none when the bucket has no customer-managed key, and then
   * only SSE-S3 objects are replicated
   */
  readonly sourceKey?: kms.IKey;

  /**
   * Storage class of the replicas. STANDARD_IA (the seeds' choice): a DR copy is rarely read, and IA keeps
   * millisecond access for a restore. `new s3.StorageClass('STANDARD')` keeps S3 Standard.
   *
   * @default s3.StorageClass.INFREQUENT_ACCESS
   */
  readonly storageClass?: s3.StorageClass;

  /**
   * Whether delete markers are replicated. Off by default: a delete in the source (a mistake, a bug, an
   * attacker with the workload's credentials) then leaves the replica visible, which is what a recovery copy
   * is for. Turn it on when the copy must mirror the source exactly for fail-over (seed 001). Deletes of
   * object versions are never replicated. Not allowed with a tag filter (an S3 restriction).
   *
   * @default false
   */
  readonly deleteMarkerReplication?: boolean;

  /**
   * S3 Replication Time Control: 99.99 % of objects replicated within 15 minutes (billed per GB), with
   * replication metrics and a 15-minute `OperationMissedThreshold` event threshold. 15 minutes is the only
   * value S3 accepts. Requires `metrics`.
   *
   * @default false
   */
  readonly replicationTime?: boolean;

  /**
   * S3 replication metrics (`OperationsFailedReplication`, `ReplicationLatency`, `BytesPendingReplication`,
   * `OperationsPendingReplication`) for this rule, the signals of the `metricXxx()` methods. They are billed
   * as custom CloudWatch metrics; without them a failing replication goes unnoticed.
   *
   * @default true
   */
  readonly metrics?: boolean;

  /**
   * Whether the destination account becomes the owner of the replicas (`AccessControlTranslation`
   * Owner=Destination with the destination `Account`). Only for a destination in another account.
   *
   * @default - true when the destination is in another account, else false
   */
  readonly ownerOverride?: boolean;

  /**
   * Key prefix of the objects to replicate, e.g. `resumes/`. Also scopes the role's permissions on both buckets.
   * No `*` or `?` (the prefix is literal for S3 but would widen the IAM grants).
   *
   * @default - every object of the bucket
   */
  readonly prefix?: string;

  /**
   * Object tags an object must all carry to be replicated. Not allowed with `deleteMarkerReplication`.
   *
   * @default - no tag filter
   */
  readonly tags?: { [key: string]: string };

  /**
   * Priority of the rule among the rules of the source bucket (a non-negative integer, unique per bucket).
   * When rules overlap and target the same destination, the highest priority wins.
   *
   * @default - the lowest priority not taken by another rule of the bucket (0, 1, 2, ... in creation order)
   */
  readonly priority?: number;

  /**
   * Id of the rule in the bucket's replication configuration and the `RuleId` dimension of its metrics.
   * At most 255 characters, unique per bucket.
   *
   * @default - a name unique in the app, derived from the construct path
   */
  readonly ruleId?: string;

  /**
   * The role S3 assumes to replicate. A bucket has one replication role for all its rules, so every rule of
   * a bucket must use the same role. The rule's permissions are added to a customer-managed policy attached to it.
   *
   * @default - the role of the bucket's other rules, or a new role named after its construct path, shared by all
   * rules of the bucket
   */
  readonly role?: iam.IRole;
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

/** S3 accepts at most 1,000 rules in one replication configuration. */
const MAX_RULES_PER_BUCKET = 1000;
/** S3 Replication Time Control and its metrics event threshold accept exactly 15 minutes. */
const RTC_MINUTES = 15;
const MAX_RULE_ID_LENGTH = 255;
/** Storage classes S3 accepts for replicas (OUTPOSTS aside). */
const REPLICA_STORAGE_CLASSES = [
  'STANDARD', 'REDUCED_REDUNDANCY', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER', 'DEEP_ARCHIVE', 'GLACIER_IR',
];
const BUCKET_ARN_PATTERN = /^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** A KMS key or alias ARN; the partition may be a token (`arn:${Aws.PARTITION}:kms:...`), the other parts are split out. */
const KMS_ARN_PATTERN = /^arn:([^:]+):kms:([^:]*):([^:]*):(key|alias)\/(.*)$/;
const PARTITION_PATTERN = /^aws[a-z-]*$/;
const KEY_ID_PATTERN = /^[a-zA-Z0-9-]+$/;

/**
 * One S3 replication rule from a bucket of this app to a bucket in another region and/or account: the
 * `ReplicationConfiguration` rule on the source bucket, a least-privilege replication role, and the statements
 * the destination account must apply (`destinationPolicy()`, or `CrossAccountBucket.acceptReplicationFrom()`
 * when the destination is in this app).
 *
 * - several rules on one bucket coexist: they share one role (and one customer-managed policy) and are
 *   rendered together into the bucket's `ReplicationConfiguration`;
 * - the role may read object versions only under the rule's prefix, write replicas only under the same prefix
 *   of the destination, replicate delete markers only when asked to, and use the KMS keys only through S3 in the
 *   respective region and for the respective bucket;
 * - SSE-KMS objects are replicated when a source key is known, re-encrypted with the destination's key;
 * - STANDARD_IA replicas, delete markers not replicated, replication metrics on, RTC off, unless set;
 * - checked at synth time: source (and same-app destination) versioning, Object Lock on the destination when the
 *   source has it, tag filter without delete-marker replication, RTC with metrics, unique priorities and ids,
 *   at most 1,000 rules per bucket, a destination in another region or account.
 *
 * S3 replicates only objects written after the rule exists; copy existing objects with S3 Batch Replication.
 */
export class ReplicationRule extends Construct {
  /** The bucket whose objects are replicated. */
  public readonly sourceBucket: s3.IBucket;

  /** Where the replicas go. */
  public readonly destination: ReplicationDestination;

  /** Id of the rule in the bucket's replication configuration (the `RuleId` metric dimension). */
  public readonly ruleId: string;

  /** The role S3 assumes for every rule of the source bucket. */
  public readonly role: iam.IRole;

  /** The customer-managed policy holding the replication permissions of the source bucket's rules. */
  public readonly policy: iam.IManagedPolicy;

  /** Whether delete markers are replicated. */
  public readonly deleteMarkerReplication: boolean;

  /** Whether S3 replication metrics are enabled for the rule. */
  public readonly metricsEnabled: boolean;

  /**
   * ARN of the key that encrypts the replicas (`ReplicaKmsKeyID`), or ARN of an alias of that key when the
   * destination named the key by its alias.
   *
   * @default - none: the rule does not replicate SSE-KMS objects
   */
  public readonly replicaKmsKeyArn?: string;

  private readonly roleArnForPolicies: string;
  private readonly prefix: string;
  private readonly ownerOverride: boolean;
  private readonly sourceKey?: kms.IKey;

  constructor(scope: Construct, id: string, props: ReplicationRuleProps) {
    super(scope, id);

    const cfnSource = cfnBucketOf(props.sourceBucket);
    if (!cfnSource) {
      throw new ValidationError(
        `sourceBucket '${props.sourceBucket.node.path}' is not a bucket defined in this app; ReplicationRule writes ` +
          "the source bucket's ReplicationConfiguration, so it needs an s3.Bucket of this app " +
          '(define the rule in the app that owns the bucket)',
        this,
      );
    }
    const sourceStack = Stack.of(props.sourceBucket);
    const destination = props.destination;
    const prefix = props.prefix ?? '';
    const tags = props.tags ?? {};
    const deleteMarkers = props.deleteMarkerReplication ?? false;
    const replicationTime = props.replicationTime ?? false;
    const metrics = props.metrics ?? true;
    const crossAccount = destination.account !== undefined && destination.account !== sourceStack.account;
    const ownerOverride = props.ownerOverride ?? crossAccount;
    const storageClass = props.storageClass ?? s3.StorageClass.INFREQUENT_ACCESS;
    const sourceKey = props.sourceKey ?? props.sourceBucket.encryptionKey;

    checkFilterPrefix(prefix, this);
    checkTags(tags, this);
    checkStorageClass(storageClass, this);
    if (Object.keys(tags).length > 0 && deleteMarkers) {
      throw new ValidationError(
        `deleteMarkerReplication is true but tags filter on ${JSON.stringify(tags)}; S3 cannot replicate delete ` +
          'markers for a rule with a tag filter (delete markers carry no tags): remove tags, or set ' +
          'deleteMarkerReplication: false',
        this,
      );
    }
    if (replicationTime && !metrics) {
      throw new ValidationError(
        'replicationTime is true but metrics is false; S3 Replication Time Control requires replication metrics ' +
          `with a ${RTC_MINUTES}-minute event threshold: remove metrics: false, or set replicationTime: false`,
        this,
      );
    }
    if (ownerOverride && !crossAccount) {
      throw new ValidationError(
        `ownerOverride is true but the destination is in the source account (${destination.account ?? sourceStack.account}); ` +
          'replica ownership can only move to another account: remove ownerOverride, or give the destination account',
        this,
      );
    }
    checkNotSameRegionAndAccount(sourceStack, destination, crossAccount, this);
    checkSourceEncryption(cfnSource, sourceKey, this);
    const replicaKmsKeyArn = this.replicaKey(sourceKey, destination, sourceStack);
    const sourceObjectLock = cfnSource.objectLockEnabled === true;
    if (sourceObjectLock && !destination.objectLockEnabled) {
      throw new ValidationError(
        `sourceBucket '${props.sourceBucket.node.path}' has Object Lock enabled, but the destination bucket ` +
          `${describeDestination(destination)} does not (objectLockEnabled: false); S3 replicates ` +
          'objects of an Object Lock bucket only to an Object Lock bucket: enable Object Lock on the destination ' +
          '(CrossAccountBucket has it), or declare it with objectLockEnabled: true',
        this,
      );
    }

    const replication = BucketReplication.of(props.sourceBucket, cfnSource, props.role, this);
    this.ruleId = props.ruleId ?? Names.uniqueResourceName(this, { maxLength: MAX_RULE_ID_LENGTH });
    replication.register(this, props.priority);

    this.sourceBucket = props.sourceBucket;
    this.destination = destination;
    this.role = replication.role;
    this.roleArnForPolicies = replication.roleArn;
    this.policy = replication.policy;
    this.deleteMarkerReplication = deleteMarkers;
    this.metricsEnabled = metrics;
    this.replicaKmsKeyArn = replicaKmsKeyArn;
    this.prefix = prefix;
    this.ownerOverride = ownerOverride;
    this.sourceKey = sourceKey;

    replication.addRule({
      id: this.ruleId,
      priority: props.priority ?? Lazy.number({ produce: () => replication.priorityOf(this) }),
      status: 'Enabled',
      filter: renderFilter(prefix, tags),
      deleteMarkerReplication: { status: deleteMarkers ? 'Enabled' : 'Disabled' },
      sourceSelectionCriteria: sourceKey ? { sseKmsEncryptedObjects: { status: 'Enabled' } } : undefined,
      destination: {
        bucket: destination.bucketArn,
        account: ownerOverride ? destination.account : undefined,
        accessControlTranslation: ownerOverride ? { owner: 'Destination' } : undefined,
        storageClass: storageClass.value,
        encryptionConfiguration: replicaKmsKeyArn ? { replicaKmsKeyId: replicaKmsKeyArn } : undefined,
        replicationTime: replicationTime ? { status: 'Enabled', time: { minutes: RTC_MINUTES } } : undefined,
        metrics: metrics
          ? { status: 'Enabled', eventThreshold: replicationTime ? { minutes: RTC_MINUTES } : undefined }
          : undefined,
      },
    });
    this.grantReplication(replication, sourceStack);

    this.node.addValidation({ validate: () => this.validateVersioning(cfnSource) });
  }

  /**
   * The statements the destination account must apply so that this rule's role may write replicas: on the bucket
   * policy, `s3:ReplicateObject`, `s3:ReplicateTags`, `s3:ReplicateDelete` (only when delete markers are replicated)
   * and `s3:ObjectOwnerOverrideToBucketOwner` (only with `ownerOverride`) on `<prefix>*` of the destination, and
   * `s3:GetBucketVersioning` on the bucket; on the replica key's policy, `kms:Encrypt`, `kms:GenerateDataKey` and
   * `kms:Decrypt` (S3 Bucket Keys need it) only through S3 in the destination region and for the destination bucket.
   *
   * The principal is the source account, narrowed to the role with `aws:PrincipalArn`, so the destination can be
   * deployed before or after the role exists (a bucket or key policy naming a role that does not exist yet would be
   * rejected). `s3:PutBucketVersioning` is not granted: the source account should not be able to change the
   * versioning of the bucket holding its recovery copy. `s3:ReplicateObject` is not `s3:PutObject`, so denies on
   * `s3:PutObject` (such as CrossAccountBucket's encryption denies) do not apply to replicas.
   *
   * To hand the statements to another app, render them with `Stack.of(rule).resolve(s.toStatementJson())`; the source
   * stack needs an explicit account, and a role name that is known (the default role has one).
   */
  public destinationPolicy(): ReplicationDestinationPolicy {
    const principal = new iam.AccountPrincipal(Stack.of(this.sourceBucket).account);
    const onlyTheRole = { ArnEquals: { 'aws:PrincipalArn': this.roleArnForPolicies } };
    const sid = Names.nodeUniqueId(this.node).replace(/[^A-Za-z0-9]/g, '');
    const bucketPolicyStatements = [
      new iam.PolicyStatement({
        sid: `Replicate${sid}Objects`,
        principals: [principal],
        actions: this.destinationObjectActions(),
        resources: [this.destinationObjects()],
        conditions: onlyTheRole,
      }),
      new iam.PolicyStatement({
        sid: `Replicate${sid}Versioning`,
        principals: [principal],
        actions: ['s3:GetBucketVersioning'],
        resources: [this.destination.bucketArn],
        conditions: onlyTheRole,
      }),
    ];
    const keyPolicyStatements = this.replicaKmsKeyArn === undefined ? [] : [
      new iam.PolicyStatement({
        sid: `Replicate${sid}Encrypt`,
        principals: [principal],
        actions: REPLICA_KEY_ACTIONS,
        resources: ['*'],
        conditions: { ...this.destinationKeyConditions(), ...onlyTheRole },
      }),
    ];
    return { bucketPolicyStatements, keyPolicyStatements };
  }

  /**
   * An AWS/S3 replication metric of this rule (dimensions `SourceBucket`, `DestinationBucket`, `RuleId`).
   * S3 publishes them only when replication metrics are enabled (`metrics`, the default). When alarming on them,
   * treat missing data as `IGNORE`: S3 sends data points only while there is something to replicate.
   */
  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    if (!this.metricsEnabled) {
      throw new ValidationError(
        `metric('${metricName}') needs S3 replication metrics, but the rule has metrics: false; ` +
          'remove metrics: false from the rule props',
        this,
      );
    }
    return new cloudwatch.Metric({
      namespace: 'AWS/S3',
      metricName,
      dimensionsMap: {
        SourceBucket: this.sourceBucket.bucketName,
        DestinationBucket: this.destination.bucketName,
        RuleId: this.ruleId,
      },
      statistic: cloudwatch.Stats.MAXIMUM,
      period: Duration.minutes(5),
      ...props,
    });
  }

  /** Operations (objects, delete markers, tags) that failed to replicate, sum per period. */
  public metricOperationsFailedReplication(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('OperationsFailedReplication', { statistic: cloudwatch.Stats.SUM, ...props });
  }

  /** Seconds by which the destination is behind the source, maximum per period. */
  public metricReplicationLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ReplicationLatency', props);
  }

  /** Bytes of objects waiting to be replicated, maximum per period. */
  public metricBytesPendingReplication(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('BytesPendingReplication', props);
  }

  /** Operations waiting to be replicated, maximum per period. */
  public metricOperationsPendingReplication(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('OperationsPendingReplication', props);
  }

  /** The key written as `ReplicaKmsKeyID`, or a ValidationError when the source and destination keys do not pair up. */
  private replicaKey(sourceKey: kms.IKey | undefined, destination: ReplicationDestination, sourceStack: Stack): string | undefined {
    if (sourceKey && destination.encryptionKeyArn === undefined) {
      throw new ValidationError(
        'the rule replicates SSE-KMS objects (sourceKey, or the source bucket\'s key) but the destination has no ' +
          'replica key; S3 needs the key that encrypts the replicas (ReplicaKmsKeyID): give encryptionKeyArn to ' +
          'ReplicationDestination.fromAttributes(), or encryptionKey to ReplicationDestination.fromBucket()',
        this,
      );
    }
    if (!sourceKey && destination._keyGivenExplicitly) {
      throw new ValidationError(
        'the destination has a replica key but the rule does not replicate SSE-KMS objects (no sourceKey, and the ' +
          'source bucket has no customer-managed key); S3 accepts a replica key only with SSE-KMS source objects: ' +
          'give sourceKey, or remove the destination key',
        this,
      );
    }
    const key = destination._encryptionKey;
    if (sourceKey && key && Token.isUnresolved(key.keyArn) && !sameEnvironment(Stack.of(key), sourceStack)) {
      throw new ValidationError(
        `the destination key '${key.node.path}' is defined in another environment (${Stack.of(key).account}/` +
          `${Stack.of(key).region}) and its ARN is only known after it is deployed; pass the deployed key's ARN: ` +
          "ReplicationDestination.fromBucket(bucket, { encryptionKey: kms.Key.fromKeyArn(this, 'ReplicaKey', '<arn>') }), " +
          'or name the key by an alias ARN: ReplicationDestination.fromAttributes({ ..., encryptionKeyArn: ' +
          '<CrossAccountBucket>.encryptionKeyAliasArn })',
        this,
      );
    }
    return sourceKey ? destination.encryptionKeyArn : undefined;
  }

  private grantReplication(replication: BucketReplication, sourceStack: Stack): void {
    const sourceArn = this.sourceBucket.bucketArn;
    const sourceObjects = this.sourceBucket.arnForObjects(`${this.prefix}*`);
    replication.addResource('source-objects', sourceObjects);
    replication.addResource(`destination-objects:${this.destinationObjectActions().join(',')}`, this.destinationObjects(),
      () => new iam.PolicyStatement({ sid: 'WriteReplicas', actions: this.destinationObjectActions() }));
    if (this.sourceKey) {
      const key = this.sourceKey;
      replication.addKeyUse(`source-key:${key.keyArn}`, [sourceArn, sourceObjects], () => ({
        sid: 'DecryptSourceObjects',
        actions: ['kms:Decrypt'],
        keyArn: key.keyArn,
        viaService: `s3.${sourceStack.region}.amazonaws.com`,
      }));
    }
    if (this.replicaKmsKeyArn) {
      const keyArn = this.replicaKmsKeyArn;
      const alias = this.destination._encryptionKeyAlias;
      // IAM authorizes KMS operations against the key ARN, never the alias ARN: with an alias, every key of the
      // alias's account and region, narrowed to the keys that carry the alias.
      const resource = alias
        ? `arn:${alias.partition}:kms:${alias.region}:${alias.account}:key/*`
        : keyArn;
      replication.addKeyUse(`replica-key:${keyArn}:${this.destination.region}`,
        [this.destination.bucketArn, this.destinationObjects()], () => ({
          sid: 'EncryptReplicas',
          actions: REPLICA_KEY_ACTIONS,
          keyArn: resource,
          viaService: `s3.${this.destination.region}.amazonaws.com`,
          aliasName: alias?.aliasName,
        }));
      if (alias) {
        replication.acknowledgeKeyWildcard(resource, alias.aliasName, alias.region);
      }
    }
    replication.acknowledgeObjectWildcard(sourceObjects, 'source', this.prefix);
    replication.acknowledgeObjectWildcard(this.destinationObjects(), 'destination', this.prefix);
  }

  private destinationObjectActions(): string[] {
    return [
      's3:ReplicateObject',
      's3:ReplicateTags',
      ...(this.deleteMarkerReplication ? ['s3:ReplicateDelete'] : []),
      ...(this.ownerOverride ? ['s3:ObjectOwnerOverrideToBucketOwner'] : []),
    ];
  }

  private destinationObjects(): string {
    return `${this.destination.bucketArn}/${this.prefix}*`;
  }

  private destinationKeyConditions(): Record<string, Record<string, unknown>> {
    return {
      StringEquals: { 'kms:ViaService': `s3.${this.destination.region}.amazonaws.com` },
      StringLike: { 'kms:EncryptionContext:aws:s3:arn': [this.destination.bucketArn, this.destinationObjects()] },
    };
  }

  private validateVersioning(cfnSource: s3.CfnBucket): string[] {
    const errors: string[] = [];
    if (isVersioned(cfnSource) === false) {
      errors.push(
        `sourceBucket '${this.sourceBucket.node.path}' is not versioned; S3 replication requires versioning on the ` +
          'source bucket: set versioned: true on it',
      );
    }
    const cfnDestination = this.destination.bucket ? cfnBucketOf(this.destination.bucket) : undefined;
    if (cfnDestination && isVersioned(cfnDestination) === false) {
      errors.push(
        `destination bucket '${this.destination.bucket!.node.path}' is not versioned; S3 replication requires ` +
          'versioning on the destination bucket: set versioned: true on it',
      );
    }
    return errors;
  }
}

/** `kms:Decrypt` as well: with an S3 Bucket Key, S3 verifies the bucket key by decrypting it. */
const REPLICA_KEY_ACTIONS = ['kms:Encrypt', 'kms:GenerateDataKey', 'kms:Decrypt'];

interface KeyUse {
  readonly sid: string;
  readonly actions: string[];
  /** The key ARN, or `arn:<partition>:kms:<region>:<account>:key/*` with `aliasName`. */
  readonly keyArn: string;
  readonly viaService: string;
  /** Limits `key/*` to the keys with this alias (`kms:ResourceAliases`). */
  readonly aliasName?: string;
}

/**
 * The replication configuration of one source bucket, a hidden child of the bucket shared by its rules: the role,
 * the customer-managed policy with the grouped permissions of every rule, and the rules rendered into the
 * bucket's `ReplicationConfiguration`.
 */
class BucketReplication extends Construct {
  public static of(bucket: s3.IBucket, cfn: s3.CfnBucket, role: iam.IRole | undefined, rule: IConstruct): BucketReplication {
    const existing = bucket.node.tryFindChild(BucketReplication.ID);
    if (existing instanceof BucketReplication) {
      if (role && role !== existing.role) {
        throw new ValidationError(
          `role '${role.node.path}' differs from the role of the other replication rules of sourceBucket ` +
            `'${bucket.node.path}' ('${existing.role.node.path}'); a bucket has one replication role: remove role, ` +
            'or pass the same role to every rule of the bucket',
          rule,
        );
      }
      return existing;
    }
    if (cfn.replicationConfiguration !== undefined) {
      throw new ValidationError(
        `sourceBucket '${bucket.node.path}' already has a replication configuration (its replicationRules prop); ` +
          'a bucket holds one configuration: move those rules to ReplicationRule constructs, or drop this rule',
        rule,
      );
    }
    return new BucketReplication(bucket, cfn, role);
  }

  private static readonly ID = 'Replication';

  public readonly role: iam.IRole;
  /** The role's ARN, built from its name when the role is created here (no reference to the role resource). */
  public readonly roleArn: string;
  public readonly policy: iam.ManagedPolicy;
  private readonly rules: s3.CfnBucket.ReplicationRuleProperty[] = [];
  private readonly ruleIds = new Set<string>();
  private readonly explicitPriorities = new Map<IConstruct, number>();
  private readonly defaultPriorityRules: IConstruct[] = [];
  private readonly statements = new Map<string, iam.PolicyStatement>();
  private readonly keyContexts = new Map<string, string[]>();
  private readonly acknowledged = new Set<string>();
  private assignedPriorities?: Map<IConstruct, number>;
  private readonly sourceObjectLock: boolean;

  private constructor(bucket: s3.IBucket, cfn: s3.CfnBucket, role: iam.IRole | undefined) {
    super(bucket, BucketReplication.ID);
    this.sourceObjectLock = cfn.objectLockEnabled === true;
    if (role) {
      this.role = role;
      this.roleArn = role.roleArn;
    } else {
      // A fixed name: the destination account's policies can name the role before it exists and without a reference.
      const roleName = Names.uniqueResourceName(this, { maxLength: 64 });
      // No aws:SourceAccount / aws:SourceArn condition on the trust: the S3 replication documentation shows the
      // trust without them and does not say that S3 sets them when it assumes a replication role. A condition on a
      // key the request lacks denies, which would stop replication. The role is usable only by the replication
      // configurations that name it, and passing it needs iam:PassRole in this account.
      this.role = new iam.Role(this, 'Role', {
        assumedBy: new iam.ServicePrincipal('s3.amazonaws.com'),
        roleName,
        description: `S3 replication of bucket ${bucket.node.path}`,
      });
      this.roleArn = Stack.of(this).formatArn({ service: 'iam', region: '', resource: 'role', resourceName: roleName });
    }
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: `Replication permissions of the rules of bucket ${bucket.node.path}`,
      roles: [this.role],
    });
    this.policy.addStatements(new iam.PolicyStatement({
      sid: 'ReadSourceReplicationConfiguration',
      actions: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
      resources: [bucket.bucketArn],
    }));
    this.statements.set('source-objects', new iam.PolicyStatement({
      sid: 'ReadSourceObjectVersions',
      actions: [
        's3:GetObjectVersionForReplication',
        's3:GetObjectVersionAcl',
        's3:GetObjectVersionTagging',
        // Object Lock retention and legal holds are replicated with the object.
        ...(this.sourceObjectLock ? ['s3:GetObjectRetention', 's3:GetObjectLegalHold'] : []),
      ],
    }));
    this.policy.addStatements(this.statements.get('source-objects')!);
    cfn.replicationConfiguration = { role: this.role.roleArn, rules: this.rules };
  }

  /** Checks the rule's id and priority against the other rules of the bucket and records them. */
  public register(rule: ReplicationRule, priority: number | undefined): void {
    if (this.rules.length >= MAX_RULES_PER_BUCKET) {
      throw new ValidationError(
        `sourceBucket '${this.node.scope!.node.path}' would get ${this.rules.length + 1} replication rules; S3 allows ` +
          `at most ${MAX_RULES_PER_BUCKET} per bucket: combine rules with a common prefix`,
        rule,
      );
    }
    if (!Token.isUnresolved(rule.ruleId)) {
      if (rule.ruleId.length < 1 || rule.ruleId.length > MAX_RULE_ID_LENGTH) {
        throw new ValidationError(
          `ruleId '${rule.ruleId}' is ${rule.ruleId.length} characters long; S3 allows 1-${MAX_RULE_ID_LENGTH}`, rule);
      }
      if (this.ruleIds.has(rule.ruleId)) {
        throw new ValidationError(
          `ruleId '${rule.ruleId}' is already used by another replication rule of sourceBucket ` +
            `'${this.node.scope!.node.path}'; rule ids are unique per bucket: choose another ruleId`,
          rule,
        );
      }
      this.ruleIds.add(rule.ruleId);
    }
    if (priority === undefined) {
      this.defaultPriorityRules.push(rule);
      return;
    }
    if (!Token.isUnresolved(priority)) {
      if (!Number.isInteger(priority) || priority < 0) {
        throw new ValidationError(
          `priority is ${priority}; S3 requires a non-negative integer (e.g. ${Math.max(0, Math.round(priority))})`, rule);
      }
      for (const [other, p] of this.explicitPriorities) {
        if (p === priority) {
          throw new ValidationError(
            `priority ${priority} is already used by replication rule '${other.node.path}' of sourceBucket ` +
              `'${this.node.scope!.node.path}'; priorities are unique per bucket: choose another priority ` +
              `(e.g. ${Math.max(...this.explicitPriorities.values()) + 1}), or leave it out to get the next free one`,
            rule,
          );
        }
      }
    }
    this.explicitPriorities.set(rule, priority);
  }

  public addRule(rendered: s3.CfnBucket.ReplicationRuleProperty): void {
    this.rules.push(rendered);
  }

  /** Default priorities: the lowest numbers not taken by explicit ones, in creation order. Decided at synth. */
  public priorityOf(rule: IConstruct): number {
    if (!this.assignedPriorities) {
      const taken = new Set(this.explicitPriorities.values());
      this.assignedPriorities = new Map();
      let next = 0;
      for (const r of this.defaultPriorityRules) {
        while (taken.has(next)) {
          next++;
        }
        this.assignedPriorities.set(r, next);
        taken.add(next);
      }
    }
    return this.assignedPriorities.get(rule)!;
  }

  /**
   * Adds an object ARN to a statement shared by the rules with the same actions (one statement per action set keeps
   * the policy small: a managed policy holds at most 6,144 characters).
   */
  public addResource(key: string, resource: string, create?: () => iam.PolicyStatement): void {
    let statement = this.statements.get(key);
    if (!statement) {
      statement = create!();
      statement.sid = this.uniqueSid(statement.sid!);
      this.statements.set(key, statement);
      this.policy.addStatements(statement);
    }
    statement.addResources(resource);
  }

  /** Adds the encryption contexts of a rule to the statement for a key (one statement per key and region). */
  public addKeyUse(key: string, contexts: string[], create: () => KeyUse): void {
    let all = this.keyContexts.get(key);
    let statement = this.statements.get(key);
    if (!all || !statement) {
      const use = create();
      all = [];
      statement = new iam.PolicyStatement({
        sid: this.uniqueSid(use.sid),
        actions: use.actions,
        resources: [use.keyArn],
        conditions: {
          'StringEquals': { 'kms:ViaService': use.viaService },
          ...(use.aliasName === undefined ? {} : { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': use.aliasName } }),
        },
      });
      this.keyContexts.set(key, all);
      this.statements.set(key, statement);
      this.policy.addStatements(statement);
    }
    for (const context of contexts) {
      if (!all.includes(context)) {
        all.push(context);
      }
    }
    statement.addCondition('StringLike', { 'kms:EncryptionContext:aws:s3:arn': [...all] });
  }

  /**
   * AwsSolutions-IAM5 flags the `<bucket>/<prefix>*` object resources. They are acknowledged on the policy, one finding
   * id per resource, with the flattened form cdk-nag reports.
   */
  public acknowledgeObjectWildcard(objectsArn: string, side: 'source' | 'destination', prefix: string): void {
    const id = `AwsSolutions-IAM5[Resource::${flattenForNag(this.policy, objectsArn)}]`;
    if (this.acknowledged.has(id)) {
      return;
    }
    this.acknowledged.add(id);
    const scope = prefix === '' ? 'every object key of the bucket' : `the object keys under the prefix '${prefix}'`;
    const reason = side === 'source'
      ? `S3 replication reads the versions of objects that are written after deployment, so the resource is ${scope} ` +
        'of the source bucket, not a list of known objects; the actions are only the read-for-replication actions ' +
        '(GetObjectVersionForReplication, ACL, tagging, and Object Lock state when the bucket has it).'
      : `S3 writes each replica under the key of its source object, so the resource is ${scope} of the destination ` +
        'bucket; the actions are only Replicate* (and owner override for a cross-account destination), never ' +
        'PutObject, GetObject or DeleteObject.';
    Validations.of(this.policy).acknowledge({ id, reason });
  }

  /**
   * AwsSolutions-IAM5 flags `arn:<partition>:kms:<region>:<account>:key/*`, the resource of a replica key named by
   * its alias. Acknowledged on the policy with the flattened form cdk-nag reports.
   */
  public acknowledgeKeyWildcard(keysArn: string, aliasName: string, region: string): void {
    const id = `AwsSolutions-IAM5[Resource::${flattenForNag(this.policy, keysArn)}]`;
    if (this.acknowledged.has(id)) {
      return;
    }
    this.acknowledged.add(id);
    Validations.of(this.policy).acknowledge({
      id,
      reason: `The replica key belongs to the destination account and is known here only by its alias '${aliasName}' ` +
        '(its key ARN is not deterministic and cannot be exported across accounts). IAM authorizes KMS operations ' +
        'against key ARNs, never alias ARNs, so the resource is every key of that account and region, narrowed by ' +
        `kms:ResourceAliases to the keys carrying '${aliasName}', by kms:ViaService to S3 in ${region}, and by the ` +
        'encryption context to the destination bucket; the actions are only Encrypt, GenerateDataKey and Decrypt, ' +
        "and the destination's key policy must allow them too.",
    });
  }

  private uniqueSid(base: string): string {
    const sids = new Set([...this.statements.values()].map((s) => s.sid));
    let sid = base;
    for (let i = 2; sids.has(sid); i++) {
      sid = `${base}${i}`;
    }
    return sid;
  }
}

/** The L1 bucket of an `s3.Bucket` of this app, or undefined for an imported bucket. */
function cfnBucketOf(bucket: s3.IBucket): s3.CfnBucket | undefined {
  const child = bucket.node.defaultChild;
  return CfnResource.isCfnResource(child) && child.cfnResourceType === s3.CfnBucket.CFN_RESOURCE_TYPE_NAME
    ? child as s3.CfnBucket
    : undefined;
}

/** The destination bucket for a message: its construct path, or its ARN. */
function describeDestination(destination: ReplicationDestination): string {
  return destination.bucket ? `'${destination.bucket.node.path}'` : `'${destination.bucketArn}'`;
}

/** Object Lock of a bucket of this app (undefined when imported or set by a token). */
function readObjectLock(bucket: s3.IBucket): boolean | undefined {
  const cfn = cfnBucketOf(bucket);
  return cfn && typeof cfn.objectLockEnabled === 'boolean' ? cfn.objectLockEnabled : undefined;
}

/** True or false when the L1 versioning status is known, undefined when it is a token. */
function isVersioned(cfn: s3.CfnBucket): boolean | undefined {
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
function defaultEncryptionIsKms(cfn: s3.CfnBucket): boolean | undefined {
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

function checkSourceEncryption(cfn: s3.CfnBucket, sourceKey: kms.IKey | undefined, scope: IConstruct): void {
  if (sourceKey || defaultEncryptionIsKms(cfn) !== true) {
    return;
  }
  throw new ValidationError(
    'sourceKey is not set and the source bucket encrypts with SSE-KMS under a key this construct cannot see ' +
      '(the AWS managed key aws/s3, or a key set on the L1); S3 skips SSE-KMS objects unless the rule names their ' +
      'key: pass sourceKey (a customer-managed key; the AWS managed key cannot be shared with the destination setup)',
    scope,
  );
}

function checkNotSameRegionAndAccount(
  sourceStack: Stack, destination: ReplicationDestination, crossAccount: boolean, scope: IConstruct,
): void {
  const sourceRegion = sourceStack.region;
  if (crossAccount || Token.isUnresolved(sourceRegion) || Token.isUnresolved(destination.region)) {
    return;
  }
  if (destination.region === sourceRegion) {
    throw new ValidationError(
      `destination region is ${destination.region}, the region of the source bucket, in the same account ` +
        `(${sourceStack.account}); a copy that shares the region and the account of its source does not survive ` +
        'the loss of either: choose another region (e.g. us-west-2 for us-east-1) or a destination in another account',
      scope,
    );
  }
}

function checkTags(tags: { [key: string]: string }, scope: IConstruct): void {
  for (const [key, value] of Object.entries(tags)) {
    if (!Token.isUnresolved(key) && (key.length < 1 || key.length > 128)) {
      throw new ValidationError(`tags key '${key}' is ${key.length} characters long; S3 tag keys have 1-128`, scope);
    }
    if (!Token.isUnresolved(value) && value.length > 256) {
      throw new ValidationError(
        `tags value of '${key}' is ${value.length} characters long; S3 tag values have at most 256`, scope);
    }
  }
}

function checkStorageClass(storageClass: s3.StorageClass, scope: IConstruct): void {
  if (Token.isUnresolved(storageClass.value) || REPLICA_STORAGE_CLASSES.includes(storageClass.value)) {
    return;
  }
  throw new ValidationError(
    `storageClass '${storageClass.value}' is not a storage class S3 replicates into; allowed: ` +
      `${REPLICA_STORAGE_CLASSES.join(', ')} (e.g. s3.StorageClass.INFREQUENT_ACCESS)`,
    scope,
  );
}

/**
 * The V2 replication filter: a prefix alone (empty for the whole bucket), a single tag alone, or `And` for a
 * prefix with tags or several tags.
 */
function renderFilter(prefix: string, tags: { [key: string]: string }): s3.CfnBucket.ReplicationRuleFilterProperty {
  const tagFilters = Object.entries(tags).map(([key, value]) => ({ key, value }));
  if (tagFilters.length === 0) {
    return { prefix };
  }
  if (tagFilters.length === 1 && prefix === '') {
    return { tagFilter: tagFilters[0] };
  }
  return { and: { prefix: prefix === '' ? undefined : prefix, tagFilters } };
}

interface KmsArnParts {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly resourceType: 'key' | 'alias';
  /** Key id, or alias name without `alias/`. */
  readonly resourceName: string;
}

/**
 * The parts of a KMS key or alias ARN, or undefined when it is not one or when a part other than the partition
 * is a token (then nothing can be checked at synth time). The partition may be a token, as in the ARNs built by
 * `Stack.formatArn()`.
 */
function splitKmsArn(arn: string): KmsArnParts | undefined {
  const match = arn.match(KMS_ARN_PATTERN);
  if (!match) {
    return undefined;
  }
  const [, partition, region, account, resourceType, resourceName] = match;
  if ([region, account, resourceName].some((part) => Token.isUnresolved(part))) {
    return undefined;
  }
  return { partition, region, account, resourceType: resourceType as 'key' | 'alias', resourceName };
}

/**
 * A replica key is a key ARN or an alias ARN (of a customer-managed key) in the destination region: an alias name
 * or a key id would be resolved in the source account.
 */
function checkReplicaKeyArn(arn: string, destinationRegion: string): void {
  const parts = splitKmsArn(arn);
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

/** `arn:aws:s3:::name` → `name`; a token ARN becomes a token for its resource part. */
function bucketNameFromArn(bucketArn: string): string {
  if (!Token.isUnresolved(bucketArn)) {
    return bucketArn.substring(bucketArn.indexOf(':::') + 3);
  }
  return Arn.split(bucketArn, ArnFormat.NO_RESOURCE_NAME).resource;
}

