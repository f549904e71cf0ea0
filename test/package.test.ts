// What `npm pack` puts in the package an app team installs. Reads the build output (`npm test` builds first).
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.join(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

interface PackFile {
  readonly path: string;
  readonly size: number;
}

function packedFiles(): PackFile[] {
  if (!fs.existsSync(path.join(root, 'dist', 'index.js'))) {
    throw new Error('dist/index.js is missing: run `npm run build` before this test');
  }
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
  return JSON.parse(out)[0].files;
}

describe('the npm package', () => {
  const files = packedFiles();
  const paths = files.map((f) => f.path);

  test.each((pkg.files as string[]).filter((entry) => !entry.includes('*')))(
    'ships %s, named in package.json "files"', (entry) => {
      expect(fs.existsSync(path.join(root, entry))).toBe(true);
      expect(paths).toContain(entry);
    });

  test('the aws-cdk-lib peer floor is the release the README explains, and the one the tests install', () => {
    const floor = /^\^(\d+\.\d+\.\d+)$/.exec(pkg.peerDependencies['aws-cdk-lib'])?.[1];
    expect(floor).toBeDefined();
    expect(fs.readFileSync(path.join(root, 'README.md'), 'utf8')).toContain(`\`aws-cdk-lib\` **${floor} or newer**`);
    expect(pkg.devDependencies['aws-cdk-lib']).toBe(floor);
  });

  test('LICENSE is the license package.json declares', () => {
    expect(pkg.license).toBe('Apache-2.0');
    const text = fs.readFileSync(path.join(root, 'LICENSE'), 'utf8');
    expect(text).toContain('Apache License\n                           Version 2.0, January 2004');
    expect(text).toContain('END OF TERMS AND CONDITIONS');
  });

  test('the library ships compiled JavaScript and declarations, without source maps or embedded sources', () => {
    const dist = paths.filter((p) => p.startsWith('dist/'));
    expect(dist).toContain('dist/index.js');
    expect(dist).toContain('dist/index.d.ts');
    expect(dist.filter((p) => !/\.(js|d\.ts)$/.test(p))).toEqual([]);
    const withMaps = dist.filter((p) => p.endsWith('.js'))
      .filter((p) => fs.readFileSync(path.join(root, p), 'utf8').includes('//# sourceMappingURL='));
    expect(withMaps).toEqual([]);
  });

  test('the cdk-backup-dr command ships bundled and runs without any node_modules', () => {
    expect(pkg.bin).toEqual({ 'cdk-backup-dr': 'cli/cdk-backup-dr.cjs' });
    expect(paths).toEqual(expect.arrayContaining(['cli/cdk-backup-dr.cjs', 'cli/dist/cdk-backup-dr.js', 'cli/dist/cdk-backup-dr.js.map']));
    expect(paths.filter((p) => p.startsWith('cli/') && p.endsWith('.ts'))).toEqual([]);
    // Only the packed files, in a directory with no node_modules above it: every dependency is inside the bundle.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-package-'));
    try {
      for (const file of paths.filter((p) => p.startsWith('cli/'))) {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.copyFileSync(path.join(root, file), path.join(dir, file));
      }
      const help = spawnSync(process.execPath, [path.join(dir, 'cli', 'cdk-backup-dr.cjs'), 'restore', '--help'], { encoding: 'utf8', cwd: dir });
      expect(help.stderr).toBe('');
      expect(help.status).toBe(0);
      expect(help.stdout).toContain('dump [options]');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test.each(['pg-dump', 'verify-dump'])(
    'the %s handler bundle links a source map of positions only, shipped beside it for the image', (handler) => {
      const bundle = `lambda/image/dist/${handler}/index.js`;
      expect(paths).toEqual(expect.arrayContaining([bundle, `${bundle}.map`]));
      const code = fs.readFileSync(path.join(root, bundle), 'utf8');
      expect(code).not.toContain('sourceMappingURL=data:');
      expect(code.trimEnd().endsWith('//# sourceMappingURL=index.js.map')).toBe(true);
      const map = JSON.parse(fs.readFileSync(path.join(root, `${bundle}.map`), 'utf8'));
      const sources = (map.sources as string[]).map((s) => path.relative(root, path.resolve(root, path.dirname(bundle), s)));
      expect(sources).toContain(path.join('lambda', handler, 'index.ts'));
      expect(map.sourcesContent ?? []).toEqual([]);
    });
});

/** The API reference is generated from the assembly (`npm run docs`); a stale one fails here. */
describe('API.md', () => {
  const docgen = path.join(root, 'node_modules', '.bin', 'jsii-docgen');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-md-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function generate(language: string): { file: string; stderr: string } {
    const file = path.join(dir, `API.${language}.md`);
    const run = spawnSync(docgen, ['-l', language, '-o', file], { cwd: root, encoding: 'utf8' });
    expect(run.status).toBe(0);
    return { file, stderr: run.stderr };
  }

  test('is what jsii-docgen generates from the current assembly (run `npm run docs` after an API change)', () => {
    const { file } = generate('typescript');
    const current = fs.readFileSync(path.join(root, 'API.md'), 'utf8');
    expect(current === fs.readFileSync(file, 'utf8')).toBe(true);
  });

  test('every symbol of the examples resolves in the assembly, so other languages get their own names', () => {
    const { stderr } = generate('python');
    expect(stderr.split('\n').filter((line) => /could not resolve/i.test(line))).toEqual([]);
  });
});
