import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleK6Script } from "../../load/build.ts";

/** A temporary directory for this test file's bundles and summary files. */
export const scratchDirectory = mkdtempSync(join(tmpdir(), "k6-node-runner-test-"));

/** Bundles `test/load/fixtures/<name>.ts` with the project's k6 esbuild settings; resolves with the bundle path. */
export async function bundleFixture(name: string): Promise<string> {
  const outfile = join(scratchDirectory, `${name}.js`);
  await bundleK6Script(fileURLToPath(new URL(`./fixtures/${name}.ts`, import.meta.url)), outfile);
  return outfile;
}

/** Captures what a run writes to stdout and stderr. */
export function captureIo(): { stdout: (text: string) => void; stderr: (text: string) => void; out: () => string; err: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    stdout: (text) => void out.push(text),
    stderr: (text) => void err.push(text),
    out: () => out.join(""),
    err: () => err.join(""),
  };
}
