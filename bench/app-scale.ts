// npm run bench:app-scale — how the reference app grows with its databases (issue 11, "Platform team with many
// databases"). Prints and saves numbers, asserts nothing; the limits themselves are checked by test/app.
//
// For each database count (BENCH_DATABASES, default "1,10,100"), every database with a dump and a verify job, the
// reference app is synthesized in a child process, BENCH_REPEAT times (default 3). Reported per count, medians of
// the rounds: wall seconds and CPU seconds (user + system) of the synthesis (the packs of cdk-nag included, as
// `cdk synth` runs them), and from the cloud assembly: the number of templates, the largest template (bytes and
// resources) and the resources of every template together. Results: bench/results/app-scale.json.
//
// Environment:
//   BENCH_DATABASES=1,10,100
//   BENCH_REPEAT=3
//   BENCH_RESULTS=bench/results/app-scale.json
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildReferenceApp } from '../bin/reference-app';

const ROOT = path.resolve(__dirname, '..');

interface ChildResult {
  readonly wallSeconds: number;
  readonly userSeconds: number;
  readonly systemSeconds: number;
  readonly templates: number;
  readonly largestTemplateBytes: number;
  readonly largestTemplateResources: number;
  readonly largestTemplate: string;
  readonly totalResources: number;
}

/** The cdk.json config with `count` databases, each with a dump and a verify job (the first one's blocks). */
function configWith(count: number): Record<string, unknown> {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8'));
  const context = cdkJson.context;
  const config = context['backup-dr'];
  const template = config.databases.find((db: { dump?: unknown; verify?: unknown }) => db.dump && db.verify);
  config.databases = Array.from({ length: count }, (_, i) => {
    const name = `db${String(i + 1).padStart(3, '0')}`;
    return {
      ...template,
      name,
      arn: template.arn.replace(/:(db|cluster):[^:]+$/, `:$1:${name}`),
      verify: { ...template.verify, productionTarget: template.verify.productionTarget.replace(/\/[^/]+$/, `/${name}`) },
    };
  });
  return context;
}

function child(count: number, outdir: string): void {
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const app = new App({ context: configWith(count), outdir });
  buildReferenceApp(app);
  const assembly = app.synth();
  const used = process.cpuUsage(cpu);
  const wallSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  const templates = fs.readdirSync(assembly.directory).filter((f) => f.endsWith('.template.json'));
  const sized = templates.map((file) => {
    const text = fs.readFileSync(path.join(assembly.directory, file), 'utf8');
    return { file, bytes: Buffer.byteLength(text), resources: Object.keys(JSON.parse(text).Resources ?? {}).length };
  });
  const largest = sized.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  const result: ChildResult = {
    wallSeconds,
    userSeconds: used.user / 1e6,
    systemSeconds: used.system / 1e6,
    templates: templates.length,
    largestTemplateBytes: largest.bytes,
    largestTemplateResources: largest.resources,
    largestTemplate: largest.file,
    totalResources: sized.reduce((sum, t) => sum + t.resources, 0),
  };
  process.stdout.write(JSON.stringify(result));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function main(): void {
  const counts = (process.env.BENCH_DATABASES ?? '1,10,100').split(',').map(Number);
  const repeat = Number(process.env.BENCH_REPEAT ?? 3);
  const results = counts.map((count) => {
    const rounds: ChildResult[] = [];
    for (let round = 0; round < repeat; round++) {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'app-scale-'));
      try {
        const run = spawnSync(process.execPath, [...process.execArgv, __filename, '--child', String(count), outdir],
          { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24 });
        if (run.status !== 0) {
          throw new Error(`synthesis of ${count} databases failed:\n${run.stderr}`);
        }
        rounds.push(JSON.parse(run.stdout));
      } finally {
        fs.rmSync(outdir, { recursive: true, force: true });
      }
    }
    const m = (key: keyof ChildResult) => median(rounds.map((r) => r[key] as number));
    return {
      databases: count,
      rounds: repeat,
      wallSeconds: m('wallSeconds'),
      userSeconds: m('userSeconds'),
      systemSeconds: m('systemSeconds'),
      templates: m('templates'),
      largestTemplateBytes: m('largestTemplateBytes'),
      largestTemplateResources: m('largestTemplateResources'),
      largestTemplate: rounds[0].largestTemplate,
      totalResources: m('totalResources'),
    };
  });
  console.table(results);
  const file = process.env.BENCH_RESULTS ?? path.join(ROOT, 'bench', 'results', 'app-scale.json');
  fs.writeFileSync(file, `${JSON.stringify({ machine: { cpus: os.cpus().length, node: process.version }, results }, null, 2)}\n`);
  console.log(`results: ${path.relative(ROOT, file)}`);
}

if (process.argv[2] === '--child') {
  child(Number(process.argv[3]), process.argv[4]);
} else {
  main();
}
