import { Duration } from 'aws-cdk-lib';
import { IBackupVault } from '../vault';

/**
 * A copy of recovery points to another vault, usually in another region and/or account.
 * The copy always has its own lifecycle: without one AWS Backup would apply the source's.
 */
export interface RecoveryCopyOptions {
  /**
   * The vault receiving the copies: a `BackupVault` of this app, or the other account's / region's vault
   * imported with `BackupVault.fromBackupVaultAttributes()` (give its `vaultLock` so the retention is checked).
   * A cross-account copy needs both accounts in one AWS Organization and a vault access policy that allows
   * `backup:CopyIntoBackupVault` from this account. RDS, Aurora, DocumentDB and Neptune snapshots may go to another
   * account and another region in one copy action (AWS Backup, November 2025) when they are encrypted with a
   * customer-managed key the destination account may use; AWS Backup re-encrypts the copy with the destination
   * vault's key.
   */
  readonly destinationBackupVault: IBackupVault;

  /**
   * How long the copies are kept in the destination vault. A whole number of days, 1-36500,
   * at least `moveToColdStorageAfter` + 90 days, and inside the destination vault's lock range when known.
   */
  readonly deleteAfter: Duration;

  /**
   * When the copies move to cold storage in the destination vault (resource types that support it).
   *
   * @default - copies never move to cold storage
   */
  readonly moveToColdStorageAfter?: Duration;

  /**
   * Names of the rules whose recovery points are copied.
   *
   * When rules start at the same time, AWS Backup runs only the one with the longest retention: name all of
   * them (e.g. `['Daily', 'Weekly', 'Monthly']`), otherwise the named rule takes no backup, and the copy gets
   * nothing, on the days a longer rule runs.
   *
   * @default - every snapshot rule of the plan (also rules added later). Continuous rules are copied only
   * when named here: AWS Backup copies a continuous backup by taking an extra snapshot on each scheduled run,
   * which duplicates the copy a snapshot rule on the same schedule already makes (ENTERPRISE has a Daily rule
   * for exactly that).
   */
  readonly ruleNames?: string[];
}
