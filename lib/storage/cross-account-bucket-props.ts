import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { LifecycleAge, PolicyEditors } from '../common';

/** Props of a CrossAccountBucket. Every prop is optional. */
export interface CrossAccountBucketProps {
  /**
   * Physical name of the bucket. The workload account finds the bucket by name (CloudFormation exports
   * cannot cross accounts), so the name is always deterministic. Checked against the S3 naming rules
   * (3-63 lowercase letters, digits, dots and hyphens, ...). A retained bucket keeps its name: deploying
   * the construct again after its stack was deleted fails until the old bucket is removed.
   *
   * @default - `<unique name from the construct path>-<account>-<region>`, e.g. `backup-dumps-1a2b3c4d-111111111111-us-east-1`
   */
  readonly bucketName?: string;

  /**
   * Key prefix the writers and readers are limited to. No leading slash, ends with `/`,
   * no `*` or `?` (they would widen the grants). Lifecycle rules apply to the whole bucket.
   *
   * @default 'pg-dump/'
   */
  readonly prefix?: string;

  /**
   * Key for SSE-KMS. The bucket policy denies every upload that does not name this key.
   * A key imported from elsewhere cannot be changed here: grant the external writers and readers
   * on its key policy yourself (a warning says so).
   *
   * @default - a new customer-managed KMS key with rotation enabled
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Alias of the key created here, e.g. `alias/acme-dumps`. The alias gives the key a deterministic ARN,
   * `encryptionKeyAliasArn`, by which another account or region can name it before it is deployed (a key ARN
   * is only known after deployment, and CloudFormation exports cannot cross accounts or regions), for instance as
   * the replica key of a ReplicationRule. `alias/` followed by 1-250 letters, digits, `/`, `_` and `-`, and not
   * `alias/aws/` (reserved for AWS managed keys). Unique per account and region; retained with the key.
   * Not allowed with `encryptionKey`: create an alias next to a key of your own.
   *
   * @default - `alias/<bucketName>` when the key is created here (dots of the bucket name, which aliases do not
   * allow, become `_`, which bucket names do not allow); no alias when `encryptionKey` is given
   */
  readonly encryptionKeyAlias?: string;

  /**
   * Principals of other accounts that write dumps: 12-digit account ids (any principal of that
   * account whose own IAM policy allows it) or IAM role ARNs (`arn:aws:iam::123456789012:role/pg-dump`).
   * They get `s3:PutObject` and `s3:AbortMultipartUpload` on `<prefix>*`, and on the key
   * `kms:GenerateDataKey` and `kms:Decrypt` (multipart uploads need both) only through S3 for this bucket.
   * A role must exist before this stack deploys: S3 and KMS reject policies naming unknown roles.
   * For principals of this account use `grantWrite()`.
   *
   * @default - no external writer
   */
  readonly writerPrincipals?: string[];

  /**
   * Principals of other accounts that read dumps (the verify job): 12-digit account ids or IAM role ARNs.
   * They get `s3:GetObject` and `s3:GetObjectVersion` on `<prefix>*`, `s3:ListBucket` limited to
   * `s3:prefix` under the prefix, and `kms:Decrypt` only through S3 for this bucket.
   * For principals of this account use `grantRead()`.
   *
   * @default - no external reader
   */
  readonly readerPrincipals?: string[];

  /**
   * The dump and verify job roles of another account, named by a pattern: each dump role writes and each verify role
   * reads only its database's folder, and no other principal of that account gets in, in the bucket policy and the key
   * policy. Prefer it to an account id in `writerPrincipals`/`readerPrincipals`, which lets the whole account in.
   *
   * @default - no job roles of another account
   */
  readonly jobRoles?: DumpJobRoles;

  /**
   * The only principal allowed to delete objects or object versions and to bypass governance-mode
   * retention. Everyone else, the account root and the writers included, is denied by the bucket policy.
   * Lifecycle expiration is not affected (S3 itself performs it).
   * Keep the role's trust policy tight (MFA, a separate account) and alarm on its use.
   *
   * @default - no one may delete objects; only lifecycle rules remove them
   */
  readonly breakGlassRole?: iam.IRole;

  /**
   * Who besides `breakGlassRole` may change the bucket's configuration (lifecycle, Object Lock, versioning,
   * replication, encryption, logging, ownership, public access, its policy) and replace the policy of the key created
   * here (`kms:PutKeyPolicy`); the policies deny it to everyone else. Scheduling the key's deletion, disabling it or its
   * rotation, and moving or deleting its alias stay `breakGlassRole`'s alone. See `PolicyEditors` for the trade-off.
   *
   * @default PolicyEditors.cdkBootstrap()
   */
  readonly policyEditors?: PolicyEditors;

  /**
   * Topic notified when someone schedules the deletion of the key created here, disables it or its rotation, replaces
   * its policy or moves its alias, allowed or not (an EventBridge rule on the CloudTrail events; the account needs a
   * trail logging management events). It receives the CloudTrail event as JSON.
   *
   * @default - the rule (`keyAlarmRule`) has no target; add one
   */
  readonly keyAlarmTopic?: sns.ITopic;

  /**
   * Object Lock mode of the default retention. GOVERNANCE can be bypassed by a principal holding
   * `s3:BypassGovernanceRetention` (here only `breakGlassRole`); COMPLIANCE cannot be bypassed
   * or shortened by anyone, the root user included, until the retention ends.
   *
   * @default s3.ObjectLockMode.GOVERNANCE
   */
  readonly objectLockMode?: s3.ObjectLockMode;

  /**
   * Default Object Lock retention of every new object version, in whole days (1-36500).
   * Must not exceed `expireAfter`.
   *
   * @default Duration.days(30)
   */
  readonly objectLockRetention?: Duration;

  /**
   * Age at which objects move to STANDARD_IA, or `LifecycleAge.NEVER` to keep them in STANDARD. S3 requires at
   * least 30 days.
   *
   * @default LifecycleAge.after(Duration.days(30))
   */
  readonly infrequentAccessAfter?: LifecycleAge;

  /**
   * Age at which objects move to GLACIER (Glacier Flexible Retrieval), or `LifecycleAge.NEVER`. At least 30 days
   * after `infrequentAccessAfter` when that transition happens (objects must stay 30 days in STANDARD_IA).
   *
   * @default LifecycleAge.after(Duration.days(90))
   */
  readonly glacierAfter?: LifecycleAge;

  /**
   * Age at which the current version of an object expires (a delete marker hides it; the version itself
   * becomes noncurrent and is removed `noncurrentExpireAfter` later), or `LifecycleAge.NEVER` for a bucket of live
   * files, such as the replica of an application bucket, where only replaced versions should go. Must leave each
   * storage class its minimum storage duration: at least 90 days after `glacierAfter`, or 30 days after
   * `infrequentAccessAfter` when only that transition happens; and not shorter than `objectLockRetention`.
   *
   * @default LifecycleAge.after(Duration.days(730))
   */
  readonly expireAfter?: LifecycleAge;

  /**
   * How long a version is kept once it became noncurrent (after expiry or an overwrite). At least 1 day.
   *
   * @default Duration.days(30)
   */
  readonly noncurrentExpireAfter?: Duration;

  /**
   * Age at which server access log objects expire in the access-log bucket. At least 1 day.
   *
   * @default Duration.days(365)
   */
  readonly accessLogsExpireAfter?: Duration;

  /**
   * What happens to the buckets (and the key and its alias, when created here) when they leave the stack.
   * A bucket that still holds objects cannot be deleted, and deleting objects is denied by the bucket policy.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The job roles of another account that write and read a dump bucket, named by a pattern: the dump role of each
 * database writes only `<prefix><database>/`, its verify role only reads it, and no other principal of that account
 * gets in. The roles need not exist when the bucket is deployed (they are named, not referenced).
 */
export interface DumpJobRoles {
  /** The account of the job roles (not the bucket's own: grant roles of that with `grantWrite` and `grantRead`). */
  readonly account: string;

  /**
   * Name of the dump role of a database, with `{database}` where the database name goes, e.g.
   * `backup-dr-dump-{database}`. The role must carry the tag `cdk-backup-dr:database` with its database name
   * (`PgDumpJob` tags its role).
   */
  readonly dumpRoleName: string;

  /** The databases whose dump role writes here. Letters, digits, `_`, `.` and `-`. */
  readonly dumpDatabases: string[];

  /**
   * Name of the verify role of a database, with `{database}`, e.g. `backup-dr-verify-{database}`; tagged like the
   * dump role (`DumpVerifyJob` tags its role).
   *
   * @default - no verify role reads
   */
  readonly verifyRoleName?: string;

  /**
   * The databases whose verify role reads here; each must also be in `dumpDatabases`.
   *
   * @default - none
   */
  readonly verifyDatabases?: string[];
}
