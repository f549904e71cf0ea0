// The runbooks and recovery-posture reports of the examples, generated as `cdk-backup-dr runbook` and
// `cdk-backup-dr report` write them from each example's synthesized app, into examples/<name>/RUNBOOK.md and
// POSTURE.md. `npx tsx scripts/runbooks.ts` regenerates them; test/cli/runbook-examples.test.ts and
// test/cli/report-examples.test.ts fail when a committed one differs from what the app gives now.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { AssemblyStack, readAssembly as readStacks } from '../cli/app/assembly';
import { AppModel, readModel } from '../cli/app/model';
import { postureMarkdown } from '../cli/report/markdown';
import { Posture, readPosture } from '../cli/report/posture';
import { runbookMarkdown } from '../cli/runbook/runbook';
import { buildDeeldesk } from '../examples/deeldesk/app';
import { buildDistroNation } from '../examples/distronation/app';
import { buildIndoStar } from '../examples/indostar/app';
import { buildInstantPdf } from '../examples/instantpdf/app';
import { buildRoleFerry } from '../examples/roleferry/app';
import { buildReferenceApp } from '../bin/reference-app';

const ROOT = path.join(__dirname, '..');

export interface RunbookApp {
  /** Folder under examples/, or 'reference' for the app in bin/. */
  readonly name: string;
  readonly title: string;
  readonly build: (app: App) => unknown;
  /** Whether the app reads the reference app's `backup-dr` block of cdk.json. */
  readonly reference?: boolean;
}

export const RUNBOOK_APPS: readonly RunbookApp[] = [
  { name: 'reference', title: 'the reference app (cdk.json sample)', build: buildReferenceApp, reference: true },
  { name: 'instantpdf', title: 'InstantPDF (seed 000)', build: buildInstantPdf },
  { name: 'deeldesk', title: 'Deeldesk (seed 001)', build: buildDeeldesk },
  { name: 'roleferry', title: 'RoleFerry (seed 002)', build: buildRoleFerry },
  { name: 'indostar', title: 'IndoStar Naturals (seed 003)', build: buildIndoStar },
  { name: 'distronation', title: 'Distro Nation (seed 004)', build: buildDistroNation },
];

/** Synthesizes an app into `outdir` as `npx cdk synth` does from the repository root (with cdk.json's context). */
export function synthesizeTo(entry: RunbookApp, outdir: string): void {
  const context = JSON.parse(readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')).context;
  if (!entry.reference) delete context['backup-dr'];
  // As the CDK CLI synthesizes: each resource's construct path in its metadata (the report names resources by it).
  context['aws:cdk:enable-path-metadata'] = true;
  const app = new App({ context, outdir });
  entry.build(app);
  app.synth();
}

/** The stacks of a synthesized app, as the CLI reads them (synthesized into a temp directory, removed afterwards). */
export function synthesizedStacks(entry: RunbookApp): AssemblyStack[] {
  const outdir = mkdtempSync(path.join(os.tmpdir(), `runbook-${entry.name}-`));
  try {
    synthesizeTo(entry, outdir);
    return readStacks(outdir);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** The model of a synthesized app. */
export function synthesizedModel(entry: RunbookApp): AppModel {
  return readModel(synthesizedStacks(entry));
}

/** The recovery posture of a synthesized app. */
export function synthesizedPosture(entry: RunbookApp): Posture {
  return readPosture(synthesizedStacks(entry), entry.title);
}

export function examplePosture(entry: RunbookApp): string {
  return postureMarkdown(synthesizedPosture(entry));
}

export function postureFile(entry: RunbookApp): string {
  return path.join(ROOT, 'examples', entry.name, 'POSTURE.md');
}

export function exampleRunbook(entry: RunbookApp): string {
  return runbookMarkdown(synthesizedModel(entry), { title: entry.title });
}

export function runbookFile(entry: RunbookApp): string {
  return path.join(ROOT, 'examples', entry.name, 'RUNBOOK.md');
}

if (require.main === module) {
  for (const entry of RUNBOOK_APPS.filter((e) => !e.reference)) {
    writeFileSync(runbookFile(entry), exampleRunbook(entry));
    writeFileSync(postureFile(entry), examplePosture(entry));
    console.log(`runbooks: ${path.relative(ROOT, runbookFile(entry))}, ${path.relative(ROOT, postureFile(entry))}`);
  }
}
