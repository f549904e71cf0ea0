// Sanity: the helpers build a backup bucket that all four bucket rules pass, so each attack test changes one thing.
import { bucketPolicy, DUMP_JOB, GOOD_DENIES, lockedKmsBucket, ruleOutcome, stackOf } from './helpers';

test('baseline: the correct bucket and denies are compliant', () => {
  const stacks = [stackOf({ Resources: { Dumps: lockedKmsBucket() as never, Policy: bucketPolicy(GOOD_DENIES) as never, Job: DUMP_JOB } })];
  for (const rule of ['BackupBucketObjectLock', 'BackupBucketVersioned', 'BackupBucketKmsOnly', 'BackupBucketConditionalWrites']) {
    expect(ruleOutcome(stacks, rule, 'Dumps')).toEqual({ status: 'compliant' });
  }
});
