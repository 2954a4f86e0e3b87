/**
 * Command-line helpers shared by the sim, prop and load CLIs: a typed usage error,
 * the seed range parser, negative numbers as option values, strict flag parsing and
 * range-checked integer flags.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "../protocol/cli/UsageError.ts";

/** A node:util parseArgs flag table. */
type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig["options"]>;

/** The project's one usage error (protocol/cli/UsageError.ts), re-exported for the sim and prop CLIs. */
export { UsageError };

/** Largest sweep accepted by one command. */
export const SEEDS_PER_SWEEP_MAX = 10_000_000;

/** Parses `A..B` (inclusive) or a comma list `1,5,9` into seeds. */
export function parseSeedRange(text: string): number[] {
  const range = /^(\d+)\.\.(\d+)$/.exec(text);
  if (range !== null) {
    const from = Number(range[1]);
    const to = Number(range[2]);
    if (to < from) throw new UsageError(`--seeds ${text}: the end must not be below the start`);
    if (to - from + 1 > SEEDS_PER_SWEEP_MAX) throw new UsageError(`--seeds ${text}: at most ${SEEDS_PER_SWEEP_MAX} seeds per sweep`);
    return Array.from({ length: to - from + 1 }, (_, index) => from + index);
  }
  if (/^\d+(,\d+)*$/.test(text)) return text.split(",").map(Number);
  throw new UsageError(`--seeds must look like 1..1000 or 3,7,42, got "${text}"`);
}

/**
 * Lets `--seed -5` mean `--seed=-5`. node:util's parseArgs reads `-5` after an option
 * as another option (and refuses it), though fast-check prints negative seeds that
 * users paste back. Every option of `options` that takes a value and is followed by
 * a negative integer gets it joined as `--name=-5`; everything after `--` is left alone.
 */
export function joinNegativeNumberValues(argv: readonly string[], options: { valueOptions: Record<string, { type: "string" | "boolean" }> }): string[] {
  const takesValue = new Set(Object.entries(options.valueOptions).filter(([, option]) => option.type === "string").map(([name]) => `--${name}`));
  const joined: string[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index] as string;
    if (argument === "--") return [...joined, ...argv.slice(index)];
    const next = argv[index + 1];
    if (takesValue.has(argument) && next !== undefined && /^-\d+$/.test(next)) {
      joined.push(`${argument}=${next}`);
      index += 1;
      continue;
    }
    joined.push(argument);
  }
  return joined;
}

/** What {@link parseCliArguments} returns for the flag table `T`: node:util parseArgs' typed values. */
export type CliValues<T extends ParseArgsOptionsConfig> = ReturnType<typeof parseArgs<{ args: string[]; strict: true; allowPositionals: false; options: T }>>["values"];

/**
 * Parses `argv` against the flag table `options` (strict, no positionals, `--seed -5` read as
 * `--seed=-5`); an unknown flag or a missing value is a UsageError carrying parseArgs' message.
 */
export function parseCliArguments<const T extends ParseArgsOptionsConfig>(argv: readonly string[], options: T): CliValues<T> {
  try {
    return parseArgs({ args: joinNegativeNumberValues(argv, { valueOptions: options }), strict: true, allowPositionals: false, options }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/**
 * Reads integer flag `--name` from `text` (undefined when the flag was not given) and checks it lies
 * in `range.min`..`range.max`, inclusive; a minus sign is accepted only when `range.min` is negative.
 * Otherwise a UsageError naming the flag, the range and the value, plus `range.negativeHint` when
 * the value was a negative integer.
 */
export function integerOption(name: string, text: string | undefined, range: { min: number; max: number; negativeHint?: string }): number | undefined {
  if (text === undefined) return undefined;
  const shape = range.min < 0 ? /^-?\d+$/ : /^\d+$/;
  if (!shape.test(text) || Number(text) < range.min || Number(text) > range.max) {
    const hint = range.negativeHint !== undefined && /^-\d+$/.test(text) ? ` ${range.negativeHint}` : "";
    throw new UsageError(`--${name} must be an integer from ${range.min} to ${range.max}, got "${text}"${hint}`);
  }
  return Number(text);
}
