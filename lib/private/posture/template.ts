// The shape of a synthesized CloudFormation template as the posture checks read it: from a cloud assembly on disk (the
// CLI) or from the construct tree at synth (the coverage aspect and the rule pack). Nothing here imports aws-cdk-lib,
// so the CLI bundle stays small.

/** A CloudFormation template, as far as the posture checks read it. */
export interface Template {
  readonly Resources?: Record<string, TemplateResource>;
  readonly Outputs?: Record<string, TemplateOutput>;
  readonly Conditions?: Record<string, unknown>;
}

export interface TemplateOutput {
  readonly Value?: unknown;
  readonly Export?: { readonly Name?: unknown };
}

export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
  /** The template condition the resource is created under. */
  readonly Condition?: string;
}

/** One stack of an app. */
export interface TemplateStack {
  readonly stackName: string;
  /** The account, or undefined when the stack is environment-agnostic. */
  readonly account?: string;
  readonly region?: string;
  readonly template: Template;
  /** For a nested stack: the stack and the logical id of its AWS::CloudFormation::Stack resource. */
  readonly nestedIn?: { readonly stackName: string; readonly logicalId: string };
}

/** The resources of a stack's template of one type, with their logical ids. */
export function resourcesOfType(stack: TemplateStack, type: string): Array<[string, TemplateResource]> {
  return Object.entries(stack.template.Resources ?? {}).filter(([, r]) => r.Type === type);
}

/** A literal string (not a token such as `{Ref: …}`), else undefined. */
export function literal(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Every literal string anywhere in a value (a template or part of one). */
export function literalStrings(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) value.forEach((v) => literalStrings(v, into));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => literalStrings(v, into));
  return into;
}

/** A whole number written as a number or a string of digits (CloudFormation accepts both), else undefined. */
export function num(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  return typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined;
}

/** A boolean written as a boolean or as 'true'/'false', else undefined. */
export function bool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  return value === 'true' ? true : value === 'false' ? false : undefined;
}

/** A resource's `Tags` as key → value, from the list form (`[{Key, Value}]`) or the map form (`{key: value}`). */
export function tagsOf(resource: TemplateResource, tagProperty = 'Tags'): Record<string, unknown> {
  const raw = resource.Properties?.[tagProperty];
  if (Array.isArray(raw)) {
    return Object.fromEntries(raw.filter((t) => t && typeof t === 'object').map((t: { Key?: unknown; Value?: unknown }) => [String(t.Key), t.Value]));
  }
  return raw && typeof raw === 'object' ? raw as Record<string, unknown> : {};
}
