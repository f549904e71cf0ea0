import { Readable } from 'node:stream';
import {
  CompleteMultipartUploadCommand, CreateMultipartUploadCommand, ListObjectsV2Command, PutObjectCommand, S3Client, UploadPartCommand,
} from '@aws-sdk/client-s3';
import { sendChecksummedBodiesUnsigned, UNSIGNED_BODY_MIDDLEWARE } from '../../../lambda/shared/aws-clients';

interface SeenRequest {
  readonly method: string;
  readonly query: Record<string, unknown>;
  readonly headers: Record<string, string>;
}

/** An S3 client whose requests are recorded and answered with an empty 200 (nothing leaves the process). */
function recordingClient(seen: SeenRequest[]): S3Client {
  return new S3Client({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    requestHandler: {
      handle: async (request: { method: string; query: Record<string, unknown>; headers: Record<string, string> }) => {
        seen.push({ method: request.method, query: request.query, headers: { ...request.headers } });
        const body = request.method === 'POST' && 'uploads' in request.query
          ? '<InitiateMultipartUploadResult><UploadId>u1</UploadId></InitiateMultipartUploadResult>'
          : request.method === 'POST' ? '<CompleteMultipartUploadResult><ETag>"e-1"</ETag></CompleteMultipartUploadResult>' : '';
        return { response: { statusCode: 200, headers: { etag: '"e"' }, body: Readable.from([Buffer.from(body)]) } };
      },
    } as never,
  });
}

const HEX_HASH = /^[0-9a-f]{64}$/;

test('bodies sent with their checksum go unsigned; requests without a body checksum stay signed', async () => {
  const seen: SeenRequest[] = [];
  const s3 = sendChecksummedBodiesUnsigned(recordingClient(seen));
  const common = { Bucket: 'dumps', Key: 'db/x.dump' };

  await s3.send(new PutObjectCommand({ ...common, Body: Buffer.from('PGDMP...') }));
  await s3.send(new UploadPartCommand({ ...common, UploadId: 'u1', PartNumber: 1, Body: Buffer.alloc(1024) }));
  await s3.send(new CreateMultipartUploadCommand({ ...common, ChecksumAlgorithm: 'CRC32' }));
  await s3.send(new CompleteMultipartUploadCommand({ ...common, UploadId: 'u1', ChecksumType: 'COMPOSITE', MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"e"' }] } }));
  await s3.send(new ListObjectsV2Command({ Bucket: 'dumps', Prefix: 'db/' }));

  const [put, part, create, complete, list] = seen;
  for (const unsigned of [put, part]) {
    expect(unsigned.headers['x-amz-content-sha256']).toBe('UNSIGNED-PAYLOAD');
    expect(unsigned.headers['x-amz-checksum-crc32']).toMatch(/^[A-Za-z0-9+/]{6}==$/);
    expect(unsigned.headers.authorization).toMatch(/SignedHeaders=[^,]*x-amz-checksum-crc32/);
  }
  // x-amz-checksum-algorithm, -type and no body checksum: the (XML or empty) body is hashed into the signature.
  expect(create.headers['x-amz-checksum-algorithm']).toBe('CRC32');
  expect(complete.headers['x-amz-checksum-type']).toBe('COMPOSITE');
  for (const signed of [create, complete, list]) {
    expect(signed.headers['x-amz-content-sha256']).toMatch(HEX_HASH);
  }
  s3.destroy();
});

test('adding it twice (a warm Lambda runs the job again with the same client) adds one middleware', () => {
  const s3 = recordingClient([]);
  expect(sendChecksummedBodiesUnsigned(sendChecksummedBodiesUnsigned(s3))).toBe(s3);
  expect(s3.middlewareStack.identify().filter((entry) => entry.startsWith(UNSIGNED_BODY_MIDDLEWARE))).toHaveLength(1);
  s3.destroy();
});
