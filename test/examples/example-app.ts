import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

const cdkJson = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8'));

/**
 * An example app as `npx cdk synth --app 'npx tsx examples/<name>/app.ts'` builds it from the repository root:
 * with the feature flags of cdk.json (the reference app's `backup-dr` block is not read by the examples).
 */
export function exampleApp(build: (app: App) => Stack[]): { app: App; stacks: Stack[] } {
  const context = JSON.parse(JSON.stringify(cdkJson.context));
  delete context['backup-dr'];
  const app = new App({ context });
  return { app, stacks: build(app) };
}

/** The template of the stack with this construct id. */
export function templateOf(stacks: Stack[], id: string): Template {
  const stack = stacks.find((s) => s.node.id === id);
  if (!stack) {
    throw new Error(`no stack '${id}'; the example builds ${stacks.map((s) => s.node.id).join(', ')}`);
  }
  return Template.fromStack(stack);
}
