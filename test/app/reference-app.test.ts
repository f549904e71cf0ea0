import * as fs from 'fs';
import * as path from 'path';
import { App, NestedStack, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AssetManifestArtifact } from 'aws-cdk-lib/cx-api';
import { ConfigError } from '../../bin/config';
import { BackupAccountStack, buildReferenceApp, MAX_BUCKET_POLICY_BYTES, WorkloadStack } from '../../bin/reference-app';
import { formatFindings, nagFindings } from '../nag';
import { decide, PolicyDocument, resolve } from '../policy-simulation';

const cdkJson = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8'));

/** The reference app exactly as `cdk synth` builds it: the cdk.json context, feature flags included. */
function referenceApp(change?: (config: any) => void): App {
  const context = JSON.parse(JSON.stringify(cdkJson.context));
  change?.(context['backup-dr']);
  const app = new App({ context });
  buildReferenceApp(app);
  return app;
}

function stack(app: App, id: string): Stack {
  return app.node.findChild(id) as Stack;
}

/** The nested stack of a database with a dump block: its jobs and alarms. */
function databaseStack(app: App, name: string): NestedStack {
  return stack(app, 'BackupDr-Workload').node.findChild(`Database-${name}`) as NestedStack;
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

  test('the workload stack deploys after both backup-account stacks', () => {
    expect(stack(app, 'BackupDr-Workload').dependencies.map((s) => s.stackName).sort())
      .toEqual(['BackupDr-Backup', 'BackupDr-BackupDrRegion']);
  });

  test('Backup Audit Manager: a framework derived from the plan, scoped to the databases, and four report plans into the Object-Locked reports bucket', () => {
    const workload = Template.fromStack(stack(app, 'BackupDr-Workload'));
    const [framework] = Object.values(workload.findResources('AWS::Backup::Framework')) as any[];
    expect(framework.Properties.FrameworkName).toBe('backup_dr_team');
    const controls = framework.Properties.FrameworkControls as Array<{ ControlName: string; ControlScope?: unknown; ControlInputParameters?: Array<{ ParameterName: string; ParameterValue: string }> }>;
    const parameters = (name: string) => Object.fromEntries((controls.find((c) => c.ControlName === name)?.ControlInputParameters ?? []).map((p) => [p.ParameterName, p.ParameterValue]));
    expect(parameters('BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK')).toEqual({ requiredFrequencyUnit: 'hours', requiredFrequencyValue: '1', requiredRetentionDays: '7' });
    expect(parameters('BACKUP_RESOURCES_PROTECTED_BY_CROSS_ACCOUNT')).toEqual({ crossAccountList: '222222222222' });
    expect(parameters('BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION')).toEqual({ crossRegionList: 'us-west-2' });
    expect(parameters('RESTORE_TIME_FOR_RESOURCES_MEET_TARGET')).toEqual({ maxRestoreTime: '120' });
    expect(controls.find((c) => c.ControlName === 'BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN')?.ControlScope).toEqual({ ComplianceResourceTypes: ['RDS'] });
    const templates = Object.values(workload.findResources('AWS::Backup::ReportPlan')).map((r: any) => r.Properties.ReportSetting.ReportTemplate).sort();
    expect(templates).toEqual(['BACKUP_JOB_REPORT', 'CONTROL_COMPLIANCE_REPORT', 'COPY_JOB_REPORT', 'RESTORE_JOB_REPORT']);
    workload.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 365 } } },
      BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) })] },
    });
  });

  test.each(STACKS)('%s has no unacknowledged finding in the five cdk-nag packs and the DR pack', (id) => {
    expect(formatFindings(nagFindings(stack(app, id), true))).toBe('');
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
              Action: Match.arrayWith(['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle']),
            }),
            Match.objectLike({
              Sid: 'AllowCopyFromSourceAccounts',
              Action: 'backup:CopyIntoBackupVault',
              Principal: { AWS: 'arn:aws:iam::111111111111:root' },
            }),
          ]),
        },
      });
      // Copies come from the named workload account only, not from every account of the organization (issue 12).
      expect(JSON.stringify(Template.fromStack(stack(app, id)).toJSON())).not.toContain('AllowCopyFromOrganization');
    }
  });

  test('dumpLockMode governance keeps the dump bucket in GOVERNANCE mode', () => {
    const governed = referenceApp((config) => {
      config.dumpLockMode = 'governance';
    });
    Template.fromStack(stack(governed, 'BackupDr-Backup')).hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'backup-dr-dumps-222222222222-us-east-1',
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 30 } } },
    });
  });

  test('backup.breakGlassRoleArn is the one exception of the vaults\', the buckets\' and their keys\' denies', () => {
    const role = 'arn:aws:iam::222222222222:role/backup-break-glass';
    const withRole = referenceApp((config) => {
      config.backup.breakGlassRoleArn = role;
    });
    for (const id of ['BackupDr-Backup', 'BackupDr-BackupDrRegion']) {
      const template = Template.fromStack(stack(withRole, id));
      template.hasResourceProperties('AWS::Backup::BackupVault', {
        AccessPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'DenyRecoveryPointDeletionAndLifecycleChange', Condition: { ArnNotEquals: { 'aws:PrincipalArn': role } } })]) },
      });
      const destructionDenies = Object.values(template.findResources('AWS::KMS::Key')).flatMap((key) => key.Properties.KeyPolicy.Statement)
        .filter((statement: any) => statement.Sid === 'DenyKeyDestruction');
      expect(destructionDenies.length).toBeGreaterThanOrEqual(2);
      for (const deny of destructionDenies) {
        expect(deny.Condition).toEqual({ ArnNotEquals: { 'aws:PrincipalArn': role } });
      }
      const deletes = Object.values(template.findResources('AWS::S3::BucketPolicy')).flatMap((policy) => policy.Properties.PolicyDocument.Statement)
        .filter((statement: any) => statement.Sid === 'DenyDeletes');
      expect(deletes.length).toBeGreaterThanOrEqual(1);
      for (const deny of deletes) {
        expect(deny.Condition).toEqual({ ArnNotEquals: { 'aws:PrincipalArn': role } });
      }
    }
  });

  test('guardrails deploys the service control policy to the management account, guarding the break-glass role', () => {
    const guarded = referenceApp((config) => {
      config.backup.breakGlassRoleArn = 'arn:aws:iam::222222222222:role/security/backup-break-glass';
      config.guardrails = { managementAccount: '999999999999', deployers: ['arn:aws:iam::222222222222:role/pipeline-deploy'] };
    });
    const management = stack(guarded, 'BackupDr-Guardrails');
    expect(management.account).toBe('999999999999');
    const template = Template.fromStack(management);
    template.hasResourceProperties('AWS::Organizations::Policy', {
      Name: 'backup-dr-guardrails',
      Type: 'SERVICE_CONTROL_POLICY',
      TargetIds: ['222222222222'],
      Content: { Statement: Match.arrayWith([
        Match.objectLike({ Sid: 'DenyBreakGlassFromInside', Resource: 'arn:aws:iam::*:role/security/backup-break-glass' }),
        Match.objectLike({ Sid: 'DenyDeployingButDeployers', Condition: { ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::222222222222:role/pipeline-deploy'] } } }),
      ]) },
    });
    expect(formatFindings(nagFindings(management, true))).toBe('');
    expect(Annotations.fromStack(stack(guarded, 'BackupDr-Backup')).findInfo('*', Match.stringLikeRegexp('no guardrails'))).toHaveLength(0);
    // The dump replica trusts the replication role by name: the SCP keeps it from being taken over or passed.
    const replicationRole = (stack(guarded, 'BackupDr-Backup') as BackupAccountStack).dumpReplication!.replicationRoleArn.split(':role/')[1];
    template.hasResourceProperties('AWS::Organizations::Policy', {
      Content: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'DenyPassingProtectedRoles', Resource: `arn:aws:iam::*:role/${replicationRole}` })]) },
    });
  });

  test('airGappedVault: a logically air-gapped vault in the backup account receives the cluster\'s copies, shared with a recovery account', () => {
    const gapped = referenceApp((config) => {
      config.databases[0].arn = 'arn:aws:rds:us-east-1:111111111111:cluster:app-prod';
      delete config.databases[0].drill; // no instance to check on a restored cluster
      config.airGappedVault = { minRetentionDays: 7, maxRetentionDays: 400, recoveryAccount: '333333333333' };
    });
    const backup = Template.fromStack(stack(gapped, 'BackupDr-Backup'));
    backup.hasResourceProperties('AWS::Backup::LogicallyAirGappedBackupVault', {
      BackupVaultName: 'backup-dr-air-gapped', MinRetentionDays: 7, MaxRetentionDays: 400,
      AccessPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowCopyFromSourceAccounts', Principal: { AWS: 'arn:aws:iam::111111111111:root' } })]) },
    });
    backup.hasResourceProperties('AWS::RAM::ResourceShare', { Principals: ['333333333333'], AllowExternalPrincipals: false });
    const [plan] = Object.values(Template.fromStack(stack(gapped, 'BackupDr-Workload')).findResources('AWS::Backup::BackupPlan'));
    const monthly = plan.Properties.BackupPlan.BackupPlanRule.find((rule: any) => rule.RuleName === 'Monthly');
    expect(monthly.CopyActions).toContainEqual({
      DestinationBackupVaultArn: 'arn:aws:backup:us-east-1:222222222222:backup-vault:backup-dr-air-gapped', Lifecycle: { DeleteAfterDays: 365 },
    });
    expect(formatFindings(nagFindings(stack(gapped, 'BackupDr-Backup'), true))).toBe('');
    expect(stack(referenceApp(), 'BackupDr-Backup').node.tryFindChild('AirGappedVault')).toBeUndefined();
  });

  test('without guardrails the backup stack says what is left open', () => {
    Annotations.fromStack(stack(referenceApp(), 'BackupDr-Backup')).hasInfo('/BackupDr-Backup', Match.stringLikeRegexp('no guardrails in the backup-dr config: an administrator of the backup account could take over'));
  });

  test('organizationId opts the vaults into copies from the whole organization (the config is the acknowledgement)', () => {
    const opted = referenceApp((config) => {
      config.organizationId = 'o-exampleorg1';
    });
    for (const id of ['BackupDr-Backup', 'BackupDr-BackupDrRegion']) {
      Template.fromStack(stack(opted, id)).hasResourceProperties('AWS::Backup::BackupVault', {
        AccessPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowCopyFromOrganization', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-exampleorg1' } } })]) },
      });
    }
  });
});

describe('reference app templates', () => {
  const app = referenceApp();

  test('the dump bucket replicates to its replica in the DR region of the backup account, with RTC and alarms', () => {
    const primary = Template.fromStack(stack(app, 'BackupDr-Backup'));
    const [bucket] = Object.values(primary.findResources('AWS::S3::Bucket', { Properties: { BucketName: 'backup-dr-dumps-222222222222-us-east-1' } }));
    expect(bucket.Properties.ReplicationConfiguration.Rules).toEqual([expect.objectContaining({
      Status: 'Enabled',
      Filter: { Prefix: 'pg-dump/' },
      DeleteMarkerReplication: { Status: 'Disabled' },
      SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
      Destination: expect.objectContaining({
        Bucket: 'arn:aws:s3:::backup-dr-dumps-222222222222-us-west-2',
        EncryptionConfiguration: { ReplicaKmsKeyID: 'arn:aws:kms:us-west-2:222222222222:alias/backup-dr-dumps-222222222222-us-west-2' },
        ReplicationTime: { Status: 'Enabled', Time: { Minutes: 15 } },
        Metrics: { Status: 'Enabled', EventThreshold: { Minutes: 15 } },
      }),
    })]);
    const alarms = Object.values(primary.findResources('AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties);
    for (const metricName of ['OperationsFailedReplication', 'ReplicationLatency']) {
      expect(alarms.filter((alarm) => JSON.stringify(alarm).includes(`"${metricName}"`) && JSON.stringify(alarm).includes('KeyAlarms'))).toHaveLength(1);
    }
    const dr = Template.fromStack(stack(app, 'BackupDr-BackupDrRegion'));
    dr.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'backup-dr-dumps-222222222222-us-west-2',
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 30 } } },
    });
    const replicaPolicy = JSON.stringify(dr.findResources('AWS::S3::BucketPolicy'));
    for (const sid of ['DenyReplicationExceptAcceptedRules', 'DenyReplicasWithOtherKey', 'DenyUnconditionalWrites', 'DenyDeletes', 'DenyBucketConfigurationChanges']) {
      expect(replicaPolicy).toContain(`"Sid":"${sid}"`);
    }
    expect(replicaPolicy).toMatch(/"Sid":"ReplicateBackupDrBackupDumpReplication[0-9A-F]{8}Objects"/);
    expect(stack(app, 'BackupDr-Backup').dependencies.map((s) => s.stackName)).toContain('BackupDr-BackupDrRegion');
  });

  test.each(['BackupDr-Backup', 'BackupDr-BackupDrRegion'])('%s: every key of the backups alarms, by email, when it is scheduled for deletion, disabled or re-policied', (id) => {
    const template = Template.fromStack(stack(app, id));
    const topics = template.findResources('AWS::SNS::Topic', { Properties: { DisplayName: 'Backup account alarms: keys scheduled for deletion, disabled or re-policied; dump replication' } });
    expect(Object.keys(topics)).toHaveLength(1);
    const [topicId] = Object.keys(topics);
    template.hasResourceProperties('AWS::SNS::Subscription', { TopicArn: { Ref: topicId }, Protocol: 'email', Endpoint: 'oncall@example.com' });
    const guardedKeys = Object.entries(template.findResources('AWS::KMS::Key'))
      .filter(([, key]) => key.Properties.KeyPolicy.Statement.some((statement: any) => statement.Sid === 'DenyKeyDestruction'))
      .map(([keyId]) => keyId);
    // The vault's key, the dump bucket's (primary region) or the dump replica's and the app-bucket replica's (DR region),
    // and the alarm topic's own.
    expect(guardedKeys).toHaveLength(id === 'BackupDr-Backup' ? 3 : 4);
    const watched = Object.values(template.findResources('AWS::Events::Rule'))
      .filter((rule) => rule.Properties.Targets?.[0]?.Arn?.Ref === topicId)
      .flatMap((rule) => rule.Properties.EventPattern.detail.resources.ARN.filter((arn: any) => arn['Fn::GetAtt']).map((arn: any) => arn['Fn::GetAtt'][0]));
    expect(watched.sort()).toEqual(guardedKeys.sort());
    // Silencing the alarm first: the topic cannot be deleted or re-policied but by CloudFormation's role.
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'DenyTopicChanges', Effect: 'Deny', Action: ['sns:AddPermission', 'sns:DeleteTopic', 'sns:RemovePermission', 'sns:SetTopicAttributes'] })]) },
    });
    // A notice that cannot be delivered waits in a dead-letter queue, whose depth alarms.
    expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'ApproximateNumberOfMessagesVisible' } })).length).toBe(guardedKeys.length);
  });

  test('the daily, weekly and monthly recovery points go to both vaults of the backup account, kept as long as their rule keeps them', () => {
    const template = Template.fromStack(stack(app, 'BackupDr-Workload'));
    const plans = Object.values(template.findResources('AWS::Backup::BackupPlan'));
    expect(plans).toHaveLength(1);
    const rules = (plans[0] as any).Properties.BackupPlan.BackupPlanRule as any[];
    const central = 'arn:aws:backup:us-east-1:222222222222:backup-vault:backup-dr-central';
    const dr = 'arn:aws:backup:us-west-2:222222222222:backup-vault:backup-dr-dr';
    const copies = (days: number) => [central, dr].map((arn) => ({ DestinationBackupVaultArn: arn, Lifecycle: { DeleteAfterDays: days } }));
    // TEAM tier (seed 001): hourly snapshots kept locally, plus daily/weekly/monthly copied to the backup account, to
    // its DR region too (one copy action each), for copyRetentionDays (35) or the rule's longer retention.
    expect(rules.map((r) => [r.RuleName, r.ScheduleExpression, r.Lifecycle, r.CopyActions])).toEqual([
      ['Hourly', 'cron(0 * * * ? *)', { DeleteAfterDays: 7 }, undefined],
      ['Daily', 'cron(0 2 * * ? *)', { DeleteAfterDays: 30 }, copies(35)],
      ['Weekly', 'cron(0 2 ? * SUN *)', { DeleteAfterDays: 90 }, copies(90)],
      ['Monthly', 'cron(0 2 1 * ? *)', { DeleteAfterDays: 365, MoveToColdStorageAfterDays: 90 }, copies(365)],
    ]);
  });

  test('synthesizes without warnings when every database names its customer-managed key', () => {
    // The messages of the nested database stacks are their parent's.
    const workload = stack(app, 'BackupDr-Workload');
    expect(Annotations.fromStack(workload).findWarning('*', Match.anyValue())).toEqual([]);
  });

  test('the configured databases are selected by ARN', () => {
    Template.fromStack(stack(app, 'BackupDr-Workload')).hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: Match.objectLike({ Resources: ['arn:aws:rds:us-east-1:111111111111:db:app-prod'] }),
    });
  });

  test('the dump bucket has Object Lock, SSE-KMS with its own key, an aws:kms PutObject deny and the seed lifecycle', () => {
    const template = Template.fromStack(stack(app, 'BackupDr-Backup'));
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'backup-dr-dumps-222222222222-us-east-1',
      ObjectLockEnabled: true,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        // COMPLIANCE, as the vaults (issue 12): not even the root user or break-glass can delete a dump before 30 days.
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 30 } },
      },
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{
          BucketKeyEnabled: true,
          ServerSideEncryptionByDefault: {
            SSEAlgorithm: 'aws:kms',
            KMSMasterKeyID: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DumpBucketKey'), 'Arn'] },
          },
        }],
      },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({
          Status: 'Enabled',
          Transitions: [
            { StorageClass: 'STANDARD_IA', TransitionInDays: 30 },
            { StorageClass: 'GLACIER', TransitionInDays: 90 },
          ],
          ExpirationInDays: 730,
          NoncurrentVersionExpiration: { NoncurrentDays: 30 },
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
        })]),
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'DenyUploadsNotSseKms',
          Effect: 'Deny',
          Action: 's3:PutObject',
          Condition: Match.objectLike({ StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } }),
        })]),
      },
    });
  });
});

describe('reference app workload monitoring and replication', () => {
  const app = referenceApp();
  const workload = () => Template.fromStack(stack(app, 'BackupDr-Workload'));
  const database = () => Template.fromStack(databaseStack(app, 'app'));

  test.each(['NumberOfBackupJobsFailed', 'NumberOfCopyJobsFailed', 'NumberOfRestoreJobsFailed'])(
    'alarms on the AWS/Backup metric %s of the local vault', (metricName) => {
      workload().hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Backup',
        MetricName: metricName,
        Dimensions: [{ Name: 'BackupVaultName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Vault'), 'BackupVaultName'] } }],
        Statistic: 'Sum',
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^AlarmsTopic') }],
      });
    });

  test('alarms when no pg_dump of a configured database succeeded in 25 hours, treating missing data as breaching', () => {
    database().hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'backup-dr-app-DumpMissing',
      Namespace: 'CdkBackupDr',
      MetricName: 'BackupSuccess',
      Dimensions: [{ Name: 'Database', Value: 'app' }],
      Period: 3600,
      EvaluationPeriods: 25,
      DatapointsToAlarm: 25,
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      TreatMissingData: 'breaching',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('AlarmsTopic') }],
    });
  });

  test('issue 13: the monthly drill of app restores its newest local recovery point, checks its tables, alarms on the TEAM RTO', () => {
    database().hasResourceProperties('AWS::Backup::RestoreTestingPlan', {
      RestoreTestingPlanName: 'backup_dr_app_drill',
      ScheduleExpression: 'cron(0 5 ? * SUN#1 *)',
      RecoveryPointSelection: Match.objectLike({ IncludeVaults: [{ Ref: Match.stringLikeRegexp('WorkloadVault.*BackupVaultArn') }] }),
    });
    database().hasResourceProperties('AWS::Backup::RestoreTestingSelection', {
      ProtectedResourceArns: ['arn:aws:rds:us-east-1:111111111111:db:app-prod'],
      RestoreMetadataOverrides: { dbSubnetGroupName: 'app-restore-drills', vpcSecurityGroupIds: '["sg-0a1b2c3d4e5f67890"]' },
      ValidationWindowHours: 1,
    });
    // The validator reaches the restores' group on the database port, from its own group in the dump's VPC.
    database().hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: 'sg-0a1b2c3d4e5f67890', FromPort: 5432, ToPort: 5432,
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DrillValidatorSecurityGroup'), 'GroupId'] },
    });
    const threshold = (name: string) => (Object.values(database().findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: name } }))[0] as any).Properties.Threshold;
    expect(threshold('backup-dr-backup_dr_app_drill-app-DrillRestoreTime')).toBe(2 * 3600); // TEAM: RTO 2 hours
    expect(threshold('backup-dr-backup_dr_app_drill-app-DrillMissing')).toBe(37 * 86400);
  });

  test('issue 13: the age of app\'s newest recovery point in the local, central and DR vaults, each against its backup or copy interval', () => {
    const age = (name: string) => (Object.values(database().findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: name } }))[0] as any).Properties;
    // TEAM: hourly snapshots, so the local vault's newest point is at most 1 + 1 hours old; the daily copies 24 + 6.
    expect(age('backup-dr-app-RecoveryPointAgeLocal')).toMatchObject({
      MetricName: 'NewestRecoveryPointAgeSeconds', Threshold: 2 * 3600, TreatMissingData: 'breaching',
      Dimensions: [{ Name: 'Database', Value: 'app' }, { Name: 'Vault', Value: 'backup-dr-local' }],
    });
    expect(age('backup-dr-app-RecoveryPointAgeCentral')).toMatchObject({ Threshold: 30 * 3600, Dimensions: [{ Name: 'Database', Value: 'app' }, { Name: 'Vault', Value: '222222222222/us-east-1/backup-dr-central' }] });
    expect(age('backup-dr-app-RecoveryPointAgeDr')).toMatchObject({ Threshold: 30 * 3600, Dimensions: [{ Name: 'Database', Value: 'app' }, { Name: 'Vault', Value: '222222222222/us-west-2/backup-dr-dr' }] });
  });

  test('the database alarms notify the workload topic through a parameter of their nested stack', () => {
    const topic = Object.keys(workload().findResources('AWS::SNS::Topic')).find((id) => id.startsWith('AlarmsTopic'))!;
    const nested = Object.values(workload().findResources('AWS::CloudFormation::Stack'));
    expect(nested).toHaveLength(1);
    const parameters = Object.entries(nested[0].Properties.Parameters as Record<string, unknown>)
      .filter(([, value]) => JSON.stringify(value) === JSON.stringify({ Ref: topic }));
    expect(parameters).toHaveLength(1);
    const alarms = Object.values(database().findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(16); // BackupAlarms' 9, the RPO lag alarm, the drill's 3, the recovery point ages in 3 vaults
    expect(alarms.filter((alarm) => alarm.Properties.MetricName === 'RecoveryPointLagSeconds')).toHaveLength(1);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: parameters[0][0] }]);
      expect(alarm.Properties.OKActions).toEqual([{ Ref: parameters[0][0] }]);
    }
  });

  test('the workload dashboard shows the state of the database alarms, by their names', () => {
    const [dashboard] = Object.values(workload().findResources('AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    for (const alarm of ['DumpFailed', 'DumpMissing', 'DumpSizeChange', 'DumpDuration', 'VerificationFailed',
      'VerificationMissing', 'VerificationStale', 'FreeStorage']) {
      expect(body).toContain(`arn:aws:cloudwatch:us-east-1:111111111111:alarm:backup-dr-app-${alarm}`);
    }
    expect(body).toContain('Database alarms');
    expect(workload().toJSON().Outputs).toBeUndefined();
  });

  test('alarms on the configured database free storage below 10 GiB', () => {
    database().hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/RDS',
      MetricName: 'FreeStorageSpace',
      Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'app-prod' }],
      Threshold: 10 * 1024 * 1024 * 1024,
      ComparisonOperator: 'LessThanThreshold',
    });
  });

  test('the app bucket replicates to the backup account DR region with replication time control', () => {
    workload().hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'backup-dr-app-uploads-111111111111',
      VersioningConfiguration: { Status: 'Enabled' },
      ReplicationConfiguration: {
        Role: Match.anyValue(),
        Rules: [Match.objectLike({
          Status: 'Enabled',
          Destination: Match.objectLike({
            Bucket: 'arn:aws:s3:::backup-dr-app-uploads-111111111111-dr',
            Account: '222222222222',
            StorageClass: 'STANDARD_IA',
            AccessControlTranslation: { Owner: 'Destination' },
            EncryptionConfiguration: {
              ReplicaKmsKeyID: 'arn:aws:kms:us-west-2:222222222222:alias/backup-dr-app-uploads-111111111111-dr',
            },
            ReplicationTime: { Status: 'Enabled', Time: { Minutes: 15 } },
            Metrics: { Status: 'Enabled', EventThreshold: { Minutes: 15 } },
          }),
          SourceSelectionCriteria: Match.objectLike({ SseKmsEncryptedObjects: { Status: 'Enabled' } }),
        })],
      },
    });
  });

  test('replication failures and latency are alarmed', () => {
    for (const metricName of ['OperationsFailedReplication', 'ReplicationLatency']) {
      workload().hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/S3',
        MetricName: metricName,
        Dimensions: Match.arrayWith([{ Name: 'SourceBucket', Value: { Ref: Match.stringLikeRegexp('^AppBucketbackupdrappuploads') } }]),
      });
    }
  });

  test('the DR-region stack holds the replica bucket, which accepts the workload replication role', () => {
    const dr = Template.fromStack(stack(app, 'BackupDr-BackupDrRegion'));
    dr.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: 'backup-dr-app-uploads-111111111111-dr',
      ObjectLockEnabled: true,
    });
    dr.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/backup-dr-app-uploads-111111111111-dr' });
    dr.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Effect: 'Allow',
          Action: Match.arrayWith(['s3:ReplicateObject']),
        })]),
      },
    });
  });
});

describe('reference app jobs', () => {
  const app = referenceApp();
  const workload = () => Template.fromStack(databaseStack(app, 'app'));
  const bucket = 'backup-dr-dumps-222222222222-us-east-1';
  const keyCondition = {
    'StringEquals': { 'kms:ViaService': 's3.us-east-1.amazonaws.com' },
    'StringLike': { 'kms:EncryptionContext:aws:s3:arn': [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/pg-dump/app/*`] },
    'ForAnyValue:StringEquals': { 'kms:ResourceAliases': `alias/${bucket}` },
  };

  function servicePolicy(job: string): unknown[] {
    const policies = Object.entries(workload().findResources('AWS::IAM::ManagedPolicy'))
      .filter(([id]) => new RegExp(`^${job}ServicePolicy[0-9A-F]{8}$`).test(id));
    expect(policies).toHaveLength(1);
    return (policies[0][1] as any).Properties.PolicyDocument.Statement.slice(1); // after the dead-letter queue
  }

  test('a pg_dump job and a verify job for the configured database, in its nested stack, running the two handlers of the job image', () => {
    // The workload stack itself runs only the RPO watch of all databases; the jobs are in the nested stacks.
    const workloadFunctions = Object.values(Template.fromStack(stack(app, 'BackupDr-Workload')).findResources('AWS::Lambda::Function'));
    expect(workloadFunctions.map((fn) => fn.Properties.ImageConfig.Command)).toEqual([['rpo-watch/index.handler']]);
    const template = workload();
    template.hasResourceProperties('AWS::Lambda::Function', {
      PackageType: 'Image',
      ImageConfig: { Command: ['pg-dump/index.handler'] },
      VpcConfig: Match.objectLike({ SubnetIds: ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'] }),
      Environment: {
        Variables: Match.objectLike({
          DUMP_DATABASE: 'app',
          DUMP_BUCKET: bucket,
          DUMP_BUCKET_OWNER: '222222222222',
          DUMP_KMS_KEY: `arn:aws:kms:us-east-1:222222222222:alias/${bucket}`,
          DUMP_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:app-prod-dump-AbCdEf',
        }),
      },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      PackageType: 'Image',
      ImageConfig: { Command: ['verify-dump/index.handler'] },
      Environment: {
        Variables: Match.objectLike({
          VERIFY_DATABASE: 'app',
          VERIFY_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:app-scratch-GhIjKl',
          VERIFY_PRODUCTION_TARGET: 'app-prod.abcdefghijkl.us-east-1.rds.amazonaws.com:5432/app',
        }),
      },
    });
    template.resourceCountIs('AWS::Lambda::Function', 3); // dump, verify, drill validator
  });

  test('both jobs share one image asset: lambda/image, PostgreSQL 17, built for x86_64', () => {
    const assembly = referenceApp().synth();
    const workloadArtifact = assembly.getStackByName('BackupDr-Workload');
    const manifest = workloadArtifact.dependencies.find((a) => a instanceof AssetManifestArtifact) as AssetManifestArtifact;
    const images = Object.values(JSON.parse(fs.readFileSync(manifest.file, 'utf8')).dockerImages) as any[];
    expect(images).toHaveLength(1);
    expect(images[0].source.dockerBuildArgs).toEqual({ PG_MAJOR: '17' });
    expect(images[0].source.platform).toBe('linux/amd64');
    expect(fs.readFileSync(path.join(assembly.directory, images[0].source.directory, 'Dockerfile'), 'utf8'))
      .toBe(fs.readFileSync(path.join(__dirname, '..', '..', 'lambda', 'image', 'Dockerfile'), 'utf8'));
  });

  test.each([
    ['Dump', 'cron(0 3 * * ? *)'],
    ['Verify', 'cron(0 4 * * ? *)'],
  ])('%s runs on %s UTC with retries and a dead-letter queue', (job, expression) => {
    workload().hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: expression,
      ScheduleExpressionTimezone: 'Etc/UTC',
      Target: {
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^${job}[0-9A-F]{8}$`), 'Arn'] },
        RoleArn: Match.anyValue(),
        RetryPolicy: { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^${job}DeadLetterQueue`), 'Arn'] } },
      },
    });
  });

  test('the dump job may only write under pg-dump/app/ of the backup bucket, with its key through S3', () => {
    expect(servicePolicy('Dump')).toEqual([
      {
        Effect: 'Allow',
        Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
        Resource: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:app-prod-dump-AbCdEf',
      },
      { Effect: 'Allow', Action: ['s3:AbortMultipartUpload', 's3:PutObject'], Resource: `arn:aws:s3:::${bucket}/pg-dump/app/*` },
      {
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: `arn:aws:s3:::${bucket}`,
        Condition: { StringLike: { 's3:prefix': ['pg-dump/app/*'] } },
      },
      {
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: 'arn:aws:kms:us-east-1:222222222222:key/*',
        Condition: keyCondition,
      },
    ]);
  });

  test('the verify job may only read under pg-dump/app/ and decrypt through S3, and read the scratch secret', () => {
    expect(servicePolicy('Verify')).toEqual([
      {
        Effect: 'Allow',
        Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
        Resource: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:app-scratch-GhIjKl',
      },
      { Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/pg-dump/app/*` },
      {
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: `arn:aws:s3:::${bucket}`,
        Condition: { StringLike: { 's3:prefix': ['pg-dump/app/*'] } },
      },
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: 'arn:aws:kms:us-east-1:222222222222:key/*', Condition: keyCondition },
    ]);
    workload().resourceCountIs('AWS::IAM::Policy', 0);
    Template.fromStack(stack(app, 'BackupDr-Workload')).resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('the job roles have the deterministic names the dump bucket policy expects', () => {
    for (const roleName of ['backup-dr-dump-app', 'backup-dr-verify-app']) {
      workload().hasResourceProperties('AWS::IAM::Role', { RoleName: roleName });
    }
  });

  test('the jobs may reach the database and the scratch server on their configured security groups', () => {
    for (const [groupId, job] of [['sg-0123456789abcdef0', 'Dump'], ['sg-0fedcba9876543210', 'Verify']]) {
      workload().hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        GroupId: groupId,
        IpProtocol: 'tcp',
        FromPort: 5432,
        ToPort: 5432,
        SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^${job}SecurityGroup`), 'GroupId'] },
      });
    }
  });

  test('the dump bucket names the workload account, and narrows it to the job roles by name', () => {
    const role = (name: string) => `arn:aws:iam::111111111111:role/${name}`;
    const bucketArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^DumpBucket[0-9A-F]{8}$'), 'Arn'] };
    const objects = { 'Fn::Join': ['', [bucketArn, '/pg-dump/*']] };
    Template.fromStack(stack(app, 'BackupDr-Backup')).hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'AllowDumpJobsToWrite', Principal: { AWS: 'arn:aws:iam::111111111111:root' } }),
          Match.objectLike({ Sid: 'AllowVerifyJobsToRead', Principal: { AWS: 'arn:aws:iam::111111111111:root' } }),
          Match.objectLike({
            Sid: 'DenyJobAccountExceptJobs',
            Resource: [bucketArn, objects],
            Condition: { StringEquals: { 'aws:PrincipalAccount': '111111111111' }, ArnNotLike: { 'aws:PrincipalArn': [role('backup-dr-dump-app'), role('backup-dr-verify-app')] } },
          }),
        ]),
      },
    });
  });

  test.each([
    ['backup-dr-dump-app', 'app', { write: true, read: false, list: true }],
    ['backup-dr-verify-app', 'app', { write: false, read: true, list: true }],
    // Named like job roles, but not those of a configured database: someone with iam:CreateRole gains nothing.
    ['backup-dr-dump-evil', 'evil', { write: false, read: false, list: false }],
    ['backup-dr-verify-evil', 'app', { write: false, read: false, list: false }],
    ['backup-dr-dump-app-copy', 'app', { write: false, read: false, list: false }],
    // A job role without its tag, or with another database's: nothing.
    ['backup-dr-dump-app', undefined, { write: false, read: false, list: false }],
    ['backup-dr-verify-app', 'other', { write: false, read: false, list: false }],
    ['Admin', undefined, { write: false, read: false, list: false }],
  ])('the dump bucket policy lets the workload role %s tagged %s: %j', async (roleName, tag, expected) => {
    const policy = dumpBucketPolicy(app);
    expect(await dumpAccess(policy, roleName, tag, tag ?? 'app')).toEqual(expected);
  });

  test('each job role is confined to its own database: a dump role cannot write, nor a verify role read, another database\'s dumps', async () => {
    const two = referenceApp((config) => manyDatabases(config, 2));
    const policy = dumpBucketPolicy(two);
    expect(await dumpAccess(policy, 'backup-dr-dump-db001', 'db001', 'db001')).toEqual({ write: true, read: false, list: true });
    expect(await dumpAccess(policy, 'backup-dr-dump-db001', 'db001', 'db002')).toEqual({ write: false, read: false, list: false });
    expect(await dumpAccess(policy, 'backup-dr-verify-db002', 'db002', 'db001')).toEqual({ write: false, read: false, list: false });
    // Retagging a role with the other database does not help: the tag must be the database in the role's name.
    expect(await dumpAccess(policy, 'backup-dr-dump-db001', 'db002', 'db002')).toEqual({ write: false, read: false, list: false });
    expect(await dumpAccess(policy, 'backup-dr-verify-db002', 'db002', 'db002')).toEqual({ write: false, read: true, list: true });
  });

  test('BackupAlarms watches the dumps and the verifications of the database', () => {
    const alarms = Object.values(workload().findResources('AWS::CloudWatch::Alarm')).map((alarm) => JSON.stringify(alarm));
    for (const metricName of ['BackupSuccess', 'BackupSizeBytes', 'BackupDurationSeconds', 'VerificationSuccess', 'VerifiedBackupAgeSeconds']) {
      expect(alarms.filter((alarm) => alarm.includes(`"MetricName":"${metricName}"`) && alarm.includes('{"Name":"Database","Value":"app"}')))
        .not.toHaveLength(0);
    }
  });

  test('a database without dump and verify blocks gets no nested stack, no job, no dump alarm, and the bucket no workload principal', () => {
    const plain = referenceApp((config) => { delete config.databases[0].dump; delete config.databases[0].verify; delete config.databases[0].drill; });
    expect((stack(plain, 'BackupDr-Workload') as WorkloadStack).databaseStacks).toEqual([]);
    const template = Template.fromStack(stack(plain, 'BackupDr-Workload'));
    template.resourceCountIs('AWS::CloudFormation::Stack', 0);
    template.resourceCountIs('AWS::Lambda::Function', 0);
    template.resourceCountIs('AWS::Scheduler::Schedule', 0);
    const alarms = JSON.stringify(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).not.toContain('"CdkBackupDr"');
    expect(alarms).toContain('"FreeStorageSpace"'); // watched by the workload stack's BackupAlarms
    const policy = JSON.stringify(Template.fromStack(stack(plain, 'BackupDr-Backup')).findResources('AWS::S3::BucketPolicy'));
    expect(policy).not.toContain('111111111111');
    expect(formatFindings(nagFindings(stack(plain, 'BackupDr-Workload'), true))).toBe('');
    expect(formatFindings(nagFindings(stack(plain, 'BackupDr-Backup'), true))).toBe('');
  });

  test('a dump without verification: no verify job, no verification alarms, reads denied to the whole workload account', async () => {
    const dumpOnly = referenceApp((config) => { delete config.databases[0].verify; });
    const template = Template.fromStack(databaseStack(dumpOnly, 'app'));
    template.resourceCountIs('AWS::Lambda::Function', 2); // dump, drill validator
    const alarms = JSON.stringify(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toContain('"BackupSuccess"');
    expect(alarms).not.toContain('"VerificationSuccess"');
    const policy = dumpBucketPolicy(dumpOnly);
    expect(await dumpAccess(policy, 'backup-dr-dump-app', 'app', 'app')).toEqual({ write: true, read: false, list: true });
    for (const roleName of ['backup-dr-verify-app', 'Admin']) {
      expect(await dumpAccess(policy, roleName, 'app', 'app')).toEqual({ write: false, read: false, list: false });
    }
    expect(formatFindings(nagFindings(stack(dumpOnly, 'BackupDr-Workload'), true))).toBe('');
  });
});

/** `count` databases named db001, db002, ..., each with the dump and verify blocks of the cdk.json one. */
function manyDatabases(config: any, count: number): void {
  const template = config.databases[0];
  config.databases = Array.from({ length: count }, (_, i) => {
    const name = `db${String(i + 1).padStart(3, '0')}`;
    return {
      ...template,
      name,
      arn: `arn:aws:rds:us-east-1:111111111111:db:${name}`,
      verify: { ...template.verify, productionTarget: `${name}.abcdefghijkl.us-east-1.rds.amazonaws.com:5432/${name}` },
    };
  });
}

interface Synthesized {
  readonly app: App;
  /** Every template of the cloud assembly, nested ones included, by file name. */
  readonly templates: Map<string, any>;
  /** The nested template of each database stack, by database name. */
  readonly databases: Map<string, any>;
}

/** The reference app with `count` databases, synthesized as `cdk synth` does: the five cdk-nag packs run and pass. */
function synthesizeWith(count: number): Synthesized {
  const app = referenceApp((config) => manyDatabases(config, count));
  const assembly = app.synth();
  const read = (file: string) => JSON.parse(fs.readFileSync(path.join(assembly.directory, file), 'utf8'));
  const templates = new Map(fs.readdirSync(assembly.directory).filter((f) => f.endsWith('.template.json')).map((f) => [f, read(f)]));
  const workload = stack(app, 'BackupDr-Workload') as WorkloadStack;
  const databases = new Map(workload.databaseStacks.map((nested) => [nested.node.id.replace(/^Database-/, ''), read(nested.templateFile)]));
  return { app, templates, databases };
}

function resourceTypes(template: any): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const resource of Object.values(template.Resources) as any[]) {
    counts[resource.Type] = (counts[resource.Type] ?? 0) + 1;
  }
  return counts;
}

/** Every string in a JSON value. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') {
    return [value];
  }
  return typeof value === 'object' && value !== null ? Object.values(value).flatMap(strings) : [];
}

// Issue 11: with ~32 resources per database in the workload stack, 15 databases broke CloudFormation's 500.
describe('reference app with many databases', () => {
  let ten: Synthesized;
  let hundred: Synthesized;
  beforeAll(() => {
    hundred = synthesizeWith(100);
    ten = synthesizeWith(10);
  });

  test('100 databases synthesize (cdk-nag packs included), a nested stack each, no template over 500 resources', () => {
    expect(hundred.databases.size).toBe(100);
    expect(hundred.templates.size).toBe(3 + 100);
    const counts = [...hundred.templates].map(([file, template]) => [file, Object.keys(template.Resources).length] as const);
    expect(counts.filter(([, resources]) => resources > 500)).toEqual([]);
    expect(Math.max(...[...hundred.databases.values()].map((t) => Object.keys(t.Resources).length))).toBeLessThan(60);
  });

  test('the workload stack grows by its nested-stack resource per database, and by under 2.5 KB', () => {
    const workload = (s: Synthesized) => s.templates.get('BackupDr-Workload.template.json');
    const before = resourceTypes(workload(ten));
    const after = resourceTypes(workload(hundred));
    const grown = Object.fromEntries(Object.keys(after).filter((type) => after[type] !== before[type])
      .map((type) => [type, after[type] - (before[type] ?? 0)]));
    // And by an RpoWatch per 40 databases (10 fit one, 100 take three): its function and what runs it.
    const watch = {
      'AWS::EC2::SecurityGroup': 1, 'AWS::IAM::ManagedPolicy': 2, 'AWS::IAM::Role': 2, 'AWS::Lambda::Function': 1,
      'AWS::Logs::LogGroup': 1, 'AWS::SQS::Queue': 1, 'AWS::SQS::QueuePolicy': 1, 'AWS::Scheduler::Schedule': 1,
    };
    expect(grown).toEqual({ 'AWS::CloudFormation::Stack': 90, ...Object.fromEntries(Object.entries(watch).map(([type, n]) => [type, 2 * n])) });
    const bytes = (s: Synthesized) => JSON.stringify(workload(s)).length;
    // Mostly the dashboard's list of the database's 12 alarms by ARN (a 1 MB template holds about 400 databases).
    expect((bytes(hundred) - bytes(ten)) / 90).toBeLessThan(2500);
  });

  test('a database\'s nested stack is the same however many databases the app has', () => {
    for (const name of ['db001', 'db010']) {
      expect(hundred.databases.get(name)).toEqual(ten.databases.get(name));
    }
  });

  test('each nested stack\'s job roles are named after its database and reach only pg-dump/<database>/ of the bucket', () => {
    for (const [name, template] of hundred.databases) {
      const roles = Object.values(template.Resources).filter((r: any) => r.Type === 'AWS::IAM::Role' && r.Properties.RoleName)
        .map((r: any) => r.Properties.RoleName).sort();
      expect(roles).toEqual([`backup-dr-dump-${name}`, `backup-dr-verify-${name}`]);
      const statements = Object.values(template.Resources).filter((r: any) => r.Type === 'AWS::IAM::ManagedPolicy')
        .flatMap((r: any) => r.Properties.PolicyDocument.Statement);
      const bucket = 'arn:aws:s3:::backup-dr-dumps-222222222222-us-east-1';
      const s3 = statements.filter((st: any) => strings(st.Resource).some((arn) => arn.startsWith(bucket)));
      expect(s3.length).toBe(4); // dump: write, list; verify: read, list
      for (const st of s3) {
        for (const arn of strings(st.Resource)) {
          expect(arn === bucket ? st.Condition : arn).toEqual(
            arn === bucket ? { StringLike: { 's3:prefix': [`pg-dump/${name}/*`] } } : `${bucket}/pg-dump/${name}/*`);
        }
      }
      // The bucket key, only through S3 for objects of that prefix.
      for (const context of strings(statements).filter((text) => text.startsWith(`${bucket}/`))) {
        expect(context).toBe(`${bucket}/pg-dump/${name}/*`);
      }
    }
  });

  test('the dump bucket policy names the 200 job roles in under 20 KB', () => {
    const backup = stack(hundred.app, 'BackupDr-Backup') as BackupAccountStack;
    expect(backup.dumpBucketPolicyBytes).toBeLessThan(MAX_BUCKET_POLICY_BYTES);
    const policy = strings(dumpBucketPolicy(hundred.app).Statement);
    expect(policy.filter((text) => /:role\/backup-dr-(dump|verify)-db\d{3}$/.test(text))).toHaveLength(200);
  });

  test('the workload dashboard shows the 1200 database alarms (9 of BackupAlarms, 3 of the drill) in 12 status widgets of 100', () => {
    const workload = hundred.templates.get('BackupDr-Workload.template.json');
    const [dashboard] = Object.values(workload.Resources).filter((r: any) => r.Type === 'AWS::CloudWatch::Dashboard') as any[];
    const body = strings(dashboard.Properties.DashboardBody).join('');
    expect(body.match(/"title":"Database alarms \d+-\d+"/g)).toEqual(
      Array.from({ length: 12 }, (_, i) => `"title":"Database alarms ${i * 100 + 1}-${i * 100 + 100}"`));
    expect(body.match(/arn:aws:cloudwatch:us-east-1:111111111111:alarm:backup-dr-db\d{3}-\w+/g)).toHaveLength(900);
    expect(body.match(/arn:aws:cloudwatch:us-east-1:111111111111:alarm:backup-dr-backup_dr_db\d{3}_drill-db\d{3}-Drill\w+/g)).toHaveLength(300);
  });

  test('cdk-nag finds nothing unacknowledged in the nested database stacks', () => {
    const workload = stack(ten.app, 'BackupDr-Workload') as WorkloadStack;
    for (const nested of workload.databaseStacks) {
      expect(formatFindings(nagFindings(nested, true))).toBe('');
    }
  });

  test('fails the synth, naming the databases and the limit, before the dump bucket policy outgrows 20 KB', () => {
    const build = () => referenceApp((config) => manyDatabases(config, 160));
    expect(build).toThrow(ConfigError);
    expect(build).toThrow(/backup-dr\.databases has 160 databases with a dump block: the dump bucket's policy, which names their job roles, would be \d+ bytes, and S3 allows 20480 bytes \(20 KB\) per bucket policy/);
  });
});

/** The dump bucket's policy, its references resolved to ARNs. */
function dumpBucketPolicy(app: App): PolicyDocument {
  const backup = stack(app, 'BackupDr-Backup');
  const template = Template.fromStack(backup);
  const [bucketId] = Object.keys(template.findResources('AWS::S3::Bucket', { Properties: { BucketName: 'backup-dr-dumps-222222222222-us-east-1' } }));
  const arns = {
    [bucketId]: 'arn:aws:s3:::backup-dr-dumps-222222222222-us-east-1',
    ...Object.fromEntries(Object.keys(template.findResources('AWS::KMS::Key')).map((id) => [id, DUMP_KEY_ARN])),
  };
  const [, policy] = Object.entries(template.findResources('AWS::S3::BucketPolicy')).find(([id]) => /^DumpBucketPolicy/.test(id))!;
  return resolve(policy.Properties.PolicyDocument, backup, arns) as PolicyDocument;
}

const DUMP_KEY_ARN = 'arn:aws:kms:us-east-1:222222222222:key/00000000-0000-0000-0000-000000000000';

/**
 * What a role of the workload account (whose own policies allow everything), tagged `cdk-backup-dr:database` = `tag`,
 * may do with the dumps of `database`: create one as the pg-dump job does, read one, list the database's folder.
 */
async function dumpAccess(policy: PolicyDocument, roleName: string, tag: string | undefined, database: string) {
  const principal = `arn:aws:iam::111111111111:role/${roleName}`;
  const tags: Record<string, string> = tag === undefined ? {} : { 'aws:PrincipalTag/cdk-backup-dr:database': tag };
  const object = `arn:aws:s3:::backup-dr-dumps-222222222222-us-east-1/pg-dump/${database}/2026-12-07T03-00-00Z.dump`;
  const request = (action: string, resource: string, context: Record<string, string>) =>
    decide(policy, { action, principal, resource, resourceAccount: '222222222222', context: { ...tags, ...context } });
  const write = await request('s3:PutObject', object, {
    's3:x-amz-server-side-encryption': 'aws:kms', 's3:x-amz-server-side-encryption-aws-kms-key-id': DUMP_KEY_ARN,
    's3:ObjectCreationOperation': 'true', 's3:if-none-match': '*',
  });
  const read = await request('s3:GetObject', object, {});
  const list = await request('s3:ListBucket', 'arn:aws:s3:::backup-dr-dumps-222222222222-us-east-1', { 's3:prefix': `pg-dump/${database}/` });
  return { write: write === 'Allowed', read: read === 'Allowed', list: list === 'Allowed' };
}
