/**
 * Runs a printed repro line (`npm run sim -- …` or `npm run prop -- …`) in a fresh
 * process, exactly as a person pasting it would, so a repro is known to replay, not
 * assumed to. No shell: repro lines hold no quoting.
 */
import { spawn } from "node:child_process";

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
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "--silent", script, ...rest], { env: { ...process.env, CI: "true" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (exitCode) => resolve({ exitCode, stdout, stderr }));
  });
}
