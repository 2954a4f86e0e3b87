/**
 * Shared helpers of the server CLIs: strict `util.parseArgs` with a clear error and the
 * usage text on any unknown or malformed flag (exit code {@link EXIT_USAGE}).
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "../../protocol/cli/UsageError.ts";
import { EXIT_CODES } from "../../protocol/exitCodes.ts";

/** Exit code for a usage or configuration error: `EXIT_CODES.usage` (protocol/exitCodes.ts). */
export const EXIT_USAGE = EXIT_CODES.usage;

/** The project's one usage error (protocol/cli/UsageError.ts), re-exported for the server CLIs and the soak. */
export { UsageError };

/** Runs strict parseArgs; any parse failure becomes a {@link UsageError}. */
export function parseCliArgs<T extends NonNullable<ParseArgsConfig["options"]>>(argv: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** Parses a whole number in [min, max] for flag `--name`, or throws a UsageError naming the flag. */
export function parseIntegerFlag(name: string, text: string, bounds: { min: number; max: number }): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < bounds.min || value > bounds.max) {
    throw new UsageError(`--${name} must be a whole number from ${bounds.min} to ${bounds.max}, got "${text}"`);
  }
  return value;
}
