import type { Located } from '../app-index';
import { num } from '../template';
import { DrRule, outcome } from './rule';

/** Backup vaults are locked: recovery points cannot be deleted before their retention ends. */
export const BackupVaultLocked: DrRule = {
  id: 'BackupVaultLocked',
  title: 'The backup vault has a vault lock with a minimum retention.',
  explanation: 'An unlocked vault lets anyone with backup:DeleteRecoveryPoint (or who can change the vault policy) '
    + 'delete every recovery point; a lock keeps them until their retention ends, whoever asks. A logically air-gapped '
    + 'vault is locked by design.',
  types: ['AWS::Backup::BackupVault'],
  check(at: Located) {
    const lock = at.resource.Properties?.LockConfiguration as { MinRetentionDays?: unknown } | undefined;
    if (!lock) return outcome(['it has no LockConfiguration']);
    return outcome(num(lock.MinRetentionDays) !== undefined && (num(lock.MinRetentionDays) as number) >= 1 ? [] : ['its lock sets no MinRetentionDays']);
  },
};
