import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { DATABASE_TAG_KEY } from '../private/job-contract';
import { ACCOUNT_ID_PATTERN, checkPattern, ValidationError } from '../private/validation';
import { DumpJobRoles } from './cross-account-bucket-props';

const PLACEHOLDER = '{database}';
const DATABASE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}$/;
const WRITES = ['s3:PutObject', 's3:AbortMultipartUpload'];
const READS = ['s3:GetObject', 's3:GetObjectVersion'];

/** What the bucket needs to write the statements for `DumpJobRoles`. */
export interface DumpJobRolesTarget {
  readonly partition: string;
  readonly bucketArn: string;
  readonly bucketAccount: string;
  readonly prefix: string;
  /** `arnForObjects(pattern)` of the bucket. */
  readonly objects: (pattern: string) => string;
}

/** The bucket policy statements of `DumpJobRoles`, and the narrowing of its key statements. */
export interface DumpJobRolesPolicy {
  readonly bucketStatements: iam.PolicyStatement[];
  /** ARN patterns of the dump roles and of the verify roles, for the key statements' `ArnLike aws:PrincipalArn`. */
  readonly writerPattern: string;
  readonly readerPattern?: string;
}

/**
 * The statements, checked first. Every job role is named once, exactly, in the statement that keeps the rest of the
 * account out; the per-database confinement costs no bytes per database: the roles are tagged with their database,
 * a statement denies every object outside `<prefix>${aws:PrincipalTag/cdk-backup-dr:database}/`, and another denies a
 * role whose name is not the pattern with that tag (a dump role retagged with another database gains nothing), or that
 * has no tag at all.
 */
export function dumpJobRolesPolicy(scope: IConstruct, roles: DumpJobRoles, target: DumpJobRolesTarget): DumpJobRolesPolicy {
  checkJobRoles(scope, roles, target.bucketAccount);
  const verifyDatabases = roles.verifyDatabases ?? [];
  const roleArn = (name: string) => `arn:${target.partition}:iam::${roles.account}:role/${name}`;
  const named = (pattern: string, value: string) => roleArn(pattern.replace(PLACEHOLDER, value));
  const exact = [
    ...roles.dumpDatabases.map((db) => named(roles.dumpRoleName, db)),
    ...verifyDatabases.map((db) => named(roles.verifyRoleName!, db)),
  ];
  const objects = target.objects(`${target.prefix}*`);
  const inAccount = { StringEquals: { 'aws:PrincipalAccount': roles.account } };
  const tag = `\${aws:PrincipalTag/${DATABASE_TAG_KEY}}`;
  const account = new iam.AccountPrincipal(roles.account);
  const deny = (sid: string, actions: string[], conditions: Record<string, unknown>, resources: string[] = [objects]) =>
    new iam.PolicyStatement({ sid, effect: iam.Effect.DENY, principals: [new iam.AnyPrincipal()], actions, resources, conditions });
  const reading = verifyDatabases.length > 0;
  const jobActions = reading ? [...WRITES, ...READS] : WRITES;

  const statements = [
    new iam.PolicyStatement({ sid: 'AllowDumpJobsToWrite', principals: [account], actions: WRITES, resources: [objects] }),
    ...(reading ? [
      new iam.PolicyStatement({ sid: 'AllowVerifyJobsToRead', principals: [account], actions: READS, resources: [objects] }),
    ] : []),
    new iam.PolicyStatement({
      sid: 'AllowJobsToList', principals: [account], actions: ['s3:ListBucket'], resources: [target.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${target.prefix}*`] } },
    }),
    deny('DenyJobAccountExceptJobs', [...jobActions, 's3:ListBucket'], { ...inAccount, ArnNotLike: { 'aws:PrincipalArn': exact } },
      [target.bucketArn, objects]),
    ...(reading ? [
      deny('DenyWritesByVerifyJobs', WRITES, { ...inAccount, ArnLike: { 'aws:PrincipalArn': named(roles.verifyRoleName!, '*') } }),
      deny('DenyReadsByDumpJobs', READS, { ...inAccount, ArnLike: { 'aws:PrincipalArn': named(roles.dumpRoleName, '*') } }),
    ] : []),
    new iam.PolicyStatement({
      sid: 'DenyJobsOutsideTheirDatabase',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: jobActions,
      notResources: [target.objects(`${target.prefix}${tag}/*`)],
      conditions: inAccount,
    }),
    deny('DenyJobsListingOtherDatabases', ['s3:ListBucket'], { ...inAccount, StringNotLike: { 's3:prefix': `${target.prefix}${tag}/*` } },
      [target.bucketArn]),
    deny('DenyJobsWithoutDatabaseTag', [...jobActions, 's3:ListBucket'], { ...inAccount, Null: { [`aws:PrincipalTag/${DATABASE_TAG_KEY}`]: 'true' } },
      [target.bucketArn, objects]),
    deny('DenyJobsTaggedWithAnotherDatabase', [...jobActions, 's3:ListBucket'], {
      ...inAccount,
      StringNotLike: { 'aws:PrincipalArn': [named(roles.dumpRoleName, tag), ...(reading ? [named(roles.verifyRoleName!, tag)] : [])] },
    }, [target.bucketArn, objects]),
  ];
  return {
    bucketStatements: statements,
    writerPattern: named(roles.dumpRoleName, '*'),
    readerPattern: reading ? named(roles.verifyRoleName!, '*') : undefined,
  };
}

function checkJobRoles(scope: IConstruct, roles: DumpJobRoles, bucketAccount: string): void {
  checkPattern('jobRoles.account', roles.account, ACCOUNT_ID_PATTERN, 'expected a 12-digit AWS account id', '111111111111', scope);
  if (!Token.isUnresolved(roles.account) && roles.account === bucketAccount) {
    throw new ValidationError(
      `jobRoles.account is ${roles.account}, this bucket's own account; jobRoles names the roles of another account. ` +
        'Grant roles of this account with grantWrite() and grantRead()',
      scope,
    );
  }
  const verifyDatabases = roles.verifyDatabases ?? [];
  for (const [prop, name] of [['jobRoles.dumpRoleName', roles.dumpRoleName], ['jobRoles.verifyRoleName', roles.verifyRoleName]] as const) {
    if (name !== undefined && (Token.isUnresolved(name) || name.split(PLACEHOLDER).length !== 2 || /[*?$]/.test(name))) {
      throw new ValidationError(
        `${prop} '${name}' is invalid: a literal role name with '${PLACEHOLDER}' once where the database name goes, ` +
          "and no '*', '?' or '$' (e.g. 'backup-dr-dump-{database}')",
        scope,
      );
    }
  }
  if (verifyDatabases.length > 0 && roles.verifyRoleName === undefined) {
    throw new ValidationError('jobRoles.verifyDatabases is set but jobRoles.verifyRoleName is not; name the verify roles ' +
      "(e.g. 'backup-dr-verify-{database}') or remove verifyDatabases", scope);
  }
  if (roles.dumpDatabases.length === 0) {
    throw new ValidationError('jobRoles.dumpDatabases is empty; list the databases whose dump role writes here, or remove jobRoles', scope);
  }
  [...roles.dumpDatabases, ...verifyDatabases].forEach((db, i) => checkPattern(`jobRoles database ${i}`, db, DATABASE,
    "1-63 letters, digits, '_', '.' or '-', starting with a letter, digit or '_' (a role name and a tag value hold it)", 'orders', scope));
  const missing = verifyDatabases.find((db) => !roles.dumpDatabases.includes(db));
  if (missing !== undefined) {
    throw new ValidationError(`jobRoles.verifyDatabases names '${missing}', which is not in jobRoles.dumpDatabases; ` +
      'a database is verified only when it is dumped here', scope);
  }
  if (roles.verifyRoleName !== undefined) {
    // The kind patterns only deny: a dump role matching the verify pattern could not write, and the other way round.
    const overlap = [
      ...roles.dumpDatabases.filter((db) => glob(roles.verifyRoleName!).test(roles.dumpRoleName.replace(PLACEHOLDER, db))),
      ...verifyDatabases.filter((db) => glob(roles.dumpRoleName).test(roles.verifyRoleName!.replace(PLACEHOLDER, db))),
    ];
    if (overlap.length > 0) {
      throw new ValidationError(
        `jobRoles.dumpRoleName '${roles.dumpRoleName}' and verifyRoleName '${roles.verifyRoleName}' overlap (database ` +
          `'${overlap[0]}'): one kind's name matches the other's pattern, so its role would be denied what it needs; ` +
          "give them distinct parts (e.g. 'backup-dr-dump-{database}' and 'backup-dr-verify-{database}')",
        scope,
      );
    }
  }
}

/** The pattern with `{database}` as `*`, as a regular expression. */
function glob(pattern: string): RegExp {
  const [before, after] = pattern.split(PLACEHOLDER).map((part) => part.replace(/[.+^${}()|[\]\\-]/g, '\\$&'));
  return new RegExp(`^${before}.*${after}$`);
}
