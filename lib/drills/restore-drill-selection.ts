import { Duration } from 'aws-cdk-lib';
import * as docdb from 'aws-cdk-lib/aws-docdb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { RestoreValidationOptions } from './restore-validation';

/** Which recovery points a restore drill may restore (`RecoveryPointTypes`). */
export enum RestoreDrillRecoveryPointType {
  /** Snapshot recovery points. */
  SNAPSHOT = 'SNAPSHOT',

  /**
   * Continuous recovery points (point-in-time restore) of AWS Backup continuous backup rules
   * (`enableContinuousBackup`). AWS Backup keeps continuous backups of Amazon RDS, Aurora and Amazon S3 only.
   */
  CONTINUOUS = 'CONTINUOUS',
}

/** How a restore drill picks the recovery point of each resource within the selection window (`Algorithm`). */
export enum RestoreDrillAlgorithm {
  /** The newest recovery point: proves that the backup you would restore today works. */
  LATEST_WITHIN_WINDOW = 'LATEST_WITHIN_WINDOW',

  /** A random recovery point: over time proves that older recovery points restore too. */
  RANDOM_WITHIN_WINDOW = 'RANDOM_WITHIN_WINDOW',
}

/** The resource types AWS Backup restore testing accepts (`ProtectedResourceType`). */
export enum RestoreDrillResourceType {
  /** Amazon Aurora clusters (`Aurora`), PostgreSQL and MySQL, provisioned or Serverless v2. */
  AURORA = 'Aurora',

  /** Amazon DocumentDB clusters (`DocumentDB`). */
  DOCUMENTDB = 'DocumentDB',

  /** Amazon DynamoDB tables (`DynamoDB`). */
  DYNAMODB = 'DynamoDB',

  /** Amazon EBS volumes (`EBS`). */
  EBS = 'EBS',

  /** Amazon EC2 instances (`EC2`). */
  EC2 = 'EC2',

  /** Amazon EFS file systems (`EFS`). */
  EFS = 'EFS',

  /** Amazon FSx file systems (`FSx`). AWS Backup cannot infer all restore metadata for FSx: give the overrides. */
  FSX = 'FSx',

  /** Amazon Neptune clusters (`Neptune`). */
  NEPTUNE = 'Neptune',

  /** Amazon RDS DB instances (`RDS`), e.g. RDS for PostgreSQL. */
  RDS = 'RDS',

  /** Amazon S3 buckets (`S3`). */
  S3 = 'S3',
}

/**
 * What one selection of a drill restores: resources of one type. Give specific databases (`databaseInstances`,
 * `databaseClusters`, `documentDbClusters`) and/or ARNs (`resourceArns`), 30 at most; with none of them every protected resource of the
 * type with a recovery point in the plan's vaults is tested.
 */
export interface RestoreDrillSelectionOptions {
  /** The type of the resources (`ProtectedResourceType`); one type per selection. */
  readonly resourceType: RestoreDrillResourceType;

  /**
   * Name of the selection, unique in the drill: 1-50 letters, digits or underscores, starting and ending with a
   * letter or digit.
   *
   * @default - the construct id, with every run of other characters replaced by an underscore
   */
  readonly restoreTestingSelectionName?: string;

  /**
   * RDS DB instances to restore (`resourceType` RDS), e.g. seed 002's RDS for PostgreSQL instance.
   *
   * @default - none
   */
  readonly databaseInstances?: rds.IDatabaseInstance[];

  /**
   * Aurora clusters to restore (`resourceType` AURORA), e.g. seed 004's Aurora PostgreSQL Serverless v2 cluster.
   *
   * @default - none
   */
  readonly databaseClusters?: rds.IDatabaseCluster[];

  /**
   * DocumentDB clusters to restore (`resourceType` DOCUMENTDB).
   *
   * @default - none
   */
  readonly documentDbClusters?: docdb.IDatabaseCluster[];

  /**
   * ARNs of protected resources of `resourceType` (`ProtectedResourceArns`).
   *
   * @default - none; with no databases either, every protected resource of the type (`['*']`)
   */
  readonly resourceArns?: string[];

  /**
   * How long AWS Backup keeps the restored resource so that you can validate it (and report the result with
   * `PutRestoreValidationResult`) before it deletes the resource. Whole hours, 1-168.
   *
   * @default - with `validation` 1 hour (Aurora: 4 hours, at least 3, for the instance the check adds and removes);
   * otherwise no validation window: AWS Backup deletes the restored resource once the restore job completes
   */
  readonly validationWindow?: Duration;

  /**
   * Checks the drill's validator runs on each restored database of this selection (RDS and Aurora PostgreSQL), reported
   * to AWS Backup as the restore job's validation status and as the `RestoreValidationSuccess` metric. Needs the
   * drill's `validator` and this selection's `securityGroups`.
   *
   * @default - the restore is timed (with a `validator`) but its data is not checked
   */
  readonly validation?: RestoreValidationOptions;

  /**
   * DB subnet group the restored database is placed in (restore metadata `dbSubnetGroupName`), for RDS, Aurora,
   * DocumentDB and Neptune. Without it AWS Backup restores into the default VPC, and the restore fails where the
   * default VPC or its subnets were deleted.
   *
   * @default - the default VPC's subnets, as AWS Backup infers
   */
  readonly subnetGroupName?: string;

  /**
   * Security groups of the restored database (restore metadata `vpcSecurityGroupIds`), for RDS, Aurora,
   * DocumentDB and Neptune. They must belong to the VPC of `subnetGroupName`.
   *
   * @default - the default security group of the VPC the database is restored into
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * Further restore metadata overrides (`RestoreMetadataOverrides`), keys as listed under "Restore testing inferred
   * metadata" in the AWS Backup guide, e.g. `{ dbInstanceClass: 'db.t4g.micro' }`. List values are JSON arrays in a
   * string (`'["eu-west-1a"]'`). Keys are not case sensitive, so none may repeat `subnetGroupName` or `securityGroups`.
   *
   * @default - none
   */
  readonly restoreMetadataOverrides?: { [key: string]: string };
}
