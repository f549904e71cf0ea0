// Size of the reference app's dump bucket policy for N databases with both jobs (as deployed, compact JSON), and
// the largest N that fits S3's 20 KB: `npx tsx scripts/dump-policy-size.ts [N ...]`. Offline, no AWS credentials.
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { ConfigError } from '../bin/config';
import { BackupAccountStack, buildReferenceApp } from '../bin/reference-app';

const context = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8')).context;

/** The policy size with `count` copies of cdk.json's first database (names db001, db002, ...), or undefined if over. */
function policyBytes(count: number): number | undefined {
  const copy = JSON.parse(JSON.stringify(context));
  const first = copy['backup-dr'].databases[0];
  copy['backup-dr'].databases = Array.from({ length: count }, (_, i) => {
    const name = `db${String(i + 1).padStart(3, '0')}`;
    return { ...first, name, arn: first.arn.replace(/[^:]+$/, name), verify: first.verify && { ...first.verify, productionTarget: `${name}.abcdefghijkl.us-east-1.rds.amazonaws.com:5432/${name}` } };
  });
  const app = new App({ context: copy });
  try {
    buildReferenceApp(app);
  } catch (error) {
    if (error instanceof ConfigError && /dump bucket's policy/.test(error.message)) {
      return undefined;
    }
    throw error;
  }
  return (app.node.findChild('BackupDr-Backup') as BackupAccountStack).dumpBucketPolicyBytes;
}

const counts = process.argv.slice(2).map(Number);
for (const count of counts.length > 0 ? counts : [1, 10, 100]) {
  console.log(`${count} databases: ${policyBytes(count) ?? 'over 20480'} bytes`);
}
let low = 1;
let high = 500;
while (low < high) {
  const middle = Math.ceil((low + high) / 2);
  if (policyBytes(middle) === undefined) {
    high = middle - 1;
  } else {
    low = middle;
  }
}
console.log(`largest number of databases that fits: ${low}`);
