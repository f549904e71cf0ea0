// `cdk-backup-dr restore recovery-point`: an AWS Backup recovery point (the workload vault, a copy in the backup
// account, or one in the DR region) restored with the metadata AWS Backup reports for it, overridden where asked;
// waits for the restore job, and gives a restored Aurora or DocumentDB cluster the instance AWS Backup does not create.
import {
  BackupClient, DescribeRecoveryPointCommand, DescribeRecoveryPointCommandOutput, DescribeRestoreJobCommand,
  GetRecoveryPointRestoreMetadataCommand, ListRecoveryPointsByBackupVaultCommand, RecoveryPointByBackupVault, StartRestoreJobCommand,
} from '@aws-sdk/client-backup';
import { CliError, EXIT } from '../exit-codes';
import { formatDuration } from '../output';
import { AddTagsToResourceCommand } from '@aws-sdk/client-rds';
import { addClusterInstance, assertIdentifierFree, aws, AwsRestoreDeps, checkIdentifier, findCluster, WaitingOptions, writerOf } from './rds';
import { waitFor } from './wait';

export interface RecoveryPointOptions extends WaitingOptions {
  readonly vault: string;
  /** The account of a vault shared with this one (a logically air-gapped vault). */
  readonly vaultAccount?: string;
  readonly recoveryPoint?: string;
  /** The newest completed recovery point of this resource in the vault… */
  readonly resource?: string;
  /** …created at or before this time. */
  readonly before?: Date;
  /** Identifier of the restored database (RDS, Aurora, DocumentDB, Neptune). */
  readonly target?: string;
  /** The role AWS Backup restores with. */
  readonly iamRole: string;
  /** Metadata keys to set (keys are not case-sensitive to AWS Backup). */
  readonly set: Readonly<Record<string, string>>;
  readonly subnetGroup?: string;
  readonly securityGroups?: readonly string[];
  /** Class of the instance added to a restored cluster. */
  readonly instanceClass?: string;
  readonly copyTags: boolean;
}

export interface RecoveryPointDeps extends AwsRestoreDeps {
  readonly backup: BackupClient;
}

export interface RecoveryPointResult {
  readonly status: 'restored' | 'started' | 'dry-run';
  readonly recoveryPoint: string;
  readonly resourceType: string;
  readonly sourceResource?: string;
  readonly createdAt?: string;
  readonly restoreJobId?: string;
  readonly createdResource?: string;
  readonly instance?: string;
  /** The metadata sent (or, with --dry-run, that would be sent). */
  readonly metadata: Readonly<Record<string, string>>;
  readonly seconds: number;
}

/** Resource types whose restore is a new database named by an identifier key. */
const IDENTIFIER_KEY: Record<string, string> = {
  RDS: 'DBInstanceIdentifier', Aurora: 'DBClusterIdentifier', DocumentDB: 'DBClusterIdentifier', Neptune: 'DBClusterIdentifier',
};
const CLUSTER_ENGINE: Record<string, string> = { Aurora: 'aurora-postgresql', DocumentDB: 'docdb', Neptune: 'neptune' };

/** Sets `key` in `metadata`, replacing a key that differs only in case (AWS Backup reads keys case-insensitively). */
export function setKey(metadata: Record<string, string>, key: string, value: string): void {
  for (const existing of Object.keys(metadata)) {
    if (existing.toLowerCase() === key.toLowerCase()) delete metadata[existing];
  }
  metadata[key] = value;
}

function getKey(metadata: Record<string, string>, key: string): string | undefined {
  const found = Object.keys(metadata).find((k) => k.toLowerCase() === key.toLowerCase());
  return found === undefined ? undefined : metadata[found];
}

async function newestRecoveryPoint(deps: RecoveryPointDeps, o: RecoveryPointOptions): Promise<RecoveryPointByBackupVault> {
  const points: RecoveryPointByBackupVault[] = [];
  let token: string | undefined;
  do {
    const page = await aws(`listing the recovery points of ${o.resource} in vault ${o.vault}`, 'backup:ListRecoveryPointsByBackupVault',
      () => deps.backup.send(new ListRecoveryPointsByBackupVaultCommand({
        BackupVaultName: o.vault, BackupVaultAccountId: o.vaultAccount, ByResourceArn: o.resource, ByCreatedBefore: o.before, NextToken: token,
      })));
    points.push(...(page.RecoveryPoints ?? []));
    token = page.NextToken;
  } while (token);
  const usable = points.filter((p) => p.Status === 'COMPLETED' || p.Status === 'AVAILABLE')
    .sort((a, b) => (b.CreationDate?.getTime() ?? 0) - (a.CreationDate?.getTime() ?? 0));
  if (usable.length === 0) {
    throw new CliError(EXIT.USAGE, `no completed recovery point of ${o.resource} in vault ${o.vault}${o.before ? ` created at or before ${o.before.toISOString()}` : ''} `
      + `(${points.length} found in other states); check --vault, --resource and --region (copies live in the vault they were copied to)`);
  }
  return usable[0];
}

export async function restoreRecoveryPoint(deps: RecoveryPointDeps, o: RecoveryPointOptions): Promise<RecoveryPointResult> {
  const now = deps.now ?? Date.now;
  const started = now();
  if ((o.recoveryPoint === undefined) === (o.resource === undefined)) {
    throw new CliError(EXIT.USAGE, 'name the recovery point with exactly one of --recovery-point ARN, or --resource ARN (its newest completed point, before --before)');
  }
  const arn = o.recoveryPoint ?? (await newestRecoveryPoint(deps, o)).RecoveryPointArn as string;
  const pointRegion = /^arn:aws[a-z-]*:[a-z0-9-]+:([a-z0-9-]+):/.exec(arn)?.[1];
  if (pointRegion && pointRegion !== deps.region) {
    throw new CliError(EXIT.USAGE, `the recovery point ${arn} is in ${pointRegion}, but the command runs in ${deps.region}; pass --region ${pointRegion}`);
  }
  const point: DescribeRecoveryPointCommandOutput = await aws(`describing recovery point ${arn} in vault ${o.vault}`, 'backup:DescribeRecoveryPoint',
    () => deps.backup.send(new DescribeRecoveryPointCommand({ BackupVaultName: o.vault, BackupVaultAccountId: o.vaultAccount, RecoveryPointArn: arn })));
  if (point.Status !== 'COMPLETED' && point.Status !== 'AVAILABLE') {
    throw new CliError(EXIT.USAGE, `recovery point ${arn} is ${point.Status}${point.StatusMessage ? ` (${point.StatusMessage})` : ''}, not restorable; choose a completed one`);
  }
  const resourceType = point.ResourceType ?? 'unknown';
  const reported = await aws(`reading the restore metadata of ${arn}`, 'backup:GetRecoveryPointRestoreMetadata',
    () => deps.backup.send(new GetRecoveryPointRestoreMetadataCommand({ BackupVaultName: o.vault, BackupVaultAccountId: o.vaultAccount, RecoveryPointArn: arn })));
  const metadata: Record<string, string> = { ...(reported.RestoreMetadata ?? {}) };

  const identifierKey = IDENTIFIER_KEY[resourceType];
  const setIdentifier = Object.keys(o.set).find((k) => Object.values(IDENTIFIER_KEY).some((key) => key.toLowerCase() === k.toLowerCase()));
  if (setIdentifier) {
    throw new CliError(EXIT.USAGE, `--set ${setIdentifier} is refused: name the restored database with --target, which is checked to be a new identifier`);
  }
  if (identifierKey) {
    if (!o.target) {
      throw new CliError(EXIT.USAGE, `--target is required for a ${resourceType} recovery point: the identifier of the new database `
        + `(the backed-up one was '${getKey(metadata, identifierKey) ?? 'unknown'}'; a restore never overwrites it)`);
    }
    checkIdentifier('--target', o.target);
    if (resourceType !== 'RDS') checkIdentifier('--target', `${o.target}-1`);
    setKey(metadata, identifierKey, o.target);
    await assertIdentifierFree(deps.rds, o.target, resourceType === 'RDS' ? 'instance' : 'cluster');
  } else if (o.target) {
    throw new CliError(EXIT.USAGE, `--target names RDS, Aurora, DocumentDB and Neptune restores; for ${resourceType} set the restore's name with --set KEY=VALUE`);
  }
  if (o.subnetGroup) setKey(metadata, 'DBSubnetGroupName', o.subnetGroup);
  if (o.securityGroups) setKey(metadata, 'VpcSecurityGroupIds', JSON.stringify(o.securityGroups));
  for (const [key, value] of Object.entries(o.set)) setKey(metadata, key, value);

  const clusterEngine = CLUSTER_ENGINE[resourceType];
  const instanceClass = clusterEngine ? await clusterInstanceClass(deps, o, point.ResourceArn) : undefined;
  const base = {
    recoveryPoint: arn, resourceType, sourceResource: point.ResourceArn, createdAt: point.CreationDate?.toISOString(), metadata,
    instance: clusterEngine && o.target ? `${o.target}-1` : undefined,
  };
  deps.output.info(`recovery point: ${arn} of ${point.ResourceArn ?? 'unknown resource'} (${resourceType}), created ${base.createdAt ?? 'unknown'}`);
  if (o.dryRun) {
    deps.output.info(`would start a restore job with role ${o.iamRole}${base.instance ? `, then add instance ${base.instance} (${instanceClass})` : ''}`);
    return { status: 'dry-run', ...base, seconds: (now() - started) / 1000 };
  }
  const job = await aws(`starting the restore of ${arn}`, 'backup:StartRestoreJob (and iam:PassRole on the restore role)',
    () => deps.backup.send(new StartRestoreJobCommand({
      RecoveryPointArn: arn, Metadata: metadata, IamRoleArn: o.iamRole, ResourceType: resourceType, CopySourceTagsToRestoredResource: o.copyTags,
      IdempotencyToken: `cdk-backup-dr-${o.target ?? 'restore'}-${arn.slice(-12)}`.slice(0, 64),
    })));
  const jobId = job.RestoreJobId as string;
  deps.output.info(`started restore job ${jobId}`);
  if (!o.wait) return { status: 'started', ...base, restoreJobId: jobId, seconds: (now() - started) / 1000 };
  const wait = { ...deps.waiting, timeoutSeconds: o.timeoutSeconds, pollSeconds: o.pollSeconds };
  const done = await waitFor(`restore job ${jobId}`, async () => {
    const j = await aws(`describing restore job ${jobId}`, 'backup:DescribeRestoreJob', () => deps.backup.send(new DescribeRestoreJobCommand({ RestoreJobId: jobId })));
    const state = j.Status ?? 'UNKNOWN';
    return {
      state, detail: j.PercentDone ? `${j.PercentDone} done` : undefined, done: state === 'COMPLETED',
      failed: state === 'FAILED' || state === 'ABORTED' ? j.StatusMessage ?? 'no message' : undefined, value: j,
    };
  }, deps.output.state(`restore job ${jobId}`, 'PENDING'), wait, `aws backup describe-restore-job --restore-job-id ${jobId}`);
  // Like restore pitr, the restored database says where it came from (AWS Backup copies only the backup's tags).
  if (identifierKey && done?.CreatedResourceArn) {
    await aws(`tagging ${done.CreatedResourceArn}`, 'rds:AddTagsToResource', () => deps.rds.send(new AddTagsToResourceCommand({
      ResourceName: done.CreatedResourceArn,
      Tags: [{ Key: 'cdk-backup-dr:restored-from', Value: arn.slice(-256) }, { Key: 'cdk-backup-dr:recovery-point-created', Value: base.createdAt ?? 'unknown' }],
    })));
  }
  if (clusterEngine && o.target) {
    await addClusterInstance(deps, deps.output, {
      cluster: o.target, instance: `${o.target}-1`, engine: (await findCluster(deps.rds, o.target))?.Engine ?? clusterEngine,
      instanceClass: instanceClass as string, tags: [{ Key: 'cdk-backup-dr:restored-from', Value: arn.slice(-128) }],
    }, wait);
  }
  return { status: 'restored', ...base, restoreJobId: jobId, createdResource: done?.CreatedResourceArn, seconds: (now() - started) / 1000 };
}

/** The class of the instance a restored cluster gets: --instance-class, else the source cluster's writer's when it is reachable. */
async function clusterInstanceClass(deps: RecoveryPointDeps, o: RecoveryPointOptions, resourceArn: string | undefined): Promise<string> {
  if (o.instanceClass) return o.instanceClass;
  const id = /:cluster:(.+)$/.exec(resourceArn ?? '')?.[1];
  const sameRegion = resourceArn?.split(':')[3] === deps.region;
  let why = 'it is in another region or account';
  if (id && sameRegion) {
    try {
      const source = await findCluster(deps.rds, id);
      const writer = source ? await writerOf(deps.rds, source) : undefined;
      if (writer?.DBInstanceClass) return writer.DBInstanceClass;
      why = source ? 'it has no writer instance' : 'it no longer exists';
    } catch (err) {
      why = `reading it failed: ${(err as Error).message}`;
    }
  }
  throw new CliError(EXIT.USAGE, `AWS Backup restores a cluster without an instance, and the source cluster's writer class cannot be copied (${why}); `
    + 'pass --instance-class (e.g. db.r6g.large)');
}

export function describeRecoveryPoint(r: RecoveryPointResult): string[] {
  const what = `${r.resourceType} recovery point ${r.recoveryPoint} (created ${r.createdAt ?? 'unknown'})`;
  if (r.status === 'dry-run') return [`dry run: would restore ${what}; nothing was changed`, JSON.stringify(r.metadata, null, 2)];
  if (r.status === 'started') return [`started restore job ${r.restoreJobId} of ${what}; not waiting (--no-wait)`];
  return [
    `restored ${what}`,
    `  created ${r.createdResource ?? 'unknown'}${r.instance ? `, instance ${r.instance}` : ''} (restore job ${r.restoreJobId})`,
    `elapsed ${formatDuration(r.seconds)} (the measured RTO of this restore)`,
  ];
}
