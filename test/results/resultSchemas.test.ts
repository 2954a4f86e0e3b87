/**
 * The results schema (protocol/resultSchemas.ts) between the commands that write summaries
 * and the report that reads them. Each writer's real output is parsed where its own test
 * makes it (sim run, sweep and replay: test/sim/simCli.test.ts; record:
 * test/record/record.test.ts; load: test/load/scriptsGoldenPath.test.ts; soak:
 * test/hardening/soak.test.ts); here: the report's fixtures (real output, copied as
 * written) parse, a writer's bug is refused in one line naming the file and the field, and
 * a malformed summary gives `npm run report` one line naming the file and the field.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkResult, loadSummarySchema, ResultShapeError, simSummarySchema, soakSummarySchema, sweepSummarySchema } from "../../protocol/resultSchemas.ts";

const work = mkdtempSync(join(tmpdir(), "result-schemas-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, "utf8"));

describe("the results schema", () => {
  it("reads the report's fixtures, real output of each writer", () => {
    expect(soakSummarySchema.safeParse(readJson("test/report/fixtures/alerts/soak/soak-summary.json")).error).toBeUndefined();
    expect(loadSummarySchema.safeParse(readJson("test/report/fixtures/alerts/load/golden-path-summary.json")).error).toBeUndefined();
  });

  it("refuses a writer's malformed summary in one line naming the file and the field", () => {
    const soak = readJson("test/report/fixtures/alerts/soak/soak-summary.json") as { goals: Record<string, unknown> };
    const broken = { ...soak, goals: { ...soak.goals, duplicates: { goal: "0 duplicates", observed: "0" } } };
    expect(() => checkResult(soakSummarySchema, broken, "out/soak-summary.json")).toThrow(ResultShapeError);
    expect(() => checkResult(soakSummarySchema, broken, "out/soak-summary.json")).toThrow(/^out\/soak-summary\.json: goals\.duplicates\.ok: .*expected boolean/);
    expect(() => checkResult(sweepSummarySchema, { kind: "sim-sweep" }, "s.json")).toThrow(/^s\.json: seeds: /);
    expect(() => checkResult(simSummarySchema, { kind: "sim", seed: 1, outcome: "maybe" }, "summary.json")).toThrow(/^summary\.json: outcome: /);
    expect(checkResult(sweepSummarySchema, { kind: "sim-sweep", seeds: 0 }, "s.json")).toEqual({ kind: "sim-sweep", seeds: 0 });
  });

  it("gives npm run report one line naming the file and the field of a malformed summary, and draws the rest", () => {
    const soak = readJson("test/report/fixtures/alerts/soak/soak-summary.json") as { goals: Record<string, { ok: boolean }>; deliveryPercent: number };
    mkdirSync(join(work, "good"), { recursive: true });
    mkdirSync(join(work, "bad"), { recursive: true });
    writeFileSync(join(work, "good", "soak-summary.json"), JSON.stringify(soak));
    writeFileSync(join(work, "bad", "soak-summary.json"), JSON.stringify({ ...soak, deliveryPercent: "100%" }));
    const result = spawnSync(process.execPath, ["--import", join(process.cwd(), "node_modules/tsx/dist/loader.mjs"), "report/cli.ts", work, "--out", join(work, "report.html")], {
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(result.status).toBe(0);
    const lines = result.stderr.split("\n").filter((line) => line !== "");
    expect(lines).toEqual([`report: ${work}/bad/soak-summary.json: a soak summary the report cannot read: deliveryPercent: Invalid input: expected number, received string`]);
  });
});
