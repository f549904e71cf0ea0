// Attacks played against synthesized policies: the template's policy documents, with their CloudFormation
// references resolved to ARNs, evaluated for one request by @cloud-copilot/iam-simulate (an offline model of
// AWS's evaluation: identity and resource policies, SCPs and RCPs, every condition operator). It is AGPL-licensed,
// so it stays a devDependency of the tests and is never bundled or shipped.
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { Stack } from 'aws-cdk-lib';

/** A policy document of a template, its references resolved. */
export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: Record<string, unknown>[];
}

/** What `resolve` substitutes for `{ "Fn::GetAtt": [logicalId, "Arn"] }` and `{ "Ref": logicalId }`. */
export type ResourceArns = Readonly<Record<string, string>>;

/**
 * A template value with Fn::Join, Fn::GetAtt …Arn and Ref (pseudo parameters and the resources in `arns`)
 * resolved; anything else fails the test, so that no statement is judged on an unresolved token.
 */
export function resolve(value: unknown, stack: Stack, arns: ResourceArns): unknown {
  if (Array.isArray(value)) {
    return value.map((item) => resolve(item, stack, arns));
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const object = value as Record<string, unknown>;
  const [only] = Object.keys(object);
  if (Object.keys(object).length === 1 && only === 'Fn::Join') {
    const [separator, parts] = object[only] as [string, unknown[]];
    return parts.map((part) => resolve(part, stack, arns)).join(separator);
  }
  if (Object.keys(object).length === 1 && only === 'Fn::GetAtt') {
    const [id, attribute] = object[only] as [string, string];
    if (attribute === 'Arn' && arns[id] !== undefined) {
      return arns[id];
    }
    throw new Error(`cannot resolve Fn::GetAtt ${id}.${attribute}: give its ARN`);
  }
  if (Object.keys(object).length === 1 && only === 'Ref') {
    const ref = object[only] as string;
    const pseudo: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::AccountId': stack.account, 'AWS::Region': stack.region, 'AWS::URLSuffix': 'amazonaws.com' };
    const resolved = pseudo[ref] ?? arns[ref];
    if (resolved === undefined) {
      throw new Error(`cannot resolve Ref ${ref}: give its value`);
    }
    return resolved;
  }
  return Object.fromEntries(Object.entries(object).map(([key, item]) => [key, resolve(item, stack, arns)]));
}

export interface SimulatedRequest {
  readonly action: string;
  readonly principal: string;
  readonly resource: string;
  /** Account that owns the resource. */
  readonly resourceAccount: string;
  readonly context?: Record<string, string | string[]>;
  /** The principal's own policies; default one that allows everything (its account lets it try anything). */
  readonly identityPolicies?: PolicyDocument[];
  /** Service control policies attached to the principal's account, besides FullAWSAccess. */
  readonly serviceControlPolicies?: PolicyDocument[];
}

const ALLOW_ALL: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

export type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

/**
 * The context keys AWS sets from the principal of every request, which the simulator leaves to its caller:
 * `aws:PrincipalArn` (a role session is judged by its role's ARN), `aws:PrincipalAccount` and `aws:PrincipalType`.
 */
export function principalContext(principal: string): Record<string, string> {
  const role = /^arn:[^:]+:iam::(\d{12}):role\/.+$/.exec(principal);
  const session = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/.exec(principal);
  if (session) {
    const [, partition, account, name] = session;
    return { 'aws:PrincipalArn': `arn:${partition}:iam::${account}:role/${name}`, 'aws:PrincipalAccount': account, 'aws:PrincipalType': 'AssumedRole' };
  }
  if (role) {
    return { 'aws:PrincipalArn': principal, 'aws:PrincipalAccount': role[1], 'aws:PrincipalType': 'AssumedRole' };
  }
  const root = /^arn:[^:]+:iam::(\d{12}):root$/.exec(principal);
  if (root) {
    return { 'aws:PrincipalArn': principal, 'aws:PrincipalAccount': root[1], 'aws:PrincipalType': 'Account' };
  }
  throw new Error(`principal ${principal} is not a role, a role session or an account root: give its context keys`);
}

/** AWS's decision on `request` under `resourcePolicy`, after checking that the simulator accepted the inputs. */
export async function decide(resourcePolicy: PolicyDocument | undefined, request: SimulatedRequest): Promise<Decision> {
  const identityPolicies = (request.identityPolicies ?? [ALLOW_ALL]).map((policy, index) => ({ name: `identity-${index}`, policy }));
  const scps = request.serviceControlPolicies ?? [];
  const result = await runSimulation({
    identityPolicies,
    serviceControlPolicies: scps.length === 0 ? [] : [{
      orgIdentifier: principalContext(request.principal)['aws:PrincipalAccount'],
      policies: [{ name: 'FullAWSAccess', policy: ALLOW_ALL }, ...scps.map((policy, index) => ({ name: `scp-${index}`, policy: { Version: '2012-10-17', ...policy } }))],
    }],
    resourceControlPolicies: [],
    resourcePolicy: resourcePolicy === undefined ? undefined : { Version: '2012-10-17', ...resourcePolicy },
    request: {
      action: request.action,
      principal: request.principal,
      resource: { accountId: request.resourceAccount, resource: request.resource },
      contextVariables: { 'aws:SecureTransport': 'true', ...principalContext(request.principal), ...request.context },
    },
  } as never, {});
  if (result.resultType !== 'single') {
    throw new Error(`the simulator refused the request: ${JSON.stringify(result)}`);
  }
  return result.overallResult as Decision;
}
