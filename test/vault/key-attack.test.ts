// Issue 12, attack path 2: the backup account's keys destroyed. The dump bucket's key and a vault's key grant kms:* to
// their account, which IAM hands to every administrator: one of them schedules the key's deletion, disables it,
// replaces its policy, moves its alias to a key of their own, or grants it away, and every dump and recovery point is
// unreadable however long its lock. The key policies must refuse that to all but break-glass (and policy replacement
// to all but break-glass and CloudFormation's role), and the keys must stay usable.
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { BackupVault, CrossAccountBucket, PolicyEditors } from '../../lib';
import { KEY_TAMPERING_EVENTS } from '../../lib/private/key-guard';
import { decide, PolicyDocument, resolve } from '../policy-simulation';

const ACCOUNT = '222222222222';
const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/00000000-0000-0000-0000-000000000000`;
const ADMIN = `arn:aws:iam::${ACCOUNT}:role/Admin`;
const BREAK_GLASS = `arn:aws:iam::${ACCOUNT}:role/break-glass`;
const CFN_ROLE = `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-us-east-1`;
const PIPELINE = `arn:aws:iam::${ACCOUNT}:role/pipeline-deploy`;

interface Options {
  readonly breakGlass?: boolean;
  readonly policyEditors?: (stack: Stack) => PolicyEditors;
}

type KeyOwner = 'the dump bucket' | 'a vault';

function build(owner: KeyOwner, options: Options = {}): { stack: Stack; template: Template } {
  const stack = new Stack(new App(), 'Backup', { env: { account: ACCOUNT, region: 'us-east-1' } });
  const props = {
    breakGlassRole: options.breakGlass ? iam.Role.fromRoleArn(stack, 'BreakGlass', BREAK_GLASS) : undefined,
    policyEditors: options.policyEditors?.(stack),
  };
  if (owner === 'the dump bucket') {
    new CrossAccountBucket(stack, 'Dumps', { bucketName: 'acme-dumps', ...props });
  } else {
    new BackupVault(stack, 'Vault', { backupVaultName: 'central', ...props });
  }
  return { stack, template: Template.fromStack(stack) };
}

/** The policy of the key that encrypts the backups (not the notification topic's). */
function keyPolicy(owner: KeyOwner, options: Options = {}): PolicyDocument {
  const { stack, template } = build(owner, options);
  const keys = Object.values(template.findResources('AWS::KMS::Key'))
    .filter((key) => /Encrypts the (database dumps|recovery points)/.test(key.Properties.Description));
  expect(keys).toHaveLength(1);
  return resolve(keys[0].Properties.KeyPolicy, stack, {}) as PolicyDocument;
}

const call = (policy: PolicyDocument, action: string, principal: string, context: Record<string, string> = {}) =>
  decide(policy, { action, principal, resource: KEY, resourceAccount: ACCOUNT, context });

const DESTROYING = ['kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:DisableKeyRotation', 'kms:UpdateAlias', 'kms:DeleteAlias'];

describe.each<KeyOwner>(['the dump bucket', 'a vault'])('the key of %s', (owner) => {
  const guarded = keyPolicy(owner, { breakGlass: true });
  const unattended = keyPolicy(owner);

  test.each([...DESTROYING, 'kms:PutKeyPolicy'])('an administrator of the account is explicitly denied %s', async (action) => {
    expect(await call(guarded, action, ADMIN)).toBe('ExplicitlyDenied');
    expect(await call(unattended, action, ADMIN)).toBe('ExplicitlyDenied');
  });

  test.each(DESTROYING)('CloudFormation\'s role cannot %s either', async (action) => {
    expect(await call(guarded, action, CFN_ROLE)).toBe('ExplicitlyDenied');
  });

  test('a grant to a principal (not for an AWS resource) is explicitly denied, with or without the key', async () => {
    expect(await call(guarded, 'kms:CreateGrant', ADMIN, { 'kms:GrantIsForAWSResource': 'false' })).toBe('ExplicitlyDenied');
    expect(await call(guarded, 'kms:CreateGrant', ADMIN)).toBe('ExplicitlyDenied');
  });

  test('a grant for an AWS resource (AWS Backup, S3) is still allowed, and the key still usable', async () => {
    expect(await call(guarded, 'kms:CreateGrant', ADMIN, { 'kms:GrantIsForAWSResource': 'true' })).toBe('Allowed');
    expect(await call(guarded, 'kms:Decrypt', ADMIN)).toBe('Allowed');
    expect(await call(guarded, 'kms:DescribeKey', ADMIN)).toBe('Allowed');
  });

  test.each([...DESTROYING, 'kms:PutKeyPolicy'])('the break-glass role may %s', async (action) => {
    expect(await call(guarded, action, BREAK_GLASS)).toBe('Allowed');
  });

  test('CloudFormation deploying with the CDK bootstrap\'s role (the default editor) may replace the policy', async () => {
    expect(await call(guarded, 'kms:PutKeyPolicy', CFN_ROLE)).toBe('Allowed');
  });

  test('named editors replace the bootstrap role; breakGlassOnly leaves break-glass alone, past KMS\'s lockout check', async () => {
    const pipeline = keyPolicy(owner, { breakGlass: true, policyEditors: (stack) => PolicyEditors.roles(iam.Role.fromRoleArn(stack, 'Pipeline', PIPELINE)) });
    expect(await call(pipeline, 'kms:PutKeyPolicy', PIPELINE)).toBe('Allowed');
    expect(await call(pipeline, 'kms:PutKeyPolicy', CFN_ROLE)).toBe('ExplicitlyDenied');

    const options = { breakGlass: true, policyEditors: () => PolicyEditors.breakGlassOnly() };
    const locked = keyPolicy(owner, options);
    expect(await call(locked, 'kms:PutKeyPolicy', CFN_ROLE)).toBe('ExplicitlyDenied');
    expect(await call(locked, 'kms:PutKeyPolicy', BREAK_GLASS)).toBe('Allowed');
    build(owner, options).template.hasResourceProperties('AWS::KMS::Key', { BypassPolicyLockoutSafetyCheck: true });
  });
});

describe('the alarm on key tampering', () => {
  test.each<KeyOwner>(['the dump bucket', 'a vault'])('%s: an EventBridge rule on the CloudTrail events of its key, to the topic, with a dead-letter queue', (owner) => {
    const stack = new Stack(new App(), 'Backup', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const topic = new sns.Topic(stack, 'Security');
    const construct = owner === 'the dump bucket'
      ? new CrossAccountBucket(stack, 'Dumps', { bucketName: 'acme-dumps', keyAlarmTopic: topic })
      : new BackupVault(stack, 'Vault', { keyAlarmTopic: topic });
    const template = Template.fromStack(stack);
    const keyId = stack.resolve((construct.encryptionKey.node.defaultChild as any).logicalId);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.kms'],
        'detail-type': ['AWS API Call via CloudTrail'],
        'detail': {
          eventSource: ['kms.amazonaws.com'],
          eventName: ['ScheduleKeyDeletion', 'DisableKey', 'DisableKeyRotation', 'PutKeyPolicy', 'UpdateAlias', 'DeleteAlias'],
          resources: { ARN: owner === 'the dump bucket'
            ? [{ 'Fn::GetAtt': [keyId, 'Arn'] }, { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:kms:us-east-1:${ACCOUNT}:alias/acme-dumps`]] }]
            : [{ 'Fn::GetAtt': [keyId, 'Arn'] }] },
        },
      },
      Targets: [{
        Arn: { Ref: stack.resolve((topic.node.defaultChild as any).logicalId) },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('KeyAlarmDeadLetterQueue'), 'Arn'] } },
      }],
    });
    expect(KEY_TAMPERING_EVENTS).toEqual(expect.arrayContaining(['ScheduleKeyDeletion', 'DisableKey', 'PutKeyPolicy']));
  });
});
