import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { INSTANCE_CHECK_TAG_KEY } from '../private/job-contract';
import { flattenForNag } from '../private/nag-ids';

const POLL_INTERVAL = Duration.minutes(1);
/** Polls (one a minute) of the instance going away before the result is reported anyway. */
const MAX_DELETE_POLLS = 45;

/** How the temporary instance comes to be, and how the validator is asked. */
export interface TemporaryInstanceProps {
  /** The drill validator: (prepares,) checks and reports. */
  readonly validator: lambda.IFunction;
  /** The drill's name: the tag value of the instances it adds, and so the only ones it may delete. */
  readonly drillName: string;
  /** The state machine's name: 1-80 letters, digits, - and _. */
  readonly stateMachineName: string;
  readonly logEncryptionKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  /** The state's fields at the start, from the execution's input or context; sent with every validator step. */
  readonly start: Record<string, string>;
  /** A validator step before the instance is added, whose result (`$.target`) names it; its failure adds nothing. */
  readonly prepareAction?: string;
  /** The instance's identifier: a JSONPath into the state (`$.target...`) or a literal. */
  readonly instanceIdentifier: string;
  /** The RDS call that adds the instance (its parameters carry the drill's tag) and the IAM actions and resources it needs. */
  readonly create: {
    readonly action: string;
    readonly parameters: Record<string, unknown>;
    readonly iamActions: string[];
    readonly iamResources: string[];
  };
  /** The ARN pattern of the instances the state machine adds, tags and deletes (e.g. `...:db:*-check`, or the one name). */
  readonly instanceArns: string[];
  readonly checkAction: string;
  readonly reportAction: string;
  /** How long the instance may take to become available, in one-minute polls. */
  readonly maxPolls: number;
  /** What the descriptions and failure messages call the whole, e.g. `the instance check of the restore drill x`. */
  readonly what: string;
}

/**
 * A temporary DB instance, checked and removed: a state machine that (asks the validator what to add,) adds a DB
 * instance tagged with the drill, waits until it is available, has the validator check the data through it, deletes it,
 * waits until it is gone, and has the validator report; any failure on the way still deletes what was added and reports
 * FAILED. Its role may create instances only with the drill's tag, and delete only instances that carry it. Used by the
 * instance check of Aurora restores and by `PitrDrill`.
 */
export class TemporaryInstance extends Construct {
  public readonly stateMachine: sfn.StateMachine;
  /** The state machine's ARN built from its name: for the validator, which the state machine itself refers to. */
  public readonly stateMachineArnByName: string;

  constructor(scope: Construct, id: string, props: TemporaryInstanceProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const fields = Object.fromEntries(Object.keys(props.start).map((key) => [key, sfn.JsonPath.stringAt(`$.${key}`)]));
    const invoke = (stepId: string, action: string, resultPath: string, extra: Record<string, unknown> = {}) => new tasks.LambdaInvoke(this, stepId, {
      lambdaFunction: props.validator,
      payload: sfn.TaskInput.fromObject({ action, ...fields, ...extra }),
      payloadResponseOnly: true,
      retryOnServiceExceptions: true,
      resultPath,
    });
    const rds = (stepId: string, action: string, parameters: Record<string, unknown>, resultPath: string = sfn.JsonPath.DISCARD) =>
      new tasks.CallAwsService(this, stepId, {
        service: 'rds', action, parameters, resultPath, iamResources: ['*'], // the role's policy is written below
      });
    const instance = props.instanceIdentifier.startsWith('$.') ? sfn.JsonPath.stringAt(props.instanceIdentifier) : props.instanceIdentifier;
    const failure = (stepId: string) => new sfn.Pass(this, stepId, {
      parameters: { status: 'FAILED', message: sfn.JsonPath.format(`${props.what} failed: {}`, sfn.JsonPath.stringAt('$.error.Cause')) },
      resultPath: '$.result',
    });
    const counter = (stepId: string) => new sfn.Pass(this, stepId, {
      parameters: { count: sfn.JsonPath.mathAdd(sfn.JsonPath.numberAt('$.polls.count'), 1) },
      resultPath: '$.polls',
    });
    const resetPolls = (stepId: string) => new sfn.Pass(this, stepId, { result: sfn.Result.fromObject({ count: 0 }), resultPath: '$.polls' });

    const report = invoke('Report', props.reportAction, '$.reported', { result: sfn.JsonPath.objectAt('$.result') });
    report.next(new sfn.Pass(this, 'Reported', { outputPath: '$.reported' }));

    // Delete the instance and wait until it is gone, then report.
    // A deletion that fails for good is reported (FAILED, naming it) rather than left silent: the instance is left behind.
    const notDeleted = new sfn.Pass(this, 'NotDeleted', {
      parameters: { status: 'FAILED', message: sfn.JsonPath.format(`${props.what}: the DB instance could not be deleted and is left behind ({})`, sfn.JsonPath.stringAt('$.deleteError.Cause')) },
      resultPath: '$.result',
    });
    notDeleted.next(report);
    const deleteInstance = rds('DeleteInstance', 'deleteDBInstance', { DbInstanceIdentifier: instance, SkipFinalSnapshot: true, DeleteAutomatedBackups: true })
      .addRetry({ errors: ['Rds.InvalidDbInstanceStateException'], interval: POLL_INTERVAL, maxAttempts: 10, backoffRate: 1 })
      .addRetry({ errors: ['States.TaskFailed'], interval: Duration.seconds(30), maxAttempts: 3, backoffRate: 2 })
      .addCatch(report, { errors: ['Rds.DbInstanceNotFoundException'], resultPath: sfn.JsonPath.DISCARD })
      .addCatch(notDeleted, { resultPath: '$.deleteError' });
    const waitGone = new sfn.Wait(this, 'WaitUntilGone', { time: sfn.WaitTime.duration(POLL_INTERVAL) });
    const describeGone = rds('DescribeDeleted', 'describeDBInstances', { DbInstanceIdentifier: instance })
      .addCatch(report, { errors: ['Rds.DbInstanceNotFoundException'], resultPath: sfn.JsonPath.DISCARD })
      .addCatch(notDeleted, { resultPath: '$.deleteError' });
    deleteInstance.next(resetPolls('StartDeletePolls')).next(waitGone).next(describeGone).next(counter('CountDeletePolls')).next(
      new sfn.Choice(this, 'GivenUpOnDeletion')
        .when(sfn.Condition.numberGreaterThanEquals('$.polls.count', MAX_DELETE_POLLS), report)
        .otherwise(waitGone));

    // Add the instance, wait until it is available, check through it.
    const failedAfterCreate = failure('FailedAfterCreate');
    failedAfterCreate.next(deleteInstance);
    const check = invoke('Check', props.checkAction, '$.result').addCatch(failedAfterCreate, { resultPath: '$.error' });
    check.next(deleteInstance);
    const waitAvailable = new sfn.Wait(this, 'WaitUntilAvailable', { time: sfn.WaitTime.duration(POLL_INTERVAL) });
    const describe = rds('DescribeAdded', 'describeDBInstances', { DbInstanceIdentifier: instance }, '$.instance')
      .addCatch(failedAfterCreate, { resultPath: '$.error' });
    const notAvailable = new sfn.Pass(this, 'NotAvailable', {
      result: sfn.Result.fromObject({ status: 'FAILED', message: `${props.what} failed: the DB instance was not available within ${props.maxPolls} minutes` }),
      resultPath: '$.result',
    });
    notAvailable.next(deleteInstance);
    const failedBeforeCreate = failure('FailedBeforeCreate');
    failedBeforeCreate.next(report);
    // The instance may exist although the call failed (a timeout after RDS accepted it): deleting one that is not there is reported as gone.
    // An instance of that name exists already (a leftover, or another database renamed into the name): it is not the
    // one this run adds, so nothing is deleted. Any other failure may have left the instance behind: deleted.
    const nameTaken = new sfn.Pass(this, 'NameTaken', {
      parameters: { status: 'FAILED', message: sfn.JsonPath.format(`${props.what} failed: an instance of its name exists already, not added by this run; nothing was added or deleted ({})`, sfn.JsonPath.stringAt('$.error.Cause')) },
      resultPath: '$.result',
    });
    nameTaken.next(report);
    const create = rds('CreateInstance', props.create.action, props.create.parameters)
      .addCatch(nameTaken, { errors: ['Rds.DbInstanceAlreadyExistsException'], resultPath: '$.error' })
      .addCatch(failedAfterCreate, { resultPath: '$.error' });
    let chain = sfn.Chain.start(new sfn.Pass(this, 'Start', { parameters: Object.fromEntries(Object.entries(props.start).map(([key, path]) => [key, sfn.JsonPath.stringAt(path)])) }));
    if (props.prepareAction) {
      chain = chain.next(invoke('Prepare', props.prepareAction, '$.target').addCatch(failedBeforeCreate, { resultPath: '$.error' }));
    }
    const definition = chain
      .next(create)
      .next(resetPolls('StartCreatePolls'))
      .next(waitAvailable)
      .next(describe)
      .next(counter('CountCreatePolls'))
      .next(new sfn.Choice(this, 'Available')
        .when(sfn.Condition.stringEquals('$.instance.DbInstances[0].DbInstanceStatus', 'available'), check)
        .when(sfn.Condition.numberGreaterThanEquals('$.polls.count', props.maxPolls), notAvailable)
        .otherwise(waitAvailable));

    const stateMachineArn = stack.formatArn({
      service: 'states', resource: 'stateMachine', resourceName: props.stateMachineName, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const role = new iam.Role(this, 'Role', {
      description: `Runs ${props.what}`,
      // Only this state machine may run as the role (no other state machine, nor TestState), against the confused deputy.
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account }, ArnEquals: { 'aws:SourceArn': stateMachineArn } },
      }),
    });
    const [instances] = rdsArns(this, 'db');
    const tagged = {
      'StringEquals': { [`aws:RequestTag/${INSTANCE_CHECK_TAG_KEY}`]: props.drillName },
      'ForAllValues:StringEquals': { 'aws:TagKeys': [INSTANCE_CHECK_TAG_KEY] },
    };
    const policy = new iam.ManagedPolicy(this, 'Policy', {
      description: `Permissions of ${props.what}`,
      roles: [role],
      statements: [
        new iam.PolicyStatement({ sid: 'InvokeTheValidator', actions: ['lambda:InvokeFunction'], resources: [props.validator.functionArn, `${props.validator.functionArn}:*`] }),
        // An instance is added only with the drill's tag and no other, under the drill's names.
        new iam.PolicyStatement({
          sid: 'AddTaggedInstances',
          actions: props.create.iamActions,
          resources: props.create.iamResources,
          conditions: tagged,
        }),
        new iam.PolicyStatement({ sid: 'TagTheAddedInstance', actions: ['rds:AddTagsToResource'], resources: props.instanceArns, conditions: tagged }),
        new iam.PolicyStatement({ sid: 'WatchInstances', actions: ['rds:DescribeDBInstances'], resources: [instances] }),
        // Only instances of the drill's names that carry its tag are deleted.
        new iam.PolicyStatement({
          sid: 'DeleteTaggedInstances',
          actions: ['rds:DeleteDBInstance'],
          resources: props.instanceArns,
          conditions: { StringEquals: { [`aws:ResourceTag/${INSTANCE_CHECK_TAG_KEY}`]: props.drillName } },
        }),
        // Step Functions' log delivery and X-Ray, which take no resource-level permissions.
        new iam.PolicyStatement({
          sid: 'LogsAndTraces',
          actions: ['logs:CreateLogDelivery', 'logs:GetLogDelivery', 'logs:UpdateLogDelivery', 'logs:DeleteLogDelivery', 'logs:ListLogDeliveries',
            'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups',
            'xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
          resources: ['*'],
        }),
      ],
    });
    const logGroup = new logs.LogGroup(this, 'Logs', {
      encryptionKey: props.logEncryptionKey, retention: props.logRetention, removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stateMachineArnByName = stateMachineArn;
    this.stateMachine = new sfn.StateMachine(this, 'Resource', {
      stateMachineName: props.stateMachineName,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      role: role.withoutPolicyUpdates(),
      // Every wait bounded: the polls, a check (15 minutes at most), the deletion's retries, and an hour of calls.
      timeout: Duration.minutes(props.maxPolls + MAX_DELETE_POLLS + 15 + 10 + 60),
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    this.stateMachine.node.addDependency(policy);

    const wildcard = `${props.what} acts on instances whose names are chosen at run time; the statements are bounded by the ` +
      'drill tag (an instance is added only with it, and deleted only with it).';
    const wildcards = [...new Set([...props.create.iamResources, ...props.instanceArns, instances])].filter((arn) => flattenForNag(this, arn).includes('*'));
    Validations.of(policy).acknowledge(
      ...wildcards.map((arn) => ({ id: `AwsSolutions-IAM5[Resource::${flattenForNag(this, arn)}]`, reason: wildcard })),
      { id: `AwsSolutions-IAM5[Resource::${flattenForNag(this, `${props.validator.functionArn}:*`)}]`, reason: 'The versions and aliases of the validator function itself.' },
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'Step Functions log delivery and X-Ray take no resource-level permissions (Step Functions developer guide, "IAM policies for logging to CloudWatch Logs", and X-Ray).' },
    );
  }
}

/** An RDS ARN pattern of the stack's account and region, e.g. every `db`. */
export function rdsArns(scope: Construct, ...resources: string[]): string[] {
  const stack = Stack.of(scope);
  return resources.map((resource) => stack.formatArn({ service: 'rds', resource, resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }));
}
