/**
 * The alert rules on recorded, not invented, series: two real soaks (`npm run soak`, the
 * CLI, in parallel) scrape /metrics every 5 s into metrics.prom; one is healthy, the other
 * has a planted 70 s publishing stall (`--stall-seconds 70`). Each recording becomes
 * promtool input series, and promtool evaluates every rule at every scrape:
 * - healthy: no alert fires, and no alert's condition holds even once;
 * - stall: AgentWsRunSilent fires (by 65 s into the stall, not before 55 s), its condition
 *   holds only inside the stall, and no other alert's condition holds even once.
 * Except AgentWsEventQueueGrowth's condition: a fresh server fills its replay buffers in its
 * first minutes, so its slope is positive in any 90 s recording; its 30-minute `for:` is what
 * keeps that quiet (its promtool unit test covers the ramp-then-steady shape).
 * Real time: about 100 s (the stall itself is 70 s).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ALERT_RULES_PATH, alertNamesOf, RECORDING_LABELS, runPromtool } from "../../load/soak/judgeAlerts.ts";
import { parseMetricsRecording, promtoolInputSeries, recordingSlotOf, type MetricsRecording } from "../../load/soak/parseMetricsRecording.ts";
import type { SoakSummary } from "../../load/soak/SoakSummary.ts";
import { alertExpressions, PROMTOOL_SKIP_REASON } from "./promtoolKit.ts";

const INTERVAL_MS = 5_000;
const SOAK_FLAGS = ["--seconds", "90", "--users", "10", "--connections", "20", "--drop-every-ms", "5000", "--rate", "100", "--metrics-every-seconds", "5"];
const rulesText = readFileSync(ALERT_RULES_PATH, "utf8");
const alerts = alertNamesOf(rulesText);
/** Alerts whose condition may hold in a short healthy recording (see the file comment); they still must not fire. */
const STARTUP_CONDITIONS = new Set(["AgentWsEventQueueGrowth"]);
const conditionChecked = alerts.filter((alert) => !STARTUP_CONDITIONS.has(alert));
const expressions = alertExpressions(rulesText);

function runSoakCli(outDir: string, extra: readonly string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ["--import", "tsx", "load/soak/cli.ts", ...SOAK_FLAGS, "--out", outDir, ...extra], { env: { ...process.env, CI: "true" } });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 240_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      done({ code, output });
    });
  });
}

interface Expectation {
  /** Slots (scrape indexes) where the alert must fire, by alert name. */
  firing: Map<string, number[]>;
  /** Slots where the alert must not fire, by alert name. */
  silent: Map<string, number[]>;
  /** Slots where an alert's condition (its expr, no `for:`) must hold no sample, by alert name. */
  conditionQuiet: Map<string, number[]>;
}

/** A promtool test file (JSON, which promtool reads as YAML) that checks `expectation` on `recording`. */
function promtoolTestFile(recording: MetricsRecording, expectation: Expectation): string {
  const alertTests: object[] = [];
  for (const alert of alerts) {
    for (const slot of expectation.firing.get(alert) ?? []) {
      const expected = { exp_labels: { ...RECORDING_LABELS, severity: "critical" }, exp_annotations: annotationsOf(alert) };
      alertTests.push({ eval_time: `${(slot * INTERVAL_MS) / 1_000}s`, alertname: alert, exp_alerts: [expected] });
    }
    for (const slot of expectation.silent.get(alert) ?? []) {
      alertTests.push({ eval_time: `${(slot * INTERVAL_MS) / 1_000}s`, alertname: alert, exp_alerts: [] });
    }
  }
  const exprTests = [...expectation.conditionQuiet].flatMap(([alert, quietSlots]) =>
    quietSlots.map((slot) => ({ expr: expressions.get(alert), eval_time: `${(slot * INTERVAL_MS) / 1_000}s`, exp_samples: [] })),
  );
  return JSON.stringify({
    rule_files: [ALERT_RULES_PATH],
    evaluation_interval: `${INTERVAL_MS / 1_000}s`,
    tests: [{ interval: `${INTERVAL_MS / 1_000}s`, input_series: promtoolInputSeries(recording, { intervalMs: INTERVAL_MS, labels: RECORDING_LABELS }), alert_rule_test: alertTests, promql_expr_test: exprTests }],
  });
}

/** The annotations promtool must see, with {{ $labels.instance }} filled in. */
function annotationsOf(alert: string): Record<string, string> {
  const start = rulesText.indexOf(`- alert: ${alert}\n`);
  const block = rulesText.slice(start, rulesText.indexOf("- alert: ", start + 1));
  const summary = (/summary: "(.*)"/.exec(block)?.[1] as string).replace("{{ $labels.instance }}", RECORDING_LABELS.instance);
  const runbook = /runbook: "(.*)"/.exec(block)?.[1] as string;
  return { summary, runbook };
}

const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from) }, (_, index) => from + index);

describe.skipIf(PROMTOOL_SKIP_REASON !== null)("alert rules on recorded soaks (healthy, and a planted 70 s stall)", () => {
  const scratch = mkdtempSync(join(tmpdir(), "recorded-soak-"));
  let healthy: MetricsRecording;
  let stalled: MetricsRecording;
  let healthySummary: SoakSummary;
  let stallSummary: SoakSummary;
  let stallReport: string;
  beforeAll(async () => {
    const [healthyRun, stallRun] = await Promise.all([
      runSoakCli(join(scratch, "healthy"), []),
      runSoakCli(join(scratch, "stall"), ["--stall-seconds", "70", "--stall-at-seconds", "5"]),
    ]);
    expect(healthyRun.output).toContain("soak: PASS");
    expect(stallRun.output).toContain("soak: PASS");
    healthy = parseMetricsRecording(readFileSync(join(scratch, "healthy", "metrics.prom"), "utf8"));
    stalled = parseMetricsRecording(readFileSync(join(scratch, "stall", "metrics.prom"), "utf8"));
    healthySummary = JSON.parse(readFileSync(join(scratch, "healthy", "soak-summary.json"), "utf8")) as SoakSummary;
    stallSummary = JSON.parse(readFileSync(join(scratch, "stall", "soak-summary.json"), "utf8")) as SoakSummary;
    stallReport = stallRun.output;
  }, 240_000);
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  test("the recordings are real: a scrape every 5 s for the whole soak, with the stall marked", () => {
    for (const recording of [healthy, stalled]) {
      expect(recording.scrapes.length).toBeGreaterThanOrEqual(18);
      expect(recording.scrapes.every((scrape) => scrape.samples.has("agent_ws_run_silence_seconds_max"))).toBe(true);
      expect(recording.scrapes.some((scrape) => (scrape.samples.get("agent_ws_events_published_total") ?? 0) > 1_500)).toBe(true);
    }
    expect(stalled.notes.map((note) => note.text)).toEqual(["stall_started 70000 ms", "stall_ended"]);
  });

  test("healthy: no alert fires at any scrape, and no alert's condition holds even once", async () => {
    const slots = range(0, healthy.scrapes.length);
    const path = join(scratch, "healthy.test.json");
    const everywhere = new Map(alerts.map((alert) => [alert, slots]));
    const conditionQuiet = new Map(conditionChecked.map((alert) => [alert, slots]));
    writeFileSync(path, promtoolTestFile(healthy, { firing: new Map(), silent: everywhere, conditionQuiet }));
    const result = await runPromtool(["test", "rules", path]);
    expect(result.output).toContain("SUCCESS");
    expect(result.code).toBe(0);
  });

  test("stall: AgentWsRunSilent fires by 65 s of silence and not before 55 s; nothing else even comes close", async () => {
    const [started, ended] = stalled.notes.map((note) => note.atMs) as [number, number];
    const slotAt = (atMs: number) => recordingSlotOf(stalled, atMs, INTERVAL_MS);
    // Slot k is the scrape taken at about first + k × 5 s; allow 1 s for scrape jitter at each edge.
    const fires = range(slotAt(started + 66_000), slotAt(ended - 1_000) + 1);
    const quietBefore = range(0, slotAt(started + 54_000) + 1);
    const quietAfter = range(slotAt(ended + 6_000) + 1, stalled.scrapes.length);
    expect(fires.length).toBeGreaterThan(0);
    const others = alerts.filter((alert) => alert !== "AgentWsRunSilent");
    const conditionQuiet = new Map(others.filter((alert) => conditionChecked.includes(alert)).map((alert) => [alert, range(0, stalled.scrapes.length)]));
    const silent = new Map(others.map((alert) => [alert, range(0, stalled.scrapes.length)]));
    silent.set("AgentWsRunSilent", [...quietBefore, ...quietAfter]);
    // The silence condition (>= 30 s) holds only inside the stall.
    conditionQuiet.set("AgentWsRunSilent", [...range(0, slotAt(started + 29_000) + 1), ...quietAfter]);
    const path = join(scratch, "stall.test.json");
    writeFileSync(path, promtoolTestFile(stalled, { firing: new Map([["AgentWsRunSilent", fires]]), silent, conditionQuiet }));
    const result = await runPromtool(["test", "rules", path]);
    expect(result.output).toContain("SUCCESS");
    expect(result.code).toBe(0);
    // The edges are pinned: the alert is absent at every slot in quietBefore and quietAfter.
    expect(quietBefore.length).toBeGreaterThan(10);
    expect(quietAfter.length).toBeGreaterThan(0);
  });

  test("the soak's own verdict says the same: healthy would have alerted nothing, the stall exactly AgentWsRunSilent", () => {
    expect(healthySummary.alerts).toMatchObject({ judged: true, rules: alerts.length, fired: [] });
    expect(healthySummary.goals.alerts).toMatchObject({ ok: true, goal: "no alert would have fired" });
    expect(stallSummary.alerts).toMatchObject({ judged: true, fired: [{ alert: "AgentWsRunSilent", severity: "critical" }] });
    expect(stallSummary.goals.alerts.ok).toBe(true);
    expect(stallReport).toMatch(/would have alerted: AgentWsRunSilent \(critical, from \d+ s/);
  });
});
