/**
 * `npm run report`: clear errors with exit 2 for bad usage, a page otherwise. The CLI's `main`
 * runs in this process (its logic); the default directory, which depends on the working
 * directory, runs as a user runs it, in its own process (exit status, stderr).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../report/cli.ts";
import { runCliInProcess } from "../cliKit/runCliInProcess.ts";

const work = mkdtempSync(join(tmpdir(), "report-cli-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The loader `npm run report` (tsx) runs the CLI with, without npx's own start-up on every case. */
const TSX_LOADER = join(process.cwd(), "node_modules/tsx/dist/loader.mjs");

/** `npm run report -- <args>` in this process. */
function report(...args: string[]) {
  return runCliInProcess(main, args);
}

describe("report CLI", () => {
  it.each([
    [["--bogus", "results"], "Unknown option '--bogus'"],
    [["a", "b"], "give one results directory (or --compare A B), got 2"],
    [["--compare", "only-one"], "--compare takes exactly two result directories, got 1"],
    [[join(work, "missing")], `no such directory: ${join(work, "missing")}`],
    [["package.json"], "not a directory: package.json"],
    [[work], `no results in ${work}`],
  ])("exits 2 with a clear message for %j", async (args, message) => {
    const result = await report(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`report: ${message}`);
    expect(result.stderr).toContain("Run with --help for usage.");
  });

  it("reads ./results when given no directory (so `npm run sim -- --seed 1 && npm run report` just works)", () => {
    const repo = process.cwd();
    const result = spawnSync(process.execPath, ["--import", TSX_LOADER, join(repo, "report/cli.ts")], { cwd: work, encoding: "utf8", timeout: 60_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe("report: no such directory: results\nRun with --help for usage.\n");
    expect(result.stdout).toBe("");
  });

  it("prints usage with --help", async () => {
    const result = await report("--help");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("--compare");
  });

  it("writes the page where --out says, creating folders, and names the verdict", async () => {
    const out = join(work, "nested", "page.html");
    const result = await report("test/report/fixtures/mixed", "--out", out);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`Report (FAIL): ${out}\n`);
    expect(result.stderr).toContain("broken/summary.json"); // unreadable files are named, not fatal
    expect(existsSync(out)).toBe(true);
    expect(readFileSync(out, "utf8")).toContain('id="report-data"');
  });

  it("writes a comparison of two directories", async () => {
    const out = join(work, "compare.html");
    const result = await report("--compare", "test/report/fixtures/hand-made", "test/report/fixtures/hand-made", "--out", out);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`Report (A: FAIL, B: FAIL): ${out}\n`);
  });
});
