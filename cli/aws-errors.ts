// AWS errors a person can act on, named: no credentials, a missing permission (with the action to grant), a bucket
// or resource in another region. Anything else is left to the caller, which names the step that failed.
import { CliError, EXIT } from './exit-codes';

const ACCESS_DENIED = new Set([
  'AccessDenied', 'AccessDeniedException', 'AccessDeniedFault', 'UnauthorizedOperation', 'UnauthorizedException',
  'AuthorizationError', 'Forbidden',
]);
const BAD_CREDENTIALS = new Set([
  'CredentialsProviderError', 'ExpiredToken', 'ExpiredTokenException', 'InvalidClientTokenId', 'UnrecognizedClientException',
  'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'TokenRefreshRequired',
]);
const WRONG_REGION = new Set(['PermanentRedirect', 'AuthorizationHeaderMalformed', 'IllegalLocationConstraintException']);

interface SdkError {
  readonly name?: string;
  readonly message?: string;
  readonly Code?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

/**
 * A CliError (exit 6) when `err` is an AWS access problem, else undefined. `doing` says what was being done
 * ("listing s3://bucket/prefix"), `action` the IAM action it needs.
 */
export function awsFailure(err: unknown, doing: string, action: string): CliError | undefined {
  const e = (err ?? {}) as SdkError;
  const name = e.name ?? e.Code ?? '';
  const message = e.message ?? String(err);
  if (BAD_CREDENTIALS.has(name) || /could not load credentials|credential.* (is|are) missing/i.test(message)) {
    return new CliError(EXIT.AWS_ACCESS,
      `${doing}: no valid AWS credentials (${name || 'no credentials'}: ${message}); sign in to the account first `
      + '(for example `aws sso login --profile NAME` and AWS_PROFILE=NAME), then run the command again', { cause: err });
  }
  if (/region is missing/i.test(message)) {
    return new CliError(EXIT.USAGE, `${doing}: no AWS region; pass --region or set AWS_REGION`, { cause: err });
  }
  if (WRONG_REGION.has(name) || (e.$metadata?.httpStatusCode === 301)) {
    return new CliError(EXIT.AWS_ACCESS,
      `${doing}: the resource is in another region than the one asked (${name || 'HTTP 301'}: ${message}); pass the region it lives in with --region`,
      { cause: err });
  }
  if (ACCESS_DENIED.has(name) || e.$metadata?.httpStatusCode === 403) {
    return new CliError(EXIT.AWS_ACCESS,
      `${doing}: access denied (${name || 'HTTP 403'}: ${message}); the identity running the command needs ${action} on it `
      + '(and, where the resource is encrypted, kms:Decrypt on its key)', { cause: err });
  }
  return undefined;
}
