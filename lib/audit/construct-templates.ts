// The templates of an app read from its construct tree, in the shape the posture checks read (the same checks the CLI
// runs on a cloud assembly). Each stack's resources are resolved as CloudFormation would receive them; a resource that
// cannot be resolved yet is left out rather than failing the synth.
import { Annotations, CfnElement, CfnResource, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { AppIndex, buildIndex, Located } from '../private/posture/app-index';
import type { Template, TemplateResource, TemplateStack } from '../private/posture/template';

export interface ConstructIndex {
  readonly index: AppIndex;
  /** The template resource of a CfnResource of the tree. */
  locate(resource: CfnResource): Located | undefined;
  /** The CfnResource of a template resource of the tree. */
  resourceOf(at: Located): CfnResource | undefined;
}

function literalOrUndefined(value: string): string | undefined {
  return Token.isUnresolved(value) ? undefined : value;
}

/**
 * Everything one CfnElement adds to its stack's template (`Resources`, `Outputs`, …), resolved; undefined when it cannot
 * be, and the element then says so in an info annotation (the checks cannot see it).
 */
function renderElement(stack: Stack, element: CfnElement): Record<string, Record<string, unknown>> | undefined {
  try {
    // _toCloudFormation is how a Stack renders each of its elements into the template; it is internal API, so a
    // failure here (an unresolvable token) skips the element instead of breaking the synth.
    const render = (element as unknown as { _toCloudFormation?: () => unknown })._toCloudFormation;
    return render ? stack.resolve(render.call(element)) as Record<string, Record<string, unknown>> : undefined;
  } catch (err) {
    Annotations.of(element).addInfoV2('cdk-backup-dr:BackupCoverage.unreadable',
      `the backup coverage check and the DR pack cannot read ${element.node.path} (${(err as Error).message}); they judge the app without it`);
    return undefined;
  }
}

/** Indexes every stack under `root` (nested stacks included). */
export function indexConstructTree(root: IConstruct): ConstructIndex {
  const stacks: TemplateStack[] = [];
  const byResource = new Map<CfnResource, { stack: TemplateStack; logicalId: string }>();
  for (const stack of root.node.findAll().filter(Stack.isStack)) {
    // Named by construct path, unique in the app: two stacks may share a stack name (one per account or region), and a
    // nested stack's name is known only after deploy.
    const stackName = stack.node.path;
    const resources: Record<string, TemplateResource> = {};
    const pending: Array<[CfnResource, string]> = [];
    const outputs: Record<string, unknown> = {};
    const conditions: Record<string, unknown> = {};
    for (const element of stack.node.findAll().filter((c): c is CfnElement => CfnElement.isCfnElement(c) && c.stack === stack)) {
      const rendered = renderElement(stack, element);
      for (const [id, resource] of Object.entries((rendered?.Resources ?? {}) as Record<string, Record<string, unknown>>)) {
        const metadata = { ...(resource.Metadata as Record<string, unknown> | undefined), 'aws:cdk:path': element.node.path };
        resources[id] = { ...resource, Metadata: metadata } as unknown as TemplateResource;
        if (CfnResource.isCfnResource(element)) pending.push([element, id]);
      }
      Object.assign(outputs, rendered?.Outputs ?? {});
      Object.assign(conditions, rendered?.Conditions ?? {});
    }
    const templateStack: TemplateStack = {
      stackName,
      account: literalOrUndefined(stack.account),
      region: literalOrUndefined(stack.region),
      template: { Resources: resources, Outputs: outputs, Conditions: conditions } as Template,
    };
    stacks.push(templateStack);
    pending.forEach(([element, logicalId]) => byResource.set(element, { stack: templateStack, logicalId }));
  }
  const index = buildIndex(stacks);
  const byStack = new Map<TemplateStack, Map<string, Located>>();
  for (const at of index.resources) {
    if (!byStack.has(at.stack)) byStack.set(at.stack, new Map());
    byStack.get(at.stack)!.set(at.logicalId, at);
  }
  const located = (stack: TemplateStack, logicalId: string) => byStack.get(stack)?.get(logicalId);
  const byLocated = new Map<Located, CfnResource>();
  for (const [resource, key] of byResource) {
    const at = located(key.stack, key.logicalId);
    if (at) byLocated.set(at, resource);
  }
  return {
    index,
    resourceOf: (at) => byLocated.get(at),
    locate: (resource) => {
      const key = byResource.get(resource);
      return key ? located(key.stack, key.logicalId) : undefined;
    },
  };
}
