#!/usr/bin/env node
// The `cdk-backup-dr` command (package.json "bin"): the bundled CLI, built by `npm run build` (scripts/bundle-cli.mjs).
const path = require('node:path');
const fs = require('node:fs');

const bundle = path.join(__dirname, 'dist', 'cdk-backup-dr.js');
if (!fs.existsSync(bundle)) {
  process.stderr.write('error: the cdk-backup-dr CLI is not built; run `npm run build` (or `npm run bundle`) in the package first\n');
  process.exit(2);
}
require(bundle);
