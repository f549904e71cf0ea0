import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as organizations from 'aws-cdk-lib/aws-organizations';
import { Construct } from 'constructs';
import { checkPattern, ValidationError } from '../private/validation';

/** Props of BackupGuardrails. */
export interface BackupGuardrailsProps {
  /**
   * What the policy is attached to: the backup account(s) by 12-digit id, or an organizational unit (`ou-...`).
   */
  readonly targetIds: string[];

  /**
   * Name of the break-glass role in the target accounts, after its path if it has one (e.g. `security/break-glass`):
   * the `breakGlassRole` of the vaults and buckets. Nobody in
   * those accounts may assume it, change it or delete it: it is used from another account (a security account), or
   * from the management account.
   *
   * @default - no break-glass role is guarded
   */
  readonly breakGlassRoleName?: string;

  /**
   * Principals of the target accounts (ARN patterns, e.g. `arn:aws:iam::*:role/pipeline-deploy`) that may deploy with
   * CloudFormation's role: assume the CDK bootstrap's deploy role. Everyone else there is denied, so that the key,
   * vault and bucket policies' `PolicyEditors` exception serves the pipeline alone.
   *
   * @default - nobody in the target accounts: deploy from another account (a pipeline or management account)
   */
  readonly deployers?: string[];

  /**
   * Principals of the target accounts (ARN patterns) that may still change the guarded roles (re-running
   * `cdk bootstrap` changes the deploy and CloudFormation roles).
   *
   * @default - none: only the management account, to which SCPs do not apply
   */
  readonly roleAdministrators?: string[];

  /**
   * Qualifier of the CDK bootstrap in the target accounts.
   *
   * @default 'hnb659fds'
   */
  readonly bootstrapQualifier?: string;

  /**
   * Name of the policy in AWS Organizations.
   *
   * @default 'cdk-backup-dr-guardrails'
   */
  readonly policyName?: string;
}

/** IAM actions that change, replace or take over a role. */
const ROLE_CHANGES = [
  'iam:AttachRolePolicy', 'iam:DeleteRole', 'iam:DeleteRolePermissionsBoundary', 'iam:DeleteRolePolicy', 'iam:DetachRolePolicy',
  'iam:PutRolePermissionsBoundary', 'iam:PutRolePolicy', 'iam:UpdateAssumeRolePolicy', 'iam:UpdateRole', 'iam:TagRole', 'iam:UntagRole',
  'iam:CreateRole',
];

const TARGET_PATTERN = /^(\d{12}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/;
const ROLE_NAME_PATTERN = /^([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
const QUALIFIER_PATTERN = /^[A-Za-z0-9_-]{1,10}$/;

/**
 * A service control policy that closes what the backup account's own policies cannot: they except the break-glass
 * role and CloudFormation's role by ARN, and an administrator of that account could take either over (change its trust
 * policy, delete and recreate it, or simply deploy a stack with CloudFormation's role). Attached to the backup
 * account(s) from the management account (or a delegated administrator of AWS Organizations), it denies to every
 * principal there, the root user included:
 *
 * - `DenyGuardRoleChanges`: changing, deleting, recreating or retagging the break-glass role and the CDK bootstrap's
 *   deploy and CloudFormation roles (but to `roleAdministrators`);
 * - `DenyBreakGlassFromInside`: assuming the break-glass role from inside (it is used from another account);
 * - `DenyDeployingButDeployers`: assuming the CDK bootstrap's deploy role (but to `deployers`);
 * - `DenyPassingCloudFormationRole`: passing CloudFormation's role to a stack (but for the deploy role).
 *
 * SCPs apply only to principals of member accounts: the management account, and principals of other accounts (a
 * security or pipeline account), are not limited by it.
 */
export class BackupGuardrails extends Construct {
  /** The policy document (an SCP). */
  public readonly document: iam.PolicyDocument;

  /** The AWS Organizations policy. */
  public readonly policy: organizations.CfnPolicy;

  constructor(scope: Construct, id: string, props: BackupGuardrailsProps) {
    super(scope, id);
    if (props.targetIds.length === 0) {
      throw new ValidationError('targetIds is empty; name the backup account (e.g. \'222222222222\') or its OU', this);
    }
    props.targetIds.forEach((target, i) => checkPattern(`targetIds[${i}]`, target, TARGET_PATTERN,
      'expected a 12-digit account id, an OU id (ou-...) or a root id (r-...)', '222222222222', this));
    checkPattern('breakGlassRoleName', props.breakGlassRoleName, ROLE_NAME_PATTERN,
      "an IAM role name (1-64 letters, digits and '+=,.@_-'), after its path if any", 'backup-break-glass', this);
    const qualifier = props.bootstrapQualifier ?? 'hnb659fds';
    checkPattern('bootstrapQualifier', qualifier, QUALIFIER_PATTERN, 'the CDK bootstrap qualifier: 1-10 letters, digits, _ or -', 'hnb659fds', this);

    const partition = Stack.of(this).partition;
    const role = (name: string) => `arn:${partition}:iam::*:role/${name}`;
    const deployRole = role(`cdk-${qualifier}-deploy-role-*`);
    const cloudFormationRole = role(`cdk-${qualifier}-cfn-exec-role-*`);
    const breakGlass = props.breakGlassRoleName ? [role(props.breakGlassRoleName)] : [];
    const except = (patterns: string[] | undefined) =>
      (patterns && patterns.length > 0 ? { ArnNotLike: { 'aws:PrincipalArn': patterns } } : undefined);

    this.document = new iam.PolicyDocument({
      statements: [
        new iam.PolicyStatement({
          sid: 'DenyGuardRoleChanges',
          effect: iam.Effect.DENY,
          actions: ROLE_CHANGES,
          resources: [...breakGlass, deployRole, cloudFormationRole],
          conditions: except(props.roleAdministrators),
        }),
        ...(breakGlass.length > 0 ? [new iam.PolicyStatement({
          sid: 'DenyBreakGlassFromInside',
          effect: iam.Effect.DENY,
          actions: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'],
          resources: breakGlass,
        })] : []),
        new iam.PolicyStatement({
          sid: 'DenyDeployingButDeployers',
          effect: iam.Effect.DENY,
          actions: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'],
          resources: [deployRole],
          conditions: except(props.deployers),
        }),
        new iam.PolicyStatement({
          sid: 'DenyPassingCloudFormationRole',
          effect: iam.Effect.DENY,
          actions: ['iam:PassRole'],
          resources: [cloudFormationRole],
          conditions: except([deployRole]),
        }),
      ],
    });
    this.policy = new organizations.CfnPolicy(this, 'Resource', {
      name: props.policyName ?? 'cdk-backup-dr-guardrails',
      description: 'Keeps the break-glass and CloudFormation roles that the backup policies except (cdk-backup-dr) from being taken over',
      type: 'SERVICE_CONTROL_POLICY',
      content: this.document,
      targetIds: props.targetIds,
    });
  }
}
