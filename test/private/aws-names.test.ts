import { App, Duration, Stack, TimeZone, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  BackupAlarms, BackupVault, DumpBucket, PgDumpJob, RdsPitrPolicy, RecoveryPlan, ReplicationDestination,
  ReplicationRule, RestoreDrill,
} from '../../lib';
import { ADDITIONAL_REGIONS_CONTEXT, checkEmail, checkRegion, checkTimeZone, closest, knownRegions } from '../../lib/private/aws-names';

const ENV = { account: '111111111111', region: 'us-east-1' };

function newStack(context?: Record<string, unknown>): Stack {
  return new Stack(new App({ context }), 'S', { env: ENV });
}

describe('checkRegion', () => {
  test.each(['us-east-1', 'eu-central-2', 'us-gov-west-1', 'cn-northwest-1', 'ap-southeast-5'])('accepts %s', (region) => {
    expect(() => checkRegion('region', region, newStack())).not.toThrow();
  });

  test('names the prop and the value, suggests the region meant, and says how to allow a newer region', () => {
    expect(() => checkRegion('backupReplicationRegion', 'us-wset-2', newStack())).toThrow(
      "S: backupReplicationRegion 'us-wset-2' is not an AWS region aws-cdk-lib knows; did you mean 'us-west-2'? " +
        'If it is a region newer than the installed aws-cdk-lib, upgrade aws-cdk-lib or list it in the context key ' +
        '"cdk-backup-dr:additionalRegions" (e.g. "cdk-backup-dr:additionalRegions": ["us-wset-2"] in cdk.json)');
  });

  test('a value without the shape of a region says so, and gives an example when nothing is near', () => {
    expect(() => checkRegion('region', 'Virginia', newStack())).toThrow(/^S: region 'Virginia' is not an AWS region name \(e\.g\. 'us-west-2'\)$/);
    expect(() => checkRegion('region', 'US-WEST-2', newStack())).toThrow(/^S: region 'US-WEST-2' is not an AWS region name; did you mean 'us-west-2'\?$/);
    expect(() => checkRegion('region', 'xx-nowhere-9', newStack()))
      .toThrow(/^S: region 'xx-nowhere-9' is not an AWS region aws-cdk-lib knows \(e\.g\. 'us-west-2'\)\. If it is a region newer/);
  });

  test('a region listed in the context key is accepted (a region newer than aws-cdk-lib), as a list or a -c string', () => {
    expect(() => checkRegion('region', 'xx-new-1', newStack({ [ADDITIONAL_REGIONS_CONTEXT]: ['xx-new-1'] }))).not.toThrow();
    expect(() => checkRegion('region', 'xx-new-1', newStack({ [ADDITIONAL_REGIONS_CONTEXT]: '["xx-new-1"]' }))).not.toThrow();
    expect(() => checkRegion('region', 'xx-new-1', newStack({ [ADDITIONAL_REGIONS_CONTEXT]: 'xx-new-1' }))).not.toThrow();
    expect(() => checkRegion('region', 'xx-new-2', newStack({ [ADDITIONAL_REGIONS_CONTEXT]: ['xx-new-1'] }))).toThrow(/'xx-new-2' is not/);
  });

  test('a malformed context key is an error of its own', () => {
    expect(() => checkRegion('region', 'xx-new-1', newStack({ [ADDITIONAL_REGIONS_CONTEXT]: [42] })))
      .toThrow('context "cdk-backup-dr:additionalRegions" is [42]; expected a list of region names, e.g. ["xx-new-1"]');
  });

  test('tokens and absent values are skipped', () => {
    const stack = newStack();
    expect(() => checkRegion('region', stack.region.length ? Token.asString({ Ref: 'AWS::Region' }) : '', stack)).not.toThrow();
    expect(() => checkRegion('region', undefined, stack)).not.toThrow();
  });

  test('the known regions are aws-cdk-lib region facts', () => {
    expect(knownRegions()).toEqual(expect.arrayContaining(['us-east-1', 'us-west-2', 'eu-west-1']));
    expect(knownRegions()).not.toContain('us-wset-2');
  });
});

describe('checkTimeZone', () => {
  test.each([TimeZone.ETC_UTC, TimeZone.EUROPE_BERLIN, TimeZone.of('America/New_York'), TimeZone.of('Asia/Kolkata'),
  TimeZone.of('UTC'), TimeZone.of('US/Eastern'), TimeZone.of('Etc/GMT+5')])(
    'accepts %p', (zone) => {
      expect(() => checkTimeZone('scheduleTimezone', zone, newStack())).not.toThrow();
    });

  test.each([
    ['America/NewYork', 'America/New_York'],
    ['Europe/Berlim', 'Europe/Berlin'],
    ['europe/berlin', 'Europe/Berlin'],
  ])('refuses %s and suggests %s', (name, meant) => {
    expect(() => checkTimeZone('scheduleTimezone', TimeZone.of(name), newStack())).toThrow(
      `S: scheduleTimezone '${name}' is not an IANA time zone name; did you mean '${meant}'? Use a TimeZone constant ` +
        "(e.g. TimeZone.EUROPE_BERLIN) or a name of the IANA time zone database, spelled exactly (e.g. TimeZone.of('America/New_York'))");
  });

  test('a name far from any zone gets no suggestion', () => {
    expect(() => checkTimeZone('scheduleTimezone', TimeZone.of('Middle Earth/Shire'), newStack()))
      .toThrow(/'Middle Earth\/Shire' is not an IANA time zone name\. Use a TimeZone constant/);
  });

  test('tokens and absent zones are skipped', () => {
    expect(() => checkTimeZone('z', TimeZone.of(Token.asString({ Ref: 'Zone' })), newStack())).not.toThrow();
    expect(() => checkTimeZone('z', undefined, newStack())).not.toThrow();
  });
});

describe('checkEmail', () => {
  test.each(['oncall@example.com', 'a.b+dr@mail.example.co.uk'])('accepts %s', (email) => {
    expect(() => checkEmail('email', email, newStack())).not.toThrow();
  });

  test.each(['oncall.example.com', 'oncall@example', 'on call@example.com', 'a@b@example.com', ''])('refuses %p', (email) => {
    expect(() => checkEmail('email', email, newStack())).toThrow(
      `S: email '${email}' is not an email address: it needs one '@' and a domain with a dot, and no spaces (e.g. 'oncall@example.com')`);
  });

  test('tokens are skipped', () => {
    expect(() => checkEmail('email', Token.asString({ Ref: 'Email' }), newStack())).not.toThrow();
  });
});

describe('closest', () => {
  test('the one candidate within three edits, case-insensitive', () => {
    expect(closest('us-wset-2', ['us-west-2', 'eu-west-2', 'us-east-1'])).toBe('us-west-2');
    expect(closest('US-WEST-2', ['us-west-2'])).toBe('us-west-2');
    expect(closest('abcd', ['abcdefg'])).toBe('abcdefg');
    expect(closest('abcd', ['abcdefgh'])).toBeUndefined();
  });

  test('no suggestion when two candidates are equally near', () => {
    expect(closest('us-west-3', ['us-west-1', 'us-west-2'])).toBeUndefined();
    expect(closest('us-west-3', ['us-west-1', 'us-west-2', 'us-west-3'])).toBe('us-west-3');
  });
});

/** Each construct that takes a region, a time zone or an email address checks it at synth. */
describe('at the constructs', () => {
  const BERLIM = TimeZone.of('Europe/Berlim');

  test('a plan rule in a misspelled time zone', () => {
    const stack = newStack();
    const vault = new BackupVault(stack, 'Vault');
    const plan = new RecoveryPlan(stack, 'Plan', { backupVault: vault });
    expect(() => plan.addRule('Quarterly', {
      schedule: events.Schedule.cron({ minute: '0', hour: '3' }),
      scheduleTimezone: TimeZone.of('America/NewYork'),
      deleteAfter: Duration.days(35),
    })).toThrow("S/Plan: rule 'Quarterly' scheduleTimezone 'America/NewYork' is not an IANA time zone name; did you mean 'America/New_York'?");
  });

  test('a GFS rule in a misspelled time zone', () => {
    const stack = newStack();
    const vault = new BackupVault(stack, 'Vault');
    expect(() => new RecoveryPlan(stack, 'Plan', { backupVault: vault, gfs: { weekly: { scheduleTimezone: BERLIM } } }))
      .toThrow(/gfs\.weekly \(rule 'Weekly'\) scheduleTimezone 'Europe\/Berlim' is not an IANA time zone name; did you mean 'Europe\/Berlin'\?/);
  });

  test('a job schedule in a misspelled time zone', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'db', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    expect(() => new PgDumpJob(stack, 'Dump', {
      databaseName: 'orders',
      vpc,
      databaseSecret: secretsmanager.Secret.fromSecretCompleteArn(stack, 'Secret',
        'arn:aws:secretsmanager:us-east-1:111111111111:secret:orders-prod-AbCdEf'),
      databaseServer: new ec2.Connections({ securityGroups: [new ec2.SecurityGroup(stack, 'DbSg', { vpc })] }),
      dumpBucket: DumpBucket.fromDumpBucketAttributes(stack, 'Dumps', {
        bucketName: 'acme-dumps-222222222222-us-east-1',
        account: '222222222222',
        encryptionKeyArn: 'arn:aws:kms:us-east-1:222222222222:alias/acme-dumps-222222222222-us-east-1',
      }),
      schedule: scheduler.ScheduleExpression.cron({ minute: '0', hour: '3', timeZone: BERLIM }),
    })).toThrow("S/Dump: schedule time zone 'Europe/Berlim' is not an IANA time zone name; did you mean 'Europe/Berlin'?");
  });

  test('a restore drill in a misspelled time zone', () => {
    const stack = newStack();
    expect(() => new RestoreDrill(stack, 'Drill', {
      schedule: events.Schedule.cron({ minute: '0', hour: '6', weekDay: 'SUN' }),
      scheduleTimezone: BERLIM,
    })).toThrow("S/Drill: scheduleTimezone 'Europe/Berlim' is not an IANA time zone name; did you mean 'Europe/Berlin'?");
  });

  test('the vault and the alarms refuse the same email address with the same rule', () => {
    const stack = newStack();
    const vault = new BackupVault(stack, 'Vault');
    expect(() => vault.addFailureEmail('Oncall', 'oncall.example.com'))
      .toThrow("S/Vault: addFailureEmail('Oncall') emailAddress 'oncall.example.com' is not an email address");
    expect(() => new BackupAlarms(stack, 'Alarms', { email: 'oncall.example.com' }))
      .toThrow("S/Alarms: email 'oncall.example.com' is not an email address");
  });

  test('an RDS backup replication region that does not exist', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'db', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const instance = new rds.DatabaseInstance(stack, 'Db', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      storageEncrypted: true,
    });
    expect(() => new RdsPitrPolicy(stack, 'Pitr', {
      databaseInstance: instance,
      backupReplicationRegion: 'us-wset-2',
      backupReplicationKmsKey: kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:us-west-2:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab'),
    })).toThrow(/backupReplicationRegion 'us-wset-2' is not an AWS region aws-cdk-lib knows; did you mean 'us-west-2'\?/);
  });

  test('a replication destination and a dump bucket in a region that does not exist', () => {
    const stack = newStack();
    const source = new s3.Bucket(stack, 'Source', { versioned: true });
    expect(() => new ReplicationRule(stack, 'Rule', {
      sourceBucket: source,
      destination: ReplicationDestination.fromAttributes({ bucketArn: 'arn:aws:s3:::acme-dr-replica', region: 'us-wset-2' }),
    })).toThrow("S/Rule: destination region 'us-wset-2' is not an AWS region aws-cdk-lib knows; did you mean 'us-west-2'?");
    expect(() => DumpBucket.fromDumpBucketAttributes(stack, 'Dumps', {
      bucketName: 'acme-dumps', account: '222222222222', region: 'eu-wset-1',
      encryptionKeyArn: 'arn:aws:kms:eu-west-1:222222222222:alias/acme-dumps',
    })).toThrow("S/Dumps: region 'eu-wset-1' is not an AWS region aws-cdk-lib knows; did you mean 'eu-west-1'?");
  });
});
