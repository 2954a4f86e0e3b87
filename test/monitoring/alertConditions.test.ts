/**
 * One source of truth: server/monitoring/alertConditions.ts restates no number that
 * monitoring/alerts.yml does not hold. Every row's comparison, range and `for:` are read
 * back from the rules file (no promtool needed), and the check can fail.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { ALERT_CONDITION_KEYS, ALERT_CONDITIONS, RUN_SILENCE_FIRES_MS, type AlertCondition } from "../../server/monitoring/alertConditions.ts";
import { ALERT_RULES_PATH, promtoolDurationS } from "../../load/soak/judgeAlerts.ts";
import { alertExpressions } from "./promtoolKit.ts";

const rulesText = readFileSync(ALERT_RULES_PATH, "utf8");

/** The `for:` of `alert` in `text`, s; null when the rule or its `for:` is missing. */
function forSecondsOf(text: string, alert: string): number | null {
  const start = text.indexOf(`- alert: ${alert}\n`);
  if (start === -1) return null;
  const next = text.indexOf("- alert: ", start + 1);
  const found = /\n\s+for: (\S+)\n/.exec(text.slice(start, next === -1 ? undefined : next));
  return found === null ? null : promtoolDurationS(found[1] as string);
}

/** A range as PromQL writes it: `[5m]`, `[90s]`. */
function promRange(seconds: number): string {
  return seconds % 60 === 0 ? `[${seconds / 60}m]` : `[${seconds}s]`;
}

/** What is wrong with `row` against the rules `text`, in words; [] when it agrees. */
function disagreements(row: AlertCondition, text: string): string[] {
  const expr = alertExpressions(text).get(row.alert);
  if (expr === undefined) return [`${row.alert}: no such rule`];
  const problems: string[] = [];
  if (!expr.includes(row.exprComparison)) problems.push(`${row.alert}: expr "${expr}" does not contain "${row.exprComparison}"`);
  if (row.threshold !== null && !row.exprComparison.endsWith(` ${row.threshold}`)) problems.push(`${row.alert}: threshold ${row.threshold} is not the comparison's number`);
  if (row.rangeS > 0 && !expr.includes(promRange(row.rangeS))) problems.push(`${row.alert}: expr reads no ${promRange(row.rangeS)} range`);
  if (row.rangeS === 0 && /\[\d+[smh]\]/.test(expr)) problems.push(`${row.alert}: expr reads a range, the table says an instant gauge`);
  const forS = forSecondsOf(text, row.alert);
  if (forS !== row.forS) problems.push(`${row.alert}: for: is ${forS} s in the rules, ${row.forS} s in the table`);
  return problems;
}

describe("alert conditions table (server/monitoring/alertConditions.ts)", () => {
  test("names the checklist's four conditions", () => {
    expect(ALERT_CONDITION_KEYS.map((key) => ALERT_CONDITIONS[key].alert)).toEqual(["AgentWsRunSilent", "AgentWsDeliveryFailureRate", "AgentWsConnectionPoolExhausted", "AgentWsEventQueueGrowth"]);
  });

  test.each(ALERT_CONDITION_KEYS)("%s agrees with monitoring/alerts.yml", (key) => {
    expect(disagreements(ALERT_CONDITIONS[key], rulesText)).toEqual([]);
  });

  test("a run silent 60 s fires the stall alert (30 s over the threshold, then the for:)", () => {
    expect(RUN_SILENCE_FIRES_MS).toBe(60_000);
  });

  test("the check can fail: a changed threshold, range or for: in the rules is named", () => {
    const row = ALERT_CONDITIONS.deliveryFailureRate;
    expect(disagreements(row, rulesText.replace("> 0.01", "> 0.02"))).toEqual([expect.stringContaining('does not contain "rate(agent_ws_send_attempts_total[5m]) > 0.01"')]);
    expect(disagreements(ALERT_CONDITIONS.runSilent, rulesText.replace("for: 30s\n        labels:\n          severity: critical\n        annotations:\n          summary: \"An agent run", "for: 45s\n        labels:\n          severity: critical\n        annotations:\n          summary: \"An agent run"))).toEqual([
      "AgentWsRunSilent: for: is 45 s in the rules, 30 s in the table",
    ]);
    expect(disagreements({ ...ALERT_CONDITIONS.eventQueueGrowth, rangeS: 600 }, rulesText)).toEqual(["AgentWsEventQueueGrowth: expr reads no [10m] range"]);
  });
});
