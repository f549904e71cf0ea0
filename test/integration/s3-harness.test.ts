// The test harness's CompleteMultipartUpload (s3-multipart.ts) answers as S3 does: the parts' ETags are checked,
// the order too, the ETag is S3's multipart ETag, and the object is the parts in order.
import { createHash, randomBytes } from 'node:crypto';
import { CompleteMultipartUploadCommand, CreateMultipartUploadCommand, PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { S3Server, startS3 } from './harness';

const BUCKET = 'multipart';
const MIB = 1024 * 1024;

let s3: S3Server;

beforeAll(async () => {
  s3 = await startS3();
  await s3.createBucket(BUCKET);
});

afterAll(async () => {
  await s3?.stop();
});

const md5 = (body: Buffer) => createHash('md5').update(body).digest('hex');

/** Starts an upload of `key` and uploads `bodies` as parts 1..n; returns the upload id and the parts' ETags. */
async function uploadParts(key: string, bodies: readonly Buffer[]): Promise<{ uploadId: string; etags: string[] }> {
  const created = await s3.client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
  const uploadId = created.UploadId!;
  const etags: string[] = [];
  for (const [index, body] of bodies.entries()) {
    const part = await s3.client.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId: uploadId, PartNumber: index + 1, Body: body }));
    etags.push(part.ETag!);
  }
  return { uploadId, etags };
}

function complete(key: string, uploadId: string, parts: readonly { PartNumber: number; ETag: string }[]) {
  return s3.client.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId: uploadId, MultipartUpload: { Parts: [...parts] } }));
}

test('stores the parts in order and answers the multipart ETag (MD5 of the part MD5s, "-" and the count)', async () => {
  const bodies = [randomBytes(5 * MIB), randomBytes(5 * MIB), randomBytes(1234)];
  const { uploadId, etags } = await uploadParts('whole', bodies);
  expect(etags).toEqual(bodies.map((body) => `"${md5(body)}"`));

  const result = await complete('whole', uploadId, etags.map((ETag, index) => ({ PartNumber: index + 1, ETag })));

  const expected = createHash('md5').update(Buffer.concat(bodies.map((body) => Buffer.from(md5(body), 'hex')))).digest('hex');
  expect(result.ETag).toBe(`"${expected}-3"`);
  expect((await s3.getObject(BUCKET, 'whole')).equals(Buffer.concat(bodies))).toBe(true);
  expect(await s3.openUploads(BUCKET)).not.toContain(uploadId);
});

test('a part uploaded again counts with its last body', async () => {
  const first = randomBytes(5 * MIB);
  const again = randomBytes(5 * MIB);
  const last = randomBytes(10);
  const { uploadId } = await uploadParts('again', [first, last]);
  const replaced = await s3.client.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'again', UploadId: uploadId, PartNumber: 1, Body: again }));

  await complete('again', uploadId, [{ PartNumber: 1, ETag: replaced.ETag! }, { PartNumber: 2, ETag: `"${md5(last)}"` }]);

  expect((await s3.getObject(BUCKET, 'again')).equals(Buffer.concat([again, last]))).toBe(true);
});

test('refuses an ETag that is not the part\'s (InvalidPart), and stores nothing', async () => {
  const bodies = [randomBytes(5 * MIB), randomBytes(10)];
  const { uploadId, etags } = await uploadParts('wrong-etag', bodies);

  await expect(complete('wrong-etag', uploadId, [{ PartNumber: 1, ETag: etags[0] }, { PartNumber: 2, ETag: `"${md5(Buffer.from('other'))}"` }]))
    .rejects.toMatchObject({ name: 'InvalidPart' });
  expect(await s3.objectExists(BUCKET, 'wrong-etag')).toBe(false);
  expect(await s3.openUploads(BUCKET)).toContain(uploadId);
});

test('refuses a part that was never uploaded (InvalidPart)', async () => {
  const { uploadId, etags } = await uploadParts('missing-part', [randomBytes(10)]);

  await expect(complete('missing-part', uploadId, [{ PartNumber: 1, ETag: etags[0] }, { PartNumber: 2, ETag: etags[0] }]))
    .rejects.toMatchObject({ name: 'InvalidPart' });
});

test('refuses parts out of ascending order (InvalidPartOrder)', async () => {
  const bodies = [randomBytes(5 * MIB), randomBytes(10)];
  const { uploadId, etags } = await uploadParts('order', bodies);

  await expect(complete('order', uploadId, [{ PartNumber: 2, ETag: etags[1] }, { PartNumber: 1, ETag: etags[0] }]))
    .rejects.toMatchObject({ name: 'InvalidPartOrder' });
  expect(await s3.objectExists(BUCKET, 'order')).toBe(false);
});

test('parts of an SSE-KMS upload get opaque ETags (not their MD5, as in S3); the object is whole and listed at once', async () => {
  const bodies = [randomBytes(5 * MIB), randomBytes(77)];
  const created = await s3.client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'kms/object', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'alias/dumps' }));
  const etags: string[] = [];
  for (const [index, body] of bodies.entries()) {
    const part = await s3.client.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'kms/object', UploadId: created.UploadId, PartNumber: index + 1, Body: body }));
    expect(part.ETag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(part.ETag).not.toBe(`"${md5(body)}"`);
    etags.push(part.ETag!);
  }

  const result = await complete('kms/object', created.UploadId!, etags.map((ETag, index) => ({ PartNumber: index + 1, ETag })));

  expect(result.ETag).toMatch(/^"[0-9a-f]{32}-2"$/);
  // Read and listed right after the answer: the requests wait for the assembly.
  expect(await s3.listKeys(BUCKET, 'kms/')).toEqual(['kms/object']);
  expect((await s3.getObject(BUCKET, 'kms/object')).equals(Buffer.concat(bodies))).toBe(true);
  await s3.idle();
});

test('of two conditional completions of one key, exactly one succeeds, and a conditional put after it is refused', async () => {
  for (let round = 0; round < 10; round++) {
    const key = `race/${round}`;
    const first = await uploadParts(key, [randomBytes(5 * MIB), randomBytes(10)]);
    const second = await uploadParts(key, [randomBytes(5 * MIB), randomBytes(20)]);
    const conditional = (upload: { uploadId: string; etags: string[] }) => s3.client.send(new CompleteMultipartUploadCommand({
      Bucket: BUCKET, Key: key, UploadId: upload.uploadId, IfNoneMatch: '*',
      MultipartUpload: { Parts: upload.etags.map((ETag, index) => ({ PartNumber: index + 1, ETag })) },
    }));

    const outcomes = await Promise.allSettled([conditional(first), conditional(second)]);

    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(outcomes.find((outcome) => outcome.status === 'rejected')).toMatchObject({ reason: { name: 'PreconditionFailed' } });
    await expect(s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'late', IfNoneMatch: '*' })))
      .rejects.toMatchObject({ name: 'PreconditionFailed' });
  }
});
