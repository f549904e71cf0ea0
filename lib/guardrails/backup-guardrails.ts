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
   * Other roles of the target accounts that the backup policies trust by name, e.g. the replication role of the dump
   * bucket (a replica accepts writes from it alone): nobody may change them, and only CloudFormation's role may pass
   * them to a service. Names after their path, if any.
   *
   * @default - none
   */
  readonly protectedRoleNames?: string[];

  /**
   * Names of AWS RAM resource shares in the target accounts to keep as they are, e.g. the share of a logically
   * air-gapped vault with its recovery account: nobody but CloudFormation's role and `roleAdministrators` may delete,
   * update, associate or disassociate them.
   *
   * @default - none
   */
  readonly protectedResourceShareNames?: string[];

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

/** The CloudFormation calls that update or delete a stack (with the role it already has). */
const STACK_OPERATIONS = [
  'cloudformation:UpdateStack', 'cloudformation:CreateChangeSet', 'cloudformation:ExecuteChangeSet', 'cloudformation:DeleteStack',
  'cloudformation:ContinueUpdateRollback', 'cloudformation:RollbackStack', 'cloudformation:SetStackPolicy',
  'cloudformation:UpdateTerminationProtection', 'cloudformation:CreateStackRefactor', 'cloudformation:ExecuteStackRefactor',
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
 * - `DenyPassingCloudFormationRole`: passing CloudFormation's role to a stack (but for the deploy role);
 * - `DenyStackOperationsButDeployRole`: updating, deleting or rolling back a stack, or a change set, but as the deploy role
 *   (CloudFormation reuses a stack's role for whoever asks, without checking `iam:PassRole`);
 * - `DenyLeavingTheOrganization`: leaving the organization, which would end this policy;
 * - `DenyPassingProtectedRoles`, `DenyResourceShareChanges`: the `protectedRoleNames` passed but by CloudFormation's role,
 *   the `protectedResourceShareNames` changed but by it and `roleAdministrators`.
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
    const protectedRoles = (props.protectedRoleNames ?? []).map(role);
    (props.protectedRoleNames ?? []).forEach((name, i) => checkPattern(`protectedRoleNames[${i}]`, name, ROLE_NAME_PATTERN,
      "an IAM role name (1-64 letters, digits and '+=,.@_-'), after its path if any", 'backup-dr-replication', this));
    const administrators = props.roleAdministrators ?? [];
    const except = (patterns: string[] | undefined) =>
      (patterns && patterns.length > 0 ? { ArnNotLike: { 'aws:PrincipalArn': patterns } } : undefined);

    this.document = new iam.PolicyDocument({
      statements: [
        new iam.PolicyStatement({
          sid: 'DenyGuardRoleChanges',
          effect: iam.Effect.DENY,
          actions: ROLE_CHANGES,
          // The exceptions of this policy are guarded too: a deployer or administrator role taken over would be a way in.
          resources: [...breakGlass, deployRole, cloudFormationRole, ...protectedRoles, ...props.deployers ?? [], ...administrators],
          conditions: except(administrators),
        }),
        // Without a RoleARN, CloudFormation reuses the role of the stack's last operation, whoever asks, and no PassRole
        // is checked: stack operations are the deploy role's (and the administrators', for the bootstrap stack) alone.
        new iam.PolicyStatement({
          sid: 'DenyStackOperationsButDeployRole',
          effect: iam.Effect.DENY,
          actions: STACK_OPERATIONS,
          resources: [`arn:${partition}:cloudformation:*:*:stack/*`],
          conditions: except([deployRole, ...administrators]),
        }),
        // Out of the organization, this policy no longer applies.
        new iam.PolicyStatement({
          sid: 'DenyLeavingTheOrganization',
          effect: iam.Effect.DENY,
          actions: ['organizations:LeaveOrganization'],
          resources: ['*'],
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
        ...(protectedRoles.length > 0 ? [new iam.PolicyStatement({
          sid: 'DenyPassingProtectedRoles',
          effect: iam.Effect.DENY,
          actions: ['iam:PassRole'],
          resources: protectedRoles,
          conditions: except([cloudFormationRole]),
        })] : []),
        ...((props.protectedResourceShareNames ?? []).length > 0 ? [new iam.PolicyStatement({
          sid: 'DenyResourceShareChanges',
          effect: iam.Effect.DENY,
          actions: ['ram:DeleteResourceShare', 'ram:DisassociateResourceShare', 'ram:UpdateResourceShare', 'ram:AssociateResourceShare'],
          resources: ['*'],
          conditions: {
            StringEquals: { 'ram:ResourceShareName': props.protectedResourceShareNames },
            ...except([cloudFormationRole, ...administrators]),
          },
        })] : []),
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
