// Validation results the validator signs: anyone allowed backup:PutRestoreValidationResult (an action without resource
// types or condition keys) can mark a restore job SUCCESSFUL, so the hourly age check counts only results that carry
// an HMAC of the drill's KMS key, which only the validator's role may generate.

import { GenerateMacCommand, KMSClient, VerifyMacCommand } from '@aws-sdk/client-kms';
import { errorMessage } from '../shared/secret';

const ALGORITHM = 'HMAC_SHA_256';
const SIGNATURE = /\[cdk-backup-dr signature ([A-Za-z0-9+/]+=*)\]$/;

/** What is signed: the job and its status, so a signature cannot be moved to another job or status. */
function signedText(restoreJobId: string, status: string): Uint8Array {
  return new TextEncoder().encode(`cdk-backup-dr:v1|${restoreJobId}|${status}`);
}

/** The message with the signature appended, within `maxLength` (the message is cut, never the signature). */
export async function signMessage(
  kms: KMSClient, keyArn: string, restoreJobId: string, status: string, message: string, maxLength: number, signal?: AbortSignal,
): Promise<string> {
  const { Mac } = await kms.send(new GenerateMacCommand({ KeyId: keyArn, MacAlgorithm: ALGORITHM, Message: signedText(restoreJobId, status) }), { abortSignal: signal });
  if (!Mac) {
    throw new Error('GenerateMac returned no MAC');
  }
  const suffix = ` [cdk-backup-dr signature ${Buffer.from(Mac).toString('base64')}]`;
  const room = maxLength - suffix.length;
  return `${message.length > room ? `${message.slice(0, room - 1)}…` : message}${suffix}`;
}

/** Whether a validation status message carries a valid signature of this job and status. */
export async function verifyMessage(
  kms: KMSClient, keyArn: string, restoreJobId: string, status: string, message: string | undefined, signal?: AbortSignal,
): Promise<{ readonly valid: boolean; readonly reason?: string }> {
  const match = message === undefined ? null : SIGNATURE.exec(message);
  if (!match) {
    return { valid: false, reason: 'no signature of the validator' };
  }
  try {
    const { MacValid } = await kms.send(new VerifyMacCommand({
      KeyId: keyArn, MacAlgorithm: ALGORITHM, Message: signedText(restoreJobId, status), Mac: Buffer.from(match[1], 'base64'),
    }), { abortSignal: signal });
    return MacValid ? { valid: true } : { valid: false, reason: 'the signature does not match' };
  } catch (error) {
    // KMS answers an invalid MAC with KMSInvalidMacException.
    if ((error as { name?: string }).name === 'KMSInvalidMacException') {
      return { valid: false, reason: 'the signature does not match' };
    }
    throw new Error(`cannot verify the signature of restore job ${restoreJobId}: ${errorMessage(error)} (check the function's kms:VerifyMac permission)`, { cause: error });
  }
}

/** What a check token covers: a check of this job passed (a different text from a result's, so neither stands for the other). */
function checkText(restoreJobId: string): Uint8Array {
  return new TextEncoder().encode(`cdk-backup-dr:v1|check|${restoreJobId}|SUCCESSFUL`);
}

/**
 * A token saying the validator's own check of this job passed: the instance check's report step is given it back by the
 * state machine, and reports SUCCESSFUL only with it (anyone who may invoke the function could otherwise ask for it).
 */
export async function checkToken(kms: KMSClient, keyArn: string, restoreJobId: string, signal?: AbortSignal): Promise<string> {
  const { Mac } = await kms.send(new GenerateMacCommand({ KeyId: keyArn, MacAlgorithm: ALGORITHM, Message: checkText(restoreJobId) }), { abortSignal: signal });
  if (!Mac) {
    throw new Error('GenerateMac returned no MAC');
  }
  return Buffer.from(Mac).toString('base64');
}

/** Whether `token` is the validator's token for a passed check of this job. */
export async function verifyCheckToken(kms: KMSClient, keyArn: string, restoreJobId: string, token: unknown, signal?: AbortSignal): Promise<boolean> {
  if (typeof token !== 'string' || !/^[A-Za-z0-9+/]+=*$/.test(token)) {
    return false;
  }
  try {
    const { MacValid } = await kms.send(new VerifyMacCommand({
      KeyId: keyArn, MacAlgorithm: ALGORITHM, Message: checkText(restoreJobId), Mac: Buffer.from(token, 'base64'),
    }), { abortSignal: signal });
    return MacValid === true;
  } catch (error) {
    if ((error as { name?: string }).name === 'KMSInvalidMacException') {
      return false;
    }
    throw error;
  }
}
