// The templates of an app read from its construct tree, in the shape the posture checks read (the same checks the CLI
// runs on a cloud assembly). Each stack's resources are resolved as CloudFormation would receive them; a resource that
// cannot be resolved yet is left out rather than failing the synth.
import { CfnElement, CfnResource, Stack, Token } from 'aws-cdk-lib';
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

/** Everything one CfnElement adds to its stack's template (`Resources`, `Outputs`, …), resolved; undefined when it cannot be. */
function renderElement(stack: Stack, element: CfnElement): Record<string, Record<string, unknown>> | undefined {
  try {
    // _toCloudFormation is how a Stack renders each of its elements into the template; it is internal API, so a
    // failure here (an unresolvable token) skips the element instead of breaking the synth.
    const render = (element as unknown as { _toCloudFormation?: () => unknown })._toCloudFormation;
    return render ? stack.resolve(render.call(element)) as Record<string, Record<string, unknown>> : undefined;
  } catch {
    return undefined;
  }
}

/** Indexes every stack under `root` (nested stacks included). */
export function indexConstructTree(root: IConstruct): ConstructIndex {
  const stacks: TemplateStack[] = [];
  const byResource = new Map<CfnResource, { stackName: string; logicalId: string }>();
  for (const stack of root.node.findAll().filter(Stack.isStack)) {
    // A nested stack's name is known only after deploy: its construct path names it here.
    const stackName = Token.isUnresolved(stack.stackName) ? stack.node.path : stack.stackName;
    const resources: Record<string, TemplateResource> = {};
    const outputs: Record<string, unknown> = {};
    const conditions: Record<string, unknown> = {};
    for (const element of stack.node.findAll().filter((c): c is CfnElement => CfnElement.isCfnElement(c) && c.stack === stack)) {
      const rendered = renderElement(stack, element);
      for (const [id, resource] of Object.entries((rendered?.Resources ?? {}) as Record<string, Record<string, unknown>>)) {
        const metadata = { ...(resource.Metadata as Record<string, unknown> | undefined), 'aws:cdk:path': element.node.path };
        resources[id] = { ...resource, Metadata: metadata } as unknown as TemplateResource;
        if (CfnResource.isCfnResource(element)) byResource.set(element, { stackName, logicalId: id });
      }
      Object.assign(outputs, rendered?.Outputs ?? {});
      Object.assign(conditions, rendered?.Conditions ?? {});
    }
    stacks.push({
      stackName,
      account: literalOrUndefined(stack.account),
      region: literalOrUndefined(stack.region),
      template: { Resources: resources, Outputs: outputs, Conditions: conditions } as Template,
    });
  }
  const index = buildIndex(stacks);
  const byKey = new Map(index.resources.map((at) => [`${at.stack.stackName}\u0000${at.logicalId}`, at]));
  const byLocated = new Map<string, CfnResource>([...byResource].map(([resource, key]) => [`${key.stackName}\u0000${key.logicalId}`, resource]));
  return {
    index,
    resourceOf: (at) => byLocated.get(`${at.stack.stackName}\u0000${at.logicalId}`),
    locate: (resource) => {
      const key = byResource.get(resource);
      return key ? byKey.get(`${key.stackName}\u0000${key.logicalId}`) : undefined;
    },
  };
}
