/**
 * Runs the real `promtool` (Debian's `prometheus` package; `.ci/run` installs it). Tests
 * skip, saying so, only when it is absent outside CI; under CI (CI=true) its absence fails.
 */
import { resolve } from "node:path";
import { findPromtool } from "../../load/soak/judgeAlerts.ts";

/** Where Debian puts promtool (the soak's own lookup), or null. */
export const PROMTOOL = findPromtool();

/** The reason to skip, or null when promtool is here (or CI demands it and the test must fail). */
export const PROMTOOL_SKIP_REASON =
  PROMTOOL === null && process.env["CI"] !== "true"
    ? "promtool not installed: apt-get install -y --no-install-recommends prometheus (CI installs it and never skips)"
    : null;

if (PROMTOOL_SKIP_REASON !== null) process.stderr.write(`test/monitoring: skipped: ${PROMTOOL_SKIP_REASON}\n`);

/** The shipped rule file's unit tests (the rule file itself: ALERT_RULES_PATH in load/soak/judgeAlerts.ts). */
export const RULE_TESTS_DIR = resolve("monitoring/tests");

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
