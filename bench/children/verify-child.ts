// Child process of bench/dump.ts: runs the verify-dump job's `verifyNewestDump` once (download from s3rver,
// sha256, pg_restore --list, scratch database, pg_restore -j N, row-count checks, drop) and writes its result
// and the peak RSS of this Node process to a JSON file. Bundled by esbuild like the Lambda handler.
import { readFileSync, writeFileSync } from 'node:fs';
import { S3Client } from '@aws-sdk/client-s3';
import { createJobLogger } from '../../lambda/shared/logger';
import { InMemoryMetricsRecorder } from '../../lambda/shared/metrics';
import { DEFAULT_ROW_COUNT_POLICY, parseProductionTarget, verifyNewestDump } from '../../lambda/verify-dump';
import type { VerifyChildConfig, VerifyChildResult } from './protocol';

async function main(): Promise<void> {
  const config = JSON.parse(readFileSync(process.argv[2], 'utf8')) as VerifyChildConfig;
  const s3 = new S3Client({ endpoint: config.s3.endpoint, region: config.s3.region, forcePathStyle: true, credentials: config.s3.credentials });
  const metrics = new InMemoryMetricsRecorder();
  const started = process.hrtime.bigint();
  const result = await verifyNewestDump({
    s3,
    scratch: { secret: config.scratchSecret, sslMode: 'disable' },
    clock: () => new Date(),
    metrics,
    logger: createJobLogger('verify-dump', config.database),
  }, {
    database: config.database,
    bucket: config.bucket,
    prefix: config.prefix,
    productionTarget: parseProductionTarget(config.productionTarget),
    rowCounts: DEFAULT_ROW_COUNT_POLICY,
    freshnessChecks: [],
    sqlChecks: [],
    restoreJobs: config.restoreJobs,
    workDir: config.workDir,
    pgRestore: config.pgRestorePath,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  s3.destroy();
  const output: VerifyChildResult = {
    key: result.key,
    runSeconds: seconds,
    restoreDurationSeconds: result.restoreDurationSeconds,
    checks: result.checks.length,
    checksPassed: result.checks.filter((c) => c.status === 'passed').length,
    maxRssKiB: process.resourceUsage().maxRSS,
    metrics: metrics.flushed,
  };
  writeFileSync(config.resultFile, JSON.stringify(output, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
