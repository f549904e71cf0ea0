// The KMS keys that encrypt backups (of the app's vaults and backup buckets), and what keeps each from being deleted.
import type { AppIndex, Located } from './app-index';
import { coversAction, statements } from './rules/rule';

/** The actions whose denial keeps a key, and everything it encrypts, readable. */
export const KEY_DESTRUCTION_ACTIONS = ['kms:ScheduleKeyDeletion', 'kms:DisableKey'];

/** The key a value (a Ref or GetAtt of an AWS::KMS::Key) names, in the stack of `from`. */
function keyOf(index: AppIndex, from: Located, value: unknown): Located | undefined {
  const key = index.referenced(from, value);
  return key?.resource.Type === 'AWS::KMS::Key' ? key : undefined;
}

/** The key of a vault (EncryptionKeyArn), when the app defines it. */
export function vaultKey(index: AppIndex, vault: Located): Located | undefined {
  return keyOf(index, vault, vault.resource.Properties?.EncryptionKeyArn);
}

/** The default-encryption key of a bucket, when the app defines it. */
export function bucketKey(index: AppIndex, bucket: Located): Located | undefined {
  const rules = ((bucket.resource.Properties?.BucketEncryption ?? {}) as { ServerSideEncryptionConfiguration?: Array<{ ServerSideEncryptionByDefault?: { KMSMasterKeyID?: unknown } }> })
    .ServerSideEncryptionConfiguration ?? [];
  return rules.map((r) => keyOf(index, bucket, r.ServerSideEncryptionByDefault?.KMSMasterKeyID)).find((k) => k !== undefined);
}

/** The keys that encrypt backups: of the app's vaults and of its backup buckets. */
export function backupKeys(index: AppIndex): Set<Located> {
  const vaults = [...index.ofType('AWS::Backup::BackupVault'), ...index.ofType('AWS::Backup::LogicallyAirGappedBackupVault')];
  return new Set([...vaults.map((v) => vaultKey(index, v)), ...[...index.backupBuckets].map((b) => bucketKey(index, b))]
    .filter((k): k is Located => k !== undefined));
}

export interface KeyGuard {
  /** DeletionPolicy Retain: deleting the stack leaves the key. */
  readonly retained: boolean;
  /** The destruction actions the key policy does not deny. */
  readonly allowed: readonly string[];
}

/** What keeps a key from being deleted or disabled. */
export function keyGuard(key: Located): KeyGuard {
  const denies = statements(key.resource.Properties?.KeyPolicy).filter((s) => s.Effect === 'Deny');
  return {
    retained: key.resource.DeletionPolicy === 'Retain' || key.resource.DeletionPolicy === 'RetainExceptOnCreate',
    allowed: KEY_DESTRUCTION_ACTIONS.filter((action) => !denies.some((s) => coversAction(s, action))),
  };
}
