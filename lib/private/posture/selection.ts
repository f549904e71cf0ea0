// Which resources an AWS Backup selection assigns to its plan, decided the way AWS Backup decides it: `Resources` (ARNs,
// `*` wildcards) or `ListOfTags` (either matches), and every one of `Conditions`, and none of `NotResources`. A selection
// with no resources, tags or conditions assigns every supported resource. A plan protects resources of its own account
// and region only.
import { Marker, markersIn, Resolver } from './resolve';

export interface TagCondition {
  readonly operator: 'StringEquals' | 'StringNotEquals' | 'StringLike' | 'StringNotLike';
  readonly key: string;
  readonly value: string;
}

export interface Selection {
  readonly name: string;
  /** Resolved ARNs (may hold markers). */
  readonly resources: readonly string[];
  readonly notResources: readonly string[];
  /** `ListOfTags`: any one matching assigns the resource. */
  readonly anyTags: ReadonlyArray<{ readonly key: string; readonly value: string }>;
  /** `Conditions`: all must match. */
  readonly allConditions: readonly TagCondition[];
}

const OPERATORS = ['StringEquals', 'StringNotEquals', 'StringLike', 'StringNotLike'] as const;

/** Reads an AWS::Backup::BackupSelection's `BackupSelection` property. */
export function readSelection(r: Resolver, body: Record<string, unknown>): Selection {
  const tagKey = (key: string) => key.replace(/^aws:ResourceTag\//, '');
  const conditions = (body.Conditions ?? {}) as Record<string, unknown>;
  return {
    name: r.resolve(body.SelectionName) ?? '',
    resources: r.resolveList(body.Resources),
    notResources: r.resolveList(body.NotResources),
    anyTags: ((body.ListOfTags ?? []) as Array<Record<string, unknown>>).map((t) => ({
      key: tagKey(r.resolve(t.ConditionKey) ?? ''), value: r.resolve(t.ConditionValue) ?? '',
    })),
    allConditions: OPERATORS.flatMap((operator) => ((conditions[operator] ?? []) as Array<Record<string, unknown>>).map((c) => ({
      operator, key: tagKey(r.resolve(c.ConditionKey) ?? ''), value: r.resolve(c.ConditionValue) ?? '',
    }))),
  };
}

function escape(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

/** A glob (`*` any run of characters) as a regular expression; a marker in the text matches anything there. */
function globMatches(pattern: string, value: string): boolean {
  if (markersIn(pattern).length > 0) return false;
  const regex = new RegExp(`^${pattern.split('*').map(escape).join('.*')}$`, 's');
  return regex.test(value);
}

/** Whether a selection string names a resource known by `forms` (its Ref, ARN, Arn attribute). */
function names(entry: string, forms: readonly string[]): boolean {
  if (forms.includes(entry)) return true;
  return entry.includes('*') && forms.some((form) => globMatches(entry, form));
}

/** StringLike semantics: `*` and `?` wildcards. */
function like(pattern: string, value: string): boolean {
  const regex = new RegExp(`^${pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : escape(c))).join('')}$`, 's');
  return regex.test(value);
}

function conditionHolds(c: TagCondition, tags: Readonly<Record<string, string>>): boolean {
  const value = tags[c.key];
  switch (c.operator) {
    case 'StringEquals': return value === c.value;
    case 'StringNotEquals': return value !== c.value;
    case 'StringLike': return value !== undefined && like(c.value, value);
    case 'StringNotLike': return value === undefined || !like(c.value, value);
  }
}

/** How a selection assigns a resource, or undefined when it does not. */
export function selects(selection: Selection, forms: readonly string[], tags: Readonly<Record<string, string>>): string | undefined {
  if (selection.notResources.some((entry) => names(entry, forms))) return undefined;
  // An exclusion known only at deploy may name this very store: the selection is not counted as protecting it.
  const excluding = [...selection.notResources, ...selection.allConditions.filter((c) => c.operator.includes('Not')).map((c) => c.value)];
  if (excluding.some((entry) => markersIn(entry).length > 0 && !forms.includes(entry))) return undefined;
  if (!selection.allConditions.every((c) => conditionHolds(c, tags))) return undefined;
  const conditions = selection.allConditions.map((c) => `${c.key} ${c.operator} ${c.value}`).join(' and ');
  const resource = selection.resources.find((entry) => names(entry, forms));
  const tag = selection.anyTags.find((t) => tags[t.key] === t.value);
  const by = resource !== undefined ? (resource.includes('*') ? `ARN pattern ${resource}` : 'its ARN')
    : tag ? `tag ${tag.key}=${tag.value}` : undefined;
  if (by) return conditions ? `${by}, with ${conditions}` : by;
  if (selection.resources.length === 0 && selection.anyTags.length === 0) {
    return conditions ? `tag conditions ${conditions}` : 'a selection of every supported resource';
  }
  return undefined;
}

/** Markers of values known only after deploy in a selection: what an offline check cannot match. */
export function unresolvedEntries(selection: Selection): Marker[] {
  return [...selection.resources, ...selection.notResources, ...selection.anyTags.map((t) => t.value), ...selection.allConditions.map((c) => c.value)].flatMap(markersIn);
}
