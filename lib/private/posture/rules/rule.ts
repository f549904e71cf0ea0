// What a DR rule is: a check of one resource against the app around it, written for an auditor. The rule pack
// (cdk-nag), the report and the tests run the same rules.
import type { AppIndex, Located } from '../app-index';

export interface RuleOptions {
  /** The shortest automated-backup retention a database may keep, in days. */
  readonly minimumRetentionDays: number;
}

export const DEFAULT_RULE_OPTIONS: RuleOptions = { minimumRetentionDays: 7 };

export interface RuleContext {
  readonly index: AppIndex;
  readonly options: RuleOptions;
}

export type RuleOutcome =
  | { readonly status: 'not-applicable' }
  | { readonly status: 'compliant' }
  | { readonly status: 'non-compliant'; readonly reasons: readonly string[] };

export interface DrRule {
  /** The rule id without the pack prefix: `BackupDR-<id>`. */
  readonly id: string;
  /** What a compliant app has, as an auditor reads it. */
  readonly title: string;
  /** Why it matters: the loss it prevents. */
  readonly explanation: string;
  /** The CloudFormation types the rule reads. */
  readonly types: readonly string[];
  check(at: Located, context: RuleContext): RuleOutcome;
}

export const NOT_APPLICABLE: RuleOutcome = { status: 'not-applicable' };
export const COMPLIANT: RuleOutcome = { status: 'compliant' };

/** Compliant when there are no reasons, else non-compliant with them. */
export function outcome(reasons: readonly string[]): RuleOutcome {
  return reasons.length === 0 ? COMPLIANT : { status: 'non-compliant', reasons };
}

export interface PolicyStatement {
  readonly Effect?: string;
  readonly Action?: unknown;
  readonly NotAction?: unknown;
  readonly Principal?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** The statements of a policy document property. */
export function statements(document: unknown): PolicyStatement[] {
  const raw = (document as { Statement?: unknown } | undefined)?.Statement;
  return Array.isArray(raw) ? raw as PolicyStatement[] : raw && typeof raw === 'object' ? [raw as PolicyStatement] : [];
}

/** Action strings of a statement's `Action` or `NotAction`, lower-cased. */
function actionList(raw: unknown): string[] {
  return (Array.isArray(raw) ? raw : [raw]).filter((a): a is string => typeof a === 'string').map((a) => a.toLowerCase());
}

/** Whether an IAM action pattern (`*` and `?` wildcards) matches an action. */
function actionMatches(pattern: string, action: string): boolean {
  const regex = new RegExp(`^${pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('')}$`);
  return regex.test(action);
}

/** The actions of a statement, lower-cased. */
export function actionsOf(statement: PolicyStatement): string[] {
  return actionList(statement.Action);
}

/** Whether a statement applies to `action`: its `Action` matches it, or its `NotAction` does not. */
export function coversAction(statement: PolicyStatement, action: string): boolean {
  const wanted = action.toLowerCase();
  if (statement.NotAction !== undefined) return !actionList(statement.NotAction).some((a) => actionMatches(a, wanted));
  return actionsOf(statement).some((a) => actionMatches(a, wanted));
}

/** Whether the statement's principal is everyone (`*` or `{AWS: '*'}`), and not a `NotPrincipal`. */
export function toEveryone(statement: PolicyStatement): boolean {
  if ((statement as { NotPrincipal?: unknown }).NotPrincipal !== undefined) return false;
  const p = statement.Principal as { AWS?: unknown } | string | undefined;
  return p === '*' || (typeof p === 'object' && p !== null && (p.AWS === '*' || (Array.isArray(p.AWS) && p.AWS.includes('*'))));
}

/** A condition a Deny may carry and still bind: the operator and the key (case-insensitive), and the values it may take. */
export interface AllowedCondition {
  readonly operator: string;
  readonly key: string;
  /** The values the condition must have (as strings); any value when undefined. */
  readonly values?: readonly string[];
}

const PRINCIPAL_EXCEPTION_OPERATORS = ['arnnotequals', 'stringnotequals', 'arnnotlike', 'stringnotlike'];

/**
 * Whether a condition block keeps a Deny binding for everyone but named principals: each of its conditions is one of
 * `allowed` (with an allowed value), or an exception for principals named exactly by `aws:PrincipalArn` (no wildcard:
 * `arn:aws:iam::111111111111:*` would except the whole account).
 */
function bindingConditions(condition: PolicyStatement['Condition'], allowed: readonly AllowedCondition[], resolve: (v: unknown) => string | undefined): boolean {
  for (const [operator, block] of Object.entries(condition ?? {})) {
    for (const [key, raw] of Object.entries(block ?? {})) {
      const values = (Array.isArray(raw) ? raw : [raw]).map((v) => resolve(v) ?? '');
      const op = operator.toLowerCase();
      const k = key.toLowerCase();
      const known = allowed.find((a) => a.operator.toLowerCase() === op && a.key.toLowerCase() === k);
      if (known) {
        if (known.values && !values.every((v) => known.values!.includes(v))) return false;
        continue;
      }
      const exception = k === 'aws:principalarn' && PRINCIPAL_EXCEPTION_OPERATORS.includes(op)
        && values.every((v) => v !== '' && !(op.endsWith('like') && /[*?]/.test(v)));
      if (!exception) return false;
    }
  }
  return true;
}

/**
 * Whether a statement is a Deny to everyone for `action` that actually binds: on every resource `coversResource` accepts
 * (and no `NotResource`), with no condition but those `allowed` and exceptions for exactly named principals.
 */
export function bindingDeny(
  statement: PolicyStatement, action: string, coversResource: (resources: string[]) => boolean,
  allowed: readonly AllowedCondition[], resolve: (v: unknown) => string | undefined,
): boolean {
  if (statement.Effect !== 'Deny' || !toEveryone(statement) || !coversAction(statement, action)) return false;
  if ((statement as { NotResource?: unknown }).NotResource !== undefined) return false;
  const raw = (statement as { Resource?: unknown }).Resource;
  const resources = (Array.isArray(raw) ? raw : [raw]).map((r) => resolve(r) ?? '');
  return coversResource(resources) && bindingConditions(statement.Condition, allowed, resolve);
}

/** The bucket policies (AWS::S3::BucketPolicy) attached to a bucket of the app. */
export function bucketPolicies(at: Located, index: AppIndex): Located[] {
  return index.ofType('AWS::S3::BucketPolicy').filter((p) => p.stack === at.stack && index.referenced(p, p.resource.Properties?.Bucket) === at);
}

/** Whether two resources are in one account and region (both known and equal, or both unknown). */
export function sameEnvironment(a: Located, b: Located): boolean {
  // Both unknown (environment-agnostic stacks, or templates read alone): taken as one place. One known and the other
  // not: the agnostic one may deploy anywhere, so it is not shown to be the same place.
  const same = (x?: string, y?: string) => x === y;
  return same(a.stack.account, b.stack.account) && same(a.stack.region, b.stack.region);
}

/** Whether an alarm tells someone: its actions are enabled and it has at least one alarm action. */
export function alarmNotifies(alarm: Located): boolean {
  const p = alarm.resource.Properties ?? {};
  return p.ActionsEnabled !== false && p.ActionsEnabled !== 'false' && Array.isArray(p.AlarmActions) && p.AlarmActions.length > 0;
}

/** Whether an EventBridge rule delivers: not disabled, on the default bus (where AWS services send), with a target. */
export function ruleDelivers(rule: Located): boolean {
  const p = rule.resource.Properties ?? {};
  const bus = rule.r.resolve(p.EventBusName);
  return rule.r.resolve(p.State) !== 'DISABLED' && (bus === undefined || bus === 'default')
    && Array.isArray(p.Targets) && p.Targets.length > 0;
}
