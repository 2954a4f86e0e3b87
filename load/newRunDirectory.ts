/**
 * A new result folder per run: `<root>/<name>-<date>T<time>Z` (UTC, to the second), or
 * `<root>/<date>T<time>Z` without a name; `-2`, `-3`… is appended while the folder exists,
 * so two runs in the same second never share one. Used by `npm run load`, `npm run record` and
 * sim sweeps (`npm run sim -- --count N`).
 */
import { existsSync } from "node:fs";
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

/** The absolute path of a folder that does not exist yet (not created here). */
export function newRunDirectory(root: string, options: NewRunDirectoryOptions): string {
  const stamp = new Date(options.nowMs).toISOString().replace(/[:]/g, "").replace(/\.\d+Z$/, "Z");
  const base = options.name === undefined ? stamp : `${options.name}-${stamp}`;
  let directory = resolve(options.cwd, root, base);
  for (let suffix = 2; existsSync(directory); suffix += 1) directory = resolve(options.cwd, root, `${base}-${suffix}`);
  return directory;
}
