// The DR rules, in the order the pack applies them and the report lists them.
import { BackupBucketConditionalWrites } from './backup-bucket-conditional-writes';
import { BackupBucketKmsOnly } from './backup-bucket-kms-only';
import { BackupBucketObjectLock } from './backup-bucket-object-lock';
import { BackupBucketVersioned } from './backup-bucket-versioned';
import { BackupCopyLifecycle } from './backup-copy-lifecycle';
import { BackupFailureAlarm } from './backup-failure-alarm';
import { BackupKeyUndeletable } from './backup-key-undeletable';
import { BackupPlanCrossAccountCopy } from './backup-plan-cross-account-copy';
import { BackupPlanCrossRegionCopy } from './backup-plan-cross-region-copy';
import { BackupVaultLocked } from './backup-vault-locked';
import { DatabaseBackupRetention } from './database-backup-retention';
import { DatabaseDeletionProtection } from './database-deletion-protection';
import { DynamoDBPointInTimeRecovery } from './dynamodb-point-in-time-recovery';
import { RestoreDrillValidated } from './restore-drill-validated';
import type { DrRule } from './rule';

export * from './rule';

export const DR_RULES: readonly DrRule[] = [
  DatabaseBackupRetention,
  DatabaseDeletionProtection,
  DynamoDBPointInTimeRecovery,
  BackupVaultLocked,
  BackupPlanCrossAccountCopy,
  BackupPlanCrossRegionCopy,
  BackupCopyLifecycle,
  BackupBucketObjectLock,
  BackupBucketVersioned,
  BackupBucketKmsOnly,
  BackupBucketConditionalWrites,
  BackupKeyUndeletable,
  BackupFailureAlarm,
  RestoreDrillValidated,
];
