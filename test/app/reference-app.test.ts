import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AssetManifestArtifact } from 'aws-cdk-lib/cx-api';
import { buildReferenceApp } from '../../bin/reference-app';
import { formatFindings, nagFindings } from '../nag';

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

describe('reference app jobs', () => {
  const app = referenceApp();
  const workload = () => Template.fromStack(stack(app, 'BackupDr-Workload'));
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

  test('a pg_dump job and a verify job for the configured database, running the two handlers of the job image', () => {
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
    template.resourceCountIs('AWS::Lambda::Function', 2);
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
    ['Dumpapp', 'cron(0 3 * * ? *)'],
    ['Verifyapp', 'cron(0 4 * * ? *)'],
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
    expect(servicePolicy('Dumpapp')).toEqual([
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
    expect(servicePolicy('Verifyapp')).toEqual([
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
  });

  test('the job roles have the deterministic names the dump bucket policy expects', () => {
    for (const roleName of ['backup-dr-dump-app', 'backup-dr-verify-app']) {
      workload().hasResourceProperties('AWS::IAM::Role', { RoleName: roleName });
    }
  });

  test('the jobs may reach the database and the scratch server on their configured security groups', () => {
    for (const [groupId, job] of [['sg-0123456789abcdef0', 'Dumpapp'], ['sg-0fedcba9876543210', 'Verifyapp']]) {
      workload().hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        GroupId: groupId,
        IpProtocol: 'tcp',
        FromPort: 5432,
        ToPort: 5432,
        SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^${job}SecurityGroup`), 'GroupId'] },
      });
    }
  });

  test('the dump bucket lets the workload account write and read, and narrows it to the job roles by name', () => {
    const roles = (names: string[]) => names.map((n) => `arn:aws:iam::111111111111:role/${n}`);
    const objects = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^DumpBucket[0-9A-F]{8}$'), 'Arn'] }, '/pg-dump/*']] };
    const deny = (sid: string, action: unknown, resource: unknown, names: string[]) => ({
      Sid: sid,
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: action,
      Resource: resource,
      Condition: { StringEquals: { 'aws:PrincipalAccount': '111111111111' }, ArnNotLike: { 'aws:PrincipalArn': roles(names) } },
    });
    Template.fromStack(stack(app, 'BackupDr-Backup')).hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'AllowExternalWriters', Principal: { AWS: 'arn:aws:iam::111111111111:root' } }),
          Match.objectLike({ Sid: 'AllowExternalReaders', Principal: { AWS: 'arn:aws:iam::111111111111:root' } }),
          deny('DenyWorkloadWritesExceptDumpJobs', ['s3:AbortMultipartUpload', 's3:PutObject'], objects, ['backup-dr-dump-app']),
          deny('DenyWorkloadReadsExceptVerifyJobs', ['s3:GetObject', 's3:GetObjectVersion'], objects, ['backup-dr-verify-app']),
          deny('DenyWorkloadListingExceptJobs', 's3:ListBucket',
            { 'Fn::GetAtt': [Match.stringLikeRegexp('^DumpBucket[0-9A-F]{8}$'), 'Arn'] }, ['backup-dr-dump-app', 'backup-dr-verify-app']),
        ]),
      },
    });
  });

  test('BackupAlarms watches the dumps and the verifications of the database', () => {
    const alarms = Object.values(workload().findResources('AWS::CloudWatch::Alarm')).map((alarm) => JSON.stringify(alarm));
    for (const metricName of ['BackupSuccess', 'BackupSizeBytes', 'BackupDurationSeconds', 'VerificationSuccess', 'VerifiedBackupAgeSeconds']) {
      expect(alarms.filter((alarm) => alarm.includes(`"MetricName":"${metricName}"`) && alarm.includes('{"Name":"Database","Value":"app"}')))
        .not.toHaveLength(0);
    }
  });

  test('a database without dump and verify blocks gets no job, no dump alarm, and the bucket no workload principal', () => {
    const plain = referenceApp((config) => { delete config.databases[0].dump; delete config.databases[0].verify; });
    const template = Template.fromStack(stack(plain, 'BackupDr-Workload'));
    template.resourceCountIs('AWS::Lambda::Function', 0);
    template.resourceCountIs('AWS::Scheduler::Schedule', 0);
    const alarms = JSON.stringify(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).not.toContain('"CdkBackupDr"');
    const policy = JSON.stringify(Template.fromStack(stack(plain, 'BackupDr-Backup')).findResources('AWS::S3::BucketPolicy'));
    expect(policy).not.toContain('111111111111');
    expect(formatFindings(nagFindings(stack(plain, 'BackupDr-Workload')))).toBe('');
    expect(formatFindings(nagFindings(stack(plain, 'BackupDr-Backup')))).toBe('');
  });

  test('a dump without verification: no verify job, no verification alarms, reads denied to the whole workload account', () => {
    const dumpOnly = referenceApp((config) => { delete config.databases[0].verify; });
    const template = Template.fromStack(stack(dumpOnly, 'BackupDr-Workload'));
    template.resourceCountIs('AWS::Lambda::Function', 1);
    const alarms = JSON.stringify(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toContain('"BackupSuccess"');
    expect(alarms).not.toContain('"VerificationSuccess"');
    Template.fromStack(stack(dumpOnly, 'BackupDr-Backup')).hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Sid: 'DenyWorkloadReadsExceptVerifyJobs',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: ['s3:GetObject', 's3:GetObjectVersion'],
          Resource: Match.anyValue(),
          Condition: { StringEquals: { 'aws:PrincipalAccount': '111111111111' } },
        }]),
      },
    });
    expect(formatFindings(nagFindings(stack(dumpOnly, 'BackupDr-Workload')))).toBe('');
  });
});
