import * as backup from 'aws-cdk-lib/aws-backup';
import * as docdb from 'aws-cdk-lib/aws-docdb';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * What a selection protects and the role AWS Backup uses for it. A resource is protected when it matches
 * any entry (resources, ARNs or tags): the entries are a union.
 */
export interface RecoverySelectionOptions {
  /**
   * RDS database instances (PostgreSQL and others).
   *
   * @default - none
   */
  readonly databaseInstances?: rds.IDatabaseInstance[];

  /**
   * Aurora / RDS database clusters.
   *
   * @default - none
   */
  readonly databaseClusters?: rds.IDatabaseCluster[];

  /**
   * DocumentDB clusters, selected by their ARN (`arn:<partition>:rds:<region>:<account>:cluster:<identifier>`).
   * Like RDS and Aurora, a copy to another account needs a customer-managed key the destination account may use.
   *
   * @default - none
   */
  readonly documentDbClusters?: docdb.IDatabaseCluster[];

  /**
   * DynamoDB tables.
   *
   * @default - none
   */
  readonly tables?: dynamodb.ITable[];

  /**
   * EFS file systems.
   *
   * @default - none
   */
  readonly fileSystems?: efs.IFileSystem[];

  /**
   * S3 buckets. AWS Backup needs S3 Versioning on them; the role gets AWS Backup's S3 policies.
   *
   * @default - none
   */
  readonly buckets?: s3.IBucket[];

  /**
   * Resource ARNs or ARN patterns (e.g. `arn:aws:rds:eu-west-1:111111111111:db:*`).
   *
   * @default - none
   */
  readonly resourceArns?: string[];

  /**
   * Tags: every resource carrying any of these tag key/value pairs (StringEquals) is protected.
   *
   * @default - none
   */
  readonly tags?: { [key: string]: string };

  /**
   * Anything else aws-cdk-lib's `BackupResource` can express (`BackupResource.fromConstruct()`, `fromEc2Instance()`, ...).
   *
   * @default - none
   */
  readonly resources?: backup.BackupResource[];

  /**
   * Name of the selection: 1-50 letters, digits, hyphens, underscores or dots.
   *
   * @default - the construct id
   */
  readonly backupSelectionName?: string;

  /**
   * The role AWS Backup assumes for this selection. Used as given: nothing is attached to it, so it must carry
   * the permissions itself (e.g. AWSBackupServiceRolePolicyForBackup, and ...ForS3Backup for buckets).
   *
   * @default - a new role with AWSBackupServiceRolePolicyForBackup (plus ForRestores with `allowRestores`,
   * plus ForS3Backup / ForS3Restore with `s3Permissions`)
   */
  readonly role?: iam.IRole;

  /**
   * Whether the created role may also restore (AWSBackupServiceRolePolicyForRestores).
   * Off by default: the backup role needs no restore permissions, and restores can use a role of their own.
   *
   * @default false
   */
  readonly allowRestores?: boolean;

  /**
   * Whether the created role gets AWS Backup's S3 policies (AWSBackupServiceRolePolicyForS3Backup, and
   * ...ForS3Restore with `allowRestores`). Set it for tag or ARN-pattern selections that may match buckets.
   *
   * @default - true when the selection names a bucket (`buckets`, or an ARN containing `:s3:::`)
   */
  readonly s3Permissions?: boolean;
}
