// The KMS keys that encrypt backups (of the app's vaults and backup buckets), and what keeps each from being deleted.
import type { AppIndex, Located } from './app-index';
import { bindingDeny, statements } from './rules/rule';

/**
 * The actions whose denial keeps a key, and everything it encrypts, readable: deleting or disabling it, and replacing
 * its policy (which would lift the other two).
 */
export const KEY_DESTRUCTION_ACTIONS = ['kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:PutKeyPolicy'];

/**
 * The key a value names: a Ref or GetAtt of an AWS::KMS::Key (in the stack of `from`, or of another stack through its
 * export), or an alias (`alias/…` or its ARN) of an AWS::KMS::Alias of the app.
 */
function keyOf(index: AppIndex, from: Located, value: unknown): Located | undefined {
  const named = index.referenced(from, value);
  if (named?.resource.Type === 'AWS::KMS::Key') return named;
  const aliasName = /(?:^|:)(alias\/.+)$/.exec(from.r.resolve(value) ?? '')?.[1];
  const alias = named?.resource.Type === 'AWS::KMS::Alias' ? named
    : aliasName ? index.ofType('AWS::KMS::Alias').find((a) => a.r.resolve(a.resource.Properties?.AliasName) === aliasName) : undefined;
  const target = alias ? index.referenced(alias, alias.resource.Properties?.TargetKeyId) : undefined;
  return target?.resource.Type === 'AWS::KMS::Key' ? target : undefined;
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
  /** DeletionPolicy and UpdateReplacePolicy Retain: neither deleting the stack nor replacing the key deletes it. */
  readonly retained: boolean;
  /**
   * The destruction actions the key policy does not deny to everyone: a Deny counts only with `Principal: *`, on `*`,
   * and no condition but exceptions for exactly named principals (`aws:PrincipalArn`, no wildcard).
   */
  readonly allowed: readonly string[];
}

const RETAIN = ['Retain', 'RetainExceptOnCreate'];

/** What keeps a key from being deleted or disabled. */
export function keyGuard(key: Located): KeyGuard {
  const denies = statements(key.resource.Properties?.KeyPolicy);
  const resolve = (v: unknown) => key.r.resolve(v);
  return {
    retained: RETAIN.includes(key.resource.DeletionPolicy ?? '') && RETAIN.includes(key.resource.UpdateReplacePolicy ?? ''),
    allowed: KEY_DESTRUCTION_ACTIONS.filter((action) => !denies.some((s) => bindingDeny(s, action, (resources) => resources.includes('*'), [], resolve))),
  };
}
