// A dump restore as an operator sees it on a terminal, reproducibly: a PostgreSQL server and the S3 API of the test
// harness on loopback, a database of DEMO_ROWS rows (default 2 000 000) dumped by the pg-dump job, then
// `cdk-backup-dr restore dump` run on a pseudo-terminal (util-linux `script`). Prints the frames the terminal showed,
// the progress bars sampled, and the command's own last lines (its timing). Needs `npm run bundle` first.
//   npx tsx scripts/demo-restore.ts
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { runPgDump } from '../lambda/pg-dump';
import { createJobLogger } from '../lambda/shared/logger';
import { InMemoryMetricsRecorder } from '../lambda/shared/metrics';
import { startPostgres, startS3 } from '../test/integration/harness';

const ROWS = Number(process.env.DEMO_ROWS ?? 2_000_000);
const CLI = path.join(__dirname, '..', 'cli', 'cdk-backup-dr.cjs');

/** Runs a shell command on a pseudo-terminal (util-linux `script`); everything the terminal received, and the exit code. */
function terminal(shell: string, env: NodeJS.ProcessEnv): Promise<{ stdout: string; status: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-q', '-e', '-c', shell, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString('utf8'); });
    child.stderr.on('data', (d: Buffer) => { stdout += d.toString('utf8'); });
    child.on('error', reject);
    child.on('close', (status) => resolve({ stdout, status }));
    child.stdin.end();
  });
}

async function main(): Promise<void> {
  const [pg, s3] = await Promise.all([startPostgres(), startS3()]);
  try {
    await s3.createBucket('acme-dumps');
    await pg.createDatabase('shop');
    await pg.query(`create table public.orders (id bigint primary key, customer int not null, total numeric(12,2) not null, note text);
      insert into public.orders select g, g % 5000, (g % 10000) / 7.0, md5(g::text) from generate_series(1, ${ROWS}) g;
      create table public.customers as select g as id, 'customer ' || g as name from generate_series(1, 5000) g;`, [], 'shop');
    const dumped = await runPgDump({
      s3: s3.client, bucket: 'acme-dumps', prefix: 'pg-dump/', database: 'shop', secret: pg.secret('shop'), sslMode: 'disable',
      metrics: new InMemoryMetricsRecorder(), logger: createJobLogger('pg-dump', 'shop', { logLevel: 'SILENT' }), pgDumpPath: pg.bin('pg_dump'),
    });
    const args = ['restore', 'dump', '--bucket', 'acme-dumps', '--prefix', 'pg-dump/', '--database', 'shop', '--endpoint-url', s3.endpoint,
      '--target-url', `postgresql://${pg.superuser}@127.0.0.1:${pg.port}/shop_restored?sslmode=disable`, '--create', '--jobs', '2',
      '--production', `127.0.0.1:${pg.port}/shop`, '--no-app'];
    const shell = `stty cols 110; ${[process.execPath, CLI, ...args].map((a) => `'${a}'`).join(' ')}`;
    // Asynchronously: the S3 API of the harness answers from this process's event loop.
    const run = await terminal(shell, {
        PATH: `${path.dirname(pg.bin('pg_restore'))}:${process.env.PATH}`, HOME: process.env.HOME, TERM: 'xterm-256color',
        AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1', PGPASSWORD: pg.password,
        AWS_EC2_METADATA_DISABLED: 'true', NODE_NO_WARNINGS: '1', AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    });
    // eslint-disable-next-line no-control-regex
    const frames = run.stdout.replace(/\u001b8|\u001b\[1?G/g, '\r').replace(/\u001b\[[0-9;?]*[A-Za-z]|\u001b[()][A-Z0-9]|\u001b7/g, '')
      .split(/[\r\n]+/).filter((f) => f.trim() !== '');
    const bars = frames.filter((f) => /^(downloading \[|restoring [|/\\-] )/.test(f));
    const sampled = bars.filter((_f, i) => i % Math.max(1, Math.floor(bars.length / 8)) === 0 || i === bars.length - 1);
    const lines = frames.filter((f) => !bars.includes(f));
    console.log(`dump: ${dumped.key}, ${dumped.manifest.sizeBytes} bytes, ${ROWS} rows; exit code ${run.status}\n`);
    console.log('--- progress frames (sampled; each redraws the line in place) ---');
    console.log(sampled.join('\n'));
    console.log('--- what stays on the screen ---');
    console.log(lines.join('\n'));
  } finally {
    await Promise.all([pg.stop(), s3.stop()]);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
