/**
 * The `backup-dr` context block of cdk.json, parsed and checked before any construct is built.
 * Every problem is reported in one message that names the key and shows an example value.
 */

import { ADDITIONAL_REGIONS_CONTEXT, closest, knownRegions } from '../lib/private/aws-names';
import { ROLE_ARN_PATTERN } from '../lib/private/validation';

/** Where a stack is deployed. */
export interface AccountConfig {
  readonly account: string;
  readonly region: string;
}

/** The backup account: its primary region and its disaster-recovery region. */
export interface BackupAccountConfig extends AccountConfig {
  readonly drRegion: string;
  /**
   * A role of the backup account, the only principal that may delete or re-encrypt a dump, delete a recovery point,
   * destroy or disable a key, or remove a vault's policy or lock; none: nobody may.
   */
  readonly breakGlassRoleArn?: string;
}

/** `BackupGuardrails`: where it is deployed and whom it excepts. */
export interface GuardrailsConfig {
  /** The management account of the organization (or a delegated administrator of AWS Organizations). */
  readonly managementAccount: string;
  /** Role ARN patterns of the backup account that may deploy (assume the CDK deploy role); none: deploy from outside. */
  readonly deployers?: string[];
  /** Role ARN patterns of the backup account that may still change the guarded roles. */
  readonly roleAdministrators?: string[];
}

/** The logically air-gapped vault of the backup account. */
export interface AirGappedVaultConfig {
  readonly minRetentionDays: number;
  readonly maxRetentionDays: number;
  /** An account of the organization that may restore from the vault (shared through AWS RAM). */
  readonly recoveryAccount?: string;
}

/** The vault lock of the backup account's vaults. */
export interface VaultLockConfig {
  readonly mode: 'governance' | 'compliance';
  readonly minRetentionDays: number;
  readonly maxRetentionDays: number;
  readonly changeableForDays: number;
}

/** A subnet of the workload VPC, with its availability zone (no lookup: synth stays offline). */
export interface SubnetConfig {
  readonly id: string;
  readonly availabilityZone: string;
}

/** The nightly pg_dump of a database to the backup account's dump bucket (PgDumpJob). */
export interface DumpConfig {
  /** Complete ARN of the database's secret (RDS rotation format), in the workload account and region. */
  readonly secretArn: string;
  /** The VPC of the database. */
  readonly vpcId: string;
  /** Subnets the job runs in: they need a route to S3, Secrets Manager, KMS and CloudWatch Logs. */
  readonly subnets: SubnetConfig[];
  /** Security group of the database; the job is allowed in on `port`. */
  readonly securityGroupId: string;
  /** The database port. */
  readonly port: number;
}

/** The restore verification of a database's dumps on a scratch server (DumpVerifyJob). */
export interface VerifyConfig {
  /** Complete ARN of the scratch server's secret; never the database's own secret. */
  readonly secretArn: string;
  /** Security group of the scratch server (in the dump's VPC); the job is allowed in on `port`. */
  readonly securityGroupId: string;
  /** The scratch server's port. */
  readonly port: number;
  /** `host:port/dbname` of the production database, which the handler refuses as a restore target. */
  readonly productionTarget: string;
}

/**
 * The monthly restore drill of a database's recovery points in the workload vault (first Sunday, 05:00 UTC): restored
 * into `subnetGroupName` behind `securityGroupId`, checked by a validator in the dump's VPC, timed against the tier's RTO.
 */
export interface DrillConfig {
  /** DB subnet group of the restores, in the dump's VPC. */
  readonly subnetGroupName: string;
  /** Security group of the restores (not the database's own): only the validator is let in, on the dump's port. */
  readonly securityGroupId: string;
  /** Tables that must be in the restored database, `schema.table`; at least one. */
  readonly requiredTables: string[];
  /** Secret of a read-only user valid on the restore; the dump's secret when not given. */
  readonly secretArn?: string;
}

/** A database of the workload account protected by AWS Backup. */
export interface DatabaseConfig {
  /** Short name, used in construct ids, dump keys, metric dimensions and job role names. */
  readonly name: string;
  /** ARN of the RDS DB instance or Aurora/DocumentDB cluster, in the workload account and region. */
  readonly arn: string;
  /**
   * ARN of the customer-managed KMS key that encrypts the database. Cross-account copies of RDS
   * snapshots need one, and its key policy must allow the backup account.
   */
  readonly kmsKeyArn?: string;
  /** The pg_dump job of the database; without it the database is backed up by AWS Backup only. */
  readonly dump?: DumpConfig;
  /** The restore verification of the dumps; needs `dump`. */
  readonly verify?: VerifyConfig;
  /** The monthly restore drill of its recovery points; needs `dump` (its network) and an RDS DB instance. */
  readonly drill?: DrillConfig;
}

/** Alarm destinations and thresholds (defaults from the seed documents). */
export interface AlarmsConfig {
  /** Where alarm and failed-job notifications go. */
  readonly email?: string;
  /** Hours without a successful pg_dump before alarming (seed 001: 25). */
  readonly dumpMissingHours: number;
  /** Change of dump size from one day to the next that alarms, in percent (seed 001: 20, seed 003: 50). */
  readonly dumpSizeChangePercent: number;
  /** Longest acceptable pg_dump run, in minutes (the job runs in Lambda, which stops at 15). */
  readonly dumpDurationMinutes: number;
  /** Age of the newest verified dump that alarms, in days (weekly verification, seed 000: 8). */
  readonly verificationStaleDays: number;
  /** RDS free storage below which to alarm, in GiB (seed 000: 10). */
  readonly freeStorageGiB: number;
  /** S3 replication latency that alarms, in minutes (replication time control: 15). */
  readonly replicationLatencyMinutes: number;
}

/** An application bucket of the workload account, replicated to the backup account's DR region. */
export interface AppBucketConfig {
  /** Physical name of the bucket; its replica is `<name>-dr` in the backup account's DR region. */
  readonly name: string;
}

export interface BackupDrConfig {
  /** Prefix of every physical name the two accounts share (vaults, bucket). */
  readonly namePrefix: string;
  readonly workload: AccountConfig;
  readonly backup: BackupAccountConfig;
  /**
   * An AWS Organizations id, only to let every account of that organization copy recovery points into the backup
   * account's vaults (an opt-in, warned at synth); without it only the workload account may.
   */
  readonly organizationId?: string;
  /**
   * The service control policy that keeps the backup account's administrators from taking over the break-glass and
   * CloudFormation roles (`BackupGuardrails`), deployed to the management account; none: not deployed.
   */
  readonly guardrails?: GuardrailsConfig;
  /**
   * A logically air-gapped vault in the backup account's primary region receiving the databases' Daily, Weekly and
   * Monthly copies, optionally shared with a recovery account; none: not created.
   */
  readonly airGappedVault?: AirGappedVaultConfig;
  /** RecoveryTier preset name: FREE, PRO, TEAM or ENTERPRISE. */
  readonly tier: string;
  readonly vaultLock: VaultLockConfig;
  /**
   * Object Lock mode of the dump bucket: `compliance` (default: no one, not even the account's root or a
   * break-glass role, can delete a dump or shorten its lock before the retention ends), or `governance` (a
   * principal with s3:BypassGovernanceRetention can; the bucket policy denies it to all but break-glass).
   */
  readonly dumpLockMode: 'compliance' | 'governance';
  /** How long copies in the backup account's vaults are kept. */
  readonly copyRetentionDays: number;
  readonly databases: DatabaseConfig[];
  readonly appBuckets: AppBucketConfig[];
  readonly alarms: AlarmsConfig;
}

/** The context key that holds the configuration. */
export const CONTEXT_KEY = 'backup-dr';

const TIERS = ['FREE', 'PRO', 'TEAM', 'ENTERPRISE'];
const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
const ACCOUNT = /^\d{12}$/;
const NAME_PREFIX = /^[a-z0-9][a-z0-9-]{1,20}[a-z0-9]$/;
const DB_NAME = /^[a-z][a-z0-9_]{0,62}$/;
const DB_ARN = /^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:(db|cluster):[a-zA-Z][a-zA-Z0-9-]{0,62}$/;
// No dots: the replica's key alias is named after the bucket, and KMS aliases cannot hold dots.
const BUCKET_NAME = /^(?!xn--)[a-z0-9][a-z0-9-]{1,56}[a-z0-9]$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[a-f0-9-]{36}$/;
const ORG_ID = /^o-[a-z0-9]{10,32}$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+-[A-Za-z0-9]{6}$/;
const VPC_ID = /^vpc-[0-9a-f]{8}([0-9a-f]{9})?$/;
const SUBNET_ID = /^subnet-[0-9a-f]{8}([0-9a-f]{9})?$/;
const SG_ID = /^sg-[0-9a-f]{8}([0-9a-f]{9})?$/;
const AZ = /^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/;
const TARGET = /^[A-Za-z0-9.-]{1,253}:\d{1,5}\/[^\s/]{1,63}$/;
/** IAM role names are at most 64 characters. */
const MAX_ROLE_NAME = 64;
/** A backup selection names at most 500 resource ARNs (without wildcards); the plan selects every database by ARN. */
export const MAX_DATABASES = 500;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** Thrown when the `backup-dr` context block is missing or malformed. */
export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(
      `context "${CONTEXT_KEY}" (cdk.json or cdk -c) has ${problems.length} problem(s):\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

type Json = Record<string, unknown>;

class Reader {
  public readonly problems: string[] = [];

  constructor(private readonly additionalRegions: readonly string[]) {}

  public object(value: unknown, key: string, example: string): Json {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return value as Json;
    }
    this.problems.push(`${key} is ${describe(value)}; expected an object, e.g. ${example}`);
    return {};
  }

  public string(obj: Json, parent: string, name: string, pattern: RegExp, example: string): string {
    const value = obj[name];
    const key = `${parent}.${name}`;
    if (typeof value !== 'string' || !pattern.test(value)) {
      this.problems.push(`${key} is ${describe(value)}; expected e.g. ${JSON.stringify(example)}`);
      return example;
    }
    return value;
  }

  /** A region name of the right shape that aws-cdk-lib knows, or one of `additionalRegions`. */
  public region(obj: Json, parent: string, name: string, example: string): string {
    const value = this.string(obj, parent, name, REGION, example);
    if (value === obj[name] && !knownRegions().includes(value) && !this.additionalRegions.includes(value)) {
      const meant = closest(value, knownRegions());
      this.problems.push(`${parent}.${name} is ${JSON.stringify(value)}, not a region aws-cdk-lib knows; expected e.g. ` +
        `${JSON.stringify(meant ?? example)} (a region newer than aws-cdk-lib: list it in the context key ` +
        `"${ADDITIONAL_REGIONS_CONTEXT}")`);
    }
    return value;
  }

  public optionalString(obj: Json, parent: string, name: string, pattern: RegExp, example: string): string | undefined {
    return obj[name] === undefined ? undefined : this.string(obj, parent, name, pattern, example);
  }

  /** A list of strings matching `pattern`, or undefined when the key is absent. */
  public optionalStringList(obj: Json, parent: string, name: string, pattern: RegExp, example: string): string[] | undefined {
    const value = obj[name];
    if (value === undefined) {
      return undefined;
    }
    const key = `${parent}.${name}`;
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || !pattern.test(item))) {
      this.problems.push(`${key} is ${describe(value)}; expected a list, e.g. [${JSON.stringify(example)}]`);
      return undefined;
    }
    return value as string[];
  }

  public integer(obj: Json, parent: string, name: string, min: number, max: number, example: number): number {
    const value = obj[name];
    const key = `${parent}.${name}`;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${key} is ${describe(value)}; expected a whole number from ${min} to ${max}, e.g. ${example}`);
      return example;
    }
    return value;
  }

  public optionalInteger(obj: Json, parent: string, name: string, min: number, max: number, fallback: number): number {
    return obj[name] === undefined ? fallback : this.integer(obj, parent, name, min, max, fallback);
  }

  public oneOf(obj: Json, parent: string, name: string, allowed: string[]): string {
    const value = obj[name];
    const key = `${parent}.${name}`;
    if (typeof value !== 'string' || !allowed.includes(value)) {
      this.problems.push(`${key} is ${describe(value)}; expected one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
      return allowed[0];
    }
    return value;
  }
}

function describe(value: unknown): string {
  return value === undefined ? 'missing' : JSON.stringify(value);
}

const ROOT_EXAMPLE = '{ "namePrefix": "backup-dr", ... } (see README)';

/**
 * The context value as an object. `cdk.json` gives one; `cdk synth -c backup-dr='{...}'` gives a string, which must
 * hold a JSON object. Anything else is the one problem reported: every key below it would only repeat it.
 */
function rootObject(raw: unknown): Json {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new ConfigError([`${CONTEXT_KEY} is a string that is not valid JSON (${(error as Error).message}); ` +
        `expected a JSON object, e.g. -c ${CONTEXT_KEY}='${ROOT_EXAMPLE.replace(' (see README)', '')}' (see README)`]);
    }
  }
  if (!isObject(value)) {
    throw new ConfigError([`${CONTEXT_KEY} is ${describe(value)}; expected an object, e.g. ${ROOT_EXAMPLE}`]);
  }
  return value;
}

/**
 * Parses the `backup-dr` context value: an object (cdk.json) or a string holding one (`-c backup-dr='{...}'`).
 * Throws ConfigError listing every problem. `additionalRegions`: regions newer than aws-cdk-lib
 * (the context key `cdk-backup-dr:additionalRegions`).
 */
export function parseConfig(raw: unknown, additionalRegions: readonly string[] = []): BackupDrConfig {
  const r = new Reader(additionalRegions);
  const root = rootObject(raw);
  const k = CONTEXT_KEY;

  const workloadRaw = r.object(root.workload, `${k}.workload`, '{ "account": "111111111111", "region": "us-east-1" }');
  const workload: AccountConfig = {
    account: r.string(workloadRaw, `${k}.workload`, 'account', ACCOUNT, '111111111111'),
    region: r.region(workloadRaw, `${k}.workload`, 'region', 'us-east-1'),
  };

  const backupRaw = r.object(root.backup, `${k}.backup`,
    '{ "account": "222222222222", "region": "us-east-1", "drRegion": "us-west-2" }');
  const backup: BackupAccountConfig = {
    account: r.string(backupRaw, `${k}.backup`, 'account', ACCOUNT, '222222222222'),
    region: r.region(backupRaw, `${k}.backup`, 'region', 'us-east-1'),
    drRegion: r.region(backupRaw, `${k}.backup`, 'drRegion', 'us-west-2'),
    breakGlassRoleArn: r.optionalString(backupRaw, `${k}.backup`, 'breakGlassRoleArn', ROLE_ARN_PATTERN,
      'arn:aws:iam::222222222222:role/backup-break-glass'),
  };
  const breakGlassAccount = backup.breakGlassRoleArn?.split(':')[4];
  if (breakGlassAccount !== undefined && breakGlassAccount !== backup.account && !r.problems.length) {
    r.problems.push(`${k}.backup.breakGlassRoleArn (${backup.breakGlassRoleArn}) is a role of account ${breakGlassAccount}; ` +
      `it must be a role of the backup account, e.g. "arn:aws:iam::${backup.account}:role/backup-break-glass"`);
  }
  if (backup.account === workload.account && !r.problems.length) {
    r.problems.push(`${k}.backup.account equals ${k}.workload.account (${workload.account}); ` +
      'backups must live in a separate account, e.g. "222222222222"');
  }
  if (backup.region !== workload.region && !r.problems.length) {
    r.problems.push(`${k}.backup.region (${backup.region}) differs from ${k}.workload.region (${workload.region}); ` +
      'the pg_dump jobs write to the dump bucket of the backup account\'s primary region, and a job and its bucket must ' +
      `share a region (the SSE-KMS key is regional), e.g. ${JSON.stringify(workload.region)}`);
  }
  if (backup.drRegion === backup.region && !r.problems.length) {
    r.problems.push(`${k}.backup.drRegion equals ${k}.backup.region (${backup.region}); ` +
      'the DR copy must be in another region, e.g. "us-west-2"');
  }

  const lockRaw = r.object(root.vaultLock, `${k}.vaultLock`,
    '{ "mode": "compliance", "minRetentionDays": 7, "maxRetentionDays": 3650, "changeableForDays": 3 }');
  const vaultLock: VaultLockConfig = {
    mode: r.oneOf(lockRaw, `${k}.vaultLock`, 'mode', ['compliance', 'governance']) as VaultLockConfig['mode'],
    minRetentionDays: r.integer(lockRaw, `${k}.vaultLock`, 'minRetentionDays', 1, 36500, 7),
    maxRetentionDays: r.integer(lockRaw, `${k}.vaultLock`, 'maxRetentionDays', 1, 36500, 3650),
    changeableForDays: r.integer(lockRaw, `${k}.vaultLock`, 'changeableForDays', 3, 36500, 3),
  };

  if (vaultLock.maxRetentionDays < vaultLock.minRetentionDays) {
    r.problems.push(`${k}.vaultLock.maxRetentionDays (${vaultLock.maxRetentionDays}) is below minRetentionDays ` +
      `(${vaultLock.minRetentionDays}); expected at least ${vaultLock.minRetentionDays}, e.g. 3650`);
  }

  const databases: DatabaseConfig[] = [];
  if (!Array.isArray(root.databases)) {
    r.problems.push(`${k}.databases is ${describe(root.databases)}; expected a list, e.g. ` +
      '[{ "name": "app", "arn": "arn:aws:rds:us-east-1:111111111111:db:app-prod" }]');
  } else {
    root.databases.forEach((entry, i) => {
      const key = `${k}.databases[${i}]`;
      const db = r.object(entry, key, '{ "name": "app", "arn": "arn:aws:rds:us-east-1:111111111111:db:app-prod" }');
      const parsed: DatabaseConfig = {
        name: r.string(db, key, 'name', DB_NAME, 'app'),
        arn: r.string(db, key, 'arn', DB_ARN, 'arn:aws:rds:us-east-1:111111111111:db:app-prod'),
        kmsKeyArn: r.optionalString(db, key, 'kmsKeyArn', KMS_KEY_ARN,
          'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab'),
        dump: db.dump === undefined ? undefined : parseDump(r, db.dump, `${key}.dump`, workload),
        verify: db.verify === undefined ? undefined : parseVerify(r, db.verify, `${key}.verify`, workload),
        drill: db.drill === undefined ? undefined : parseDrill(r, db.drill, `${key}.drill`, workload),
      };
      const malformedDump = db.dump !== undefined && parsed.dump === undefined;
      databases.push(parsed);
      if (parsed.verify && !parsed.dump && !malformedDump) {
        r.problems.push(`${key}.verify is set but ${key}.dump is not; the verification restores the dumps of the ` +
          'dump job: add a dump block, or remove verify');
      }
      if (parsed.verify && parsed.dump && parsed.verify.secretArn === parsed.dump.secretArn) {
        r.problems.push(`${key}.verify.secretArn is the database's own secret (${key}.dump.secretArn); the verification ` +
          'creates and drops databases on that server, which must be a separate scratch server, e.g. ' +
          `"arn:aws:secretsmanager:${workload.region}:${workload.account}:secret:app-scratch-AbCdEf"`);
      }
      checkDrill(r, parsed, key, malformedDump);
      // AWS Backup selects resources of the plan's own account and region only: anything else is silently skipped.
      const [, , , region, account] = parsed.arn.split(':');
      if (DB_ARN.test(parsed.arn) && (account !== workload.account || region !== workload.region)) {
        r.problems.push(`${key}.arn ${JSON.stringify(parsed.arn)} is in ${account}/${region}, not the workload account ` +
          `and region (${workload.account}/${workload.region}); AWS Backup would never back it up. ` +
          `Use a database of the workload, e.g. "arn:aws:rds:${workload.region}:${workload.account}:db:app-prod"`);
      }
    });
    const names = databases.map((d) => d.name);
    const duplicate = names.find((n, i) => names.indexOf(n) !== i);
    databases.forEach((db, i) => {
      const roles = jobRoleNames(typeof root.namePrefix === 'string' ? root.namePrefix : 'backup-dr', db.name);
      const longest = db.verify ? roles.verify : roles.dump;
      if (db.dump && longest.length > MAX_ROLE_NAME) {
        r.problems.push(`${k}.databases[${i}].name "${db.name}" makes the job role name "${longest}" ` +
          `${longest.length} characters long; IAM allows ${MAX_ROLE_NAME}: shorten the name or namePrefix`);
      }
    });
    if (duplicate) {
      r.problems.push(`${k}.databases has two entries named ${JSON.stringify(duplicate)}; names must be unique`);
    }
    if (databases.length > MAX_DATABASES) {
      r.problems.push(`${k}.databases has ${databases.length} entries; the backup plan selects them by ARN, and an AWS ` +
        `Backup selection takes at most ${MAX_DATABASES} ARNs: split them across apps (each with its own namePrefix)`);
    }
  }

  const appBuckets: AppBucketConfig[] = [];
  const appBucketsRaw = root.appBuckets ?? [];
  if (!Array.isArray(appBucketsRaw)) {
    r.problems.push(`${k}.appBuckets is ${describe(appBucketsRaw)}; expected a list, e.g. [{ "name": "acme-uploads" }]`);
  } else {
    appBucketsRaw.forEach((entry, i) => {
      const key = `${k}.appBuckets[${i}]`;
      const bucket = r.object(entry, key, '{ "name": "acme-uploads" }');
      // 3 characters are kept for the replica's "-dr" suffix.
      appBuckets.push({ name: r.string(bucket, key, 'name', BUCKET_NAME, 'acme-uploads') });
    });
  }

  const alarmsRaw = root.alarms === undefined ? {} : r.object(root.alarms, `${k}.alarms`, '{ "email": "oncall@example.com" }');
  const ka = `${k}.alarms`;
  const alarmInt = (name: string, min: number, max: number, fallback: number) =>
    (alarmsRaw[name] === undefined ? fallback : r.integer(alarmsRaw, ka, name, min, max, fallback));
  const alarms: AlarmsConfig = {
    email: r.optionalString(alarmsRaw, ka, 'email', EMAIL, 'oncall@example.com'),
    dumpMissingHours: alarmInt('dumpMissingHours', 1, 168, 25),
    dumpSizeChangePercent: alarmInt('dumpSizeChangePercent', 1, 1000, 20),
    dumpDurationMinutes: alarmInt('dumpDurationMinutes', 1, 1440, 12),
    verificationStaleDays: alarmInt('verificationStaleDays', 1, 365, 8),
    freeStorageGiB: alarmInt('freeStorageGiB', 1, 65536, 10),
    replicationLatencyMinutes: alarmInt('replicationLatencyMinutes', 1, 1440, 15),
  };

  const config: BackupDrConfig = {
    namePrefix: r.string(root, k, 'namePrefix', NAME_PREFIX, 'backup-dr'),
    workload,
    backup,
    organizationId: r.optionalString(root, k, 'organizationId', ORG_ID, 'o-a1b2c3d4e5'),
    guardrails: parseGuardrails(r, root, k, backup),
    airGappedVault: parseAirGappedVault(r, root, k),
    tier: r.oneOf(root, k, 'tier', TIERS),
    vaultLock,
    dumpLockMode: (root.dumpLockMode === undefined ? 'compliance'
      : r.oneOf(root, k, 'dumpLockMode', ['compliance', 'governance'])) as BackupDrConfig['dumpLockMode'],
    copyRetentionDays: r.integer(root, k, 'copyRetentionDays', 1, 36500, 35),
    databases,
    appBuckets,
    alarms,
  };
  if (!r.problems.length
    && (config.copyRetentionDays < vaultLock.minRetentionDays || config.copyRetentionDays > vaultLock.maxRetentionDays)) {
    r.problems.push(`${k}.copyRetentionDays is ${config.copyRetentionDays}; the backup vaults' lock accepts ` +
      `${vaultLock.minRetentionDays}-${vaultLock.maxRetentionDays} days (${k}.vaultLock), e.g. ${Math.max(35, vaultLock.minRetentionDays)}`);
  }
  if (config.airGappedVault) {
    config.databases.forEach((db, i) => {
      if (/:db:/.test(db.arn)) {
        r.problems.push(`${k}.airGappedVault is set, but ${k}.databases[${i}].arn "${db.arn}" is an RDS instance; a logically ` +
          'air-gapped vault stores Aurora, Neptune and DocumentDB clusters, not RDS instances: protect clusters, or remove airGappedVault');
      }
    });
  }
  if (r.problems.length) {
    throw new ConfigError(r.problems);
  }
  return config;
}

/** Physical names shared by the two accounts (no CloudFormation exports cross accounts). */
export function sharedNames(config: BackupDrConfig) {
  const dumpBucket = `${config.namePrefix}-dumps-${config.backup.account}-${config.backup.region}`;
  const drDumpBucket = `${config.namePrefix}-dumps-${config.backup.account}-${config.backup.drRegion}`;
  return {
    centralVault: `${config.namePrefix}-central`,
    drVault: `${config.namePrefix}-dr`,
    airGappedVault: `${config.namePrefix}-air-gapped`,
    dumpBucket,
    /** The alias of the dump bucket's key: its ARN names the key in the workload account before it exists. */
    dumpKeyAlias: `alias/${dumpBucket}`,
    /** The dump bucket's replica in the backup account's DR region. */
    drDumpBucket,
    drDumpKeyAlias: `alias/${drDumpBucket}`,
  };
}

function parseAirGappedVault(r: Reader, root: Json, k: string): AirGappedVaultConfig | undefined {
  if (root.airGappedVault === undefined) {
    return undefined;
  }
  const key = `${k}.airGappedVault`;
  const raw = r.object(root.airGappedVault, key, '{ "minRetentionDays": 7, "maxRetentionDays": 400 }');
  const vault: AirGappedVaultConfig = {
    minRetentionDays: r.integer(raw, key, 'minRetentionDays', 7, 36500, 7),
    maxRetentionDays: r.integer(raw, key, 'maxRetentionDays', 7, 36500, 400),
    recoveryAccount: r.optionalString(raw, key, 'recoveryAccount', ACCOUNT, '333333333333'),
  };
  if (vault.maxRetentionDays < vault.minRetentionDays && !r.problems.length) {
    r.problems.push(`${key}.maxRetentionDays (${vault.maxRetentionDays}) is less than minRetentionDays (${vault.minRetentionDays}); ` +
      'give a range with min <= max, e.g. 7 and 400');
  }
  return vault;
}

/** Role ARN patterns as an SCP condition takes them: account id or `*`, a role name that may hold `*`. */
const ROLE_ARN_LIKE = /^arn:aws[a-z-]*:iam::(\d{12}|\*):role\/[\w+=,.@\-/*]{1,512}$/;

function parseGuardrails(r: Reader, root: Json, k: string, backup: BackupAccountConfig): GuardrailsConfig | undefined {
  if (root.guardrails === undefined) {
    return undefined;
  }
  const key = `${k}.guardrails`;
  const raw = r.object(root.guardrails, key, '{ "managementAccount": "999999999999" }');
  const guardrails: GuardrailsConfig = {
    managementAccount: r.string(raw, key, 'managementAccount', ACCOUNT, '999999999999'),
    deployers: r.optionalStringList(raw, key, 'deployers', ROLE_ARN_LIKE, `arn:aws:iam::${backup.account}:role/pipeline-deploy`),
    roleAdministrators: r.optionalStringList(raw, key, 'roleAdministrators', ROLE_ARN_LIKE, 'arn:aws:iam::*:role/org-admin'),
  };
  if (guardrails.managementAccount === backup.account && !r.problems.length) {
    r.problems.push(`${key}.managementAccount equals ${k}.backup.account (${backup.account}); service control policies do not ` +
      'apply to the management account: the backup account must be a member account, e.g. "999999999999"');
  }
  return guardrails;
}

/**
 * Physical names of the execution roles of a database's jobs in the workload account. The dump bucket's policy in
 * the backup account names them in `aws:PrincipalArn` conditions, which need no role to exist yet.
 */
export function jobRoleNames(namePrefix: string, database: string): { dump: string; verify: string } {
  return { dump: `${namePrefix}-dump-${database}`, verify: `${namePrefix}-verify-${database}` };
}

function parseSecretArn(r: Reader, obj: Json, key: string, workload: AccountConfig, example: string): string {
  const arn = r.string(obj, key, 'secretArn', SECRET_ARN, example);
  const [, , , region, account] = arn.split(':');
  if (SECRET_ARN.test(arn) && (account !== workload.account || region !== workload.region)) {
    r.problems.push(`${key}.secretArn ${JSON.stringify(arn)} is in ${account}/${region}, not the workload account and ` +
      `region (${workload.account}/${workload.region}); the job reads it there, e.g. ${JSON.stringify(example)}`);
  }
  return arn;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseDump(r: Reader, raw: unknown, key: string, workload: AccountConfig): DumpConfig | undefined {
  const example = `{ "secretArn": "arn:aws:secretsmanager:${workload.region}:${workload.account}:secret:app-prod-AbCdEf", ` +
    '"vpcId": "vpc-0123456789abcdef0", "subnets": [{ "id": "subnet-0123456789abcdef0", "availabilityZone": ' +
    `"${workload.region}a" }], "securityGroupId": "sg-0123456789abcdef0" }`;
  if (!isObject(raw)) {
    r.object(raw, key, example);
    return undefined;
  }
  const dump = raw;
  const subnets: SubnetConfig[] = [];
  if (!Array.isArray(dump.subnets) || dump.subnets.length === 0) {
    r.problems.push(`${key}.subnets is ${describe(dump.subnets)}; expected a non-empty list, e.g. ` +
      `[{ "id": "subnet-0123456789abcdef0", "availabilityZone": "${workload.region}a" }]`);
  } else {
    dump.subnets.forEach((entry, i) => {
      const subnetKey = `${key}.subnets[${i}]`;
      const subnet = r.object(entry, subnetKey, `{ "id": "subnet-0123456789abcdef0", "availabilityZone": "${workload.region}a" }`);
      const parsed = {
        id: r.string(subnet, subnetKey, 'id', SUBNET_ID, 'subnet-0123456789abcdef0'),
        availabilityZone: r.string(subnet, subnetKey, 'availabilityZone', AZ, `${workload.region}a`),
      };
      if (AZ.test(parsed.availabilityZone) && !parsed.availabilityZone.startsWith(workload.region)) {
        r.problems.push(`${subnetKey}.availabilityZone "${parsed.availabilityZone}" is not in the workload region ` +
          `(${workload.region}), e.g. "${workload.region}a"`);
      }
      subnets.push(parsed);
    });
  }
  return {
    secretArn: parseSecretArn(r, dump, key, workload, `arn:aws:secretsmanager:${workload.region}:${workload.account}:secret:app-prod-AbCdEf`),
    vpcId: r.string(dump, key, 'vpcId', VPC_ID, 'vpc-0123456789abcdef0'),
    subnets,
    securityGroupId: r.string(dump, key, 'securityGroupId', SG_ID, 'sg-0123456789abcdef0'),
    port: r.optionalInteger(dump, key, 'port', 1, 65535, 5432),
  };
}

function parseVerify(r: Reader, raw: unknown, key: string, workload: AccountConfig): VerifyConfig | undefined {
  const example = `arn:aws:secretsmanager:${workload.region}:${workload.account}:secret:app-scratch-AbCdEf`;
  if (!isObject(raw)) {
    r.object(raw, key, `{ "secretArn": "${example}", "securityGroupId": "sg-0fedcba9876543210" }`);
    return undefined;
  }
  const verify = raw;
  return {
    secretArn: parseSecretArn(r, verify, key, workload, example),
    securityGroupId: r.string(verify, key, 'securityGroupId', SG_ID, 'sg-0fedcba9876543210'),
    port: r.optionalInteger(verify, key, 'port', 1, 65535, 5432),
    productionTarget: r.string(verify, key, 'productionTarget', TARGET,
      `app-prod.abcdefghijkl.${workload.region}.rds.amazonaws.com:5432/app`),
  };
}

const SUBNET_GROUP = /^[a-zA-Z0-9][a-zA-Z0-9._ -]{0,254}$/;
const TABLE = /^[A-Za-z_][A-Za-z0-9_$]{0,62}\.[A-Za-z_][A-Za-z0-9_$]{0,62}$/;

function parseDrill(r: Reader, raw: unknown, key: string, workload: AccountConfig): DrillConfig | undefined {
  const example = '{ "subnetGroupName": "app-restore-drills", "securityGroupId": "sg-0a1b2c3d4e5f67890", "requiredTables": ["public.orders"] }';
  if (!isObject(raw)) {
    r.object(raw, key, example);
    return undefined;
  }
  const requiredTables = r.optionalStringList(raw, key, 'requiredTables', TABLE, 'public.orders') ?? [];
  if (requiredTables.length === 0 && raw.requiredTables === undefined) {
    r.problems.push(`${key}.requiredTables is missing; the drill's validator checks that these tables are in the restore, ` +
      'e.g. ["public.orders"]');
  }
  return {
    subnetGroupName: r.string(raw, key, 'subnetGroupName', SUBNET_GROUP, 'app-restore-drills'),
    securityGroupId: r.string(raw, key, 'securityGroupId', SG_ID, 'sg-0a1b2c3d4e5f67890'),
    requiredTables,
    secretArn: raw.secretArn === undefined ? undefined
      : parseSecretArn(r, raw, key, workload, `arn:aws:secretsmanager:${workload.region}:${workload.account}:secret:app-drill-AbCdEf`),
  };
}

/** A drill runs its validator in the dump's network, restores RDS DB instances only, and never into the database's group. */
function checkDrill(r: Reader, db: DatabaseConfig, key: string, malformedDump: boolean): void {
  if (!db.drill) {
    return;
  }
  if (!db.dump && !malformedDump) {
    r.problems.push(`${key}.drill is set but ${key}.dump is not; the drill's validator runs in the dump's VPC and subnets: ` +
      'add a dump block, or remove drill');
  }
  if (DB_ARN.test(db.arn) && db.arn.split(':')[5] !== 'db') {
    r.problems.push(`${key}.drill is set but ${key}.arn is a cluster; AWS Backup restores an Aurora cluster without a DB ` +
      'instance, so the validator has nothing to check: remove drill');
  }
  if (db.dump && db.drill.securityGroupId === db.dump.securityGroupId) {
    r.problems.push(`${key}.drill.securityGroupId is the database's own group (${key}.dump.securityGroupId); the validator ` +
      'let into it could reach production: give the restores a group of their own, e.g. "sg-0a1b2c3d4e5f67890"');
  }
}
