// The verify-dump handler's failures before any work: no database, no S3 (those runs are in test/integration).
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { VERIFY_ENV } from '../../../lib/private/job-contract';
import { handler } from '../../../lambda/verify-dump';
import { handlerEnvironment } from '../handler-output';

describe('handler', () => {
  const secrets = mockClient(SecretsManagerClient);
  const output = handlerEnvironment({
    POWERTOOLS_LOG_LEVEL: 'INFO',
    [VERIFY_ENV.SECRET_ARN]: 'scratch-secret',
    [VERIFY_ENV.DATABASE]: 'shop',
    [VERIFY_ENV.BUCKET]: 'dumps',
    [VERIFY_ENV.PREFIX]: 'handler/',
    [VERIFY_ENV.PRODUCTION_TARGET]: 'prod.example.com:5432/shop',
    [VERIFY_ENV.SSL_MODE]: 'disable',
    [VERIFY_ENV.RESTORE_JOBS]: '1',
  });

  beforeEach(() => secrets.reset());
  afterAll(() => secrets.restore());

  test('fails when the secret cannot be read: VerificationSuccess 0 flushed, error rethrown', async () => {
    secrets.on(GetSecretValueCommand).rejects(new Error('AccessDeniedException: not allowed'));
    await expect(handler({})).rejects.toThrow(/cannot read secret scratch-secret from Secrets Manager: AccessDeniedException: not allowed/);
    expect(output.emf()).toEqual([expect.objectContaining({ Database: 'shop', VerificationSuccess: 0 })]);
  });
});
