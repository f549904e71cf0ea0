import type { Located } from '../app-index';
import { num } from '../template';
import { bindingDeny, DrRule, outcome, RuleContext, statements } from './rule';

/** The calls that remove or weaken a governance-mode lock: the vault's policy must deny them. */
const LOCK_CHANGES = ['backup:DeleteBackupVaultLockConfiguration', 'backup:PutBackupVaultLockConfiguration'];

/** Backup vaults are locked: recovery points cannot be deleted before their retention ends. */
export const BackupVaultLocked: DrRule = {
  id: 'BackupVaultLocked',
  title: 'The backup vault has a vault lock with at least the minimum retention; in governance mode (no ChangeableForDays), its '
    + 'access policy denies removing or changing the lock to everyone but named principals.',
  explanation: 'An unlocked vault lets anyone with backup:DeleteRecoveryPoint (or who can change the vault policy) '
    + 'delete every recovery point; a lock keeps them until their retention ends, whoever asks. A governance-mode lock '
    + 'is removed by anyone allowed backup:DeleteBackupVaultLockConfiguration, so the vault must deny that; a lock whose '
    + 'minimum is a day lets anyone who may change a lifecycle cut every recovery point to a day. A logically '
    + 'air-gapped vault is locked by design.',
  types: ['AWS::Backup::BackupVault'],
  check(at: Located, { options }: RuleContext) {
    const lock = at.resource.Properties?.LockConfiguration as { MinRetentionDays?: unknown; ChangeableForDays?: unknown } | undefined;
    if (!lock) return outcome(['it has no LockConfiguration']);
    const reasons: string[] = [];
    const min = num(lock.MinRetentionDays);
    if (min === undefined || min < 1) reasons.push('its lock sets no MinRetentionDays');
    else if (min < options.minimumRetentionDays) {
      reasons.push(`its lock's MinRetentionDays is ${min}, less than ${options.minimumRetentionDays}: anyone who may change a lifecycle can cut every recovery point to ${min} day(s)`);
    }
    if (num(lock.ChangeableForDays) === undefined) {
      const raw = at.resource.Properties?.AccessPolicy;
      const policy = typeof raw === 'string' ? JSON.parse(raw) as unknown : raw;
      const resolve = (v: unknown) => at.r.resolve(v);
      const vaultArn = at.r.resolve({ 'Fn::GetAtt': [at.logicalId, 'BackupVaultArn'] });
      for (const action of LOCK_CHANGES) {
        const denied = statements(policy).some((s) => bindingDeny(s, action, (resources) => resources.some((r) => r === '*' || r === vaultArn), [], resolve));
        if (!denied) reasons.push(`its lock is in governance mode (no ChangeableForDays) and its access policy does not deny ${action} to everyone but named principals`);
      }
    }
    return outcome(reasons);
  },
};
