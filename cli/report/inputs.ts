// What `report` reads: a cloud assembly directory (cdk.out), or CloudFormation template files of any app (a plain CDK
// app's, or templates written by hand). A template file has no environment: its account and region stay unknown.
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { Template } from '../../lib/private/posture/template';
import { AssemblyStack, readAssembly } from '../app/assembly';
import { CliError, EXIT } from '../exit-codes';

function readTemplate(file: string): AssemblyStack {
  let template: Template;
  try {
    template = JSON.parse(readFileSync(file, 'utf8')) as Template;
  } catch (err) {
    throw new CliError(EXIT.USAGE, `cannot read the template ${file}: ${(err as Error).message}; give a CloudFormation template in JSON (npx cdk synth writes them into cdk.out)`);
  }
  if (!template || typeof template !== 'object' || !template.Resources || typeof template.Resources !== 'object' || Array.isArray(template.Resources)) {
    throw new CliError(EXIT.USAGE, `${file} is not a CloudFormation template: it has no Resources`);
  }
  const broken = Object.entries(template.Resources).filter(([, r]) => !r || typeof r !== 'object' || typeof (r as { Type?: unknown }).Type !== 'string');
  if (broken.length > 0) {
    throw new CliError(EXIT.USAGE, `${file} is not a valid CloudFormation template: resource ${broken.map(([id]) => id).join(', ')} has no Type`);
  }
  const name = path.basename(file).replace(/(\.template)?\.json$/, '');
  return { id: name, stackName: name, template };
}

/** The stacks of a cloud assembly directory, or of template files. */
export function readReportInputs(inputs: readonly string[]): AssemblyStack[] {
  if (inputs.length === 1 && (!existsSync(inputs[0]) || statSync(inputs[0]).isDirectory())) {
    return readAssembly(inputs[0]);
  }
  for (const input of inputs) {
    if (!existsSync(input)) throw new CliError(EXIT.USAGE, `'${input}' does not exist; give a cdk.out directory or CloudFormation template files`);
    if (statSync(input).isDirectory()) throw new CliError(EXIT.USAGE, `'${input}' is a directory: give one cloud assembly directory, or template files only`);
  }
  const stacks = inputs.map(readTemplate);
  // Two files of one name (prod/Workload.template.json, staging/Workload.template.json) are two stacks: name each by
  // its path then.
  return stacks.map((stack, i) => (stacks.filter((s) => s.stackName === stack.stackName).length > 1 ? { ...stack, id: inputs[i], stackName: inputs[i] } : stack));
}
