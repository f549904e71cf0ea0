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

/** The actions of a statement, lower-cased. */
export function actionsOf(statement: PolicyStatement): string[] {
  const raw = statement.Action;
  return (Array.isArray(raw) ? raw : [raw]).filter((a): a is string => typeof a === 'string').map((a) => a.toLowerCase());
}

/** Whether a statement's actions cover `action` (exact, `service:*` or `*`). */
export function coversAction(statement: PolicyStatement, action: string): boolean {
  const wanted = action.toLowerCase();
  return actionsOf(statement).some((a) => a === wanted || a === '*' || (a.endsWith('*') && wanted.startsWith(a.slice(0, -1))));
}

/** Whether the statement's principal is everyone (`*` or `{AWS: '*'}`). */
export function toEveryone(statement: PolicyStatement): boolean {
  const p = statement.Principal as { AWS?: unknown } | string | undefined;
  return p === '*' || (typeof p === 'object' && p !== null && (p.AWS === '*' || (Array.isArray(p.AWS) && p.AWS.includes('*'))));
}

/** The bucket policies (AWS::S3::BucketPolicy) attached to a bucket of the app. */
export function bucketPolicies(at: Located, index: AppIndex): Located[] {
  return index.ofType('AWS::S3::BucketPolicy').filter((p) => p.stack === at.stack && index.referenced(p, p.resource.Properties?.Bucket) === at);
}

/** The plans of the app's account and region (or of environment-agnostic stacks). */
export function sameEnvironment(a: Located, b: Located): boolean {
  const same = (x?: string, y?: string) => x === undefined || y === undefined || x === y;
  return same(a.stack.account, b.stack.account) && same(a.stack.region, b.stack.region);
}
