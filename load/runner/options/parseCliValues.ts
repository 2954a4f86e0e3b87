/**
 * Flag values shared by `k6 run`'s look-alike (load/runner/cli.ts) and `npm run load`
 * (load/cli.ts). Each takes the caller's usage-error constructor, so every CLI keeps its
 * own error type (and exit code) while the rules and messages are written once.
 */

/** Makes the caller's usage error from a message. */
export type UsageErrorFactory = (message: string) => Error;

/** Parses repeated `-e KEY=VALUE` flags into an environment object. */
export function parseEnvPairs(pairs: readonly string[], usageError: UsageErrorFactory): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const separator = pair.indexOf("=");
    if (separator <= 0) throw usageError(`--env expects KEY=VALUE, got "${pair}"`);
    env[pair.slice(0, separator)] = pair.slice(separator + 1);
  }
  return env;
}

/** Parses a flag that must be a whole number of at least 1. */
export function parsePositiveInteger(flag: string, text: string, usageError: UsageErrorFactory): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw usageError(`${flag} expects a positive whole number, got "${text}"`);
  return value;
}

/** Parses a flag that must be a whole number of at least 0. */
export function parseNonNegativeInteger(flag: string, text: string, usageError: UsageErrorFactory): number {
  if (!/^\d+$/.test(text)) throw usageError(`${flag} expects a whole number >= 0, got "${text}"`);
  return Number(text);
}
