import { App, CfnParameter, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { BackupVault, IBackupVault, VaultLock, VaultLockMode } from '../../lib';
import { formatFindings, nagFindings } from '../nag';

/** What the vault access policy denies to everyone but break-glass while the vault is retained. */
const RETAINED_DENY = [
  'backup:DeleteRecoveryPoint',
  'backup:UpdateRecoveryPointLifecycle',
  'backup:DeleteBackupVaultAccessPolicy',
  'backup:DeleteBackupVaultLockConfiguration',
  'backup:DeleteBackupVault',
];

function rootOf(account: string) {
  return { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${account}:root`]] };
}

function newStack(): Stack {
  return new Stack(new App(), 'Stack', { env: { account: '111111111111', region: 'us-east-1' } });
}

function accessPolicy(template: Template): { Statement: Array<Record<string, unknown>> } {
  const vaults = template.findResources('AWS::Backup::BackupVault');
  const [vault] = Object.values(vaults);
  return (vault as { Properties: { AccessPolicy: { Statement: Array<Record<string, unknown>> } } }).Properties.AccessPolicy;
}

describe('BackupVault', () => {
  test('defaults: CMK with rotation, retained vault, deletion denied, failure-only notifications', () => {
    const stack = newStack();
    new BackupVault(stack, 'Vault', { backupVaultName: 'central-vault' });
    const template = Template.fromStack(stack);

    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      Description: 'Encrypts the recovery points of backup vault Stack/Vault',
    });
    template.hasResource('AWS::Backup::BackupVault', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BackupVaultName: 'central-vault',
        EncryptionKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^VaultKey'), 'Arn'] },
        Notifications: {
          BackupVaultEvents: [
            'BACKUP_JOB_COMPLETED',
            'COPY_JOB_FAILED',
            'RESTORE_JOB_COMPLETED',
            'S3_BACKUP_OBJECT_FAILED',
            'S3_RESTORE_OBJECT_FAILED',
          ],
          SNSTopicArn: { Ref: Match.stringLikeRegexp('^VaultNotificationTopic') },
        },
        AccessPolicy: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'DenyRecoveryPointDeletionAndLifecycleChange',
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: RETAINED_DENY,
              Resource: '*',
            },
            {
              Sid: 'DenyAccessPolicyAndLockChanges',
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: ['backup:PutBackupVaultAccessPolicy', 'backup:PutBackupVaultLockConfiguration'],
              Resource: '*',
              // The CDK bootstrap's CloudFormation execution role, so that `cdk deploy` can still update the policy.
              Condition: { ArnNotEquals: { 'aws:PrincipalArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:role/cdk-hnb659fds-cfn-exec-role-111111111111-us-east-1']] } } },
            },
          ],
        },
      },
    });
    template.hasResourceProperties('AWS::Backup::BackupVault', { LockConfiguration: Match.absent() });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
  });

  test('notification topic is KMS-encrypted, TLS-only, and only this account\'s AWS Backup may publish', () => {
    const stack = newStack();
    new BackupVault(stack, 'Vault');
    const template = Template.fromStack(stack);

    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^VaultNotificationKey'), 'Arn'] },
    });
    const topicPolicies = Object.values(template.findResources('AWS::SNS::TopicPolicy'));
    expect(topicPolicies).toHaveLength(1);
    const topicRef = { Ref: expect.stringMatching(/^VaultNotificationTopic/) };
    expect((topicPolicies[0] as any).Properties.PolicyDocument.Statement).toEqual([
      {
        Sid: 'AllowPublishThroughSSLOnly',
        Effect: 'Deny',
        Principal: '*',
        Action: 'sns:Publish',
        Resource: topicRef,
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
      {
        Sid: 'AllowBackupToPublishFailures',
        Effect: 'Allow',
        Principal: { Service: 'backup.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: topicRef,
        Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } },
      },
    ]);

    const notificationKey = Object.values(template.findResources('AWS::KMS::Key'))
      .find((key: any) => key.Properties.Description === 'Encrypts failure notifications of backup vault Stack/Vault') as any;
    expect(notificationKey.Properties.KeyPolicy.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { AWS: rootOf('111111111111') },
        Action: 'kms:*',
        Resource: '*',
      },
      {
        Sid: 'AllowBackupToPublishEncrypted',
        Effect: 'Allow',
        Principal: { Service: 'backup.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
      },
    ]);
  });

  test('grantCopyTo lets a destination account use the vault key for AWS resources only', () => {
    const stack = newStack();
    const vault = new BackupVault(stack, 'Vault', { copyDestinationAccounts: ['222222222222'] });
    expect(vault.grantCopyTo('333333333333')).toBe(true);
    const template = Template.fromStack(stack);
    const vaultKey = Object.values(template.findResources('AWS::KMS::Key'))
      .find((key: any) => key.Properties.Description === 'Encrypts the recovery points of backup vault Stack/Vault') as any;
    const statements = (account: string) => [
      {
        Sid: `AllowCopyTo${account}`,
        Effect: 'Allow',
        Principal: { AWS: rootOf(account) },
        Action: ['kms:Decrypt', 'kms:DescribeKey'],
        Resource: '*',
      },
      {
        Sid: `AllowCopyGrantsTo${account}`,
        Effect: 'Allow',
        Principal: { AWS: rootOf(account) },
        Action: 'kms:CreateGrant',
        Resource: '*',
        Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      },
    ];
    expect(vaultKey.Properties.KeyPolicy.Statement.filter((statement: any) => statement.Effect === 'Allow')).toEqual([
      { Effect: 'Allow', Principal: { AWS: rootOf('111111111111') }, Action: 'kms:*', Resource: '*' },
      ...statements('222222222222'),
      ...statements('333333333333'),
    ]);
  });

  test('grantCopyTo on an imported key warns instead of silently doing nothing', () => {
    const stack = newStack();
    const key = kms.Key.fromKeyArn(stack, 'Imported', 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    const vault = new BackupVault(stack, 'Vault', { encryptionKey: key });
    expect(vault.grantCopyTo('222222222222')).toBe(false);
    Annotations.fromStack(stack).hasWarning('/Stack/Vault', Match.stringLikeRegexp('allow account 222222222222 kms:Decrypt and kms:DescribeKey'));
  });

  test('a vault that may be destroyed does not deny its own deletion', () => {
    const stack = newStack();
    new BackupVault(stack, 'Vault', { removalPolicy: RemovalPolicy.DESTROY });
    const [deny] = accessPolicy(Template.fromStack(stack)).Statement;
    expect(deny.Action).toEqual(RETAINED_DENY.filter((a) => a !== 'backup:DeleteBackupVault'));
  });

  test('compliance lock renders min, max and changeableFor days', () => {
    const stack = newStack();
    const vault = new BackupVault(stack, 'Vault', {
      vaultLock: VaultLock.compliance({ minRetention: Duration.days(7), maxRetention: Duration.days(3650) }),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::Backup::BackupVault', {
      LockConfiguration: { MinRetentionDays: 7, MaxRetentionDays: 3650, ChangeableForDays: 3 },
    });
    expect(vault.vaultLock?.mode).toBe(VaultLockMode.COMPLIANCE);
  });

  test('governance lock has no grace time and accepts min == max', () => {
    const stack = newStack();
    new BackupVault(stack, 'Vault', {
      vaultLock: VaultLock.governance({ minRetention: Duration.days(30), maxRetention: Duration.days(30) }),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::Backup::BackupVault', {
      LockConfiguration: { MinRetentionDays: 30, MaxRetentionDays: 30, ChangeableForDays: Match.absent() },
    });
  });

  test('break-glass role is the only exception to the deletion deny', () => {
    const stack = newStack();
    const role = iam.Role.fromRoleArn(stack, 'BreakGlass', 'arn:aws:iam::111111111111:role/break-glass');
    new BackupVault(stack, 'Vault', { breakGlassRole: role });
    const [deny] = accessPolicy(Template.fromStack(stack)).Statement;
    expect(deny).toEqual({
      Sid: 'DenyRecoveryPointDeletionAndLifecycleChange',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: RETAINED_DENY,
      Resource: '*',
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/break-glass' } },
    });
  });

  test('copy into the vault is allowed from listed accounts and an organization', () => {
    const stack = newStack();
    new BackupVault(stack, 'Vault', {
      copySourceAccounts: ['222222222222', '333333333333'],
      copySourceOrganizationId: 'o-a1b2c3d4e5',
    });
    const statements = accessPolicy(Template.fromStack(stack)).Statement;
    expect(statements).toContainEqual({
      Sid: 'AllowCopyFromSourceAccounts',
      Effect: 'Allow',
      Principal: {
        AWS: [
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::222222222222:root']] },
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::333333333333:root']] },
        ],
      },
      Action: 'backup:CopyIntoBackupVault',
      Resource: '*',
    });
    expect(statements).toContainEqual({
      Sid: 'AllowCopyFromOrganization',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: 'backup:CopyIntoBackupVault',
      Resource: '*',
      Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
    });
  });

  test('a given topic gets the source-conditioned publish statement', () => {
    const stack = newStack();
    const topic = new sns.Topic(stack, 'MyTopic', { enforceSSL: true });
    new BackupVault(stack, 'Vault', { notificationTopic: topic });
    Template.fromStack(stack).hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Sid: 'AllowBackupToPublishFailures',
          Effect: 'Allow',
          Principal: { Service: 'backup.amazonaws.com' },
          Action: 'sns:Publish',
          Resource: { Ref: Match.stringLikeRegexp('^MyTopic') },
          Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } },
        }]),
      },
    });
  });

  test('a given key and topic are used as they are', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'MyKey', { enableKeyRotation: true });
    const topic = new sns.Topic(stack, 'MyTopic', { masterKey: key, enforceSSL: true });
    const vault = new BackupVault(stack, 'Vault', { encryptionKey: key, notificationTopic: topic });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.hasResourceProperties('AWS::Backup::BackupVault', {
      EncryptionKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MyKey'), 'Arn'] },
      Notifications: Match.objectLike({ SNSTopicArn: { Ref: Match.stringLikeRegexp('^MyTopic') } }),
    });
    expect(vault.encryptionKey).toBe(key);
  });

  test('notifications can be turned off', () => {
    const stack = newStack();
    const vault = new BackupVault(stack, 'Vault', { notifications: false });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SNS::Topic', 0);
    template.hasResourceProperties('AWS::Backup::BackupVault', { Notifications: Match.absent() });
    expect(vault.notificationTopic).toBeUndefined();
  });

  test('addFailureEmail subscribes with the failure filter policy', () => {
    const stack = newStack();
    const vault = new BackupVault(stack, 'Vault');
    vault.addFailureEmail('Oncall', 'oncall@example.com');
    Template.fromStack(stack).hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
      FilterPolicy: { State: [{ 'anything-but': ['COMPLETED'] }] },
    });
  });

  test('removal policy can be overridden for vault and key', () => {
    const stack = newStack();
    new BackupVault(stack, 'Vault', { removalPolicy: RemovalPolicy.DESTROY });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::Backup::BackupVault', { DeletionPolicy: 'Delete' });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
  });

  test('job-failure metrics use the AWS/Backup namespace and the vault name', () => {
    const stack = newStack();
    const vault = new BackupVault(stack, 'Vault', { backupVaultName: 'central-vault' });
    const metrics = [vault.metricBackupJobsFailed(), vault.metricCopyJobsFailed(), vault.metricRestoreJobsFailed()];
    expect(metrics.map((m) => m.metricName)).toEqual([
      'NumberOfBackupJobsFailed',
      'NumberOfCopyJobsFailed',
      'NumberOfRestoreJobsFailed',
    ]);
    for (const metric of metrics) {
      expect(metric.namespace).toBe('AWS/Backup');
      expect(metric.statistic).toBe('Sum');
      expect(stack.resolve(metric.dimensions)).toEqual({
        BackupVaultName: { 'Fn::GetAtt': [expect.stringMatching(/^Vault/), 'BackupVaultName'] },
      });
    }
  });

  test('a referenced vault (IBackupVault) has the job-failure metrics too, in its own account and region', () => {
    const stack = newStack();
    const vault: IBackupVault = BackupVault.fromBackupVaultArn(stack, 'Central',
      'arn:aws:backup:us-west-2:222222222222:backup-vault:central');
    const metrics = [vault.metricBackupJobsFailed(), vault.metricCopyJobsFailed(), vault.metricRestoreJobsFailed()];
    expect(metrics.map((m) => [m.namespace, m.metricName, m.statistic, m.period.toSeconds(), m.dimensions])).toEqual([
      ['AWS/Backup', 'NumberOfBackupJobsFailed', 'Sum', 3600, { BackupVaultName: 'central' }],
      ['AWS/Backup', 'NumberOfCopyJobsFailed', 'Sum', 3600, { BackupVaultName: 'central' }],
      ['AWS/Backup', 'NumberOfRestoreJobsFailed', 'Sum', 3600, { BackupVaultName: 'central' }],
    ]);
    for (const metric of metrics) {
      expect([metric.account, metric.region]).toEqual(['222222222222', 'us-west-2']);
    }
    expect(vault.metric('NumberOfBackupJobsCreated', { period: Duration.days(1) }).period.toDays()).toBe(1);
  });

  test('the metrics of a vault in its stack\'s account and region name no account or region', () => {
    const stack = newStack();
    const created = new BackupVault(stack, 'Vault');
    const local = BackupVault.fromBackupVaultName(stack, 'Local', 'local-vault');
    for (const metric of [created.metricBackupJobsFailed(), local.metricBackupJobsFailed()]) {
      expect([metric.account, metric.region]).toEqual([undefined, undefined]);
    }
  });

  test('fromBackupVaultArn and fromBackupVaultAttributes reference another account', () => {
    const stack = newStack();
    const arn = 'arn:aws:backup:us-west-2:222222222222:backup-vault:central';
    const plain = BackupVault.fromBackupVaultArn(stack, 'Plain', arn);
    expect(plain.backupVaultName).toBe('central');
    expect(plain.env).toEqual({ account: '222222222222', region: 'us-west-2' });
    expect(plain.vaultLock).toBeUndefined();

    const lock = VaultLock.compliance({ minRetention: Duration.days(7), maxRetention: Duration.days(400) });
    const locked = BackupVault.fromBackupVaultAttributes(stack, 'Locked', { backupVaultArn: arn, vaultLock: lock });
    expect(locked.vaultLock).toBe(lock);
    expect(locked.backupVaultArn).toBe(arn);
  });

  test('fromBackupVaultName builds the ARN in the stack account and region', () => {
    const stack = newStack();
    const vault = BackupVault.fromBackupVaultName(stack, 'ByName', 'local-vault');
    expect(stack.resolve(vault.backupVaultArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':backup:us-east-1:111111111111:backup-vault:local-vault']],
    });
  });

  test('an imported vault ARN from a parameter is not validated', () => {
    const stack = newStack();
    const arn = new CfnParameter(stack, 'VaultArn').valueAsString;
    const vault = BackupVault.fromBackupVaultArn(stack, 'FromParam', arn);
    expect(vault.backupVaultArn).toBe(arn);
  });

  test('tokens are not validated', () => {
    const stack = newStack();
    const name = new CfnParameter(stack, 'Name').valueAsString;
    const account = new CfnParameter(stack, 'Account').valueAsString;
    const org = new CfnParameter(stack, 'Org').valueAsString;
    expect(() => new BackupVault(stack, 'Vault', {
      backupVaultName: name,
      copySourceAccounts: [account],
      copySourceOrganizationId: org,
    })).not.toThrow();
  });

  test('has no unacknowledged cdk-nag findings', () => {
    const stack = newStack();
    const vault = new BackupVault(stack, 'Vault', {
      backupVaultName: 'central-vault',
      vaultLock: VaultLock.compliance({ minRetention: Duration.days(7), maxRetention: Duration.days(3650) }),
      copySourceAccounts: ['222222222222'],
    });
    vault.addFailureEmail('Oncall', 'oncall@example.com');
    const findings = nagFindings(stack);
    expect(formatFindings(findings)).toBe('');
    expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
  });

  describe('validation', () => {
    test.each(['a', 'has space', 'x'.repeat(51), 'dots.not.allowed'])('fails when backupVaultName is %p', (name) => {
      expect(() => new BackupVault(newStack(), 'Vault', { backupVaultName: name }))
        .toThrow(/backupVaultName '.*' is invalid: vault names are 2-50 letters, digits, hyphens or underscores \(e.g. 'central-vault'\)/);
    });

    test.each(['ab', 'x'.repeat(50), 'a_b-C9'])('accepts backupVaultName %p', (name) => {
      expect(() => new BackupVault(newStack(), 'Vault', { backupVaultName: name })).not.toThrow();
    });

    test('fails when a copy destination account is not 12 digits', () => {
      expect(() => new BackupVault(newStack(), 'Vault', { copyDestinationAccounts: ['2222'] }))
        .toThrow("grantCopyTo account '2222' is invalid: an AWS account id is exactly 12 digits (e.g. '123456789012')");
    });

    test('fails when a copy source account is not 12 digits', () => {
      expect(() => new BackupVault(newStack(), 'Vault', { copySourceAccounts: ['12345'] }))
        .toThrow("copySourceAccounts '12345' is invalid: an AWS account id is exactly 12 digits (e.g. '123456789012')");
    });

    test('fails when the organization id is malformed', () => {
      expect(() => new BackupVault(newStack(), 'Vault', { copySourceOrganizationId: 'org-123' }))
        .toThrow(/copySourceOrganizationId 'org-123' is invalid/);
    });

    test('fails when a topic is given but notifications are off', () => {
      const stack = newStack();
      const topic = new sns.Topic(stack, 'Topic');
      expect(() => new BackupVault(stack, 'Vault', { notifications: false, notificationTopic: topic }))
        .toThrow(/notificationTopic is set but notifications is false/);
    });

    test('fails when adding a failure email to a vault without notifications', () => {
      const vault = new BackupVault(newStack(), 'Vault', { notifications: false });
      expect(() => vault.addFailureEmail('Oncall', 'oncall@example.com')).toThrow(/needs notifications/);
    });

    test('fails when an imported ARN is not a vault ARN', () => {
      expect(() => BackupVault.fromBackupVaultArn(newStack(), 'X', 'arn:aws:s3:::bucket'))
        .toThrow(/is not a backup vault ARN/);
    });

    test('fails when an imported vault name is invalid', () => {
      expect(() => BackupVault.fromBackupVaultName(newStack(), 'X', 'a'))
        .toThrow(/backupVaultName 'a' is invalid/);
    });
  });
});

describe('VaultLock', () => {
  test.each([
    [Duration.days(3), 3],
    [Duration.days(30), 30],
  ])('compliance changeableFor %p is %p days', (changeableFor, days) => {
    const lock = VaultLock.compliance({ minRetention: Duration.days(1), changeableFor });
    expect(lock.changeableFor?.toDays()).toBe(days);
  });

  test('governance has no grace time', () => {
    const lock = VaultLock.governance({ minRetention: Duration.days(1) });
    expect(lock.mode).toBe(VaultLockMode.GOVERNANCE);
    expect(lock.changeableFor).toBeUndefined();
  });

  test('fails when changeableFor is under 3 days', () => {
    expect(() => VaultLock.compliance({ minRetention: Duration.days(7), changeableFor: Duration.days(2) }))
      .toThrow('VaultLock changeableFor is 2 days; AWS Backup requires at least 3 days of grace time before a compliance lock becomes immutable (e.g. Duration.days(3))');
  });

  test('fails when changeableFor is not whole days', () => {
    expect(() => VaultLock.compliance({ minRetention: Duration.days(7), changeableFor: Duration.hours(80) }))
      .toThrow(/VaultLock changeableFor is 3 days 8 hours, which is not a whole number of days/);
  });

  test.each([0, 36501])('fails when minRetention is %p days', (days) => {
    expect(() => VaultLock.governance({ minRetention: Duration.days(days) }))
      .toThrow(`VaultLock minRetention is ${days} days; AWS Backup allows 1-36500 days (e.g. Duration.days(7))`);
  });

  test('fails when maxRetention is over 36500 days', () => {
    expect(() => VaultLock.governance({ minRetention: Duration.days(1), maxRetention: Duration.days(36501) }))
      .toThrow('VaultLock maxRetention is 36501 days; AWS Backup allows 1-36500 days (e.g. Duration.days(3650))');
  });

  test('fails when maxRetention is below minRetention', () => {
    expect(() => VaultLock.governance({ minRetention: Duration.days(30), maxRetention: Duration.days(7) }))
      .toThrow('VaultLock maxRetention (7 days) is shorter than minRetention (30 days); set maxRetention to at least 30 days or lower minRetention');
  });

  test.each([
    [6, 'below the vault lock minimum'],
    [7, undefined],
    [365, undefined],
    [366, 'above the vault lock maximum'],
  ])('checkRetention(%p) against 7-365 days', (days, problem) => {
    const lock = VaultLock.compliance({ minRetention: Duration.days(7), maxRetention: Duration.days(365) });
    const result = lock.checkRetention(days);
    if (problem === undefined) {
      expect(result).toBeUndefined();
    } else {
      expect(result).toBe(`${days} days is ${problem}; the lock accepts 7-365 days`);
    }
  });

  test('checkRetention without a maximum accepts up to 36500 days', () => {
    const lock = VaultLock.governance({ minRetention: Duration.days(1) });
    expect(lock.checkRetention(36500)).toBeUndefined();
    expect(lock.checkRetention(0)).toBe('0 days is below the vault lock minimum; the lock accepts 1-36500 days');
  });
});
