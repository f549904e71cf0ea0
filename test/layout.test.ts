import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

// The shape of lib/ that lib/README.md describes, checked on every test run: small files, no import cycles (type-only
// imports count), private/ imports no public construct, and a folder reaches a sibling only through its index.ts.

const LIB = path.join(__dirname, '..', 'lib');
const MAX_LINES = 800;

function libFiles(dir = LIB): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return libFiles(full);
    }
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** The lib/ files a file imports (static, dynamic and type-only), resolved to paths relative to lib/. */
function importsOf(file: string, source = fs.readFileSync(file, 'utf8')): string[] {
  const info = ts.preProcessFile(source, true, true);
  return info.importedFiles
    .map((imported) => imported.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => {
      const target = path.resolve(path.dirname(file), spec);
      const candidates = [`${target}.ts`, path.join(target, 'index.ts')];
      const found = candidates.find((candidate) => fs.existsSync(candidate));
      if (!found) {
        throw new Error(`${path.relative(LIB, file)} imports '${spec}', which is not a file of lib/`);
      }
      return path.relative(LIB, found);
    });
}

const files = libFiles().map((file) => path.relative(LIB, file)).sort();
const graph = new Map(files.map((file) => [file, importsOf(path.join(LIB, file))]));
const folderOf = (file: string): string => (file.includes(path.sep) ? file.split(path.sep)[0] : '');

test.each(files)('%s has at most 800 lines', (file) => {
  const lines = fs.readFileSync(path.join(LIB, file), 'utf8').split('\n').length - 1;
  expect(lines).toBeLessThanOrEqual(MAX_LINES);
});

test('no import cycle among lib/ files, type-only imports included', () => {
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (file: string, trail: string[]): void => {
    if (state.get(file) === 'done') {
      return;
    }
    if (state.get(file) === 'open') {
      cycles.push([...trail.slice(trail.indexOf(file)), file].join(' -> '));
      return;
    }
    state.set(file, 'open');
    for (const next of graph.get(file) ?? []) {
      visit(next, [...trail, file]);
    }
    state.set(file, 'done');
  };
  files.forEach((file) => visit(file, []));
  expect(cycles).toEqual([]);
});

test('private/ imports nothing outside private/', () => {
  const outside = files
    .filter((file) => folderOf(file) === 'private')
    .flatMap((file) => graph.get(file)!.filter((target) => folderOf(target) !== 'private').map((target) => `${file} -> ${target}`));
  expect(outside).toEqual([]);
});

test("a folder imports a sibling only through the sibling's index.ts", () => {
  const internals = files.flatMap((file) => graph.get(file)!
    .filter((target) => {
      const from = folderOf(file);
      const to = folderOf(target);
      return from !== '' && to !== from && to !== 'private' && path.basename(target) !== 'index.ts';
    })
    .map((target) => `${file} -> ${target}`));
  expect(internals).toEqual([]);
});

test('lib/README.md names every folder of lib/', () => {
  const readme = fs.readFileSync(path.join(LIB, 'README.md'), 'utf8');
  const folders = fs.readdirSync(LIB, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  expect(folders.filter((folder) => !readme.includes(`\`${folder}/\``))).toEqual([]);
});

test('the checker sees type-only imports and resolves folder indexes', () => {
  const probe = path.join(LIB, 'alarms', 'probe.ts');
  const source = "import type { VaultLock } from '../vault/vault-lock';\nimport { BackupVault } from '../vault';\n";
  expect(importsOf(probe, source)).toEqual([path.join('vault', 'vault-lock.ts'), path.join('vault', 'index.ts')]);
});

test('annotation and metadata ids have one spelling: cdk-backup-dr:<Construct>.<camelCase>; context and tag keys cdk-backup-dr:<camelCase>', () => {
  const found = (pattern: RegExp) => files.flatMap((file) => [...fs.readFileSync(path.join(LIB, file), 'utf8').matchAll(pattern)]
    .map((match) => `${file}: ${match[1]}`));
  const ids = found(/(?<!(?:_CONTEXT|_TAG_KEY) = )'(cdk-backup-dr:[^']*)'/g);
  expect(ids.length).toBeGreaterThan(20);
  expect(ids.filter((id) => !/: cdk-backup-dr:[A-Z][A-Za-z]+\.[a-z][A-Za-z]+$/.test(id))).toEqual([]);
  const contextKeys = found(/(?:_CONTEXT|_TAG_KEY) = '(cdk-backup-dr:[^']*)'/g);
  expect(contextKeys.length).toBeGreaterThan(1);
  expect(contextKeys.filter((key) => !/: cdk-backup-dr:[a-z][A-Za-z]+$/.test(key))).toEqual([]);
});
