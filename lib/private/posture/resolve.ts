// CloudFormation values of a synthesized template, resolved as far as synth knows them: pseudo parameters from the
// stack's environment, `Ref`/`GetAtt` of resources that carry a literal physical name (a DB identifier, a bucket or
// vault name), `Fn::Join` and `Fn::Sub`. Anything known only after deploy becomes a marker naming the stack and the
// logical id, which the runbook renders as the AWS CLI call that reads it back. `Fn::ImportValue` of an export another
// stack of the app declares resolves in that stack.
import type { TemplateResource, TemplateStack } from './template';

/** A value known only after deploy: `⟦stack|logicalId|attribute⟧` inside a resolved string. */
const MARKER = /⟦([^|⟧]*)\|([^|⟧]*)\|([^⟧]*)⟧/g;

export interface Marker {
  readonly stack: string;
  readonly logicalId: string;
  /** '' for Ref. */
  readonly attribute: string;
}

export function markersIn(value: string): Marker[] {
  return [...value.matchAll(MARKER)].map((m) => ({ stack: m[1], logicalId: m[2], attribute: m[3] }));
}

/** Whether a resolved value holds no marker. */
export function isKnown(value: string | undefined): value is string {
  return value !== undefined && markersIn(value).length === 0;
}

/** Replaces each marker with `render(marker)`. */
export function renderMarkers(value: string, render: (m: Marker) => string): string {
  return value.replace(MARKER, (_all, stack: string, logicalId: string, attribute: string) => render({ stack, logicalId, attribute }));
}

/** The property that holds a resource type's physical name (what `Ref` returns, when set in the template). */
const NAME_PROPERTY: Record<string, string> = {
  'AWS::RDS::DBInstance': 'DBInstanceIdentifier',
  'AWS::RDS::DBCluster': 'DBClusterIdentifier',
  'AWS::DocDB::DBCluster': 'DBClusterIdentifier',
  'AWS::DocDB::DBInstance': 'DBInstanceIdentifier',
  'AWS::Neptune::DBCluster': 'DBClusterIdentifier',
  'AWS::RDS::DBSubnetGroup': 'DBSubnetGroupName',
  'AWS::DocDB::DBSubnetGroup': 'DBSubnetGroupName',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::Backup::BackupVault': 'BackupVaultName',
  'AWS::Backup::LogicallyAirGappedBackupVault': 'BackupVaultName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::DynamoDB::GlobalTable': 'TableName',
  'AWS::ElastiCache::ReplicationGroup': 'ReplicationGroupId',
  'AWS::ElastiCache::CacheCluster': 'ClusterName',
};
/** RDS stores identifiers and subnet group names in lower case. */
const LOWER_CASE = new Set(['AWS::RDS::DBInstance', 'AWS::RDS::DBCluster', 'AWS::DocDB::DBCluster', 'AWS::DocDB::DBInstance', 'AWS::RDS::DBSubnetGroup', 'AWS::DocDB::DBSubnetGroup']);

/** Template text that cannot pose as a marker or break a line: marker brackets and control characters become U+FFFD. */
function sanitize(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[⟦⟧\u0000-\u001f\u007f]/g, '\ufffd');
}

/** A short digest of a text (FNV-1a, 32 bits): enough to tell expressions apart within one app. */
function digest(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36);
}

/** Export name → the stack that declares it and the exported value, for `Fn::ImportValue`. */
export type Exports = ReadonlyMap<string, { readonly stack: TemplateStack; readonly value: unknown }>;

/** The literal-named exports of every stack. */
export function exportsOf(stacks: readonly TemplateStack[]): Exports {
  const found = new Map<string, { stack: TemplateStack; value: unknown }>();
  for (const stack of stacks) {
    const r = new Resolver(stack);
    for (const output of Object.values(stack.template.Outputs ?? {})) {
      const name = output.Export?.Name === undefined ? undefined : r.resolve(output.Export.Name);
      if (isKnown(name)) found.set(name, { stack, value: output.Value });
    }
  }
  return found;
}

export class Resolver {
  /** @param exports the app's exports, for `Fn::ImportValue` (see `exportsOf`); without them an import is a marker. */
  constructor(private readonly stack: TemplateStack, private readonly appExports?: Exports, private readonly depth = 0) {}

  private marker(logicalId: string, attribute = ''): string {
    return `⟦${this.stack.stackName}|${logicalId}|${attribute}⟧`;
  }

  private resource(logicalId: string): TemplateResource | undefined {
    return this.stack.template.Resources?.[logicalId];
  }

  /** The physical name of a resource when the template sets it. */
  physicalName(logicalId: string): string | undefined {
    const r = this.resource(logicalId);
    const property = r && NAME_PROPERTY[r.Type];
    const value = property ? r.Properties?.[property] : undefined;
    if (typeof value !== 'string') return undefined;
    const clean = sanitize(value);
    return LOWER_CASE.has((r as TemplateResource).Type) ? clean.toLowerCase() : clean;
  }

  private ref(name: string): string {
    switch (name) {
      case 'AWS::Region': return this.stack.region ?? this.marker('AWS::Region');
      case 'AWS::AccountId': return this.stack.account ?? this.marker('AWS::AccountId');
      case 'AWS::Partition': return 'aws';
      case 'AWS::URLSuffix': return 'amazonaws.com';
      case 'AWS::StackName': return this.stack.stackName;
      default: return this.physicalName(name) ?? this.marker(name);
    }
  }

  private getAtt(logicalId: string, attribute: string): string {
    const r = this.resource(logicalId);
    // A vault's name attribute is its Ref: one spelling whichever a template uses.
    if (r?.Type.endsWith('BackupVault') && attribute === 'BackupVaultName') return this.ref(logicalId);
    const name = this.physicalName(logicalId);
    if (r && name !== undefined) {
      const region = this.stack.region ?? this.marker('AWS::Region');
      const account = this.stack.account ?? this.marker('AWS::AccountId');
      if (r.Type.endsWith('BackupVault') && attribute === 'BackupVaultArn') return `arn:aws:backup:${region}:${account}:backup-vault:${name}`;
      if (r.Type === 'AWS::S3::Bucket' && attribute === 'Arn') return `arn:aws:s3:::${name}`;
      if (r.Type === 'AWS::IAM::Role' && attribute === 'Arn') return `arn:aws:iam::${account}:role/${name}`;
      if (r.Type.startsWith('AWS::DynamoDB::') && attribute === 'Arn') return `arn:aws:dynamodb:${region}:${account}:table/${name}`;
    }
    return this.marker(logicalId, attribute);
  }

  /**
   * A value resolved to a string (with markers for what synth cannot know), or undefined when it is not a string. Text of
   * the template cannot pose as a marker or break a line: the marker brackets and control characters in it become U+FFFD.
   * An intrinsic function this resolver does not follow (Fn::ImportValue, Fn::Select, Fn::If, …) is a marker of its own
   * (`⟦stack|Fn::…|⟧`), which nothing reads back.
   */
  resolve(value: unknown): string | undefined {
    if (typeof value === 'string') return sanitize(value);
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
    const o = value as Record<string, unknown>;
    if (typeof o.Ref === 'string') return this.ref(o.Ref);
    if (Array.isArray(o['Fn::GetAtt'])) {
      const [id, attribute] = o['Fn::GetAtt'] as [string, string];
      return this.getAtt(id, attribute);
    }
    if (typeof o['Fn::GetAtt'] === 'string') {
      const [id, ...rest] = (o['Fn::GetAtt'] as string).split('.');
      return this.getAtt(id, rest.join('.'));
    }
    if (Array.isArray(o['Fn::Join'])) {
      const [separator, parts] = o['Fn::Join'] as [string, unknown[]];
      const resolved = (parts ?? []).map((p) => this.resolve(p));
      return resolved.every((p) => p !== undefined) ? resolved.join(separator) : undefined;
    }
    if (o['Fn::Sub'] !== undefined) {
      const [raw, vars] = Array.isArray(o['Fn::Sub']) ? o['Fn::Sub'] as [string, Record<string, unknown>] : [o['Fn::Sub'] as string, {}];
      const text = this.resolve(raw) ?? '';
      return text.replace(/\$\{([^}!][^}]*)\}/g, (_all, name: string) => {
        if (vars[name] !== undefined) return this.resolve(vars[name]) ?? this.marker(name);
        const [id, attribute] = name.split('.');
        return attribute ? this.getAtt(id, attribute) : this.ref(id);
      });
    }
    if (o['Fn::ImportValue'] !== undefined) {
      const name = this.resolve(o['Fn::ImportValue']);
      const exported = isKnown(name) ? this.appExports?.get(name) : undefined;
      // An export of an import of an export… is followed a few levels, never in a loop.
      if (exported && this.depth < 4) return new Resolver(exported.stack, this.appExports, this.depth + 1).resolve(exported.value);
    }
    const intrinsic = Object.keys(o).find((k) => k.startsWith('Fn::') || k === 'Ref');
    // The attribute slot holds a digest of the expression: two different unfollowed values never compare equal.
    return intrinsic ? this.marker(intrinsic, `#${digest(JSON.stringify(o))}`) : undefined;
  }

  /** `resolve` for a value that should be a list of strings. */
  resolveList(value: unknown): string[] {
    return Array.isArray(value) ? value.map((v) => this.resolve(v)).filter((v): v is string => v !== undefined) : [];
  }
}
