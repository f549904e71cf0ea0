import type { Located } from '../app-index';
import { DATABASE_TYPES, notAStore } from '../stores';
import { num } from '../template';
import { DrRule, NOT_APPLICABLE, outcome, RuleContext } from './rule';

/** Databases keep automated backups (point-in-time recovery) for at least the minimum retention. */
export const DatabaseBackupRetention: DrRule = {
  id: 'DatabaseBackupRetention',
  title: 'The database keeps automated backups (point-in-time recovery) for at least the minimum retention.',
  explanation: 'Automated backups are the only way back to any second before a bad write; a short window means a '
    + 'corruption found after the window closes cannot be undone from them. CloudFormation keeps 1 day when the '
    + 'retention is not set.',
  types: DATABASE_TYPES,
  check(at: Located, { options }: RuleContext) {
    if (notAStore(at.resource) !== undefined) return NOT_APPLICABLE;
    const days = num(at.resource.Properties?.BackupRetentionPeriod) ?? 1;
    return outcome(days >= options.minimumRetentionDays ? []
      : [`BackupRetentionPeriod is ${days} day(s), less than ${options.minimumRetentionDays}`]);
  },
};
