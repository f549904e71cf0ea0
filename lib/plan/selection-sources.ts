import { Token, Validations } from 'aws-cdk-lib';
import * as docdb from 'aws-cdk-lib/aws-docdb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import { arnService, rdsResourceType } from '../private/arns';
import { RecoverySelectionOptions } from './selections';

// What a selection protects, as far as synth can tell: its RDS sources and their keys, the entries whose resource type
// is known only at deployment; and the acknowledgements of the AWS managed policies of its role.

/** An RDS/Aurora source of a selection and whether it is known to use a customer-managed key. */
export interface RdsSource {
  readonly label: string;
  readonly customerManagedKey: boolean;
  /** An RDS instance (not an Aurora, DocumentDB or Neptune cluster), as far as synth can tell. */
  readonly instance: boolean;
}

/** RDS/Aurora/DocumentDB sources of a selection, with whether each is known to use a customer-managed key. */
export function rdsSourcesOf(options: RecoverySelectionOptions, arns: string[]): RdsSource[] {
  const sources: RdsSource[] = [];
  for (const db of options.databaseInstances ?? []) {
    const cfn = db.node.defaultChild;
    sources.push({
      label: db.node.path,
      customerManagedKey: cfn instanceof rds.CfnDBInstance && cfn.kmsKeyId !== undefined,
      instance: true,
    });
  }
  for (const cluster of options.databaseClusters ?? []) {
    const cfn = cluster.node.defaultChild;
    sources.push({
      label: cluster.node.path,
      customerManagedKey: cfn instanceof rds.CfnDBCluster && cfn.kmsKeyId !== undefined,
      instance: false,
    });
  }
  for (const cluster of options.documentDbClusters ?? []) {
    const cfn = cluster.node.defaultChild;
    sources.push({
      label: cluster.node.path,
      customerManagedKey: cfn instanceof docdb.CfnDBCluster && cfn.kmsKeyId !== undefined,
      instance: false,
    });
  }
  for (const arn of arns) {
    if (arnService(arn) === 'rds') {
      sources.push({
        label: Token.isUnresolved(arn) ? 'an RDS ARN' : arn,
        customerManagedKey: false,
        instance: !Token.isUnresolved(arn) && rdsResourceType(arn) === 'db',
      });
    }
  }
  for (const resource of options.resources ?? []) {
    for (const child of resource.construct?.node.findAll() ?? []) {
      if ((child instanceof rds.CfnDBInstance && !child.dbClusterIdentifier) || child instanceof rds.CfnDBCluster) {
        sources.push({ label: child.node.path, customerManagedKey: child.kmsKeyId !== undefined, instance: child instanceof rds.CfnDBInstance });
      }
    }
  }
  return sources;
}

/**
 * The services (as in their ARNs: `rds`, `dynamodb`, `elasticfilesystem`, `s3`, ...) of the selection's entries whose
 * type is known at synth time, each once.
 */
export function knownServicesOf(options: RecoverySelectionOptions, arns: string[]): string[] {
  const services = new Set<string>();
  if ((options.databaseInstances ?? []).length + (options.databaseClusters ?? []).length + (options.documentDbClusters ?? []).length > 0) {
    services.add('rds');
  }
  if ((options.tables ?? []).length > 0) {
    services.add('dynamodb');
  }
  if ((options.fileSystems ?? []).length > 0) {
    services.add('elasticfilesystem');
  }
  if ((options.buckets ?? []).length > 0) {
    services.add('s3');
  }
  for (const arn of arns) {
    const service = arnService(arn);
    if (service !== undefined) {
      services.add(service);
    }
  }
  return [...services];
}

/** Entries of a selection whose resource type is not known at synth time: tags, and ARNs whose service is a token. */
export function unknownSourcesOf(options: RecoverySelectionOptions, arns: string[]): string[] {
  const tags = [
    ...Object.entries(options.tags ?? {}),
    ...(options.resources ?? []).flatMap((resource) => resource.tagCondition
      ? [[resource.tagCondition.key, resource.tagCondition.value] as [string, string]]
      : []),
  ];
  return [
    ...tags.map(([key, value]) => `tag ${key}=${value}`),
    ...arns.filter((arn) => arnService(arn) === undefined).map((arn) => (Token.isUnresolved(arn) ? 'an ARN known only at deployment' : arn)),
  ];
}


/** IAM paths of AWS Backup's managed policies: the general ones are service-role policies, the S3 ones are not. */
const MANAGED_POLICY_PATHS: { [policy: string]: string } = {
  AWSBackupServiceRolePolicyForBackup: 'service-role/',
  AWSBackupServiceRolePolicyForRestores: 'service-role/',
  AWSBackupServiceRolePolicyForS3Backup: '',
  AWSBackupServiceRolePolicyForS3Restore: '',
};

/**
 * aws-cdk-lib's selection role uses AWS managed policies. They are acknowledged here, on the role, one finding
 * id per policy: these are the policies AWS publishes and maintains for the AWS Backup service role.
 */
export function acknowledgeManagedPolicies(role: iam.Role, selectionName: string, policies: string[]): void {
  const reasons: { [policy: string]: string } = {
    AWSBackupServiceRolePolicyForBackup:
      `AWS Backup assumes this role to back up the resources of selection '${selectionName}'. ` +
      'AWSBackupServiceRolePolicyForBackup is the policy AWS publishes and maintains for exactly this role: ' +
      'the snapshot, tagging and KMS permissions of every resource type AWS Backup supports, which grow as ' +
      'services are added; a hand-written copy would drift and silently break backups.',
    AWSBackupServiceRolePolicyForRestores:
      `AWS Backup assumes this role to restore the resources of selection '${selectionName}' (allowRestores). ` +
      'AWSBackupServiceRolePolicyForRestores is the AWS-maintained restore policy covering every supported ' +
      'resource type; a hand-written copy would drift and break restores when they are needed most.',
    AWSBackupServiceRolePolicyForS3Backup:
      `Selection '${selectionName}' protects S3 buckets. AWSBackupServiceRolePolicyForBackup does not cover S3; ` +
      'AWSBackupServiceRolePolicyForS3Backup is the AWS-maintained policy with the bucket, object, versioning ' +
      'and EventBridge permissions AWS Backup needs for S3 backups.',
    AWSBackupServiceRolePolicyForS3Restore:
      `Selection '${selectionName}' restores S3 buckets (allowRestores). AWSBackupServiceRolePolicyForS3Restore ` +
      'is the AWS-maintained policy with the permissions AWS Backup needs to restore S3 objects.',
  };
  Validations.of(role).acknowledge(
    ...policies.map((policy) => ({
      id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${MANAGED_POLICY_PATHS[policy]}${policy}]`,
      reason: reasons[policy],
    })),
  );
}
