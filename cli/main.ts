// `cdk-backup-dr`: restore what the library backs up, and write the runbooks of an app.
//
// Argument parsing is commander (no dependencies, subcommands with generated help, maintained since 2011, used by
// most Node CLIs); progress display is cli-progress (bars with custom payloads such as bytes and rate, terminal-aware,
// no dependencies beyond string-width). Both are bundled into the CLI with esbuild, so installing the library adds
// neither to an app's dependencies.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { DocDBClient } from '@aws-sdk/client-docdb';
import { RDSClient } from '@aws-sdk/client-rds';
import { BackupClient } from '@aws-sdk/client-backup';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { JOB_CLIENT_CONFIG } from '../lambda/shared/aws-clients';
import { normalizePrefix } from '../lambda/shared/keys';
import { AssemblyStack, readAssembly } from './app/assembly';
import { readModel } from './app/model';
import { runbookHtml } from './runbook/html';
import { postureHtml } from './report/html';
import { readReportInputs } from './report/inputs';
import { postureMarkdown } from './report/markdown';
import { readPosture } from './report/posture';
import { runbookJson, runbookMarkdown } from './runbook/runbook';
import { CliError, EXIT, EXIT_CODE_HELP } from './exit-codes';
import { Output } from './output';
import { describeDumpRestore, restoreDump } from './restore/dump';
import { describePitr, restorePitr } from './restore/pitr';
import { describeRecoveryPoint, restoreRecoveryPoint } from './restore/recovery-point';
import { productionDatabases } from './restore/production';
import { parseDuration, parseInteger, parseTime } from './values';

/** What the process needs from its surroundings; tests run `run` with their own. */
export interface Io {
  readonly argv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stdin: NodeJS.ReadableStream;
  readonly signal?: AbortSignal;
}

interface GlobalOptions {
  readonly json?: boolean;
  readonly progress?: boolean;
  readonly region?: string;
  readonly profile?: string;
}

function outputOf(io: Io, g: GlobalOptions): Output {
  return new Output({
    json: g.json === true,
    live: g.progress !== false && io.stderr.isTTY === true,
    stdout: io.stdout,
    stderr: io.stderr,
    lineIntervalSeconds: io.env.CDK_BACKUP_DR_PROGRESS_SECONDS ? Number(io.env.CDK_BACKUP_DR_PROGRESS_SECONDS) : undefined,
  });
}

/** Reads one line from stdin (a person at a terminal, or a pipe); '' at end of input or when the command is interrupted. */
function asker(io: Io): (question: string) => Promise<string> {
  return (question) => new Promise((resolve) => {
    const rl = readline.createInterface({ input: io.stdin, output: io.stderr, terminal: false });
    let answered = false;
    const finish = (line: string) => {
      if (answered) return;
      answered = true;
      io.signal?.removeEventListener('abort', onAbort);
      rl.close();
      resolve(line);
    };
    const onAbort = () => finish('');
    io.signal?.addEventListener('abort', onAbort);
    io.stderr.write(question);
    rl.once('line', finish);
    rl.once('close', () => finish(''));
  });
}

function awsClientConfig(g: GlobalOptions, env: NodeJS.ProcessEnv) {
  if (g.profile) env.AWS_PROFILE = g.profile;
  return { ...JOB_CLIENT_CONFIG, ...(g.region ? { region: g.region } : {}) };
}

export function buildProgram(io: Io): Command {
  const program = new Command('cdk-backup-dr')
    .description('Restore what cdk-backup-dr backs up, and write the runbooks of an app.')
    .option('--json', 'print the result as one JSON document on stdout')
    .option('--no-progress', 'plain progress lines even on a terminal')
    .option('--region <region>', 'AWS region of the bucket or database (default: AWS_REGION, then the profile)')
    .option('--profile <name>', 'AWS profile (default: AWS_PROFILE)')
    .addHelpText('after', `\n${EXIT_CODE_HELP}`)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .exitOverride();

  const restore = program.command('restore').description('restore a dump, a point in time, or an AWS Backup recovery point')
    .addHelpText('after', `\n${EXIT_CODE_HELP}`).exitOverride();

  restore.command('dump')
    .description('restore a pg_dump of the dump bucket into a PostgreSQL database, checked against its manifest before and after')
    .requiredOption('--bucket <name>', 'the dump bucket')
    .requiredOption('--database <name>', "the dump job's database name (the key segment <prefix><database>/)")
    .option('--prefix <prefix>', "the dump job's key prefix", '')
    .option('--bucket-owner <account>', 'account that must own the bucket (ExpectedBucketOwner)')
    .option('--endpoint-url <url>', 'S3 endpoint (an interface endpoint or an S3-compatible store; path-style)')
    .addOption(new Option('--key <key>', 'restore exactly this dump').conflicts('before'))
    .option('--before <time>', 'restore the newest dump taken at or before this time (ISO 8601 with a zone, e.g. 2026-03-01T09:00Z)', parseTime('--before'))
    .addOption(new Option('--target-secret <arn>', 'secret of the target database (RDS rotation format)').conflicts('targetUrl'))
    .option('--target-url <url>', 'target as postgresql://user@host:port/database (password from PGPASSWORD)')
    .option('--target-database <name>', "database to restore into (default: the secret's or URL's)")
    .option('--create', 'create the target database when it does not exist')
    .option('--replace', 'the target may hold data: drop and recreate the objects of the dump (pg_restore --clean --if-exists)')
    .option('--table <schema.table>', 'restore only this table, into an empty database (no indexes or constraints)')
    .option('--jobs <n>', 'parallel pg_restore jobs (-j)', parseInteger('--jobs', 1, 64), 4)
    .option('--no-owner', 'do not restore owners and privileges (roles of the source need not exist on the target)')
    .option('--allow-production', 'allow a production database of the app as target; the database name must then be typed')
    .option('--app <dir>', 'the synthesized app (cloud assembly) whose production databases are refused (default: ./cdk.out)')
    .option('--no-app', 'no app to read production databases from: only --production targets are refused')
    .option('--unverified-production', 'restore even when production names of the app known only after deploy cannot be read back')
    .option('--production <host:port/db>', 'another database to refuse as a target (repeatable)', collect)
    .option('--ssl-mode <mode>', 'disable | require | verify-ca | verify-full (default verify-full)')
    .option('--ssl-root-cert <file>', 'CA bundle for verify-full (for RDS: the global bundle from truststore.pki.rds.amazonaws.com)')
    .option('--row-tolerance <percent>', 'allowed difference of exact row counts', parseInteger('--row-tolerance', 0, 100), 0)
    .option('--work-dir <dir>', 'directory of the temporary download (default: the system temp directory)')
    .option('--dry-run', 'check the dump, its manifest and the target, print what would be done, change nothing')
    .addHelpText('after', examplesHelp([
      'cdk-backup-dr restore dump --bucket acme-dumps --database app \\',
      '  --target-url postgresql://admin@restore.example.internal/app_restored --create --ssl-root-cert global-bundle.pem',
      'cdk-backup-dr restore dump --bucket acme-dumps --database app --before 2026-03-01T09:00Z --table public.orders \\',
      '  --target-secret arn:aws:secretsmanager:eu-west-1:111111111111:secret:scratch --target-database orders_0301 --create',
    ]))
    .exitOverride()
    .action(async (o, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const output = outputOf(io, g);
      const config = awsClientConfig(g, io.env);
      const stacks = appStacks(o.app as string | boolean | undefined, output);
      const endpoint = o.endpointUrl as string | undefined;
      const result = await restoreDump({
        s3: new S3Client({ ...config, ...(endpoint ? { endpoint, forcePathStyle: true } : {}) }),
        secrets: () => new SecretsManagerClient(config),
        output,
        ask: asker(io),
        signal: io.signal,
        resolveClients: {
          cloudFormation: (region) => new CloudFormationClient({ ...config, ...(region ? { region } : {}) }),
          rds: (region) => new RDSClient({ ...config, ...(region ? { region } : {}) }),
          stackRegions: new Map(stacks.map((s) => [s.stackName, s.region])),
        },
      }, {
        bucket: o.bucket, prefix: normalizePrefix(o.prefix), database: o.database, expectedBucketOwner: o.bucketOwner,
        key: o.key, before: o.before, targetSecret: o.targetSecret, targetUrl: o.targetUrl, targetDatabase: o.targetDatabase,
        sslMode: o.sslMode, sslRootCert: o.sslRootCert, table: o.table, jobs: o.jobs, replace: o.replace === true,
        create: o.create === true, keepOwnership: o.owner !== false, allowProduction: o.allowProduction === true,
        production: productionDatabases(stacks, o.production ?? []), unverifiedProduction: o.unverifiedProduction === true, rowTolerancePercent: o.rowTolerance, workDir: o.workDir,
        dryRun: o.dryRun === true,
      });
      output.result(result, describeDumpRestore(result));
    });
  waitingOptions(restore.command('pitr'), 'check the source, the window and the target name, print the request, change nothing')
    .description('restore an RDS instance, Aurora cluster or DocumentDB cluster to a point in time, as a new database')
    .requiredOption('--source <id|arn>', 'the instance or cluster to restore from (identifier, or ARN: its region is used)')
    .requiredOption('--target <id>', 'identifier of the new instance or cluster (must not exist)')
    .addOption(new Option('--time <time>', 'the point in time (ISO 8601 with a zone), inside the restorable window').argParser(parseTime('--time')).conflicts('latest'))
    .option('--latest', 'the latest restorable time (about 5 minutes ago)')
    .option('--replicated-backups', "restore from the source instance's automated backups replicated to --region (cross-Region replication)")
    .option('--subnet-group <name>', "DB subnet group (default: the source's)")
    .option('--security-group <id>', "VPC security group, repeatable (default: the source's)", collect, undefined)
    .option('--parameter-group <name>', "DB parameter group (default: the source's, or its writer's for Aurora)")
    .option('--cluster-parameter-group <name>', "DB cluster parameter group (default: the source's)")
    .option('--kms-key <arn>', "KMS key of a restored cluster (default: the source's; an instance always keeps the source's key)")
    .option('--instance-class <class>', "instance class (default: the source's, or its writer's)")
    .option('--tag <key=value>', 'a tag to add or replace, repeatable', parseTag)
    .option('--no-copy-tags', "do not copy the source's tags")
    .addHelpText('after', examplesHelp([
      'cdk-backup-dr restore pitr --source arn:aws:rds:eu-west-1:111111111111:db:app --target app-restored --time 2026-03-01T09:00Z',
      'cdk-backup-dr restore pitr --source orders-cluster --target orders-0301 --latest --region eu-west-1 --dry-run',
    ]))
    .exitOverride()
    .action(async (o, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      if (o.time === undefined && o.latest !== true) {
        throw new CliError(EXIT.USAGE, 'name the point in time: --time 2026-03-01T09:00Z, or --latest');
      }
      const output = outputOf(io, g);
      // The source ARN's region, unless the restore reads backups replicated to another region (--region names it).
      const arnRegion = o.replicatedBackups ? undefined : /^arn:aws[a-z-]*:rds:([a-z0-9-]+):/.exec(o.source)?.[1];
      const config = awsClientConfig({ ...g, region: g.region ?? arnRegion ?? io.env.AWS_REGION }, io.env);
      const rds = new RDSClient(config);
      const region = await resolveRegion(rds);
      const result = await restorePitr({ rds, docdb: new DocDBClient(config), output, region, waiting: { signal: io.signal } }, {
        source: o.source, target: o.target, time: o.time, latest: o.latest === true, subnetGroup: o.subnetGroup,
        securityGroups: o.securityGroup, parameterGroup: o.parameterGroup, clusterParameterGroup: o.clusterParameterGroup,
        kmsKey: o.kmsKey, instanceClass: o.instanceClass, tags: o.tag ?? {}, copyTags: o.copyTags !== false, wait: o.wait !== false,
        timeoutSeconds: o.timeout, pollSeconds: o.pollSeconds, dryRun: o.dryRun === true, replicatedBackups: o.replicatedBackups === true,
      });
      output.result(result, describePitr(result));
    });

  waitingOptions(restore.command('recovery-point'), 'read the recovery point and its metadata, print the restore that would start, change nothing')
    .description('restore an AWS Backup recovery point (the local vault, a copy in the backup account or the DR region) as a new resource')
    .requiredOption('--vault <name>', 'the backup vault holding the recovery point')
    .option('--vault-account <id>', 'account of a vault shared with this one (a logically air-gapped vault)')
    .addOption(new Option('--recovery-point <arn>', 'the recovery point').conflicts(['resource', 'before']))
    .option('--resource <arn>', 'restore the newest completed recovery point of this resource (the ARN of the backed-up database)')
    .option('--before <time>', 'with --resource: created at or before this time (ISO 8601 with a zone)', parseTime('--before'))
    .option('--target <id>', 'identifier of the restored database (RDS, Aurora, DocumentDB, Neptune); must not exist')
    .requiredOption('--iam-role <arn>', 'role AWS Backup restores with (it needs the restore permissions of the resource type)')
    .option('--set <key=value>', 'a restore metadata value to set, repeatable (keys are not case-sensitive)', parseMetadata)
    .option('--subnet-group <name>', 'DB subnet group of the restored database (metadata DBSubnetGroupName)')
    .option('--security-group <id>', 'VPC security group, repeatable (metadata VpcSecurityGroupIds)', collect, undefined)
    .option('--instance-class <class>', "class of the instance added to a restored cluster (default: the source writer's, when reachable)")
    .option('--no-copy-tags', 'do not copy the tags of the backup to the restored resource')
    .addHelpText('after', examplesHelp([
      'cdk-backup-dr restore recovery-point --vault app-central --resource arn:aws:rds:eu-west-1:111111111111:db:app \\',
      '  --target app-restored --iam-role arn:aws:iam::222222222222:role/restore --region eu-west-1',
    ]))
    .exitOverride()
    .action(async (o, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const output = outputOf(io, g);
      const arnRegion = /^arn:aws[a-z-]*:[a-z0-9-]+:([a-z0-9-]+):/.exec(o.recoveryPoint ?? '')?.[1];
      const config = awsClientConfig({ ...g, region: g.region ?? arnRegion ?? io.env.AWS_REGION }, io.env);
      const backup = new BackupClient(config);
      const region = await resolveRegion(backup);
      const result = await restoreRecoveryPoint({
        backup, rds: new RDSClient(config), docdb: new DocDBClient(config), output, region, waiting: { signal: io.signal },
      }, {
        vault: o.vault, vaultAccount: o.vaultAccount, recoveryPoint: o.recoveryPoint, resource: o.resource, before: o.before,
        target: o.target, iamRole: o.iamRole, set: o.set ?? {}, subnetGroup: o.subnetGroup, securityGroups: o.securityGroup,
        instanceClass: o.instanceClass, copyTags: o.copyTags !== false, wait: o.wait !== false, timeoutSeconds: o.timeout,
        pollSeconds: o.pollSeconds, dryRun: o.dryRun === true,
      });
      output.result(result, describeRecoveryPoint(result));
    });

  program.command('runbook')
    .description('write the runbook of a synthesized app: per data store and scenario, the steps and the restore commands')
    .argument('[cdk.out]', 'the cloud assembly directory (npx cdk synth writes it)', 'cdk.out')
    .addOption(new Option('--format <format>', 'md or html').choices(['md', 'html']).default('md'))
    .option('--out <file>', 'write to this file instead of stdout')
    .option('--title <title>', 'heading of the runbook (default: the stack names)')
    .option('--measured <name=duration>', "a data store's measured restore time (the last drill's), e.g. app=1h12m; repeatable",
      parseMeasured)
    .addHelpText('after', examplesHelp([
      'npx cdk synth && cdk-backup-dr runbook > RUNBOOK.md',
      'cdk-backup-dr runbook cdk.out --format html --out runbook.html --measured app=1h12m',
    ]))
    .exitOverride()
    .action((dir: string, o, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const output = outputOf(io, g);
      const model = readModel(readAssembly(dir));
      if (model.stores.length === 0) {
        output.warn(`found no data store in ${dir}: no backup plan selects an RDS, Aurora or DocumentDB database, and no dump job runs`);
      }
      const measured: Record<string, number> = o.measured ?? {};
      const unknown = Object.keys(measured).filter((name) => !model.stores.some((s) => s.name === name));
      if (unknown.length > 0) {
        throw new CliError(EXIT.USAGE, `--measured names ${unknown.join(', ')}, not a data store of the app (${model.stores.map((s) => s.name).join(', ') || 'none'})`);
      }
      const title = o.title ?? defaultTitle(model.stacks.filter((s) => !s.nestedIn).map((s) => s.stackName));
      const markdown = runbookMarkdown(model, { title, measured });
      const text = g.json ? `${JSON.stringify(runbookJson(model, title, measured), null, 2)}\n` : o.format === 'html' ? runbookHtml(markdown, title) : markdown;
      if (o.out) {
        writeFileSync(o.out, text);
        output.info(`wrote ${o.out} (${model.stores.length} data store(s))`);
      } else {
        io.stdout.write(text);
      }
    });

  program.command('report')
    .description('write the recovery-posture report of a synthesized app, for an auditor: per data store its protection, RPO, RTO, '
      + 'retention and copies; vaults, buckets and keys; copy flows; every gap')
    .argument('[input...]', 'a cloud assembly directory (npx cdk synth writes cdk.out), or CloudFormation template files', ['cdk.out'])
    .option('--format <formats>', 'md, json or html; several separated by commas with --out', 'md')
    .option('--out <dir>', 'write recovery-posture.<format> into this directory instead of stdout')
    .option('--title <title>', 'heading of the report (default: the stack names)')
    .option('--strict', 'exit 1 when a finding is open (not acknowledged) or a data store has a gap')
    .addHelpText('after', examplesHelp([
      'npx cdk synth && cdk-backup-dr report > POSTURE.md',
      'cdk-backup-dr report cdk.out --format md,json,html --out audit/',
      'cdk-backup-dr report other-app/*.template.json --format html --out audit/',
    ]))
    .exitOverride()
    .action((inputs: string[], o, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const output = outputOf(io, g);
      const formats = g.json ? ['json'] : String(o.format).split(',').map((f) => f.trim()).filter(Boolean);
      const unknown = formats.filter((f) => !['md', 'json', 'html'].includes(f));
      if (unknown.length > 0 || formats.length === 0) {
        throw new CliError(EXIT.USAGE, `--format takes md, json or html (several separated by commas), got '${o.format}'`);
      }
      if (!o.out && formats.length > 1) {
        throw new CliError(EXIT.USAGE, `--format ${formats.join(',')} writes ${formats.length} files: give --out DIR, or one format for stdout`);
      }
      const stacks = readReportInputs(inputs);
      const posture = readPosture(stacks, o.title ?? defaultTitle(stacks.filter((s) => !s.nestedIn).map((s) => s.stackName)));
      const render = (format: string) => (format === 'json' ? `${JSON.stringify(posture, null, 2)}\n` : format === 'html' ? postureHtml(posture) : postureMarkdown(posture));
      if (o.out) {
        try {
          mkdirSync(o.out, { recursive: true });
        } catch (err) {
          throw new CliError(EXIT.USAGE, `--out ${o.out} cannot be a directory: ${(err as Error).message}; give a directory for the report files`);
        }
        for (const format of formats) {
          const file = path.join(o.out, `recovery-posture.${format}`);
          writeFileSync(file, render(format));
          output.info(`wrote ${file}`);
        }
      } else {
        io.stdout.write(render(formats[0]));
      }
      const s = posture.summary;
      output.info(`${s.dataStores} data store(s): ${s.protected} protected, ${s.exempt} exempt, ${s.withGaps} with gaps; ${s.findings} open finding(s), ${s.acknowledged} acknowledged`);
      if (o.strict && (s.findings > 0 || s.withGaps > 0)) {
        throw new CliError(EXIT.FAILED, `--strict: ${s.findings} open finding(s) and ${s.withGaps} data store(s) with gaps`);
      }
    });

  return program;
}

/**
 * The stacks whose production databases `restore dump` refuses: --app DIR, else ./cdk.out; --no-app for none. Without
 * either and without ./cdk.out it stops (exit 2), so the guard is never off without being asked.
 */
function appStacks(app: string | boolean | undefined, output: Output): AssemblyStack[] {
  if (app === false) return [];
  const dir = typeof app === 'string' ? app : existsSync('cdk.out') ? 'cdk.out' : undefined;
  if (dir !== undefined) {
    const stacks = readAssembly(dir);
    if (stacks.length === 0) output.warn(`the cloud assembly ${dir} has no stack: no production database of an app is refused, only --production`);
    return stacks;
  }
  throw new CliError(EXIT.USAGE, 'no cloud assembly at ./cdk.out to learn the production databases from: name the synthesized app with '
    + '--app DIR (npx cdk synth writes it), or pass --no-app when the target is certainly not one of its databases (only --production is refused then)');
}

/** The options of the commands that wait for an AWS restore. */
function waitingOptions(command: Command, dryRun: string): Command {
  return command
    .option('--no-wait', 'start the restore and return')
    .option('--timeout <duration>', 'how long to wait, e.g. 90m or 3h', parseDuration('--timeout', 60, 48 * 3600), 3 * 3600)
    .option('--poll-seconds <n>', 'seconds between status checks', parseInteger('--poll-seconds', 1, 600), 30)
    .option('--dry-run', dryRun);
}

/** The help text after a command's options: its examples, then the exit codes. */
function examplesHelp(examples: readonly string[]): string {
  return ['', 'Examples:', ...examples.map((line) => `  ${line}`), '', EXIT_CODE_HELP].join('\n');
}

/** `name=duration` into seconds by name. */
function parseMeasured(value: string, previous: Record<string, number> | undefined): Record<string, number> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`--measured must be name=duration such as app=1h12m, got '${value}'`);
  return { ...previous, [value.slice(0, eq)]: parseDuration('--measured', 1, 7 * 86400)(value.slice(eq + 1)) };
}

/** `Deeldesk` for stacks Deeldesk-Production and Deeldesk-DR; the names joined otherwise. */
function defaultTitle(stackNames: readonly string[]): string {
  const prefixes = new Set(stackNames.map((n) => n.split('-')[0]));
  return prefixes.size === 1 ? [...prefixes][0] : stackNames.join(', ');
}

/** `key=value` restore metadata. */
function parseMetadata(value: string, previous: Record<string, string> | undefined): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`--set must be key=value, got '${value}'`);
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** `key=value` into a record; the key may not start with `aws:` (reserved by AWS). */
function parseTag(value: string, previous: Record<string, string> | undefined): Record<string, string> {
  const eq = value.indexOf('=');
  const key = eq > 0 ? value.slice(0, eq) : '';
  if (key === '' || key.startsWith('aws:') || key.startsWith('cdk-backup-dr:')) {
    throw new InvalidArgumentError(`--tag must be key=value with a key not starting with 'aws:' or 'cdk-backup-dr:' (reserved), got '${value}'`);
  }
  return { ...previous, [key]: value.slice(eq + 1) };
}

/** The region a client will call (from --region, AWS_REGION, the ARN or the profile); exit 2 when there is none. */
async function resolveRegion(client: { config: { region: () => Promise<string> } }): Promise<string> {
  try {
    return await client.config.region();
  } catch {
    throw new CliError(EXIT.USAGE, 'no AWS region: pass --region, set AWS_REGION, or give the source as an ARN');
  }
}

/** Runs the CLI; resolves to the exit code (the process exits with it). */
export async function run(io: Io): Promise<number> {
  const program = buildProgram(io);
  const json = io.argv.includes('--json');
  try {
    await program.parseAsync([...io.argv], { from: 'user' });
    return EXIT.OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are not errors; everything else commander reports is a usage error (already printed).
      return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    // A failure caused by an interruption (a stopped pg_restore, an aborted request) is reported as the interruption.
    const error = err instanceof CliError && !(io.signal?.aborted && err.code === EXIT.FAILED) ? err
      : io.signal?.aborted ? new CliError(EXIT.INTERRUPTED, `interrupted: ${(err as Error)?.message ?? String(err)}`, { cause: err })
        : new CliError(EXIT.FAILED, (err as Error)?.message ?? String(err), { cause: err });
    io.stderr.write(`error: ${error.message}\n`);
    if (json) io.stdout.write(`${JSON.stringify({ status: 'failed', exitCode: error.code, error: error.message }, null, 2)}\n`);
    return error.code;
  }
}
