// Attack on BackupDR-BackupKeyUndeletable: a Deny on kms:ScheduleKeyDeletion/DisableKey counts only when it binds
// everyone (Principal *, no condition but exceptions for exactly named principals), and kms:PutKeyPolicy must be denied
// too, or one PutKeyPolicy call removes the guard. A Deny aimed at one harmless principal, or whose condition never
// matches, leaves every administrator of the account free to schedule the key's deletion.
import { ruleOutcome, stackOf } from './helpers';

const ROOT_ALLOW = { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'kms:*', Resource: '*' };
const GOOD_POLICY_DENY = { Effect: 'Deny', Principal: { AWS: '*' }, Action: 'kms:PutKeyPolicy', Resource: '*', Condition: { ArnNotEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/cfn-exec' } } };

function withKeyPolicy(statements: unknown[]) {
  return [stackOf({
    Resources: {
      Key: { Type: 'AWS::KMS::Key', DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain', Properties: { KeyPolicy: { Version: '2012-10-17', Statement: [ROOT_ALLOW, ...statements] } } },
      Vault: { Type: 'AWS::Backup::BackupVault', Properties: { BackupVaultName: 'v', EncryptionKeyArn: { 'Fn::GetAtt': ['Key', 'Arn'] } } },
    },
  })];
}

const DESTRUCTION = ['kms:ScheduleKeyDeletion', 'kms:DisableKey'];

test('a Deny that names one principal only does not stop the account\'s administrators', () => {
  const stacks = withKeyPolicy([GOOD_POLICY_DENY, { Effect: 'Deny', Principal: { AWS: 'arn:aws:iam::111111111111:role/intern' }, Action: DESTRUCTION, Resource: '*' }]);
  expect(ruleOutcome(stacks, 'BackupKeyUndeletable', 'Key').status).toBe('non-compliant');
});

test('a Deny whose Condition never matches (StringEquals aws:PrincipalAccount of a foreign account) is inert', () => {
  const stacks = withKeyPolicy([GOOD_POLICY_DENY, {
    Effect: 'Deny', Principal: { AWS: '*' }, Action: DESTRUCTION, Resource: '*',
    Condition: { StringEquals: { 'aws:PrincipalAccount': '999999999999' } },
  }]);
  expect(ruleOutcome(stacks, 'BackupKeyUndeletable', 'Key').status).toBe('non-compliant');
});

test('a Deny that only applies to ScheduleKeyDeletion requests with a 30-day window (kms:ScheduleKeyDeletionPendingWindowInDays) leaves 7 days open', () => {
  const stacks = withKeyPolicy([GOOD_POLICY_DENY, {
    Effect: 'Deny', Principal: { AWS: '*' }, Action: DESTRUCTION, Resource: '*',
    Condition: { NumericEquals: { 'kms:ScheduleKeyDeletionPendingWindowInDays': 30 } },
  }]);
  expect(ruleOutcome(stacks, 'BackupKeyUndeletable', 'Key').status).toBe('non-compliant');
});

test('an unconditional Deny, but kms:PutKeyPolicy open to every administrator: PutKeyPolicy removes the Deny, then ScheduleKeyDeletion', () => {
  const stacks = withKeyPolicy([{ Effect: 'Deny', Principal: { AWS: '*' }, Action: DESTRUCTION, Resource: '*' }]);
  expect(ruleOutcome(stacks, 'BackupKeyUndeletable', 'Key').status).toBe('non-compliant');
});

test('DeletionPolicy Retain with UpdateReplacePolicy Delete: a replacing update (e.g. KeySpec changed) schedules the old key\'s deletion', () => {
  const stacks = withKeyPolicy([GOOD_POLICY_DENY]);
  const key = stacks[0].template.Resources!.Key as { UpdateReplacePolicy?: string };
  (key as { UpdateReplacePolicy?: string }).UpdateReplacePolicy = 'Delete';
  // Give it a correct destruction deny that exempts CloudFormation's role (as guardKey does for DESTROY editors).
  (stacks[0].template.Resources!.Key.Properties!.KeyPolicy as { Statement: unknown[] }).Statement.push({
    Effect: 'Deny', Principal: { AWS: '*' }, Action: DESTRUCTION, Resource: '*',
    Condition: { ArnNotEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/cfn-exec' } },
  });
  expect(ruleOutcome(stacks, 'BackupKeyUndeletable', 'Key').status).toBe('non-compliant');
});

test('a "break-glass exception" written with a wildcard (ArnNotLike aws:PrincipalArn arn:aws:iam::111111111111:*) exempts every principal of the account', () => {
  const stacks = withKeyPolicy([GOOD_POLICY_DENY, {
    Effect: 'Deny', Principal: { AWS: '*' }, Action: DESTRUCTION, Resource: '*',
    Condition: { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:*' } },
  }]);
  expect(ruleOutcome(stacks, 'BackupKeyUndeletable', 'Key').status).toBe('non-compliant');
});
