// Issue 12: a logically air-gapped vault (seed 001 names ransomware; lgallard/terraform-aws-backup#236, #337), an L2 over
// AWS::Backup::LogicallyAirGappedBackupVault: its retention range checked, an AWS-owned key unless given, shared with a
// recovery account through RAM, a RecoveryPlan copy target whose accepted resource types are checked at synth.
import { App, CfnParameter, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import { AirGappedVault, AirGappedVaultProps, BackupVault, RecoveryPlan, RecoverySelectionOptions, RecoveryTier } from '../../lib';
import { formatFindings, nagFindings } from '../nag';
import { decide, PolicyDocument, resolve } from '../policy-simulation';

const ACCOUNT = '222222222222';
const VAULT = `arn:aws:backup:us-east-1:${ACCOUNT}:backup-vault:air-gapped`;
const ADMIN = `arn:aws:iam::${ACCOUNT}:role/Admin`;
const BREAK_GLASS = `arn:aws:iam::${ACCOUNT}:role/break-glass`;
const CFN_ROLE = `arn:aws:iam::${ACCOUNT}:role/cdk-hnb659fds-cfn-exec-role-${ACCOUNT}-us-east-1`;

function build(props: Partial<AirGappedVaultProps> = {}): { stack: Stack; vault: AirGappedVault; template: Template } {
  const stack = new Stack(new App(), 'Backup', { env: { account: ACCOUNT, region: 'us-east-1' } });
  const vault = new AirGappedVault(stack, 'AirGapped', {
    backupVaultName: 'air-gapped', minRetention: Duration.days(7), maxRetention: Duration.days(400), ...props,
  });
  return { stack, vault, template: Template.fromStack(stack) };
}

test('a logically air-gapped vault: the retention range, an AWS-owned key, retained, no cdk-nag finding', () => {
  const { stack, template } = build();
  template.hasResource('AWS::Backup::LogicallyAirGappedBackupVault', {
    DeletionPolicy: 'Retain',
    Properties: { BackupVaultName: 'air-gapped', MinRetentionDays: 7, MaxRetentionDays: 400, EncryptionKeyArn: Match.absent() },
  });
  expect(formatFindings(nagFindings(stack))).toBe('');
});

test.each<[string, Partial<AirGappedVaultProps>, RegExp]>([
  ['less than 7 days', { minRetention: Duration.days(6) }, /minRetention is 6 days; a logically air-gapped vault keeps recovery points at least 7 days/],
  ['more than 36500 days', { maxRetention: Duration.days(36501) }, /maxRetention is 36501 days; AWS Backup allows at most 36500 days/],
  ['max below min', { minRetention: Duration.days(30), maxRetention: Duration.days(10) }, /maxRetention \(10 days\) is shorter than minRetention \(30 days\)/],
  ['part of a day', { minRetention: Duration.hours(200) }, /minRetention is 8 days 8 hours, which is not a whole number of days/],
  ['a bad name', { backupVaultName: 'air gapped' }, /backupVaultName 'air gapped' is invalid/],
  ['a bad account', { recoveryAccounts: ['3333'] }, /'3333' is invalid: an AWS account id is exactly 12 digits/],
])('a vault with %s fails the synth', (_case, props, message) => {
  expect(() => build(props)).toThrow(message);
});

test('shared with a recovery account through AWS RAM (not outside the organization), copies in from named accounts', () => {
  const { template } = build({ recoveryAccounts: ['333333333333'], copySourceAccounts: ['111111111111'] });
  template.hasResourceProperties('AWS::RAM::ResourceShare', {
    ResourceArns: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^AirGapped'), 'BackupVaultArn'] }],
    Principals: ['333333333333'],
    AllowExternalPrincipals: false,
  });
  template.hasResourceProperties('AWS::Backup::LogicallyAirGappedBackupVault', {
    AccessPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowCopyFromSourceAccounts', Action: 'backup:CopyIntoBackupVault' })]) },
  });
});

describe('its access policy', () => {
  const { stack, template } = build({ breakGlassRole: undefined });
  const withBreakGlass = (() => {
    const s = new Stack(new App(), 'Backup', { env: { account: ACCOUNT, region: 'us-east-1' } });
    new AirGappedVault(s, 'AirGapped', {
      backupVaultName: 'air-gapped', minRetention: Duration.days(7), maxRetention: Duration.days(400),
      breakGlassRole: iam.Role.fromRoleArn(s, 'BreakGlass', BREAK_GLASS),
    });
    const [vault] = Object.values(Template.fromStack(s).findResources('AWS::Backup::LogicallyAirGappedBackupVault'));
    return resolve(vault.Properties.AccessPolicy, s, {}) as PolicyDocument;
  })();
  const [vault] = Object.values(template.findResources('AWS::Backup::LogicallyAirGappedBackupVault'));
  const policy = resolve(vault.Properties.AccessPolicy, stack, {}) as PolicyDocument;
  const call = (p: PolicyDocument, action: string, principal: string) => decide(p, { action, principal, resource: VAULT, resourceAccount: ACCOUNT });

  test('an administrator cannot replace or delete it, nor delete the vault', async () => {
    for (const action of ['backup:PutBackupVaultAccessPolicy', 'backup:DeleteBackupVaultAccessPolicy', 'backup:DeleteBackupVault']) {
      expect(await call(policy, action, ADMIN)).toBe('ExplicitlyDenied');
    }
  });

  test('CloudFormation\'s role may update it, not delete it; break-glass may do both', async () => {
    expect(await call(policy, 'backup:PutBackupVaultAccessPolicy', CFN_ROLE)).toBe('Allowed');
    expect(await call(policy, 'backup:DeleteBackupVaultAccessPolicy', CFN_ROLE)).toBe('ExplicitlyDenied');
    expect(await call(withBreakGlass, 'backup:DeleteBackupVaultAccessPolicy', BREAK_GLASS)).toBe('Allowed');
    expect(await call(withBreakGlass, 'backup:PutBackupVaultAccessPolicy', BREAK_GLASS)).toBe('Allowed');
  });
});

describe('as the copy target of a RecoveryPlan', () => {
  function plan(selection: RecoverySelectionOptions, deleteAfter = Duration.days(30)): { stack: Stack; app: App } {
    const app = new App();
    const stack = new Stack(app, 'Workload', { env: { account: '111111111111', region: 'us-east-1' } });
    const airGapped = new AirGappedVault(stack, 'AirGapped', { minRetention: Duration.days(7), maxRetention: Duration.days(400), removalPolicy: RemovalPolicy.RETAIN });
    new RecoveryPlan(stack, 'Plan', {
      backupVault: new BackupVault(stack, 'Vault'),
      tier: RecoveryTier.FREE,
      selection,
      copyTo: [{ destinationBackupVault: airGapped, deleteAfter }],
    });
    return { stack, app };
  }
  const synthError = (app: App) => {
    try {
      app.synth();
    } catch (error) {
      return (error as Error).message;
    }
    return '';
  };

  test('an Aurora cluster is copied into it', () => {
    const { stack, app } = plan({ resourceArns: ['arn:aws:rds:us-east-1:111111111111:cluster:orders'] });
    expect(synthError(app)).toBe('');
    const [backupPlan] = Object.values(Template.fromStack(stack).findResources('AWS::Backup::BackupPlan'));
    expect(backupPlan.Properties.BackupPlan.BackupPlanRule[0].CopyActions).toEqual([{
      DestinationBackupVaultArn: { 'Fn::GetAtt': [expect.stringMatching(/^AirGapped/), 'BackupVaultArn'] },
      Lifecycle: { DeleteAfterDays: 30 },
    }]);
  });

  test('an RDS instance is refused at synth: the vault stores clusters, not instances', () => {
    const { app } = plan({ resourceArns: ['arn:aws:rds:us-east-1:111111111111:db:orders'] });
    expect(synthError(app)).toMatch(/protects RDS instances \(arn:aws:rds:us-east-1:111111111111:db:orders\); the vault stores Aurora, Neptune and DocumentDB clusters, not RDS instances/);
  });

  test('an RDS instance given as a BackupResource is refused too; an ARN known only at deployment is warned', () => {
    const app = new App();
    const stack = new Stack(app, 'Workload', { env: { account: '111111111111', region: 'us-east-1' } });
    const instance = new rds.CfnDBInstance(stack, 'Db', { engine: 'postgres', dbInstanceClass: 'db.t4g.micro', storageEncrypted: true });
    const airGapped = new AirGappedVault(stack, 'AirGapped', { minRetention: Duration.days(7), maxRetention: Duration.days(400) });
    const plan = new RecoveryPlan(stack, 'Plan', {
      backupVault: new BackupVault(stack, 'Vault'), tier: RecoveryTier.FREE,
      selection: { resources: [backup.BackupResource.fromConstruct(instance)] },
      copyTo: [{ destinationBackupVault: airGapped, deleteAfter: Duration.days(30) }],
    });
    expect(synthError(app)).toMatch(/protects RDS instances \(Workload\/Db\)/);

    const tokenApp = new App();
    const tokenStack = new Stack(tokenApp, 'Workload', { env: { account: '111111111111', region: 'us-east-1' } });
    const arn = new CfnParameter(tokenStack, 'DbArn').valueAsString;
    new RecoveryPlan(tokenStack, 'Plan', {
      backupVault: new BackupVault(tokenStack, 'Vault'), tier: RecoveryTier.FREE, selection: { resourceArns: [arn] },
      copyTo: [{ destinationBackupVault: new AirGappedVault(tokenStack, 'AirGapped', { minRetention: Duration.days(7), maxRetention: Duration.days(400) }), deleteAfter: Duration.days(30) }],
    });
    Annotations.fromStack(tokenStack).hasWarning('/Workload/Plan', Match.stringLikeRegexp('whose type is not known at synth time'));
    expect(plan).toBeDefined();
  });

  test('a resource type the vault does not store is refused at synth', () => {
    const { app } = plan({ resourceArns: ['arn:aws:redshift:us-east-1:111111111111:cluster:warehouse'] });
    expect(synthError(app)).toMatch(/goes to a vault that stores only ec2, s3, elasticfilesystem, rds, dynamodb, fsx, storagegateway resources \(a logically air-gapped vault\), but selection '.*' protects redshift resources/);
  });

  test('a DynamoDB table is warned: only with advanced features', () => {
    const { stack } = plan({ resourceArns: ['arn:aws:dynamodb:us-east-1:111111111111:table/orders'] });
    Annotations.fromStack(stack).hasWarning('/Workload/Plan', Match.stringLikeRegexp('protects DynamoDB tables; the vault stores them only with AWS Backup\'s advanced features'));
  });

  test('a vault of another account, by attributes, is checked the same way', () => {
    const app = new App();
    const stack = new Stack(app, 'Workload', { env: { account: '111111111111', region: 'us-east-1' } });
    const airGapped = AirGappedVault.fromAirGappedVaultAttributes(stack, 'AirGapped', { backupVaultArn: VAULT, minRetention: Duration.days(7), maxRetention: Duration.days(400) });
    expect(airGapped.acceptedServices).toContain('rds');
    new RecoveryPlan(stack, 'Plan', {
      backupVault: new BackupVault(stack, 'Vault'), tier: RecoveryTier.FREE,
      selection: { resourceArns: ['arn:aws:rds:us-east-1:111111111111:db:orders'] },
      copyTo: [{ destinationBackupVault: airGapped, deleteAfter: Duration.days(30) }],
    });
    expect(synthError(app)).toMatch(/protects RDS instances/);
  });

  test('a copy retention outside the vault\'s range is refused', () => {
    expect(() => plan({ resourceArns: ['arn:aws:rds:us-east-1:111111111111:cluster:orders'] }, Duration.days(500))).toThrow(/deleteAfter/);
  });
});
