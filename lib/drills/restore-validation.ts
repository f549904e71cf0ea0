import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { FreshnessCheck, SqlCheck } from '../jobs';

/**
 * The validator of a drill: a function (the job image, `validate-restore/index.handler`) that AWS Backup's
 * "Restore Job State Change" events of the drill's plan invoke. It times every restore (`RestoreDurationSeconds`),
 * checks the restored databases of the selections that have `validation`, and reports the result to AWS Backup
 * (`PutRestoreValidationResult`); every hour it also publishes the age of each selection's newest validated restore.
 */
export interface RestoreDrillValidatorOptions {
  /**
   * The VPC the validator runs in: the VPC of the selections' DB subnet groups, with a route to the AWS Backup, RDS,
   * Secrets Manager, CloudWatch Logs and KMS endpoints (NAT or interface endpoints).
   */
  readonly vpc: ec2.IVpc;

  /**
   * Subnets of the validator.
   *
   * @default - the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * How long one validation may take, from the event to the reported result: waiting for the restored database,
   * connecting and every check. The validator reports FAILED 30 seconds before it, naming the step it was on. 1-15 minutes.
   *
   * @default Duration.minutes(10)
   */
  readonly timeout?: Duration;

  /**
   * Key that encrypts the validator's log group.
   *
   * @default - a new customer-managed key
   */
  readonly logEncryptionKey?: kms.IKey;

  /**
   * How long the validator's logs are kept.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * What the validator checks on the databases one selection restores: RDS for PostgreSQL directly, Aurora PostgreSQL
 * through a DB instance the drill's instance check adds to the restored cluster (AWS Backup restores the cluster without
 * one) and removes. At least one check is required. The checks are those of `DumpVerifyJob`, run by the same code.
 */
export interface RestoreValidationOptions {
  /**
   * Credentials that are valid on the restored database, in the RDS rotation format (`engine`, `host`, `port`,
   * `username`, `password`, `dbname`; `host` and `port` are replaced by the restored endpoint). A restored database
   * has the users and passwords of the recovery point's time, so a secret of the source database works. Prefer a
   * read-only user's (the checks only read; the master user's secret works too, e.g. `instance.secret`). After a
   * rotation the validator tries the secret's previous value (`AWSPREVIOUS`) too: RDS rotates a managed master password
   * every 7 days, so a recovery point older than two rotations cannot be logged into with it; for drills that restore
   * older points (`RANDOM_WITHIN_WINDOW`) give a user whose password does not rotate.
   */
  readonly secret: secretsmanager.ISecret;

  /**
   * The name of the restored data store in the metrics (dimension `Database`) and the alarms, e.g. `orders`.
   *
   * @default - the selection's name
   */
  readonly databaseName?: string;

  /**
   * The PostgreSQL database to connect to and check.
   *
   * @default - the secret's `dbname`
   */
  readonly dbname?: string;

  /**
   * The port of the restored database, opened from the validator to the selection's `securityGroups`.
   *
   * @default 5432
   */
  readonly port?: number;

  /**
   * Tables that must be in the restored database, `schema.table`.
   *
   * @default - none
   */
  readonly requiredTables?: string[];

  /**
   * Tables that must hold at least so many rows, `{ 'public.orders': 1000 }` (seed 002: record counts).
   *
   * @default - none
   */
  readonly minimumRows?: { [table: string]: number };

  /**
   * The newest value of a timestamp column, no older than `maxAge` before the recovery point's creation: a restore
   * that holds stale data fails.
   *
   * @default - none
   */
  readonly freshnessChecks?: FreshnessCheck[];

  /**
   * Queries that must each return one row whose first column is true, run read-only with a 5-minute statement timeout.
   *
   * @default - none
   */
  readonly sqlChecks?: SqlCheck[];

  /**
   * Aurora: the class of the DB instance the drill's instance check adds to the restored cluster (AWS Backup restores
   * the cluster without one), checks through, and deletes before it reports. Billed while it exists, typically 10-20
   * minutes. `db.serverless` needs the cluster's Serverless v2 scaling configuration.
   *
   * @default 'db.t4g.medium'
   */
  readonly instanceClass?: string;
}
