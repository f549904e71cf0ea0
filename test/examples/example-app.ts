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

/** A drill validator's `VALIDATE_SELECTIONS` in a template, intrinsic functions written as `<token>`. */
export function validatorSelections(template: Template, drillName: string): unknown[] {
  const functions = Object.values(template.findResources('AWS::Lambda::Function')) as Array<{ Properties: { Environment?: { Variables?: Record<string, unknown> } } }>;
  const variables = functions.map((fn) => fn.Properties.Environment?.Variables ?? {}).find((v) => v.VALIDATE_DRILL === drillName);
  if (!variables) {
    throw new Error(`no drill validator for '${drillName}'`);
  }
  const value = variables.VALIDATE_SELECTIONS as string | { 'Fn::Join': [string, unknown[]] };
  const text = typeof value === 'string' ? value : value['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : '<token>')).join('');
  return JSON.parse(text);
}

/** The threshold, metric and dimensions of the alarm with this name. */
export function alarmNamed(template: Template, alarmName: string): Record<string, unknown> {
  const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: alarmName } })) as Array<{ Properties: Record<string, unknown> }>;
  if (alarms.length !== 1) {
    throw new Error(`${alarms.length} alarms named '${alarmName}'`);
  }
  return alarms[0].Properties;
}
