/**
 * monitoring/alerts.yml through the real promtool: the file is valid, every rule's unit
 * tests pass (it fires when its condition has held for its `for:`, stays silent on healthy
 * series), every rule has such tests and a runbook section, and the tests can fail: with
 * any rule's `for:` one evaluation interval shorter, its "not a moment before" case breaks.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { ALERT_RULES_PATH, alertNamesOf, promtoolDurationS, runPromtool } from "../../load/soak/judgeAlerts.ts";
import { promDuration, PROMTOOL_SKIP_REASON, RULE_TESTS_DIR } from "./promtoolKit.ts";

/** A Prometheus duration (`30s`, `5m`) in ms, with the soak verdict's own parser. */
const durationMs = (text: string): number => promtoolDurationS(text) * 1_000;

const rulesText = readFileSync(ALERT_RULES_PATH, "utf8");
const alerts = alertNamesOf(rulesText);
const testFiles = readdirSync(RULE_TESTS_DIR).filter((name) => name.endsWith(".test.yml")).sort();
const testTexts = new Map(testFiles.map((name) => [name, readFileSync(join(RULE_TESTS_DIR, name), "utf8")]));

/** The rule block of one alert: from its `- alert:` line to the next one. */
function ruleBlock(alert: string): string {
  const start = rulesText.indexOf(`- alert: ${alert}\n`);
  const next = rulesText.indexOf("- alert: ", start + 1);
  return rulesText.slice(start, next === -1 ? undefined : next);
}

/** The test files that check `alert` (an alert_rule_test naming it). */
function testsOf(alert: string): string[] {
  return testFiles.filter((name) => (testTexts.get(name) as string).includes(`alertname: ${alert}\n`));
}

describe("alert rules: static facts", () => {
  test("the four checklist conditions and the obvious ones are all there", () => {
    expect(alerts).toEqual(
      expect.arrayContaining([
        "AgentWsRunSilent",
        "AgentWsDeliveryFailureRate",
        "AgentWsConnectionPoolExhausted",
        "AgentWsEventQueueGrowth",
        "AgentWsHeartbeatTimeouts",
        "AgentWsSlowConsumerCuts",
        "AgentWsAuthFailureSpike",
      ]),
    );
  });

  test.each(alerts)("%s has for:, a severity, a summary and a runbook section that exists", (alert) => {
    const block = ruleBlock(alert);
    expect(block).toMatch(/\n\s+for: \d+[smh]\n/);
    expect(block).toMatch(/\n\s+severity: (critical|warning)\n/);
    expect(block).toMatch(/\n\s+summary: ".+"\n/);
    const anchor = /\n\s+runbook: "docs\/monitoring\.md#([a-z0-9-]+)"\n/.exec(block)?.[1];
    expect(anchor).toBe(alert.toLowerCase());
    expect(readFileSync("docs/monitoring.md", "utf8")).toContain(`\n## ${alert}\n`);
  });

  test.each(alerts)("%s has a unit test where it fires and one where it stays silent", (alert) => {
    const files = testsOf(alert);
    expect(files.length).toBeGreaterThan(0);
    const texts = files.map((name) => testTexts.get(name) as string).join("\n");
    const cases = texts.split(/\n\s+- eval_time: /).filter((part) => part.includes(`alertname: ${alert}\n`));
    expect(cases.some((part) => /exp_alerts:\n\s+- exp_labels:/.test(part))).toBe(true);
    expect(cases.some((part) => /exp_alerts: \[\]/.test(part))).toBe(true);
  });
});

describe.skipIf(PROMTOOL_SKIP_REASON !== null)("alert rules through promtool", () => {
  const scratch = mkdtempSync(join(tmpdir(), "alert-rules-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  test("promtool check rules accepts the file", async () => {
    const result = await runPromtool(["check", "rules", ALERT_RULES_PATH]);
    expect(result.output).toContain(`SUCCESS: ${alerts.length} rules found`);
    expect(result.code).toBe(0);
  });

  test("promtool test rules passes every unit test file", async () => {
    const result = await runPromtool(["test", "rules", ...testFiles.map((name) => join(RULE_TESTS_DIR, name))]);
    expect(result.output).not.toContain("FAILED");
    expect(result.output.match(/SUCCESS/g)?.length).toBe(testFiles.length);
    expect(result.code).toBe(0);
  });

  test.each(alerts)("%s's tests fail when its for: is one evaluation interval shorter (they pin the moment it fires)", async (alert) => {
    const block = ruleBlock(alert);
    const forText = /\n\s+for: (\S+)\n/.exec(block)?.[1] as string;
    const [testFile] = testsOf(alert) as [string];
    const intervalMs = durationMs(/^evaluation_interval: (\S+)$/m.exec(testTexts.get(testFile) as string)?.[1] as string);
    const shorter = promDuration(durationMs(forText) - intervalMs);
    const dir = join(scratch, alert);
    cpSync(RULE_TESTS_DIR, join(dir, "tests"), { recursive: true });
    writeFileSync(join(dir, "alerts.yml"), rulesText.replace(block, block.replace(`for: ${forText}\n`, `for: ${shorter}\n`)));
    const result = await runPromtool(["test", "rules", join(dir, "tests", testFile)]);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain(`alertname: ${alert}`);
  });
});
