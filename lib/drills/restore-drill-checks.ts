import { Duration, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { differs, isUnresolved, ValidationError, wholeDays } from '../private/validation';
import { IBackupVault } from '../vault';
import { RestoreDrillRecoveryPointType, RestoreDrillResourceType } from './restore-drill-selection';

// The checks of RestoreDrill's props (sources in restore-drill.ts: P = RestoreTestingPlanForCreate, R = the restore
// testing guide's quotas).

/** P: SelectionWindowDays "an integer (in days) from 1 to 365". */
const MIN_SELECTION_WINDOW_DAYS = 1;
const MAX_SELECTION_WINDOW_DAYS = 365;

/** R: "30 vault selectors". */
const MAX_VAULTS = 30;

/** The selection name derived from a construct id: other characters become underscores, trimmed to 50. */
export function defaultSelectionName(id: string, scope: IConstruct): string {
  const name = id.replace(/[^a-zA-Z0-9]+/g, '_').slice(0, 50).replace(/^_+|_+$/g, '');
  if (name === '') {
    throw new ValidationError(
      `selection '${id}' has no letter or digit to name it after; set restoreTestingSelectionName (e.g. 'aurora_pitr')`,
      scope,
    );
  }
  return name;
}

/** Whole hours of a Duration within [min, max]; undefined for tokens. */
export function checkHours(
  prop: string,
  value: Duration,
  min: number,
  max: number,
  rule: string,
  alternative: string,
  scope: IConstruct,
): number | undefined {
  if (isUnresolved(value)) {
    return undefined;
  }
  const hours = value.toMilliseconds() / 3_600_000;
  if (!Number.isInteger(hours)) {
    throw new ValidationError(
      `${prop} is ${value.toHumanString()}, which is not a whole number of hours; use Duration.hours(${Math.min(max, Math.max(min, Math.round(hours)))})`,
      scope,
    );
  }
  if (hours < min || hours > max) {
    throw new ValidationError(
      `${prop} is ${hours} hours; ${rule} ${min}-${max} hours (e.g. Duration.hours(${hours < min ? min : max}))${alternative}`,
      scope,
    );
  }
  return hours;
}

/** The selection window in whole days, 1-365; undefined for tokens. */
export function checkDays(prop: string, value: Duration, scope: IConstruct): number | undefined {
  if (isUnresolved(value)) {
    return undefined;
  }
  const days = wholeDays(prop, value, scope);
  if (days < MIN_SELECTION_WINDOW_DAYS || days > MAX_SELECTION_WINDOW_DAYS) {
    throw new ValidationError(
      `${prop} is ${days} days; AWS Backup restore testing picks recovery points from the last ` +
        `${MIN_SELECTION_WINDOW_DAYS}-${MAX_SELECTION_WINDOW_DAYS} days ` +
        `(e.g. Duration.days(${days < MIN_SELECTION_WINDOW_DAYS ? MIN_SELECTION_WINDOW_DAYS : MAX_SELECTION_WINDOW_DAYS}))`,
      scope,
    );
  }
  return days;
}

export function checkRecoveryPointTypes(
  types: RestoreDrillRecoveryPointType[] | undefined,
  scope: IConstruct,
): RestoreDrillRecoveryPointType[] {
  if (types === undefined) {
    return [RestoreDrillRecoveryPointType.CONTINUOUS, RestoreDrillRecoveryPointType.SNAPSHOT];
  }
  if (types.length === 0) {
    throw new ValidationError(
      'recoveryPointTypes is empty; give SNAPSHOT and/or CONTINUOUS (RestoreDrillRecoveryPointType), or leave it out for both',
      scope,
    );
  }
  for (const type of types) {
    if (!Object.values(RestoreDrillRecoveryPointType).includes(type)) {
      throw new ValidationError(`recoveryPointTypes contains '${type}'; allowed: SNAPSHOT, CONTINUOUS`, scope);
    }
  }
  if (new Set(types).size !== types.length) {
    throw new ValidationError(`recoveryPointTypes [${types.join(', ')}] lists a type twice; give each type once`, scope);
  }
  return [...types];
}

/** `IncludeVaults`: the vaults' ARNs, or `['*']`. */
export function vaultArns(vaults: IBackupVault[] | undefined, scope: IConstruct): string[] {
  if (vaults === undefined) {
    return ['*'];
  }
  if (vaults.length === 0) {
    throw new ValidationError(
      "backupVaults is empty; give the vaults to test from, or leave backupVaults out for every vault of the account and region ('*')",
      scope,
    );
  }
  if (vaults.length > MAX_VAULTS) {
    throw new ValidationError(
      `backupVaults lists ${vaults.length} vaults; AWS Backup restore testing takes at most ${MAX_VAULTS} vault selectors: ` +
        "leave backupVaults out to include every vault ('*')",
      scope,
    );
  }
  const stack = Stack.of(scope);
  for (const vault of vaults) {
    const { account, region } = vault.env;
    if (differs(account, stack.account) || differs(region, stack.region)) {
      throw new ValidationError(
        `backupVaults includes '${vault.backupVaultName}' of ${account}/${region}, but a restore testing plan restores ` +
          `recovery points of its own account and region (${stack.account}/${stack.region}): define the drill in a ` +
          "stack of the vault's account and region",
        scope,
      );
    }
  }
  const arns = vaults.map((vault) => vault.backupVaultArn);
  const twice = vaults.findIndex((vault, index) => vaults.indexOf(vault) !== index
    || (!Token.isUnresolved(arns[index]) && arns.indexOf(arns[index]) !== index));
  if (twice >= 0) {
    const label = Token.isUnresolved(arns[twice]) ? vaults[twice].node.path : arns[twice];
    throw new ValidationError(`backupVaults lists '${label}' twice; give each vault once`, scope);
  }
  return arns;
}

export function enumKey(type: RestoreDrillResourceType): string {
  return Object.entries(RestoreDrillResourceType).find(([, value]) => value === type)![0];
}
