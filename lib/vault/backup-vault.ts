import { Annotations, ArnFormat, RemovalPolicy, Resource, Stack, Token } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import {
  checkAccountId,
  checkPattern,
  ORGANIZATION_ID_PATTERN,
  ValidationError,
} from '../private/validation';
import { PolicyEditors } from '../common';
import { checkEmail } from '../private/aws-names';
import { guardKey, principalArnsExcept, watchKeys } from '../private/key-guard';
import { createEncryptedTopic, subscribeEmail } from '../private/notification-topic';
import { vaultMetric } from '../private/vault-metric';
import { VaultLock } from './vault-lock';

/**
 * A backup vault, created here or referenced from another stack, account or region.
 */
export interface IBackupVault extends backup.IBackupVault {
  /**
   * The vault lock of this vault, when known. Recovery plans use it to check at synth time
   * that the retention of every rule and copy that targets the vault lies inside the lock range.
   *
   * @default - unknown: retention is not checked against a lock
   */
  readonly vaultLock?: VaultLock;

  /**
   * The services (as in ARNs, e.g. `rds`, `ec2`) of the resource types the vault stores, when it stores only some
   * (a logically air-gapped vault). Recovery plans check their selections against them at synth time.
   *
   * @default - every resource type AWS Backup supports
   */
  readonly acceptedServices?: string[];

  /**
   * An AWS/Backup metric of this vault (dimension `BackupVaultName`), summed over 1 hour unless `props` say
   * otherwise. For a vault of another account or region the metric names that account and region.
   */
  metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Number of backup jobs into this vault that failed (`NumberOfBackupJobsFailed`). */
  metricBackupJobsFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Number of copy jobs of this vault that failed (`NumberOfCopyJobsFailed`). */
  metricCopyJobsFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Number of restore jobs from this vault that failed (`NumberOfRestoreJobsFailed`). */
  metricRestoreJobsFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}

/** Attributes of a vault defined elsewhere (for example the backup account's vault). */
export interface BackupVaultAttributes {
  /** ARN of the vault, e.g. `arn:aws:backup:us-east-1:222222222222:backup-vault:central`. */
  readonly backupVaultArn: string;

  /**
   * The lock of that vault, so that rules and copies targeting it are checked against its range.
   *
   * @default - unknown: retention is not checked
   */
  readonly vaultLock?: VaultLock;
}

/** Props of a BackupVault. */
export interface BackupVaultProps {
  /**
   * Physical name of the vault. Give one when another account must reference the vault
   * (CloudFormation exports cannot cross accounts). 2-50 letters, digits, hyphens or underscores.
   *
   * @default - a name generated from the construct path
   */
  readonly backupVaultName?: string;

  /**
   * Key that encrypts the recovery points of resources that AWS Backup fully manages.
   *
   * @default - a new customer-managed KMS key with rotation enabled
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Vault Lock: the retention range every recovery point must respect.
   * Removing a governance lock later needs the break-glass role: the access policy denies
   * `backup:DeleteBackupVaultLockConfiguration` to everyone else.
   *
   * @default - no lock
   */
  readonly vaultLock?: VaultLock;

  /**
   * The only principal allowed to delete recovery points or change their lifecycle.
   * Everyone else, the account root included, is denied by the vault access policy.
   * Keep the role's trust policy tight (MFA, a separate account) and alarm on its use.
   *
   * @default - no one may delete recovery points or change their lifecycle
   */
  readonly breakGlassRole?: iam.IRole;

  /**
   * Who besides `breakGlassRole` may replace the vault's access policy and lock (`backup:PutBackupVaultAccessPolicy`,
   * `backup:PutBackupVaultLockConfiguration`) and the policy of the key created here (`kms:PutKeyPolicy`). See
   * `PolicyEditors` for the trade-off. Deleting the access policy, the lock or (when retained) the vault stays
   * break-glass only.
   *
   * @default PolicyEditors.cdkBootstrap()
   */
  readonly policyEditors?: PolicyEditors;

  /**
   * Topic notified when someone schedules the deletion of the key created here, disables it or its rotation, or
   * replaces its policy, allowed or not (an EventBridge rule on the CloudTrail events; the account needs a trail
   * logging management events). It receives the CloudTrail event as JSON. The failure topic (`notificationTopic`)
   * is not used: its email subscriptions keep only messages with a `State` attribute.
   *
   * @default - the rule (`keyAlarmRule`) has no target; add one
   */
  readonly keyAlarmTopic?: sns.ITopic;

  /**
   * Accounts allowed to copy recovery points into this vault (`backup:CopyIntoBackupVault`).
   * This is the receiving side of a cross-account copy; both accounts must belong to one AWS Organization.
   *
   * @default - no account-based copy permission
   */
  readonly copySourceAccounts?: string[];

  /**
   * Organization whose accounts may all copy recovery points into this vault, e.g. `o-a1b2c3d4e5`. An opt-in, warned
   * at synth (`cdk-backup-dr:BackupVault.copyFromWholeOrganization`): every member account could then fill a locked
   * vault with copies nobody may delete before their retention ends. Prefer `copySourceAccounts`.
   *
   * @default - no organization-based copy permission
   */
  readonly copySourceOrganizationId?: string;

  /**
   * Topic that receives AWS Backup notifications about failed jobs of this vault.
   *
   * @default - a new topic encrypted with a customer-managed KMS key, TLS-only
   */
  readonly notificationTopic?: sns.ITopic;

  /**
   * Whether the vault sends job notifications to SNS at all.
   *
   * @default true
   */
  readonly notifications?: boolean;

  /**
   * Accounts that receive copies of this vault's recovery points: the vault key's policy lets them use
   * the key for the copy. See `grantCopyTo`.
   *
   * @default - no other account may use the key
   */
  readonly copyDestinationAccounts?: string[];

  /**
   * What happens to the vault (and its key, when created here) when it leaves the stack.
   * A vault that still holds recovery points cannot be deleted.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Vault events AWS Backup publishes for us. Backup and restore jobs only have a COMPLETED event
 * whose `State` message attribute tells success from failure, so failures are selected with the
 * subscription filter policy from `BackupVault.failureFilterPolicy()`.
 */
const FAILURE_EVENTS = [
  backup.BackupVaultEvents.BACKUP_JOB_COMPLETED,
  backup.BackupVaultEvents.COPY_JOB_FAILED,
  backup.BackupVaultEvents.RESTORE_JOB_COMPLETED,
  backup.BackupVaultEvents.S3_BACKUP_OBJECT_FAILED,
  backup.BackupVaultEvents.S3_RESTORE_OBJECT_FAILED,
];

const VAULT_NAME_PATTERN = /^[a-zA-Z0-9\-_]{2,50}$/;

abstract class BackupVaultBase extends Resource implements IBackupVault {
  public abstract readonly backupVaultName: string;
  public abstract readonly backupVaultArn: string;
  public abstract readonly vaultLock?: VaultLock;

  public get backupVaultRef(): backup.BackupVaultReference {
    return { backupVaultName: this.backupVaultName, backupVaultArn: this.backupVaultArn };
  }

  public grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [this.backupVaultArn] });
  }

  /**
   * An AWS/Backup metric of this vault (dimension `BackupVaultName`), summed over 1 hour unless `props` say
   * otherwise. When the vault is known to be in another account or region than its stack (a reference to another
   * account's vault), that account and region go on the metric, so that an alarm or graph reads the vault's metric
   * rather than a metric of the same name in its own account and region.
   */
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
}

/**
 * An AWS Backup vault with safe defaults for a backup-and-DR account.
 *
 * The defaults:
 *
 * - encrypted with a customer-managed KMS key (rotation on) unless one is given; its key policy denies scheduling its
 *   deletion, disabling it or its rotation, and moving or deleting its alias to all but the break-glass role, replacing
 *   its policy to all but it and the `policyEditors`, and grants not for AWS resources; an EventBridge rule
 *   (`keyAlarmRule`) sees those calls and notifies `keyAlarmTopic`;
 * - an access policy that denies deleting recovery points and changing their lifecycle, and deleting the policy, the
 *   lock or (retained) the vault, to everyone but an optional break-glass role, and replacing the policy or the lock to
 *   everyone but it and the `policyEditors` (CloudFormation's role);
 * - an optional Vault Lock (`VaultLock.governance` / `VaultLock.compliance`);
 * - an allow-list of accounts and/or an organization that may copy into the vault;
 * - SNS notifications for failed backup, copy and restore jobs only;
 * - retained when removed from the stack.
 */
export class BackupVault extends BackupVaultBase {
  /**
   * Reference a vault by ARN, e.g. the backup account's vault as a copy target.
   */
  public static fromBackupVaultArn(scope: Construct, id: string, backupVaultArn: string): IBackupVault {
    return BackupVault.fromBackupVaultAttributes(scope, id, { backupVaultArn });
  }

  /**
   * Reference a vault of this stack's account and region by name.
   */
  public static fromBackupVaultName(scope: Construct, id: string, backupVaultName: string): IBackupVault {
    checkPattern('backupVaultName', backupVaultName, VAULT_NAME_PATTERN,
      'vault names are 2-50 letters, digits, hyphens or underscores', 'central-vault', scope);
    const backupVaultArn = Stack.of(scope).formatArn({
      service: 'backup',
      resource: 'backup-vault',
      resourceName: backupVaultName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    return BackupVault.fromBackupVaultAttributes(scope, id, { backupVaultArn });
  }

  /**
   * Reference a vault defined elsewhere, with its lock when known so retention can be checked.
   */
  public static fromBackupVaultAttributes(scope: Construct, id: string, attrs: BackupVaultAttributes): IBackupVault {
    const parsed = Stack.of(scope).splitArn(attrs.backupVaultArn, ArnFormat.COLON_RESOURCE_NAME);
    if (!Token.isUnresolved(attrs.backupVaultArn)
      && (parsed.service !== 'backup' || parsed.resource !== 'backup-vault' || !parsed.resourceName)) {
      throw new ValidationError(
        `backupVaultArn '${attrs.backupVaultArn}' is not a backup vault ARN ` +
          "(e.g. 'arn:aws:backup:us-east-1:222222222222:backup-vault:central')",
        scope,
      );
    }
    class Import extends BackupVaultBase {
      public readonly backupVaultName = parsed.resourceName!;
      public readonly backupVaultArn = attrs.backupVaultArn;
      public readonly vaultLock = attrs.vaultLock;
    }
    return new Import(scope, id, { account: parsed.account, region: parsed.region });
  }

  /**
   * SNS subscription filter that keeps only the failure notifications of a vault:
   * messages whose `State` attribute is anything but `COMPLETED`.
   * Use it on every subscription to `notificationTopic` that should see failures only.
   */
  public static failureFilterPolicy(): { [attribute: string]: sns.SubscriptionFilter } {
    return { State: sns.SubscriptionFilter.stringFilter({ denylist: ['COMPLETED'] }) };
  }

  public readonly backupVaultName: string;
  public readonly backupVaultArn: string;

  /**
   * The vault lock, as given in the props.
   *
   * @default - no lock
   */
  public readonly vaultLock?: VaultLock;

  /** The key that encrypts the vault. */
  public readonly encryptionKey: kms.IKey;

  /**
   * The topic receiving failure notifications.
   *
   * @default - undefined when `notifications` is false
   */
  public readonly notificationTopic?: sns.ITopic;

  /**
   * The EventBridge rule that sees the key created here scheduled for deletion, disabled or given a new policy
   * (targets `keyAlarmTopic` when given).
   *
   * @default - none, when `encryptionKey` was given
   */
  public readonly keyAlarmRule?: events.Rule;

  /** The aws-cdk-lib vault this construct configures. */
  private readonly vault: backup.BackupVault;

  constructor(scope: Construct, id: string, props: BackupVaultProps = {}) {
    super(scope, id, { physicalName: props.backupVaultName });

    checkPattern('backupVaultName', props.backupVaultName, VAULT_NAME_PATTERN,
      'vault names are 2-50 letters, digits, hyphens or underscores', 'central-vault', this);
    for (const account of props.copySourceAccounts ?? []) {
      checkAccountId('copySourceAccounts', account, this);
    }
    checkPattern('copySourceOrganizationId', props.copySourceOrganizationId, ORGANIZATION_ID_PATTERN,
      "an organization id is 'o-' followed by 10-32 lowercase letters or digits", 'o-a1b2c3d4e5', this);
    if (props.notifications === false && props.notificationTopic) {
      throw new ValidationError(
        'notificationTopic is set but notifications is false; remove notificationTopic or set notifications to true',
        this,
      );
    }

    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.vaultLock = props.vaultLock;
    const policyEditors = props.policyEditors ?? PolicyEditors.cdkBootstrap();
    if (props.encryptionKey) {
      this.encryptionKey = props.encryptionKey;
    } else {
      const key = new kms.Key(this, 'Key', {
        description: `Encrypts the recovery points of backup vault ${this.node.path}`,
        enableKeyRotation: true,
        removalPolicy,
      });
      guardKey(key, { breakGlassRole: props.breakGlassRole, editorRoleArns: policyEditors._roleArns(this), removalPolicy });
      this.keyAlarmRule = watchKeys(this, 'KeyAlarm', [key], props.keyAlarmTopic, 'cdk-backup-dr:BackupVault.keyAlarmTopic');
      this.encryptionKey = key;
    }

    if (props.notifications !== false) {
      this.notificationTopic = props.notificationTopic ?? this.createNotificationTopic(removalPolicy);
    }

    this.vault = new backup.BackupVault(this, 'Resource', {
      backupVaultName: props.backupVaultName,
      encryptionKey: this.encryptionKey,
      removalPolicy,
    });
    const cfn = this.vault.node.defaultChild as backup.CfnBackupVault;
    if (props.vaultLock) {
      // Rendered on the L1: the L2 rejects maxRetention == minRetention, which AWS Backup accepts.
      cfn.lockConfiguration = {
        minRetentionDays: props.vaultLock.minRetention.toDays(),
        maxRetentionDays: props.vaultLock.maxRetention?.toDays(),
        changeableForDays: props.vaultLock.changeableFor?.toDays(),
      };
    }
    if (this.notificationTopic) {
      // Rendered on the L1 too: the L2 would grant sns:Publish (and, through the topic, the key) to
      // backup.amazonaws.com without a source condition. Ours names this account and this vault.
      cfn.notifications = {
        backupVaultEvents: FAILURE_EVENTS,
        snsTopicArn: this.notificationTopic.topicArn,
      };
      this.notificationTopic.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'AllowBackupToPublishFailures',
        principals: [new iam.ServicePrincipal('backup.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.notificationTopic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }));
    }

    this.backupVaultName = this.vault.backupVaultName;
    this.backupVaultArn = this.vault.backupVaultArn;

    this.denyRecoveryPointChanges(props.breakGlassRole, removalPolicy);
    this.denyPolicyChanges(props.breakGlassRole, policyEditors, removalPolicy);
    this.allowCopyFrom(props.copySourceAccounts ?? [], props.copySourceOrganizationId);
    for (const account of props.copyDestinationAccounts ?? []) {
      this.grantCopyTo(account);
    }
  }

  /**
   * Let another account receive copies of this vault's recovery points: adds a statement to the
   * vault key's policy allowing that account to use the key for the copy (`kms:Decrypt`,
   * `kms:DescribeKey`, and `kms:CreateGrant` only when the grant is for an AWS resource). Needed for resources that
   * AWS Backup fully manages (EFS, DynamoDB with advanced features, S3, ...); RDS and Aurora
   * snapshots are encrypted with the database's own key, which must be shared the same way.
   *
   * Returns false when the key was given as an imported key whose policy cannot be changed here
   * (a warning then says what to add).
   */
  public grantCopyTo(account: string): boolean {
    checkAccountId('grantCopyTo account', account, this);
    const sid = (name: string) => (Token.isUnresolved(account) ? undefined : `${name}${account}`);
    const principals = [new iam.AccountPrincipal(account)];
    const use = this.encryptionKey.addToResourcePolicy(new iam.PolicyStatement({
      sid: sid('AllowCopyTo'),
      principals,
      actions: ['kms:Decrypt', 'kms:DescribeKey'],
      resources: ['*'],
    }));
    // Grants only for AWS services acting for that account (AWS Backup), never to arbitrary principals.
    this.encryptionKey.addToResourcePolicy(new iam.PolicyStatement({
      sid: sid('AllowCopyGrantsTo'),
      principals,
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    }));
    if (!use.statementAdded) {
      Annotations.of(this).addWarningV2(
        'cdk-backup-dr:BackupVault.copyKeyPolicy',
        `the policy of the imported encryptionKey cannot be changed here; allow account ${account} ` +
          'kms:Decrypt and kms:DescribeKey, and kms:CreateGrant with kms:GrantIsForAWSResource, or copies to that account fail',
      );
    }
    return use.statementAdded;
  }

  /** Adds a statement to the vault access policy. */
  public addToAccessPolicy(statement: iam.PolicyStatement): void {
    this.vault.addToAccessPolicy(statement);
  }

  /**
   * Subscribes an email address to the failure notifications of this vault
   * (filtered with `failureFilterPolicy()`). Returns the subscription.
   */
  public addFailureEmail(id: string, emailAddress: string): sns.Subscription {
    if (!this.notificationTopic) {
      throw new ValidationError(
        `addFailureEmail('${id}') needs notifications; remove notifications: false from the vault props`,
        this,
      );
    }
    checkEmail(`addFailureEmail('${id}') emailAddress`, emailAddress, this);
    return subscribeEmail(this, id, this.notificationTopic, emailAddress, BackupVault.failureFilterPolicy());
  }

  private createNotificationTopic(removalPolicy: RemovalPolicy): sns.Topic {
    // AWS Backup publishes to the encrypted topic, so it must be able to use the key; the topic policy
    // (see the constructor) names this account.
    return createEncryptedTopic(this, {
      keyId: 'NotificationKey',
      topicId: 'NotificationTopic',
      keyDescription: `Encrypts failure notifications of backup vault ${this.node.path}`,
      displayName: 'AWS Backup failed jobs',
      publishers: ['backup.amazonaws.com'],
      keyStatementSid: 'AllowBackupToPublishEncrypted',
      removalPolicy,
    }).topic;
  }

  /**
   * Denies deleting or shortening recovery points, and removing the guards themselves (this policy, the lock, and,
   * while the vault is retained, the vault) to everyone but the break-glass role.
   */
  private denyRecoveryPointChanges(breakGlassRole: iam.IRole | undefined, removalPolicy: RemovalPolicy): void {
    const actions = [
      'backup:DeleteRecoveryPoint',
      'backup:UpdateRecoveryPointLifecycle',
      'backup:DeleteBackupVaultAccessPolicy',
      'backup:DeleteBackupVaultLockConfiguration',
    ];
    if (removalPolicy === RemovalPolicy.RETAIN) {
      actions.push('backup:DeleteBackupVault');
    }
    this.addToAccessPolicy(new iam.PolicyStatement({
      sid: 'DenyRecoveryPointDeletionAndLifecycleChange',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions,
      resources: ['*'],
      conditions: principalArnsExcept(breakGlassRole ? [breakGlassRole.roleArn] : []),
    }));
  }

  /**
   * Denies replacing this policy or the lock (a policy without the denies, then the recovery points deleted) to
   * everyone but the break-glass role and the policy editors, which CloudFormation deploys as; deleting a vault that
   * is not retained is theirs too, as CloudFormation does it with the stack.
   */
  private denyPolicyChanges(breakGlassRole: iam.IRole | undefined, editors: PolicyEditors, removalPolicy: RemovalPolicy): void {
    const allowed = [...(breakGlassRole ? [breakGlassRole.roleArn] : []), ...editors._roleArns(this)];
    const actions = ['backup:PutBackupVaultAccessPolicy', 'backup:PutBackupVaultLockConfiguration'];
    if (removalPolicy !== RemovalPolicy.RETAIN) {
      actions.push('backup:DeleteBackupVault');
    }
    this.addToAccessPolicy(new iam.PolicyStatement({
      sid: 'DenyAccessPolicyAndLockChanges',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions,
      resources: ['*'],
      conditions: principalArnsExcept(allowed),
    }));
  }

  private allowCopyFrom(accounts: string[], organizationId: string | undefined): void {
    if (accounts.length > 0) {
      this.addToAccessPolicy(new iam.PolicyStatement({
        sid: 'AllowCopyFromSourceAccounts',
        principals: accounts.map((account) => new iam.AccountPrincipal(account)),
        actions: ['backup:CopyIntoBackupVault'],
        resources: ['*'],
      }));
    }
    if (organizationId) {
      Annotations.of(this).addWarningV2('cdk-backup-dr:BackupVault.copyFromWholeOrganization',
        `copySourceOrganizationId '${organizationId}' lets every account of the organization copy recovery points into `
        + 'this vault; with a vault lock nobody can delete them before their retention ends, so any member account can '
        + 'fill it at your cost. Name the accounts that copy here in copySourceAccounts instead, unless every account must.');
      this.addToAccessPolicy(new iam.PolicyStatement({
        sid: 'AllowCopyFromOrganization',
        principals: [new iam.AnyPrincipal()],
        actions: ['backup:CopyIntoBackupVault'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:PrincipalOrgID': organizationId } },
      }));
    }
  }
}
