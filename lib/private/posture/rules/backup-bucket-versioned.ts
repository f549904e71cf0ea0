import type { Located } from '../app-index';
import { isBackupBucket } from './backup-bucket';
import { DrRule, NOT_APPLICABLE, outcome, RuleContext } from './rule';

/** A bucket that holds backups keeps every version of every object. */
export const BackupBucketVersioned: DrRule = {
  id: 'BackupBucketVersioned',
  title: 'The bucket that holds backups has versioning on.',
  explanation: 'Without versioning an overwrite or a delete destroys the backup at once; replication and Object Lock '
    + 'both need it.',
  types: ['AWS::S3::Bucket'],
  check(at: Located, { index }: RuleContext) {
    if (!isBackupBucket(at, index)) return NOT_APPLICABLE;
    const status = at.r.resolve(((at.resource.Properties?.VersioningConfiguration ?? {}) as Record<string, unknown>).Status);
    return outcome(status === 'Enabled' ? [] : ['VersioningConfiguration.Status is not Enabled']);
  },
};
