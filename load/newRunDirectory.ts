/**
 * A new result folder per run: `<root>/<name>-<date>T<time>Z` (UTC, to the second), or
 * `<root>/<date>T<time>Z` without a name; `-2`, `-3`… is appended while the folder exists.
 * The folder is created here, atomically (mkdir fails on an existing one), so two runs started
 * in the same second, even at once in two processes, never share one. Used by `npm run load`,
 * `npm run record` and sim sweeps (`npm run sim -- --count N`).
 */
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";

/** Options of {@link newRunDirectory}. */
export interface NewRunDirectoryOptions {
  /** What ran (a k6 script's name); omitted, the folder is named by its time alone. */
  name?: string;
  /** `root` is resolved against this directory. */
  cwd: string;
  /** The run's start, ms since the Unix epoch (read at the CLI edge). */
  nowMs: number;
}

/** Most `-N` suffixes tried before giving up (runs started in one second). */
const SUFFIXES_MAX = 10_000;

/** Creates the run's folder (and `root`) and returns its absolute path. */
export function newRunDirectory(root: string, options: NewRunDirectoryOptions): string {
  const stamp = new Date(options.nowMs).toISOString().replace(/[:]/g, "").replace(/\.\d+Z$/, "Z");
  const base = options.name === undefined ? stamp : `${options.name}-${stamp}`;
  mkdirSync(resolve(options.cwd, root), { recursive: true });
  for (let suffix = 1; suffix <= SUFFIXES_MAX; suffix += 1) {
    const directory = resolve(options.cwd, root, suffix === 1 ? base : `${base}-${suffix}`);
    try {
      mkdirSync(directory);
      return directory;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  throw new Error(`newRunDirectory: ${SUFFIXES_MAX} folders named ${base} already exist in ${resolve(options.cwd, root)}`);
}
