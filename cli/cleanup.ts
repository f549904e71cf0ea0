// Temporary files of a running command, removed however it ends: by the command itself when it stops (a Ctrl-C or a
// SIGTERM aborts it and its `finally` runs), and synchronously when a second signal forces the process out at once.
import { rmSync } from 'node:fs';

const temporary = new Set<string>();

/** Registers a temporary directory; returns the function that unregisters it. */
export function registerTemporary(dir: string): () => void {
  temporary.add(dir);
  return () => temporary.delete(dir);
}

/** Removes every registered directory now (before a forced exit). */
export function removeTemporarySync(): void {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
  temporary.clear();
}
