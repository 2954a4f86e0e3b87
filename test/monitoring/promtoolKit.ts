/**
 * Runs the real `promtool` (Debian's `prometheus` package; `.ci/run` installs it). Tests
 * skip, saying so, only when it is absent outside CI; under CI (CI=true) its absence fails.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { ALERT_RULES_PATH, alertNamesOf, PROMTOOL_PATHS } from "../../server/soak/judgeAlerts.ts";

/** Where Debian puts promtool. */
export const PROMTOOL = PROMTOOL_PATHS.find((path) => existsSync(path)) ?? null;

/** The reason to skip, or null when promtool is here (or CI demands it and the test must fail). */
export const PROMTOOL_SKIP_REASON =
  PROMTOOL === null && process.env["CI"] !== "true"
    ? "promtool not installed: apt-get install -y --no-install-recommends prometheus (CI installs it and never skips)"
    : null;

if (PROMTOOL_SKIP_REASON !== null) process.stderr.write(`test/monitoring: skipped: ${PROMTOOL_SKIP_REASON}\n`);

/** The shipped rule file and its unit tests. */
export const ALERTS_PATH = ALERT_RULES_PATH;
export const RULE_TESTS_DIR = resolve("monitoring/tests");

/** What a promtool run printed, and its exit code. */
export interface PromtoolResult {
  code: number;
  output: string;
}

/** Runs promtool with `args` (bounded to 60 s); never throws on a non-zero exit. */
export function runPromtool(args: readonly string[], options: { cwd?: string } = {}): Promise<PromtoolResult> {
  if (PROMTOOL === null) throw new Error("promtool is not installed: apt-get install -y --no-install-recommends prometheus");
  return new Promise((done) => {
    execFile(PROMTOOL, [...args], { timeout: 60_000, cwd: options.cwd }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
      done({ code, output: `${stdout}${stderr}` });
    });
  });
}

/** The alert names of a rule file, in order (one definition, shared with the soak's verdict). */
export const alertNames = alertNamesOf;

/** A Prometheus duration (`30s`, `5m`, `1h`) in ms. */
export function durationMs(text: string): number {
  const match = /^(\d+)(ms|s|m|h)$/.exec(text);
  if (match === null) throw new Error(`not a simple Prometheus duration: "${text}"`);
  const unitMs = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[match[2] as "ms" | "s" | "m" | "h"];
  return Number(match[1]) * unitMs;
}

/** A duration in ms as Prometheus writes it (whole seconds). */
export function promDuration(ms: number): string {
  return `${Math.round(ms / 1_000)}s`;
}

/** Each alert's `expr`, as written (a one-line `expr:` or an indented `expr: |` block). */
export function alertExpressions(rulesText: string): Map<string, string> {
  const expressions = new Map<string, string>();
  const lines = rulesText.split("\n");
  let alert: string | null = null;
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] as string;
    const named = /^\s*- alert: (\w+)$/.exec(line);
    if (named !== null) alert = named[1] as string;
    const expr = /^(\s*)expr: (.*)$/.exec(line);
    if (expr === null || alert === null) continue;
    if (expr[2] !== "|") {
      expressions.set(alert, expr[2] as string);
      continue;
    }
    const indent = (expr[1] as string).length;
    const body: string[] = [];
    while (index + 1 < lines.length && /^\s*$|^\s+/.test(lines[index + 1] as string) && ((lines[index + 1] as string).search(/\S/) > indent || (lines[index + 1] as string).trim() === "")) {
      index += 1;
      body.push((lines[index] as string).trim());
    }
    expressions.set(alert, body.filter((part) => part !== "").join(" "));
  }
  return expressions;
}
