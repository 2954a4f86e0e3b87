import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { EXIT_CODES } from "../../load/runner/exitCodes.ts";
import { bundleFixture, scratchDirectory } from "./bundleFixture.ts";

const repositoryRoot = fileURLToPath(new URL("../../", import.meta.url));

/** Runs `tsx load/runner/cli.ts <args>` the way CI would, as `node --import tsx` (what tsx's CLI runs, without its wrapper process). */
function runCli(args: readonly string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", join(repositoryRoot, "load/runner/cli.ts"), ...args],
      { cwd: repositoryRoot, env: { ...process.env, CI: "true" }, timeout: 30_000 },
      (error, stdout, stderr) => resolve({ exitCode: error === null ? 0 : Number(error.code ?? 1), stdout, stderr }),
    );
  });
}

describe("cli", () => {
  test("run: flags override the script, -e reaches __ENV, --summary-export writes k6's JSON", async () => {
    const bundle = await bundleFixture("thresholdGate");
    const exportPath = join(scratchDirectory, "cli-export.json");
    const result = await runCli(["run", "--iterations", "1", "-e", "EXPECTED_HITS=1", "--summary-export", exportPath, bundle]);

    expect(result.exitCode, result.stderr).toBe(EXIT_CODES.ok);
    expect(result.stdout).toContain("gate_hits");
    expect(result.stderr).not.toContain("running ("); // CI=true: no progress line
    const exported = JSON.parse(await readFile(exportPath, "utf8")) as { metrics: Record<string, Record<string, unknown>> };
    expect(exported.metrics["gate_hits"]).toMatchObject({ count: 1, thresholds: { "count==1": false } });
  });

  test("run: a failed threshold exits 99", async () => {
    const bundle = await bundleFixture("thresholdGate");
    const result = await runCli(["run", "--vus", "2", "--iterations", "3", "-e", "EXPECTED_HITS=4", bundle]);

    expect(result.exitCode, result.stderr).toBe(EXIT_CODES.thresholdsFailed);
    expect(result.stderr).toContain("thresholds on metrics 'gate_hits' have been crossed");
  });

  test("an unknown flag is a usage error naming the flag", async () => {
    const result = await runCli(["run", "--linger", "bundle.js"]);

    expect(result.exitCode).toBe(EXIT_CODES.usageError);
    expect(result.stderr).toContain("Unknown option '--linger'");
    expect(result.stderr).toContain("Usage: tsx load/runner/cli.ts run");
  });

  test("invalid script options exit 104 with every problem listed", async () => {
    const bundle = await bundleFixture("badOptions");
    const result = await runCli(["run", bundle]);

    expect(result.exitCode).toBe(EXIT_CODES.invalidConfig);
    expect(result.stderr).toContain('scenarios.unsupported.executor: "ramping-arrival-rate" is not supported by the Node runner');
    expect(result.stderr).toContain("scenarios.tooShort.duration: the duration must be at least 1s");
    expect(result.stderr).toContain("scenarios.typo");
  });
});
