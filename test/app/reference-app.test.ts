import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
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
              Action: Match.arrayWith(['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle']),
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

describe('reference app templates', () => {
  const app = referenceApp();

  test('every backup-plan copy action carries a lifecycle; one copy a day goes to the central vault', () => {
    const template = Template.fromStack(stack(app, 'BackupDr-Workload'));
    const plans = Object.values(template.findResources('AWS::Backup::BackupPlan'));
    expect(plans).toHaveLength(1);
    const rules = (plans[0] as any).Properties.BackupPlan.BackupPlanRule as any[];
    const central = 'arn:aws:backup:us-east-1:222222222222:backup-vault:backup-dr-central';
    // TEAM tier (seed 001): hourly snapshots kept locally, plus daily/weekly/monthly copied to the backup account.
    expect(rules.map((r) => [r.RuleName, r.ScheduleExpression, r.Lifecycle, r.CopyActions])).toEqual([
      ['Hourly', 'cron(0 * * * ? *)', { DeleteAfterDays: 7 }, undefined],
      ['Daily', 'cron(0 2 * * ? *)', { DeleteAfterDays: 30 },
        [{ DestinationBackupVaultArn: central, Lifecycle: { DeleteAfterDays: 35 } }]],
      ['Weekly', 'cron(0 2 ? * SUN *)', { DeleteAfterDays: 90 },
        [{ DestinationBackupVaultArn: central, Lifecycle: { DeleteAfterDays: 35 } }]],
      ['Monthly', 'cron(0 2 1 * ? *)', { DeleteAfterDays: 365, MoveToColdStorageAfterDays: 90 },
        [{ DestinationBackupVaultArn: central, Lifecycle: { DeleteAfterDays: 35 } }]],
    ]);
  });

  test('synthesizes without warnings when every database names its customer-managed key', () => {
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
        Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 30 } },
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
    workload().hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'CdkBackupDr',
      MetricName: 'BackupSuccess',
      Dimensions: [{ Name: 'Database', Value: 'app' }],
      Period: 3600,
      EvaluationPeriods: 25,
      DatapointsToAlarm: 25,
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      TreatMissingData: 'breaching',
    });
  });

  test('alarms on the configured database free storage below 10 GiB', () => {
    workload().hasResourceProperties('AWS::CloudWatch::Alarm', {
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
