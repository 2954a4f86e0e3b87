/**
 * Reading `__ENV` in k6 scripts: every knob has a default, and a bad value is a
 * clear error naming the variable and the rule (thrown in the init context, so
 * k6 and the Node runner both stop before the test with exit 107).
 */

/** The environment a script reads (k6's `__ENV`, passed in so the helpers stay testable). */
export type ScriptEnv = Readonly<Record<string, string | undefined>>;

/** `env[name]`, or `options.fallback` when unset or empty. */
export function envString(env: ScriptEnv, name: string, options: { fallback: string }): string {
  const value = env[name];
  return value === undefined || value === "" ? options.fallback : value;
}

/** `env[name]` as a whole number >= `minimum` (default 0), or `fallback` when unset. @throws Error naming the variable */
export function envInteger(env: ScriptEnv, name: string, options: { fallback: number; minimum?: number }): number {
  const text = env[name];
  if (text === undefined || text === "") return options.fallback;
  const value = Number(text);
  const minimum = options.minimum ?? 0;
  if (!Number.isInteger(value) || value < minimum) {
    throw new Error(`__ENV.${name} must be a whole number >= ${minimum}, got "${text}"`);
  }
  return value;
}

/** `env[name]` as a comma-separated list (blank entries dropped), or `options.fallback` when unset. */
export function envList(env: ScriptEnv, name: string, options: { fallback: readonly string[] }): string[] {
  const text = env[name];
  if (text === undefined || text.trim() === "") return [...options.fallback];
  return text
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
}
