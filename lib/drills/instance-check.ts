import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { INSTANCE_CHECK_ACTION, INSTANCE_CHECK_TAG_KEY } from '../private/job-contract';
import { flattenForNag } from '../private/nag-ids';

/** Polls of the added instance (one a minute) before giving up on it appearing or going away. */
const MAX_POLLS = 45;
const POLL_INTERVAL = Duration.minutes(1);

export interface InstanceCheckProps {
  /** The drill validator: prepares, checks and reports. */
  readonly validator: lambda.IFunction;
  /** The drill's name: the tag value of the instances it adds, and so the only ones it may delete. */
  readonly drillName: string;
  readonly logEncryptionKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
}

/**
 * The instance check of Aurora restores (AWS Backup restores a cluster without a DB instance): a state machine that
 * asks the validator what to add (from the restore job it reads back), adds a DB instance tagged with the drill to the
 * restored cluster, waits until it is available, has the validator check the data through it, deletes it, waits until
 * it is gone, and has the validator report; any failure on the way still deletes what was added and reports FAILED.
 *
 * Its role may create instances only with the drill's tag, and delete only instances that carry it; it acts only on
 * the names the validator derived from the restore job, so whoever may start an execution touches nothing else.
 */
export class InstanceCheck extends Construct {
  public readonly stateMachine: sfn.StateMachine;
  /** The state machine's ARN built from its name: for the validator, which the state machine itself refers to. */
  public readonly stateMachineArnByName: string;

  constructor(scope: Construct, id: string, props: InstanceCheckProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const invoke = (stepId: string, action: string, resultPath: string, extra: Record<string, unknown> = {}) => new tasks.LambdaInvoke(this, stepId, {
      lambdaFunction: props.validator,
      payload: sfn.TaskInput.fromObject({ action, restoreJobId: sfn.JsonPath.stringAt('$.restoreJobId'), ...extra }),
      payloadResponseOnly: true,
      retryOnServiceExceptions: true,
      resultPath,
    });
    const rds = (stepId: string, action: string, parameters: Record<string, unknown>, resultPath: string = sfn.JsonPath.DISCARD) =>
      new tasks.CallAwsService(this, stepId, {
        service: 'rds', action, parameters, resultPath, iamResources: ['*'], // the role's policy is written below
      });
    const instance = sfn.JsonPath.stringAt('$.target.instanceIdentifier');
    const failure = (stepId: string) => new sfn.Pass(this, stepId, {
      parameters: { status: 'FAILED', message: sfn.JsonPath.format('the instance check failed: {}', sfn.JsonPath.stringAt('$.error.Cause')) },
      resultPath: '$.result',
    });
    const counter = (stepId: string) => new sfn.Pass(this, stepId, {
      parameters: { count: sfn.JsonPath.mathAdd(sfn.JsonPath.numberAt('$.polls.count'), 1) },
      resultPath: '$.polls',
    });
    const resetPolls = (stepId: string) => new sfn.Pass(this, stepId, { result: sfn.Result.fromObject({ count: 0 }), resultPath: '$.polls' });

    const report = invoke('Report', INSTANCE_CHECK_ACTION.REPORT, sfn.JsonPath.DISCARD, { result: sfn.JsonPath.objectAt('$.result') });
    report.next(new sfn.Succeed(this, 'Reported'));

    // Delete the added instance and wait until it is gone, then report.
    const deleteInstance = rds('DeleteInstance', 'deleteDBInstance', { DbInstanceIdentifier: instance, SkipFinalSnapshot: true, DeleteAutomatedBackups: true })
      .addRetry({ errors: ['Rds.InvalidDbInstanceStateException'], interval: POLL_INTERVAL, maxAttempts: 10, backoffRate: 1 })
      .addCatch(report, { errors: ['Rds.DbInstanceNotFoundException'], resultPath: sfn.JsonPath.DISCARD });
    const waitGone = new sfn.Wait(this, 'WaitUntilGone', { time: sfn.WaitTime.duration(POLL_INTERVAL) });
    const describeGone = rds('DescribeDeleted', 'describeDBInstances', { DbInstanceIdentifier: instance })
      .addCatch(report, { errors: ['Rds.DbInstanceNotFoundException'], resultPath: sfn.JsonPath.DISCARD });
    const countGone = counter('CountDeletePolls');
    deleteInstance.next(resetPolls('StartDeletePolls')).next(waitGone).next(describeGone).next(countGone).next(
      new sfn.Choice(this, 'GivenUpOnDeletion')
        .when(sfn.Condition.numberGreaterThanEquals('$.polls.count', MAX_POLLS), report)
        .otherwise(waitGone));

    // Add the instance, wait until it is available, check through it.
    const failedAfterCreate = failure('FailedAfterCreate');
    failedAfterCreate.next(deleteInstance);
    const check = invoke('Check', INSTANCE_CHECK_ACTION.CHECK, '$.result').addCatch(failedAfterCreate, { resultPath: '$.error' });
    check.next(deleteInstance);
    const waitAvailable = new sfn.Wait(this, 'WaitUntilAvailable', { time: sfn.WaitTime.duration(POLL_INTERVAL) });
    const describe = rds('DescribeAdded', 'describeDBInstances', { DbInstanceIdentifier: instance }, '$.instance')
      .addCatch(failedAfterCreate, { resultPath: '$.error' });
    const notAvailable = new sfn.Pass(this, 'NotAvailable', {
      result: sfn.Result.fromObject({ status: 'FAILED', message: `the DB instance added to the restored cluster was not available within ${MAX_POLLS} minutes` }),
      resultPath: '$.result',
    });
    notAvailable.next(deleteInstance);
    const create = rds('CreateInstance', 'createDBInstance', {
      DbInstanceIdentifier: instance,
      DbClusterIdentifier: sfn.JsonPath.stringAt('$.target.clusterIdentifier'),
      Engine: sfn.JsonPath.stringAt('$.target.engine'),
      DbInstanceClass: sfn.JsonPath.stringAt('$.target.instanceClass'),
      PubliclyAccessible: false,
      Tags: [{ Key: INSTANCE_CHECK_TAG_KEY, Value: props.drillName }],
    });
    const failedBeforeCreate = failure('FailedBeforeCreate');
    failedBeforeCreate.next(report);
    create.addCatch(failedBeforeCreate, { resultPath: '$.error' });
    const prepare = invoke('Prepare', INSTANCE_CHECK_ACTION.PREPARE, '$.target');
    prepare.addCatch(failedBeforeCreate, { resultPath: '$.error' });
    const definition = sfn.Chain.start(new sfn.Pass(this, 'Start', { parameters: { restoreJobId: sfn.JsonPath.stringAt('$.restoreJobId') } }))
      .next(prepare)
      .next(create)
      .next(resetPolls('StartCreatePolls'))
      .next(waitAvailable)
      .next(describe)
      .next(counter('CountCreatePolls'))
      .next(new sfn.Choice(this, 'Available')
        .when(sfn.Condition.stringEquals('$.instance.DbInstances[0].DbInstanceStatus', 'available'), check)
        .when(sfn.Condition.numberGreaterThanEquals('$.polls.count', MAX_POLLS), notAvailable)
        .otherwise(waitAvailable));

    const role = new iam.Role(this, 'Role', {
      description: `Runs the instance check of the restore drill ${props.drillName}`,
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
    });
    const arn = (resource: string) => stack.formatArn({ service: 'rds', resource, resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const tagged = { StringEquals: { [`aws:RequestTag/${INSTANCE_CHECK_TAG_KEY}`]: props.drillName } };
    const policy = new iam.ManagedPolicy(this, 'Policy', {
      description: `Permissions of the instance check of the restore drill ${props.drillName}`,
      roles: [role],
      statements: [
        new iam.PolicyStatement({ sid: 'InvokeTheValidator', actions: ['lambda:InvokeFunction'], resources: [props.validator.functionArn, `${props.validator.functionArn}:*`] }),
        // An instance is created only with the drill's tag; in the cluster and with the names the validator derived.
        new iam.PolicyStatement({
          sid: 'AddTaggedInstances',
          actions: ['rds:CreateDBInstance', 'rds:AddTagsToResource'],
          resources: [arn('db'), arn('cluster'), arn('pg'), arn('og'), arn('subgrp'), arn('secgrp')],
          conditions: tagged,
        }),
        new iam.PolicyStatement({ sid: 'WatchInstances', actions: ['rds:DescribeDBInstances'], resources: [arn('db')] }),
        // Only instances that carry the drill's tag are deleted.
        new iam.PolicyStatement({
          sid: 'DeleteTaggedInstances',
          actions: ['rds:DeleteDBInstance'],
          resources: [arn('db')],
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
    // State machine names: 1-80 of letters, digits, - and _.
    const stateMachineName = `${props.drillName}-instance-check`.slice(0, 80);
    this.stateMachineArnByName = stack.formatArn({
      service: 'states', resource: 'stateMachine', resourceName: stateMachineName, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.stateMachine = new sfn.StateMachine(this, 'Resource', {
      stateMachineName,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      role: role.withoutPolicyUpdates(),
      timeout: Duration.hours(3),
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    this.stateMachine.node.addDependency(policy);

    const wildcard = 'The instance check acts on the restored cluster and the instance it adds, whose names AWS Backup and the ' +
      'validator choose at restore time; the statements are bounded by the drill tag (create only with it, delete only with it).';
    Validations.of(policy).acknowledge(
      ...['db', 'cluster', 'pg', 'og', 'subgrp', 'secgrp'].map((resource) => ({ id: `AwsSolutions-IAM5[Resource::${flattenForNag(this, arn(resource))}]`, reason: wildcard })),
      { id: `AwsSolutions-IAM5[Resource::${flattenForNag(this, `${props.validator.functionArn}:*`)}]`, reason: 'The versions and aliases of the validator function itself.' },
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'Step Functions log delivery and X-Ray take no resource-level permissions (Step Functions developer guide, "IAM policies for logging to CloudWatch Logs", and X-Ray).' },
    );
  }
}
