// Child process of bench/dump.ts, variant (c): runs the pg-dump job's `runPgDump` once, from pg_dump to s3rver,
// and writes its result and the peak RSS of this Node process (getrusage, this process only) to a JSON file.
// Bundled by esbuild like the Lambda handler and run with plain `node`, so its memory is what the job's is.
import { readFileSync, writeFileSync } from 'node:fs';
import { S3Client } from '@aws-sdk/client-s3';
import { runPgDump } from '../../lambda/pg-dump';
import { createJobLogger } from '../../lambda/shared/logger';
import { InMemoryMetricsRecorder } from '../../lambda/shared/metrics';
import type { DumpChildConfig, DumpChildResult } from './protocol';

async function main(): Promise<void> {
  const config = JSON.parse(readFileSync(process.argv[2], 'utf8')) as DumpChildConfig;
  const s3 = new S3Client({ endpoint: config.s3.endpoint, region: config.s3.region, forcePathStyle: true, credentials: config.s3.credentials });
  const metrics = new InMemoryMetricsRecorder();
  // Peaks of what Node can see, sampled: tells V8 heap and Buffers (arrayBuffers) apart from allocator overhead.
  const peak = { rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
  const sample = () => {
    const m = process.memoryUsage();
    for (const name of Object.keys(peak) as (keyof typeof peak)[]) {
      peak[name] = Math.max(peak[name], m[name]);
    }
  };
  const sampler = setInterval(sample, 200);
  const started = process.hrtime.bigint();
  const result = await runPgDump({
    s3,
    bucket: config.bucket,
    prefix: config.prefix,
    database: config.database,
    secret: config.secret,
    compression: config.compression,
    partSizeBytes: config.partSizeBytes,
    queueSize: config.queueSize,
    sslMode: 'disable',
    pgDumpPath: config.pgDumpPath,
    metrics,
    logger: createJobLogger('pg-dump', config.database),
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(sampler);
  sample();
  s3.destroy();
  const output: DumpChildResult = {
    key: result.key,
    sizeBytes: result.manifest.sizeBytes,
    sha256: result.manifest.sha256,
    compression: result.manifest.compression,
    runSeconds: seconds,
    manifestDurationSeconds: result.manifest.durationSeconds,
    tables: result.manifest.tables.length,
    maxRssKiB: process.resourceUsage().maxRSS,
    sampledPeakMiB: Object.fromEntries(Object.entries(peak).map(([name, bytes]) => [name, Math.round(bytes / 2 ** 20)])),
    metrics: metrics.flushed,
  };
  writeFileSync(config.resultFile, JSON.stringify(output, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
