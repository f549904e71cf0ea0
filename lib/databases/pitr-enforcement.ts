import { Annotations, IAspect } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { applyPolicy, auditFindings, dbOf, docdbLogsWarning, kindLabel, problemsOf } from './pitr-database';
import { Policy } from './pitr-policy';
import { EnforcementMode } from './pitr-settings';

// The Aspect of RdsPitrPolicy.enforce(): applies or audits the policy on every database in a scope.

export const WARN_REPLICATION_CLUSTER = 'cdk-backup-dr:RdsPitrPolicy.replicationForInstancesOnly';

export const WARN_DOCDB_LOGS = 'cdk-backup-dr:RdsPitrPolicy.docdbLogs';

/** Metadata type of `RdsPitrPolicy.exclude()`. */
export const EXCLUDED_METADATA = 'cdk-backup-dr:RdsPitrPolicy.excluded';

/** Applies or audits the policy on every database L1 it visits. */
export class PitrAspect implements IAspect {
  constructor(private readonly policy: Policy, private readonly mode: EnforcementMode) {}

  public visit(node: IConstruct): void {
    const db = dbOf(node);
    if (!db || db.replica) {
      return;
    }
    const exclusion = node.node.scopes.flatMap((scope) => scope.node.metadata).find((m) => m.type === EXCLUDED_METADATA);
    if (exclusion) {
      Annotations.of(node).addInfo(`${db.path}: excluded from RdsPitrPolicy.enforce(): ${exclusion.data}`);
      return;
    }
    if (db.kind !== 'instance' && this.policy.replicationRegion !== undefined) {
      Annotations.of(node).addWarningV2(
        WARN_REPLICATION_CLUSTER,
        `${db.path}: backupReplicationRegion '${this.policy.replicationRegion}' is not applied to this ${kindLabel(db.kind)}; ` +
          'automated-backup replication exists for DB instances only. Copy its recovery points to another region with a ' +
          'RecoveryPlan copy (copyTo)',
      );
    }
    const docdbLogs = docdbLogsWarning(db, this.policy);
    if (docdbLogs) {
      Annotations.of(node).addWarningV2(WARN_DOCDB_LOGS, docdbLogs);
    }
    const problems = problemsOf(db, this.policy);
    for (const problem of problems) {
      Annotations.of(node).addError(`${problem} (RdsPitrPolicy)`);
    }
    if (this.mode === EnforcementMode.AUDIT) {
      for (const finding of auditFindings(db, this.policy)) {
        Annotations.of(node).addError(finding);
      }
    } else if (problems.length === 0) {
      applyPolicy(db, this.policy);
    }
  }
}
