import * as fs from 'fs';
import * as path from 'path';
import { CONTEXT_KEY, ConfigError, jobRoleNames, MAX_DATABASES, parseConfig, sharedNames } from '../../bin/config';

const cdkJson = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8'));
const valid = cdkJson.context[CONTEXT_KEY];

function withChange(change: (c: any) => void): unknown {
  const copy = JSON.parse(JSON.stringify(valid));
  change(copy);
  return copy;
}

function problemsOf(raw: unknown): string[] {
  try {
    parseConfig(raw);
  } catch (e) {
    if (e instanceof ConfigError) {
      return e.problems;
    }
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('reference app config', () => {
  test('the cdk.json block parses with its placeholder accounts', () => {
    const config = parseConfig(valid);
    expect(config.workload).toEqual({ account: '111111111111', region: 'us-east-1' });
    expect(config.backup).toEqual({ account: '222222222222', region: 'us-east-1', drRegion: 'us-west-2' });
    expect(config.tier).toBe('TEAM');
    expect(config.databases).toEqual([{
      name: 'app',
      arn: 'arn:aws:rds:us-east-1:111111111111:db:app-prod',
      kmsKeyArn: 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      dump: {
        secretArn: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:app-prod-dump-AbCdEf',
        vpcId: 'vpc-0123456789abcdef0',
        subnets: [
          { id: 'subnet-0123456789abcdef0', availabilityZone: 'us-east-1a' },
          { id: 'subnet-0fedcba9876543210', availabilityZone: 'us-east-1b' },
        ],
        securityGroupId: 'sg-0123456789abcdef0',
        port: 5432,
      },
      verify: {
        secretArn: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:app-scratch-GhIjKl',
        securityGroupId: 'sg-0fedcba9876543210',
        port: 5432,
        productionTarget: 'app-prod.abcdefghijkl.us-east-1.rds.amazonaws.com:5432/app',
      },
      drill: { subnetGroupName: 'app-restore-drills', securityGroupId: 'sg-0a1b2c3d4e5f67890', requiredTables: ['public.orders'], secretArn: undefined },
    }]);
    expect(sharedNames(config)).toEqual({
      centralVault: 'backup-dr-central',
      drVault: 'backup-dr-dr',
      airGappedVault: 'backup-dr-air-gapped',
      dumpBucket: 'backup-dr-dumps-222222222222-us-east-1',
      drDumpBucket: 'backup-dr-dumps-222222222222-us-west-2',
      drDumpKeyAlias: 'alias/backup-dr-dumps-222222222222-us-west-2',
      dumpKeyAlias: 'alias/backup-dr-dumps-222222222222-us-east-1',
    });
    expect(jobRoleNames(config.namePrefix, 'app')).toEqual({ dump: 'backup-dr-dump-app', verify: 'backup-dr-verify-app' });
  });

  test('fails when a verification does not name the production target it must never restore into', () => {
    expect(problemsOf(withChange((c) => { delete c.databases[0].verify.productionTarget; })))
      .toEqual(['backup-dr.databases[0].verify.productionTarget is missing; expected e.g. "app-prod.abcdefghijkl.us-east-1.rds.amazonaws.com:5432/app"']);
  });

  test('dumpLockMode defaults to compliance, takes governance, and refuses anything else by name', () => {
    expect(parseConfig(withChange((c) => { delete c.dumpLockMode; })).dumpLockMode).toBe('compliance');
    expect(parseConfig(withChange((c) => { c.dumpLockMode = 'governance'; })).dumpLockMode).toBe('governance');
    expect(problemsOf(withChange((c) => { c.dumpLockMode = 'COMPLIANCE'; })))
      .toEqual(['backup-dr.dumpLockMode is "COMPLIANCE"; expected one of "compliance", "governance"']);
  });

  test('ports default to 5432, and dump and verify are optional', () => {
    const config = parseConfig(withChange((c) => {
      delete c.databases[0].dump.port;
      delete c.databases[0].verify.port;
      c.databases.push({ name: 'reports', arn: 'arn:aws:rds:us-east-1:111111111111:cluster:reports' });
    }));
    expect(config.databases[0].dump?.port).toBe(5432);
    expect(config.databases[0].verify).toEqual({
      secretArn: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:app-scratch-GhIjKl',
      securityGroupId: 'sg-0fedcba9876543210',
      port: 5432,
      productionTarget: 'app-prod.abcdefghijkl.us-east-1.rds.amazonaws.com:5432/app',
    });
    expect(config.databases[1]).toEqual({
      name: 'reports', arn: 'arn:aws:rds:us-east-1:111111111111:cluster:reports', kmsKeyArn: undefined, dump: undefined, verify: undefined,
    });
  });

  test('alarm thresholds default to the seeds when the alarms block is left out', () => {
    const config = parseConfig(withChange((c) => { delete c.alarms; delete c.appBuckets; }));
    expect(config.alarms).toEqual({
      email: undefined,
      dumpMissingHours: 25,
      dumpSizeChangePercent: 20,
      dumpDurationMinutes: 12,
      verificationStaleDays: 8,
      freeStorageGiB: 10,
      replicationLatencyMinutes: 15,
    });
    expect(config.appBuckets).toEqual([]);
  });

  test('fails when the block is missing, with an example, as one problem', () => {
    expect(() => parseConfig(undefined)).toThrow(
      /^context "backup-dr" \(cdk.json or cdk -c\) has 1 problem\(s\):\n {2}- backup-dr is missing; expected an object, e\.g\. \{ "namePrefix"/);
  });

  test('takes the block as a JSON string, as `cdk synth -c backup-dr=\'{...}\'` hands it over', () => {
    expect(parseConfig(JSON.stringify(valid))).toEqual(parseConfig(valid));
  });

  test.each([
    ['a string that is not JSON', '{namePrefix: backup-dr}', /^backup-dr is a string that is not valid JSON \(.+\); expected a JSON object, e\.g\. -c backup-dr='\{/],
    ['JSON that is not an object', '[1, 2]', /^backup-dr is \[1,2\]; expected an object/],
    ['a number', 42, /^backup-dr is 42; expected an object/],
  ])('a root that is %s is the one problem reported, not each key below it', (_, raw, message) => {
    const problems = problemsOf(raw);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  test.each([
    ['workload.account', (c: any) => { c.workload.account = '123'; }, 'backup-dr.workload.account is "123"; expected e.g. "111111111111"'],
    ['workload.region', (c: any) => { delete c.workload.region; }, 'backup-dr.workload.region is missing; expected e.g. "us-east-1"'],
    ['backup.drRegion', (c: any) => { c.backup.drRegion = 'west'; }, 'backup-dr.backup.drRegion is "west"; expected e.g. "us-west-2"'],
    ['tier', (c: any) => { c.tier = 'GOLD'; }, 'backup-dr.tier is "GOLD"; expected one of "FREE", "PRO", "TEAM", "ENTERPRISE"'],
    ['organizationId', (c: any) => { c.organizationId = 'org'; }, 'backup-dr.organizationId is "org"; expected e.g. "o-a1b2c3d4e5"'],
    ['airGappedVault with an RDS instance', (c: any) => { c.airGappedVault = { minRetentionDays: 7, maxRetentionDays: 400 }; },
      'backup-dr.airGappedVault is set, but backup-dr.databases[0].arn "arn:aws:rds:us-east-1:111111111111:db:app-prod" is an RDS instance; a logically air-gapped vault stores Aurora, Neptune and DocumentDB clusters, not RDS instances: protect clusters, or remove airGappedVault'],
    ['airGappedVault.minRetentionDays', (c: any) => { c.databases[0].arn = 'arn:aws:rds:us-east-1:111111111111:cluster:app-prod'; delete c.databases[0].drill; c.airGappedVault = { minRetentionDays: 3, maxRetentionDays: 400 }; },
      'backup-dr.airGappedVault.minRetentionDays is 3; expected a whole number from 7 to 36500, e.g. 7'],
    ['guardrails.managementAccount', (c: any) => { c.guardrails = {}; }, 'backup-dr.guardrails.managementAccount is missing; expected e.g. "999999999999"'],
    ['guardrails.managementAccount as the backup account', (c: any) => { c.guardrails = { managementAccount: '222222222222' }; },
      'backup-dr.guardrails.managementAccount equals backup-dr.backup.account (222222222222); service control policies do not apply to the management account: the backup account must be a member account, e.g. "999999999999"'],
    ['guardrails.deployers', (c: any) => { c.guardrails = { managementAccount: '999999999999', deployers: ['pipeline'] }; },
      'backup-dr.guardrails.deployers is ["pipeline"]; expected a list, e.g. ["arn:aws:iam::222222222222:role/pipeline-deploy"]'],
    ['backup.breakGlassRoleArn', (c: any) => { c.backup.breakGlassRoleArn = 'break-glass'; },
      'backup-dr.backup.breakGlassRoleArn is "break-glass"; expected e.g. "arn:aws:iam::222222222222:role/backup-break-glass"'],
    ['backup.breakGlassRoleArn of another account', (c: any) => { c.backup.breakGlassRoleArn = 'arn:aws:iam::111111111111:role/break-glass'; },
      'backup-dr.backup.breakGlassRoleArn (arn:aws:iam::111111111111:role/break-glass) is a role of account 111111111111; it must be a role of the backup account, e.g. "arn:aws:iam::222222222222:role/backup-break-glass"'],
    ['vaultLock.changeableForDays', (c: any) => { c.vaultLock.changeableForDays = 2; }, 'backup-dr.vaultLock.changeableForDays is 2; expected a whole number from 3 to 36500, e.g. 3'],
    ['vaultLock.mode', (c: any) => { c.vaultLock.mode = 'strict'; }, 'backup-dr.vaultLock.mode is "strict"; expected one of "compliance", "governance"'],
    ['databases[0].arn', (c: any) => { c.databases[0].arn = 'app-prod'; }, 'backup-dr.databases[0].arn is "app-prod"; expected e.g. "arn:aws:rds:us-east-1:111111111111:db:app-prod"'],
    ['databases', (c: any) => { c.databases = 'app'; }, 'backup-dr.databases is "app"; expected a list, e.g. [{ "name": "app", "arn": "arn:aws:rds:us-east-1:111111111111:db:app-prod" }]'],
    ['alarms.email', (c: any) => { c.alarms.email = 'nobody'; }, 'backup-dr.alarms.email is "nobody"; expected e.g. "oncall@example.com"'],
    ['alarms.dumpMissingHours', (c: any) => { c.alarms.dumpMissingHours = 200; }, 'backup-dr.alarms.dumpMissingHours is 200; expected a whole number from 1 to 168, e.g. 25'],
    ['alarms.dumpSizeChangePercent', (c: any) => { c.alarms.dumpSizeChangePercent = 0.2; }, 'backup-dr.alarms.dumpSizeChangePercent is 0.2; expected a whole number from 1 to 1000, e.g. 20'],
    ['alarms', (c: any) => { c.alarms = 'loud'; }, 'backup-dr.alarms is "loud"; expected an object, e.g. { "email": "oncall@example.com" }'],
    ['appBuckets[0].name', (c: any) => { c.appBuckets[0].name = 'Uploads_Bucket'; }, 'backup-dr.appBuckets[0].name is "Uploads_Bucket"; expected e.g. "acme-uploads"'],
    ['appBuckets[0].name with a dot', (c: any) => { c.appBuckets[0].name = 'acme.uploads'; }, 'backup-dr.appBuckets[0].name is "acme.uploads"; expected e.g. "acme-uploads"'],
    ['appBuckets', (c: any) => { c.appBuckets = 'uploads'; }, 'backup-dr.appBuckets is "uploads"; expected a list, e.g. [{ "name": "acme-uploads" }]'],
    ['databases[0].dump.secretArn', (c: any) => { c.databases[0].dump.secretArn = 'app-prod'; },
      'backup-dr.databases[0].dump.secretArn is "app-prod"; expected e.g. "arn:aws:secretsmanager:us-east-1:111111111111:secret:app-prod-AbCdEf"'],
    ['databases[0].dump.vpcId', (c: any) => { c.databases[0].dump.vpcId = 'vpc-1'; },
      'backup-dr.databases[0].dump.vpcId is "vpc-1"; expected e.g. "vpc-0123456789abcdef0"'],
    ['databases[0].dump.subnets', (c: any) => { c.databases[0].dump.subnets = []; },
      'backup-dr.databases[0].dump.subnets is []; expected a non-empty list, e.g. [{ "id": "subnet-0123456789abcdef0", "availabilityZone": "us-east-1a" }]'],
    ['databases[0].dump.subnets[1].id', (c: any) => { c.databases[0].dump.subnets[1].id = 'subnet-x'; },
      'backup-dr.databases[0].dump.subnets[1].id is "subnet-x"; expected e.g. "subnet-0123456789abcdef0"'],
    ['databases[0].dump.subnets[0].availabilityZone', (c: any) => { c.databases[0].dump.subnets[0].availabilityZone = 'a'; },
      'backup-dr.databases[0].dump.subnets[0].availabilityZone is "a"; expected e.g. "us-east-1a"'],
    ['databases[0].dump.securityGroupId', (c: any) => { delete c.databases[0].dump.securityGroupId; },
      'backup-dr.databases[0].dump.securityGroupId is missing; expected e.g. "sg-0123456789abcdef0"'],
    ['databases[0].dump.port', (c: any) => { c.databases[0].dump.port = 0; },
      'backup-dr.databases[0].dump.port is 0; expected a whole number from 1 to 65535, e.g. 5432'],
    ['databases[0].dump', (c: any) => { c.databases[0].dump = true; },
      'backup-dr.databases[0].dump is true; expected an object, e.g. { "secretArn": "arn:aws:secretsmanager:us-east-1:111111111111:secret:app-prod-AbCdEf", "vpcId": "vpc-0123456789abcdef0", "subnets": [{ "id": "subnet-0123456789abcdef0", "availabilityZone": "us-east-1a" }], "securityGroupId": "sg-0123456789abcdef0" }'],
    ['databases[0].verify.securityGroupId', (c: any) => { c.databases[0].verify.securityGroupId = 'sg'; },
      'backup-dr.databases[0].verify.securityGroupId is "sg"; expected e.g. "sg-0fedcba9876543210"'],
    ['databases[0].verify.productionTarget', (c: any) => { c.databases[0].verify.productionTarget = 'app-prod'; },
      'backup-dr.databases[0].verify.productionTarget is "app-prod"; expected e.g. "app-prod.abcdefghijkl.us-east-1.rds.amazonaws.com:5432/app"'],
  ])('fails when %s is malformed', (_key, change, message) => {
    expect(problemsOf(withChange(change))).toEqual([message]);
  });

  test('fails when a region is well formed but does not exist, and suggests the region meant', () => {
    expect(problemsOf(withChange((c) => { c.backup.drRegion = 'us-wset-2'; })))
      .toEqual(['backup-dr.backup.drRegion is "us-wset-2", not a region aws-cdk-lib knows; expected e.g. "us-west-2" ' +
        '(a region newer than aws-cdk-lib: list it in the context key "cdk-backup-dr:additionalRegions")']);
  });

  test('accepts a region newer than aws-cdk-lib when it is listed as additional', () => {
    expect(parseConfig(withChange((c) => { c.backup.drRegion = 'xx-new-1'; }), ['xx-new-1']).backup.drRegion).toBe('xx-new-1');
  });

  test('fails when the backup account is the workload account', () => {
    expect(problemsOf(withChange((c) => { c.backup.account = c.workload.account; })))
      .toEqual(['backup-dr.backup.account equals backup-dr.workload.account (111111111111); backups must live in a separate account, e.g. "222222222222"']);
  });

  test('fails when the backup region differs from the workload region', () => {
    expect(problemsOf(withChange((c) => { c.backup.region = 'eu-west-1'; c.backup.drRegion = 'eu-central-1'; })))
      .toEqual(['backup-dr.backup.region (eu-west-1) differs from backup-dr.workload.region (us-east-1); the pg_dump jobs write to the dump bucket of the backup account\'s primary region, and a job and its bucket must share a region (the SSE-KMS key is regional), e.g. "us-east-1"']);
  });

  test.each([
    ['another account', 'arn:aws:rds:us-east-1:999999999999:db:app-prod', '999999999999/us-east-1'],
    ['another region', 'arn:aws:rds:eu-west-1:111111111111:cluster:app-prod', '111111111111/eu-west-1'],
  ])('fails when a database is in %s', (_where, arn, location) => {
    expect(problemsOf(withChange((c) => { c.databases[0].arn = arn; delete c.databases[0].drill; })))
      .toEqual([`backup-dr.databases[0].arn "${arn}" is in ${location}, not the workload account and region (111111111111/us-east-1); AWS Backup would never back it up. Use a database of the workload, e.g. "arn:aws:rds:us-east-1:111111111111:db:app-prod"`]);
  });

  test('fails when a database key ARN is malformed', () => {
    expect(problemsOf(withChange((c) => { c.databases[0].kmsKeyArn = 'alias/rds'; })))
      .toEqual(['backup-dr.databases[0].kmsKeyArn is "alias/rds"; expected e.g. "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"']);
  });

  test('fails when the DR region is the backup region', () => {
    expect(problemsOf(withChange((c) => { c.backup.drRegion = c.backup.region; })))
      .toEqual(['backup-dr.backup.drRegion equals backup-dr.backup.region (us-east-1); the DR copy must be in another region, e.g. "us-west-2"']);
  });

  test('fails when the lock range is inverted', () => {
    expect(problemsOf(withChange((c) => { c.vaultLock.minRetentionDays = 100; c.vaultLock.maxRetentionDays = 30; })))
      .toContain('backup-dr.vaultLock.maxRetentionDays (30) is below minRetentionDays (100); expected at least 100, e.g. 3650');
  });

  test('fails when copy retention is outside the lock range', () => {
    expect(problemsOf(withChange((c) => { c.copyRetentionDays = 3; })))
      .toEqual(["backup-dr.copyRetentionDays is 3; the backup vaults' lock accepts 7-3650 days (backup-dr.vaultLock), e.g. 35"]);
  });

  test('fails when two databases share a name', () => {
    expect(problemsOf(withChange((c) => { c.databases.push({ ...c.databases[0] }); })))
      .toEqual(['backup-dr.databases has two entries named "app"; names must be unique']);
  });

  test('fails when a subnet is in another region', () => {
    expect(problemsOf(withChange((c) => { c.databases[0].dump.subnets[0].availabilityZone = 'us-west-2a'; })))
      .toEqual(['backup-dr.databases[0].dump.subnets[0].availabilityZone "us-west-2a" is not in the workload region (us-east-1), e.g. "us-east-1a"']);
  });

  test('fails when a job secret is in another account', () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:999999999999:secret:app-prod-AbCdEf';
    expect(problemsOf(withChange((c) => { c.databases[0].dump.secretArn = arn; })))
      .toEqual([`backup-dr.databases[0].dump.secretArn "${arn}" is in 999999999999/us-east-1, not the workload account and region (111111111111/us-east-1); the job reads it there, e.g. "arn:aws:secretsmanager:us-east-1:111111111111:secret:app-prod-AbCdEf"`]);
  });

  test('fails when verify has no dump to verify', () => {
    expect(problemsOf(withChange((c) => { delete c.databases[0].dump; delete c.databases[0].drill; })))
      .toEqual(['backup-dr.databases[0].verify is set but backup-dr.databases[0].dump is not; the verification restores the dumps of the dump job: add a dump block, or remove verify']);
  });

  test('fails when the scratch server is the production database (same secret)', () => {
    expect(problemsOf(withChange((c) => { c.databases[0].verify.secretArn = c.databases[0].dump.secretArn; })))
      .toEqual(['backup-dr.databases[0].verify.secretArn is the database\'s own secret (backup-dr.databases[0].dump.secretArn); the verification creates and drops databases on that server, which must be a separate scratch server, e.g. "arn:aws:secretsmanager:us-east-1:111111111111:secret:app-scratch-AbCdEf"']);
  });

  test.each<[string, (c: any) => void, string]>([
    ['without a dump', (c) => { delete c.databases[0].dump; delete c.databases[0].verify; },
      'backup-dr.databases[0].drill is set but backup-dr.databases[0].dump is not; the drill\'s validator runs in the dump\'s VPC and subnets: add a dump block, or remove drill'],
    ['of a cluster', (c) => { c.databases[0].arn = 'arn:aws:rds:us-east-1:111111111111:cluster:app-prod'; },
      'backup-dr.databases[0].drill is set but backup-dr.databases[0].arn is a cluster; AWS Backup restores an Aurora cluster without a DB instance, so the validator has nothing to check: remove drill'],
    ['into the database\'s own security group', (c) => { c.databases[0].drill.securityGroupId = c.databases[0].dump.securityGroupId; },
      'backup-dr.databases[0].drill.securityGroupId is the database\'s own group (backup-dr.databases[0].dump.securityGroupId); the validator let into it could reach production: give the restores a group of their own, e.g. "sg-0a1b2c3d4e5f67890"'],
    ['without required tables', (c) => { delete c.databases[0].drill.requiredTables; },
      'backup-dr.databases[0].drill.requiredTables is missing; the drill\'s validator checks that these tables are in the restore, e.g. ["public.orders"]'],
    ['with a table without its schema', (c) => { c.databases[0].drill.requiredTables = ['orders']; },
      'backup-dr.databases[0].drill.requiredTables is ["orders"]; expected a list, e.g. ["public.orders"]'],
  ])('fails for a drill %s', (_what, change, message) => {
    expect(problemsOf(withChange(change))).toEqual([message]);
  });

  test('fails when a job role name would exceed 64 characters', () => {
    const name = 'a'.repeat(50);
    expect(problemsOf(withChange((c) => { c.databases[0].name = name; })))
      .toEqual([`backup-dr.databases[0].name "${name}" makes the job role name "backup-dr-verify-${name}" 67 characters long; IAM allows 64: shorten the name or namePrefix`]);
  });

  test('accepts 500 databases and fails at 501: the plan selects them by ARN, at most 500 per selection', () => {
    const many = (count: number) => withChange((c) => {
      c.databases = Array.from({ length: count }, (_, i) => ({ name: `db${i}`, arn: `arn:aws:rds:us-east-1:111111111111:db:db${i}` }));
    });
    expect(parseConfig(many(MAX_DATABASES)).databases).toHaveLength(500);
    expect(problemsOf(many(501))).toEqual([
      'backup-dr.databases has 501 entries; the backup plan selects them by ARN, and an AWS Backup selection takes at ' +
        'most 500 ARNs: split them across apps (each with its own namePrefix)',
    ]);
  });

  // The dump bucket policy denies writes to `<prefix>-verify-*` and reads to `<prefix>-dump-*`: a dump role must never
  // match the verify pattern, nor a verify role the dump pattern, whatever the prefix and database names.
  test.each(['backup-dr', 'a-verify', 'x-dump', 'dump', 'verify'])(
    'with namePrefix %s, no job role of one kind matches the name pattern of the other', (prefix) => {
      const pattern = jobRoleNames(prefix, '*');
      // Role names hold only letters, digits, '-' and '_': nothing to escape in a regular expression.
      const matches = (glob: string, name: string) => new RegExp(`^${glob.split('*').join('.*')}$`).test(name);
      for (const db of ['app', 'dump', 'verify', 'dump_verify', 'verify_dump', 'd', 'v']) {
        const roles = jobRoleNames(prefix, db);
        expect(matches(pattern.dump, roles.dump)).toBe(true);
        expect(matches(pattern.verify, roles.verify)).toBe(true);
        expect(matches(pattern.verify, roles.dump)).toBe(false);
        expect(matches(pattern.dump, roles.verify)).toBe(false);
      }
    });

  test('reports every problem at once', () => {
    const problems = problemsOf(withChange((c) => { c.tier = 'x'; c.workload.account = 'y'; }));
    expect(problems).toHaveLength(2);
  });
});
