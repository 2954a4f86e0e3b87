/**
 * "Would have alerted": the shipped alert rules (monitoring/alerts.yml), evaluated by the
 * real `promtool` on what a run recorded from /metrics (`metrics.prom`). Every rule is
 * checked at every recorded scrape (at most {@link ALERT_EVALUATIONS_MAX} evenly spread);
 * promtool reports each (rule, time) where an alert fired. The rules stay the one source of
 * truth: nothing here restates a threshold.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { z } from "zod";
import type { firedAlertSchema, PromtoolAlerts } from "../../protocol/resultSchemas.ts";
import { promtoolInputSeries, type MetricsRecording } from "./parseMetricsRecording.ts";

/** The shipped rule file. */
export const ALERT_RULES_PATH = fileURLToPath(new URL("../../monitoring/alerts.yml", import.meta.url));

/** Where Debian's `prometheus` package puts promtool. */
export const PROMTOOL_PATHS: readonly string[] = ["/usr/bin/promtool", "/usr/local/bin/promtool"];

/** The first of {@link PROMTOOL_PATHS} that exists, or null when promtool is not installed. */
export function findPromtool(): string | null {
  return PROMTOOL_PATHS.find((path) => existsSync(path)) ?? null;
}

/** What a promtool run printed (stdout then stderr), and its exit code. */
export interface PromtoolResult {
  code: number;
  output: string;
}

/** Options of {@link runPromtool}. */
export interface RunPromtoolOptions {
  /** promtool itself (default {@link findPromtool}; throws, naming the fix, when there is none). */
  promtoolPath?: string;
  /** Working directory (default this process's). */
  cwd?: string;
  /** Longest run before promtool is killed, ms (default 120 000). */
  timeoutMs?: number;
}

/** Runs promtool with `args`; never rejects on a non-zero exit (the code says it). Output bounded to 256 MiB. */
export function runPromtool(args: readonly string[], options: RunPromtoolOptions = {}): Promise<PromtoolResult> {
  const promtool = options.promtoolPath ?? findPromtool();
  if (promtool === null) throw new Error("promtool is not installed: apt-get install -y --no-install-recommends prometheus");
  return new Promise((done) => {
    execFile(promtool, [...args], { timeout: options.timeoutMs ?? 120_000, maxBuffer: 256 * 1024 * 1024, cwd: options.cwd }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, output: `${stdout}${stderr}` });
    });
  });
}

/** Most evaluation times per rule: a week-long recording is judged on a sample of its scrapes. */
export const ALERT_EVALUATIONS_MAX = 2_000;

/** Labels the recorded series get (the rules keep `instance` and `job`). */
export const RECORDING_LABELS = Object.freeze({ job: "agent-ws", instance: "soak" });

/** One alert that fired on the recording (its shape is the results schema's). */
export type FiredAlert = z.output<typeof firedAlertSchema>;

/** The verdict: which alerts would have fired, or why that was not judged (the results schema's `promtoolAlertsSchema`, which soak and load summaries hold). */
export type AlertVerdict = PromtoolAlerts;

/** The alert names of a rule file, in order (its layout: `- alert: Name`). */
export function alertNamesOf(rulesText: string): string[] {
  return [...rulesText.matchAll(/^\s*- alert: (\w+)$/gm)].map((match) => match[1] as string);
}

/** A promtool duration as it prints one (`1m5s`, `2h0m0s`, `500ms`) in seconds. */
export function promtoolDurationS(text: string): number {
  let seconds = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) {
    seconds += Number(amount) * { ms: 0.001, s: 1, m: 60, h: 3_600 }[unit as "ms" | "s" | "m" | "h"];
  }
  return seconds;
}

/** Reads promtool's failure report of an "expect no alert anywhere" test: each (alert, time, severity) that fired. */
export function firedFromPromtoolOutput(output: string): FiredAlert[] {
  const byAlert = new Map<string, FiredAlert>();
  for (const [, alert, time, got] of output.matchAll(/alertname: (\w+), time: (\S+?),\s*\n\s*exp:\[\],\s*\n\s*got:\[([\s\S]*?)\n\s*\]/g)) {
    const atS = promtoolDurationS(time as string);
    const severity = /severity="(\w+)"/.exec(got as string)?.[1] ?? "unknown";
    const known = byAlert.get(alert as string);
    if (known === undefined) byAlert.set(alert as string, { alert: alert as string, severity, firstFiringS: atS, evaluationsFiring: 1 });
    else {
      known.firstFiringS = Math.min(known.firstFiringS, atS);
      known.evaluationsFiring += 1;
    }
  }
  return [...byAlert.values()].sort((a, b) => a.firstFiringS - b.firstFiringS);
}

/** Options of {@link judgeAlerts}. */
export interface JudgeAlertsOptions {
  /** The recording's scrape interval, ms. */
  intervalMs: number;
  /** The rule file (default {@link ALERT_RULES_PATH}). */
  rulesPath?: string;
  /** promtool (default: the first of {@link PROMTOOL_PATHS} that exists). */
  promtoolPath?: string;
}

/** Runs every rule over the recording with promtool and returns what fired. */
export async function judgeAlerts(recording: MetricsRecording, options: JudgeAlertsOptions): Promise<AlertVerdict> {
  const promtool = options.promtoolPath ?? findPromtool();
  if (promtool === null) return { judged: false, reason: "promtool not installed (apt-get install -y --no-install-recommends prometheus)" };
  if (recording.scrapes.length < 2) return { judged: false, reason: `the recording holds ${recording.scrapes.length} scrape(s); 2 or more are needed` };
  const rulesPath = options.rulesPath ?? ALERT_RULES_PATH;
  const alerts = alertNamesOf(readFileSync(rulesPath, "utf8"));
  const first = (recording.scrapes[0] as { atMs: number }).atMs;
  const last = (recording.scrapes[recording.scrapes.length - 1] as { atMs: number }).atMs;
  const slots = Math.round((last - first) / options.intervalMs) + 1;
  const step = Math.ceil(slots / ALERT_EVALUATIONS_MAX);
  const evaluationSlots = Array.from({ length: Math.ceil(slots / step) }, (_, index) => index * step);
  const intervalS = options.intervalMs / 1_000;
  const test = {
    rule_files: [rulesPath],
    evaluation_interval: `${intervalS}s`,
    tests: [
      {
        interval: `${intervalS}s`,
        input_series: promtoolInputSeries(recording, { intervalMs: options.intervalMs, labels: RECORDING_LABELS }),
        alert_rule_test: alerts.flatMap((alertname) => evaluationSlots.map((slot) => ({ eval_time: `${slot * intervalS}s`, alertname, exp_alerts: [] }))),
      },
    ],
  };
  const scratch = mkdtempSync(join(tmpdir(), "judge-alerts-"));
  try {
    const path = join(scratch, "recording.test.json");
    writeFileSync(path, JSON.stringify(test));
    const { code, output } = await runPromtool(["test", "rules", path], { promtoolPath: promtool });
    const fired = firedFromPromtoolOutput(output);
    if (code !== 0 && fired.length === 0) return { judged: false, reason: `promtool failed: ${output.trim().split("\n").slice(-3).join(" ").slice(0, 300)}` };
    return { judged: true, rules: alerts.length, evaluations: evaluationSlots.length, fired };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
