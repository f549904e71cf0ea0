import { Annotations, ArnFormat, Names, Resource, Stack, Token } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import { viaService } from '../private/kms';
import { ACCOUNT_ID_PATTERN, checkPattern, differs, REGION_PATTERN, ValidationError } from '../private/validation';
import { AUDIT_NAME_PATTERN, AUDIT_NAME_RULE, checkDescription, defaultName } from './audit-controls';
import { BackupAuditFramework } from './backup-audit-framework';

/** The file formats of a report. */
export enum ReportFormat {
  /** Comma-separated values. */
  CSV = 'CSV',
  /** JSON. */
  JSON = 'JSON',
}

/** What a report plan reports on. */
export enum ReportTemplate {
  /** The compliance of each resource with the controls of `frameworks`. */
  RESOURCE_COMPLIANCE_REPORT = 'RESOURCE_COMPLIANCE_REPORT',
  /** The compliance of each control of `frameworks`. */
  CONTROL_COMPLIANCE_REPORT = 'CONTROL_COMPLIANCE_REPORT',
  /** The backup jobs of the last 24 hours. */
  BACKUP_JOB_REPORT = 'BACKUP_JOB_REPORT',
  /** The copy jobs of the last 24 hours. */
  COPY_JOB_REPORT = 'COPY_JOB_REPORT',
  /** The restore jobs of the last 24 hours. */
  RESTORE_JOB_REPORT = 'RESTORE_JOB_REPORT',
  /** The malware scan jobs of the last 24 hours. */
  SCAN_JOB_REPORT = 'SCAN_JOB_REPORT',
}

/** Props of a BackupReportPlan. */
export interface BackupReportPlanProps {
  /**
   * Name of the report plan: a letter, then letters, digits or underscores, 256 characters at most.
   *
   * @default - a unique name derived from the construct path
   */
  readonly reportPlanName?: string;

  /**
   * Description of the report plan, 1-1024 characters.
   *
   * @default - no description
   */
  readonly description?: string;

  /**
   * The bucket the reports are written to. It must be in the report plan's account and region. Its policy gets a
   * statement that lets AWS Backup's reports role (`AWSServiceRoleForBackupReports`) put objects under `keyPrefix`,
   * and its key (when it has a customer-managed one) a statement that lets that role encrypt through S3. For an
   * imported bucket a warning shows the statement to add yourself.
   */
  readonly bucket: s3.IBucket;

  /**
   * Where in the bucket the reports go: AWS Backup writes `<keyPrefix>/Backup/<region>/<year>/<month>/<day>/<report>`.
   * Neither starting nor ending with '/'.
   *
   * @default - no prefix
   */
  readonly keyPrefix?: string;

  /**
   * File formats of the reports.
   *
   * @default [ReportFormat.CSV]
   */
  readonly formats?: ReportFormat[];

  /** What the plan reports on. */
  readonly template: ReportTemplate;

  /**
   * The frameworks a compliance report covers: required for `RESOURCE_COMPLIANCE_REPORT` and
   * `CONTROL_COMPLIANCE_REPORT`, not allowed for the job reports.
   *
   * @default - none (job reports)
   */
  readonly frameworks?: BackupAuditFramework[];

  /**
   * Accounts of the organization to report on (a report plan of the management account or a delegated administrator).
   *
   * @default - this account
   */
  readonly accounts?: string[];

  /**
   * Organizational units to report on (a report plan of the management account or a delegated administrator).
   *
   * @default - none
   */
  readonly organizationUnits?: string[];

  /**
   * Regions to report on ('*' for all).
   *
   * @default - this region
   */
  readonly regions?: string[];

  /**
   * Whether to create AWS Backup's reports service-linked role (`AWSServiceRoleForBackupReports`). AWS Backup creates
   * it with the account's first report plan, and the bucket and key policies name it in an `aws:PrincipalArn`
   * condition, which S3 and KMS accept before it exists; so this is needed only where the role must exist before the
   * first report plan. Deploying fails when the role already exists, and the role is deleted with the stack.
   *
   * @default false
   */
  readonly createServiceLinkedRole?: boolean;
}

const REPORTS_SERVICE = 'reports.backup.amazonaws.com';
const REPORTS_ROLE_NAME = `aws-service-role/${REPORTS_SERVICE}/AWSServiceRoleForBackupReports`;
const COMPLIANCE_TEMPLATES = [ReportTemplate.RESOURCE_COMPLIANCE_REPORT, ReportTemplate.CONTROL_COMPLIANCE_REPORT];
const WARN_BUCKET_POLICY = 'cdk-backup-dr:BackupReportPlan.bucketPolicy';
const WARN_KEY_POLICY = 'cdk-backup-dr:BackupReportPlan.keyPolicy';

/**
 * An AWS Backup Audit Manager report plan: a daily report on the compliance of frameworks (`BackupAuditFramework`) or
 * on the backup, copy, restore or scan jobs, written to an S3 bucket of this account and region.
 *
 * The bucket's policy (and its key's, when it has a customer-managed key) is extended so that AWS Backup can write
 * the reports, and the report plan depends on it. AWS Backup allows 20 report plans per account and region.
 */
export class BackupReportPlan extends Resource {
  /** ARN of the report plan. */
  public readonly reportPlanArn: string;

  /** Name of the report plan. */
  public readonly reportPlanName: string;

  constructor(scope: Construct, id: string, props: BackupReportPlanProps) {
    super(scope, id, { physicalName: props.reportPlanName });

    checkPattern('reportPlanName', props.reportPlanName, AUDIT_NAME_PATTERN, AUDIT_NAME_RULE, 'daily_backup_compliance', this);
    checkDescription('description', props.description, this);
    this.checkBucket(props.bucket);
    this.checkKeyPrefix(props.keyPrefix);
    this.checkFrameworks(props.template, props.frameworks);
    const formats = props.formats ?? [ReportFormat.CSV];
    if (formats.length === 0 || new Set(formats).size !== formats.length) {
      throw new ValidationError(
        `formats is [${formats.join(', ')}]; give each format once, at least one (e.g. [ReportFormat.CSV, ReportFormat.JSON])`, this);
    }
    for (const account of props.accounts ?? []) {
      checkPattern('accounts', account, ACCOUNT_ID_PATTERN, 'an AWS account id is exactly 12 digits', '123456789012', this);
    }
    for (const region of props.regions ?? []) {
      if (region !== '*') {
        checkPattern('regions', region, REGION_PATTERN, "a region is named like us-east-1, or '*' for all", 'us-east-1', this);
      }
    }

    this.reportPlanName = props.reportPlanName
      ?? defaultName(Names.uniqueResourceName(this, { maxLength: 256, separator: '_', allowedSpecialCharacters: '_' }));
    const resource = new backup.CfnReportPlan(this, 'Resource', {
      reportPlanName: this.reportPlanName,
      reportPlanDescription: props.description,
      // Both properties are untyped in aws-cdk-lib and written verbatim: CloudFormation's own (PascalCase) keys.
      reportDeliveryChannel: {
        S3BucketName: props.bucket.bucketName,
        ...(props.keyPrefix !== undefined ? { S3KeyPrefix: props.keyPrefix } : {}),
        Formats: formats,
      },
      reportSetting: {
        ReportTemplate: props.template,
        ...(props.frameworks !== undefined ? { FrameworkArns: props.frameworks.map((framework) => framework.frameworkArn) } : {}),
        ...(props.accounts !== undefined ? { Accounts: props.accounts } : {}),
        ...(props.organizationUnits !== undefined ? { OrganizationUnits: props.organizationUnits } : {}),
        ...(props.regions !== undefined ? { Regions: props.regions } : {}),
      },
    });
    this.reportPlanArn = resource.attrReportPlanArn;

    const role = props.createServiceLinkedRole
      ? new iam.CfnServiceLinkedRole(this, 'ServiceLinkedRole', {
        awsServiceName: REPORTS_SERVICE,
        description: 'Lets AWS Backup Audit Manager write report files to S3',
      })
      : undefined;
    if (role) {
      resource.addResourceDependency(role);
    }
    this.allowReportDelivery(props.bucket, props.keyPrefix, resource, role);
  }

  /**
   * Lets the reports role write the bucket (and encrypt with its key), and makes the report plan wait for both
   * policies; the policies wait for the role when it is created here.
   */
  private allowReportDelivery(bucket: s3.IBucket, keyPrefix: string | undefined, plan: backup.CfnReportPlan,
    role: iam.CfnServiceLinkedRole | undefined): void {
    const stack = Stack.of(this);
    const roleArn = stack.formatArn({
      service: 'iam',
      region: '',
      resource: 'role',
      resourceName: REPORTS_ROLE_NAME,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    const objects = keyPrefix === undefined ? '*' : `${keyPrefix}/*`;
    // The role is named in a condition, not as the principal: S3 and KMS reject a policy whose principal does not exist
    // yet, and AWS Backup creates this role only with the account's first report plan, which deploys after the policy.
    // A fixed aws:PrincipalArn keeps the statement non-public for Block Public Access.
    const statement = new iam.PolicyStatement({
      principals: [new iam.AnyPrincipal()],
      actions: ['s3:PutObject'],
      resources: [bucket.arnForObjects(objects)],
      conditions: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' }, ArnEquals: { 'aws:PrincipalArn': roleArn } },
    });
    const added = bucket.addToResourcePolicy(statement);
    if (added.statementAdded && bucket.policy) {
      this.waitFor(plan, bucket.policy, role, 'bucket');
    } else {
      Annotations.of(this).addWarningV2(WARN_BUCKET_POLICY,
        `the policy of the imported bucket ${label(bucket.bucketName, bucket.node.path)} cannot be changed here; add this ` +
          `statement to it, or AWS Backup cannot write the reports: ${JSON.stringify(displayStatement(stack, bucket, objects))}. ` +
          'If the bucket encrypts with a customer-managed KMS key, also allow that role kms:GenerateDataKey on the key ' +
          `with the condition kms:ViaService = ${viaService('s3', label(stack.region, '<region>'))}`);
    }

    const key = bucket.encryptionKey;
    if (!key) {
      return;
    }
    const keyAdded = key.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:GenerateDataKey'],
      resources: ['*'],
      conditions: { StringEquals: { 'kms:ViaService': viaService('s3', stack.region), 'aws:PrincipalAccount': stack.account }, ArnEquals: { 'aws:PrincipalArn': roleArn } },
    }));
    if (keyAdded.statementAdded) {
      this.waitFor(plan, key, role, 'key');
    } else {
      Annotations.of(this).addWarningV2(WARN_KEY_POLICY,
        `the policy of the imported key ${label(key.keyArn, key.node.path)} of the report bucket cannot be changed here; ` +
          `allow ${label(roleArn, `arn:aws:iam::<account>:role/${REPORTS_ROLE_NAME}`)} kms:GenerateDataKey on it with the ` +
          `condition kms:ViaService = ${viaService('s3', label(stack.region, '<region>'))}, or AWS Backup cannot write the reports`);
    }
  }

  /**
   * The report plan deploys after a policy it needs; a policy naming the role created here deploys after the role,
   * which works only when the policy is in this stack (another stack deploys before this one).
   */
  private waitFor(plan: backup.CfnReportPlan, policy: IConstruct, role: iam.CfnServiceLinkedRole | undefined, what: string): void {
    plan.node.addDependency(policy);
    if (!role) {
      return;
    }
    if (Stack.of(policy) !== Stack.of(this)) {
      throw new ValidationError(
        `createServiceLinkedRole creates the reports role in stack ${Stack.of(this).node.path}, but the ${what} policy that ` +
          `names it is in stack ${Stack.of(policy).node.path}, which deploys first and fails while the role does not ` +
          'exist: create the role beforehand (aws iam create-service-linked-role --aws-service-name ' +
          `${REPORTS_SERVICE}) and remove createServiceLinkedRole, or define the report plan in the ${what}'s stack`,
        this,
      );
    }
    policy.node.addDependency(role);
  }

  /** Backup Audit Manager writes to a bucket of its own account and region only. */
  private checkBucket(bucket: s3.IBucket): void {
    const stack = Stack.of(this);
    for (const [what, bucketValue, value] of [
      ['account', bucket.env.account, stack.account],
      ['region', bucket.env.region, stack.region],
    ] as const) {
      if (differs(bucketValue, value)) {
        throw new ValidationError(
          `bucket ${label(bucket.bucketName, bucket.node.path)} is in ${what} ${bucketValue} but the report plan is in ` +
            `${value}; AWS Backup writes reports only to a bucket of the report plan's account and region: use a bucket ` +
            `in ${what} ${value}`,
          this,
        );
      }
    }
  }

  private checkKeyPrefix(keyPrefix: string | undefined): void {
    if (keyPrefix === undefined || Token.isUnresolved(keyPrefix)) {
      return;
    }
    const trimmed = keyPrefix.replace(/^\/+|\/+$/g, '') || 'backup-reports';
    if (keyPrefix.startsWith('/')) {
      throw new ValidationError(
        `keyPrefix '${keyPrefix}' starts with '/', which AWS Backup rejects; drop the leading slash (e.g. '${trimmed}')`, this);
    }
    if (keyPrefix.endsWith('/')) {
      throw new ValidationError(
        `keyPrefix '${keyPrefix}' ends with '/'; AWS Backup adds '/Backup/...' itself, so the reports would land under ` +
          `'${keyPrefix}/Backup/': drop the trailing slash (e.g. '${trimmed}')`, this);
    }
    if (keyPrefix.length === 0 || /[*?]/.test(keyPrefix)) {
      throw new ValidationError(
        `keyPrefix '${keyPrefix}' is ${keyPrefix.length === 0 ? 'empty' : "contains '*' or '?', which the bucket policy " +
          'would read as wildcards'}; give a literal folder name (e.g. 'backup-reports') or leave keyPrefix out`, this);
    }
  }

  private checkFrameworks(template: ReportTemplate, frameworks: BackupAuditFramework[] | undefined): void {
    const count = frameworks?.length ?? 0;
    if (COMPLIANCE_TEMPLATES.includes(template) && count === 0) {
      throw new ValidationError(
        `frameworks is ${frameworks === undefined ? 'missing' : 'empty'}; template ${template} reports the compliance of ` +
          'frameworks: give at least one (e.g. frameworks: [auditFramework])',
        this,
      );
    }
    if (!COMPLIANCE_TEMPLATES.includes(template) && frameworks !== undefined) {
      throw new ValidationError(
        `frameworks is set (${count} framework${count === 1 ? '' : 's'}) but template ${template} reports on jobs, not ` +
          `frameworks; remove frameworks, or use ${COMPLIANCE_TEMPLATES.join(' or ')}`,
        this,
      );
    }
  }
}

/** A value for a message: itself when known at synth time, else the fallback. */
function label(value: string, fallback: string): string {
  return Token.isUnresolved(value) ? fallback : value;
}

/** The bucket statement as a user would paste it, with placeholders for what synth does not know. */
function displayStatement(stack: Stack, bucket: s3.IBucket, objects: string): object {
  const account = label(stack.account, '<account>');
  return {
    Effect: 'Allow',
    Principal: { AWS: '*' },
    Action: 's3:PutObject',
    Resource: `arn:aws:s3:::${label(bucket.bucketName, '<bucket>')}/${objects}`,
    Condition: {
      StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' },
      ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${account}:role/${REPORTS_ROLE_NAME}` },
    },
  };
}
