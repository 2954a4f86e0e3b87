/**
 * Sweeps as a user runs them (separate processes): `--jobs 1` (in process) and `--jobs 2`
 * (worker threads) give byte-identical per-seed files and the same summary apart from
 * wall-clock figures; each sweep gets a folder of its own, even two started at once; the
 * per-scenario pass/fail table is printed, recorded and drawn by the report; bad `--jobs` is
 * a one-line usage error; Ctrl-C (a real SIGINT) writes a partial summary and exits 130.
 * The usage errors and the report page call the CLIs' `main` in this process (test/sim/simCli
 * checks a usage error's exit status and streams as a process).
 */
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT_CODES } from "../../protocol/exitCodes.ts";
import { main as reportMain } from "../../report/cli.ts";
import { main as simMain } from "../../sim/cli.ts";
import { runCliInProcess } from "../cliKit/runCliInProcess.ts";
import { sectionHtml } from "../report/sectionHtml.ts";
import { CHROMIUM } from "../viewer/chromiumPage.ts";

/** `--scenario all` runs every shipped scenario file. */
const SHIPPED_SCENARIOS = readdirSync(new URL("../../scenarios/", import.meta.url)).filter((name) => name.endsWith(".json")).length;

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the sim CLI in its own process; `onStderr` sees stderr as it comes (to send a signal at the right moment). */
function sim(args: readonly string[], options: { onStderr?: (soFar: string, kill: (signal: NodeJS.Signals) => void) => void } = {}): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "sim/cli.ts", ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, CI: "true" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
      options.onStderr?.(stderr, (signal) => child.kill(signal));
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Every file under `dir`, by path relative to it, with its bytes as text. */
function filesUnder(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (current: string) => {
    for (const name of readdirSync(current).sort()) {
      const path = join(current, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(dir, path), readFileSync(path, "utf8"));
    }
  };
  walk(dir);
  return files;
}

/** The sweep folder a run printed (`Summary: <folder>/sim-sweep-summary.json`). */
function sweepFolderOf(run: Finished): string {
  const summary = /^Summary: (.+)\/sim-sweep-summary\.json$/m.exec(run.stdout)?.[1];
  if (summary === undefined) throw new Error(`no Summary line in:\n${run.stdout}\n${run.stderr}`);
  return summary;
}

interface SweepSummary {
  seeds: number;
  seedsPlanned: number;
  partial: boolean;
  failures: Array<{ seed: number; path: string; repro: string; trace: string | null }>;
  perScenario: Array<{ scenario: string; seeds: number; passed: number; failed: number; firstFailingSeed: number | null; firstFailingRepro: string | null }>;
  [field: string]: unknown;
}

const readSummary = (folder: string) => JSON.parse(readFileSync(join(folder, "sim-sweep-summary.json"), "utf8")) as SweepSummary;

const work = mkdtempSync(join(tmpdir(), "sim-sweep-jobs-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("npm run sim -- --scenario all --seeds 1..2 --plant duplicate-on-resume, with --jobs 1 and --jobs 2 at once", () => {
  // duplicate-on-resume fails some seeds of most scenarios and passes others: a table with both.
  const sweep = ["--scenario", "all", "--seeds", "1..2", "--plant", "duplicate-on-resume"];
  const out = join(work, "same-out");
  let inProcess: Finished;
  let onThreads: Finished;
  beforeAll(async () => {
    [inProcess, onThreads] = await Promise.all([sim([...sweep, "--jobs", "1", "--out", out]), sim([...sweep, "--jobs", "2", "--out", out])]);
  }, 120_000);

  it("writes each sweep into a folder of its own under <out>/sweep/, though both started in the same second", () => {
    expect([inProcess.code, onThreads.code], inProcess.stderr + onThreads.stderr).toEqual([EXIT_CODES.safety, EXIT_CODES.safety]);
    expect(inProcess.stdout).toContain("in this process");
    expect(onThreads.stdout).toContain("on 2 threads");
    expect(readdirSync(join(out, "sweep"))).toHaveLength(2);
    expect(sweepFolderOf(inProcess)).not.toBe(sweepFolderOf(onThreads));
  });

  it("gives byte-identical per-seed files, and the same summary apart from the wall-clock figures", () => {
    const one = filesUnder(sweepFolderOf(inProcess));
    const two = filesUnder(sweepFolderOf(onThreads));
    expect([...two.keys()]).toEqual([...one.keys()]);
    const perSeed = [...one.keys()].filter((path) => path !== "sim-sweep-summary.json");
    // Each failing seed keeps its trace and summary.
    expect(perSeed.length).toBe(2 * readSummary(sweepFolderOf(inProcess)).failures.length);
    expect(perSeed.filter((path) => path.endsWith("trace.jsonl")).length).toBeGreaterThan(5);
    for (const path of perSeed) expect(two.get(path), path).toBe(one.get(path));
    const withoutWallClock = (summary: SweepSummary) => ({ ...summary, jobs: null, seedsPerSecond: null, realMs: null });
    expect(withoutWallClock(readSummary(sweepFolderOf(onThreads)))).toEqual(withoutWallClock(readSummary(sweepFolderOf(inProcess))));
    expect(readSummary(sweepFolderOf(onThreads))).toMatchObject({ jobs: 2, partial: false, seeds: 2 * SHIPPED_SCENARIOS, seedsPlanned: 2 * SHIPPED_SCENARIOS });
  });

  it("prints and records a per-scenario table: seeds, passed, failed and the first failing seed's repro", () => {
    const summary = readSummary(sweepFolderOf(onThreads));
    expect(summary.perScenario).toHaveLength(SHIPPED_SCENARIOS);
    expect(summary.perScenario.reduce((total, row) => total + row.seeds, 0)).toBe(2 * SHIPPED_SCENARIOS);
    for (const row of summary.perScenario) {
      const failures = summary.failures.filter((failure) => failure.path === row.scenario);
      expect(row).toMatchObject({ seeds: 2, failed: failures.length, passed: 2 - failures.length, firstFailingSeed: failures[0]?.seed ?? null, firstFailingRepro: failures[0]?.repro ?? null });
      for (const failure of failures) expect(existsSync(join(sweepFolderOf(onThreads), failure.trace as string))).toBe(true);
    }
    const passing = summary.perScenario.find((row) => row.failed === 0);
    const failing = summary.perScenario.find((row) => row.failed > 0 && row.passed > 0);
    expect(passing, "a scenario where every seed passed").toBeDefined();
    expect(failing, "a scenario with a passing and a failing seed").toBeDefined();
    expect(onThreads.stdout).toMatch(/^ {2}scenario +seeds +passed +failed +first failing seed$/m);
    expect(onThreads.stdout).toMatch(new RegExp(`^ {2}${passing?.scenario} +2 +2 +0 +—$`, "m"));
    expect(onThreads.stdout).toContain(`  1  ${failing?.firstFailingSeed}: ${failing?.firstFailingRepro}`);
  });

  it.skipIf(!existsSync(CHROMIUM))("draws the table in the report's sweep section (headless Chromium)", async () => {
    const run = promisify(execFile);
    const page = join(work, "report.html");
    const written = await runCliInProcess(reportMain, [sweepFolderOf(onThreads), "--out", page]);
    expect(written.code, written.stderr).toBe(0);
    const dump = await run(CHROMIUM, ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run", `--user-data-dir=${join(work, "profile")}`, "--virtual-time-budget=5000", "--dump-dom", pathToFileURL(page).href], {
      maxBuffer: 64 * 1024 * 1024,
    });
    const section = sectionHtml(dump.stdout.replace(/<script[\s\S]*?<\/script>/g, ""), "sweep");
    expect(section).toContain("Per scenario");
    const summary = readSummary(sweepFolderOf(onThreads));
    expect((section.match(/<tr[^>]*data-scenario=/g) ?? []).length).toBe(SHIPPED_SCENARIOS);
    const failing = summary.perScenario.find((row) => row.failed > 0) as SweepSummary["perScenario"][number];
    expect(section).toMatch(new RegExp(`<tr class="bad" data-scenario="${failing.scenario}">`));
    expect(section).toContain(failing.firstFailingRepro as string);
  });
});

describe("npm run sim -- --jobs: usage errors", () => {
  it("refuses --jobs 0, --jobs abc and --jobs without a sweep, with one line and exit 2", async () => {
    const cases: Array<[string[], string]> = [
      [["--count", "3", "--jobs", "0"], 'sim: --jobs must be an integer from 1 to 256, got "0"'],
      [["--count", "3", "--jobs", "abc"], 'sim: --jobs must be an integer from 1 to 256, got "abc"'],
      [["--seed", "4", "--jobs", "2"], "sim: --jobs N applies to a sweep (--seeds, --count or --scenario all); one seed runs in this process: add --count N or --seeds A..B"],
      [["--replay", "x.jsonl", "--jobs", "2"], "sim: --jobs N applies to a sweep (--seeds, --count or --scenario all), not to --replay"],
    ];
    for (const [args, message] of cases) {
      const run = await runCliInProcess(simMain, args);
      expect(run.code, args.join(" ")).toBe(EXIT_CODES.usage);
      expect(run.stderr, args.join(" ")).toBe(`${message}\nRun with --help for usage.\n`);
      expect(run.stdout).toBe("");
    }
  });
});

describe("Ctrl-C during a sweep", () => {
  it.each(["1", "2"])(
    "--jobs %s: stops, writes the partial summary (seeds done, marked partial), says so in one line and exits 130",
    async (jobs) => {
      const out = join(work, `interrupted-${jobs}`);
      let sent = false;
      // Every seed fails with this bug, so a failure note on stderr shows the sweep is under way.
      const run = await sim(["--count", "100000", "--plant", "tool-before-thinking", "--jobs", jobs, "--out", out], {
        onStderr: (soFar, kill) => {
          if (!sent && soFar.includes("✗")) {
            sent = true;
            kill("SIGINT");
          }
        },
      });
      expect(run.code, run.stderr.slice(-2000)).toBe(EXIT_CODES.interrupted);
      const said = /^Interrupted by Ctrl-C: partial summary of (\d+) of 100000 seed runs written to (.+)$/m.exec(run.stdout);
      expect(said, run.stdout.slice(-2000)).not.toBeNull();
      const done = Number(said?.[1]);
      const summary = JSON.parse(readFileSync(said?.[2] as string, "utf8")) as SweepSummary;
      expect(summary).toMatchObject({ partial: true, seeds: done, seedsPlanned: 100000 });
      expect(done).toBeGreaterThanOrEqual(1);
      expect(done).toBeLessThan(100000);
      // The seeds done are the first ones, in order, each with its failure recorded.
      expect(summary.failures.map((failure) => failure.seed)).toEqual(Array.from({ length: done }, (_, index) => 1 + index));
      expect(summary.perScenario).toMatchObject([{ scenario: "scenarios/golden-path.json", seeds: done, failed: done, firstFailingSeed: 1 }]);
      expect(run.stderr.match(/^Interrupted: /gm)).toHaveLength(1);
    },
    60_000,
  );
});
