// Attack: a backup key named other than by a Ref/GetAtt in its own stack: a key of another stack of the app (CDK's
// ordinary cross-stack reference, Fn::ImportValue) or a key named by alias must still be found as a backup key.
// Not a backup key for this rule: the key of a database a plan backs up. Its local snapshots and automated backups use
// it, but copies to another account or region are encrypted with the destination vault's key (AWS Backup devguide,
// "Encryption for backups": backups of resource types not fully managed by AWS Backup inherit the source's encryption;
// a copy into another account or region must name a key there), so the last good copy does not depend on it.
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as kms from 'aws-cdk-lib/aws-kms';
import { BackupDrChecks } from '../../../lib';
import { ruleOutcome, stackOf } from './helpers';

const ENV = { account: '111111111111', region: 'us-east-1' };

test('a vault key defined in a separate Keys stack (cross-stack reference)', () => {
  const app = new App();
  const keys = new Stack(app, 'Keys', { env: ENV });
  const key = new kms.Key(keys, 'VaultKey', { removalPolicy: RemovalPolicy.DESTROY });
  new backup.BackupVault(new Stack(app, 'Vaults', { env: ENV }), 'Vault', { encryptionKey: key });
  app.synth(); // cross-stack references become Fn::ImportValue / Outputs, as in a real cdk synth
  const findings = new BackupDrChecks().validateScope(app).violations.filter((v) => v.ruleName === 'BackupDR-BackupKeyUndeletable')
    .flatMap((v) => v.violatingResources.map((r) => r.constructPath ?? ''));
  expect(findings).toEqual(['Keys/VaultKey/Resource']);
});

test('a vault key named by its alias', () => {
  const stacks = [stackOf({
    Resources: {
      Key: { Type: 'AWS::KMS::Key', DeletionPolicy: 'Delete', Properties: { KeyPolicy: { Statement: [] } } },
      Alias: { Type: 'AWS::KMS::Alias', Properties: { AliasName: 'alias/backups', TargetKeyId: { Ref: 'Key' } } },
      Vault: { Type: 'AWS::Backup::BackupVault', Properties: { BackupVaultName: 'v', EncryptionKeyArn: 'arn:aws:kms:us-east-1:111111111111:alias/backups' } },
    },
  })];
  expect(ruleOutcome(stacks, 'BackupKeyUndeletable', 'Key').status).toBe('non-compliant');
});

test('the KMS key of a database that a plan backs up is not held to the rule (copies are re-encrypted with the destination vault key)', () => {
  const stacks = [stackOf({
    Resources: {
      Key: { Type: 'AWS::KMS::Key', DeletionPolicy: 'Delete', Properties: { KeyPolicy: { Statement: [] } } },
      Db: { Type: 'AWS::RDS::DBInstance', Properties: { Engine: 'postgres', DBInstanceIdentifier: 'shop', StorageEncrypted: true, KmsKeyId: { Ref: 'Key' }, BackupRetentionPeriod: 7 } },
      Vault: { Type: 'AWS::Backup::BackupVault', Properties: { BackupVaultName: 'v' } },
      Plan: { Type: 'AWS::Backup::BackupPlan', Properties: { BackupPlan: { BackupPlanName: 'p', BackupPlanRule: [{ RuleName: 'Daily', TargetBackupVault: 'v', Lifecycle: { DeleteAfterDays: 35 } }] } } },
      Sel: { Type: 'AWS::Backup::BackupSelection', Properties: { BackupPlanId: { Ref: 'Plan' }, BackupSelection: { SelectionName: 's', IamRoleArn: 'r', Resources: ['arn:aws:rds:us-east-1:111111111111:db:shop'] } } },
    },
  })];
  expect(ruleOutcome(stacks, 'BackupKeyUndeletable', 'Key').status).toBe('not-applicable');
});
