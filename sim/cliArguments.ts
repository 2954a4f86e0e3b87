/**
 * Command-line helpers shared by the sim, prop and load CLIs: a typed usage error,
 * the seed range parser, and negative numbers as option values.
 */

/** A wrong flag or value: the CLI prints the message and exits with code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

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
