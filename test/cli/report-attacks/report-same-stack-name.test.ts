// Attack: two stacks with one stack name (the usual multi-account layout: "Workload" in prod and in staging; or two
// template files with one basename) must not share their Ref/GetAtt lookups: prod's vault reported with staging's key
// would hide prod's open key finding.
import { readPosture } from '../../../cli/report/posture';
import { stack } from './helpers';

function workload(account: string, vaultName: string, keyGuarded: boolean) {
  return stack('Workload', {
    VaultKey: {
      Type: 'AWS::KMS::Key',
      ...(keyGuarded ? { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' } : { DeletionPolicy: 'Delete' }),
      Properties: {
        KeyPolicy: {
          Statement: [
            { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' },
            ...(keyGuarded ? [{ Effect: 'Deny', Principal: { AWS: '*' }, Action: ['kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:PutKeyPolicy'], Resource: '*' }] : []),
          ],
        },
      },
    },
    Vault: { Type: 'AWS::Backup::BackupVault', Properties: { BackupVaultName: vaultName, EncryptionKeyArn: { 'Fn::GetAtt': ['VaultKey', 'Arn'] } } },
  }, account, 'us-east-1');
}

test('prod\'s deletable vault key stays deletable when staging\'s stack has the same name', () => {
  const alone = readPosture([workload('111111111111', 'prod-vault', false)], 't');
  const both = readPosture([workload('111111111111', 'prod-vault', false), workload('222222222222', 'staging-vault', true)], 't');
  const prodKey = (p: typeof alone) => p.vaults.find((v) => v.name === 'prod-vault')!.key;
  expect(prodKey(alone)).toMatchObject({ retained: false });
  expect(prodKey(both)).toEqual(prodKey(alone));
  const keyFindings = (p: typeof alone) => p.findings.filter((f) => f.rule === 'BackupDR-BackupKeyUndeletable').length;
  expect(keyFindings(both)).toBe(keyFindings(alone));
});
