/**
 * Command-line helpers shared by the sim, prop and load CLIs: a typed usage error and
 * the seed range parser.
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
