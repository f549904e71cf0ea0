// The process entry of `cdk-backup-dr` (bundled to cli/dist/cdk-backup-dr.js): runs the CLI with the real stdio,
// turns the first Ctrl-C into a clean stop (pg_restore and downloads are aborted, temporary files removed) and exits
// with the CLI's code.
import { run } from './main';
import { EXIT } from './exit-codes';

// A reader that stops early (`| head`) closes the pipe: stop quietly, as other command-line tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

const controller = new AbortController();
let interrupted = false;
process.on('SIGINT', () => {
  if (interrupted) process.exit(EXIT.INTERRUPTED);
  interrupted = true;
  process.stderr.write('\ninterrupted: stopping (Ctrl-C again to quit at once)\n');
  controller.abort(new Error('interrupted'));
});

run({
  argv: process.argv.slice(2), env: process.env, stdout: process.stdout, stderr: process.stderr, stdin: process.stdin,
  signal: controller.signal,
}).then((code) => {
  process.exitCode = interrupted && code !== 0 ? EXIT.INTERRUPTED : code;
}, (err: unknown) => {
  process.stderr.write(`error: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exitCode = EXIT.FAILED;
});
