import { Annotations, AspectPriority, Aspects, CfnResource, Duration, IAspect } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { EXEMPTION_METADATA_KEY } from '../private/posture/app-index';
import { assessCoverage, isStatefulType, MIN_EXEMPTION_REASON, StoreCoverage } from '../private/posture/coverage';
import { STORE_TYPES } from '../private/posture/stores';
import { checkRange, isUnresolved, MAX_LIFECYCLE_DAYS, ValidationError, wholeDays } from '../private/validation';
import { indexConstructTree } from './construct-templates';

/** How a data store without protection is reported. */
export enum CoverageLevel {
  /** An error annotation: `cdk synth` fails. */
  ERROR = 'error',
  /** A warning (`cdk-backup-dr:BackupCoverage.unprotected`): `cdk synth --strict` fails; acknowledge one with `Annotations.acknowledgeWarning`. */
  WARNING = 'warning',
  /** An info annotation: listed, never fails. */
  INFO = 'info',
}

export interface BackupCoverageProps {
  /**
   * How an unprotected data store is reported.
   * @default CoverageLevel.ERROR
   */
  readonly level?: CoverageLevel;

  /**
   * The shortest history a store's protection must keep: a backup plan rule's retention, the store's own automated
   * backups or PITR window, its snapshots' retention, or the Object Lock retention of the bucket its dumps go to. A
   * store whose every protection keeps less is reported. Whole days, 1 to 36500.
   * @default Duration.days(7)
   */
  readonly minimumRetention?: Duration;

  /**
   * Whether buckets that receive other buckets' server access logs (and hold no backups) are checked too.
   * @default false
   */
  readonly includeLogBuckets?: boolean;
}


/**
 * Finds every stateful resource in a scope (RDS instances and clusters, DocumentDB, Neptune, DynamoDB tables, EFS, S3
 * buckets, ElastiCache replication groups and clusters, EBS volumes, FSx) and reports each one that nothing protects
 * for at least `minimumRetention`.
 *
 * A store counts as protected by: a backup plan of its account and region whose selection assigns it (by construct, ARN,
 * ARN pattern or a tag condition its tags match, as AWS Backup decides); its own automated backups or point-in-time
 * recovery; automatic snapshots (ElastiCache); Object Lock with a default retention (S3); replication into a locked
 * bucket of the app (S3); a pg_dump job (`PgDumpJob`) of the database, kept as long as its bucket's Object Lock. Plans
 * anywhere in the app count, so the aspect may be applied to one stack. What is exempt says why, in the template
 * (`BackupCoverage.exempt`).
 *
 * Apply it with `BackupCoverage.check(scope)` or `Aspects.of(scope).add(new BackupCoverage())`; either way it checks
 * when the app validates, after every aspect has run.
 */
export class BackupCoverage implements IAspect {
  /** The annotation id of an unprotected store at `CoverageLevel.WARNING`. */
  public static readonly UNPROTECTED_ID = 'cdk-backup-dr:BackupCoverage.unprotected';

  /** Applies the coverage check to `scope`, after every aspect that changes resources. */
  public static check(scope: IConstruct, props: BackupCoverageProps = {}): BackupCoverage {
    const aspect = new BackupCoverage(props);
    Aspects.of(scope).add(aspect, { priority: AspectPriority.READONLY });
    return aspect;
  }

  /**
   * Exempts every data store under `scope` from the coverage check, saying why it needs no backup. The reason is
   * written into each store's template metadata (`cdk-backup-dr:BackupCoverage.exemption`), where the report and an
   * auditor read it.
   */
  public static exempt(scope: IConstruct, reason: string): void {
    if (reason.trim().length < MIN_EXEMPTION_REASON) {
      throw new ValidationError(`BackupCoverage.exempt: reason '${reason}' is ${reason.trim().length} characters; say in at least ${MIN_EXEMPTION_REASON} why the data `
        + "needs no backup (e.g. 'holds only session caches, rebuilt from the database on start')", scope);
    }
    const stores = scope.node.findAll().filter(CfnResource.isCfnResource).filter((r) => isStatefulType(r.cfnResourceType));
    if (stores.length === 0) {
      throw new ValidationError(`BackupCoverage.exempt: ${scope.node.path} holds no data store (none of ${STORE_TYPES.map((t) => t.type).join(', ')}); `
        + 'exempt the construct that defines the store', scope);
    }
    stores.forEach((store) => store.addMetadata(EXEMPTION_METADATA_KEY, reason.trim()));
  }

  private readonly level: CoverageLevel;
  private readonly minimumRetentionDays: number;
  private readonly includeLogBuckets: boolean;
  private done = false;

  constructor(props: BackupCoverageProps = {}) {
    this.level = props.level ?? CoverageLevel.ERROR;
    const minimum = props.minimumRetention ?? Duration.days(7);
    if (isUnresolved(minimum)) {
      throw new ValidationError('BackupCoverage: minimumRetention is a token; give a literal Duration in whole days, e.g. Duration.days(7)');
    }
    this.minimumRetentionDays = wholeDays('BackupCoverage minimumRetention', minimum);
    checkRange('BackupCoverage minimumRetention', this.minimumRetentionDays, 1, MAX_LIFECYCLE_DAYS, 'days');
    this.includeLogBuckets = props.includeLogBuckets ?? false;
  }

  /**
   * Registers the check on the first construct it visits (the scope it was applied to). The check itself runs when the
   * app validates its constructs: after every aspect of every priority has visited every construct (tags included) and
   * after cross-stack references are resolved, so it sees the templates as they will be deployed.
   */
  public visit(node: IConstruct): void {
    if (this.done) {
      return;
    }
    this.done = true;
    node.node.addValidation({
      validate: () => {
        this.checkScope(node);
        return [];
      },
    });
  }

  private checkScope(node: IConstruct): void {
    const tree = indexConstructTree(node.node.root);
    const coverage = assessCoverage(tree.index, { minimumRetentionDays: this.minimumRetentionDays, includeLogBuckets: this.includeLogBuckets });
    const prefix = node.node.path === '' ? '' : `${node.node.path}/`;
    for (const store of coverage) {
      const resource = tree.resourceOf(store.at);
      if (resource && (prefix === '' || resource.node.path.startsWith(prefix))) {
        this.report(resource, store);
      }
    }
  }

  private report(resource: CfnResource, store: StoreCoverage): void {
    const annotations = Annotations.of(resource);
    if (store.exemption !== undefined) {
      annotations.addInfo(`${store.type.label} exempt from backup coverage: ${store.exemption}`);
      return;
    }
    if (store.problems.length === 0) {
      return;
    }
    const message = `${store.type.label} ${resource.node.path} is not protected: ${store.problems.join('; ')}. Select it in a backup plan `
      + '(RecoveryPlan selections, backup.BackupSelection), turn on its own backups with enough retention, or say why it '
      + 'needs none with BackupCoverage.exempt(construct, reason)';
    if (this.level === CoverageLevel.ERROR) {
      annotations.addError(message);
    } else if (this.level === CoverageLevel.WARNING) {
      annotations.addWarningV2(BackupCoverage.UNPROTECTED_ID, message);
    } else {
      annotations.addInfo(message);
    }
  }
}
