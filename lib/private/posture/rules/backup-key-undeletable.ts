import type { AppIndex, Located } from '../app-index';
import { coversAction, DrRule, NOT_APPLICABLE, outcome, RuleContext, statements } from './rule';

/** The keys that encrypt backups: of the app's vaults and of its backup buckets. */
function backupKeys(index: AppIndex): Set<Located> {
  const keys = new Set<Located>();
  const add = (from: Located, value: unknown) => {
    const key = index.referenced(from, value);
    if (key?.resource.Type === 'AWS::KMS::Key') keys.add(key);
  };
  for (const vault of [...index.ofType('AWS::Backup::BackupVault'), ...index.ofType('AWS::Backup::LogicallyAirGappedBackupVault')]) {
    add(vault, vault.resource.Properties?.EncryptionKeyArn);
  }
  for (const bucket of index.backupBuckets) {
    const rules = ((bucket.resource.Properties?.BucketEncryption ?? {}) as { ServerSideEncryptionConfiguration?: Array<{ ServerSideEncryptionByDefault?: { KMSMasterKeyID?: unknown } }> })
      .ServerSideEncryptionConfiguration ?? [];
    rules.forEach((r) => add(bucket, r.ServerSideEncryptionByDefault?.KMSMasterKeyID));
  }
  return keys;
}

/** The keys that encrypt backups survive a stack deletion and refuse deletion requests. */
export const BackupKeyUndeletable: DrRule = {
  id: 'BackupKeyUndeletable',
  title: 'The KMS key that encrypts backups is retained on stack deletion and its key policy denies kms:ScheduleKeyDeletion and kms:DisableKey.',
  explanation: 'Deleting or disabling the key makes every recovery point and dump it encrypts unreadable, however well '
    + 'they are locked: one call to kms:ScheduleKeyDeletion by an administrator of the account destroys them all after '
    + 'the waiting period.',
  types: ['AWS::KMS::Key'],
  check(at: Located, { index }: RuleContext) {
    if (!backupKeys(index).has(at)) return NOT_APPLICABLE;
    const reasons: string[] = [];
    if (at.resource.DeletionPolicy !== 'Retain' && at.resource.DeletionPolicy !== 'RetainExceptOnCreate') reasons.push('its DeletionPolicy is not Retain');
    const denies = statements(at.resource.Properties?.KeyPolicy).filter((s) => s.Effect === 'Deny');
    for (const action of ['kms:ScheduleKeyDeletion', 'kms:DisableKey']) {
      if (!denies.some((s) => coversAction(s, action))) reasons.push(`its key policy does not deny ${action}`);
    }
    return outcome(reasons);
  },
};
