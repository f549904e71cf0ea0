import { Duration, Lazy, Names, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import { checkRegion } from '../private/aws-names';
import { checkFilterPrefix, sameEnvironment, ValidationError } from '../private/validation';
import { keyReference, viaService } from '../private/kms';
import { cfnBucketOf, defaultEncryptionIsKms, isVersioned } from '../private/s3';
import { BucketReplication, MAX_RULE_ID_LENGTH } from './bucket-replication';
import { IReplicationRule, ReplicationDestination, ReplicationDestinationPolicy } from './replication-destination';

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

/** S3 Replication Time Control and its metrics event threshold accept exactly 15 minutes. */
const RTC_MINUTES = 15;
/** Storage classes S3 accepts for replicas (OUTPOSTS aside). */
const REPLICA_STORAGE_CLASSES = [
  'STANDARD', 'REDUCED_REDUNDANCY', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER', 'DEEP_ARCHIVE', 'GLACIER_IR',
];

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
export class ReplicationRule extends Construct implements IReplicationRule {
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

  /**
   * ARN of the role S3 assumes to replicate, built without a reference to the role so that a policy of another
   * account or region can name it (in an `aws:PrincipalArn` condition).
   */
  public readonly replicationRoleArn: string;

  /** Whether S3 replication metrics are enabled for the rule. */
  public readonly metricsEnabled: boolean;

  /**
   * ARN of the key that encrypts the replicas (`ReplicaKmsKeyID`), or ARN of an alias of that key when the
   * destination named the key by its alias.
   *
   * @default - none: the rule does not replicate SSE-KMS objects
   */
  public readonly replicaKmsKeyArn?: string;

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

    checkRegion('destination region', destination.region, this);
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
    this.replicationRoleArn = replication.roleArn;
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
    const onlyTheRole = { ArnEquals: { 'aws:PrincipalArn': this.replicationRoleArn } };
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
        viaService: viaService('s3', sourceStack.region),
      }));
    }
    if (this.replicaKmsKeyArn) {
      const keyArn = this.replicaKmsKeyArn;
      const alias = this.destination._encryptionKeyAlias;
      // IAM authorizes KMS operations against the key ARN, never the alias ARN: with an alias, every key of the
      // alias's account and region, narrowed to the keys that carry the alias.
      const resource = alias ? keyReference(keyArn).iamResource : keyArn;
      replication.addKeyUse(`replica-key:${keyArn}:${this.destination.region}`,
        [this.destination.bucketArn, this.destinationObjects()], () => ({
          sid: 'EncryptReplicas',
          actions: REPLICA_KEY_ACTIONS,
          keyArn: resource,
          viaService: viaService('s3', this.destination.region),
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
      StringEquals: { 'kms:ViaService': viaService('s3', this.destination.region) },
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


/** The destination bucket for a message: its construct path, or its ARN. */
function describeDestination(destination: ReplicationDestination): string {
  return destination.bucket ? `'${destination.bucket.node.path}'` : `'${destination.bucketArn}'`;
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





