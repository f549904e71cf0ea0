import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import {
  AwsSolutionsChecks,
  HIPAASecurityChecks,
  NagPack,
  NIST80053R5Checks,
  PCIDSS321Checks,
  ServerlessChecks,
} from 'cdk-nag';
import { BackupDrChecks } from '../lib';

/**
 * The five cdk-nag packs every stack of this project must pass, and, with `app`, the DR pack, which judges a whole
 * DR setup (alarms, drills, copies) and so applies to the apps in bin/ and examples/, not to a construct's test stack.
 */
export function nagPacks(app = false): NagPack[] {
  return [
    new AwsSolutionsChecks(),
    new HIPAASecurityChecks(),
    new NIST80053R5Checks(),
    new PCIDSS321Checks(),
    new ServerlessChecks(),
    ...(app ? [new BackupDrChecks()] : []),
  ];
}

/** One unacknowledged finding: `<rule id> at <construct path>`. */
export interface NagFinding {
  readonly pack: string;
  readonly rule: string;
  readonly path: string;
  readonly description: string;
}

/**
 * Runs the five packs (and with `app` the DR pack) over a construct tree (a stack or an app) and returns every
 * unacknowledged finding, warnings included. The tree must be complete (call after the stack is built).
 */
export function nagFindings(scope: IConstruct, app = false): NagFinding[] {
  const findings: NagFinding[] = [];
  for (const pack of nagPacks(app)) {
    const report = pack.validateScope(scope);
    for (const violation of report.violations) {
      for (const resource of violation.violatingResources) {
        findings.push({
          pack: pack.readPackName,
          rule: violation.ruleName,
          path: resource.constructPath ?? '(unknown)',
          description: violation.description,
        });
      }
    }
  }
  return findings;
}

/** Human-readable list for a failing assertion. */
export function formatFindings(findings: NagFinding[]): string {
  return findings.map((f) => `${f.rule} at ${f.path}: ${f.description}`).join('\n');
}

/** The finding ids acknowledged on a construct itself (not its children), without the `annotation::` prefix, sorted. */
export function acknowledgedIds(construct: IConstruct): string[] {
  return construct.node.metadata
    .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((entry) => Object.keys(entry.data as Record<string, unknown>))
    .map((ackId) => ackId.replace(/^annotation::/i, ''))
    .sort();
}
