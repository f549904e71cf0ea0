import { Names, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import { resourceAliasCondition } from '../private/kms';
import { flattenForNag } from '../private/nag-ids';
import { ValidationError } from '../private/validation';

// The replication configuration of a source bucket, shared by the ReplicationRule constructs of that bucket.

/** S3 accepts at most 1,000 rules in one replication configuration. */
const MAX_RULES_PER_BUCKET = 1000;
/** S3 rule ids have 1-255 characters. */
export const MAX_RULE_ID_LENGTH = 255;

export interface KeyUse {
  readonly sid: string;
  readonly actions: string[];
  /** The key ARN, or `arn:<partition>:kms:<region>:<account>:key/*` with `aliasName`. */
  readonly keyArn: string;
  readonly viaService: string;
  /** Limits `key/*` to the keys with this alias (`kms:ResourceAliases`). */
  readonly aliasName?: string;
}

/**
 * The replication configuration of one source bucket, a hidden child of the bucket shared by its rules: the role,
 * the customer-managed policy with the grouped permissions of every rule, and the rules rendered into the
 * bucket's `ReplicationConfiguration`.
 */
export class BucketReplication extends Construct {
  public static of(bucket: s3.IBucket, cfn: s3.CfnBucket, role: iam.IRole | undefined, rule: IConstruct): BucketReplication {
    const existing = bucket.node.tryFindChild(BucketReplication.ID);
    if (existing instanceof BucketReplication) {
      if (role && role !== existing.role) {
        throw new ValidationError(
          `role '${role.node.path}' differs from the role of the other replication rules of sourceBucket ` +
            `'${bucket.node.path}' ('${existing.role.node.path}'); a bucket has one replication role: remove role, ` +
            'or pass the same role to every rule of the bucket',
          rule,
        );
      }
      return existing;
    }
    if (cfn.replicationConfiguration !== undefined) {
      throw new ValidationError(
        `sourceBucket '${bucket.node.path}' already has a replication configuration (its replicationRules prop); ` +
          'a bucket holds one configuration: move those rules to ReplicationRule constructs, or drop this rule',
        rule,
      );
    }
    return new BucketReplication(bucket, cfn, role);
  }

  private static readonly ID = 'Replication';

  public readonly role: iam.IRole;
  /** The role's ARN, built from its name when the role is created here (no reference to the role resource). */
  public readonly roleArn: string;
  public readonly policy: iam.ManagedPolicy;
  private readonly rules: s3.CfnBucket.ReplicationRuleProperty[] = [];
  private readonly ruleIds = new Set<string>();
  private readonly explicitPriorities = new Map<IConstruct, number>();
  private readonly defaultPriorityRules: IConstruct[] = [];
  private readonly statements = new Map<string, iam.PolicyStatement>();
  private readonly keyContexts = new Map<string, string[]>();
  private readonly acknowledged = new Set<string>();
  private assignedPriorities?: Map<IConstruct, number>;
  private readonly sourceObjectLock: boolean;

  private constructor(bucket: s3.IBucket, cfn: s3.CfnBucket, role: iam.IRole | undefined) {
    super(bucket, BucketReplication.ID);
    this.sourceObjectLock = cfn.objectLockEnabled === true;
    if (role) {
      this.role = role;
      this.roleArn = role.roleArn;
    } else {
      // A fixed name: the destination account's policies can name the role before it exists and without a reference.
      const roleName = Names.uniqueResourceName(this, { maxLength: 64 });
      // No aws:SourceAccount / aws:SourceArn condition on the trust: the S3 replication documentation shows the
      // trust without them and does not say that S3 sets them when it assumes a replication role. A condition on a
      // key the request lacks denies, which would stop replication. The role is usable only by the replication
      // configurations that name it, and passing it needs iam:PassRole in this account.
      this.role = new iam.Role(this, 'Role', {
        assumedBy: new iam.ServicePrincipal('s3.amazonaws.com'),
        roleName,
        description: `S3 replication of bucket ${bucket.node.path}`,
      });
      this.roleArn = Stack.of(this).formatArn({ service: 'iam', region: '', resource: 'role', resourceName: roleName });
    }
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: `Replication permissions of the rules of bucket ${bucket.node.path}`,
      roles: [this.role],
    });
    this.policy.addStatements(new iam.PolicyStatement({
      sid: 'ReadSourceReplicationConfiguration',
      actions: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
      resources: [bucket.bucketArn],
    }));
    this.statements.set('source-objects', new iam.PolicyStatement({
      sid: 'ReadSourceObjectVersions',
      actions: [
        's3:GetObjectVersionForReplication',
        's3:GetObjectVersionAcl',
        's3:GetObjectVersionTagging',
        // Object Lock retention and legal holds are replicated with the object.
        ...(this.sourceObjectLock ? ['s3:GetObjectRetention', 's3:GetObjectLegalHold'] : []),
      ],
    }));
    this.policy.addStatements(this.statements.get('source-objects')!);
    cfn.replicationConfiguration = { role: this.role.roleArn, rules: this.rules };
  }

  /** Checks the rule's id and priority against the other rules of the bucket and records them. */
  public register(rule: IConstruct & { readonly ruleId: string }, priority: number | undefined): void {
    if (this.rules.length >= MAX_RULES_PER_BUCKET) {
      throw new ValidationError(
        `sourceBucket '${this.node.scope!.node.path}' would get ${this.rules.length + 1} replication rules; S3 allows ` +
          `at most ${MAX_RULES_PER_BUCKET} per bucket: combine rules with a common prefix`,
        rule,
      );
    }
    if (!Token.isUnresolved(rule.ruleId)) {
      if (rule.ruleId.length < 1 || rule.ruleId.length > MAX_RULE_ID_LENGTH) {
        throw new ValidationError(
          `ruleId '${rule.ruleId}' is ${rule.ruleId.length} characters long; S3 allows 1-${MAX_RULE_ID_LENGTH}`, rule);
      }
      if (this.ruleIds.has(rule.ruleId)) {
        throw new ValidationError(
          `ruleId '${rule.ruleId}' is already used by another replication rule of sourceBucket ` +
            `'${this.node.scope!.node.path}'; rule ids are unique per bucket: choose another ruleId`,
          rule,
        );
      }
      this.ruleIds.add(rule.ruleId);
    }
    if (priority === undefined) {
      this.defaultPriorityRules.push(rule);
      return;
    }
    if (!Token.isUnresolved(priority)) {
      if (!Number.isInteger(priority) || priority < 0) {
        throw new ValidationError(
          `priority is ${priority}; S3 requires a non-negative integer (e.g. ${Math.max(0, Math.round(priority))})`, rule);
      }
      for (const [other, p] of this.explicitPriorities) {
        if (p === priority) {
          throw new ValidationError(
            `priority ${priority} is already used by replication rule '${other.node.path}' of sourceBucket ` +
              `'${this.node.scope!.node.path}'; priorities are unique per bucket: choose another priority ` +
              `(e.g. ${Math.max(...this.explicitPriorities.values()) + 1}), or leave it out to get the next free one`,
            rule,
          );
        }
      }
    }
    this.explicitPriorities.set(rule, priority);
  }

  public addRule(rendered: s3.CfnBucket.ReplicationRuleProperty): void {
    this.rules.push(rendered);
  }

  /** Default priorities: the lowest numbers not taken by explicit ones, in creation order. Decided at synth. */
  public priorityOf(rule: IConstruct): number {
    if (!this.assignedPriorities) {
      const taken = new Set(this.explicitPriorities.values());
      this.assignedPriorities = new Map();
      let next = 0;
      for (const r of this.defaultPriorityRules) {
        while (taken.has(next)) {
          next++;
        }
        this.assignedPriorities.set(r, next);
        taken.add(next);
      }
    }
    return this.assignedPriorities.get(rule)!;
  }

  /**
   * Adds an object ARN to a statement shared by the rules with the same actions (one statement per action set keeps
   * the policy small: a managed policy holds at most 6,144 characters).
   */
  public addResource(key: string, resource: string, create?: () => iam.PolicyStatement): void {
    let statement = this.statements.get(key);
    if (!statement) {
      statement = create!();
      statement.sid = this.uniqueSid(statement.sid!);
      this.statements.set(key, statement);
      this.policy.addStatements(statement);
    }
    statement.addResources(resource);
  }

  /** Adds the encryption contexts of a rule to the statement for a key (one statement per key and region). */
  public addKeyUse(key: string, contexts: string[], create: () => KeyUse): void {
    let all = this.keyContexts.get(key);
    let statement = this.statements.get(key);
    if (!all || !statement) {
      const use = create();
      all = [];
      statement = new iam.PolicyStatement({
        sid: this.uniqueSid(use.sid),
        actions: use.actions,
        resources: [use.keyArn],
        conditions: {
          'StringEquals': { 'kms:ViaService': use.viaService },
          ...resourceAliasCondition(use),
        },
      });
      this.keyContexts.set(key, all);
      this.statements.set(key, statement);
      this.policy.addStatements(statement);
    }
    for (const context of contexts) {
      if (!all.includes(context)) {
        all.push(context);
      }
    }
    statement.addCondition('StringLike', { 'kms:EncryptionContext:aws:s3:arn': [...all] });
  }

  /**
   * AwsSolutions-IAM5 flags the `<bucket>/<prefix>*` object resources. They are acknowledged on the policy, one finding
   * id per resource, with the flattened form cdk-nag reports.
   */
  public acknowledgeObjectWildcard(objectsArn: string, side: 'source' | 'destination', prefix: string): void {
    const id = `AwsSolutions-IAM5[Resource::${flattenForNag(this.policy, objectsArn)}]`;
    if (this.acknowledged.has(id)) {
      return;
    }
    this.acknowledged.add(id);
    const scope = prefix === '' ? 'every object key of the bucket' : `the object keys under the prefix '${prefix}'`;
    const reason = side === 'source'
      ? `S3 replication reads the versions of objects that are written after deployment, so the resource is ${scope} ` +
        'of the source bucket, not a list of known objects; the actions are only the read-for-replication actions ' +
        '(GetObjectVersionForReplication, ACL, tagging, and Object Lock state when the bucket has it).'
      : `S3 writes each replica under the key of its source object, so the resource is ${scope} of the destination ` +
        'bucket; the actions are only Replicate* (and owner override for a cross-account destination), never ' +
        'PutObject, GetObject or DeleteObject.';
    Validations.of(this.policy).acknowledge({ id, reason });
  }

  /**
   * AwsSolutions-IAM5 flags `arn:<partition>:kms:<region>:<account>:key/*`, the resource of a replica key named by
   * its alias. Acknowledged on the policy with the flattened form cdk-nag reports.
   */
  public acknowledgeKeyWildcard(keysArn: string, aliasName: string, region: string): void {
    const id = `AwsSolutions-IAM5[Resource::${flattenForNag(this.policy, keysArn)}]`;
    if (this.acknowledged.has(id)) {
      return;
    }
    this.acknowledged.add(id);
    Validations.of(this.policy).acknowledge({
      id,
      reason: `The replica key belongs to the destination account and is known here only by its alias '${aliasName}' ` +
        '(its key ARN is not deterministic and cannot be exported across accounts). IAM authorizes KMS operations ' +
        'against key ARNs, never alias ARNs, so the resource is every key of that account and region, narrowed by ' +
        `kms:ResourceAliases to the keys carrying '${aliasName}', by kms:ViaService to S3 in ${region}, and by the ` +
        'encryption context to the destination bucket; the actions are only Encrypt, GenerateDataKey and Decrypt, ' +
        "and the destination's key policy must allow them too.",
    });
  }

  private uniqueSid(base: string): string {
    const sids = new Set([...this.statements.values()].map((s) => s.sid));
    let sid = base;
    for (let i = 2; sids.has(sid); i++) {
      sid = `${base}${i}`;
    }
    return sid;
  }
}

/** The L1 bucket of an `s3.Bucket` of this app, or undefined for an imported bucket. */
