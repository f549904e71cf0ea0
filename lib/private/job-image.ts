import * as path from 'path';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Annotations, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { ValidationError } from './validation';

// The one container image of the dump and verify jobs: `lambda/image/Dockerfile`, with the handler bundles that
// `scripts/bundle-handlers.mjs` writes to `lambda/image/dist/<handler>/index.js`. The constructs only name the
// directory: synth copies it into the cloud assembly and needs neither Docker nor esbuild; deploy builds the image.

/**
 * `lambda/image` of the package. This file is `lib/private/` in the sources and `dist/private/` once compiled by
 * jsii: two levels below the package root either way.
 */
export const JOB_IMAGE_DIRECTORY = path.join(__dirname, '..', '..', 'lambda', 'image');

/** Image `cmd` of the pg-dump handler: `dist/pg-dump/index.js` in the image's task root, export `handler`. */
export const PG_DUMP_HANDLER = 'pg-dump/index.handler';

/** Image `cmd` of the verify-dump handler: `dist/verify-dump/index.js` in the image's task root, export `handler`. */
export const VERIFY_DUMP_HANDLER = 'verify-dump/index.handler';

/** Image `cmd` of the RPO watch: `dist/rpo-watch/index.js` in the image's task root, export `handler`. */
export const RPO_WATCH_HANDLER = 'rpo-watch/index.handler';

/** Image `cmd` of the drill validator: `dist/validate-restore/index.js` in the image's task root, export `handler`. */
export const VALIDATE_RESTORE_HANDLER = 'validate-restore/index.handler';

/** Where the Dockerfile puts the RDS CA bundle (all regions); the handlers get it in `*_SSL_ROOT_CERT`. */
export const RDS_CA_BUNDLE_PATH = '/opt/rds-ca/global-bundle.pem';

/** TLS mode of every connection the jobs open: the server certificate must chain to the RDS CA and name the host. */
export const SSL_MODE = 'verify-full';

/**
 * PostgreSQL client majors that Amazon Linux 2023 (the Lambda Node.js 22 base image) packages as
 * `postgresql<major>`. pg_dump and pg_restore read servers and archives of their own and older majors.
 */
export const SUPPORTED_PG_MAJORS = [15, 16, 17];

/** The newest client major Amazon Linux 2023 packages: the default, since a newer client dumps older servers. */
export const DEFAULT_PG_MAJOR = 17;

/** Checks a PostgreSQL client major against what the image can install. */
export function checkPgMajor(pgMajor: number, scope: IConstruct): void {
  if (!SUPPORTED_PG_MAJORS.includes(pgMajor)) {
    throw new ValidationError(
      `pgMajor is ${pgMajor}; the job image installs the PostgreSQL client from Amazon Linux 2023, which packages ` +
        `majors ${SUPPORTED_PG_MAJORS.join(', ')}. pg_dump must be at least the server's major and dumps older ` +
        `servers too, so use the newest (e.g. ${DEFAULT_PG_MAJOR})`,
      scope,
    );
  }
}

/**
 * The PostgreSQL major of a server defined in this app (`rds.DatabaseInstance`, `DatabaseCluster` or
 * `ServerlessCluster` with a PostgreSQL engine of a given version); undefined when not known at synth.
 */
export function serverPgMajor(server: unknown): number | undefined {
  const engine = (server as { engine?: { engineFamily?: string; engineVersion?: { majorVersion?: string } } } | undefined)?.engine;
  const major = engine?.engineFamily === 'POSTGRESQL' ? engine.engineVersion?.majorVersion : undefined;
  if (major === undefined || Token.isUnresolved(major) || !/^\d+$/.test(major)) {
    return undefined;
  }
  return Number(major);
}

/** The secret of a server defined in this app (`rds.DatabaseInstance` / `DatabaseCluster` with generated credentials). */
export function serverSecret(server: unknown): secretsmanager.ISecret | undefined {
  const secret = (server as { secret?: unknown } | undefined)?.secret;
  return typeof secret === 'object' && secret !== null && typeof (secret as secretsmanager.ISecret).secretArn === 'string'
    ? secret as secretsmanager.ISecret
    : undefined;
}

/** The image build argument a client major becomes, for messages: `pgMajor: 16 (build arg PG_MAJOR=16)`. */
export function pgMajorFix(pgMajor: number): string {
  return `pgMajor: ${pgMajor} (the job image's build arg PG_MAJOR=${pgMajor})`;
}

/**
 * pg_dump refuses a server of a newer major than its own. Throws when `pgMajor` is older than the server's major
 * and a supported client would do; warns when the server is newer than every client the image can install.
 */
export function checkClientForServer(pgMajor: number, server: unknown, prop: string, scope: IConstruct): void {
  const serverMajor = serverPgMajor(server);
  if (serverMajor === undefined || serverMajor <= pgMajor) {
    return;
  }
  const newest = Math.max(...SUPPORTED_PG_MAJORS);
  if (serverMajor > newest) {
    Annotations.of(scope).addWarningV2(WARN_SERVER_NEWER_THAN_CLIENTS,
      `${prop} runs PostgreSQL ${serverMajor}, newer than every client the job image can install (Amazon Linux 2023 ` +
        `packages majors ${SUPPORTED_PG_MAJORS.join(', ')}; build arg PG_MAJOR): pg_dump ${pgMajor} refuses a ` +
        `PostgreSQL ${serverMajor} server, so every run fails until a PostgreSQL ${serverMajor} client is packaged. ` +
        `Keep the server at ${newest} or older, or back it up another way until then`);
    return;
  }
  throw new ValidationError(
    `pgMajor is ${pgMajor} but ${prop} runs PostgreSQL ${serverMajor}; pg_dump refuses servers newer than itself: ` +
      `use ${pgMajorFix(serverMajor)} or newer (e.g. ${pgMajorFix(newest)})`,
    scope,
  );
}

/** Warning id: the database runs a PostgreSQL major no client of the image can dump. */
export const WARN_SERVER_NEWER_THAN_CLIENTS = 'cdk-backup-dr:PgDumpJob.serverNewerThanClients';

/**
 * The job image with the given handler as its command. Every job of one client major shares one image asset
 * (same directory, same build argument); only the function's `ImageConfig.Command` differs. The image is built
 * for x86_64, the functions' architecture, whatever the machine that deploys.
 */
export function jobImageCode(handler: string, pgMajor: number): lambda.DockerImageCode {
  return lambda.DockerImageCode.fromImageAsset(JOB_IMAGE_DIRECTORY, {
    cmd: [handler],
    buildArgs: { PG_MAJOR: String(pgMajor) },
    platform: ecrAssets.Platform.LINUX_AMD64,
  });
}
