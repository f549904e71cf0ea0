#!/usr/bin/env node
// Bundles the job handlers with esbuild into lambda/image/dist/<handler>/index.js, which the job image
// (lambda/image/Dockerfile) copies into the Lambda task root. Runs before jsii in `npm run build` and before
// the app in `cdk synth`, so the image asset always holds the current handlers. The bundles ship in the npm
// package: consumers synthesize without esbuild, and deploy builds the image from them.
import console from 'node:console';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'lambda', 'image', 'dist');

/** Handler folder under lambda/ → image command `<name>/index.handler` (see lib/private/job-image.ts). */
const HANDLERS = ['pg-dump', 'verify-dump', 'rpo-watch', 'validate-restore'];

const entries = HANDLERS.map((name) => ({ name, entry: join(root, 'lambda', name, 'index.ts') }));
const missing = entries.filter(({ entry }) => !existsSync(entry));
if (missing.length > 0) {
  for (const { name, entry } of missing) {
    console.error(
      `bundle-handlers: ${relative(root, entry)} does not exist; the ${name} handler must export \`handler\` ` +
        'from that file before the job image can be bundled.',
    );
  }
  process.exit(1);
}

await rm(outdir, { recursive: true, force: true });
for (const { name, entry } of entries) {
  const outfile = join(outdir, name, 'index.js');
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: false,
    // Readable stack traces in CloudWatch: the image sets NODE_OPTIONS=--enable-source-maps, and Node reads
    // index.js.map beside the bundle (linked, not inlined: the bundle stays half the size). The map holds
    // positions only; the sources themselves stay out of it.
    sourcemap: 'linked',
    sourcesContent: false,
    // `pg` loads its optional native binding lazily; the job uses the pure JavaScript client.
    external: ['pg-native'],
    logLevel: 'warning',
  });
  console.log(`bundle-handlers: ${relative(root, entry)} -> ${relative(root, outfile)}`);
}
