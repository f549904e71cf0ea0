import { ArnFormat, Duration, Lazy, RemovalPolicy, Size, Stack, TimeZone, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { checkFreshnessChecks, checkSqlChecks, TABLE_PATTERN, TABLE_RULE } from '../private/data-checks';
import {
  INSTANCE_CHECK_ACTION, INSTANCE_CHECK_TAG_KEY, VALIDATE_ENV, VALIDATED_RESTORE_AGE_EVENT, ValidatedSelection, ValidationChecks,
} from '../private/job-contract';
import { DEFAULT_PG_MAJOR, RDS_CA_BUNDLE_PATH, SSL_MODE, VALIDATE_RESTORE_HANDLER } from '../private/job-image';
import { checkDatabaseName, checkPort, createJobRuntime, JobRuntime, MAX_LAMBDA_ENVIRONMENT_BYTES } from '../private/job-runtime';
import { principalArnsExcept } from '../private/key-guard';
import { flattenForNag } from '../private/nag-ids';
import { checkPattern, isUnresolved, ValidationError } from '../private/validation';
import { rdsArns, TemporaryInstance } from './temporary-instance';
import { RestoreDrillResourceType } from './restore-drill-selection';
import { RestoreDrillValidatorOptions, RestoreValidationOptions } from './restore-validation';

/** What an unresolved token (an ARN) is counted as when the environment's size is estimated. */
const TOKEN_ESTIMATE_BYTES = 100;
const DEFAULT_TIMEOUT = Duration.minutes(10);
const MIN_TIMEOUT_SECONDS = 60;
const MAX_TIMEOUT_SECONDS = 15 * 60;
/** How far back the hourly age check lists restore jobs: a year and a quarter covers a quarterly drill's gap. */
const LOOKBACK_DAYS = 400;
/** The instances the instance check adds: `<restored cluster>-check` (the validator's `checkInstanceIdentifier`). */
function checkInstanceArns(scope: Construct): string[] {
  return [Stack.of(scope).formatArn({ service: 'rds', resource: 'db', resourceName: '*-check', arnFormat: ArnFormat.COLON_RESOURCE_NAME })];
}

/** The types the validator connects to: RDS for PostgreSQL, and Aurora PostgreSQL through an instance it adds. */
const VALIDATED_TYPES: readonly RestoreDrillResourceType[] = [RestoreDrillResourceType.RDS, RestoreDrillResourceType.AURORA];

/** One selection as the validator sees it. */
export interface ValidatorSelection {
  /** The `Database` dimension of its metrics. */
  readonly database: string;
  readonly resourceType: RestoreDrillResourceType;
  /** Protected resource ARNs, or `['*']`. */
  readonly arns: string[];
}

/**
 * The validator of a RestoreDrill: the function (invoked by the plan's "Restore Job State Change" events and every hour),
 * its rule, its role's permissions and its network access to the restored databases.
 */
export class DrillValidator extends Construct {
  public readonly function: lambda.IFunction;
  public readonly securityGroup: ec2.ISecurityGroup;
  public readonly rule: events.Rule;
  /** The HMAC key that signs the validation results. */
  public readonly resultKey: kms.Key;

  /**
   * The instance check of Aurora restores.
   *
   * @default - created with the first Aurora selection that has validation
   */
  public instanceCheck?: TemporaryInstance;

  private readonly runtime: JobRuntime;
  private readonly selections: ValidatedSelection[] = [];
  private readonly drillName: string;
  private readonly logRetention: logs.RetentionDays;

  constructor(scope: Construct, id: string, options: RestoreDrillValidatorOptions, plan: { readonly arn: string; readonly name: string }) {
    super(scope, id);
    this.drillName = plan.name;
    this.logRetention = options.logRetention ?? logs.RetentionDays.ONE_YEAR;
    const timeout = options.timeout ?? DEFAULT_TIMEOUT;
    if (!isUnresolved(timeout)) {
      const seconds = timeout.toSeconds({ integral: false });
      if (!Number.isInteger(seconds) || seconds < MIN_TIMEOUT_SECONDS || seconds > MAX_TIMEOUT_SECONDS) {
        throw new ValidationError(
          `validator.timeout is ${timeout.toHumanString()}; a validation runs in Lambda for whole seconds from 1 to 15 ` +
            'minutes (e.g. Duration.minutes(10)); it includes waiting for the restored database and every check',
          this,
        );
      }
    }
    const stack = Stack.of(this);
    // Signs the results: the age check counts only SUCCESSFUL results with a MAC of this key, which only the validator's
    // role may generate (anyone with backup:PutRestoreValidationResult could otherwise mark a restore job SUCCESSFUL).
    this.resultKey = new kms.Key(this, 'ResultKey', {
      description: `Signs the validation results of the restore drill ${plan.name}`,
      keySpec: kms.KeySpec.HMAC_256,
      keyUsage: kms.KeyUsage.GENERATE_VERIFY_MAC,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Named, so that the result key's grant can name the function (lambda:SourceFunctionArn) without a reference to it.
    const functionName = Token.isUnresolved(plan.name) ? undefined : `${plan.name.replace(/[^A-Za-z0-9_-]/g, '-')}-validator`.slice(0, 64);
    const functionArn = functionName
      && stack.formatArn({ service: 'lambda', resource: 'function', resourceName: functionName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    this.runtime = createJobRuntime(this, {
      job: 'validate-restore',
      functionName,
      description: `Validates the restores of the restore drill ${plan.name}`,
      handler: VALIDATE_RESTORE_HANDLER,
      pgMajor: DEFAULT_PG_MAJOR,
      vpc: options.vpc,
      vpcSubnets: options.vpcSubnets,
      memorySize: 512,
      timeout,
      ephemeralStorageSize: Size.mebibytes(512),
      environment: {
        [VALIDATE_ENV.PLAN_ARN]: plan.arn,
        [VALIDATE_ENV.DRILL]: plan.name,
        [VALIDATE_ENV.SELECTIONS]: Lazy.string({ produce: () => stack.toJsonString(this.selections) }),
        [VALIDATE_ENV.LOOKBACK_DAYS]: String(LOOKBACK_DAYS),
        [VALIDATE_ENV.SSL_MODE]: SSL_MODE,
        [VALIDATE_ENV.SSL_ROOT_CERT]: RDS_CA_BUNDLE_PATH,
        [VALIDATE_ENV.RESULT_KEY_ARN]: this.resultKey.keyArn,
        // By name, not by reference: the state machine invokes this function, so a reference each way would be a cycle.
        [VALIDATE_ENV.INSTANCE_CHECK_ARN]: Lazy.string({ produce: () => (this.instanceCheck ? this.instanceCheck.stateMachineArnByName : '') }),
      },
      // The hourly age of each selection's newest validated restore.
      schedule: scheduler.ScheduleExpression.cron({ minute: '7', timeZone: TimeZone.ETC_UTC }),
      scheduleInput: scheduler.ScheduleTargetInput.fromObject(VALIDATED_RESTORE_AGE_EVENT),
      logRetention: this.logRetention,
      logEncryptionKey: options.logEncryptionKey,
      reserveConcurrency: false,
    });
    this.function = this.runtime.fn;
    this.securityGroup = this.runtime.securityGroup;
    // Only calls made with the function's own credentials: code given the role elsewhere (another function) cannot sign.
    this.runtime.policy.addStatements(new iam.PolicyStatement({
      sid: 'SignAndVerifyResults',
      actions: ['kms:GenerateMac', 'kms:VerifyMac'],
      resources: [this.resultKey.keyArn],
      conditions: functionArn ? { ArnEquals: { 'lambda:SourceFunctionArn': functionArn } } : undefined,
    }));
    this.resultKey.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'DenyResultSignaturesExceptTheValidator',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:GenerateMac'],
      resources: ['*'],
      conditions: principalArnsExcept([this.runtime.role.roleArn]),
    }));
    Validations.of(this.resultKey).acknowledge(...['AwsSolutions-KMS5', 'HIPAA.Security-KMSBackingKeyRotationEnabled',
      'NIST.800.53.R5-KMSBackingKeyRotationEnabled', 'PCI.DSS.321-KMSBackingKeyRotationEnabled'].map((id) => ({
      id,
      reason: 'An HMAC key (HMAC_256): KMS rotates symmetric encryption keys only; this key signs validation results and encrypts nothing.',
    })));

    // AWS Backup sends "Restore Job State Change" with the plan's ARN in `restoreTestingPlanArn` (AWS Backup guide,
    // "Restore testing validation"). The function reads the job back and checks the plan itself: an event is a pointer.
    this.rule = new events.Rule(this, 'RestoreJobRule', {
      description: `Restore jobs of the restore drill ${plan.name} that completed, failed or were aborted`,
      eventPattern: {
        source: ['aws.backup'],
        detailType: ['Restore Job State Change'],
        detail: { restoreTestingPlanArn: [plan.arn], status: ['COMPLETED', 'FAILED', 'ABORTED'] },
      },
      targets: [new targets.LambdaFunction(this.runtime.fn, {
        deadLetterQueue: this.runtime.deadLetterQueue,
        retryAttempts: 4,
        maxEventAge: Duration.hours(2),
      })],
    });

    const instances = stack.formatArn({ service: 'rds', resource: 'db', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const clusters = stack.formatArn({ service: 'rds', resource: 'cluster', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    this.runtime.policy.addStatements(
      // No resource-level permissions or condition keys for these (Service Authorization Reference, AWS Backup):
      // the function itself refuses jobs of another plan.
      new iam.PolicyStatement({
        sid: 'ReadAndReportTheDrillsRestoreJobs',
        actions: ['backup:DescribeRestoreJob', 'backup:PutRestoreValidationResult', 'backup:ListRestoreJobs'],
        resources: ['*'],
      }),
      new iam.PolicyStatement({ sid: 'ReadThePlan', actions: ['backup:GetRestoreTestingPlan'], resources: [plan.arn] }),
      // The restored databases get names AWS Backup chooses: every instance and cluster of this account and region.
      new iam.PolicyStatement({
        sid: 'DescribeTheRestoredDatabases',
        actions: ['rds:DescribeDBInstances', 'rds:DescribeDBClusters'],
        resources: [instances, clusters],
      }),
    );
    Validations.of(this.runtime.policy).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'backup:DescribeRestoreJob, backup:PutRestoreValidationResult and backup:ListRestoreJobs take no ' +
          'resource-level permissions and no condition keys (Service Authorization Reference, AWS Backup): their resource ' +
          'must be *. The function reads each job back and reports only on jobs whose CreatedBy.RestoreTestingPlanArn is ' +
          "this drill's plan (test/integration/validate-restore.test.ts, forged event).",
      },
      {
        id: `AwsSolutions-IAM5[Resource::${flattenForNag(this, instances)}]`,
        reason: 'AWS Backup names each restored instance when it restores it; the validator describes only the one its ' +
          'restore job names (CreatedResourceArn). Describe calls read, never change.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::${flattenForNag(this, clusters)}]`,
        reason: 'AWS Backup names each restored cluster when it restores it; the validator describes only the one its ' +
          'restore job names (CreatedResourceArn). Describe calls read, never change.',
      },
    );

    this.node.addValidation({ validate: () => this.validateEnvironment() });
  }

  /** Adds a selection: timed always; checked, with read access to its secret and a path to its security groups, when `validation` is given. */
  public addSelection(
    prefix: string,
    selection: ValidatorSelection,
    validation: RestoreValidationOptions | undefined,
    securityGroups: ec2.ISecurityGroup[] | undefined,
    sourceGroups: ec2.ISecurityGroup[],
  ): void {
    if (!validation) {
      this.selections.push({ database: selection.database, resourceType: selection.resourceType, arns: selection.arns });
      return;
    }
    if (selection.resourceType === RestoreDrillResourceType.AURORA) {
      // "AWS Backup restores your Aurora cluster; it does not create or attach an Amazon RDS instance to your cluster"
      // (AWS Backup guide, "Restoring an Amazon Aurora cluster"): the instance check adds one, checks, removes it.
      this.ensureInstanceCheck();
    }
    if (!VALIDATED_TYPES.includes(selection.resourceType)) {
      throw new ValidationError(
        `${prefix} has validation, but resourceType ${selection.resourceType} is not RDS or Aurora PostgreSQL, which the ` +
          'validator checks; remove validation (the restore is still timed), or validate the data another way',
        this,
      );
    }
    if (!securityGroups) {
      throw new ValidationError(
        `${prefix} has validation but no securityGroups: the restored database would get the VPC's default security ` +
          "group, which the validator cannot be let into. Set securityGroups (and subnetGroupName) to groups of the validator's VPC",
        this,
      );
    }
    const shared = securityGroups.find((group) => sourceGroups.includes(group));
    if (shared) {
      throw new ValidationError(
        `${prefix} restores into security group ${shared.node.path}, which the source database uses too: the validator, ` +
          'let into it, could reach the source with the same credentials, and the source\'s clients the restores. Give the ' +
          'restores a group of their own (e.g. new ec2.SecurityGroup(this, \'RestoreDrill\', { vpc, allowAllOutbound: false }))',
        this,
      );
    }
    const port = validation.port ?? 5432;
    checkPort(`${prefix} validation.port`, port, this);
    if (validation.instanceClass !== undefined && selection.resourceType !== RestoreDrillResourceType.AURORA) {
      throw new ValidationError(`${prefix} validation.instanceClass is for Aurora restores, which have no instance; an ${selection.resourceType} restore is an instance already: remove it`, this);
    }
    checkPattern(`${prefix} validation.instanceClass`, validation.instanceClass, /^db\.[a-z0-9]+(\.[a-z0-9]+)?$/,
      'a DB instance class is db.<family>.<size> or db.serverless', 'db.t4g.medium', this);
    const checks = validationChecks(prefix, validation, this);
    for (const group of securityGroups) {
      this.runtime.securityGroup.connections.allowTo(group, ec2.Port.tcp(port),
        `Drill validation of ${prefix} from ${this.node.path}`);
    }
    // With the secret's key, through Secrets Manager only (grantRead's kms:ViaService condition).
    validation.secret.grantRead(this.runtime.grantee);
    this.selections.push({ database: selection.database, resourceType: selection.resourceType, arns: selection.arns, checks });
  }

  /** The instance check, created once; the validator may start it. */
  private ensureInstanceCheck(): TemporaryInstance {
    if (!this.instanceCheck) {
      // The state machine acts only on what the validator derives from the restore job (prepare): whoever may start an
      // execution gives it a restore job's id and nothing else.
      this.instanceCheck = new TemporaryInstance(this, 'InstanceCheck', {
        validator: this.runtime.fn,
        drillName: this.drillName,
        stateMachineName: `${this.drillName}-instance-check`.slice(0, 80),
        logEncryptionKey: this.runtime.logKey,
        logRetention: this.logRetention,
        what: `the instance check of the restore drill ${this.drillName}`,
        start: { restoreJobId: '$.restoreJobId' },
        prepareAction: INSTANCE_CHECK_ACTION.PREPARE,
        instanceIdentifier: '$.target.instanceIdentifier',
        create: {
          action: 'createDBInstance',
          parameters: {
            DbInstanceIdentifier: sfn.JsonPath.stringAt('$.target.instanceIdentifier'),
            DbClusterIdentifier: sfn.JsonPath.stringAt('$.target.clusterIdentifier'),
            Engine: sfn.JsonPath.stringAt('$.target.engine'),
            DbInstanceClass: sfn.JsonPath.stringAt('$.target.instanceClass'),
            PubliclyAccessible: false,
            Tags: [{ Key: INSTANCE_CHECK_TAG_KEY, Value: this.drillName }],
          },
          iamActions: ['rds:CreateDBInstance'],
          iamResources: [...checkInstanceArns(this), ...rdsArns(this, 'cluster', 'pg', 'og', 'subgrp', 'secgrp')],
        },
        instanceArns: checkInstanceArns(this),
        checkAction: INSTANCE_CHECK_ACTION.CHECK,
        reportAction: INSTANCE_CHECK_ACTION.REPORT,
        maxPolls: 45,
      });
      this.runtime.policy.addStatements(new iam.PolicyStatement({
        sid: 'StartTheInstanceCheck', actions: ['states:StartExecution'], resources: [this.instanceCheck.stateMachineArnByName],
      }));
    }
    return this.instanceCheck;
  }

  /** The environment fits Lambda's 4 KB, each unresolved token (an ARN) counted as 100 bytes. */
  private validateEnvironment(): string[] {
    const json = JSON.stringify(this.selections).replace(/\$\{Token\[[^\]]*\]\}/g, 'x'.repeat(TOKEN_ESTIMATE_BYTES));
    const bytes = Buffer.byteLength(json) + 400; // the other variables: plan ARN, name, paths
    if (bytes > MAX_LAMBDA_ENVIRONMENT_BYTES) {
      return [
        `the drill's selections and checks make the validator's environment about ${bytes} bytes (ARNs counted as ` +
          `${TOKEN_ESTIMATE_BYTES}), and Lambda allows ${MAX_LAMBDA_ENVIRONMENT_BYTES} bytes of environment variables: move ` +
          'selections to another RestoreDrill, or shorten the SQL checks',
      ];
    }
    return [];
  }
}

/** The checks of a selection's validation, validated, as the handler reads them. */
export function validationChecks(prefix: string, validation: RestoreValidationOptions, scope: Construct): ValidationChecks {
  if (validation.databaseName !== undefined) {
    checkDatabaseName(validation.databaseName, scope);
  }
  if (validation.dbname !== undefined && !Token.isUnresolved(validation.dbname) && validation.dbname.trim() === '') {
    throw new ValidationError(`${prefix} validation.dbname is empty; give the database to check, or leave it out for the secret's dbname`, scope);
  }
  const requiredTables = validation.requiredTables ?? [];
  requiredTables.forEach((table, i) => checkPattern(`${prefix} validation.requiredTables[${i}]`, table, TABLE_PATTERN, TABLE_RULE, 'public.orders', scope));
  const minimumRows = Object.entries(validation.minimumRows ?? {}).map(([table, rows]) => {
    checkPattern(`${prefix} validation.minimumRows key`, table, TABLE_PATTERN, TABLE_RULE, 'public.orders', scope);
    if (!Token.isUnresolved(rows) && !(Number.isInteger(rows) && rows >= 0)) {
      throw new ValidationError(`${prefix} validation.minimumRows['${table}'] is ${rows}; give a whole number of rows, 0 or more (e.g. 1000)`, scope);
    }
    return { table, rows };
  });
  const freshness = checkFreshnessChecks(`${prefix} validation.freshnessChecks`, validation.freshnessChecks ?? [], scope);
  const sql = checkSqlChecks(`${prefix} validation.sqlChecks`, validation.sqlChecks ?? [], scope);
  if (requiredTables.length + minimumRows.length + freshness.length + sql.length === 0) {
    throw new ValidationError(
      `${prefix} validation checks nothing; give requiredTables, minimumRows, freshnessChecks or sqlChecks (e.g. ` +
        "minimumRows: { 'public.orders': 1000 }), or remove validation to only time the restore",
      scope,
    );
  }
  return {
    secretArn: validation.secret.secretArn,
    ...(validation.dbname !== undefined ? { dbname: validation.dbname } : {}),
    requiredTables,
    minimumRows,
    freshness,
    sql,
    ...(validation.instanceClass !== undefined ? { instanceClass: validation.instanceClass } : {}),
  };
}
