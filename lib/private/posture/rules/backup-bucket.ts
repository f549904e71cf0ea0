// What the backup-bucket rules share: they apply to the buckets that hold backups only.
import type { AppIndex, Located } from '../app-index';
import { bucketPolicies, PolicyStatement, statements } from './rule';

export function isBackupBucket(at: Located, index: AppIndex): boolean {
  return index.backupBuckets.has(at);
}

/** The Deny statements to everyone of the bucket's policies. */
export function denyStatements(at: Located, index: AppIndex): PolicyStatement[] {
  return bucketPolicies(at, index).flatMap((p) => statements(p.resource.Properties?.PolicyDocument)).filter((s) => s.Effect === 'Deny');
}

/** The value of a condition key under an operator of a statement (resolved to a string when it is one). */
export function conditionValue(statement: PolicyStatement, operator: string, key: string): unknown {
  const block = statement.Condition?.[operator];
  if (!block) return undefined;
  const entry = Object.entries(block).find(([k]) => k.toLowerCase() === key.toLowerCase());
  return entry?.[1];
}
