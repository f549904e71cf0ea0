import type { Located } from '../app-index';
import { backupKeys, keyGuard } from '../keys';
import { DrRule, NOT_APPLICABLE, outcome, RuleContext } from './rule';

/** The keys that encrypt backups survive a stack deletion and refuse deletion requests. */
export const BackupKeyUndeletable: DrRule = {
  id: 'BackupKeyUndeletable',
  title: 'The KMS key that encrypts backups is retained on stack deletion and replacement, and its key policy denies '
    + 'kms:ScheduleKeyDeletion, kms:DisableKey and kms:PutKeyPolicy to everyone but named principals.',
  explanation: 'Deleting or disabling the key makes every recovery point and dump it encrypts unreadable, however well '
    + 'they are locked: one call to kms:ScheduleKeyDeletion by an administrator of the account destroys them all after '
    + 'the waiting period.',
  types: ['AWS::KMS::Key'],
  check(at: Located, { index }: RuleContext) {
    if (!backupKeys(index).has(at)) return NOT_APPLICABLE;
    const guard = keyGuard(at);
    return outcome([
      ...(guard.retained ? [] : ['its DeletionPolicy or UpdateReplacePolicy is not Retain']),
      ...guard.allowed.map((action) => `its key policy does not deny ${action} to everyone but named principals`),
    ]);
  },
};
