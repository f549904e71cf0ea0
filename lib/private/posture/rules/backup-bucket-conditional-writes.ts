import type { Located } from '../app-index';
import { bindingBucketDenies, isBackupBucket, policyProblem } from './backup-bucket';
import { DrRule, NOT_APPLICABLE, outcome, RuleContext } from './rule';

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
    const problem = policyProblem(at, index);
    const denies = bindingBucketDenies(at, index, 's3:PutObject', { operator: 'Null', key: 's3:if-none-match', values: ['true'] },
      [{ operator: 'BoolIfExists', key: 's3:ObjectCreationOperation', values: ['true'] }]);
    return outcome([
      ...(problem ? [problem] : []),
      ...(denies.length ? [] : ['no bucket policy statement denies, to everyone and on every object, s3:PutObject when s3:if-none-match is absent (Null: true)']),
    ]);
  },
};
