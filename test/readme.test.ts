import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ts from 'typescript';

const root = path.join(__dirname, '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts(?: nofixture)?\n([\s\S]*?)```/g)].map((m) => m[1]);

/** The README's TypeScript blocks must compile against the library, so the docs cannot drift from the API. */
test('the README usage example type-checks against lib/', () => {
  expect(blocks.length).toBeGreaterThan(0);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-'));
  const files = blocks.map((code, i) => {
    const file = path.join(dir, `block${i}.ts`);
    fs.writeFileSync(file, code);
    return file;
  });
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    types: ['node'],
    typeRoots: [path.join(root, 'node_modules', '@types')],
    paths: { 'cdk-backup-dr': [path.join(root, 'lib', 'index.ts')], '*': [path.join(root, 'node_modules', '*')] },
  });
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) =>
    ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  fs.rmSync(dir, { recursive: true, force: true });
  expect(diagnostics).toEqual([]);
});

/** ... and the usage example must synthesize to what its comments promise. */
test('the README usage example synthesizes a plan that copies one recovery point a day', () => {
  const js = ts.transpileModule(blocks[0], { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } })
    .outputText.replace(/require\("cdk-backup-dr"\)/g, JSON.stringify(path.join(root, 'lib')).replace(/^/, 'require(').replace(/$/, ')'));
  const file = path.join(__dirname, `readme-example.generated.${process.pid}.js`);
  fs.writeFileSync(file, `${js}\nmodule.exports = { app };\n`);
  let app: App;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    app = require(file).app;
  } finally {
    fs.rmSync(file, { force: true });
  }
  const template = Template.fromStack(app.node.findChild('Prod') as Stack);
  const [plan] = Object.values(template.findResources('AWS::Backup::BackupPlan')) as any[];
  const rules = plan.Properties.BackupPlan.BackupPlanRule as any[];
  expect(rules.map((r) => [r.RuleName, r.CopyActions?.length ?? 0])).toEqual([
    ['Hourly', 0], ['Daily', 1], ['Weekly', 1], ['Monthly', 1],
  ]);
});
