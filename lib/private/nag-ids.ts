import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * A value as cdk-nag writes it into the id of a granular finding (`AwsSolutions-IAM5[Resource::<value>]`):
 * the resolved CloudFormation with `Fn::Join` joined, `Ref` and `Fn::GetAtt` as `<Name>` / `<Name.Attribute>`.
 */
export function flattenForNag(scope: IConstruct, value: string): string {
  return flatten(Stack.of(scope).resolve(value));
}

function flatten(value: unknown): string {
  if (value === undefined) {
    return '';
  }
  if (typeof value === 'string') {
    return value.replace(/\${/g, '<').replace(/}/g, '>');
  }
  const node = value as Record<string, unknown>;
  if (node['Fn::Join']) {
    const [delimiter, items] = node['Fn::Join'] as [string, unknown[]];
    return items.map(flatten).join(delimiter);
  }
  if (node['Fn::Sub']) {
    return flatten(node['Fn::Sub']);
  }
  if (node['Fn::GetAtt']) {
    const [resource, attribute] = node['Fn::GetAtt'] as [unknown, unknown];
    return `<${flatten(resource)}.${flatten(attribute)}>`;
  }
  if (node['Fn::ImportValue']) {
    return flatten(node['Fn::ImportValue']);
  }
  if (node.Ref) {
    return `<${flatten(node.Ref)}>`;
  }
  return JSON.stringify(value);
}
