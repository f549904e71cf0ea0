import type { AppIndex, Located } from '../app-index';
import { PITR_ENV } from '../../job-contract';
import { planAt } from './plan-copies';
import { DrRule, NOT_APPLICABLE, outcome, ruleDelivers, RuleContext, sameEnvironment } from './rule';

/** The restore testing plans of the app near `near` that have a selection and a validation, by construct path. */
export function validatedDrills(index: AppIndex, near: Located): string[] {
  const drills: string[] = [];
  for (const plan of index.ofType('AWS::Backup::RestoreTestingPlan').filter((p) => sameEnvironment(p, near))) {
    const name = plan.r.resolve(plan.resource.Properties?.RestoreTestingPlanName);
    const selected = index.ofType('AWS::Backup::RestoreTestingSelection').some((s) => s.stack === plan.stack
      && (index.referenced(s, s.resource.Properties?.RestoreTestingPlanName) === plan || s.r.resolve(s.resource.Properties?.RestoreTestingPlanName) === name));
    // A validator: an EventBridge rule on this plan's restore jobs with a target (which calls PutRestoreValidationResult).
    const validated = index.ofType('AWS::Events::Rule').filter((e) => e.stack === plan.stack && ruleDelivers(e)).some((e) => {
      const pattern = (e.resource.Properties?.EventPattern ?? {}) as { source?: unknown; 'detail-type'?: unknown; detail?: { restoreTestingPlanArn?: unknown } };
      const arns = pattern.detail?.restoreTestingPlanArn;
      return Array.isArray(pattern.source) && pattern.source.includes('aws.backup') && Array.isArray(pattern['detail-type'])
        && pattern['detail-type'].includes('Restore Job State Change')
        && (arns === undefined || (Array.isArray(arns) && arns.some((a) => index.referenced(e, a) === plan)));
    });
    if (selected && validated) drills.push(plan.path);
  }
  const pitr = index.ofType('AWS::Lambda::Function').filter((f) => sameEnvironment(f, near)).filter((f) => {
    const env = ((f.resource.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables) ?? {};
    return env[PITR_ENV.CONFIG] !== undefined;
  });
  return [...drills, ...pitr.map((f) => f.path)];
}

/** Restores from the plan's backups are tried on a schedule, and checked. */
export const RestoreDrillValidated: DrRule = {
  id: 'RestoreDrillValidated',
  title: 'Backups of the plan\'s account and region are restored on a schedule and each restore is validated '
    + '(an AWS Backup restore testing plan with a selection and a validator, or a point-in-time drill).',
  explanation: 'A backup that was never restored is a hope, not a recovery point: restore testing proves the restore '
    + 'works and measures how long it takes, and a validator proves the data came back, not just an empty database.',
  types: ['AWS::Backup::BackupPlan'],
  check(at: Located, { index }: RuleContext) {
    if (!planAt(at, index)) return NOT_APPLICABLE;
    return outcome(validatedDrills(index, at).length > 0 ? []
      : ['no restore testing plan with a selection and a validator (an EventBridge rule on its Restore Job State Change events), and no point-in-time drill, in its account and region']);
  },
};
