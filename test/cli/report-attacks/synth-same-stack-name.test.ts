// Attack: at synth (construct-templates.ts) two stacks named "Workload" in two accounts must not share Ref/GetAtt
// lookups, or the BackupDrChecks pack misses prod's deletable vault key.
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { BackupDrChecks } from '../../../lib';

function workload(app: App, id: string, account: string, guarded: boolean): Stack {
  const stack = new Stack(app, id, { stackName: 'Workload', env: { account, region: 'us-east-1' } });
  const key = new kms.Key(stack, 'Key', { removalPolicy: guarded ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY });
  if (guarded) {
    key.addToResourcePolicy(new iam.PolicyStatement({
      effect: iam.Effect.DENY, principals: [new iam.AnyPrincipal()], resources: ['*'],
      actions: ['kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:PutKeyPolicy'],
    }));
  }
  new backup.BackupVault(stack, 'Vault', { backupVaultName: `${id.toLowerCase()}-vault`, encryptionKey: key });
  return stack;
}

const keyFindings = (app: App) => new BackupDrChecks().validateScope(app).violations
  .filter((v) => v.ruleName === 'BackupDR-BackupKeyUndeletable').flatMap((v) => v.violatingResources.map((r) => r.constructPath ?? ''));

test('prod\'s deletable vault key is found whether or not a staging stack of the same name is in the app', () => {
  const alone = new App();
  workload(alone, 'Prod', '111111111111', false);
  const both = new App();
  workload(both, 'Prod', '111111111111', false);
  workload(both, 'Staging', '222222222222', true);
  expect(keyFindings(alone).filter((p) => p.startsWith('Prod/'))).not.toEqual([]);
  expect(keyFindings(both).filter((p) => p.startsWith('Prod/'))).toEqual(keyFindings(alone).filter((p) => p.startsWith('Prod/')));
});
