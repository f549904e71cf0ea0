// Unacknowledged cdk-nag findings per pack for the reference app and every example, as `cdk synth` sees them (the
// context of cdk.json). Prints one line per app: `<app> AwsSolutions=0 HIPAA.Security=0 ...`; exits 1 on any finding.
// Usage: npx tsx scripts/nag-counts.ts
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { nagFindings, nagPacks } from '../test/nag';
import { buildReferenceApp } from '../bin/reference-app';
import { buildDeeldesk } from '../examples/deeldesk/app';
import { buildDistroNation } from '../examples/distronation/app';
import { buildIndoStar } from '../examples/indostar/app';
import { buildInstantPdf } from '../examples/instantpdf/app';
import { buildRoleFerry } from '../examples/roleferry/app';

const context = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8')).context;
const apps: Array<[string, (app: App) => unknown, boolean]> = [
  ['reference', buildReferenceApp, true],
  ['deeldesk', buildDeeldesk, false],
  ['distronation', buildDistroNation, false],
  ['indostar', buildIndoStar, false],
  ['instantpdf', buildInstantPdf, false],
  ['roleferry', buildRoleFerry, false],
];
let total = 0;
for (const [name, build, withConfig] of apps) {
  const appContext = { ...context };
  if (!withConfig) {
    delete appContext['backup-dr'];
  }
  const app = new App({ context: appContext });
  build(app);
  // Top-level stacks: each one's scan covers its nested stacks.
  const stacks = app.node.findAll().filter((c): c is Stack => Stack.isStack(c) && c.nestedStackParent === undefined);
  const findings = stacks.flatMap((stack) => nagFindings(stack, true));
  const counts = nagPacks(true).map((pack) => `${pack.readPackName}=${findings.filter((f) => f.pack === pack.readPackName).length}`);
  total += findings.length;
  console.log(`${name} (${stacks.length} stacks) ${counts.join(' ')}`);
}
process.exit(total > 0 ? 1 : 0);
