/**
 * The simulator's command line: the same seed gives a byte-identical trace (in this process
 * and in a separate one), two seeds differ, a planted bug fails with a repro line that fails
 * again when pasted, and bad input gets a precise message and exit 2. Most cases call the
 * CLI's `main` in this process (its logic); a few run it as a user does, in its own
 * process, for what only a process shows: the exit status, stdout and stderr, no stack trace.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { replaySummarySchema, simSummarySchema, sweepSummarySchema } from "../../protocol/resultSchemas.ts";
import { main } from "../../sim/cli.ts";
import { runCliInProcess, type CliRun } from "../cliKit/runCliInProcess.ts";

/** `npm run sim -- <args>` in its own process. */
function simProcess(args: string[]) {
  const result = spawnSync(process.execPath, ["--import", "tsx", "sim/cli.ts", ...args], { encoding: "utf8", env: { ...process.env, CI: "true" } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * `npm run sim -- <args>` in this process. Sweeps get `--jobs 1` (the sweep's own result does
 * not depend on it: test/sim/simSweepJobs proves --jobs 1 and 2 byte-identical) and `-q`.
 */
function sim(args: string[]): Promise<CliRun> {
  const sweep = args.some((arg) => arg === "--seeds" || arg === "--count");
  return runCliInProcess(main, sweep ? [...args, "--jobs", "1", "-q"] : args);
}

describe("npm run sim", () => {
  const out = mkdtempSync(join(tmpdir(), "sim-cli-"));

  it("gives a byte-identical trace for the same seed in separate processes, and a different one for another seed", async () => {
    const first = simProcess(["--seed", "7", "--out", join(out, "a")]);
    const second = await sim(["--seed", "7", "--out", join(out, "b")]);
    const other = await sim(["--seed", "8", "--out", join(out, "c")]);
    expect([first.code, second.code, other.code]).toEqual([0, 0, 0]);
    expect(first.stdout).toContain("Status: PASSED");
    expect(second.stdout).toContain("Status: PASSED");
    const trace = (dir: string, seed: number) => readFileSync(join(out, dir, `sim-golden-path-seed${seed}`, "trace.jsonl"), "utf8");
    expect(trace("a", 7).length).toBeGreaterThan(1000);
    expect(trace("b", 7)).toBe(trace("a", 7));
    expect(trace("c", 8)).not.toBe(trace("a", 7));
    const summary = JSON.parse(readFileSync(join(out, "a", "sim-golden-path-seed7", "summary.json"), "utf8")) as { outcome: string; repro: string };
    expect(summary).toMatchObject({ outcome: "pass", repro: "npm run sim -- --seed 7 --scenario scenarios/golden-path.json" });
    // The results schema the writer checks and the report reads with (protocol/resultSchemas.ts).
    expect(simSummarySchema.safeParse(summary).success).toBe(true);
  });

  it("fails on a planted bug with exit 1 and a repro line that fails again when run", async () => {
    const run = await sim(["--seed", "2", "--plant", "event-after-completed", "--out", join(out, "p")]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("run_completed_last (after_completed)");
    const repro = /Reproduce: npm run sim -- (.+)/.exec(run.stdout)?.[1];
    expect(repro).toBe("--seed 2 --scenario scenarios/golden-path.json --plant event-after-completed");
    const again = await sim([...(repro as string).split(" "), "--out", join(out, "q")]);
    expect(again.code).toBe(1);
    expect(again.stdout).toContain("run_completed_last (after_completed)");
  });

  it("reports a sweep's failing seeds with their repro lines", async () => {
    const run = await sim(["--seeds", "1..3", "--plant", "tool-before-thinking", "--out", join(out, "s")]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("Result: 3 failing seed(s)");
    expect(run.stdout).toContain("npm run sim -- --seed 3 --scenario scenarios/golden-path.json --plant tool-before-thinking");
  });

  it.each([
    [["--seed", "abc"], '--seed must be an integer from 0 to 4294967295, got "abc"'],
    [["--bogus"], "Unknown option '--bogus'"],
    [["--faults", "lots"], '--faults must be off, on or heavy, got "lots"'],
    [["--plant", "nope"], '--plant: unknown bug "nope"'],
    [["--seeds", "9..3"], "--seeds 9..3: the end must not be below the start"],
    [["--scenario", "no/such.json"], "no/such.json: cannot read the file (ENOENT)"],
  ])("refuses %j with exit 2 and a precise message", async (args, message) => {
    const run = await sim(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stdout).toBe("");
  });

  it("as a process: a usage error is exit status 2, one line and the --help hint on stderr, nothing on stdout, no stack trace", async () => {
    const run = simProcess(["--seed", "abc"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('sim: --seed must be an integer from 0 to 4294967295, got "abc"\nRun with --help for usage.\n');
    expect(run.stdout).toBe("");
  });

  it("names the file, the field and the rule of a broken scenario", async () => {
    const path = join(out, "broken.json");
    writeFileSync(path, JSON.stringify({ name: "x", description: "y", users: 0, runsPerUser: 1, scripts: ["golden-path"], faults: { dropPerMille: 2000 } }));
    const run = await sim(["--scenario", path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${path}: users: must be >= 1`);
    expect(run.stderr).toContain(`${path}: faults.dropPerMille: must be <= 1000`);
  });
});

describe("npm run sim: errors that say what happened, output that pastes and parses", () => {
  const out = mkdtempSync(join(tmpdir(), "sim-cli-edges-"));
  const tracePath = join(out, "recorded", "sim-golden-path-seed5", "trace.jsonl");
  let recorded: CliRun;
  beforeAll(async () => {
    recorded = await sim(["--seed", "5", "--out", join(out, "recorded")]);
  });

  it("refuses to replay an empty file with exit 2, saying it is empty", async () => {
    const path = join(out, "empty.jsonl");
    writeFileSync(path, "");
    const run = await sim(["--replay", path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`--replay ${path}: the file is empty: not a trace`);
    expect(run.stdout).toBe("");
  });

  it("refuses to replay a truncated trace with exit 2, naming the first bad line", async () => {
    expect(recorded.code).toBe(0);
    const lines = readFileSync(tracePath, "utf8").split("\n");
    const path = join(out, "truncated.jsonl");
    // Cut in the middle of line 11, as a crashed writer or a partial copy leaves it.
    writeFileSync(path, `${lines.slice(0, 10).join("\n")}\n${(lines[10] as string).slice(0, 20)}`);
    const run = await sim(["--replay", path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`--replay ${path.replaceAll(/[.\\/]/g, "\\$&")}: line 11: not JSON \\(`));
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("refuses to replay a file that is not a trace with exit 2, naming line 1", async () => {
    const run = await sim(["--replay", "package.json"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--replay package\.json: line 1: not JSON .*\(and \d+ more unreadable line\(s\)\)/);
    const path = join(out, "not-client.jsonl");
    writeFileSync(path, '{"t":1,"kind":"fault","what":"drop"}\n');
    const noClientLines = await sim(["--replay", path]);
    expect(noClientLines.code).toBe(2);
    expect(noClientLines.stderr).toContain("no open, send, recv or close line");
  });

  it("replays a recorded trace as JSON with --json", async () => {
    const run = await sim(["--replay", tracePath, "--json"]);
    expect(run.code).toBe(0);
    const verdict = JSON.parse(run.stdout) as { kind: string; outcome: string; ok: boolean; counts: { events: number } };
    expect(verdict).toMatchObject({ kind: "sim-replay", outcome: "pass", ok: true });
    expect(verdict.counts.events).toBeGreaterThan(0);
    expect(replaySummarySchema.safeParse(verdict).success).toBe(true);
  });

  it("prints a sweep's summary as JSON with --json, failures included", async () => {
    const run = await sim(["--seeds", "1..2", "--plant", "tool-before-thinking", "--json", "--out", join(out, "sweep")]);
    expect(run.code).toBe(1);
    const summary = JSON.parse(run.stdout) as { kind: string; seeds: number; failures: Array<{ seed: number; repro: string }> };
    expect(summary.kind).toBe("sim-sweep");
    expect(summary.seeds).toBe(2);
    expect(summary.failures.map((failure) => failure.seed)).toEqual([1, 2]);
    expect(sweepSummarySchema.safeParse(summary).success).toBe(true);
    // The sweep's own folder: <out>/sweep/<scenario>[-<plant>]-<time>/.
    const [folder, ...others] = readdirSync(join(out, "sweep", "sweep"));
    expect(others).toEqual([]);
    expect(folder).toMatch(/^golden-path-tool-before-thinking-\d{4}-\d\d-\d\dT\d{6}Z$/);
    expect(JSON.parse(readFileSync(join(out, "sweep", "sweep", folder as string, "sim-sweep-summary.json"), "utf8"))).toEqual(summary);
  });

  it("stops a sweep at its first failing seed with --fail-fast, exiting with that failure's code", async () => {
    const run = await sim(["--seeds", "1..3", "--plant", "tool-before-thinking", "--jobs", "1", "--fail-fast", "--json", "--out", join(out, "ff")]);
    expect(run.code).toBe(1);
    const summary = JSON.parse(run.stdout) as { seeds: number; seedsPlanned: number; partial: boolean; stoppedAtFirstFailure: boolean; failures: Array<{ seed: number }> };
    expect(summary).toMatchObject({ seeds: 1, seedsPlanned: 3, partial: true, stoppedAtFirstFailure: true });
    expect(summary.failures.map((failure) => failure.seed)).toEqual([1]);
    // A passing sweep is not stopped: every seed runs, exit 0.
    const passing = await sim(["--seeds", "1..2", "--jobs", "1", "--fail-fast", "--json", "--out", join(out, "ff-pass")]);
    expect(passing.code).toBe(0);
    expect(JSON.parse(passing.stdout)).toMatchObject({ seeds: 2, partial: false, stoppedAtFirstFailure: false });
    expect((await sim(["--seed", "1", "--fail-fast"])).stderr).toContain("--fail-fast applies to a sweep");
  });

  it("prints the bug zoo as JSON with --plant list --json", async () => {
    const run = await sim(["--plant", "list", "--json"]);
    expect(run.code).toBe(0);
    const bugs = JSON.parse(run.stdout) as Array<{ name: string }>;
    expect(bugs.map((bug) => bug.name)).toContain("cross-user-leak");
  });

  it("reads --seed -5 as a seed (and says simulator seeds are non-negative), not as an unknown option", async () => {
    const run = await sim(["--seed", "-5"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--seed must be an integer from 0 to 4294967295, got "-5" (simulator seeds are non-negative');
    expect(run.stderr).not.toContain("Unknown option");
  });

  it("refuses --seed together with --seeds", async () => {
    const run = await sim(["--seed", "1", "--seeds", "1..3"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--seed and --seeds cannot be used together");
  });

  it.each([
    ["an array", "[]", "the file must hold one JSON object of scenario fields"],
    ["unknown fields", JSON.stringify({ name: "x", description: "y", users: 1, runsPerUser: 1, scripts: ["golden-path"], colour: "red" }), 'unknown field "colour" (known: name, description,'],
  ])("names a top-level scenario problem (%s) without calling it a frame", async (_what, text, message) => {
    const path = join(out, `top-level-${_what.replaceAll(" ", "-")}.json`);
    writeFileSync(path, text);
    const run = await sim(["--scenario", path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${path}: ${message}`);
    expect(run.stderr).not.toContain("frame:");
  });
});
