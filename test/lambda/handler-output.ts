// Running a Lambda handler in a unit test: its environment, and what it writes (EMF documents on stdout, JSON log
// lines; the logger writes warnings and errors to stderr).

export interface HandlerOutput {
  /** The EMF documents written so far. */
  emf(): Array<Record<string, unknown>>;
  /** The log lines written so far. */
  logs(): Array<Record<string, unknown>>;
}

/** Captures stdout and stderr until `jest.restoreAllMocks()`. */
export function captureHandlerOutput(): HandlerOutput {
  const output: string[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      output.push(chunk.toString());
      return true;
    });
  }
  const jsonLines = (): Array<Record<string, unknown>> =>
    output.join('').split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    emf: () => jsonLines().filter((line) => '_aws' in line),
    logs: () => jsonLines().filter((line) => !('_aws' in line)),
  };
}

/**
 * For each test of the calling `describe`: `env` on top of the test process's environment (a test may change it
 * further) and the output captured; both are undone after the test.
 */
export function handlerEnvironment(env: { readonly [name: string]: string }): HandlerOutput {
  const saved = { ...process.env };
  let output: HandlerOutput | undefined;
  beforeEach(() => {
    output = captureHandlerOutput();
    process.env = { ...saved, ...env };
  });
  afterEach(() => {
    jest.restoreAllMocks();
    process.env = { ...saved };
  });
  const current = (): HandlerOutput => {
    if (!output) {
      throw new Error('handler output is only captured while a test runs');
    }
    return output;
  };
  return { emf: () => current().emf(), logs: () => current().logs() };
}
