// Issue 12, attack path 3: the vault policy replaced. The vault's deny left out the calls that change the guards
// themselves: an administrator of the backup account puts an access policy without the deny (or deletes it, or the
// lock of a governance vault, or the vault), then deletes the recovery points. The policy must refuse those calls to
// all but break-glass, and let CloudFormation's role still update the policy and the lock (never delete them).
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { BackupVault, BackupVaultProps, PolicyEditors, VaultLock } from '../../lib';
import { decide, PolicyDocument, resolve } from '../policy-simulation';

const ACCOUNT = '222222222222';
const VAULT = `arn:aws:backup:us-east-1:${ACCOUNT}:backup-vault:central`;
const RECOVERY_POINT = `arn:aws:backup:us-east-1:${ACCOUNT}:recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45`;
const ADMIN = `arn:aws:iam::${ACCOUNT}:role/Admin`;
const BREAK_GLASS = `arn:aws:iam::${ACCOUNT}:role/break-glass`;
const CFN_ROLE = `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-us-east-1`;

function accessPolicy(props: (stack: Stack) => BackupVaultProps = () => ({})): PolicyDocument {
  const stack = new Stack(new App(), 'Backup', { env: { account: ACCOUNT, region: 'us-east-1' } });
  new BackupVault(stack, 'Vault', {
    backupVaultName: 'central',
    vaultLock: VaultLock.governance({ minRetention: Duration.days(7), maxRetention: Duration.days(400) }),
    breakGlassRole: iam.Role.fromRoleArn(stack, 'BreakGlass', BREAK_GLASS),
    ...props(stack),
  });
  const [vault] = Object.values(Template.fromStack(stack).findResources('AWS::Backup::BackupVault'));
  return resolve(vault.Properties.AccessPolicy, stack, {}) as PolicyDocument;
}

const call = (policy: PolicyDocument, action: string, principal: string, resource = VAULT) =>
  decide(policy, { action, principal, resource, resourceAccount: ACCOUNT });

const GUARD_CHANGES = [
  'backup:PutBackupVaultAccessPolicy',
  'backup:DeleteBackupVaultAccessPolicy',
  'backup:PutBackupVaultLockConfiguration',
  'backup:DeleteBackupVaultLockConfiguration',
  'backup:DeleteBackupVault',
];

describe('a retained vault', () => {
  const policy = accessPolicy();

  test.each(GUARD_CHANGES)('an administrator of the account is explicitly denied %s', async (action) => {
    expect(await call(policy, action, ADMIN)).toBe('ExplicitlyDenied');
  });

  test('and so cannot go on to delete a recovery point or shorten its lifecycle', async () => {
    expect(await call(policy, 'backup:DeleteRecoveryPoint', ADMIN, RECOVERY_POINT)).toBe('ExplicitlyDenied');
    expect(await call(policy, 'backup:UpdateRecoveryPointLifecycle', ADMIN, RECOVERY_POINT)).toBe('ExplicitlyDenied');
  });

  test('CloudFormation\'s role (the CDK bootstrap\'s, by default) may update the policy and the lock', async () => {
    expect(await call(policy, 'backup:PutBackupVaultAccessPolicy', CFN_ROLE)).toBe('Allowed');
    expect(await call(policy, 'backup:PutBackupVaultLockConfiguration', CFN_ROLE)).toBe('Allowed');
  });

  test.each(['backup:DeleteBackupVaultAccessPolicy', 'backup:DeleteBackupVaultLockConfiguration', 'backup:DeleteBackupVault'])(
    'but not remove them: %s is explicitly denied to it', async (action) => {
      expect(await call(policy, action, CFN_ROLE)).toBe('ExplicitlyDenied');
    });

  test('nor delete recovery points', async () => {
    expect(await call(policy, 'backup:DeleteRecoveryPoint', CFN_ROLE, RECOVERY_POINT)).toBe('ExplicitlyDenied');
  });

  test.each([...GUARD_CHANGES, 'backup:DeleteRecoveryPoint'])('the break-glass role may %s', async (action) => {
    expect(await call(policy, action, BREAK_GLASS, action === 'backup:DeleteRecoveryPoint' ? RECOVERY_POINT : VAULT)).toBe('Allowed');
  });
});

test('a vault destroyed with its stack: CloudFormation\'s role may delete it, an administrator may not', async () => {
  const policy = accessPolicy(() => ({ removalPolicy: RemovalPolicy.DESTROY }));
  expect(await call(policy, 'backup:DeleteBackupVault', CFN_ROLE)).toBe('Allowed');
  expect(await call(policy, 'backup:DeleteBackupVault', ADMIN)).toBe('ExplicitlyDenied');
});

test('breakGlassOnly: CloudFormation\'s role may not update the policy either', async () => {
  const policy = accessPolicy(() => ({ policyEditors: PolicyEditors.breakGlassOnly() }));
  expect(await call(policy, 'backup:PutBackupVaultAccessPolicy', CFN_ROLE)).toBe('ExplicitlyDenied');
  expect(await call(policy, 'backup:PutBackupVaultAccessPolicy', BREAK_GLASS)).toBe('Allowed');
});
