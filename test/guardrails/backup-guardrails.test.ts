// Issue 12, the exceptions of the guards: the key, vault and bucket policies except the break-glass role and
// CloudFormation's role by ARN, and an administrator of the backup account could take either over (change its trust
// policy, recreate it, or deploy a stack with CloudFormation's role). BackupGuardrails is the service control policy
// that the management account attaches to the backup account to close that; played here with the SCP in effect.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BackupGuardrails, BackupGuardrailsProps } from '../../lib';
import { formatFindings, nagFindings } from '../nag';
import { decide, PolicyDocument, resolve } from '../policy-simulation';

const BACKUP = '222222222222';
const ADMIN = `arn:aws:iam::${BACKUP}:role/Admin`;
const PIPELINE = `arn:aws:iam::${BACKUP}:role/pipeline-deploy`;
const BREAK_GLASS = `arn:aws:iam::${BACKUP}:role/backup-break-glass`;
const CFN_ROLE = `arn:aws:iam::${BACKUP}:role/cdk-hnb659fds-cfn-exec-role-${BACKUP}-us-east-1`;
const DEPLOY_ROLE = `arn:aws:iam::${BACKUP}:role/cdk-hnb659fds-deploy-role-${BACKUP}-us-east-1`;
const TRUSTS_ACCOUNT: PolicyDocument = { Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${BACKUP}:root` }, Action: ['sts:AssumeRole', 'sts:TagSession'] }] };

function build(props: Partial<BackupGuardrailsProps> = {}): { stack: Stack; template: Template; scp: PolicyDocument } {
  const stack = new Stack(new App(), 'Management', { env: { account: '999999999999', region: 'us-east-1' } });
  new BackupGuardrails(stack, 'Guardrails', { targetIds: [BACKUP], breakGlassRoleName: 'backup-break-glass', ...props });
  const template = Template.fromStack(stack);
  const [policy] = Object.values(template.findResources('AWS::Organizations::Policy'));
  return { stack, template, scp: resolve(policy.Properties.Content, stack, {}) as PolicyDocument };
}

const call = (scp: PolicyDocument, principal: string, action: string, resource: string, resourcePolicy?: PolicyDocument) =>
  decide(resourcePolicy, { action, principal, resource, resourceAccount: BACKUP, serviceControlPolicies: [scp] });

describe('an administrator of the backup account', () => {
  const { scp } = build();

  test.each([
    ['iam:UpdateAssumeRolePolicy', BREAK_GLASS], ['iam:DeleteRole', BREAK_GLASS], ['iam:CreateRole', BREAK_GLASS],
    ['iam:UpdateAssumeRolePolicy', CFN_ROLE], ['iam:AttachRolePolicy', CFN_ROLE], ['iam:PutRolePolicy', DEPLOY_ROLE],
    ['iam:UpdateAssumeRolePolicy', DEPLOY_ROLE], ['iam:TagRole', BREAK_GLASS],
  ])('cannot %s %s (take the role over)', async (action, resource) => {
    expect(await call(scp, ADMIN, action, resource)).toBe('ExplicitlyDenied');
  });

  test('cannot assume the break-glass role from inside, nor the deploy role, nor pass CloudFormation\'s role to a stack', async () => {
    expect(await call(scp, ADMIN, 'sts:AssumeRole', BREAK_GLASS, TRUSTS_ACCOUNT)).toBe('ExplicitlyDenied');
    expect(await call(scp, ADMIN, 'sts:AssumeRole', DEPLOY_ROLE, TRUSTS_ACCOUNT)).toBe('ExplicitlyDenied');
    expect(await call(scp, ADMIN, 'iam:PassRole', CFN_ROLE)).toBe('ExplicitlyDenied');
  });

  test('still administers every other role, and the deploy role still passes CloudFormation\'s role', async () => {
    expect(await call(scp, ADMIN, 'iam:UpdateAssumeRolePolicy', `arn:aws:iam::${BACKUP}:role/app-role`)).toBe('Allowed');
    expect(await call(scp, ADMIN, 'sts:AssumeRole', `arn:aws:iam::${BACKUP}:role/app-role`, TRUSTS_ACCOUNT)).toBe('Allowed');
    expect(await call(scp, DEPLOY_ROLE, 'iam:PassRole', CFN_ROLE)).toBe('Allowed');
  });
});

describe('the ways around the exceptions (attacker review)', () => {
  const REPLICATION_ROLE = `arn:aws:iam::${BACKUP}:role/backup-dr-replication`;
  const { scp } = build({
    deployers: [PIPELINE], protectedRoleNames: ['backup-dr-replication'], protectedResourceShareNames: ['BackupDr-Backup-AirGappedVault'],
  });
  const STACK = `arn:aws:cloudformation:us-east-1:${BACKUP}:stack/BackupDr-Backup/00000000-0000-0000-0000-000000000000`;

  test.each(['cloudformation:UpdateStack', 'cloudformation:CreateChangeSet', 'cloudformation:ExecuteChangeSet', 'cloudformation:DeleteStack'])(
    'an administrator cannot %s (CloudFormation would reuse its role without asking for iam:PassRole); the deploy role can', async (action) => {
      expect(await call(scp, ADMIN, action, STACK)).toBe('ExplicitlyDenied');
      expect(await call(scp, DEPLOY_ROLE, action, STACK)).toBe('Allowed');
    });

  test('nobody leaves the organization (and this policy with it)', async () => {
    expect(await call(scp, ADMIN, 'organizations:LeaveOrganization', '*')).toBe('ExplicitlyDenied');
  });

  test('the deployer role, itself an exception, cannot be taken over', async () => {
    expect(await call(scp, ADMIN, 'iam:UpdateAssumeRolePolicy', PIPELINE)).toBe('ExplicitlyDenied');
  });

  test('a protected role (the replication role a replica trusts) is neither changed nor passed but by CloudFormation\'s role', async () => {
    expect(await call(scp, ADMIN, 'iam:PutRolePolicy', REPLICATION_ROLE)).toBe('ExplicitlyDenied');
    expect(await call(scp, ADMIN, 'iam:PassRole', REPLICATION_ROLE)).toBe('ExplicitlyDenied');
    expect(await call(scp, CFN_ROLE, 'iam:PassRole', REPLICATION_ROLE)).toBe('Allowed');
  });

  test('the air-gapped vault\'s share with the recovery account is not deleted or changed', async () => {
    const share = `arn:aws:ram:us-east-1:${BACKUP}:resource-share/00000000-0000-0000-0000-000000000000`;
    const onShare = (principal: string, action: string) => decide(undefined, {
      action, principal, resource: share, resourceAccount: BACKUP, serviceControlPolicies: [scp],
      context: { 'ram:ResourceShareName': 'BackupDr-Backup-AirGappedVault' },
    });
    for (const action of ['ram:DeleteResourceShare', 'ram:DisassociateResourceShare', 'ram:UpdateResourceShare']) {
      expect(await onShare(ADMIN, action)).toBe('ExplicitlyDenied');
      expect(await onShare(CFN_ROLE, action)).toBe('Allowed');
    }
  });
});

test('deployers and role administrators are the exceptions', async () => {
  const { scp } = build({ deployers: [PIPELINE], roleAdministrators: [`arn:aws:iam::*:role/org-admin`] });
  expect(await call(scp, PIPELINE, 'sts:AssumeRole', DEPLOY_ROLE, TRUSTS_ACCOUNT)).toBe('Allowed');
  expect(await call(scp, ADMIN, 'sts:AssumeRole', DEPLOY_ROLE, TRUSTS_ACCOUNT)).toBe('ExplicitlyDenied');
  expect(await call(scp, `arn:aws:iam::${BACKUP}:role/org-admin`, 'iam:UpdateAssumeRolePolicy', CFN_ROLE)).toBe('Allowed');
  // Nobody inside assumes break-glass, administrators included.
  expect(await call(scp, `arn:aws:iam::${BACKUP}:role/org-admin`, 'sts:AssumeRole', BREAK_GLASS, TRUSTS_ACCOUNT)).toBe('ExplicitlyDenied');
});

test('an SCP of AWS Organizations, attached to the targets, within the 5,120-character limit, no cdk-nag finding', () => {
  const { stack, template, scp } = build();
  template.hasResourceProperties('AWS::Organizations::Policy', { Type: 'SERVICE_CONTROL_POLICY', TargetIds: [BACKUP], Name: 'cdk-backup-dr-guardrails' });
  expect(JSON.stringify(scp).length).toBeLessThan(5120);
  expect(scp.Statement.every((statement) => statement.Principal === undefined)).toBe(true);
  expect(formatFindings(nagFindings(stack))).toBe('');
});

test.each<[string, Partial<BackupGuardrailsProps>, RegExp]>([
  ['no target', { targetIds: [] }, /targetIds is empty/],
  ['a bad target', { targetIds: ['backup'] }, /targetIds\[0\] 'backup' is invalid: expected a 12-digit account id, an OU id/],
  ['a bad role name', { breakGlassRoleName: 'break glass' }, /breakGlassRoleName 'break glass' is invalid/],
  ['a bad qualifier', { bootstrapQualifier: 'much-too-long-qualifier' }, /bootstrapQualifier 'much-too-long-qualifier' is invalid/],
])('%s fails the synth', (_case, props, message) => {
  expect(() => build(props)).toThrow(message);
});
