/**
 * The one-line repros are real: a shrunk counterexample file replays with the exact
 * `npm run sim -- --seed N --scenario FILE` command the failure message prints (and the
 * property's own `npm run prop` re-check), and `npm run prop` rejects bad flags clearly.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { main } from "./cli.ts";
import { expectPropertyCatches } from "./harness/expectProperty.ts";
import { runReproCommand } from "./harness/runReproCommand.ts";
import { exactlyOnceProperty } from "./properties/exactlyOnceProperty.ts";
import { managerModelProperty } from "./properties/managerModelProperty.ts";

describe("counterexample repro lines", () => {
  it("the printed npm run sim command replays a shrunk counterexample to the same violation", async () => {
    const report = await expectPropertyCatches(exactlyOnceProperty, "duplicate-on-resume");
    const simLine = report.replay[0] as string;
    expect(simLine).toMatch(/^npm run sim -- --seed \d+ --scenario \S+\/property-counterexamples-\w+\/exactly-once\.duplicate-on-resume-\d+\.json --plant duplicate-on-resume$/);
    const sim = await runReproCommand(simLine);
    expect(sim.exitCode, sim.stderr).toBe(1);
    expect(sim.stdout).toMatch(/order_exactly_once \(duplicate\)/);
    const prop = await runReproCommand(report.replay[1] as string);
    expect(prop.exitCode, prop.stderr).toBe(1);
    expect(prop.stdout).toMatch(/FAILS/);
  });

  it("the printed npm run prop command replays a model-based counterexample (seed, path and fc.commands replayPath)", async () => {
    const report = await expectPropertyCatches(managerModelProperty, "reorder-on-replay");
    const line = report.replay[0] as string;
    expect(line).toMatch(/^npm run prop -- --property manager-model --seed=-?\d+ --path [\d:]+ --replay-path \S+ --plant reorder-on-replay$/);
    const replay = await runReproCommand(line);
    expect(replay.exitCode, replay.stderr).toBe(1);
    expect(replay.stdout).toContain(report.failure?.split("\n")[0] ?? "?");
    // The seed as the report's last line prints it ("fast-check: seed -5, path …"), pasted with a space.
    const spaced = await runReproCommand(line.replace("--seed=", "--seed "));
    expect(spaced.exitCode, spaced.stderr).toBe(1);
    expect(spaced.stdout).toContain(report.failure?.split("\n")[0] ?? "?");
  });
});

/** `npm run prop`'s CLI in its own process, under the tsx loader it runs with, without npm's own start-up. */
function propProcess(args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", "property/cli.ts", ...args], { encoding: "utf8", env: { ...process.env, CI: "true" } });
}

/** `npm run prop -- <args>`: the CLI's `main` in this process, quiet (the repro lines above run it as a process). */
async function prop(args: string[]) {
  // Inline rather than test/cliKit/runCliInProcess.ts: property/ does not import test/ (test/architecture).
  let stdout = "";
  let stderr = "";
  const status = await main([...args, "--quiet"], { stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text) });
  return { status, stdout, stderr };
}

describe("npm run prop", () => {
  it("rejects unknown flags and properties with exit code 2", async () => {
    const unknownFlag = propProcess(["--bogus"]);
    expect(unknownFlag.status).toBe(2);
    expect(unknownFlag.stderr).toMatch(/Unknown option '--bogus'/);
    expect(unknownFlag.stdout).toBe("");
    const unknownProperty = await prop(["--property", "nope"]);
    expect(unknownProperty.status).toBe(2);
    expect(unknownProperty.stderr).toMatch(/unknown property "nope"; known: run-order/);
  });

  it("takes a negative fast-check seed written as fast-check prints it (--seed -5)", async () => {
    const run = await prop(["--property", "isolation", "--runs", "2", "--seed", "-5"]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Property isolation held for 2 run\(s\)[^\n]*\n {2}fast-check seed -5\n/);
  });

  it("runs one property at a given budget and seed", async () => {
    const run = await prop(["--property", "isolation", "--runs", "5", "--seed", "3"]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Property isolation held for 5 run\(s\)/);
  });
});
