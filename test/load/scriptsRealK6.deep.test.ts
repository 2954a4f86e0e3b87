/**
 * Every k6 script of load/, bundled in the flavour of the real k6 found (`K6` or `k6`
 * on PATH; `.ci/run` puts ../shared/k6, a k6 v0.48.0, there), runs for a few seconds
 * under that k6 against our embedded server and passes. Performance gates are relaxed
 * (the suite shares two cores); correctness gates are the real ones. Without a k6 the
 * file says so in a skipped test.
 */
import { mkdtempSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { findK6, main } from "../../load/cli.ts";

const repositoryRoot = fileURLToPath(new URL("../../", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "k6-real-"));
const realK6 = findK6(process.env);
const RELAXED = ["EVENTS_PER_SECOND_MIN=1", "LATENCY_P95_MS=5000", "LATENCY_P99_MS=10000", "START_LATENCY_P95_MS=5000", "GENERATOR_LAG_P99_MS=5000", "RUNS_PER_SESSION=8", "THINK_MS=20"];

describe.skipIf(realK6 === undefined)(`every script under real k6 (${realK6?.versionLine ?? "none"})`, () => {
  test.each(["golden-path", "throughput", "reconnect-storm", "soak"])("%s runs and passes", async (script) => {
    const output: string[] = [];
    const outDirectory = join(scratch, script);
    const exitCode = await main(
      [script, "--engine", "k6", "--vus", "2", "--duration", "3s", "--out", outDirectory, ...RELAXED.flatMap((pair) => ["-e", pair])],
      { stdout: (text) => void output.push(text), stderr: (text) => void output.push(text), env: { ...process.env, CI: "true" }, cwd: repositoryRoot },
    );
    expect(exitCode, output.join("")).toBe(0);
    expect(output.join("")).toContain(`bundle load/dist/${realK6?.flavour.name}/${script}.js`);
    const summary = JSON.parse(await readFile(join(outDirectory, `${script}-summary.json`), "utf8")) as { metrics: Record<string, { values: Record<string, number> }> };
    expect(summary.metrics["events_received"]?.values["count"]).toBeGreaterThan(0);
    // Every session samples the generator's lag at least once, however short (CI's fast
    // machines finished throughput sessions inside one probe period and left it empty).
    expect(summary.metrics["iterations"]?.values["count"]).toBeGreaterThan(0);
    expect(summary.metrics["generator_lag"]?.values["count"]).toBeGreaterThanOrEqual(summary.metrics["iterations"]?.values["count"] ?? Number.POSITIVE_INFINITY);
  });
});

test.skipIf(realK6 !== undefined)("real k6: not found (set K6 or put k6 on PATH); the scripts were not run under k6 here", () => {
  expect(realK6).toBeUndefined();
});
