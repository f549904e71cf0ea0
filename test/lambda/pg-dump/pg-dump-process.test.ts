import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PG_DUMP_OUTPUT_BUFFER, pgDumpCommand, STDBUF_PATH, stdbufWorks } from '../../../lambda/pg-dump/pg-dump-process';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'cdkbdr-stdbuf-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function script(name: string, body: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

describe('pgDumpCommand', () => {
  test('runs pg_dump under stdbuf with a 64 KiB output buffer where stdbuf works (coreutils, as on Debian)', () => {
    expect(stdbufWorks()).toBe(true);
    expect(pgDumpCommand('/usr/bin/pg_dump', ['--format=custom', '--no-password'])).toEqual({
      command: STDBUF_PATH,
      args: ['--output=64K', '/usr/bin/pg_dump', '--format=custom', '--no-password'],
    });
    expect(PG_DUMP_OUTPUT_BUFFER).toBe('64K');
  });

  test('runs pg_dump itself where there is no stdbuf', () => {
    expect(pgDumpCommand('/usr/bin/pg_dump', ['--format=custom'], path.join(dir, 'missing-stdbuf'))).toEqual({
      command: '/usr/bin/pg_dump',
      args: ['--format=custom'],
    });
  });

  test('runs pg_dump itself where stdbuf fails (e.g. libstdbuf.so missing), checking again at the next run', () => {
    const marker = path.join(dir, 'runs');
    const broken = script('broken-stdbuf', `echo run >> "${marker}"\necho "stdbuf: failed to find 'libstdbuf.so'" >&2\nexit 125`);
    expect(pgDumpCommand('/usr/bin/pg_dump', ['-Fc'], broken)).toEqual({ command: '/usr/bin/pg_dump', args: ['-Fc'] });
    expect(pgDumpCommand('/usr/bin/pg_dump', ['-Fc'], broken)).toEqual({ command: '/usr/bin/pg_dump', args: ['-Fc'] });
    expect(readFileSync(marker, 'utf8')).toBe('run\nrun\n');
  });

  test('remembers a stdbuf that worked: checked once per process', () => {
    const marker = path.join(dir, 'works');
    const working = script('working-stdbuf', `echo run >> "${marker}"\nshift\nexec "$@"`);
    expect(pgDumpCommand('/usr/bin/pg_dump', ['-Fc'], working)).toEqual({ command: working, args: ['--output=64K', '/usr/bin/pg_dump', '-Fc'] });
    expect(pgDumpCommand('/usr/bin/pg_dump', ['-Fc'], working)).toEqual({ command: working, args: ['--output=64K', '/usr/bin/pg_dump', '-Fc'] });
    expect(readFileSync(marker, 'utf8')).toBe('run\n');
  });
});
