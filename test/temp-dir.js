// One temporary directory per test run. Every synth without an outdir (Template.fromStack, Annotations.fromStack)
// leaves a cdk.out directory in the system's temp directory, and the PostgreSQL and S3 test servers keep their data
// there too: a run leaves thousands of directories behind, and repeated runs fill the disk. globalSetup points TMPDIR
// (which os.tmpdir() and the tests' workers read) at a fresh directory; globalTeardown removes it.
const fs = require('fs');
const os = require('os');
const path = require('path');

const KEY = 'CDK_BACKUP_DR_TEST_TMPDIR';

async function setup() {
  // Digits only after the prefix: tests put temp paths into names that AWS lower-cases (RDS identifiers).
  const dir = path.join(os.tmpdir(), `cdkbdr-jest-${process.pid}-${Date.now()}`);
  fs.mkdirSync(dir);
  // The PostgreSQL test server runs as the postgres user (when the tests run as root): it must reach its data below.
  fs.chmodSync(dir, 0o755);
  process.env[KEY] = dir;
  process.env.TMPDIR = dir;
}

async function teardown() {
  const dir = process.env[KEY];
  if (dir && path.basename(dir).startsWith('cdkbdr-jest-')) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = { setup, teardown };
