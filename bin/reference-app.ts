import { Annotations, App, Duration, Stack, StackProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks, ServerlessChecks } from 'cdk-nag';
import { Construct } from 'constructs';
import { BackupVault, CrossAccountBucket, RecoveryPlan, RecoveryTier, VaultLock } from '../lib';
import { BackupDrConfig, CONTEXT_KEY, parseConfig, sharedNames } from './config';

function vaultLock(config: BackupDrConfig): VaultLock {
  const options = {
    minRetention: Duration.days(config.vaultLock.minRetentionDays),
    maxRetention: Duration.days(config.vaultLock.maxRetentionDays),
  };
  return config.vaultLock.mode === 'compliance'
    ? VaultLock.compliance({ ...options, changeableFor: Duration.days(config.vaultLock.changeableForDays) })
    : VaultLock.governance(options);
}

export interface BackupAccountStackProps extends StackProps {
  readonly config: BackupDrConfig;
  /** The DR-region instance holds only the second vault. */
  readonly drRegion: boolean;
}

/** The backup account: a locked vault that receives copies, and (primary region) the pg_dump bucket. */
export class BackupAccountStack extends Stack {
  public readonly vault: BackupVault;
  /** The pg_dump bucket; only in the primary-region instance. */
  public readonly dumpBucket?: CrossAccountBucket;

  constructor(scope: Construct, id: string, props: BackupAccountStackProps) {
    super(scope, id, props);
    const { config } = props;
    const names = sharedNames(config);
    this.vault = new BackupVault(this, 'Vault', {
      backupVaultName: props.drRegion ? names.drVault : names.centralVault,
      vaultLock: vaultLock(config),
      copySourceAccounts: [config.workload.account],
      copySourceOrganizationId: config.organizationId,
    });
    if (config.alarmEmail) {
      this.vault.addFailureEmail('FailureEmail', config.alarmEmail);
    }
    if (!props.drRegion) {
      // The workload account writes dumps and reads them back to verify them. Its account id, not a
      // role ARN, is named here: a bucket policy may not name a role that does not exist yet.
      this.dumpBucket = new CrossAccountBucket(this, 'DumpBucket', {
        bucketName: names.dumpBucket,
        writerPrincipals: [config.workload.account],
        readerPrincipals: [config.workload.account],
      });
    }
  }
}

export interface WorkloadStackProps extends StackProps {
  readonly config: BackupDrConfig;
}

/**
 * The workload account: a local vault, and a recovery plan from the configured tier that backs up the
 * configured databases and copies one recovery point a day to the backup account's central vault.
 */
export class WorkloadStack extends Stack {
  public readonly vault: BackupVault;
  public readonly plan: RecoveryPlan;

  constructor(scope: Construct, id: string, props: WorkloadStackProps) {
    super(scope, id, props);
    const { config } = props;
    const names = sharedNames(config);
    const central = BackupVault.fromBackupVaultAttributes(this, 'CentralVault', {
      backupVaultArn: `arn:${this.partition}:backup:${config.backup.region}:${config.backup.account}:backup-vault:${names.centralVault}`,
      vaultLock: vaultLock(config),
    });

    this.vault = new BackupVault(this, 'Vault', { backupVaultName: `${config.namePrefix}-local` });
    if (config.alarmEmail) {
      this.vault.addFailureEmail('FailureEmail', config.alarmEmail);
    }

    // One copy a day, whichever of Daily, Weekly or Monthly ran (AWS Backup runs only the
    // longest-retention rule when their windows coincide). The copy stays in the workload's region:
    // AWS Backup cannot copy RDS and Aurora snapshots across account and region in one job.
    this.plan = new RecoveryPlan(this, 'Plan', {
      backupPlanName: `${config.namePrefix}-${config.tier.toLowerCase()}`,
      backupVault: this.vault,
      tier: tierByName(config.tier),
      copyTo: [{
        destinationBackupVault: central,
        deleteAfter: Duration.days(config.copyRetentionDays),
        ruleNames: ['Daily', 'Weekly', 'Monthly'],
      }],
      selection: { arns: config.databases.map((db) => db.arn) },
    });
    if (config.databases.every((db) => db.kmsKeyArn !== undefined)) {
      Annotations.of(this.plan).acknowledgeWarning('cdk-backup-dr:RecoveryPlan.crossAccountRdsKey',
        'cdk.json names the customer-managed key of every database (databases[].kmsKeyArn); its key policy must allow the backup account');
    }
  }
}

function tierByName(name: string): RecoveryTier {
  switch (name) {
    case 'FREE': return RecoveryTier.FREE;
    case 'PRO': return RecoveryTier.PRO;
    case 'TEAM': return RecoveryTier.TEAM;
    case 'ENTERPRISE': return RecoveryTier.ENTERPRISE;
    default: throw new Error(`unknown tier ${name}`);
  }
}

/** Builds the reference app's stacks from the `backup-dr` context and registers the cdk-nag packs. */
export function buildReferenceApp(app: App): void {
  const config = parseConfig(app.node.tryGetContext(CONTEXT_KEY));
  new BackupAccountStack(app, 'BackupDr-Backup', {
    config,
    drRegion: false,
    env: { account: config.backup.account, region: config.backup.region },
    description: 'cdk-backup-dr backup account: locked vault and pg_dump bucket',
  });
  new BackupAccountStack(app, 'BackupDr-BackupDrRegion', {
    config,
    drRegion: true,
    env: { account: config.backup.account, region: config.backup.drRegion },
    description: 'cdk-backup-dr backup account, DR region: locked vault',
  });
  new WorkloadStack(app, 'BackupDr-Workload', {
    config,
    env: { account: config.workload.account, region: config.workload.region },
    description: 'cdk-backup-dr workload account: local vault and recovery plan copying to the backup account',
  });
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app),
    new HIPAASecurityChecks(app),
    new NIST80053R5Checks(app),
    new PCIDSS321Checks(app),
    new ServerlessChecks(app),
  );
}
