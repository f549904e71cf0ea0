import { Duration } from 'aws-cdk-lib';
import { isUnresolved, MAX_LIFECYCLE_DAYS, ValidationError, wholeDays } from '../private/validation';

/** How an AWS Backup Vault Lock behaves. */
export enum VaultLockMode {
  /**
   * Users with the right IAM permissions can still remove or change the lock.
   * Use it to test retention settings before committing to compliance mode.
   */
  GOVERNANCE = 'GOVERNANCE',
  /**
   * After the grace time (`changeableFor`) no one, not even the root user or AWS,
   * can delete or shorten recovery points or change the lock.
   */
  COMPLIANCE = 'COMPLIANCE',
}

/** Retention range enforced by a vault lock in governance mode. */
export interface GovernanceVaultLockOptions {
  /**
   * Every backup or copy job into the vault must retain its recovery point at least this long.
   * A whole number of days, 1 to 36500.
   */
  readonly minRetention: Duration;

  /**
   * Every backup or copy job into the vault must retain its recovery point at most this long.
   * A whole number of days, at least `minRetention`, at most 36500.
   *
   * @default - no maximum retention is enforced
   */
  readonly maxRetention?: Duration;
}

/** Retention range and grace time of a vault lock in compliance mode. */
export interface ComplianceVaultLockOptions extends GovernanceVaultLockOptions {
  /**
   * Grace time during which the lock can still be changed or removed. After it the lock is immutable.
   * AWS Backup requires at least 3 days.
   *
   * @default Duration.days(3)
   */
  readonly changeableFor?: Duration;
}

/** The shortest grace time of a compliance-mode lock, in days. */
const MIN_CHANGEABLE_FOR_DAYS = 3;

/**
 * An AWS Backup Vault Lock: the retention range every recovery point in the vault must respect.
 *
 * Create one with `VaultLock.governance({...})` or `VaultLock.compliance({...})`.
 * Governance mode can be removed by privileged users; compliance mode becomes immutable once
 * `changeableFor` has passed.
 *
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html
 */
export class VaultLock {
  /** A lock that privileged IAM users can still remove or change. */
  public static governance(options: GovernanceVaultLockOptions): VaultLock {
    return new VaultLock(VaultLockMode.GOVERNANCE, options, undefined);
  }

  /** A lock that becomes immutable after `changeableFor` (default and minimum: 3 days). */
  public static compliance(options: ComplianceVaultLockOptions): VaultLock {
    return new VaultLock(
      VaultLockMode.COMPLIANCE,
      options,
      options.changeableFor ?? Duration.days(MIN_CHANGEABLE_FOR_DAYS),
    );
  }

  /** Governance or compliance. */
  public readonly mode: VaultLockMode;

  /** Minimum retention of every recovery point in the vault. */
  public readonly minRetention: Duration;

  /**
   * Maximum retention of every recovery point in the vault.
   *
   * @default - no maximum
   */
  public readonly maxRetention?: Duration;

  /**
   * Grace time before a compliance lock becomes immutable; undefined in governance mode.
   *
   * @default - governance mode has no grace time
   */
  public readonly changeableFor?: Duration;

  private constructor(mode: VaultLockMode, options: GovernanceVaultLockOptions, changeableFor: Duration | undefined) {
    this.mode = mode;
    this.minRetention = options.minRetention;
    this.maxRetention = options.maxRetention;
    this.changeableFor = changeableFor;

    const min = this.minRetentionDays;
    if (min !== undefined && (min < 1 || min > MAX_LIFECYCLE_DAYS)) {
      throw new ValidationError(
        `VaultLock minRetention is ${min} days; AWS Backup allows 1-${MAX_LIFECYCLE_DAYS} days (e.g. Duration.days(7))`,
      );
    }
    const max = this.maxRetentionDays;
    if (max !== undefined && (max < 1 || max > MAX_LIFECYCLE_DAYS)) {
      throw new ValidationError(
        `VaultLock maxRetention is ${max} days; AWS Backup allows 1-${MAX_LIFECYCLE_DAYS} days (e.g. Duration.days(3650))`,
      );
    }
    if (min !== undefined && max !== undefined && max < min) {
      throw new ValidationError(
        `VaultLock maxRetention (${max} days) is shorter than minRetention (${min} days); ` +
          `set maxRetention to at least ${min} days or lower minRetention`,
      );
    }
    if (changeableFor !== undefined && !isUnresolved(changeableFor)) {
      const days = wholeDays('VaultLock changeableFor', changeableFor);
      if (days < MIN_CHANGEABLE_FOR_DAYS) {
        throw new ValidationError(
          `VaultLock changeableFor is ${days} days; AWS Backup requires at least ${MIN_CHANGEABLE_FOR_DAYS} days ` +
            `of grace time before a compliance lock becomes immutable (e.g. Duration.days(${MIN_CHANGEABLE_FOR_DAYS}))`,
        );
      }
    }
  }

  /** Minimum retention in whole days, or undefined when it is a token. */
  public get minRetentionDays(): number | undefined {
    return isUnresolved(this.minRetention) ? undefined : wholeDays('VaultLock minRetention', this.minRetention);
  }

  /** Maximum retention in whole days, or undefined when not set or a token. */
  public get maxRetentionDays(): number | undefined {
    if (this.maxRetention === undefined || isUnresolved(this.maxRetention)) {
      return undefined;
    }
    return wholeDays('VaultLock maxRetention', this.maxRetention);
  }

  /**
   * Explains why a recovery point kept for `retentionDays` would be rejected by this lock,
   * or returns undefined when the lock accepts it (or cannot tell because of tokens).
   */
  public checkRetention(retentionDays: number): string | undefined {
    const min = this.minRetentionDays;
    const max = this.maxRetentionDays;
    const range = `${min ?? '?'}-${max ?? MAX_LIFECYCLE_DAYS} days`;
    if (min !== undefined && retentionDays < min) {
      return `${retentionDays} days is below the vault lock minimum; the lock accepts ${range}`;
    }
    if (max !== undefined && retentionDays > max) {
      return `${retentionDays} days is above the vault lock maximum; the lock accepts ${range}`;
    }
    return undefined;
  }
}
