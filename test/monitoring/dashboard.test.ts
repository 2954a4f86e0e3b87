/**
 * monitoring/dashboard.json: a Grafana dashboard in the current schema whose every panel
 * query names only series a real running server exports (scraped here from its /metrics,
 * after a client connected and a run played so every family has samples), and whose
 * queries are valid PromQL (promtool checks them as recording rules).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startTestServer, waitFor, type TestClient, type TestServer } from "../server/serverTestKit.ts";
import { runPromtool } from "../../load/soak/judgeAlerts.ts";
import { PROMTOOL_SKIP_REASON } from "./promtoolKit.ts";

interface Target {
  refId: string;
  expr: string;
  datasource?: { type: string; uid: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  targets?: Target[];
  datasource?: { type: string; uid: string };
}

const dashboard = JSON.parse(readFileSync("monitoring/dashboard.json", "utf8")) as { schemaVersion: number; uid: string; title: string; panels: Panel[] };
const queryPanels = dashboard.panels.filter((panel) => panel.type !== "row");
const queries = queryPanels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })));

const PROMQL_WORDS = new Set(["and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left", "group_right", "inf", "nan"]);

/** The series names a PromQL query reads: identifiers that are not functions, keywords, labels or Grafana variables. */
function seriesNamesOf(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, "")
    .replace(/\[[^\]]*\]/g, "")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, "")
    .replace(/\$\w+/g, "");
  const names = new Set<string>();
  for (const match of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*(\s*\()?/g)) {
    const [whole, call] = match;
    if (call !== undefined) continue;
    if (PROMQL_WORDS.has(whole.toLowerCase())) continue;
    names.add(whole);
  }
  return [...names];
}

describe("Grafana dashboard", () => {
  let server: TestServer;
  let client: TestClient;
  let exported: Set<string>;
  beforeAll(async () => {
    server = await startTestServer();
    client = await server.connect("dashboard-user");
    const runId = await client.startRun("dashboard-run");
    await waitFor(() => client.runCompleted(runId), 5_000, "the run");
    const text = await (await fetch(`${server.address.httpUrl}/metrics`)).text();
    exported = new Set(text.split("\n").filter((line) => line !== "" && !line.startsWith("#")).map((line) => /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0] as string));
  });
  afterAll(async () => {
    await client.close();
    await server.close();
  });

  test("current schema, a uid, unique panel ids, every panel with a query and a Prometheus data source", () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(39);
    expect(dashboard.uid).toMatch(/^[a-z0-9-]{1,40}$/);
    expect(new Set(dashboard.panels.map((panel) => panel.id)).size).toBe(dashboard.panels.length);
    expect(queryPanels.length).toBeGreaterThanOrEqual(10);
    for (const panel of queryPanels) {
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      expect(panel.datasource?.type, panel.title).toBe("prometheus");
      expect(panel.gridPos.x + panel.gridPos.w, panel.title).toBeLessThanOrEqual(24);
    }
  });

  test("the checklist's metrics all have a panel", () => {
    const read = new Set(queries.flatMap((query) => seriesNamesOf(query.expr)));
    for (const name of [
      "agent_ws_connections",
      "agent_ws_events_published_total",
      "agent_ws_send_attempts_total",
      "agent_ws_send_failures_total",
      "agent_ws_delivery_latency_ms_bucket",
      "agent_ws_delivery_latency_ms_sum",
      "agent_ws_replay_buffer_bytes",
      "agent_ws_replay_buffer_events",
      "agent_ws_run_silence_seconds_max",
      "agent_ws_connections_max",
    ]) {
      expect(read, name).toContain(name);
    }
  });

  test("every series a panel query reads is one the running server exports", () => {
    expect(exported.size).toBeGreaterThan(30);
    const missing = queries.flatMap((query) => seriesNamesOf(query.expr).filter((name) => !exported.has(name)).map((name) => `${query.panel}: ${name}`));
    expect(missing).toEqual([]);
    for (const query of queries) expect(seriesNamesOf(query.expr).length, query.expr).toBeGreaterThan(0);
  });

  test("the name extraction catches a misspelt series (the check above can fail)", () => {
    const names = seriesNamesOf('sum by (stage) (rate(agent_ws_send_failure_total{instance=~"$instance"}[$__rate_interval])) * 60');
    expect(names).toEqual(["agent_ws_send_failure_total"]);
    expect(exported.has("agent_ws_send_failure_total")).toBe(false);
  });

  test.skipIf(PROMTOOL_SKIP_REASON !== null)("every query is valid PromQL (promtool check rules, Grafana's variables filled in)", async () => {
    const scratch = mkdtempSync(join(tmpdir(), "dashboard-promql-"));
    try {
      const rules = queries.map((query, index) => {
        const expr = query.expr.replaceAll("$__rate_interval", "5m").replaceAll("$instance", ".*");
        return `      - record: dashboard:query_${index}\n        expr: ${JSON.stringify(expr)}`;
      });
      const path = join(scratch, "dashboard-queries.yml");
      writeFileSync(path, `groups:\n  - name: dashboard\n    rules:\n${rules.join("\n")}\n`);
      const result = await runPromtool(["check", "rules", path]);
      expect(result.output).toContain(`SUCCESS: ${queries.length} rules found`);
      expect(result.code).toBe(0);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
