import { Annotations, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

// The key policy statements and the alarm that keep a key that encrypts backups from being destroyed, disabled or
// given away by a principal of its own account: its policy grants `kms:*` to the account, which IAM then hands to
// every administrator. One helper for the dump bucket's key and the vaults' keys.

/** How a key created by one of our constructs is guarded. */
export interface KeyGuardProps {
  /** The only principal that may destroy or disable the key; none: nobody may. */
  readonly breakGlassRole?: iam.IRole;
  /** ARNs of the roles that may also replace the key policy (CloudFormation's role: `PolicyEditors`). */
  readonly editorRoleArns: string[];
  /** DESTROY lets the editors schedule the key's deletion and delete its alias, as CloudFormation does with the stack. */
  readonly removalPolicy: RemovalPolicy;
}

/** The calls that make a key's data unreadable or take it out of the owner's hands, watched by `watchKeys`. */
export const KEY_TAMPERING_EVENTS = ['ScheduleKeyDeletion', 'DisableKey', 'DisableKeyRotation', 'PutKeyPolicy', 'UpdateAlias', 'DeleteAlias'];

/**
 * Adds to the policy of `key` (created in this app):
 *
 * - `DenyKeyDestruction`: `kms:ScheduleKeyDeletion`, `kms:DisableKey`, `kms:DisableKeyRotation`, and moving or deleting
 *   an alias of the key (`kms:UpdateAlias`, `kms:DeleteAlias`: a writer that names the key by its alias would then
 *   encrypt with whichever key takes the alias over) to everyone but the break-glass role;
 * - `DenyKeyPolicyChanges`: `kms:PutKeyPolicy` to everyone but the break-glass role and the policy editors;
 * - `DenyGrantsNotForAwsResources`: `kms:CreateGrant` unless the grant is for an AWS service acting for a resource
 *   (`kms:GrantIsForAWSResource`; AWS Control Tower CT.KMS.PR.3), so nobody can hand the key to a principal in a grant,
 *   which no key policy change would show.
 *
 * Without editors, KMS would refuse the policy at creation (its creator could not change it later): the key is then
 * created with `BypassPolicyLockoutSafetyCheck`.
 */
export function guardKey(key: kms.Key, props: KeyGuardProps): void {
  const editors = props.editorRoleArns;
  const breakGlass = props.breakGlassRole ? [props.breakGlassRole.roleArn] : [];
  const destroyedWithStack = props.removalPolicy === RemovalPolicy.DESTROY;
  const stackDeletion = ['kms:ScheduleKeyDeletion', 'kms:DeleteAlias'];
  const destruction = ['kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:DisableKeyRotation', 'kms:UpdateAlias', 'kms:DeleteAlias'];
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'DenyKeyDestruction',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: destroyedWithStack ? destruction.filter((action) => !stackDeletion.includes(action)) : destruction,
    resources: ['*'],
    conditions: principalArnsExcept(breakGlass),
  }));
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'DenyKeyPolicyChanges',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: destroyedWithStack ? ['kms:PutKeyPolicy', ...stackDeletion] : ['kms:PutKeyPolicy'],
    resources: ['*'],
    conditions: principalArnsExcept([...breakGlass, ...editors]),
  }));
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'DenyGrantsNotForAwsResources',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    // IfExists: a request without the key is denied too.
    conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false' } },
  }));
  if (editors.length === 0) {
    (key.node.defaultChild as kms.CfnKey).bypassPolicyLockoutSafetyCheck = true;
  }
}

/** A deny's exception for the principals of `arns` (an ARN alone as a string), or none when there are none. */
export function principalArnsExcept(arns: string[]): Record<string, Record<string, string | string[]>> | undefined {
  if (arns.length === 0) {
    return undefined;
  }
  return { ArnNotEquals: { 'aws:PrincipalArn': arns.length === 1 ? arns[0] : arns } };
}

/**
 * An EventBridge rule matching every call (allowed or denied) of `KEY_TAMPERING_EVENTS` on the keys, published to
 * `topic` when given, with a dead-letter queue for notices EventBridge could not deliver; without a topic, an info
 * annotation says that nobody is told. The events come from CloudTrail: the account needs a trail that logs
 * management events in the keys' region (an organization trail does).
 */
export function watchKeys(
  scope: Construct, id: string, keys: kms.IKey[], topic: sns.ITopic | undefined, annotationId: string, aliasArns: string[] = [],
): events.Rule {
  const rule = new events.Rule(scope, id, {
    description: 'A key that encrypts backups was scheduled for deletion, disabled, given a new policy or lost its alias (or someone tried)',
    eventPattern: {
      source: ['aws.kms'],
      detailType: ['AWS API Call via CloudTrail'],
      detail: {
        eventSource: ['kms.amazonaws.com'],
        eventName: KEY_TAMPERING_EVENTS,
        // CloudTrail lists the alias and its new target for UpdateAlias, so the aliases are matched too.
        resources: { ARN: [...keys.map((key) => key.keyArn), ...aliasArns] },
      },
    },
  });
  if (topic) {
    const deadLetterQueue = new sqs.Queue(scope, `${id}DeadLetterQueue`, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const reason = 'This queue is the dead-letter queue of the key alarm rule (its target\'s DeadLetterConfig), which cdk-nag ' +
      'does not see as a dead-letter queue; a dead-letter queue needs none of its own.';
    Validations.of(deadLetterQueue).acknowledge({ id: 'Serverless-SQSRedrivePolicy', reason }, { id: 'AwsSolutions-SQS3', reason });
    rule.addTarget(new targets.SnsTopic(topic, { deadLetterQueue }));
    // A notice EventBridge could not deliver (the topic's policy or key changed) waits in the queue: say so.
    const undelivered = new cloudwatch.Alarm(scope, `${id}Undelivered`, {
      alarmDescription: `A key alarm of ${scope.node.path} could not be delivered to its topic and waits in ${deadLetterQueue.node.path}`,
      metric: deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    undelivered.addAlarmAction(new actions.SnsAction(topic));
  } else {
    Validations.of(rule).acknowledge({
      id: 'Serverless-EventBusDLQ',
      reason: 'The rule has no target yet (no keyAlarmTopic was given), so no delivery can fail; a target added later needs a dead-letter queue.',
    });
    Annotations.of(scope).addInfoV2(annotationId,
      `no keyAlarmTopic: the rule ${rule.node.path} sees the key scheduled for deletion, disabled or re-policied, but tells ` +
        'nobody; give keyAlarmTopic or add a target to it');
  }
  return rule;
}
