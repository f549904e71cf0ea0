import { Stack, Token } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { checkRegion } from '../private/aws-names';
import { DEFAULT_DUMP_PREFIX } from '../private/job-contract';
import { parseKmsArn } from '../private/kms';
import { BUCKET_NAME_PATTERN } from '../private/s3';
import { checkAccountId, checkFolderPrefix, checkPattern, differs, ValidationError } from '../private/validation';

/**
 * A bucket that `PgDumpJob` writes dumps to and `DumpVerifyJob` reads them from: a `CrossAccountBucket` of this app,
 * or a bucket known by its name (`DumpBucket.fromDumpBucketAttributes()`), typically another account's.
 */
export interface IDumpBucket extends IConstruct {
  /** Name of the bucket. */
  readonly bucketName: string;

  /** Account that owns the bucket: the jobs send it as `ExpectedBucketOwner`. */
  readonly bucketAccount: string;

  /** Region of the bucket (and of its key). */
  readonly bucketRegion: string;

  /** Key prefix of the dumps, ending in `/`: each database writes under `<prefix><databaseName>/`. */
  readonly prefix: string;

  /**
   * ARN of the KMS key that encrypts the bucket, or of an alias of that key.
   *
   * @default - no key: the jobs get no KMS permission (the bucket must then use SSE-S3)
   */
  readonly encryptionKeyArn?: string;

  /**
   * ARN of an alias of the bucket's key, built without a reference to the key, so a job in another stack, account or
   * region can name the key before it is deployed.
   *
   * @default - none: jobs in other stacks use `encryptionKeyArn`
   */
  readonly encryptionKeyAliasArn?: string;
}

/** Attributes of a dump bucket defined outside this app. */
export interface DumpBucketAttributes {
  /** Name of the bucket, e.g. `acme-dumps-222222222222-us-east-1`. */
  readonly bucketName: string;

  /**
   * Account that owns the bucket: the handler sends it as `ExpectedBucketOwner`, so a bucket of that name in any
   * other account is never written or read.
   *
   * @default - the account of the scope's stack
   */
  readonly account?: string;

  /**
   * Region of the bucket.
   *
   * @default - the region of `encryptionKeyArn`, else of the scope's stack
   */
  readonly region?: string;

  /**
   * The KMS key that encrypts the bucket: its key ARN, or the ARN of its alias
   * (`arn:aws:kms:<region>:<account>:alias/<name>`, e.g. a `CrossAccountBucket`'s `encryptionKeyAliasArn`), which
   * can be known before the key is deployed. The jobs' policies allow the key only through S3 for this bucket.
   * Required for another account's bucket.
   *
   * @default - none for a bucket of this account: no KMS permission is granted and the bucket's default encryption
   * applies (it must then not be SSE-KMS with a customer-managed key)
   */
  readonly encryptionKeyArn?: string;

  /**
   * Key prefix of the dumps in the bucket, ending in `/`. Another account's `CrossAccountBucket` limits its writers
   * and readers to its own prefix: use that one.
   *
   * @default 'pg-dump/'
   */
  readonly prefix?: string;
}

/** References to dump buckets defined outside this app. */
export class DumpBucket {
  /**
   * A dump bucket known by its name, typically the backup account's `CrossAccountBucket` deployed from another app:
   * its name, account and key (ARN or alias ARN) as plain strings, since exports cannot cross accounts.
   */
  public static fromDumpBucketAttributes(scope: Construct, id: string, attrs: DumpBucketAttributes): IDumpBucket {
    return new ImportedDumpBucket(scope, id, attrs);
  }

  private constructor() {}
}

class ImportedDumpBucket extends Construct implements IDumpBucket {
  public readonly bucketName: string;
  public readonly bucketAccount: string;
  public readonly bucketRegion: string;
  public readonly prefix: string;
  public readonly encryptionKeyArn?: string;

  constructor(scope: Construct, id: string, attrs: DumpBucketAttributes) {
    super(scope, id);
    const stack = Stack.of(this);
    checkPattern('bucketName', attrs.bucketName, BUCKET_NAME_PATTERN,
      'S3 bucket names are 3-63 lowercase letters, digits, dots and hyphens, beginning and ending with a letter or digit',
      'acme-dumps-222222222222-us-east-1', this);
    if (attrs.account !== undefined) {
      checkAccountId('account', attrs.account, this);
    }
    checkRegion('region', attrs.region, this);
    const prefix = attrs.prefix ?? DEFAULT_DUMP_PREFIX;
    checkFolderPrefix(prefix, this);
    this.bucketName = attrs.bucketName;
    this.bucketAccount = attrs.account ?? stack.account;
    this.prefix = prefix;
    this.encryptionKeyArn = attrs.encryptionKeyArn;

    const keyArn = attrs.encryptionKeyArn;
    const parsed = keyArn === undefined ? undefined : parseKmsArn(keyArn);
    if (keyArn !== undefined && !Token.isUnresolved(keyArn) && !parsed) {
      throw new ValidationError(
        `encryptionKeyArn '${keyArn}' is invalid: expected the ARN of a KMS key or of its alias ` +
          "(e.g. 'arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab' or " +
          "'arn:aws:kms:us-east-1:222222222222:alias/acme-dumps')",
        this,
      );
    }
    if (parsed && differs(parsed.account, this.bucketAccount)) {
      throw new ValidationError(
        `encryptionKeyArn '${keyArn}' is in account ${parsed.account}, not in the bucket's account ${this.bucketAccount}; ` +
          "an SSE-KMS bucket's key belongs to the bucket's account: give the bucket's own key",
        this,
      );
    }
    const keyRegion = parsed && !Token.isUnresolved(parsed.region) ? parsed.region : undefined;
    if (attrs.region !== undefined && keyRegion !== undefined && differs(attrs.region, keyRegion)) {
      throw new ValidationError(
        `encryptionKeyArn '${keyArn}' is in ${keyRegion}, not in the bucket's region ${attrs.region}; an SSE-KMS ` +
          "bucket's key is in the bucket's region: give the bucket's own key",
        this,
      );
    }
    this.bucketRegion = attrs.region ?? keyRegion ?? stack.region;
  }
}
