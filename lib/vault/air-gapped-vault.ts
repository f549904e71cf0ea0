import { Duration, Names, RemovalPolicy, Resource, Stack, Token } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as ram from 'aws-cdk-lib/aws-ram';
import { Construct } from 'constructs';
import { PolicyEditors } from '../common';
import { principalArnsExcept } from '../private/key-guard';
import { checkAccountId, checkPattern, isUnresolved, ValidationError, wholeDays } from '../private/validation';
import { vaultMetric } from '../private/vault-metric';
import { BackupVault, IBackupVault } from './backup-vault';
import { VaultLock } from './vault-lock';

/** Props of an AirGappedVault. */
export interface AirGappedVaultProps {
  /**
   * Physical name of the vault: 2-50 letters, digits, hyphens or underscores. Give one when another account copies
   * into the vault or restores from it.
   *
   * @default - a name generated from the construct path
   */
  readonly backupVaultName?: string;

  /**
   * Every recovery point copied into the vault is kept at least this long: whole days, at least 7 (AWS Backup's
   * minimum for a logically air-gapped vault).
   */
  readonly minRetention: Duration;

  /** Every recovery point copied into the vault is kept at most this long: whole days, at least `minRetention`, at most 36500. */
  readonly maxRetention: Duration;

  /**
   * A customer-managed key that encrypts the vault.
   *
   * @default - an AWS-owned key: no key of any account can be deleted or disabled to make the copies unreadable
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Accounts allowed to copy recovery points into the vault (`backup:CopyIntoBackupVault`).
   *
   * @default - none: only this account's plans copy in
   */
  readonly copySourceAccounts?: string[];

  /**
   * Accounts the vault is shared with through AWS Resource Access Manager, so that they can restore from it when this
   * account is lost or compromised (a recovery account). They must be in this account's AWS Organization.
   *
   * @default - not shared
   */
  readonly recoveryAccounts?: string[];

  /**
   * The only principal besides the `policyEditors` that may replace the vault's access policy, and the only one that
   * may delete the policy or the vault.
   *
   * @default - none
   */
  readonly breakGlassRole?: iam.IRole;

  /**
   * Who besides `breakGlassRole` may replace the vault's access policy (CloudFormation's role). See `PolicyEditors`.
   *
   * @default PolicyEditors.cdkBootstrap()
   */
  readonly policyEditors?: PolicyEditors;

  /**
   * What happens to the vault when it leaves the stack. A vault that holds recovery points cannot be deleted.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Attributes of a logically air-gapped vault defined elsewhere. */
export interface AirGappedVaultAttributes {
  /** ARN of the vault, e.g. `arn:aws:backup:us-east-1:222222222222:backup-vault:air-gapped`. */
  readonly backupVaultArn: string;
  /** Its minimum retention. */
  readonly minRetention: Duration;
  /** Its maximum retention. */
  readonly maxRetention: Duration;
}

const VAULT_NAME_PATTERN = /^[a-zA-Z0-9\-_]{2,50}$/;
/** AWS Backup's least MinRetentionDays of a logically air-gapped vault. */
const MIN_RETENTION_DAYS = 7;
const MAX_RETENTION_DAYS = 36500;

/**
 * The resource types a logically air-gapped vault stores, by the service of their ARNs: EC2 and EBS (`ec2`), S3, EFS
 * (`elasticfilesystem`), Aurora, Neptune and DocumentDB clusters (`rds`, whose RDS instances it does not store), DynamoDB
 * with advanced features, FSx and Storage Gateway. AWS Backup feature availability, "Logically air-gapped vault":
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/backup-feature-availability.html
 */
const AIR_GAPPED_VAULT_SERVICES = ['ec2', 's3', 'elasticfilesystem', 'rds', 'dynamodb', 'fsx', 'storagegateway'];

/**
 * An AWS Backup logically air-gapped vault (`AWS::Backup::LogicallyAirGappedBackupVault`, for which aws-cdk-lib has no
 * L2): always locked in compliance mode with the given retention range, encrypted with an AWS-owned key unless a key is
 * given, and optionally shared through AWS RAM with a recovery account that can restore from it even when this
 * account is lost. A copy target of `RecoveryPlan` like any vault: its `vaultLock` bounds the copies' retention, and
 * the resource types it accepts are checked at synth.
 *
 * - retention range validated (7 to 36500 whole days, min <= max);
 * - access policy: copies from the named accounts only; replacing the policy denied to all but break-glass and the
 *   policy editors, deleting it or the (retained) vault to all but break-glass;
 * - retained when removed from the stack.
 *
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/logicallyairgappedvault.html
 */
export class AirGappedVault extends Resource implements IBackupVault {
  /**
   * Reference a logically air-gapped vault defined elsewhere (another account's), as a copy target whose retention range
   * and accepted resource types are checked.
   */
  public static fromAirGappedVaultAttributes(scope: Construct, id: string, attrs: AirGappedVaultAttributes): IBackupVault {
    const vault = BackupVault.fromBackupVaultAttributes(scope, id, {
      backupVaultArn: attrs.backupVaultArn,
      vaultLock: VaultLock.compliance({ minRetention: attrs.minRetention, maxRetention: attrs.maxRetention }),
    });
    return Object.assign(vault, { acceptedServices: [...AIR_GAPPED_VAULT_SERVICES] });
  }

  public readonly backupVaultName: string;
  public readonly backupVaultArn: string;

  /**
   * The compliance-mode lock every logically air-gapped vault has: its retention range.
   *
   * @default - always set
   */
  public readonly vaultLock?: VaultLock;

  /**
   * The services (as in ARNs) of the resource types the vault stores: `ec2`, `s3`, `elasticfilesystem`, `rds` (Aurora,
   * Neptune and DocumentDB clusters, not RDS instances), `dynamodb` (with advanced features), `fsx`, `storagegateway`.
   * `RecoveryPlan` checks its selections against them at synth.
   *
   * @default - always set
   */
  public readonly acceptedServices?: string[] = [...AIR_GAPPED_VAULT_SERVICES];

  /**
   * The RAM share of the vault with `recoveryAccounts`.
   *
   * @default - none when `recoveryAccounts` is empty
   */
  public readonly resourceShare?: ram.CfnResourceShare;

  /**
   * Name of the RAM share: `<stack name>-<construct id>` (`BackupGuardrails` `protectedResourceShareNames` keeps it).
   *
   * @default - none when `recoveryAccounts` is empty
   */
  public readonly resourceShareName?: string;

  private readonly policy: iam.PolicyDocument;

  constructor(scope: Construct, id: string, props: AirGappedVaultProps) {
    super(scope, id, { physicalName: props.backupVaultName });
    checkPattern('backupVaultName', props.backupVaultName, VAULT_NAME_PATTERN,
      'vault names are 2-50 letters, digits, hyphens or underscores', 'air-gapped', this);
    const [minDays, maxDays] = this.checkRetention(props);
    for (const account of [...props.copySourceAccounts ?? [], ...props.recoveryAccounts ?? []]) {
      checkAccountId('copySourceAccounts/recoveryAccounts', account, this);
    }

    this.vaultLock = VaultLock.compliance({ minRetention: props.minRetention, maxRetention: props.maxRetention });
    this.policy = new iam.PolicyDocument();
    const name = props.backupVaultName ?? Names.uniqueResourceName(this, { maxLength: 50, separator: '-' });
    const cfn = new backup.CfnLogicallyAirGappedBackupVault(this, 'Resource', {
      backupVaultName: name,
      minRetentionDays: minDays,
      maxRetentionDays: maxDays,
      encryptionKeyArn: props.encryptionKey?.keyArn,
      accessPolicy: this.policy,
    });
    cfn.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.RETAIN);
    this.backupVaultName = cfn.ref;
    this.backupVaultArn = cfn.attrBackupVaultArn;

    const editors = (props.policyEditors ?? PolicyEditors.cdkBootstrap())._roleArns(this);
    const breakGlass = props.breakGlassRole ? [props.breakGlassRole.roleArn] : [];
    this.policy.addStatements(new iam.PolicyStatement({
      sid: 'DenyAccessPolicyChanges',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['backup:PutBackupVaultAccessPolicy'],
      resources: ['*'],
      conditions: principalArnsExcept([...breakGlass, ...editors]),
    }), new iam.PolicyStatement({
      sid: 'DenyAccessPolicyAndVaultDeletion',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['backup:DeleteBackupVaultAccessPolicy', 'backup:DeleteBackupVault'],
      resources: ['*'],
      conditions: principalArnsExcept(breakGlass),
    }));
    if ((props.copySourceAccounts ?? []).length > 0) {
      this.policy.addStatements(new iam.PolicyStatement({
        sid: 'AllowCopyFromSourceAccounts',
        principals: props.copySourceAccounts!.map((account) => new iam.AccountPrincipal(account)),
        actions: ['backup:CopyIntoBackupVault'],
        resources: ['*'],
      }));
    }
    if ((props.recoveryAccounts ?? []).length > 0) {
      this.resourceShareName = `${Stack.of(this).stackName}-${id}`.substring(0, 255);
      this.resourceShare = new ram.CfnResourceShare(this, 'Share', {
        name: this.resourceShareName,
        resourceArns: [this.backupVaultArn],
        principals: props.recoveryAccounts,
        allowExternalPrincipals: false,
      });
      // The recovery account's way in when this account is lost: kept when the vault leaves the stack.
      this.resourceShare.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.RETAIN);
    }
  }

  public get backupVaultRef(): backup.BackupVaultReference {
    return { backupVaultName: this.backupVaultName, backupVaultArn: this.backupVaultArn };
  }

  /** Grants `actions` on the vault to `grantee`. */
  public grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [this.backupVaultArn] });
  }

  /** Adds a statement to the vault access policy. */
  public addToAccessPolicy(statement: iam.PolicyStatement): void {
    this.policy.addStatements(statement);
  }

  /** An AWS/Backup metric of this vault (dimension `BackupVaultName`), summed over 1 hour unless `props` say otherwise. */
  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return vaultMetric(this, this.backupVaultName, metricName, props);
  }

  /** Number of backup jobs into this vault that failed (`NumberOfBackupJobsFailed`). */
  public metricBackupJobsFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('NumberOfBackupJobsFailed', props);
  }

  /** Number of copy jobs of this vault that failed (`NumberOfCopyJobsFailed`). */
  public metricCopyJobsFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('NumberOfCopyJobsFailed', props);
  }

  /** Number of restore jobs from this vault that failed (`NumberOfRestoreJobsFailed`). */
  public metricRestoreJobsFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('NumberOfRestoreJobsFailed', props);
  }

  /** Whole days, 7 <= min <= max <= 36500 (tokens skipped). */
  private checkRetention(props: AirGappedVaultProps): [number, number] {
    const days = (prop: string, value: Duration) => (isUnresolved(value) ? value.toDays() : wholeDays(prop, value, this));
    const min = days('minRetention', props.minRetention);
    const max = days('maxRetention', props.maxRetention);
    if (!Token.isUnresolved(min) && min < MIN_RETENTION_DAYS) {
      throw new ValidationError(
        `minRetention is ${min} days; a logically air-gapped vault keeps recovery points at least ${MIN_RETENTION_DAYS} days ` +
          `(e.g. Duration.days(${MIN_RETENTION_DAYS}))`,
        this,
      );
    }
    if (!Token.isUnresolved(max) && max > MAX_RETENTION_DAYS) {
      throw new ValidationError(`maxRetention is ${max} days; AWS Backup allows at most ${MAX_RETENTION_DAYS} days (e.g. Duration.days(3650))`, this);
    }
    if (!Token.isUnresolved(min) && !Token.isUnresolved(max) && max < min) {
      throw new ValidationError(
        `maxRetention (${max} days) is shorter than minRetention (${min} days); give a range with min <= max (e.g. ${min} and ${Math.max(min, 365)} days)`,
        this,
      );
    }
    return [min, max];
  }
}
