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
    const property = at.resource.Type.startsWith('AWS::DynamoDB::') ? 'DeletionProtectionEnabled' : 'DeletionProtection';
    return outcome(bool(at.resource.Properties?.[property]) === true ? [] : [`${property} is not true`]);
  },
};
