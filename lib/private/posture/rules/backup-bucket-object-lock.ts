import type { Located } from '../app-index';
import { bool } from '../template';
import { governanceBypassDenied, isBackupBucket, objectLockOf } from './backup-bucket';
import { DrRule, NOT_APPLICABLE, outcome, RuleContext } from './rule';

/** A bucket that holds backups locks every version for a default retention. */
export const BackupBucketObjectLock: DrRule = {
  id: 'BackupBucketObjectLock',
  title: 'The bucket that holds backups has Object Lock on with a default retention of at least the minimum; in GOVERNANCE '
    + 'mode its policy denies s3:BypassGovernanceRetention to everyone but named principals.',
  explanation: 'Without Object Lock anyone who may delete object versions (or change the bucket policy) can destroy '
    + 'every backup in it; a default retention locks each new version without the writer having to ask. GOVERNANCE mode '
    + 'yields to anyone allowed s3:BypassGovernanceRetention, so the bucket must deny it.',
  types: ['AWS::S3::Bucket'],
  check(at: Located, { index, options }: RuleContext) {
    if (!isBackupBucket(at, index)) return NOT_APPLICABLE;
    const reasons: string[] = [];
    if (bool(at.resource.Properties?.ObjectLockEnabled) !== true) reasons.push('ObjectLockEnabled is not true');
    const lock = objectLockOf(at);
    if (lock.days === undefined) reasons.push('it sets no default retention (ObjectLockConfiguration.Rule.DefaultRetention)');
    else if (lock.days < options.minimumRetentionDays) reasons.push(`its default retention is ${lock.days} day(s), less than ${options.minimumRetentionDays}`);
    if (lock.mode === 'GOVERNANCE' && !governanceBypassDenied(at, index)) {
      reasons.push('its Object Lock is in GOVERNANCE mode and its policy does not deny s3:BypassGovernanceRetention to everyone but named principals');
    }
    return outcome(reasons);
  },
};

