import { Annotations, ArnFormat, Duration, Fn, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import {
  ACCOUNT_ID_PATTERN,
  checkFolderPrefix,
  differs,
  isUnresolved,
  ROLE_ARN_PATTERN,
  ValidationError,
} from '../private/validation';
import { DATABASE_TAG_KEY, DEFAULT_DUMP_PREFIX } from '../private/job-contract';
import { PolicyEditors } from '../common';
import { guardKey, principalArnsExcept, watchKeys } from '../private/key-guard';
import { BACKUP_BUCKET_METADATA_KEY } from '../private/posture/app-index';
import { viaService } from '../private/kms';
import { bucketArnFromName } from '../private/s3';
import { validateLifecycle } from './bucket-lifecycle';
import { checkAliasName, checkBucketName, defaultAliasName, defaultBucketName } from './bucket-names';
import { CrossAccountBucketProps } from './cross-account-bucket-props';
import { IDumpBucket } from './dump-bucket';
import { dumpJobRolesPolicy } from './dump-job-roles';
import { IReplicaBucket, IReplicationRule } from './replication-destination';



const PRINCIPAL_PATTERN = new RegExp(`${ACCOUNT_ID_PATTERN.source}|${ROLE_ARN_PATTERN.source}`);

/**
 * The bucket in the backup account that receives the `pg_dump` files written by a job in the
 * workload account, and that the verify job reads.
 *
 * - versioned, with Object Lock and a default retention (GOVERNANCE 30 days unless set; a noncurrent expiry shorter
 *   than the retention is warned);
 * - SSE-KMS with its own customer-managed key (rotation on) and an S3 Bucket Key; the key gets an alias
 *   (`alias/<bucketName>` unless set) whose ARN, `encryptionKeyAliasArn`, names it deterministically in other
 *   accounts and regions; the key is guarded and watched as a `BackupVault`'s (`policyEditors`, `keyAlarmTopic`);
 *   BucketOwnerEnforced, all public access blocked, TLS 1.2+ only;
 * - server access logs to a separate bucket created here, encrypted with SSE-S3 (the only default
 *   encryption S3 log delivery supports), versioned, TLS-only, expiring after `accessLogsExpireAfter`;
 * - bucket policy that denies every upload that would not be SSE-KMS with this bucket's key: an
 *   `x-amz-server-side-encryption` header other than `aws:kms`, a key id other than this key's ARN, or
 *   `aws:kms` without a key id (which S3 would encrypt with the AWS managed key). An upload without
 *   encryption headers gets the bucket default, this key. The denies test headers only when present, so
 *   multipart uploads work: UploadPart requests carry no encryption headers;
 * - bucket policy that refuses every write that could replace an object: PutObject and CompleteMultipartUpload must
 *   carry `If-None-Match: *` and no `If-Match`, and replica writes (`s3:ReplicateObject`, `s3:ReplicateDelete`,
 *   `s3:ReplicateTags`) are denied to all but the replication roles of the rules accepted by `acceptReplicationFrom`;
 * - bucket policy that denies `s3:DeleteObject`, `s3:DeleteObjectVersion`, `s3:BypassGovernanceRetention`,
 *   `s3:PutObjectRetention`, `s3:PutObjectLegalHold` and `s3:UpdateObjectEncryption` (a move to another key) to
 *   everyone except the optional break-glass role;
 * - bucket policy that denies changing the bucket's lifecycle, Object Lock, versioning, replication, encryption,
 *   logging, ownership and public-access settings and its policy (and, while retained, deleting it) to everyone but the
 *   break-glass role and the `policyEditors` (by default the CDK bootstrap's CloudFormation role, so CloudFormation keeps
 *   managing the bucket). The account's root user can always replace or delete a bucket policy: lock it away;
 * - job roles of another account by name (`jobRoles`), each confined to its database's folder, nobody else of that
 *   account let in; other writers and readers of other accounts limited to the prefix (an account id is warned); the
 *   key usable by them only through S3;
 * - lifecycle: STANDARD_IA after 30 days, GLACIER after 90, expiry after 730 (seeds 000 and 002),
 *   noncurrent versions removed after 30 days, incomplete multipart uploads aborted after 1 day,
 *   expired delete markers removed;
 * - retained when removed from the stack.
 *
 * Uploads with customer-provided keys (SSE-C) are blocked on the bucket.
 *
 * MFA delete is not used: CloudFormation cannot enable it (only the root user can, through the S3 API),
 * and S3 does not support lifecycle configuration on MFA-delete buckets. Object Lock and the delete-deny
 * policy take its place; the construct adds an info annotation saying so.
 */
export class CrossAccountBucket extends Construct implements IDumpBucket, IReplicaBucket {
  /**
   * The tag each role of `jobRoles` must carry, with the name of its database (`PgDumpJob` and `DumpVerifyJob` tag
   * their roles).
   */
  public static readonly DATABASE_TAG_KEY = DATABASE_TAG_KEY;

  /** The dump bucket. */
  public readonly bucket: s3.IBucket;

  /** The key that encrypts every object of the bucket. */
  public readonly encryptionKey: kms.IKey;

  /**
   * ARN of the alias of the key, e.g. `arn:aws:kms:us-west-2:222222222222:alias/acme-dumps`. It is built from the
   * stack's account and region and the alias name, without a reference to the key or the alias, so a stack of
   * another account or region can use it (as `encryptionKeyArn` of `ReplicationDestination.fromAttributes()`).
   *
   * @default - none, when `encryptionKey` was given
   */
  public readonly encryptionKeyAliasArn?: string;

  /**
   * The EventBridge rule that sees the key created here scheduled for deletion, disabled, given a new policy or its
   * alias moved (targets `keyAlarmTopic` when given).
   *
   * @default - none, when `encryptionKey` was given
   */
  public readonly keyAlarmRule?: events.Rule;

  /** The bucket that receives the server access logs of `bucket`. */
  public readonly accessLogsBucket: s3.IBucket;

  /** The key prefix writers and readers are limited to, e.g. `pg-dump/`. */
  public readonly prefix: string;

  /**
   * Name of the dump bucket. It is a physical name, so another stack (another account too) may use it:
   * it resolves to the literal name there.
   */
  public readonly bucketName: string;

  /** ARN of the dump bucket. */
  public readonly bucketArn: string;

  /** Account of the bucket: its stack's. */
  public readonly bucketAccount: string;

  /** Region of the bucket: its stack's. */
  public readonly bucketRegion: string;

  /**
   * ARN of the key that encrypts every object of the bucket (`encryptionKey.keyArn`). Optional only because it is
   * optional in `IDumpBucket`.
   *
   * @default - always set
   */
  public readonly encryptionKeyArn?: string;

  /**
   * The bucket ARN built from its name, without a reference to the bucket resource: the key policy names the
   * bucket in a condition while the bucket refers to the key, and a reference would be a dependency cycle.
   */
  private readonly bucketArnFromName: string;

  /** The alias name of the key created here, e.g. `alias/acme-dumps`. */
  private readonly aliasName?: string;

  /** Denies replica writes to everyone but the replication roles of the rules accepted by `acceptReplicationFrom`. */
  private readonly replicationDeny: iam.PolicyStatement;

  /** The replication roles accepted so far. */
  private readonly replicationRoleArns: string[] = [];

  /** ARNs of the `policyEditors` roles, computed once. */
  private editors?: string[];

  constructor(scope: Construct, id: string, props: CrossAccountBucketProps = {}) {
    super(scope, id);

    const prefix = props.prefix ?? DEFAULT_DUMP_PREFIX;
    const writers = props.writerPrincipals ?? [];
    const readers = props.readerPrincipals ?? [];
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const lockMode = props.objectLockMode ?? s3.ObjectLockMode.GOVERNANCE;
    const lifecycle = validateLifecycle(props, this);

    const bucketName = props.bucketName ?? defaultBucketName(this);
    checkBucketName(bucketName, this);
    checkFolderPrefix(prefix, this);
    writers.forEach((p, i) => checkPrincipal(`writerPrincipals[${i}]`, p, this));
    readers.forEach((p, i) => checkPrincipal(`readerPrincipals[${i}]`, p, this));

    this.prefix = prefix;
    this.bucketArnFromName = bucketArnFromName(Stack.of(this).partition, bucketName);
    if (props.encryptionKey) {
      if (props.encryptionKeyAlias !== undefined) {
        throw new ValidationError(
          `encryptionKeyAlias '${props.encryptionKeyAlias}' is set but encryptionKey is given; the alias is created ` +
            'only for a key created here: remove encryptionKeyAlias (and create the alias next to the given key), ' +
            'or remove encryptionKey',
          this,
        );
      }
      this.encryptionKey = props.encryptionKey;
    } else {
      const aliasName = props.encryptionKeyAlias ?? defaultAliasName(bucketName);
      checkAliasName(aliasName, this);
      const key = new kms.Key(this, 'Key', {
        description: `Encrypts the database dumps in the bucket ${this.node.path}/Resource`,
        enableKeyRotation: true,
        removalPolicy,
      });
      new kms.Alias(this, 'KeyAlias', { aliasName, targetKey: key, removalPolicy });
      guardKey(key, { breakGlassRole: props.breakGlassRole, editorRoleArns: this.editorRoleArns(props), removalPolicy });
      this.aliasName = aliasName;
      this.encryptionKeyAliasArn = this.formatAliasArn(aliasName);
      this.keyAlarmRule = watchKeys(this, 'KeyAlarm', [key], props.keyAlarmTopic, 'cdk-backup-dr:CrossAccountBucket.keyAlarmTopic',
        [this.encryptionKeyAliasArn]);
      this.encryptionKey = key;
    }

    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      lifecycleRules: [{
        id: 'ExpireAccessLogs',
        expiration: lifecycle.accessLogsExpireAfter,
        noncurrentVersionExpiration: Duration.days(1),
        abortIncompleteMultipartUploadAfter: Duration.days(1),
      }],
      removalPolicy,
    });
    this.accessLogsBucket = accessLogs;

    const transitions: s3.Transition[] = [];
    if (lifecycle.infrequentAccessAfter) {
      transitions.push({ storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: lifecycle.infrequentAccessAfter });
    }
    if (lifecycle.glacierAfter) {
      transitions.push({ storageClass: s3.StorageClass.GLACIER, transitionAfter: lifecycle.glacierAfter });
    }

    const bucket = new s3.Bucket(this, 'Resource', {
      bucketName,
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention: objectLockRetention(lockMode, lifecycle.objectLockRetention),
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.encryptionKey,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      lifecycleRules: [
        {
          id: 'TierAndExpireDumps',
          transitions,
          expiration: lifecycle.expireAfter,
          noncurrentVersionExpiration: lifecycle.noncurrentExpireAfter,
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
        {
          id: 'RemoveExpiredDeleteMarkers',
          expiredObjectDeleteMarker: true,
        },
      ],
      removalPolicy,
    });
    this.bucket = bucket;
    // Tells the DR rules and the report that this bucket holds backups (its rules then apply to it).
    (bucket.node.defaultChild as s3.CfnBucket).addMetadata(BACKUP_BUCKET_METADATA_KEY, true);
    if (isUnresolved(lifecycle.objectLockRetention)) {
      // ObjectLockRetention refuses a token ("must be at least 1 day"): the days go on the L1, checked by S3 at deploy.
      (bucket.node.defaultChild as s3.CfnBucket).addPropertyOverride('ObjectLockConfiguration', {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: lockMode, Days: lifecycle.objectLockRetention.toDays() } },
      });
    }
    this.enableAccessLogs(bucket, accessLogs);
    this.bucketName = bucket.bucketName;
    this.bucketArn = bucket.bucketArn;
    this.bucketAccount = Stack.of(this).account;
    this.bucketRegion = Stack.of(this).region;
    this.encryptionKeyArn = this.encryptionKey.keyArn;

    this.addEncryptionDenies();
    this.addOverwriteDeny();
    this.replicationDeny = this.addReplicationDeny();
    this.addDeleteDeny(props.breakGlassRole);
    this.addConfigurationDeny(props, removalPolicy);
    this.addExternalWriters(writers);
    this.addExternalReaders(readers);
    if (props.jobRoles) {
      this.addJobRoles(props.jobRoles);
    }
    const accountWide = [...writers, ...readers].filter((p) => !Token.isUnresolved(p) && ACCOUNT_ID_PATTERN.test(p));
    if (accountWide.length > 0) {
      Annotations.of(this).addWarningV2('cdk-backup-dr:CrossAccountBucket.accountWidePrincipals',
        `writerPrincipals/readerPrincipals name the account(s) ${[...new Set(accountWide)].join(', ')}: every principal there ` +
          'that its own policies allow may write or read every database\'s dumps. Name the job roles instead (jobRoles, ' +
          'each confined to its database, or role ARNs)');
    }
    this.acknowledgeNagFindings(bucket, accessLogs);

    // SSE-C uploads carry no x-amz-server-side-encryption header, so the policy denies cannot see them:
    // block the encryption type on the bucket itself, where an auditor reads it.
    (bucket.node.defaultChild as s3.CfnBucket).addPropertyOverride(
      'BucketEncryption.ServerSideEncryptionConfiguration.0.BlockedEncryptionTypes', { EncryptionType: ['SSE-C'] });

    Annotations.of(this).addInfoV2(
      'cdk-backup-dr:CrossAccountBucket.mfaDelete',
      'MFA delete is not enabled on this bucket: CloudFormation cannot set it (only the root user can, through the S3 API), ' +
        'and S3 does not support lifecycle configuration on MFA-delete buckets, which this bucket needs to tier and expire dumps. ' +
        'Object Lock default retention and the bucket policy that denies deleting objects and versions protect the dumps instead.',
    );
  }

  /** ARN of the alias `aliasName` in this stack's account and region, built without a reference. */
  private formatAliasArn(aliasName: string): string {
    return Stack.of(this).formatArn({
      service: 'kms',
      resource: 'alias',
      // `alias/<token>` keeps its literal prefix; only a wholly unresolved name needs a deploy-time split.
      resourceName: aliasName.startsWith('alias/') ? aliasName.substring('alias/'.length) : Fn.select(1, Fn.split('alias/', aliasName)),
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  }

  /** The policy editors' role ARNs, once per construct. */
  private editorRoleArns(props: CrossAccountBucketProps): string[] {
    this.editors ??= (props.policyEditors ?? PolicyEditors.cdkBootstrap())._roleArns(this);
    return this.editors;
  }

  /**
   * Denies changing what protects the dumps at bucket level, which the object-level denies do not cover: a lifecycle
   * that expires every version once its lock ends, a shorter default retention, replication or encryption elsewhere,
   * versioning, logging, ownership, public access, the policy itself; and, while the bucket is retained, deleting it
   * (S3 deletes only an empty bucket, which Object Lock keeps it from becoming). Everyone but break-glass and the policy
   * editors (CloudFormation's role).
   */
  private addConfigurationDeny(props: CrossAccountBucketProps, removalPolicy: RemovalPolicy): void {
    const actions = [
      's3:PutLifecycleConfiguration', 's3:PutBucketObjectLockConfiguration', 's3:PutBucketVersioning', 's3:PutReplicationConfiguration',
      's3:PutEncryptionConfiguration', 's3:PutBucketLogging', 's3:PutBucketOwnershipControls', 's3:PutBucketPublicAccessBlock',
      's3:PutBucketPolicy', 's3:DeleteBucketPolicy',
    ];
    if (removalPolicy === RemovalPolicy.RETAIN) {
      actions.push('s3:DeleteBucket');
    }
    this.bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'DenyBucketConfigurationChanges',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions,
      resources: [this.bucket.bucketArn],
      conditions: principalArnsExcept([...(props.breakGlassRole ? [props.breakGlassRole.roleArn] : []), ...this.editorRoleArns(props)]),
    }));
  }

  /**
   * Let a principal of this account (or any grantable) write dumps: `s3:PutObject` and
   * `s3:AbortMultipartUpload` on `<prefix>*`, and `kms:GenerateDataKey` + `kms:Decrypt` on the key
   * only through S3 for this bucket. The writer must send the SSE-KMS headers with this key's ARN.
   */
  public grantWrite(grantee: iam.IGrantable): iam.Grant {
    const objects = iam.Grant.addToPrincipalOrResource({
      grantee,
      actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
      resourceArns: [this.bucket.arnForObjects(`${this.prefix}*`)],
      resource: this.bucket,
    });
    return objects.combine(this.grantKeyViaS3(grantee, ['kms:GenerateDataKey', 'kms:Decrypt']));
  }

  /**
   * Let a principal of this account (or any grantable) read dumps: `s3:GetObject` and
   * `s3:GetObjectVersion` on `<prefix>*`, `s3:ListBucket` for keys under the prefix only,
   * and `kms:Decrypt` on the key only through S3 for this bucket.
   */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    const objects = iam.Grant.addToPrincipalOrResource({
      grantee,
      actions: ['s3:GetObject', 's3:GetObjectVersion'],
      resourceArns: [this.bucket.arnForObjects(`${this.prefix}*`)],
      resource: this.bucket,
    });
    const list = iam.Grant.addToPrincipalOrResource({
      grantee,
      actions: ['s3:ListBucket'],
      resourceArns: [this.bucket.bucketArn],
      resource: this.bucket,
      conditions: { StringLike: { 's3:prefix': [`${this.prefix}*`] } },
    });
    return objects.combine(list).combine(this.grantKeyViaS3(grantee, ['kms:Decrypt']));
  }

  /**
   * Add a statement to the bucket policy, e.g. the destination-side statements of a replication rule.
   */
  public addToResourcePolicy(statement: iam.PolicyStatement): iam.AddToResourcePolicyResult {
    return this.bucket.addToResourcePolicy(statement);
  }

  /**
   * Add a statement to the key policy. Has no effect (`statementAdded` is false) when the key was
   * imported through `encryptionKey`.
   */
  public addToKeyPolicy(statement: iam.PolicyStatement): iam.AddToResourcePolicyResult {
    return this.encryptionKey.addToResourcePolicy(statement);
  }

  /** Conditions that limit key use to S3 requests for this bucket (the Bucket Key's encryption context). */
  private keyViaS3Conditions(): Record<string, Record<string, unknown>> {
    return {
      StringEquals: {
        'kms:ViaService': viaService('s3', Stack.of(this).region),
        'kms:EncryptionContext:aws:s3:arn': this.bucketArnFromName,
      },
    };
  }

  private grantKeyViaS3(grantee: iam.IGrantable, actions: string[]): iam.Grant {
    return iam.Grant.addToPrincipalOrResource({
      grantee,
      actions,
      resourceArns: [this.encryptionKey.keyArn],
      resourceSelfArns: ['*'],
      resource: this.encryptionKey,
      conditions: this.keyViaS3Conditions(),
    });
  }

  /**
   * Server access logging through a bucket policy on the target (what AWS recommends), whatever the app's
   * `@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy` feature flag says: the ACL alternative would need
   * ObjectWriter ownership on the log bucket.
   */
  private enableAccessLogs(bucket: s3.Bucket, accessLogs: s3.Bucket): void {
    (bucket.node.defaultChild as s3.CfnBucket).loggingConfiguration = {
      destinationBucketName: accessLogs.bucketName,
    };
    accessLogs.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowServerAccessLogDelivery',
      principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
      actions: ['s3:PutObject'],
      resources: [accessLogs.arnForObjects('*')],
      conditions: {
        ArnLike: { 'aws:SourceArn': bucket.bucketArn },
        StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
      },
    }));
  }

  /**
   * Every object must end up SSE-KMS with this bucket's key. A request either sends no encryption
   * headers (the bucket default, this key, applies) or sends `aws:kms` together with this key's ARN.
   * Each deny fires only when a header is present, so UploadPart requests, which never carry the
   * headers, are judged by the settings of their CreateMultipartUpload.
   */
  private addEncryptionDenies(): void {
    const encryption = 's3:x-amz-server-side-encryption';
    const keyId = 's3:x-amz-server-side-encryption-aws-kms-key-id';
    this.denyPutObject('DenyUploadsNotSseKms', { StringNotEquals: { [encryption]: 'aws:kms' }, Null: { [encryption]: 'false' } });
    // The key may be named by its ARN or, from another account that cannot know the ARN, by its alias ARN.
    this.denyPutObject('DenyUploadsWithOtherKey', {
      StringNotEquals: {
        [keyId]: this.encryptionKeyAliasArn ? [this.encryptionKey.keyArn, this.encryptionKeyAliasArn] : this.encryptionKey.keyArn,
      },
      Null: { [keyId]: 'false' },
    });
    // Replicas too: a source account that points its replication at a key of its own (ReplicaKmsKeyID) would leave
    // replicas here that it can make unreadable by deleting that key. The key id is a condition key of
    // s3:ReplicateObject (Service Authorization Reference); the deny applies when it is present.
    this.bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'DenyReplicasWithOtherKey',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:ReplicateObject'],
      resources: [this.bucket.arnForObjects('*')],
      conditions: {
        StringNotEquals: {
          [keyId]: this.encryptionKeyAliasArn ? [this.encryptionKey.keyArn, this.encryptionKeyAliasArn] : this.encryptionKey.keyArn,
        },
        Null: { [keyId]: 'false' },
      },
    }));
    // `aws:kms` without a key id would fall back to the AWS managed key aws/s3.
    this.denyPutObject('DenyUploadsWithAwsManagedKey', { StringEquals: { [encryption]: 'aws:kms' }, Null: { [keyId]: 'true' } });
  }

  /**
   * Objects are only ever created, never replaced: every PutObject and CompleteMultipartUpload must carry
   * `If-None-Match` (S3 then refuses an existing key), as the pg-dump job's writes do. Without it, whoever can act as
   * a writer could re-upload every key, turning each genuine dump into a noncurrent version that the lifecycle
   * removes once its Object Lock ends (delete denies do not stop lifecycle). `s3:ObjectCreationOperation` is false
   * for CreateMultipartUpload, UploadPart and UploadPartCopy, which take no conditional headers; BoolIfExists
   * applies the deny to a request without the key. CopyObject into the bucket is refused as a consequence (S3
   * answers 403 without the header and 501 with it).
   * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes-enforce.html
   */
  private addOverwriteDeny(): void {
    this.denyPutObject('DenyUnconditionalWrites', { Null: { 's3:if-none-match': 'true' }, BoolIfExists: { 's3:ObjectCreationOperation': 'true' } });
    // Only `If-None-Match: *` (an ETag there would be a comparison, not "the key must not exist"), and no If-Match
    // (an overwrite of the version whose ETag it names). S3 refuses both today; the policy does not rely on it.
    this.denyPutObject('DenyWritesNotIfNoneMatchStar', { StringNotEquals: { 's3:if-none-match': '*' }, Null: { 's3:if-none-match': 'false' } });
    this.denyPutObject('DenyIfMatchWrites', { Null: { 's3:if-match': 'false' } });
  }

  /**
   * Replication writes as its role, with `s3:ReplicateObject`, `s3:ReplicateDelete` and `s3:ReplicateTags`, which the
   * PutObject denies do not cover: whoever could configure a bucket to replicate here (an administrator of this
   * account needs no grant of this policy) would write replicas over the dumps' keys, each a new current version, and
   * the genuine dumps would become noncurrent versions that the lifecycle removes. Only the replication roles of the
   * rules this bucket accepts (`acceptReplicationFrom`) may; the condition grows as rules are accepted.
   */
  private addReplicationDeny(): iam.PolicyStatement {
    const statement = new iam.PolicyStatement({
      sid: 'DenyReplicationExceptAcceptedRules',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'],
      resources: [this.bucket.arnForObjects('*')],
    });
    this.bucket.addToResourcePolicy(statement);
    return statement;
  }

  /** A statement denying s3:PutObject on every object to everyone under `conditions`. */
  private denyPutObject(sid: string, conditions: Record<string, unknown>): void {
    this.bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid,
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:PutObject'],
      resources: [this.bucket.arnForObjects('*')],
      conditions,
    }));
  }

  private addDeleteDeny(breakGlassRole: iam.IRole | undefined): void {
    this.bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'DenyDeletes',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      // Retention and legal hold too: under COMPLIANCE an extended retention (e.g. 100 years of storage) can never be
      // shortened again, so only break-glass may set them. And re-encryption: UpdateObjectEncryption could move every
      // dump to another key of this account, whose deletion would then leave the locked dumps unreadable.
      actions: [
        's3:DeleteObject', 's3:DeleteObjectVersion', 's3:BypassGovernanceRetention', 's3:PutObjectRetention', 's3:PutObjectLegalHold',
        's3:UpdateObjectEncryption',
      ],
      resources: [this.bucket.arnForObjects('*')],
      conditions: principalArnsExcept(breakGlassRole ? [breakGlassRole.roleArn] : []),
    }));
  }

  private addExternalWriters(writers: string[]): void {
    if (writers.length === 0) {
      return;
    }
    const principals = writers.map(toPrincipal);
    this.bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowExternalWriters',
      principals,
      actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
      resources: [this.bucket.arnForObjects(`${this.prefix}*`)],
    }));
    this.addExternalKeyStatement('AllowExternalWritersViaS3', writers, ['kms:GenerateDataKey', 'kms:Decrypt']);
  }

  private addExternalReaders(readers: string[]): void {
    if (readers.length === 0) {
      return;
    }
    const principals = readers.map(toPrincipal);
    this.bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowExternalReaders',
      principals,
      actions: ['s3:GetObject', 's3:GetObjectVersion'],
      resources: [this.bucket.arnForObjects(`${this.prefix}*`)],
    }));
    this.bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowExternalReadersToList',
      principals,
      actions: ['s3:ListBucket'],
      resources: [this.bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${this.prefix}*`] } },
    }));
    this.addExternalKeyStatement('AllowExternalReadersViaS3', readers, ['kms:Decrypt']);
  }

  /** The statements of `jobRoles` (see `DumpJobRoles`), and key statements narrowed to the roles' name patterns. */
  private addJobRoles(roles: NonNullable<CrossAccountBucketProps['jobRoles']>): void {
    const policy = dumpJobRolesPolicy(this, roles, {
      partition: Stack.of(this).partition,
      bucketArn: this.bucket.bucketArn,
      bucketAccount: Stack.of(this).account,
      prefix: this.prefix,
      objects: (pattern) => this.bucket.arnForObjects(pattern),
    });
    policy.bucketStatements.forEach((statement) => this.bucket.addToResourcePolicy(statement));
    const keyStatement = (sid: string, actions: string[], pattern: string) => this.encryptionKey.addToResourcePolicy(new iam.PolicyStatement({
      sid,
      principals: [new iam.AccountPrincipal(roles.account)],
      actions,
      resources: ['*'],
      conditions: { ...this.keyViaS3Conditions(), ArnLike: { 'aws:PrincipalArn': pattern } },
    })).statementAdded;
    const added = [keyStatement('AllowDumpJobsViaS3', ['kms:GenerateDataKey', 'kms:Decrypt'], policy.writerPattern)];
    if (policy.readerPattern) {
      added.push(keyStatement('AllowVerifyJobsViaS3', ['kms:Decrypt'], policy.readerPattern));
    }
    if (added.includes(false)) {
      Annotations.of(this).addWarningV2(
        'cdk-backup-dr:CrossAccountBucket.importedKeyPolicy',
        `the key policy of the imported encryptionKey cannot be changed here; allow account ${roles.account} ` +
          `kms:GenerateDataKey and kms:Decrypt for ${policy.writerPattern}` +
          (policy.readerPattern ? ` and kms:Decrypt for ${policy.readerPattern}` : '') +
          ' with kms:ViaService s3.<region>.amazonaws.com and kms:EncryptionContext:aws:s3:arn = the bucket ARN',
      );
    }
  }

  private addExternalKeyStatement(sid: string, values: string[], actions: string[]): void {
    const result = this.encryptionKey.addToResourcePolicy(new iam.PolicyStatement({
      sid,
      principals: values.map(toPrincipal),
      actions,
      resources: ['*'],
      conditions: this.keyViaS3Conditions(),
    }));
    if (!result.statementAdded) {
      Annotations.of(this).addWarningV2(
        'cdk-backup-dr:CrossAccountBucket.importedKeyPolicy',
        `the key policy of the imported encryptionKey cannot be changed here; add a statement allowing ${actions.join(', ')} ` +
          `to ${values.join(', ')} with kms:ViaService s3.<region>.amazonaws.com ` +
          'and kms:EncryptionContext:aws:s3:arn = the bucket ARN, or the external principals cannot use the bucket',
      );
    }
  }

  private acknowledgeNagFindings(bucket: s3.Bucket, accessLogs: s3.Bucket): void {
    const replication =
      'This bucket is itself the off-account copy of workload data (database dumps, or replicas of application ' +
      'files): it lives in the separate backup account, versioned and object-locked. A further copy to another ' +
      'region is optional and is configured separately (ReplicationRule), since its destination bucket does not ' +
      'exist when this bucket is created.';
    acknowledge(bucket, replication, [
      'HIPAA.Security-S3BucketReplicationEnabled',
      'NIST.800.53.R5-S3BucketReplicationEnabled',
      'PCI.DSS.321-S3BucketReplicationEnabled',
    ]);

    const logsSseS3 =
      'S3 server access log delivery supports only SSE-S3 (AES256) default encryption on the target bucket; ' +
      'SSE-KMS would make log delivery fail. The logs hold request metadata, not dump contents.';
    acknowledge(accessLogs, logsSseS3, [
      'HIPAA.Security-S3DefaultEncryptionKMS',
      'NIST.800.53.R5-S3DefaultEncryptionKMS',
      'PCI.DSS.321-S3DefaultEncryptionKMS',
    ]);
    const logsReplication =
      'Server access logs are the audit trail of this bucket, not backup data; they are versioned and ' +
      'kept for accessLogsExpireAfter in the backup account, and recovery does not depend on them.';
    acknowledge(accessLogs, logsReplication, [
      'HIPAA.Security-S3BucketReplicationEnabled',
      'NIST.800.53.R5-S3BucketReplicationEnabled',
      'PCI.DSS.321-S3BucketReplicationEnabled',
    ]);
  }

  /**
   * Accept the replicas of a ReplicationRule of this app whose destination is this bucket: adds the rule's
   * `destinationPolicy()` statements to the bucket policy and to the key policy.
   *
   * The rule must encrypt its replicas with this bucket's key, named by its key ARN or by `encryptionKeyAliasArn`
   * (S3 keeps the source encryption of a replica, so without a replica key SSE-S3 objects would land here SSE-S3);
   * another alias, or an alias of a given key (which cannot be checked), is rejected. Replication writes with
   * `s3:ReplicateObject`, which the `s3:PutObject` encryption denies of this bucket do not cover, and
   * `s3:ReplicateDelete` only adds delete markers, which the delete deny does not cover either: versions stay,
   * protected by Object Lock. A warning says so when the rule replicates delete markers. The source stack needs an
   * explicit account.
   */
  public acceptReplicationFrom(rule: IReplicationRule): void {
    const destination = rule.destination;
    const ownName = (this.bucket.node.defaultChild as s3.CfnBucket).bucketName;
    if (destination.bucket !== this.bucket && ownName !== undefined && !Token.isUnresolved(ownName) &&
      !Token.isUnresolved(destination.bucketName) && destination.bucketName !== ownName) {
      throw new ValidationError(
        `acceptReplicationFrom: rule '${rule.node.path}' replicates to '${destination.bucketName}', not to this bucket ` +
          `('${ownName}'); accept a rule whose destination is ReplicationDestination.fromBucket(<this>.bucket)`,
        this,
      );
    }
    if (destination.bucketArn === this.bucketArn) {
      // The key policy would name the bucket resource while the bucket refers to the key: a dependency cycle.
      throw new ValidationError(
        `acceptReplicationFrom: rule '${rule.node.path}' names this bucket by its bucketArn attribute (an ARN that is not ` +
          'built from a literal bucket name), which would make the key policy depend on the bucket that depends on the ' +
          'key; give this bucket a literal bucketName and use ReplicationDestination.fromBucket(<this>.bucket), or the ' +
          "literal ARN 'arn:aws:s3:::<bucketName>'",
        this,
      );
    }
    const replicaKey = rule.replicaKmsKeyArn;
    if (replicaKey === undefined) {
      throw new ValidationError(
        `acceptReplicationFrom: rule '${rule.node.path}' has no replica key, so S3 would keep the source encryption ` +
          "of each replica instead of this bucket's key; give the rule a sourceKey (SSE-KMS source objects) and this " +
          "bucket's key as the destination key",
        this,
      );
    }
    const keyArn = this.encryptionKey.keyArn;
    const replicaAlias = destination._encryptionKeyAlias;
    if (replicaKey === this.encryptionKeyAliasArn) {
      // This bucket's own alias ARN names its key.
    } else if (replicaAlias) {
      this.checkReplicaAlias(rule, replicaKey, replicaAlias);
    } else if (replicaKey !== keyArn && !Token.isUnresolved(replicaKey) && !Token.isUnresolved(keyArn)) {
      throw new ValidationError(
        `acceptReplicationFrom: rule '${rule.node.path}' encrypts replicas with '${replicaKey}', not with this ` +
          `bucket's key '${keyArn}'; use this bucket's key as the destination key`,
        this,
      );
    }
    if (Stack.of(rule.sourceBucket) !== Stack.of(this) && Token.isUnresolved(Stack.of(rule.sourceBucket).account)) {
      throw new ValidationError(
        `acceptReplicationFrom: the stack of the source bucket '${rule.sourceBucket.node.path}' has no explicit ` +
          "account, so this bucket's policy cannot name it; give that stack an env with the account",
        this,
      );
    }
    if (rule.deleteMarkerReplication) {
      Annotations.of(this).addWarningV2(
        'cdk-backup-dr:CrossAccountBucket.replicatedDeleteMarkers',
        `rule '${rule.node.path}' replicates delete markers: a delete in the source account hides the replica here ` +
          '(the versions stay, locked). Prefer deleteMarkerReplication: false for a recovery copy',
      );
    }
    this.replicationRoleArns.push(rule.replicationRoleArn);
    this.replicationDeny.addCondition('ArnNotEquals', { 'aws:PrincipalArn': [...this.replicationRoleArns] });
    const policy = rule.destinationPolicy();
    policy.bucketPolicyStatements.forEach((statement) => this.addToResourcePolicy(statement));
    const added = policy.keyPolicyStatements.map((statement) => this.addToKeyPolicy(statement).statementAdded);
    if (added.includes(false)) {
      Annotations.of(this).addWarningV2(
        'cdk-backup-dr:CrossAccountBucket.importedKeyPolicy',
        `the key policy of the imported encryptionKey cannot be changed here; add rule '${rule.node.path}'s ` +
          'destinationPolicy().keyPolicyStatements to it, or S3 cannot encrypt the replicas',
      );
    }
  }

  /** A replica key named by an alias ARN must be this bucket's alias, in this bucket's account and region. */
  private checkReplicaAlias(
    rule: IReplicationRule, replicaKey: string, alias: { readonly region: string; readonly account: string; readonly aliasName: string },
  ): void {
    if (this.aliasName === undefined) {
      throw new ValidationError(
        `acceptReplicationFrom: rule '${rule.node.path}' encrypts replicas with the alias '${replicaKey}', but this ` +
          "bucket's key was given (encryptionKey) and has no alias created here, so the alias cannot be checked to " +
          "name it; use the key's ARN as the destination key",
        this,
      );
    }
    const stack = Stack.of(this);
    if (differs(alias.aliasName, this.aliasName) || differs(alias.region, stack.region) || differs(alias.account, stack.account)) {
      throw new ValidationError(
        `acceptReplicationFrom: rule '${rule.node.path}' encrypts replicas with the alias '${replicaKey}', not with ` +
          `this bucket's key alias '${this.aliasName}' in ${stack.account}/${stack.region}; use this bucket's ` +
          'encryptionKeyAliasArn as the destination key',
        this,
      );
    }
  }
}


/**
 * An account id becomes the account's root principal; a role ARN an ARN principal. An unresolved token
 * stays as it is: bucket and key policies accept a bare account id as well as an ARN in `Principal.AWS`.
 */
function toPrincipal(value: string): iam.IPrincipal {
  if (!Token.isUnresolved(value) && ACCOUNT_ID_PATTERN.test(value)) {
    return new iam.AccountPrincipal(value);
  }
  return new iam.ArnPrincipal(value);
}

function checkPrincipal(prop: string, value: string, scope: IConstruct): void {
  if (Token.isUnresolved(value) || PRINCIPAL_PATTERN.test(value)) {
    return;
  }
  throw new ValidationError(
    `${prop} '${value}' is invalid: expected a 12-digit AWS account id or an IAM role ARN ` +
      "(e.g. '123456789012' or 'arn:aws:iam::123456789012:role/pg-dump')",
    scope,
  );
}

function acknowledge(resource: IConstruct, reason: string, ids: string[]): void {
  Validations.of(resource).acknowledge(...ids.map((id) => ({ id, reason })));
}

/** The L2's default retention; none for a token, which the bucket renders on its L1 instead. */
function objectLockRetention(mode: s3.ObjectLockMode, retention: Duration): s3.ObjectLockRetention | undefined {
  if (isUnresolved(retention)) {
    return undefined;
  }
  return mode === s3.ObjectLockMode.COMPLIANCE ? s3.ObjectLockRetention.compliance(retention) : s3.ObjectLockRetention.governance(retention);
}
