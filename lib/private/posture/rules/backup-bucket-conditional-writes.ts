import type { Located } from '../app-index';
import { conditionValue, denyStatements, isBackupBucket } from './backup-bucket';
import { coversAction, DrRule, NOT_APPLICABLE, outcome, RuleContext, toEveryone } from './rule';

/** A bucket that holds backups accepts only writes that cannot replace an existing object. */
export const BackupBucketConditionalWrites: DrRule = {
  id: 'BackupBucketConditionalWrites',
  title: 'The bucket that holds backups denies uploads without If-None-Match (only conditional writes create objects).',
  explanation: 'A writer that may overwrite a key can bury a good backup under a newer bad version; Object Lock keeps '
    + 'the old version, but restores read the newest. Denying s3:PutObject when s3:if-none-match is absent makes every '
    + 'write create a new key or fail.',
  types: ['AWS::S3::Bucket'],
  check(at: Located, { index }: RuleContext) {
    if (!isBackupBucket(at, index)) return NOT_APPLICABLE;
    const denies = denyStatements(at, index).some((s) => toEveryone(s) && coversAction(s, 's3:PutObject')
      && String(conditionValue(s, 'Null', 's3:if-none-match')) === 'true');
    return outcome(denies ? [] : ['no bucket policy statement denies s3:PutObject when s3:if-none-match is absent (Null: true)']);
  },
};
