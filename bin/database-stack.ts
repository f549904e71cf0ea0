import { Annotations, Duration, NestedStack, Stack, TimeZone } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import {
  BackupAlarms, BackupAlarmsProps, DatabaseWatch, DumpBucket, DumpVerifyJob, IBackupVault, PgDumpJob, RecoveryTier,
  RestoreDrill, RestoreDrillResourceType, RpoWatch,
} from '../lib';
import { cronGapHours } from '../lib/private/schedule';
import { BackupDrConfig, DatabaseConfig, DumpConfig, jobRoleNames, sharedNames } from './config';

/** A database of the configuration with a `dump` block: the ones that get a `DatabaseStack`. */
export type DumpedDatabaseConfig = DatabaseConfig & { readonly dump: DumpConfig };

/** Whether the database has a pg_dump job (and so a `DatabaseStack`). */
export function hasDump(db: DatabaseConfig): db is DumpedDatabaseConfig {
  return db.dump !== undefined;
}

/** The alarm thresholds of the `alarms` block, for every `BackupAlarms` of the workload account. */
export function alarmTuning(config: BackupDrConfig): BackupAlarmsProps {
  const gib = 1024 * 1024 * 1024;
  const { alarms } = config;
  return {
    dumpMissing: { evaluationPeriods: alarms.dumpMissingHours, datapointsToAlarm: alarms.dumpMissingHours },
    verificationMissing: { evaluationPeriods: 25, datapointsToAlarm: 25 },
    dumpSizeChange: { threshold: alarms.dumpSizeChangePercent },
    dumpDuration: { threshold: alarms.dumpDurationMinutes * 60 },
    verificationStale: { threshold: alarms.verificationStaleDays * 86400 },
    freeStorage: { threshold: alarms.freeStorageGiB * gib },
    replicationLatency: { threshold: alarms.replicationLatencyMinutes * 60 },
  };
}

/** Metrics of a database known only by ARN: enough for alarms, nothing else is read. */
export function watchDatabase(scope: Construct, id: string, db: DatabaseConfig, rto?: Duration): DatabaseWatch {
  const [, , , , , kind, identifier] = db.arn.split(':');
  // The restore time of the dumps is measured by the verify job: against the tier's RTO where there is one.
  const jobs = { hasDumpJob: db.dump !== undefined, hasVerifyJob: db.verify !== undefined, rto: db.verify ? rto : undefined };
  if (kind === 'cluster') {
    return {
      name: db.name,
      ...jobs,
      databaseCluster: rds.DatabaseCluster.fromDatabaseClusterAttributes(scope, id, { clusterIdentifier: identifier }),
    };
  }
  return {
    name: db.name,
    ...jobs,
    databaseInstance: rds.DatabaseInstance.fromDatabaseInstanceAttributes(scope, id, {
      instanceIdentifier: identifier,
      instanceEndpointAddress: `${identifier}.unknown`,
      port: 5432,
      securityGroups: [],
    }),
  };
}

export interface DatabaseStackProps {
  readonly config: BackupDrConfig;
  /** The database: it has a `dump` block. */
  readonly database: DumpedDatabaseConfig;
  /** The workload's alarm topic (of the workload stack's `BackupAlarms`), which every alarm here notifies. */
  readonly alarmTopic: sns.ITopic;
  /**
   * Encrypts the log groups of the jobs. One key in the workload stack serves every database: the statement each
   * job adds to its policy is the same (CloudWatch Logs of this account and region), so the policy does not grow.
   */
  readonly logEncryptionKey: kms.IKey;
  /** The workload vault, whose recovery points the database's drill restores. */
  readonly backupVault: IBackupVault;
}

/**
 * Everything the workload account runs for one database with a `dump` block, in a nested stack of the workload
 * stack: its `PgDumpJob`, its `DumpVerifyJob` (with a `verify` block) and its alarms (a `BackupAlarms` for this
 * database alone, notifying the workload's topic, without a dashboard of its own). 32 resources with both jobs,
 * whatever the number of databases, so the workload stack grows by one resource (this stack) per database, not by
 * 32, and stays under CloudFormation's 500 resources per template.
 *
 * The job roles keep their names (`jobRoleNames`): the backup account's dump bucket policy names them. They can
 * reach only `pg-dump/<database>/` of the bucket (the jobs' own policies). The alarms are named
 * `<namePrefix>-<database>-<Alarm>`, so the workload stack's dashboard can list them by ARN without an output each.
 */
export class DatabaseStack extends NestedStack {

  public readonly dumpJob: PgDumpJob;
  /** Only with a `verify` block. */
  public readonly verifyJob?: DumpVerifyJob;
  /** The alarms of this database. */
  public readonly alarms: BackupAlarms;
  /** Its RPO alarm: the point-in-time lag the workload stack's RpoWatch measures, above the tier's RPO. */
  public readonly rpoLagAlarm: cloudwatch.Alarm;
  /** The age of its newest recovery point in the local vault and in the backup account's central and DR vaults. */
  public readonly recoveryPointAgeAlarms: cloudwatch.Alarm[];
  /** Only with a `drill` block: the monthly restore drill, validated and timed against the tier's RTO. */
  public readonly drill?: RestoreDrill;

  constructor(scope: Construct, id: string, props: DatabaseStackProps) {
    const { config, database: db } = props;
    super(scope, id, {
      description: `cdk-backup-dr workload account, database ${db.name}: pg_dump job` +
        `${db.verify ? ', restore verification' : ''} and alarms`,
    });
    const { dump, verify } = db;
    const names = sharedNames(config);
    const { backup } = config;
    const partition = Stack.of(this).partition;
    const dumpBucket = DumpBucket.fromDumpBucketAttributes(this, 'DumpBucket', {
      bucketName: names.dumpBucket,
      account: backup.account,
      encryptionKeyArn: `arn:${partition}:kms:${backup.region}:${backup.account}:${names.dumpKeyAlias}`,
    });
    const vpc = jobVpc(this, 'JobVpc', dump);
    const vpcSubnets = { subnets: vpc.privateSubnets };
    const roles = jobRoleNames(config.namePrefix, db.name);
    const secret = secretsmanager.Secret.fromSecretCompleteArn(this, 'DbSecret', dump.secretArn);
    const server = new ec2.Connections({
      securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(this, 'DbSecurityGroup', dump.securityGroupId)],
      defaultPort: ec2.Port.tcp(dump.port),
    });
    this.dumpJob = new PgDumpJob(this, 'Dump', {
      databaseName: db.name,
      vpc,
      vpcSubnets,
      databaseSecret: secret,
      databaseServer: server,
      dumpBucket,
      roleName: roles.dump,
      logEncryptionKey: props.logEncryptionKey,
    });
    if (verify) {
      this.verifyJob = new DumpVerifyJob(this, 'Verify', {
        databaseName: db.name,
        vpc,
        vpcSubnets,
        scratchSecret: secretsmanager.Secret.fromSecretCompleteArn(this, 'ScratchSecret', verify.secretArn),
        scratchServer: new ec2.Connections({
          securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(this, 'ScratchSecurityGroup', verify.securityGroupId)],
          defaultPort: ec2.Port.tcp(verify.port),
        }),
        productionSecret: secret,
        productionServer: server,
        productionTarget: verify.productionTarget,
        // Daily, an hour after the dump (seed 001 verifies daily), so a run that never happens is alarmed
        // within 25 hours; CloudWatch cannot watch for a weekly run's absence (7-day evaluation limit).
        schedule: scheduler.ScheduleExpression.cron({ minute: '0', hour: '4', timeZone: TimeZone.ETC_UTC }),
        dumpBucket,
        roleName: roles.verify,
        logEncryptionKey: props.logEncryptionKey,
      });
    }
    this.alarms = new BackupAlarms(this, 'Alarms', {
      ...alarmTuning(config),
      topic: props.alarmTopic,
      dashboard: false,
      alarmNamePrefix: config.namePrefix,
      databases: [watchDatabase(this, 'Db', db, tierByName(config.tier).rto)],
    });
    if (db.drill) {
      this.drill = this.createDrill(props, vpc, vpcSubnets);
    }
    this.recoveryPointAgeAlarms = this.watchRecoveryPoints(props);
    // The workload stack's RpoWatch measures the lag; its alarm lives here, so the workload stack does not grow by it.
    this.rpoLagAlarm = RpoWatch.lagAlarm(this, 'RpoLag', {
      databaseName: db.name,
      rpo: tierByName(config.tier).rpo,
      alarmTopic: props.alarmTopic,
      alarmName: `${config.namePrefix}-${db.name}-RecoveryPointLag`,
    });
  }

  /**
   * The newest recovery point in each vault, no older than the gap between its backups plus their duration: locally the
   * tier's most frequent snapshot rule (+ an hour for the backup), in the central and DR vaults the daily copy (24 hours
   * + 6 hours for the backup and the copy).
   */
  private watchRecoveryPoints(props: DatabaseStackProps): cloudwatch.Alarm[] {
    const { config, database: db } = props;
    const { backup } = config;
    const names = sharedNames(config);
    const gaps = tierByName(config.tier).rules.filter((rule) => !rule.enableContinuousBackup)
      .map((rule) => cronGapHours(rule.schedule.expressionString)).filter((gap): gap is number => gap !== undefined);
    const localHours = (gaps.length > 0 ? Math.min(...gaps) : 24) + 1;
    const vaults: Array<[string, string, number]> = [
      ['Local', `${config.namePrefix}-local`, localHours],
      ['Central', `${backup.account}/${backup.region}/${names.centralVault}`, 30],
      ['Dr', `${backup.account}/${backup.drRegion}/${names.drVault}`, 30],
    ];
    return vaults.map(([id, vault, hours]) => RpoWatch.recoveryPointAgeAlarm(this, `RecoveryPointAge${id}`, {
      databaseName: db.name, vault, maxAge: Duration.hours(hours), alarmTopic: props.alarmTopic,
      alarmName: `${config.namePrefix}-${db.name}-RecoveryPointAge${id}`,
    }));
  }

  /**
   * The monthly drill: the newest recovery point of the workload vault restored on the first Sunday at 05:00 UTC into
   * the drill's subnet group and security group, its tables checked by a validator in the dump's network with the
   * drill's (or the dump's) secret, timed against the tier's RTO; its alarms notify the workload's topic.
   */
  private createDrill(props: DatabaseStackProps, vpc: ec2.IVpc, vpcSubnets: ec2.SubnetSelection): RestoreDrill {
    const { config, database: db } = props;
    const drill = db.drill!;
    const restoreDrill = new RestoreDrill(this, 'Drill', {
      restoreTestingPlanName: drillName(config.namePrefix, db.name),
      schedule: events.Schedule.expression('cron(0 5 ? * SUN#1 *)'),
      backupVaults: [props.backupVault],
      validator: { vpc, vpcSubnets, logEncryptionKey: props.logEncryptionKey },
    });
    restoreDrill.addSelection('Database', {
      resourceType: RestoreDrillResourceType.RDS,
      resourceArns: [db.arn],
      subnetGroupName: drill.subnetGroupName,
      securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(this, 'DrillSecurityGroup', drill.securityGroupId)],
      validation: {
        databaseName: db.name,
        secret: secretsmanager.Secret.fromSecretCompleteArn(this, 'DrillSecret', drill.secretArn ?? db.dump.secretArn),
        port: db.dump.port,
        requiredTables: drill.requiredTables,
      },
    });
    this.alarms.watchDrill(restoreDrill, { rto: tierByName(config.tier).rto });
    return restoreDrill;
  }
}

/** The plan's name of a database's drill: letters, digits and underscores, at most 50. */
function drillName(namePrefix: string, database: string): string {
  return `${namePrefix}_${database}_drill`.replace(/[^a-zA-Z0-9_]/g, '_').slice(0, 50);
}

/**
 * The VPC and subnets of a `dump` block, imported by id from cdk.json (no lookup: synth stays offline), for functions
 * that only place their network interfaces there.
 */
export function jobVpc(scope: Construct, id: string, dump: DumpConfig): ec2.IVpc {
  const vpc = ec2.Vpc.fromVpcAttributes(scope, id, {
    vpcId: dump.vpcId,
    availabilityZones: dump.subnets.map((subnet) => subnet.availabilityZone),
    privateSubnetIds: dump.subnets.map((subnet) => subnet.id),
  });
  for (const subnet of vpc.privateSubnets) {
    Annotations.of(subnet).acknowledgeWarning('@aws-cdk/aws-ec2:noSubnetRouteTableId',
      'The functions only place their network interfaces in these subnets; nothing here reads or adds routes');
  }
  return vpc;
}

/** The RecoveryTier of the config's `tier`. */
export function tierByName(name: string): RecoveryTier {
  switch (name) {
    case 'FREE': return RecoveryTier.FREE;
    case 'PRO': return RecoveryTier.PRO;
    case 'TEAM': return RecoveryTier.TEAM;
    case 'ENTERPRISE': return RecoveryTier.ENTERPRISE;
    default: throw new Error(`unknown tier ${name}`);
  }
}
