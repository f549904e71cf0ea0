import { Annotations, ArnFormat, CfnResource, Duration, RemovalPolicy, Size, SizeRoundingBehavior, Stack, Tags, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, IConstruct } from 'constructs';
import { checkTimeZone } from './aws-names';
import { DATABASE_TAG_KEY } from './job-contract';
import { jobImageCode } from './job-image';
import { parseCron } from './schedule';
import { checkPattern, checkRange, isUnresolved, ValidationError } from './validation';

// What PgDumpJob and DumpVerifyJob have in common: a container-image function in a VPC with its own security
// group and execution role, an encrypted log group, a dead-letter queue and an EventBridge Scheduler schedule.
// The resources are created directly under the public construct, so their construct ids are the public ones.

/** Lambda: "The total size of all environment variables doesn't exceed 4 KB." */
export const MAX_LAMBDA_ENVIRONMENT_BYTES = 4096;

/** Lambda stops every invocation at 15 minutes. */
export const MAX_LAMBDA_TIMEOUT = Duration.minutes(15);
/** The watchdog of a handler needs time to abort cleanly; shorter runs are not useful jobs. */
const MIN_TIMEOUT = Duration.minutes(1);

/** Scheduler retries a failed delivery (the Lambda Invoke call, not a failed run) this many times... */
export const SCHEDULE_RETRY_ATTEMPTS = 5;
/** ...within this age; an invocation that cannot be delivered within an hour goes to the dead-letter queue. */
export const SCHEDULE_MAX_EVENT_AGE = Duration.hours(1);
/** SQS keeps messages at most 14 days. */
const DEAD_LETTER_RETENTION = Duration.days(14);

export interface JobRuntimeProps {
  /** `pg-dump` or `verify-dump`: in descriptions and acknowledgement reasons. */
  readonly job: string;
  /** The database the job dumps or verifies: the role's `cdk-backup-dr:database` tag; none for a job of several. */
  readonly databaseName?: string;
  /** One line for the function, the security group and the schedule. */
  readonly description: string;
  readonly handler: string;
  readonly pgMajor: number;
  readonly vpc: ec2.IVpc;
  readonly vpcSubnets?: ec2.SubnetSelection;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly ephemeralStorageSize: Size;
  readonly environment: { [key: string]: string };
  readonly schedule: scheduler.ScheduleExpression;
  /** The event the schedule invokes the function with. @default - Scheduler's default (`{}`) */
  readonly scheduleInput?: scheduler.ScheduleTargetInput;
  readonly logRetention: logs.RetentionDays;
  readonly logEncryptionKey?: kms.IKey;
  readonly roleName?: string;
  /** A physical function name, for policies that name the function without referring to it (no dependency cycle). */
  readonly functionName?: string;
  readonly reserveConcurrency: boolean;
}

export interface JobRuntime {
  readonly fn: lambda.DockerImageFunction;
  readonly role: iam.Role;
  /** The customer-managed policy of the execution role. */
  readonly policy: iam.ManagedPolicy;
  /** Grants to this principal land in `policy`. */
  readonly grantee: iam.IPrincipal;
  readonly securityGroup: ec2.SecurityGroup;
  readonly logGroup: logs.LogGroup;
  /** The key of the log group (the given `logEncryptionKey`, or one of the job's own). */
  readonly logKey: kms.IKey;
  readonly deadLetterQueue: sqs.Queue;
  readonly schedule: scheduler.Schedule;
  readonly scheduleRole: iam.Role;
}

/** Builds the function and everything around it under `scope`, with the ids the public constructs document. */
export function createJobRuntime(scope: Construct, props: JobRuntimeProps): JobRuntime {
  const stack = Stack.of(scope);

  // Every permission of the job's roles lives in a customer-managed policy of its own (no inline policies):
  // aws-cdk-lib's own grants go to immutable views of the roles, and the same statements are written here.
  const role = new iam.Role(scope, 'ServiceRole', {
    roleName: props.roleName,
    description: `Execution role of the ${props.job} job ${scope.node.path}`,
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole')],
  });
  if (props.databaseName !== undefined) {
    tagWithDatabase(scope, role, props.databaseName);
  }
  const policy = new iam.ManagedPolicy(scope, 'ServicePolicy', {
    description: `Permissions of the ${props.job} job ${scope.node.path}`,
    roles: [role],
  });
  const grantee = new ManagedPolicyGrantee(role, policy);

  const securityGroup = new ec2.SecurityGroup(scope, 'SecurityGroup', {
    vpc: props.vpc,
    // EC2 group descriptions allow a limited character set.
    description: `${props.job} job ${scope.node.path}: egress to its database and to AWS APIs only`
      .replace(/[^a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]/g, '-'),
    allowAllOutbound: false,
  });
  securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443),
    'HTTPS to the S3, Secrets Manager, KMS and CloudWatch Logs endpoints');

  const logKey = props.logEncryptionKey ?? new kms.Key(scope, 'LogKey', {
    description: `Encrypts the log group of the ${props.job} job ${scope.node.path}`,
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  // The log group refers to the key, so the key policy names the log groups of this account and region by pattern.
  logKey.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowCloudWatchLogsOfThisAccount',
    principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    resources: ['*'],
    conditions: {
      ArnLike: {
        'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
          service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
    },
  }));

  const logGroup = new logs.LogGroup(scope, 'LogGroup', {
    retention: props.logRetention,
    encryptionKey: logKey,
    removalPolicy: RemovalPolicy.RETAIN,
  });

  const deadLetterQueue = new sqs.Queue(scope, 'DeadLetterQueue', {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: DEAD_LETTER_RETENTION,
  });

  const fn = new lambda.DockerImageFunction(scope, 'Resource', {
    functionName: props.functionName,
    code: jobImageCode(props.handler, props.pgMajor),
    description: props.description,
    role: role.withoutPolicyUpdates(),
    vpc: props.vpc,
    vpcSubnets: props.vpcSubnets,
    securityGroups: [securityGroup],
    memorySize: props.memorySize,
    timeout: props.timeout,
    ephemeralStorageSize: props.ephemeralStorageSize,
    environment: props.environment,
    logGroup,
    deadLetterQueue,
    reservedConcurrentExecutions: props.reserveConcurrency ? 1 : undefined,
  });

  // Lambda checks at creation that the role may send to the dead-letter queue.
  policy.addStatements(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [deadLetterQueue.queueArn] }));
  fn.node.addDependency(policy);

  const scheduleRole = new iam.Role(scope, 'ScheduleRole', {
    description: `Lets EventBridge Scheduler start the ${props.job} job ${scope.node.path}`,
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
      conditions: {
        StringEquals: {
          'aws:SourceAccount': stack.account,
          'aws:SourceArn': stack.formatArn({
            service: 'scheduler', resource: 'schedule-group', resourceName: 'default', arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
          }),
        },
      },
    }),
  });
  const schedulePolicy = new iam.ManagedPolicy(scope, 'SchedulePolicy', {
    description: `Lets EventBridge Scheduler start the ${props.job} job ${scope.node.path}`,
    roles: [scheduleRole],
    statements: [
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] }),
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [deadLetterQueue.queueArn] }),
    ],
  });
  const schedule = new scheduler.Schedule(scope, 'Schedule', {
    schedule: props.schedule,
    description: props.description,
    target: new targets.LambdaInvoke(fn, {
      role: scheduleRole.withoutPolicyUpdates(),
      deadLetterQueue,
      input: props.scheduleInput,
      retryAttempts: SCHEDULE_RETRY_ATTEMPTS,
      maxEventAge: SCHEDULE_MAX_EVENT_AGE,
    }),
  });
  schedule.node.addDependency(schedulePolicy);

  acknowledgeRuntime({ ...props, fn, role, deadLetterQueue });
  return { fn, role, policy, grantee, securityGroup, logGroup, logKey, deadLetterQueue, schedule, scheduleRole };
}

interface AcknowledgeProps extends JobRuntimeProps {
  readonly fn: lambda.DockerImageFunction;
  readonly role: iam.Role;
  readonly deadLetterQueue: sqs.Queue;
}

/** The findings the runtime's own resources cause, acknowledged where they arise. */
function acknowledgeRuntime(props: AcknowledgeProps): void {
  Validations.of(props.role).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
    reason: `The ${props.job} job runs in the VPC of its database. AWSLambdaVPCAccessExecutionRole is the policy AWS ` +
      'maintains for exactly that: creating, describing and deleting the network interfaces Lambda attaches ' +
      '(EC2 has no resource-level permissions for the Describe calls), and writing the function\'s logs.',
  });

  Validations.of(props.fn).acknowledge({
    id: 'Serverless-LambdaTracing',
    reason: `The ${props.job} job is one long invocation per schedule; its progress, errors and metrics are in ` +
      'structured logs and EMF metrics. The handlers call no X-Ray SDK, so active tracing would record one ' +
      'segment per run and need xray:Put* on every resource.',
  });
  if (!props.reserveConcurrency) {
    const reason = 'reserveConcurrency is false: the account\'s concurrency quota leaves no room to reserve. ' +
      'The job runs once per schedule; runs overlap only when it is also invoked by hand.';
    Validations.of(props.fn).acknowledge(
      ...['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'].map((pack) => ({ id: `${pack}-LambdaConcurrency`, reason })),
    );
  }

  Validations.of(props.deadLetterQueue).acknowledge({
    id: 'Serverless-SQSRedrivePolicy',
    reason: `This queue is the dead-letter queue of the ${props.job} job (of its function and of its schedule); ` +
      'a dead-letter queue needs no dead-letter queue of its own.',
  });
}

/**
 * Tags the role with its database (`DATABASE_TAG_KEY`), which a dump bucket's `jobRoles` statements confine it by. IAM
 * tag values take letters, digits, spaces and `_ . : / = + - @`: a database name with another character (`$`) is not
 * tagged, and an info annotation says that such a job cannot use a bucket's `jobRoles`.
 */
function tagWithDatabase(scope: IConstruct, role: iam.Role, databaseName: string): void {
  if (Token.isUnresolved(databaseName) || /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$/u.test(databaseName)) {
    Tags.of(role).add(DATABASE_TAG_KEY, databaseName);
    return;
  }
  Annotations.of(scope).addInfoV2('cdk-backup-dr:DumpJob.untaggedRole',
    `the role is not tagged ${DATABASE_TAG_KEY}: '${databaseName}' is not a valid IAM tag value, so a dump bucket's jobRoles ` +
      'deny this job; grant it with the bucket\'s grantWrite/grantRead or role ARNs instead');
}

/** Validates what every job accepts. `prop` names are the public ones. */
export function validateRuntime(scope: IConstruct, props: {
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly ephemeralStorageSize: Size;
  readonly schedule: scheduler.ScheduleExpression;
  readonly roleName?: string;
}): void {
  checkRange('memorySize', props.memorySize, 128, 10240, 'MiB', scope);
  if (!isUnresolved(props.timeout)) {
    const ms = props.timeout.toMilliseconds();
    if (ms > MAX_LAMBDA_TIMEOUT.toMilliseconds() || ms < MIN_TIMEOUT.toMilliseconds()) {
      throw new ValidationError(
        `timeout is ${props.timeout.toHumanString()}; Lambda stops an invocation at 15 minutes and the job needs at ` +
          'least 1 minute to connect, work and clean up: allowed range is 1-15 minutes (e.g. Duration.minutes(15))',
        scope,
      );
    }
  }
  if (!props.ephemeralStorageSize.isUnresolved()) {
    const mib = props.ephemeralStorageSize.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
    if (!Number.isInteger(mib) || mib < 512 || mib > 10240) {
      throw new ValidationError(
        `ephemeralStorageSize is ${props.ephemeralStorageSize.toMebibytes({ rounding: SizeRoundingBehavior.NONE })} MiB; Lambda allows ` +
          '512-10240 MiB in whole MiB (e.g. Size.gibibytes(10))',
        scope,
      );
    }
  }
  checkJobSchedule(props.schedule, scope);
  checkPattern('roleName', props.roleName, /^[\w+=,.@-]{1,64}$/,
    "IAM role names are 1-64 letters, digits and '+=,.@_-'", 'acme-pg-dump-orders', scope);
}

const CRON_EXAMPLE = "ScheduleExpression.cron({ minute: '0', hour: '3' }) for daily at 03:00 UTC";

/**
 * A job schedule is a cron expression of six fields, at most hourly: one minute 0-59, exactly one of day-of-month
 * and day-of-week '?', every value in range. Tokens are skipped. Time zone: the expression's, UTC by default.
 */
export function checkJobSchedule(schedule: scheduler.ScheduleExpression, scope: IConstruct): void {
  checkTimeZone('schedule time zone', schedule.timeZone, scope);
  const expression = schedule.expressionString;
  if (Token.isUnresolved(expression)) {
    return;
  }
  const match = /^cron\((.*)\)$/.exec(expression.trim());
  if (!match) {
    throw new ValidationError(
      `schedule '${expression}' is not a cron expression; a job runs on a cron schedule ` +
        `(minutes hours day-of-month month day-of-week year), e.g. ${CRON_EXAMPLE}`,
      scope,
    );
  }
  const fields = match[1].trim().split(/\s+/);
  if (fields.length !== 6) {
    throw new ValidationError(
      `schedule '${expression}' has ${fields.length} fields; a cron expression has 6: minutes hours ` +
        `day-of-month month day-of-week year (e.g. ${CRON_EXAMPLE})`,
      scope,
    );
  }
  if (parseCron(expression) === undefined) {
    throw new ValidationError(
      `schedule '${expression}' is not a valid cron expression for a job: minutes is one number 0-59 (a job runs at ` +
        "most hourly), exactly one of day-of-month and day-of-week is '?', hours 0-23, day-of-month 1-31, month " +
        `1-12 or JAN-DEC, day-of-week 1-7 or SUN-SAT (e.g. ${CRON_EXAMPLE})`,
      scope,
    );
  }
}

/**
 * A logical database name: the metric dimension `Database` (as `BackupAlarms` watches it) and the key segment
 * `<prefix><databaseName>/`. Letters, digits, `_`, `.`, `$` and `-`, 1-63 characters, not starting with `.`,
 * `$` or `-` (a key segment of dots would read as a path).
 */
export function checkDatabaseName(databaseName: string, scope: IConstruct): void {
  checkPattern('databaseName', databaseName, /^[A-Za-z0-9_][A-Za-z0-9_.$-]{0,62}$/,
    "use the PostgreSQL database name: 1-63 letters, digits, '_', '.', '$' or '-', starting with a letter, " +
      "digit or '_'", 'orders', scope);
}

/** A TCP port, 1-65535. Unresolved tokens are skipped. */
export function checkPort(prop: string, port: number | undefined, scope: IConstruct): void {
  if (port !== undefined && !Token.isUnresolved(port) && !(Number.isInteger(port) && port >= 1 && port <= 65535)) {
    throw new ValidationError(`${prop} is ${port}; a TCP port is a whole number 1-65535 (e.g. 5432)`, scope);
  }
}

/**
 * Opens the database port from the job to a server: egress on the job's group, ingress on the server's groups
 * (those that belong to the app or are imported as mutable). The port is `port`, else the server's default port,
 * else 5432.
 */
export function allowJobTo(job: ec2.IConnectable, server: ec2.IConnectable, port: number | undefined, what: string): void {
  const description = `${what} from the job ${(job as unknown as IConstruct).node.path}`;
  const known = port ?? literalPortOf(server);
  if (known !== undefined) {
    job.connections.allowTo(server, ec2.Port.tcp(known), description);
  } else if (server.connections.defaultPort !== undefined) {
    job.connections.allowToDefaultPort(server, description);
  } else {
    job.connections.allowTo(server, ec2.Port.tcp(5432), description);
  }
}

/**
 * The server's port when synth can know it: a literal default port of its connections, else the port of the RDS
 * instance or cluster of this app it is (RDS constructs give their connections the endpoint port, a token; a rule
 * with a literal port reads better and lets compliance checks evaluate it), PostgreSQL's 5432 when that resource
 * leaves the port to the engine.
 */
function literalPortOf(server: ec2.IConnectable): number | undefined {
  const rule = server.connections.defaultPort?.toRuleJson() as { fromPort?: number } | undefined;
  if (rule?.fromPort !== undefined && !Token.isUnresolved(rule.fromPort)) {
    return rule.fromPort;
  }
  const child = Construct.isConstruct(server) ? server.node.defaultChild : undefined;
  if (!CfnResource.isCfnResource(child) || !['AWS::RDS::DBInstance', 'AWS::RDS::DBCluster'].includes(child.cfnResourceType)) {
    return undefined;
  }
  const resource = child as unknown as { readonly port?: string | number; readonly engine?: string };
  if (resource.port !== undefined) {
    return Token.isUnresolved(resource.port) ? undefined : Number(resource.port);
  }
  return resource.engine !== undefined && !Token.isUnresolved(resource.engine) && /postgres/.test(resource.engine) ? 5432 : undefined;
}

/**
 * A grantee whose grants land in a customer-managed policy attached to a role, instead of the role's inline
 * default policy. It is the role for every other purpose (principal, account, assume-role action).
 */
class ManagedPolicyGrantee implements iam.IPrincipal {
  public readonly grantPrincipal: iam.IPrincipal = this;
  public readonly assumeRoleAction: string;
  public readonly principalAccount: string | undefined;

  constructor(private readonly role: iam.Role, private readonly policy: iam.ManagedPolicy) {
    this.assumeRoleAction = role.assumeRoleAction;
    this.principalAccount = role.principalAccount;
  }

  public get policyFragment(): iam.PrincipalPolicyFragment {
    return this.role.policyFragment;
  }

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    this.policy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.policy };
  }

  public addToPolicy(statement: iam.PolicyStatement): boolean {
    return this.addToPrincipalPolicy(statement).statementAdded;
  }
}
