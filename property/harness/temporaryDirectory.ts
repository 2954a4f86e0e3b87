/**
 * A folder under the OS temporary directory for what a test run writes (counterexample
 * files, bug zoo tables, repro runs), so the test suite never writes to `results/`: that
 * folder holds only the runs a person asked for, and `npm run report` judges only those.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const created = new Map<string, string>();

/** One fresh folder per `prefix` and process, created on first use (`/tmp/<prefix>-XXXXXX`). */
export function temporaryDirectory(prefix: string): string {
  const existing = created.get(prefix);
  if (existing !== undefined) return existing;
  const directory = mkdtempSync(join(tmpdir(), `${prefix}-`));
  created.set(prefix, directory);
  return directory;
}
