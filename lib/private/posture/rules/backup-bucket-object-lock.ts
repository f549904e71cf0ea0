import type { Located } from '../app-index';
import { bool, num } from '../template';
import { isBackupBucket } from './backup-bucket';
import { DrRule, NOT_APPLICABLE, outcome, RuleContext } from './rule';

/** A bucket that holds backups locks every version for a default retention. */
export const BackupBucketObjectLock: DrRule = {
  id: 'BackupBucketObjectLock',
  title: 'The bucket that holds backups has Object Lock on with a default retention.',
  explanation: 'Without Object Lock anyone who may delete object versions (or change the bucket policy) can destroy '
    + 'every backup in it; a default retention locks each new version without the writer having to ask.',
  types: ['AWS::S3::Bucket'],
  check(at: Located, { index }: RuleContext) {
    if (!isBackupBucket(at, index)) return NOT_APPLICABLE;
    const p = at.resource.Properties ?? {};
    const retention = ((p.ObjectLockConfiguration ?? {}) as { Rule?: { DefaultRetention?: { Days?: unknown; Years?: unknown } } }).Rule?.DefaultRetention;
    const reasons: string[] = [];
    if (bool(p.ObjectLockEnabled) !== true) reasons.push('ObjectLockEnabled is not true');
    if (num(retention?.Days) === undefined && num(retention?.Years) === undefined) reasons.push('it sets no default retention (ObjectLockConfiguration.Rule.DefaultRetention)');
    return outcome(reasons);
  },
};
