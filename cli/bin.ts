// The process entry of `cdk-backup-dr` (bundled to cli/dist/cdk-backup-dr.js): runs the CLI with the real stdio,
// turns the first Ctrl-C into a clean stop (pg_restore and downloads are aborted, temporary files removed) and exits
// with the CLI's code.
import { run } from './main';
import { removeTemporarySync } from './cleanup';
import { EXIT } from './exit-codes';

// A reader that stops early (`| head`) closes the pipe: stop quietly, as other command-line tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

// Ctrl-C, a closed terminal or `kill`: the first stops the command cleanly (pg_restore and the download are aborted,
// a database it created is dropped, its temporary files removed); a second quits at once, still removing the files.
const controller = new AbortController();
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (interrupted) {
      removeTemporarySync();
      process.exit(EXIT.INTERRUPTED);
    }
    interrupted = true;
    process.stderr.write(`\n${signal}: stopping (send it again to quit at once)\n`);
    controller.abort(new Error(`interrupted by ${signal}`));
  });
}

run({
  argv: process.argv.slice(2), env: process.env, stdout: process.stdout, stderr: process.stderr, stdin: process.stdin,
  signal: controller.signal,
}).then((code) => {
  process.exitCode = interrupted && code !== 0 ? EXIT.INTERRUPTED : code;
}, (err: unknown) => {
  process.stderr.write(`error: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exitCode = EXIT.FAILED;
});
