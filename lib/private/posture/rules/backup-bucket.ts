// What the backup-bucket rules share: they apply to the buckets that hold backups only, and they count a bucket-policy
// Deny only when it binds: to everyone, on every object of the bucket, with no condition but the one it is about (and
// exceptions for exactly named principals), in the bucket's one policy.
import type { AppIndex, Located } from '../app-index';
import { bucketArnForms, objectLockRetention } from '../stores';
import { AllowedCondition, bindingDeny, bucketPolicies, PolicyStatement, statements } from './rule';

export function isBackupBucket(at: Located, index: AppIndex): boolean {
  return index.backupBuckets.has(at);
}

/** A reason the bucket's policy cannot be judged, or undefined: a bucket has one policy, so two replace each other. */
export function policyProblem(at: Located, index: AppIndex): string | undefined {
  const policies = bucketPolicies(at, index);
  return policies.length > 1
    ? `${policies.length} AWS::S3::BucketPolicy resources name it (${policies.map((p) => p.path).join(', ')}); a bucket has one policy, and the one deployed last replaces the others`
    : undefined;
}

/** The statements of the bucket's policy. */
function policyStatements(at: Located, index: AppIndex): Array<{ statement: PolicyStatement; policy: Located }> {
  return bucketPolicies(at, index).flatMap((policy) => statements(policy.resource.Properties?.PolicyDocument).map((statement) => ({ statement, policy })));
}

/** Whether `resources` covers every object of the bucket: `*`, or the bucket's ARN followed by `/*`. */
function coversObjects(at: Located): (resources: string[]) => boolean {
  const forms = bucketArnForms(at.r, at.logicalId);
  return (resources) => resources.some((r) => r === '*' || forms.some((form) => r === `${form}/*`));
}

/**
 * The bucket-policy statements that deny `action` on every object to everyone, binding, and carry `required` (operator,
 * key and values): the condition the rule is about.
 */
export function bindingBucketDenies(at: Located, index: AppIndex, action: string, required: AllowedCondition, extra: readonly AllowedCondition[] = []): PolicyStatement[] {
  return policyStatements(at, index).filter(({ statement, policy }) => {
    const resolve = (v: unknown) => policy.r.resolve(v);
    const has = Object.entries(statement.Condition ?? {}).some(([op, block]) => op.toLowerCase() === required.operator.toLowerCase()
      && Object.keys(block ?? {}).some((k) => k.toLowerCase() === required.key.toLowerCase()));
    return has && bindingDeny(statement, action, coversObjects(at), [required, ...extra], resolve);
  }).map(({ statement }) => statement);
}

/** A bucket's Object Lock default retention: its mode and days. */
export function objectLockOf(at: Located): { mode?: string; days?: number } {
  return objectLockRetention(at.r, at.resource);
}

/** Whether the bucket's policy denies s3:BypassGovernanceRetention on every object to everyone but named principals. */
export function governanceBypassDenied(at: Located, index: AppIndex): boolean {
  return policyStatements(at, index).some(({ statement, policy }) =>
    bindingDeny(statement, 's3:BypassGovernanceRetention', coversObjects(at), [], (v) => policy.r.resolve(v)));
}
