import { Annotations, Duration } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { checkRange, isUnresolved, lifecycleAge, MAX_LIFECYCLE_DAYS, ValidationError, wholeDays } from '../private/validation';
import { CrossAccountBucketProps } from './cross-account-bucket-props';

// The lifecycle of a CrossAccountBucket: its transitions and expirations checked against S3's minimum storage
// durations and the Object Lock retention.

/** S3: objects must be stored 30 days before STANDARD_IA, and stay 30 days there (minimum storage duration). */
const IA_MINIMUM_DAYS = 30;
/** Glacier Flexible Retrieval bills a minimum storage duration of 90 days. */
const GLACIER_MINIMUM_DAYS = 90;

export interface ValidatedLifecycle {
  readonly infrequentAccessAfter?: Duration;
  readonly glacierAfter?: Duration;
  readonly expireAfter?: Duration;
  readonly noncurrentExpireAfter: Duration;
  readonly objectLockRetention: Duration;
  readonly accessLogsExpireAfter: Duration;
}

export function validateLifecycle(props: CrossAccountBucketProps, scope: IConstruct): ValidatedLifecycle {
  const infrequentAccessAfter = lifecycleAge(props.infrequentAccessAfter, Duration.days(30));
  const glacierAfter = lifecycleAge(props.glacierAfter, Duration.days(90));
  const expireAfter = lifecycleAge(props.expireAfter, Duration.days(730));
  const noncurrentExpireAfter = props.noncurrentExpireAfter ?? Duration.days(30);
  const objectLockRetention = props.objectLockRetention ?? Duration.days(30);
  const accessLogsExpireAfter = props.accessLogsExpireAfter ?? Duration.days(365);

  const days = (prop: string, d: Duration | undefined): number | undefined =>
    d === undefined || isUnresolved(d) ? undefined : wholeDays(prop, d, scope);
  const iaDays = days('infrequentAccessAfter', infrequentAccessAfter);
  const glacierDays = days('glacierAfter', glacierAfter);
  const expireDays = days('expireAfter', expireAfter);
  const noncurrentDays = days('noncurrentExpireAfter', noncurrentExpireAfter);
  const lockDays = days('objectLockRetention', objectLockRetention);
  const logDays = days('accessLogsExpireAfter', accessLogsExpireAfter);

  if (iaDays !== undefined && iaDays < IA_MINIMUM_DAYS) {
    throw new ValidationError(
      `infrequentAccessAfter is ${iaDays} days; S3 requires at least ${IA_MINIMUM_DAYS} days before STANDARD_IA ` +
        `(e.g. LifecycleAge.after(Duration.days(${IA_MINIMUM_DAYS})), or infrequentAccessAfter: LifecycleAge.NEVER)`,
      scope,
    );
  }
  if (iaDays !== undefined && glacierDays !== undefined && glacierDays < iaDays + IA_MINIMUM_DAYS) {
    throw new ValidationError(
      `glacierAfter is ${glacierDays} days; it must be at least ${IA_MINIMUM_DAYS} days later than ` +
        `infrequentAccessAfter (${iaDays} days), since objects stay ${IA_MINIMUM_DAYS} days in STANDARD_IA ` +
        `(e.g. LifecycleAge.after(Duration.days(${iaDays + IA_MINIMUM_DAYS})))`,
      scope,
    );
  }
  if (expireDays !== undefined && expireDays < 1) {
    throw new ValidationError(`expireAfter is ${expireDays} days; it must be at least 1 day (e.g. LifecycleAge.after(Duration.days(730)))`, scope);
  }
  if (expireDays !== undefined && glacierDays !== undefined && expireDays < glacierDays + GLACIER_MINIMUM_DAYS) {
    throw new ValidationError(
      `expireAfter is ${expireDays} days; it must be at least ${GLACIER_MINIMUM_DAYS} days later than glacierAfter ` +
        `(${glacierDays} days), the minimum storage duration of GLACIER ` +
        `(e.g. LifecycleAge.after(Duration.days(${glacierDays + GLACIER_MINIMUM_DAYS})), or glacierAfter: LifecycleAge.NEVER)`,
      scope,
    );
  }
  if (expireDays !== undefined && glacierAfter === undefined && iaDays !== undefined && expireDays < iaDays + IA_MINIMUM_DAYS) {
    throw new ValidationError(
      `expireAfter is ${expireDays} days; it must be at least ${IA_MINIMUM_DAYS} days later than ` +
        `infrequentAccessAfter (${iaDays} days), the minimum storage duration of STANDARD_IA ` +
        `(e.g. LifecycleAge.after(Duration.days(${iaDays + IA_MINIMUM_DAYS})), or infrequentAccessAfter: LifecycleAge.NEVER)`,
      scope,
    );
  }
  checkRange('objectLockRetention', lockDays, 1, MAX_LIFECYCLE_DAYS, 'days', scope);
  if (lockDays !== undefined && expireDays !== undefined && lockDays > expireDays) {
    throw new ValidationError(
      `objectLockRetention is ${lockDays} days but expireAfter is ${expireDays} days; the retention must not exceed ` +
        'the expiry, or lifecycle would hide dumps that are still locked and could not remove their versions ' +
        `(e.g. objectLockRetention: Duration.days(${expireDays}) or expireAfter: LifecycleAge.after(Duration.days(${lockDays})))`,
      scope,
    );
  }
  if (noncurrentDays !== undefined && noncurrentDays < 1) {
    throw new ValidationError(
      `noncurrentExpireAfter is ${noncurrentDays} days; it must be at least 1 day (e.g. Duration.days(30))`,
      scope,
    );
  }
  if (noncurrentDays !== undefined && lockDays !== undefined && noncurrentDays < lockDays) {
    // A version becomes noncurrent only by expiry (or break-glass): overwrites and replica writes are denied. Kept for
    // less than its lock, a version that someone managed to displace would go before the current ones would.
    Annotations.of(scope).addWarningV2('cdk-backup-dr:CrossAccountBucket.noncurrentShorterThanLock',
      `noncurrentExpireAfter (${noncurrentDays} days) is shorter than objectLockRetention (${lockDays} days): a version that ` +
        'becomes noncurrent is removed sooner than a current one is kept. Keep noncurrent versions at least as long ' +
        `(noncurrentExpireAfter: Duration.days(${lockDays})), or acknowledge this where data must be erased sooner (GDPR)`);
  }
  if (logDays !== undefined && logDays < 1) {
    throw new ValidationError(
      `accessLogsExpireAfter is ${logDays} days; it must be at least 1 day (e.g. Duration.days(365))`,
      scope,
    );
  }

  return { infrequentAccessAfter, glacierAfter, expireAfter, noncurrentExpireAfter, objectLockRetention, accessLogsExpireAfter };
}
