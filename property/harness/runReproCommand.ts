/**
 * Runs a printed repro line (`npm run sim -- …` or `npm run prop -- …`) in a fresh
 * process, exactly as a person pasting it would, so a repro is known to replay, not
 * assumed to. No shell: repro lines hold no quoting. One addition a person would not
 * type: a `sim` or `prop` line gets `--out <a fresh temporary folder>` (removed
 * afterwards), so a verification never writes to `results/` or overwrites a run there.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** What the command did. */
export interface ReproRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `command` (it must start with `npm run`); CI=true keeps progress output quiet. */
export function runReproCommand(command: string): Promise<ReproRun> {
  const [program, run, script, ...rest] = command.split(" ");
  if (program !== "npm" || run !== "run" || script === undefined) return Promise.reject(new Error(`not an npm run command: ${command}`));
  const outDirectory = script === "sim" || script === "prop" ? mkdtempSync(join(tmpdir(), `repro-${script}-`)) : undefined;
  const cleanUp = () => {
    if (outDirectory !== undefined) rmSync(outDirectory, { recursive: true, force: true });
  };
  return new Promise<ReproRun>((resolve, reject) => {
    const child = spawn("npm", ["run", "--silent", script, ...rest, ...(outDirectory === undefined ? [] : ["--out", outDirectory])], { env: { ...process.env, CI: "true" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (exitCode) => resolve({ exitCode, stdout, stderr }));
  }).finally(cleanUp);
}
