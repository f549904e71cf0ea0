import type { Located } from '../app-index';
import { DATABASE_TYPES, notAStore } from '../stores';
import { bool } from '../template';
import { DrRule, NOT_APPLICABLE, outcome } from './rule';

const TYPES = [...DATABASE_TYPES, 'AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable'];

/** Databases and tables cannot be deleted while deletion protection is on. */
export const DatabaseDeletionProtection: DrRule = {
  id: 'DatabaseDeletionProtection',
  title: 'The database or table has deletion protection on.',
  explanation: 'Without it one API call, or a stack update that replaces the resource, deletes the database and, for '
    + 'RDS, its automated backups with it.',
  types: TYPES,
  check(at: Located) {
    if (notAStore(at.resource) !== undefined) return NOT_APPLICABLE;
    if (at.resource.Type === 'AWS::DynamoDB::GlobalTable') {
      // A global table sets deletion protection per replica.
      const replicas = (at.resource.Properties?.Replicas ?? []) as Array<{ Region?: unknown; DeletionProtectionEnabled?: unknown }>;
      return outcome(replicas.filter((rep) => bool(rep.DeletionProtectionEnabled) !== true)
        .map((rep) => `replica ${at.r.resolve(rep.Region) ?? '?'} has DeletionProtectionEnabled off`));
    }
    const property = at.resource.Type === 'AWS::DynamoDB::Table' ? 'DeletionProtectionEnabled' : 'DeletionProtection';
    return outcome(bool(at.resource.Properties?.[property]) === true ? [] : [`${property} is not true`]);
  },
};
