import { AspectPriority, Aspects, CfnResource, Duration, IAspect, PolicyValidationPluginReport, Validations } from 'aws-cdk-lib';
import { NagMessageLevel, NagPack, NagPackProps, NagRuleCompliance } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { ACKNOWLEDGED_METADATA_KEY } from '../private/posture/app-index';
import { DR_RULES, DrRule, RuleContext } from '../private/posture/rules';
import { checkRange, isUnresolved, ValidationError, wholeDays } from '../private/validation';
import { ConstructIndex, indexConstructTree } from './construct-templates';

export interface BackupDrChecksProps extends NagPackProps {
  /**
   * The shortest automated-backup retention a database may keep (rule `BackupDR-DatabaseBackupRetention`). Whole days,
   * 1 to 35 (the longest RDS keeps).
   * @default Duration.days(7)
   */
  readonly minimumRetention?: Duration;

  /**
   * Whether each resource's acknowledged `BackupDR-*` findings are written into its template metadata
   * (`cdk-backup-dr:BackupDrChecks.acknowledged`: rule id → reason), where the recovery-posture report and an auditor
   * read them. Needs the scope passed to the constructor.
   * @default true
   */
  readonly recordAcknowledgements?: boolean;
}

const PACK_NAME = 'BackupDR';

/** Copies the acknowledged `BackupDR-*` ids of a resource and its ancestors into its template metadata. */
class RecordAcknowledgements implements IAspect {
  public visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node)) {
      return;
    }
    const acknowledged: Record<string, string> = {};
    for (let current: IConstruct | undefined = node; current; current = current.node.scope) {
      for (const entry of current.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)) {
        for (const [key, reason] of Object.entries((entry.data ?? {}) as Record<string, string>)) {
          const id = key.replace(/^annotation::/i, '');
          if (id.startsWith(`${PACK_NAME}-`) && acknowledged[id] === undefined) {
            acknowledged[id] = reason;
          }
        }
      }
    }
    if (Object.keys(acknowledged).length > 0) {
      node.addMetadata(ACKNOWLEDGED_METADATA_KEY, acknowledged);
    }
  }
}

/**
 * A cdk-nag rule pack for backup and disaster recovery, each rule written for an auditor (ids `BackupDR-<rule>`):
 *
 * - `DatabaseBackupRetention`: RDS, Aurora, DocumentDB and Neptune keep automated backups for at least `minimumRetention`.
 * - `DatabaseDeletionProtection`: databases and DynamoDB tables have deletion protection on.
 * - `DynamoDBPointInTimeRecovery`: DynamoDB tables (every replica of a global table) have PITR on.
 * - `BackupVaultLocked`: backup vaults have a vault lock with a minimum retention.
 * - `BackupPlanCrossAccountCopy`, `BackupPlanCrossRegionCopy`: each backup plan copies into a vault of another account,
 *   and of another region.
 * - `BackupCopyLifecycle`: every copy action sets DeleteAfterDays, 90 days after any move to cold storage.
 * - `BackupBucketObjectLock`, `BackupBucketVersioned`, `BackupBucketKmsOnly`, `BackupBucketConditionalWrites`: buckets
 *   that hold backups (CrossAccountBuckets, the buckets dump jobs write to, their replicas) lock every version, keep
 *   versions, take SSE-KMS uploads only, and only conditional writes (`If-None-Match`).
 * - `BackupKeyUndeletable`: KMS keys of vaults and backup buckets are retained and their policies deny
 *   kms:ScheduleKeyDeletion and kms:DisableKey.
 * - `BackupFailureAlarm`: failed backup jobs of each plan's vaults, and each dump job's failures, raise an alarm.
 * - `RestoreDrillValidated`: each plan's account and region runs a validated restore drill.
 *
 * Rules that look across resources (which bucket holds backups, which alarm watches which vault) read the whole app,
 * whatever scope is validated. Register with `Validations.of(app).addPlugins(new BackupDrChecks(app))`; acknowledge a
 * finding on its resource with `Validations.of(construct).acknowledge({ id: 'BackupDR-<rule>', reason })`.
 */
export class BackupDrChecks extends NagPack {
  /** The ids of the pack's rules, without the `BackupDR-` prefix. */
  public static readonly RULE_IDS: string[] = DR_RULES.map((rule) => rule.id);

  public readonly name = PACK_NAME;
  private readonly minimumRetentionDays: number;
  private tree?: ConstructIndex;

  constructor(scope?: IConstruct, props: BackupDrChecksProps = {}) {
    super(scope, props);
    this.packName = PACK_NAME;
    const minimum = props.minimumRetention ?? Duration.days(7);
    if (isUnresolved(minimum)) {
      throw new ValidationError('BackupDrChecks: minimumRetention is a token; give a literal Duration in whole days, e.g. Duration.days(7)');
    }
    this.minimumRetentionDays = wholeDays('BackupDrChecks minimumRetention', minimum);
    checkRange('BackupDrChecks minimumRetention', this.minimumRetentionDays, 1, 35, 'days');
    if (scope && (props.recordAcknowledgements ?? true)) {
      Aspects.of(scope).add(new RecordAcknowledgements(), { priority: AspectPriority.READONLY });
    }
  }

  /** Validates the tree under `scope`, reading the whole app for the rules that look across resources. */
  public override validateScope(scope: IConstruct): PolicyValidationPluginReport {
    this.tree = indexConstructTree(scope.node.root);
    try {
      return super.validateScope(scope);
    } finally {
      this.tree = undefined;
    }
  }

  protected checkResource(node: CfnResource): void {
    const tree = this.tree ?? indexConstructTree(node.node.root);
    const at = tree.locate(node);
    if (!at) {
      return;
    }
    const context: RuleContext = { index: tree.index, options: { minimumRetentionDays: this.minimumRetentionDays } };
    for (const rule of DR_RULES.filter((r: DrRule) => r.types.includes(node.cfnResourceType))) {
      const outcome = rule.check(at, context);
      const compliance = outcome.status === 'compliant' ? NagRuleCompliance.COMPLIANT
        : outcome.status === 'not-applicable' ? NagRuleCompliance.NOT_APPLICABLE : NagRuleCompliance.NON_COMPLIANT;
      this.applyRule({
        ruleSuffixOverride: rule.id,
        // cdk-nag keeps one description per rule for all the resources it flags: the details name their resource.
        info: outcome.status === 'non-compliant' ? `${rule.title} Found on ${node.node.path}: ${outcome.reasons.join('; ')}.` : rule.title,
        explanation: rule.explanation,
        level: NagMessageLevel.ERROR,
        node,
        rule: () => compliance,
      });
    }
  }
}
