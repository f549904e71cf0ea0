#!/usr/bin/env node
// Bundles the `cdk-backup-dr` CLI (cli/bin.ts) with esbuild into cli/dist/cdk-backup-dr.js: commander, cli-progress,
// the AWS SDK clients and pg travel inside the bundle, so the published package needs none of them at run time.
// Runs in `npm run build`; the CLI tests run it when the bundle is missing or older than its sources.
import console from 'node:console';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, 'cli', 'dist', 'cdk-backup-dr.js');

await build({
  entryPoints: [join(root, 'cli', 'bin.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  sourcesContent: false,
  external: ['pg-native'],
  logLevel: 'warning',
});
console.log(`bundle-cli: cli/bin.ts -> ${relative(root, outfile)}`);
