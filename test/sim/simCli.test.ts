/**
 * The simulator's command line, run as a user runs it (separate processes): the same
 * seed gives a byte-identical trace, two seeds differ, a planted bug fails with a repro
 * line that fails again when pasted, and bad input gets a precise message and exit 2.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

function sim(args: string[]) {
  const result = spawnSync(process.execPath, ["--import", "tsx", "sim/cli.ts", ...args], { encoding: "utf8", env: { ...process.env, CI: "true" } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("npm run sim", () => {
  const out = mkdtempSync(join(tmpdir(), "sim-cli-"));

  it("gives a byte-identical trace for the same seed in separate processes, and a different one for another seed", () => {
    const first = sim(["--seed", "7", "--out", join(out, "a")]);
    const second = sim(["--seed", "7", "--out", join(out, "b")]);
    const other = sim(["--seed", "8", "--out", join(out, "c")]);
    expect([first.code, second.code, other.code]).toEqual([0, 0, 0]);
    expect(first.stdout).toContain("Status: PASSED");
    const trace = (dir: string, seed: number) => readFileSync(join(out, dir, `sim-golden-path-seed${seed}`, "trace.jsonl"), "utf8");
    expect(trace("a", 7).length).toBeGreaterThan(1000);
    expect(trace("b", 7)).toBe(trace("a", 7));
    expect(trace("c", 8)).not.toBe(trace("a", 7));
    const summary = JSON.parse(readFileSync(join(out, "a", "sim-golden-path-seed7", "summary.json"), "utf8")) as { outcome: string; repro: string };
    expect(summary).toMatchObject({ outcome: "pass", repro: "npm run sim -- --seed 7 --scenario scenarios/golden-path.json" });
  });

  it("fails on a planted bug with exit 1 and a repro line that fails again when run", () => {
    const run = sim(["--seed", "2", "--plant", "event-after-completed", "--out", join(out, "p")]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("run_completed_last (after_completed)");
    const repro = /Reproduce: npm run sim -- (.+)/.exec(run.stdout)?.[1];
    expect(repro).toBe("--seed 2 --scenario scenarios/golden-path.json --plant event-after-completed");
    const again = sim([...(repro as string).split(" "), "--out", join(out, "q")]);
    expect(again.code).toBe(1);
    expect(again.stdout).toContain("run_completed_last (after_completed)");
  });

  it("reports a sweep's failing seeds with their repro lines", () => {
    const run = sim(["--seeds", "1..3", "--plant", "tool-before-thinking", "--out", join(out, "s")]);
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
  ])("refuses %j with exit 2 and a precise message", (args, message) => {
    const run = sim(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });

  it("names the file, the field and the rule of a broken scenario", () => {
    const path = join(out, "broken.json");
    writeFileSync(path, JSON.stringify({ name: "x", description: "y", users: 0, runsPerUser: 1, scripts: ["golden-path"], faults: { dropPerMille: 2000 } }));
    const run = sim(["--scenario", path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${path}: users: must be >= 1`);
    expect(run.stderr).toContain(`${path}: faults.dropPerMille: must be <= 1000`);
  });
});
