import { DefaultStackSynthesizer, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { ValidationError } from '../private/validation';

/**
 * Who, besides the break-glass role, may replace the policies that protect the backups: the key policy of a key that
 * encrypts them (`kms:PutKeyPolicy`) and a vault's access policy and lock (`backup:PutBackupVaultAccessPolicy`,
 * `backup:PutBackupVaultLockConfiguration`). Everyone else, the account's administrators included, is denied by the
 * policies themselves.
 *
 * CloudFormation needs these actions to update the policies, so the role it deploys with must be an editor, or the
 * stack could never change them again. The trade-off: whoever may deploy with that role can deploy a policy without
 * the denies. Keep that role's trust narrow (a pipeline), alarm on its use, and rely on what no policy change can undo:
 * a compliance-mode vault lock and Object Lock in COMPLIANCE mode. `breakGlassOnly()` removes the trade-off, at the
 * cost of deploying every policy change as the break-glass role.
 */
export class PolicyEditors {
  /**
   * The CloudFormation execution role of the CDK bootstrap (`cdk-hnb659fds-cfn-exec-role-<account>-<region>`, or the
   * role the stack's `DefaultStackSynthesizer` names), which `cdk deploy` deploys with.
   */
  public static cdkBootstrap(): PolicyEditors {
    return new PolicyEditors('cdkBootstrap', []);
  }

  /** The roles CloudFormation deploys the stack with (a pipeline's role, `cdk deploy --role-arn`). */
  public static roles(...roles: iam.IRole[]): PolicyEditors {
    return new PolicyEditors('roles', roles);
  }

  /**
   * Nobody but the break-glass role. A key is then created with `BypassPolicyLockoutSafetyCheck` (KMS would refuse a
   * policy that its creator may not change); without a break-glass role nobody can ever change the policies again.
   */
  public static breakGlassOnly(): PolicyEditors {
    return new PolicyEditors('breakGlassOnly', []);
  }

  private constructor(private readonly kind: 'cdkBootstrap' | 'roles' | 'breakGlassOnly', private readonly roles: iam.IRole[]) {}

  /**
   * The editors' role ARNs for an `aws:PrincipalArn` condition in the stack of `scope`; empty for `breakGlassOnly()`.
   *
   * @internal
   */
  public _roleArns(scope: IConstruct): string[] {
    if (this.kind === 'roles') {
      return this.roles.map((role) => role.roleArn);
    }
    if (this.kind === 'breakGlassOnly') {
      return [];
    }
    let stack = Stack.of(scope);
    while (stack.nestedStackParent) {
      stack = stack.nestedStackParent;
    }
    if (!(stack.synthesizer instanceof DefaultStackSynthesizer)) {
      throw new ValidationError(
        `policyEditors is PolicyEditors.cdkBootstrap() (the default), but stack '${stack.node.path}' uses ` +
          `${stack.synthesizer.constructor.name}, which deploys without the bootstrap's CloudFormation execution role; ` +
          'give policyEditors: PolicyEditors.roles(<the role CloudFormation deploys with>) or PolicyEditors.breakGlassOnly()',
        scope,
      );
    }
    return [stack.synthesizer.cloudFormationExecutionRoleArn
      .replace(/\$\{AWS::Partition\}/g, stack.partition)
      .replace(/\$\{AWS::AccountId\}/g, stack.account)
      .replace(/\$\{AWS::Region\}/g, stack.region)];
  }
}
