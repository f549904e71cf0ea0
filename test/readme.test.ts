import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

const root = path.join(__dirname, '..');

/** The README's TypeScript blocks must compile against the library, so the docs cannot drift from the API. */
test('the README usage example type-checks against lib/', () => {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
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
