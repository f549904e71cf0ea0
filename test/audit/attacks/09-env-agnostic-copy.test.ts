// Attack on the copy rules: a plan in an environment-agnostic stack that copies to arn:aws:backup:us-east-1:111111111111:…
// cannot be shown to copy out of its account or region (deployed into 111111111111/us-east-1, the "copy" stays), so
// both copy rules find it non-compliant and say why.
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
