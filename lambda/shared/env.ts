// Reading handler configuration from environment variables, with errors that name the variable.

export type Env = { readonly [name: string]: string | undefined };

/** The value of a required variable; throws naming it when unset or empty. */
export function requiredEnv(env: Env, name: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    throw new Error(`environment variable ${name} is not set (it is set by the job construct)`);
  }
  return value.trim();
}

/** The value of an optional variable, or undefined when unset or empty. */
export function optionalEnv(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** An integer variable within [min, max], or `defaultValue` when unset. */
export function integerEnv(env: Env, name: string, defaultValue: number, min: number, max: number): number {
  const raw = optionalEnv(env, name);
  if (raw === undefined) {
    return defaultValue;
  }
  if (!/^-?\d+$/.test(raw)) {
    throw new Error(`environment variable ${name} must be an integer between ${min} and ${max}, got '${raw}'`);
  }
  const value = Number(raw);
  if (value < min || value > max) {
    throw new Error(`environment variable ${name} must be between ${min} and ${max}, got ${value}`);
  }
  return value;
}
