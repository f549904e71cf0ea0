// `cdk-backup-dr restore pitr`: an RDS instance, Aurora cluster or DocumentDB cluster to a point in time, into a new
// identifier, with the source's network, parameter groups, KMS key and tags unless overridden; waits until available.
//
// RestoreDBInstanceToPointInTime has no KmsKeyId parameter (RDS API reference): a restored instance is encrypted
// with the source's key, so --kms-key applies to clusters only. Neither cluster restore creates an instance, and
// RestoreDBClusterToPointInTime takes no Serverless v2 scaling: both are added after the cluster is available.
import {
  DBCluster, DBInstance, DescribeDBInstanceAutomatedBackupsCommand, ModifyDBClusterCommand, RDSClient,
  RestoreDBClusterToPointInTimeCommand, RestoreDBClusterToPointInTimeCommandInput, RestoreDBInstanceToPointInTimeCommand,
  RestoreDBInstanceToPointInTimeCommandInput,
} from '@aws-sdk/client-rds';
import {
  ModifyDBClusterCommand as ModifyDocDbClusterCommand, RestoreDBClusterToPointInTimeCommand as RestoreDocDbClusterCommand,
} from '@aws-sdk/client-docdb';
import { CliError, EXIT } from '../exit-codes';
import { formatDuration, Output } from '../output';
import {
  addClusterInstance, assertIdentifierFree, aws, AwsRestoreDeps, checkIdentifier, FAILED_STATES, findCluster, findInstance, RdsClients,
  waitForInstance, WaitingOptions, writerOf,
} from './rds';
import { waitFor, WaitOptions } from './wait';

export interface PitrOptions extends WaitingOptions {
  /** Identifier or ARN of the source instance or cluster. */
  readonly source: string;
  /** Identifier of the new instance or cluster. */
  readonly target: string;
  /** The point in time; undefined with `latest`. */
  readonly time?: Date;
  readonly latest: boolean;
  readonly subnetGroup?: string;
  readonly securityGroups?: readonly string[];
  /** DB parameter group (instances, and the instance of an Aurora cluster). */
  readonly parameterGroup?: string;
  readonly clusterParameterGroup?: string;
  /** Clusters only. */
  readonly kmsKey?: string;
  readonly instanceClass?: string;
  /** Extra or replacing tags. */
  readonly tags: Readonly<Record<string, string>>;
  readonly copyTags: boolean;
  /**
   * Restore from the source's automated backups replicated to this region (RDS cross-Region automated backup
   * replication): the source is an instance ARN of another region; --subnet-group and --security-group are required,
   * as nothing of the source can be read here.
   */
  readonly replicatedBackups?: boolean;
}

export type PitrDeps = AwsRestoreDeps;

export interface PitrResult {
  readonly status: 'restored' | 'started' | 'dry-run';
  readonly kind: 'instance' | 'cluster';
  readonly engine: string;
  readonly source: string;
  readonly target: string;
  /** The instance added to a restored cluster. */
  readonly instance?: string;
  readonly restoreTime: string;
  readonly window: { readonly earliest?: string; readonly latest?: string };
  /** The request sent (or, with --dry-run, that would be sent). */
  readonly request: Record<string, unknown>;
  readonly endpoint?: string;
  readonly port?: number;
  readonly seconds: number;
}

const TAG_RESTORED_FROM = 'cdk-backup-dr:restored-from';
const TAG_RESTORE_TIME = 'cdk-backup-dr:restore-time';

/** `arn:aws:rds:eu-west-1:111111111111:db:app` → { region, kind, id }; a plain identifier → { id }. */
export function parseSource(value: string): { id: string; region?: string; kind?: 'instance' | 'cluster' } {
  const arn = /^arn:aws[a-z-]*:rds:([a-z0-9-]+):\d{12}:(db|cluster):(.+)$/.exec(value);
  if (arn) return { region: arn[1], kind: arn[2] === 'db' ? 'instance' : 'cluster', id: arn[3] };
  if (value.startsWith('arn:')) {
    throw new CliError(EXIT.USAGE, `--source '${value}' is not the ARN of an RDS DB instance or cluster (arn:aws:rds:REGION:ACCOUNT:db:ID or …:cluster:ID)`);
  }
  return { id: checkIdentifier('--source', value) };
}

function tagsFor(source: { TagList?: Array<{ Key?: string; Value?: string }> }, o: PitrOptions, sourceId: string, time: string) {
  const tags: Record<string, string> = {};
  if (o.copyTags) {
    for (const t of source.TagList ?? []) {
      // aws: keys are reserved to AWS; cdk-backup-dr: keys mark what the library's drills create and may delete.
      if (t.Key && !t.Key.startsWith('aws:') && !t.Key.startsWith('cdk-backup-dr:')) tags[t.Key] = t.Value ?? '';
    }
  }
  Object.assign(tags, o.tags, { [TAG_RESTORED_FROM]: sourceId, [TAG_RESTORE_TIME]: time });
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/** The restorable window of an instance: its automated backups' earliest time, and LatestRestorableTime. */
async function instanceWindow(rds: RDSClient, i: DBInstance): Promise<{ earliest?: Date; latest?: Date }> {
  const backups = await aws(`describing the automated backups of ${i.DBInstanceIdentifier}`, 'rds:DescribeDBInstanceAutomatedBackups',
    () => rds.send(new DescribeDBInstanceAutomatedBackupsCommand({ DbiResourceId: i.DbiResourceId })));
  const earliest = backups.DBInstanceAutomatedBackups?.map((b) => b.RestoreWindow?.EarliestTime).filter((t): t is Date => t !== undefined)
    .sort((a, b) => a.getTime() - b.getTime())[0];
  return { earliest, latest: i.LatestRestorableTime };
}

function checkTime(o: PitrOptions, id: string, window: { earliest?: Date; latest?: Date }, retentionDays: number, now: number): Date | undefined {
  if (retentionDays === 0) {
    throw new CliError(EXIT.USAGE, `${id} keeps no automated backups (backup retention 0), so it has no point in time to restore; `
      + 'restore an AWS Backup recovery point (restore recovery-point) or a dump (restore dump)');
  }
  const span = `${window.earliest?.toISOString() ?? `${retentionDays} days ago`} to ${window.latest?.toISOString() ?? 'now'}`;
  if (o.latest) return undefined;
  const t = o.time as Date;
  const earliest = window.earliest?.getTime() ?? now - retentionDays * 86_400_000;
  if (t.getTime() < earliest) {
    throw new CliError(EXIT.USAGE, `--time ${t.toISOString()} is before the restorable window of ${id} (${span}, retention ${retentionDays} `
      + 'days); choose a time inside it, or restore an older AWS Backup recovery point or dump');
  }
  if (window.latest && t.getTime() > window.latest.getTime()) {
    throw new CliError(EXIT.USAGE, `--time ${t.toISOString()} is after the latest restorable time of ${id} (${span}); choose a time `
      + 'inside the window, or --latest');
  }
  return t;
}

export async function restorePitr(deps: PitrDeps, o: PitrOptions): Promise<PitrResult> {
  const started = (deps.now ?? Date.now)();
  const now = deps.now ?? Date.now;
  const parsed = parseSource(o.source);
  if (o.replicatedBackups) return restoreReplicated(deps, o, parsed, started, now);
  if (parsed.region && parsed.region !== deps.region) {
    throw new CliError(EXIT.USAGE, `--source ${o.source} is in ${parsed.region}, but the command runs in ${deps.region}; pass --region ${parsed.region}`);
  }
  checkIdentifier('--target', o.target);
  const instance = parsed.kind === 'cluster' ? undefined : await findInstance(deps.rds, parsed.id);
  const cluster = instance ? undefined : parsed.kind === 'instance' ? undefined : await findCluster(deps.rds, parsed.id);
  if (!instance && !cluster) {
    throw new CliError(EXIT.USAGE, `no DB instance or cluster '${parsed.id}' in ${deps.region} of this account; check --source and --region `
      + '(a copy in another region or account is restored with restore recovery-point)');
  }
  if (instance?.DBClusterIdentifier) {
    throw new CliError(EXIT.USAGE, `${parsed.id} is an instance of cluster ${instance.DBClusterIdentifier}; restore the cluster (--source ${instance.DBClusterIdentifier})`);
  }
  const wait = { ...deps.waiting, timeoutSeconds: o.timeoutSeconds, pollSeconds: o.pollSeconds };
  return instance
    ? restoreInstance(deps, o, instance, wait, started, now)
    : restoreCluster(deps, o, cluster as DBCluster, wait, started, now);
}

async function restoreInstance(deps: PitrDeps, o: PitrOptions, source: DBInstance, wait: WaitOptions, started: number, now: () => number): Promise<PitrResult> {
  const id = source.DBInstanceIdentifier as string;
  if (o.kmsKey) {
    throw new CliError(EXIT.USAGE, '--kms-key applies to clusters only: RestoreDBInstanceToPointInTime has no KMS key parameter, the '
      + `restored instance is encrypted with the key of ${id}; copy a snapshot with another key to change it`);
  }
  if (o.clusterParameterGroup) throw new CliError(EXIT.USAGE, `--cluster-parameter-group applies to clusters; ${id} is a DB instance (use --parameter-group)`);
  const window = await instanceWindow(deps.rds, source);
  const time = checkTime(o, id, window, source.BackupRetentionPeriod ?? 0, now());
  await assertIdentifierFree(deps.rds, o.target, 'instance');
  const restoreTime = (time ?? window.latest ?? new Date(now())).toISOString();
  const request: RestoreDBInstanceToPointInTimeCommandInput = {
    SourceDBInstanceIdentifier: id,
    TargetDBInstanceIdentifier: o.target,
    ...(time ? { RestoreTime: time } : { UseLatestRestorableTime: true }),
    DBInstanceClass: o.instanceClass ?? source.DBInstanceClass,
    DBSubnetGroupName: o.subnetGroup ?? source.DBSubnetGroup?.DBSubnetGroupName,
    VpcSecurityGroupIds: o.securityGroups ? [...o.securityGroups] : source.VpcSecurityGroups?.map((g) => g.VpcSecurityGroupId as string),
    DBParameterGroupName: o.parameterGroup ?? source.DBParameterGroups?.[0]?.DBParameterGroupName,
    OptionGroupName: source.OptionGroupMemberships?.[0]?.OptionGroupName,
    MultiAZ: source.MultiAZ,
    PubliclyAccessible: source.PubliclyAccessible,
    StorageType: source.StorageType,
    Iops: source.Iops,
    StorageThroughput: source.StorageThroughput,
    Port: source.Endpoint?.Port ?? source.DbInstancePort,
    EnableIAMDatabaseAuthentication: source.IAMDatabaseAuthenticationEnabled,
    EnableCloudwatchLogsExports: source.EnabledCloudwatchLogsExports,
    CopyTagsToSnapshot: source.CopyTagsToSnapshot,
    DeletionProtection: source.DeletionProtection,
    Tags: tagsFor(source, o, id, restoreTime),
  };
  const base = {
    kind: 'instance' as const, engine: source.Engine ?? 'postgres', source: id, target: o.target, restoreTime,
    window: { earliest: window.earliest?.toISOString(), latest: window.latest?.toISOString() }, request: plain(request),
  };
  if (o.dryRun) {
    deps.output.info(`would restore DB instance ${id} to ${time ? restoreTime : `its latest restorable time (now ${restoreTime})`} as ${o.target}`);
    return { status: 'dry-run', ...base, seconds: (now() - started) / 1000 };
  }
  await aws(`restoring ${id} to a point in time as ${o.target}`, 'rds:RestoreDBInstanceToPointInTime',
    () => deps.rds.send(new RestoreDBInstanceToPointInTimeCommand(request)));
  deps.output.info(`started: DB instance ${o.target} from ${id} at ${restoreTime}`);
  if (!o.wait) return { status: 'started', ...base, seconds: (now() - started) / 1000 };
  const restored = await waitForInstance(deps, deps.output, o.target, wait, { what: `restore of ${o.target}`, progress: `restoring ${o.target}` });
  return { status: 'restored', ...base, endpoint: restored?.Endpoint?.Address, port: restored?.Endpoint?.Port, seconds: (now() - started) / 1000 };
}

async function restoreCluster(deps: PitrDeps, o: PitrOptions, source: DBCluster, wait: WaitOptions, started: number, now: () => number): Promise<PitrResult> {
  const id = source.DBClusterIdentifier as string;
  const engine = source.Engine ?? 'aurora-postgresql';
  const docdb = engine === 'docdb';
  if (docdb && o.parameterGroup) {
    throw new CliError(EXIT.USAGE, `--parameter-group does not apply to DocumentDB (${id}): its instances take none; use --cluster-parameter-group`);
  }
  const window = { earliest: source.EarliestRestorableTime, latest: source.LatestRestorableTime };
  const time = checkTime(o, id, window, source.BackupRetentionPeriod ?? 1, now());
  // The cluster's instance is `<target>-1`: it must be a valid identifier, and free, before the cluster is restored.
  checkIdentifier('--target', `${o.target}-1`);
  await assertIdentifierFree(deps.rds, o.target, 'cluster');
  await assertIdentifierFree(deps.rds, `${o.target}-1`, 'instance');
  const writer = await writerOf(deps.rds, source);
  const instanceClass = o.instanceClass ?? writer?.DBInstanceClass;
  if (!instanceClass) {
    throw new CliError(EXIT.USAGE, `${id} has no instance to copy the class from; pass --instance-class (e.g. db.r6g.large)`);
  }
  const restoreTime = (time ?? window.latest ?? new Date(now())).toISOString();
  const tags = tagsFor(source, o, id, restoreTime);
  const clusterParameterGroup = o.clusterParameterGroup ?? source.DBClusterParameterGroup;
  const common = {
    DBClusterIdentifier: o.target,
    SourceDBClusterIdentifier: id,
    ...(time ? { RestoreToTime: time } : { UseLatestRestorableTime: true }),
    DBSubnetGroupName: o.subnetGroup ?? source.DBSubnetGroup,
    VpcSecurityGroupIds: o.securityGroups ? [...o.securityGroups] : source.VpcSecurityGroups?.map((g) => g.VpcSecurityGroupId as string),
    KmsKeyId: o.kmsKey ?? source.KmsKeyId,
    Port: source.Port,
    EnableCloudwatchLogsExports: source.EnabledCloudwatchLogsExports,
    DeletionProtection: source.DeletionProtection,
    Tags: tags,
  };
  const request: RestoreDBClusterToPointInTimeCommandInput = docdb ? common : {
    ...common,
    DBClusterParameterGroupName: clusterParameterGroup,
    EnableIAMDatabaseAuthentication: source.IAMDatabaseAuthenticationEnabled,
    CopyTagsToSnapshot: source.CopyTagsToSnapshot,
  };
  const instanceId = `${o.target}-1`;
  const base = {
    kind: 'cluster' as const, engine, source: id, target: o.target, instance: instanceId, restoreTime,
    window: { earliest: window.earliest?.toISOString(), latest: window.latest?.toISOString() }, request: plain(request),
  };
  if (o.dryRun) {
    deps.output.info(`would restore ${docdb ? 'DocumentDB' : 'Aurora'} cluster ${id} to ${restoreTime} as ${o.target}, then add instance `
      + `${instanceId} (${instanceClass})`);
    return { status: 'dry-run', ...base, seconds: (now() - started) / 1000 };
  }
  await aws(`restoring ${id} to a point in time as ${o.target}`, 'rds:RestoreDBClusterToPointInTime',
    () => (docdb ? deps.docdb.send(new RestoreDocDbClusterCommand({ ...common, SourceDBClusterIdentifier: id })) : deps.rds.send(new RestoreDBClusterToPointInTimeCommand(request))));
  deps.output.info(`started: cluster ${o.target} from ${id} at ${restoreTime}`);
  if (!o.wait) return { status: 'started', ...base, instance: undefined, seconds: (now() - started) / 1000 };
  const restored = await waitForCluster(deps, o.target, wait);
  const scaling = source.ServerlessV2ScalingConfiguration;
  if ((docdb && clusterParameterGroup) || scaling) {
    await aws(`setting the ${docdb ? 'parameter group' : 'Serverless v2 scaling'} of ${o.target}`, 'rds:ModifyDBCluster', () => (docdb
      ? deps.docdb.send(new ModifyDocDbClusterCommand({ DBClusterIdentifier: o.target, DBClusterParameterGroupName: clusterParameterGroup, ApplyImmediately: true }))
      : deps.rds.send(new ModifyDBClusterCommand({
        DBClusterIdentifier: o.target, ServerlessV2ScalingConfiguration: { MinCapacity: scaling?.MinCapacity, MaxCapacity: scaling?.MaxCapacity }, ApplyImmediately: true,
      }))));
  }
  await addClusterInstance(deps, deps.output, {
    cluster: o.target, instance: instanceId, engine, instanceClass,
    parameterGroup: docdb ? undefined : o.parameterGroup ?? writer?.DBParameterGroups?.[0]?.DBParameterGroupName, tags,
  }, wait);
  return { status: 'restored', ...base, endpoint: restored?.Endpoint, port: restored?.Port, seconds: (now() - started) / 1000 };
}

/** `--replicated-backups`: the source instance's automated backups replicated into this region. */
async function restoreReplicated(
  deps: PitrDeps, o: PitrOptions, parsed: ReturnType<typeof parseSource>, started: number, now: () => number,
): Promise<PitrResult> {
  if (!parsed.region || parsed.kind !== 'instance') {
    throw new CliError(EXIT.USAGE, '--replicated-backups needs the ARN of the source DB instance (arn:aws:rds:REGION:ACCOUNT:db:ID): '
      + 'RDS replicates the automated backups of instances only');
  }
  if (parsed.region === deps.region) {
    throw new CliError(EXIT.USAGE, `--replicated-backups restores in the region the backups are replicated to, not in the source's (${parsed.region}); pass that --region`);
  }
  if (!o.subnetGroup || !o.securityGroups || o.securityGroups.length === 0) {
    throw new CliError(EXIT.USAGE, `--replicated-backups needs --subnet-group and --security-group of ${deps.region}: nothing of the source instance can be copied from there`);
  }
  if (o.kmsKey || o.clusterParameterGroup) {
    throw new CliError(EXIT.USAGE, '--kms-key and --cluster-parameter-group do not apply: the instance is restored under the key the backups were replicated with');
  }
  checkIdentifier('--target', o.target);
  const sourceArn = o.source;
  const found = await aws(`listing the automated backups of ${parsed.id} replicated to ${deps.region}`, 'rds:DescribeDBInstanceAutomatedBackups',
    () => deps.rds.send(new DescribeDBInstanceAutomatedBackupsCommand({ DBInstanceIdentifier: parsed.id })));
  const backup = found.DBInstanceAutomatedBackups?.find((b) => b.DBInstanceArn === sourceArn && b.DBInstanceAutomatedBackupsArn);
  if (!backup) {
    throw new CliError(EXIT.USAGE, `no automated backups of ${sourceArn} are replicated to ${deps.region}; check the source's cross-Region `
      + 'automated backup replication (AutomaticBackupReplicationRegion) and --region, or restore a copied recovery point (restore recovery-point)');
  }
  const window = { earliest: backup.RestoreWindow?.EarliestTime, latest: backup.RestoreWindow?.LatestTime };
  const time = checkTime(o, parsed.id, window, backup.BackupRetentionPeriod ?? 1, now());
  await assertIdentifierFree(deps.rds, o.target, 'instance');
  const restoreTime = (time ?? window.latest ?? new Date(now())).toISOString();
  const request: RestoreDBInstanceToPointInTimeCommandInput = {
    SourceDBInstanceAutomatedBackupsArn: backup.DBInstanceAutomatedBackupsArn,
    TargetDBInstanceIdentifier: o.target,
    ...(time ? { RestoreTime: time } : { UseLatestRestorableTime: true }),
    DBInstanceClass: o.instanceClass,
    DBSubnetGroupName: o.subnetGroup,
    VpcSecurityGroupIds: [...o.securityGroups],
    DBParameterGroupName: o.parameterGroup,
    Port: backup.Port,
    StorageType: backup.StorageType,
    EnableIAMDatabaseAuthentication: backup.IAMDatabaseAuthenticationEnabled,
    Tags: tagsFor({ TagList: o.copyTags ? backup.TagList : [] }, o, parsed.id, restoreTime),
  };
  const base = {
    kind: 'instance' as const, engine: backup.Engine ?? 'postgres', source: sourceArn, target: o.target, restoreTime,
    window: { earliest: window.earliest?.toISOString(), latest: window.latest?.toISOString() }, request: plain(request),
  };
  if (o.dryRun) {
    deps.output.info(`would restore ${parsed.id} from its automated backups replicated to ${deps.region}, at ${restoreTime}, as ${o.target}`);
    return { status: 'dry-run', ...base, seconds: (now() - started) / 1000 };
  }
  await aws(`restoring ${parsed.id} from its replicated automated backups as ${o.target}`, 'rds:RestoreDBInstanceToPointInTime (and kms:CreateGrant on the replica key)',
    () => deps.rds.send(new RestoreDBInstanceToPointInTimeCommand(request)));
  deps.output.info(`started: DB instance ${o.target} in ${deps.region} from the replicated backups of ${parsed.id} at ${restoreTime}`);
  if (!o.wait) return { status: 'started', ...base, seconds: (now() - started) / 1000 };
  const wait = { ...deps.waiting, timeoutSeconds: o.timeoutSeconds, pollSeconds: o.pollSeconds };
  const restored = await waitForInstance(deps, deps.output, o.target, wait, { what: `restore of ${o.target}`, progress: `restoring ${o.target}`, region: deps.region });
  return { status: 'restored', ...base, endpoint: restored?.Endpoint?.Address, port: restored?.Endpoint?.Port, seconds: (now() - started) / 1000 };
}

export async function waitForCluster(deps: RdsClients & { output: Output }, id: string, wait: WaitOptions): Promise<DBCluster | undefined> {
  return waitFor(`restore of cluster ${id}`, async () => {
    const c = await findCluster(deps.rds, id);
    const state = c?.Status ?? 'not visible yet';
    return { state, detail: c?.PercentProgress ? `${c.PercentProgress} %` : undefined, done: state === 'available',
      failed: FAILED_STATES.has(state) ? `the cluster is ${state}` : undefined, value: c };
  }, deps.output.state(`restoring ${id}`, 'creating'), wait, `aws rds describe-db-clusters --db-cluster-identifier ${id}`);
}

/** A request as JSON (dates as ISO strings, undefined fields dropped). */
function plain(request: object): Record<string, unknown> {
  return JSON.parse(JSON.stringify(request));
}

/** The lines a person reads at the end. */
export function describePitr(r: PitrResult): string[] {
  const what = `${r.kind === 'instance' ? 'DB instance' : 'cluster'} ${r.target} (${r.engine}) from ${r.source} at ${r.restoreTime}`;
  if (r.status === 'dry-run') return [`dry run: would restore ${what}; nothing was changed`, JSON.stringify(r.request, null, 2)];
  if (r.status === 'started') return [`started the restore of ${what}; not waiting (--no-wait)`];
  return [
    `restored ${what}`,
    `  endpoint ${r.endpoint ?? '(none yet)'}:${r.port ?? ''}${r.instance ? `, instance ${r.instance}` : ''}`,
    `elapsed ${formatDuration(r.seconds)} (the measured RTO of this restore)`,
  ];
}
