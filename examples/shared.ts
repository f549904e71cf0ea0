// What every example app shares and that is not part of a DR plan: the compliance packs `cdk synth` runs, the
// team's existing VPC, imported by id (no lookup: synth stays offline and needs no credentials), and the cdk-nag
// acknowledgements that aws-cdk-lib's own database constructs need.
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import {
  BackupAlarms, BackupCoverage, BackupDrChecks, IBackupVault, RecoveryPlan, RestoreDrill, RestoreDrillResourceType, RestoreValidationOptions,
} from '../lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks, ServerlessChecks } from 'cdk-nag';

/**
 * Registers the five cdk-nag packs and the DR pack as validation plugins, and the backup coverage check: `cdk synth`
 * fails on any unacknowledged finding and on any unprotected data store.
 */
export function addCompliancePacks(app: App): void {
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app),
    new HIPAASecurityChecks(app),
    new NIST80053R5Checks(app),
    new PCIDSS321Checks(app),
    new ServerlessChecks(app),
    new BackupDrChecks(app),
  );
  // Every data store of the app is protected for at least a week, or exempt with its reason.
  BackupCoverage.check(app);
}

/**
 * Acknowledges the two DR-pack findings of a plan in a seed that runs in one AWS account: its copies go to another
 * region of the same account (there is no second account to copy into; the example's RUNBOOK.md lists "workload account
 * compromised" as a Gap), and its own vault, the source of those copies, is not locked (the locked vault is the DR
 * region's, which receives the copies).
 */
export function acknowledgeSingleAccountPlan(plan: RecoveryPlan, seed: string, drVault: string): void {
  Validations.of(plan).acknowledge({
    id: 'BackupDR-BackupPlanCrossAccountCopy',
    reason: `${seed} runs in one AWS account: there is no second account to copy into, so a compromise of that account can `
      + 'reach every copy. RUNBOOK.md lists "workload account compromised" as a Gap; the reference app shows the two-account layout.',
  });
  Validations.of(plan.backupVault).acknowledge({
    id: 'BackupDR-BackupVaultLocked',
    reason: `The production vault holds the source recovery points; the copies that must survive a mistake here land in ${drVault}, `
      + 'which is locked (governance, 7 to 365 days).',
  });
}

/**
 * The team's VPC with two private subnets in the stack's region, imported by id. The ids are placeholders of the
 * right shape; a real deployment puts its own here.
 */
export function exampleVpc(stack: Stack): ec2.IVpc {
  const region = stack.region;
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0a1b2c3d4e5f60718',
    availabilityZones: [`${region}a`, `${region}b`],
    privateSubnetIds: ['subnet-0a1b2c3d4e5f60718', 'subnet-0f1e2d3c4b5a69788'],
    privateSubnetRouteTableIds: ['rtb-0a1b2c3d4e5f60718', 'rtb-0f1e2d3c4b5a69788'],
  });
  return vpc;
}

/**
 * Acknowledges the two findings an aws-cdk-lib database with enhanced monitoring and single-user secret rotation
 * raises whatever its settings: the monitoring role's AWS managed policy, and the rotation function's ingress rule,
 * whose port is the endpoint port token, which the packs' port rules cannot evaluate.
 */
export function acknowledgeDatabaseFindings(db: ec2.IConnectable & Construct, rotation: secretsmanager.SecretRotation): void {
  Validations.of(db).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]',
    reason: 'The policy AWS maintains for exactly the enhanced-monitoring role',
  });
  Validations.of(db.connections.securityGroups[0]).acknowledge(...['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321']
    .flatMap((pack) => ['EC2RestrictedCommonPorts', 'EC2RestrictedSSH'].map((rule) => ({
      id: `${pack}-${rule}`,
      reason: `The ingress of the secret rotation (${rotation.node.path}) names the database port by its endpoint token`,
    }))));
}

/**
 * Acknowledges what the packs report on an aws-cdk-lib read replica although it follows its source: Multi-AZ and the
 * backups belong to the source, encryption is inherited (CloudFormation rejects StorageEncrypted on a read replica),
 * the port rule reads an engine that the replica takes from its source, and the enhanced-monitoring role's policy.
 */
export function acknowledgeReadReplicaFindings(replica: rds.DatabaseInstanceReadReplica, source: rds.IDatabaseInstance): void {
  const reasons: Array<[string, string[]]> = [
    [`A read replica: Multi-AZ and the backups belong to its source ${source.node.path}, from which it is rebuilt`,
      ['AwsSolutions-RDS3', ...['HIPAA.Security', 'NIST.800.53.R5'].flatMap((pack) => [`${pack}-RDSMultiAZSupport`, `${pack}-RDSInBackupPlan`])]],
    [`Encrypted with the key of its source ${source.node.path}; CloudFormation rejects StorageEncrypted on a read replica`,
      ['AwsSolutions-RDS2', ...['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'].map((pack) => `${pack}-RDSStorageEncrypted`)]],
    ['The port is set on the replica; the rule reads Engine, which a read replica takes from its source', ['AwsSolutions-RDS11']],
    ['The policy AWS maintains for exactly the enhanced-monitoring role',
      ['AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]']],
  ];
  Validations.of(replica).acknowledge(...reasons.flatMap(([reason, ids]) => ids.map((id) => ({ id, reason }))));
}

/**
 * A bucket for the server access logs of an application bucket: SSE-S3 (the only encryption log delivery supports),
 * TLS only, kept a year. The packs' KMS and replication rules are acknowledged: the logs are an audit trail of
 * request metadata, not data to recover.
 */
export function accessLogsBucket(stack: Stack): s3.Bucket {
  const bucket = new s3.Bucket(stack, 'AccessLogs', {
    encryption: s3.BucketEncryption.S3_MANAGED, enforceSSL: true, versioned: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(1) }],
  });
  Validations.of(bucket).acknowledge(...['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'].flatMap((pack) => [
    { id: `${pack}-S3DefaultEncryptionKMS`, reason: 'S3 server access log delivery supports only SSE-S3 on the target bucket' },
    { id: `${pack}-S3BucketReplicationEnabled`, reason: 'Access logs are an audit trail of request metadata, not data to recover' },
  ]));
  return bucket;
}

/** Where a drill restores in a region whose network the document does not describe. */
export interface DrillNetwork {
  readonly vpc: ec2.IVpc;
  /** Its isolated subnets: for the validator (`validator.vpcSubnets`). */
  readonly subnets: ec2.SubnetSelection;
  readonly subnetGroup: rds.SubnetGroup;
  /** The restored databases' group: it admits the drill's validator only. */
  readonly restoreSecurityGroup: ec2.SecurityGroup;
}

/**
 * A minimal network for restore drills: an isolated VPC (two AZs, no internet, no NAT), its flow logs, the interface
 * endpoints the validator calls (AWS Backup, RDS, Secrets Manager), a DB subnet group and a security group for the
 * restored databases. Nothing else runs in it: restores appear, are checked and are deleted.
 */
export function drillNetwork(stack: Stack, description: string): DrillNetwork {
  const cidr = '10.80.0.0/16';
  const subnets = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
  // Two of the region's availability zones, from the context cdk.json holds for it (synth stays offline).
  const vpc = new ec2.Vpc(stack, 'DrillVpc', {
    ipAddresses: ec2.IpAddresses.cidr(cidr),
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'drills', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
  });
  // Flow logs to an encrypted log group, written by a role whose permissions are a managed policy.
  const flowLogKey = new kms.Key(stack, 'DrillFlowLogKey', { description: `${description}: flow logs`, enableKeyRotation: true });
  flowLogKey.addToResourcePolicy(new iam.PolicyStatement({
    principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    resources: ['*'],
    conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*` } },
  }));
  const flowLogGroup = new logs.LogGroup(stack, 'DrillFlowLogs', { encryptionKey: flowLogKey, retention: logs.RetentionDays.ONE_YEAR });
  const flowLogRole = new iam.Role(stack, 'DrillFlowLogRole', { assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com') });
  new iam.ManagedPolicy(stack, 'DrillFlowLogPolicy', {
    roles: [flowLogRole],
    statements: [new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      resources: [flowLogGroup.logGroupArn],
    })],
  });
  vpc.addFlowLog('All', {
    destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup, flowLogRole.withoutPolicyUpdates()),
    trafficType: ec2.FlowLogTrafficType.ALL,
  });
  const endpoints = new ec2.SecurityGroup(stack, 'DrillEndpoints', {
    vpc, description: `${description}: HTTPS to the AWS endpoints from inside the VPC`, allowAllOutbound: false,
  });
  endpoints.addIngressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(443), 'HTTPS from the drill VPC');
  for (const [id, service] of [['Backup', ec2.InterfaceVpcEndpointAwsService.BACKUP], ['Rds', ec2.InterfaceVpcEndpointAwsService.RDS],
    ['SecretsManager', ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER]] as const) {
    vpc.addInterfaceEndpoint(id, { service, subnets, securityGroups: [endpoints], open: false });
  }
  const subnetGroup = new rds.SubnetGroup(stack, 'DrillSubnets', { vpc, description, vpcSubnets: subnets });
  const restoreSecurityGroup = new ec2.SecurityGroup(stack, 'DrillRestores', {
    vpc, description: `${description}: the restored databases, reached by the drill validator only`, allowAllOutbound: false,
  });
  return { vpc, subnets, subnetGroup, restoreSecurityGroup };
}

/** What `drRegionDrill` restores and checks. */
export interface DrRegionDrillOptions {
  /** The restore testing plan's name. */
  readonly name: string;
  readonly schedule: events.Schedule;
  /** The DR-region vault the copies are in. */
  readonly vault: IBackupVault;
  /** The resource type of the copies. */
  readonly resourceType: RestoreDrillResourceType;
  /** The source database's ARN (the copies' protected resource), a literal of the primary region. */
  readonly sourceArn: string;
  /**
   * The checks, as on the primary region's drill, with the name of the database secret whose replica in this region
   * (`replicaRegions`) checks the restore and the key of this region that encrypts the replica. Without, the restores
   * are timed only (Aurora: AWS Backup restores no DB instance to check).
   */
  readonly validation?: Omit<RestoreValidationOptions, 'secret'> & { readonly secretName: string; readonly secretReplicaKey: kms.IKey };
  readonly rto: Duration;
  /** The alarms' email and name prefix. */
  readonly alarmEmail: string;
  readonly alarmNamePrefix: string;
}

/**
 * A drill in the DR region (issue 13): the copies in the DR vault restored into a drill network there, checked with
 * the database secret's replica in that region, timed against the RTO, with its own alarms (an alarm watches the
 * metrics of its own region).
 */
export function drRegionDrill(stack: Stack, options: DrRegionDrillOptions): RestoreDrill {
  const network = drillNetwork(stack, `${options.name} in ${stack.region}`);
  const drill = new RestoreDrill(stack, 'DrRegionDrill', {
    restoreTestingPlanName: options.name,
    schedule: options.schedule,
    backupVaults: [options.vault],
    validator: { vpc: network.vpc, vpcSubnets: network.subnets },
  });
  const { secretName, secretReplicaKey, ...checks } = options.validation ?? {};
  drill.addSelection('Database', {
    resourceType: options.resourceType,
    resourceArns: [options.sourceArn],
    subnetGroupName: network.subnetGroup.subnetGroupName,
    securityGroups: [network.restoreSecurityGroup],
    validation: secretName === undefined ? undefined
      : { ...checks, secret: secretsmanager.Secret.fromSecretNameV2(stack, 'SecretReplica', secretName) },
  });
  // The replica's key, through Secrets Manager only (the replica is imported by name and carries no key).
  secretReplicaKey?.grantDecrypt(new kms.ViaServicePrincipal(`secretsmanager.${stack.region}.amazonaws.com`, drill.validatorFunction!.grantPrincipal));
  new BackupAlarms(stack, 'DrRegionAlarms', { email: options.alarmEmail, alarmNamePrefix: options.alarmNamePrefix, dashboard: false })
    .watchDrill(drill, { rto: options.rto });
  return drill;
}
