import type { Located } from '../app-index';
import { conditionValue, denyStatements, isBackupBucket } from './backup-bucket';
import { coversAction, DrRule, NOT_APPLICABLE, outcome, RuleContext, toEveryone } from './rule';

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
    const denies = denyStatements(at, index).some((s) => toEveryone(s) && coversAction(s, 's3:PutObject')
      && conditionValue(s, 'StringNotEquals', 's3:x-amz-server-side-encryption') !== undefined);
    if (!denies) reasons.push('no bucket policy statement denies s3:PutObject with an s3:x-amz-server-side-encryption other than aws:kms');
    return outcome(reasons);
  },
};
