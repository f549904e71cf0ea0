// Shared helpers for the attack tests: run a DR rule or the coverage check over hand-written templates.
import { buildIndex } from '../../../lib/private/posture/app-index';
import { assessCoverage, DEFAULT_COVERAGE, StoreCoverage } from '../../../lib/private/posture/coverage';
import { DEFAULT_RULE_OPTIONS, DR_RULES, RuleOptions, RuleOutcome } from '../../../lib/private/posture/rules';
import type { Template, TemplateStack } from '../../../lib/private/posture/template';

export const ACCOUNT = '111111111111';
export const REGION = 'us-east-1';

export function stackOf(template: Template, overrides: Partial<TemplateStack> = {}): TemplateStack {
  return { stackName: 'S', account: ACCOUNT, region: REGION, template, ...overrides };
}

/** The outcome of rule `ruleId` on resource `logicalId` of the first stack named `stackName`. */
export function ruleOutcome(stacks: TemplateStack[], ruleId: string, logicalId: string, options: RuleOptions = DEFAULT_RULE_OPTIONS, stackName = 'S'): RuleOutcome {
  const index = buildIndex(stacks);
  const rule = DR_RULES.find((r) => r.id === ruleId);
  if (!rule) throw new Error(`no rule ${ruleId}`);
  const at = index.resources.find((r) => r.logicalId === logicalId && r.stack.stackName === stackName);
  if (!at) throw new Error(`no resource ${logicalId}`);
  return rule.check(at, { index, options });
}

export function coverageOf(stacks: TemplateStack[], logicalId: string): StoreCoverage {
  const found = assessCoverage(buildIndex(stacks), DEFAULT_COVERAGE).find((c) => c.at.logicalId === logicalId);
  if (!found) throw new Error(`no store ${logicalId}`);
  return found;
}

/** A dump job (recognized by its environment) writing database `shop` into bucket `Dumps` of the same stack. */
export const DUMP_JOB = {
  Type: 'AWS::Lambda::Function',
  Properties: { Environment: { Variables: { DUMP_DATABASE: 'shop', DUMP_BUCKET: { Ref: 'Dumps' }, DUMP_SECRET_ARN: { Ref: 'Secret' } } } },
};

/** A backup bucket that satisfies ObjectLock (COMPLIANCE), Versioned and the KMS default of KmsOnly. */
export function lockedKmsBucket(mode = 'COMPLIANCE'): Record<string, unknown> {
  return {
    Type: 'AWS::S3::Bucket',
    Properties: {
      BucketName: 'acme-dumps',
      VersioningConfiguration: { Status: 'Enabled' },
      ObjectLockEnabled: true,
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: mode, Days: 30 } } },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'arn:aws:kms:us-east-1:111111111111:key/abc' } }] },
    },
  };
}

export const OBJECTS = { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Dumps', 'Arn'] }, '/*']] };

/** The two Deny statements the bucket rules look for, in their correct form. */
export const GOOD_DENIES = [
  { Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:PutObject', Resource: OBJECTS, Condition: { Null: { 's3:if-none-match': 'true' } } },
  { Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:PutObject', Resource: OBJECTS, Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } } },
];

export function bucketPolicy(statements: unknown[]): Record<string, unknown> {
  return { Type: 'AWS::S3::BucketPolicy', Properties: { Bucket: { Ref: 'Dumps' }, PolicyDocument: { Version: '2012-10-17', Statement: statements } } };
}
