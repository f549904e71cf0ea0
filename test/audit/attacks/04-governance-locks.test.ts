// Attack: governance-mode locks. A vault lock without ChangeableForDays is removed by anyone allowed
// backup:DeleteBackupVaultLockConfiguration unless the vault's policy denies it; an S3 Object Lock in GOVERNANCE mode
// yields to s3:BypassGovernanceRetention unless the bucket denies it; and a vault lock with MinRetentionDays 1 lets an
// insider shorten every recovery point's lifecycle to one day.
import { DEFAULT_RULE_OPTIONS } from '../../../lib/private/posture/rules';
import { bucketPolicy, coverageOf, DUMP_JOB, GOOD_DENIES, lockedKmsBucket, ruleOutcome, stackOf } from './helpers';

function vault(lock: Record<string, unknown>) {
  return [stackOf({ Resources: { Vault: { Type: 'AWS::Backup::BackupVault', Properties: { BackupVaultName: 'v', LockConfiguration: lock } } } })];
}

test('BackupVaultLocked: a governance-mode lock (no ChangeableForDays) and no vault policy denying its removal', () => {
  expect(ruleOutcome(vault({ MinRetentionDays: 7 }), 'BackupVaultLocked', 'Vault').status).toBe('non-compliant');
});

test('BackupVaultLocked: MinRetentionDays 1 (below the pack\'s minimum retention of 7) lets the lifecycle be cut to a day', () => {
  expect(ruleOutcome(vault({ MinRetentionDays: 1, ChangeableForDays: 3 }), 'BackupVaultLocked', 'Vault', DEFAULT_RULE_OPTIONS).status).toBe('non-compliant');
});

test('BackupBucketObjectLock: GOVERNANCE default retention and no Deny on s3:BypassGovernanceRetention', () => {
  const stacks = [stackOf({ Resources: { Dumps: lockedKmsBucket('GOVERNANCE') as never, Policy: bucketPolicy(GOOD_DENIES) as never, Job: DUMP_JOB } })];
  expect(ruleOutcome(stacks, 'BackupBucketObjectLock', 'Dumps').status).toBe('non-compliant');
});

test('coverage: a data bucket "protected" only by a GOVERNANCE Object Lock nothing keeps from being bypassed', () => {
  const bucket = lockedKmsBucket('GOVERNANCE') as { Properties: Record<string, unknown> };
  bucket.Properties.BucketName = 'acme-data';
  const c = coverageOf([stackOf({ Resources: { Data: bucket as never } })], 'Data');
  expect(c.problems).not.toEqual([]);
});
