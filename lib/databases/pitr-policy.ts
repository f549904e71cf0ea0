import { Duration, Token, TokenComparison } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';
import { checkRegion } from '../private/aws-names';
import { isUnresolved, ValidationError, wholeDays } from '../private/validation';
import { PitrSettings } from './pitr-settings';
import { DailyWindow, overlapMessage, parseBackupWindow, parseMaintenanceWindow, WeeklyWindow } from './windows';

// The PITR settings validated once, for RdsPitrPolicy and its enforce() Aspect.

export const DEFAULT_RETENTION = Duration.days(7);

export const MIN_AUTOMATED_BACKUP_RETENTION_DAYS = 1;

export const MAX_AUTOMATED_BACKUP_RETENTION_DAYS = 35;

/** Validated settings. */
export interface Policy {
  readonly retention: Duration;
  /** Undefined when the retention is a token. */
  readonly retentionDays?: number;
  readonly backupWindow?: string;
  readonly parsedBackupWindow?: DailyWindow;
  readonly maintenanceWindow?: string;
  readonly parsedMaintenanceWindow?: WeeklyWindow;
  readonly copyTagsToSnapshot: boolean;
  readonly deletionProtection: boolean;
  readonly logExports?: string[];
  readonly replicationRegion?: string;
  readonly replicationKey?: kms.IKey;
  readonly replicationRetention?: Duration;
}

export function validationError(message: string, scope: IConstruct): ValidationError {
  return new ValidationError(message, scope.node.path ? scope : undefined);
}

export function validateSettings(settings: PitrSettings, scope: IConstruct): Policy {
  const retention = settings.backupRetention ?? DEFAULT_RETENTION;
  const region = settings.backupReplicationRegion;
  let retentionDays: number | undefined;
  if (!isUnresolved(retention)) {
    retentionDays = wholeDays('backupRetention', retention, scope);
    if (retentionDays === 0 && region !== undefined) {
      throw validationError(
        `backupReplicationRegion '${region}' replicates automated backups, but backupRetention is 0 days, which turns ` +
          'automated backups off; RDS replicates only with a retention above 0 (e.g. backupRetention: Duration.days(7))',
        scope,
      );
    }
    if (retentionDays === 0) {
      throw validationError(
        'backupRetention is 0 days, which turns off automated backups and point-in-time recovery (RDS accepts 0 for ' +
          `instances, this policy does not); allowed range is ${MIN_AUTOMATED_BACKUP_RETENTION_DAYS}-${MAX_AUTOMATED_BACKUP_RETENTION_DAYS} days (e.g. Duration.days(7))`,
        scope,
      );
    }
    if (retentionDays > MAX_AUTOMATED_BACKUP_RETENTION_DAYS) {
      throw validationError(
        `backupRetention is ${retentionDays} days; RDS keeps automated backups ${MIN_AUTOMATED_BACKUP_RETENTION_DAYS}-${MAX_AUTOMATED_BACKUP_RETENTION_DAYS} days ` +
          `(e.g. Duration.days(${MAX_AUTOMATED_BACKUP_RETENTION_DAYS})); keep longer-lived recovery points with a RecoveryPlan`,
        scope,
      );
    }
  }

  let parsedBackupWindow: DailyWindow | undefined;
  if (settings.preferredBackupWindow !== undefined && !Token.isUnresolved(settings.preferredBackupWindow)) {
    parsedBackupWindow = orThrow(parseBackupWindow('preferredBackupWindow', settings.preferredBackupWindow), scope);
  }
  let parsedMaintenanceWindow: WeeklyWindow | undefined;
  if (settings.preferredMaintenanceWindow !== undefined && !Token.isUnresolved(settings.preferredMaintenanceWindow)) {
    parsedMaintenanceWindow = orThrow(
      parseMaintenanceWindow('preferredMaintenanceWindow', settings.preferredMaintenanceWindow), scope);
  }
  if (parsedBackupWindow && parsedMaintenanceWindow) {
    const overlap = overlapMessage('preferredBackupWindow', parsedBackupWindow, 'preferredMaintenanceWindow', parsedMaintenanceWindow);
    if (overlap) {
      throw validationError(overlap, scope);
    }
  }

  const key = settings.backupReplicationKmsKey;
  const replicationRetention = settings.backupReplicationRetention;
  if (region === undefined) {
    if (key) {
      throw validationError(
        'backupReplicationKmsKey is set but backupReplicationRegion is not; the key encrypts replicated backups in that ' +
          "region: set backupReplicationRegion (e.g. 'us-west-2') or remove the key",
        scope,
      );
    }
    if (replicationRetention) {
      throw validationError(
        `backupReplicationRetention is ${replicationRetention.toHumanString()} but backupReplicationRegion is not set; ` +
          "set backupReplicationRegion (e.g. 'us-west-2') or remove backupReplicationRetention",
        scope,
      );
    }
  } else {
    checkRegion('backupReplicationRegion', region, scope);
    if (!key) {
      throw validationError(
        `backupReplicationRegion '${region}' is set without backupReplicationKmsKey; the policy requires encrypted storage, ` +
          `and RDS replicates encrypted backups only with a KMS key of the destination region: give a key of ${region} ` +
          `(e.g. kms.Key.fromKeyArn(this, 'ReplicaKey', 'arn:aws:kms:${Token.isUnresolved(region) ? '<region>' : region}:111111111111:key/...'))`,
        scope,
      );
    }
    if (Token.compareStrings(key.env.region, region) === TokenComparison.DIFFERENT) {
      throw validationError(
        `backupReplicationKmsKey is a key of ${key.env.region}, but backupReplicationRegion is '${region}'; KMS keys are ` +
          `regional and replicated backups are encrypted in the destination region: give a key of ${region} ` +
          `(e.g. kms.Key.fromKeyArn(this, 'ReplicaKey', 'arn:aws:kms:${region}:111111111111:key/...'))`,
        scope,
      );
    }
    if (replicationRetention && !isUnresolved(replicationRetention)) {
      const days = wholeDays('backupReplicationRetention', replicationRetention, scope);
      if (days < MIN_AUTOMATED_BACKUP_RETENTION_DAYS || days > MAX_AUTOMATED_BACKUP_RETENTION_DAYS) {
        throw validationError(
          `backupReplicationRetention is ${days} days; allowed range is ${MIN_AUTOMATED_BACKUP_RETENTION_DAYS}-${MAX_AUTOMATED_BACKUP_RETENTION_DAYS} days ` +
            `(e.g. Duration.days(${days < MIN_AUTOMATED_BACKUP_RETENTION_DAYS ? 7 : MAX_AUTOMATED_BACKUP_RETENTION_DAYS}))`,
          scope,
        );
      }
    }
  }

  return {
    retention,
    retentionDays,
    backupWindow: settings.preferredBackupWindow,
    parsedBackupWindow,
    maintenanceWindow: settings.preferredMaintenanceWindow,
    parsedMaintenanceWindow,
    copyTagsToSnapshot: settings.copyTagsToSnapshot ?? true,
    deletionProtection: settings.deletionProtection ?? true,
    logExports: settings.cloudwatchLogsExports ? [...settings.cloudwatchLogsExports] : undefined,
    replicationRegion: region,
    replicationKey: key,
    replicationRetention,
  };
}

export function orThrow<T>(result: T | string, scope: IConstruct): T {
  if (typeof result === 'string') {
    throw validationError(result, scope);
  }
  return result;
}
