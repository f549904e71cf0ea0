import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { IConstruct } from 'constructs';
import { IDrillMetrics } from '../drills';
import { isUnresolved, ValidationError } from '../private/validation';
import { humanSeconds } from './families';
import { DrillWatchOptions } from './watches';

/** One alarm of a drill: its id under BackupAlarms and its props. */
export interface DrillAlarm {
  readonly id: string;
  readonly props: cloudwatch.AlarmProps;
}

/**
 * The alarms of one drill: per data store, the restore took longer than the RTO; and per validated data store, the
 * validation failed (or the restore did), and no validated restore within the expected interval.
 */
export function drillAlarms(drill: IDrillMetrics, options: DrillWatchOptions, scope: IConstruct): DrillAlarm[] {
  if (!isUnresolved(options.rto) && options.rto.toSeconds({ integral: false }) < 60) {
    throw new ValidationError(`watchDrill(${drill.drillName}) rto is ${options.rto.toHumanString()}; an RTO is at least a minute (e.g. Duration.hours(1))`, scope);
  }
  const validated = new Set(drill.validatedDatabases);
  const names = options.databaseNames ?? drill.databaseNames;
  if (names.length === 0) {
    throw new ValidationError(`watchDrill(${drill.drillName}) has nothing to watch: add the drill's selections first`, scope);
  }
  const maxAge = options.maxValidatedRestoreAge ?? drill.maxValidatedRestoreInterval;
  if (validated.size > 0 && maxAge === undefined) {
    throw new ValidationError(
      `watchDrill(${drill.drillName}) cannot derive how often a validated restore is expected from the drill's schedule (a ` +
        'token): set maxValidatedRestoreAge (e.g. Duration.days(33) for a monthly drill)',
      scope,
    );
  }
  const rtoSeconds = options.rto.toSeconds();
  const alarms: DrillAlarm[] = [];
  for (const name of names) {
    const subject = `${drill.drillName}-${name}`;
    alarms.push({
      id: `${subject}-DrillRestoreTime`,
      props: {
        metric: drill.metricRestoreDuration(name, { period: Duration.days(1) }),
        threshold: rtoSeconds,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        // No drill today says nothing about the RTO: the state stays until the next restore is measured.
        treatMissingData: cloudwatch.TreatMissingData.IGNORE,
        alarmDescription: `The drill ${drill.drillName} restored '${name}' in more than its RTO of ${humanSeconds(rtoSeconds)} ` +
          '(RestoreDurationSeconds, restore job creation to completion): a real restore would miss the recovery time ' +
          'objective. First check the restore job in AWS Backup (its duration, the instance class restored), then the ' +
          'size of the database and the tier.',
      },
    });
    if (!validated.has(name)) {
      continue;
    }
    alarms.push({
      id: `${subject}-DrillValidationFailed`,
      props: {
        metric: drill.metricRestoreValidationSuccess(name, { period: Duration.hours(1) }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.IGNORE,
        alarmDescription: `The drill ${drill.drillName} restored '${name}' and its validation failed, or the restore ` +
          'itself failed (RestoreValidationSuccess 0): the backup is not proven restorable. First read the validation ' +
          'status message of the restore job in AWS Backup (it names the failed check), then the validator\'s log.',
      },
    });
    const maxSeconds = maxAge!.toSeconds();
    alarms.push({
      id: `${subject}-DrillMissing`,
      props: {
        metric: drill.metricValidatedRestoreAge(name, { period: Duration.hours(1) }),
        threshold: maxSeconds,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        // Three hours without the hourly measurement: the validator stopped; that is no proof either.
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        alarmDescription: `No restore of '${name}' passed validation in the drill ${drill.drillName} for more than ` +
          `${humanSeconds(maxSeconds)} ` +
          '(ValidatedRestoreAgeSeconds), or the validator stopped measuring: the last proof of a restore is too old. ' +
          'First check the restore testing plan\'s jobs in AWS Backup (did it run, did the restore fail), then the ' +
          'validator\'s hourly runs and dead-letter queue.',
      },
    });
  }
  return alarms;
}
