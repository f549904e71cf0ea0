import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';

/** The numbers of a GFS rule that its options leave out. */
export interface GfsDefaults {
  readonly schedule: () => events.Schedule;
  readonly deleteAfter: Duration;
  readonly coldAfter?: Duration;
}

/** Seed 001 "Monthly backups ... S3 Glacier", lifecycle rule "TransitionToGlacier" after 90 days (also seed 003). */
const DEFAULT_COLD_AFTER = Duration.days(90);

/** Seed 001 "Base Backups (Full Snapshots)" and "Retention Policy". */
export const GFS_DEFAULTS: { readonly daily: GfsDefaults; readonly weekly: GfsDefaults; readonly monthly: GfsDefaults } = {
  // "Full backup | Daily at 02:00 UTC | 30 days"
  daily: { schedule: () => events.Schedule.cron({ minute: '0', hour: '2' }), deleteAfter: Duration.days(30) },
  // "Weekly backup | Sunday 02:00 UTC | 90 days"
  weekly: { schedule: () => events.Schedule.cron({ minute: '0', hour: '2', weekDay: 'SUN' }), deleteAfter: Duration.days(90) },
  // "Monthly backup | 1st of month | 1 year"; Glacier after 90 days
  monthly: {
    schedule: () => events.Schedule.cron({ minute: '0', hour: '2', day: '1' }),
    deleteAfter: Duration.days(365),
    coldAfter: DEFAULT_COLD_AFTER,
  },
};
