import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildReferenceApp } from '../../bin/reference-app';
import { formatFindings, nagFindings } from '../nag';

const cdkJson = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8'));

/** The reference app exactly as `cdk synth` builds it: the cdk.json context, feature flags included. */
function referenceApp(): App {
  const app = new App({ context: cdkJson.context });
  buildReferenceApp(app);
  return app;
}

function stack(app: App, id: string): Stack {
  return app.node.findChild(id) as Stack;
}

const STACKS = ['BackupDr-Backup', 'BackupDr-BackupDrRegion', 'BackupDr-Workload'];

describe('reference app', () => {
  const app = referenceApp();

  test('builds the backup, DR-region and workload stacks in their accounts and regions', () => {
    expect(app.node.children.filter(Stack.isStack).map((s) => [s.stackName, s.account, s.region])).toEqual([
      ['BackupDr-Backup', '222222222222', 'us-east-1'],
      ['BackupDr-BackupDrRegion', '222222222222', 'us-west-2'],
      ['BackupDr-Workload', '111111111111', 'us-east-1'],
    ]);
  });

  test.each(STACKS)('%s has no unacknowledged cdk-nag findings in the five packs', (id) => {
    expect(formatFindings(nagFindings(stack(app, id)))).toBe('');
  });

  test('app synthesis runs the registered cdk-nag packs and passes', () => {
    expect(() => referenceApp().synth()).not.toThrow();
  });

  test('backup vaults carry a compliance lock with ChangeableForDays >= 3 and deny recovery-point deletion', () => {
    for (const [id, name] of [['BackupDr-Backup', 'backup-dr-central'], ['BackupDr-BackupDrRegion', 'backup-dr-dr']]) {
      Template.fromStack(stack(app, id)).hasResourceProperties('AWS::Backup::BackupVault', {
        BackupVaultName: name,
        LockConfiguration: { MinRetentionDays: 7, MaxRetentionDays: 3650, ChangeableForDays: 3 },
        AccessPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: ['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle'],
            }),
            Match.objectLike({
              Sid: 'AllowCopyFromOrganization',
              Action: 'backup:CopyIntoBackupVault',
              Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-exampleorg1' } },
            }),
          ]),
        },
      });
    }
  });
});
