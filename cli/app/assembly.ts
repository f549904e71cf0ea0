// Reading a synthesized CDK app (a cloud assembly: `cdk.out/manifest.json` and the templates it names), offline.
// The restore command learns the app's production databases from it; the runbook learns everything else.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { Template, TemplateStack } from '../../lib/private/posture/template';
import { resourcesOfType } from '../../lib/private/posture/template';
import { CliError, EXIT } from '../exit-codes';

export { literal, literalStrings, resourcesOfType } from '../../lib/private/posture/template';
export type { Template, TemplateResource } from '../../lib/private/posture/template';

/** One stack of the app. */
export interface AssemblyStack extends TemplateStack {
  /** The stack's artifact id (what `cdk deploy` takes). */
  readonly id: string;
}

interface ManifestArtifact {
  readonly type: string;
  readonly environment?: string;
  readonly properties?: { readonly templateFile?: string; readonly stackName?: string; readonly directoryName?: string };
}

/** Reads every stack of the cloud assembly in `dir`, nested assemblies (stages) included. */
export function readAssembly(dir: string): AssemblyStack[] {
  const manifestFile = path.join(dir, 'manifest.json');
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new CliError(EXIT.USAGE, `the cloud assembly directory '${dir}' does not exist; run 'npx cdk synth' first (it writes cdk.out), or name the directory (--app DIR)`);
  }
  if (!existsSync(manifestFile)) {
    throw new CliError(EXIT.USAGE, `'${dir}' is not a cloud assembly: it has no manifest.json; run 'npx cdk synth' and pass its output directory`);
  }
  let manifest: { artifacts?: Record<string, ManifestArtifact> };
  try {
    manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  } catch (err) {
    throw new CliError(EXIT.USAGE, `cannot read ${manifestFile}: ${(err as Error).message}; synthesize the app again`);
  }
  const stacks: AssemblyStack[] = [];
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      stacks.push(...readAssembly(path.join(dir, artifact.properties.directoryName)));
    }
    if (artifact.type !== 'aws:cloudformation:stack' || !artifact.properties?.templateFile) continue;
    const env = /^aws:\/\/([^/]+)\/(.+)$/.exec(artifact.environment ?? '');
    const file = path.join(dir, artifact.properties.templateFile);
    let template: Template;
    try {
      template = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new CliError(EXIT.USAGE, `cannot read the template ${file} of stack ${id}: ${(err as Error).message}; synthesize the app again`);
    }
    const stack: AssemblyStack = {
      id,
      stackName: artifact.properties.stackName ?? id,
      account: env && !env[1].startsWith('unknown-') ? env[1] : undefined,
      region: env && !env[2].startsWith('unknown-') ? env[2] : undefined,
      template,
    };
    stacks.push(stack, ...nestedStacks(dir, stack));
  }
  return stacks;
}

/** Asset hash → file of every asset manifest (`*.assets.json`) in the assembly directory. */
function assetFiles(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.assets.json'))) {
    const manifest = JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as { files?: Record<string, { source?: { path?: string } }> };
    for (const [hash, asset] of Object.entries(manifest.files ?? {})) {
      if (asset.source?.path) files.set(hash, asset.source.path);
    }
  }
  return files;
}

/**
 * The nested stacks of `parent`, recursively: their templates lie beside it, named by the `aws:asset:path` metadata (the
 * CDK CLI adds it) or, without it, by the asset the TemplateURL points to (`…/<hash>.json` in an asset manifest).
 */
function nestedStacks(dir: string, parent: AssemblyStack): AssemblyStack[] {
  let assets: Map<string, string> | undefined;
  return resourcesOfType(parent, 'AWS::CloudFormation::Stack').flatMap(([logicalId, r]) => {
    let file = r.Metadata?.['aws:asset:path'];
    if (typeof file !== 'string') {
      const hash = /\/([0-9a-f]{64})\.json/.exec(JSON.stringify(r.Properties?.TemplateURL ?? ''))?.[1];
      assets = assets ?? assetFiles(dir);
      file = hash ? assets.get(hash) : undefined;
    }
    if (typeof file !== 'string' || !existsSync(path.join(dir, file))) return [];
    const nested: AssemblyStack = {
      id: `${parent.id}/${logicalId}`,
      stackName: `${parent.stackName}/${logicalId}`,
      account: parent.account,
      region: parent.region,
      template: JSON.parse(readFileSync(path.join(dir, file), 'utf8')),
      nestedIn: { stackName: parent.stackName, logicalId },
    };
    return [nested, ...nestedStacks(dir, nested)];
  });
}
