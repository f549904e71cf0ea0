// Issue 12, attack path 4: copy-in from the whole organization. A member account that is not a copy source pushes
// copies into the backup account's locked vault, where nobody may delete them before their retention ends (a cost
// attack). By default only the named source accounts may copy in; the organization-wide grant is an opt-in.
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { BackupVault, BackupVaultProps } from '../../lib';
import { decide, PolicyDocument, resolve } from '../policy-simulation';

const BACKUP_ACCOUNT = '222222222222';
const WORKLOAD_ROLE = 'arn:aws:iam::111111111111:role/service-role/AWSBackupDefaultServiceRole';
const OTHER_MEMBER_ROLE = 'arn:aws:iam::333333333333:role/service-role/AWSBackupDefaultServiceRole';
const ORG = 'o-a1b2c3d4e5';
const VAULT = `arn:aws:backup:us-east-1:${BACKUP_ACCOUNT}:backup-vault:central`;

function accessPolicy(props: BackupVaultProps): PolicyDocument {
  const stack = new Stack(new App(), 'Backup', { env: { account: BACKUP_ACCOUNT, region: 'us-east-1' } });
  new BackupVault(stack, 'Vault', { backupVaultName: 'central', ...props });
  const [vault] = Object.values(Template.fromStack(stack).findResources('AWS::Backup::BackupVault'));
  return resolve(vault.Properties.AccessPolicy, stack, {}) as PolicyDocument;
}

const copyIn = (policy: PolicyDocument, principal: string) => decide(policy, {
  action: 'backup:CopyIntoBackupVault', principal, resource: VAULT, resourceAccount: BACKUP_ACCOUNT,
  context: { 'aws:PrincipalOrgID': ORG },
});

test('named source accounts: the workload account copies in, another member of the organization cannot', async () => {
  const policy = accessPolicy({ copySourceAccounts: ['111111111111'] });
  expect(await copyIn(policy, WORKLOAD_ROLE)).toBe('Allowed');
  expect(await copyIn(policy, OTHER_MEMBER_ROLE)).not.toBe('Allowed');
});

test('without copy sources no other account copies in', async () => {
  const policy = accessPolicy({});
  expect(await copyIn(policy, WORKLOAD_ROLE)).not.toBe('Allowed');
});

test('the organization-wide grant (an opt-in) lets every member copy in, and says so at synth', async () => {
  const policy = accessPolicy({ copySourceAccounts: ['111111111111'], copySourceOrganizationId: ORG });
  expect(await copyIn(policy, OTHER_MEMBER_ROLE)).toBe('Allowed');
  const stack = new Stack(new App(), 'Warned');
  new BackupVault(stack, 'Vault', { copySourceOrganizationId: ORG });
  Annotations.fromStack(stack).hasWarning('/Warned/Vault', Match.stringLikeRegexp(`copySourceOrganizationId '${ORG}' lets every account of the organization copy`));
});
