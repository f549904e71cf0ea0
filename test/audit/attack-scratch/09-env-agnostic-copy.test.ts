// plan-copies.ts `leaves(target, here)` is true whenever the copy's account/region is a literal and `here` is
// unknown. A plan in an environment-agnostic stack that copies to arn:aws:backup:us-east-1:111111111111:… passes both
// copy rules, though deployed into 111111111111/us-east-1 the "copy" never leaves the account or the region.
import { ruleOutcome, stackOf } from './helpers';

const plan = {
  Type: 'AWS::Backup::BackupPlan',
  Properties: {
    BackupPlan: {
      BackupPlanName: 'p',
      BackupPlanRule: [{
        RuleName: 'Daily', TargetBackupVault: 'v', Lifecycle: { DeleteAfterDays: 35 },
        CopyActions: [{ DestinationBackupVaultArn: 'arn:aws:backup:us-east-1:111111111111:backup-vault:dr', Lifecycle: { DeleteAfterDays: 35 } }],
      }],
    },
  },
};

const agnostic = () => [stackOf({ Resources: { Plan: plan as never } }, { account: undefined, region: undefined })];

test('BackupPlanCrossAccountCopy: the plan\'s own account is unknown, so the copy is not known to leave it', () => {
  expect(ruleOutcome(agnostic(), 'BackupPlanCrossAccountCopy', 'Plan').status).toBe('non-compliant');
});

test('BackupPlanCrossRegionCopy: the plan\'s own region is unknown, so the copy is not known to leave it', () => {
  expect(ruleOutcome(agnostic(), 'BackupPlanCrossRegionCopy', 'Plan').status).toBe('non-compliant');
});
