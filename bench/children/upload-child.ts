// Child process of bench/dump.ts, last step of variant (b) (the seeds' pipeline): uploads a finished file to
// s3rver with @aws-sdk/lib-storage's Upload, using the AWS CLI's defaults for `aws s3 cp` (8 MiB parts,
// 10 concurrent requests), and writes the peak RSS of this Node process to a JSON file.
import { createReadStream, readFileSync, statSync, writeFileSync } from 'node:fs';
import { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { UploadChildConfig, UploadChildResult } from './protocol';

async function main(): Promise<void> {
  const config = JSON.parse(readFileSync(process.argv[2], 'utf8')) as UploadChildConfig;
  const s3 = new S3Client({ endpoint: config.s3.endpoint, region: config.s3.region, forcePathStyle: true, credentials: config.s3.credentials });
  const started = process.hrtime.bigint();
  await new Upload({
    client: s3,
    partSize: config.partSizeBytes,
    queueSize: config.queueSize,
    leavePartsOnError: false,
    params: {
      Bucket: config.bucket,
      Key: config.key,
      Body: createReadStream(config.file),
      ContentType: 'application/gzip',
      ServerSideEncryption: 'aws:kms',
    },
  }).done();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  s3.destroy();
  const output: UploadChildResult = {
    sizeBytes: statSync(config.file).size,
    runSeconds: seconds,
    maxRssKiB: process.resourceUsage().maxRSS,
  };
  writeFileSync(config.resultFile, JSON.stringify(output, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
