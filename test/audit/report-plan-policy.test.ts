// Who may write into a report bucket through the statement BackupReportPlan adds (Principal *, narrowed by an
// aws:PrincipalArn condition so it deploys before the role exists): AWS Backup's reports role of the bucket's account,
// with the owner-full-control ACL, and nobody else from outside the account, even a role of the same name elsewhere.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { BackupReportPlan, ReportTemplate } from '../../lib';
import { decide, PolicyDocument, principalContext, resolve } from '../policy-simulation';

const ACCOUNT = '111111111111';
const ROLE_PATH = 'role/aws-service-role/reports.backup.amazonaws.com/AWSServiceRoleForBackupReports';
const REPORTS_ROLE = `arn:aws:iam::${ACCOUNT}:${ROLE_PATH}`;
const OBJECT = 'arn:aws:s3:::acme-reports/backup-reports/Backup/jobs.csv';

let policy: PolicyDocument;

beforeAll(() => {
  const stack = new Stack(new App(), 'S', { env: { account: ACCOUNT, region: 'us-east-1' } });
  const bucket = new s3.Bucket(stack, 'Reports', { bucketName: 'acme-reports', enforceSSL: true });
  new BackupReportPlan(stack, 'Jobs', { bucket, template: ReportTemplate.BACKUP_JOB_REPORT, keyPrefix: 'backup-reports' });
  const template = Template.fromStack(stack);
  const bucketId = Object.keys(template.findResources('AWS::S3::Bucket'))[0];
  const [bucketPolicy] = Object.values(template.findResources('AWS::S3::BucketPolicy'));
  policy = resolve(bucketPolicy.Properties.PolicyDocument, stack, { [bucketId]: 'arn:aws:s3:::acme-reports' }) as PolicyDocument;
});

/** An identity policy that grants no write: whatever is allowed comes from the bucket policy alone. */
const NO_WRITE: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetBucketLocation', Resource: '*' }] };

const put = (principal: string, context: Record<string, string> = { 's3:x-amz-acl': 'bucket-owner-full-control' }, resource = OBJECT) => decide(policy, {
  action: 's3:PutObject', principal, resource, resourceAccount: ACCOUNT, identityPolicies: [NO_WRITE],
  context: { ...principalContext(principal), 'aws:SecureTransport': 'true', ...context },
});

test('the bucket policy alone lets AWS Backup\'s reports role of the account write a report, owned by the bucket owner', async () => {
  expect(await put(REPORTS_ROLE)).toBe('Allowed');
});

test('a role of another account, even one of the same name, or that account itself, cannot write', async () => {
  expect(await put(`arn:aws:iam::999999999999:${ROLE_PATH}`)).toBe('ImplicitlyDenied');
  expect(await put('arn:aws:iam::999999999999:role/attacker')).toBe('ImplicitlyDenied');
  expect(await put('arn:aws:iam::999999999999:root')).toBe('ImplicitlyDenied');
});

test('the reports role cannot write without the owner-full-control ACL, nor outside the prefix', async () => {
  expect(await put(REPORTS_ROLE, {})).toBe('ImplicitlyDenied');
  expect(await put(REPORTS_ROLE, undefined, 'arn:aws:s3:::acme-reports/elsewhere/x.csv')).toBe('ImplicitlyDenied');
});
