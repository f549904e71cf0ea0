import type { Located } from '../app-index';
import { bindingBucketDenies, isBackupBucket, policyProblem } from './backup-bucket';
import { DrRule, NOT_APPLICABLE, outcome, RuleContext } from './rule';

const KMS = ['aws:kms', 'aws:kms:dsse'];

/** A bucket that holds backups encrypts with KMS by default and refuses uploads that ask for anything else. */
export const BackupBucketKmsOnly: DrRule = {
  id: 'BackupBucketKmsOnly',
  title: 'The bucket that holds backups encrypts with SSE-KMS by default, and its policy denies uploads that request another encryption.',
  explanation: 'Objects under SSE-S3 can be read by anyone with s3:GetObject; under SSE-KMS reading also needs the key, '
    + 'whose policy the backup account controls. The default applies only when the writer asks for nothing, so the '
    + 'policy must refuse a writer that asks for SSE-S3.',
  types: ['AWS::S3::Bucket'],
  check(at: Located, { index }: RuleContext) {
    if (!isBackupBucket(at, index)) return NOT_APPLICABLE;
    const reasons: string[] = [];
    const rules = ((at.resource.Properties?.BucketEncryption ?? {}) as { ServerSideEncryptionConfiguration?: Array<{ ServerSideEncryptionByDefault?: { SSEAlgorithm?: unknown } }> })
      .ServerSideEncryptionConfiguration ?? [];
    if (!rules.some((r) => KMS.includes(at.r.resolve(r.ServerSideEncryptionByDefault?.SSEAlgorithm) ?? ''))) {
      reasons.push('its default encryption is not aws:kms');
    }
    const problem = policyProblem(at, index);
    if (problem) reasons.push(problem);
    const denies = bindingBucketDenies(at, index, 's3:PutObject',
      { operator: 'StringNotEquals', key: 's3:x-amz-server-side-encryption', values: KMS },
      [{ operator: 'Null', key: 's3:x-amz-server-side-encryption', values: ['false'] }]);
    if (denies.length === 0) {
      reasons.push('no bucket policy statement denies, to everyone and on every object, s3:PutObject with an s3:x-amz-server-side-encryption other than aws:kms');
    }
    return outcome(reasons);
  },
};
