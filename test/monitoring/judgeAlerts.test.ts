/**
 * The soak's alert verdict: promtool's failure report read back, and the goal's rule
 * (healthy: nothing may fire; a planted stall of 65 s or more: exactly AgentWsRunSilent).
 */
import { describe, expect, test } from "vitest";
import { alertNamesOf, firedFromPromtoolOutput, promtoolDurationS, type AlertVerdict } from "../../load/soak/judgeAlerts.ts";
import { judgeAlertGoal } from "../../load/soak/judgeSoak.ts";

const FAILED = `Unit Testing:  /tmp/x.json
  FAILED:
    alertname: AgentWsRunSilent, time: 1m5s, 
        exp:[], 
        got:[
            0:
              Labels:{alertname="AgentWsRunSilent", instance="soak", job="agent-ws", severity="critical"}
              Annotations:{runbook="docs/monitoring.md#agentwsrunsilent", summary="x"}
            ]
    alertname: AgentWsRunSilent, time: 1m, 
        exp:[], 
        got:[
            0:
              Labels:{alertname="AgentWsRunSilent", instance="soak", job="agent-ws", severity="critical"}
              Annotations:{runbook="docs/monitoring.md#agentwsrunsilent", summary="x"}
            ]
    alertname: AgentWsSlowConsumerCuts, time: 2h0m5s, 
        exp:[], 
        got:[
            0:
              Labels:{alertname="AgentWsSlowConsumerCuts", instance="soak", job="agent-ws", severity="warning"}
              Annotations:{runbook="docs/monitoring.md#agentwsslowconsumercuts", summary="y"}
            ]
`;

const judged = (fired: string[]): AlertVerdict => ({
  judged: true,
  rules: 9,
  evaluations: 20,
  fired: fired.map((alert) => ({ alert, severity: "critical", firstFiringS: 60, evaluationsFiring: 2 })),
});

describe("alert verdicts", () => {
  test("promtool's failure report becomes each alert fired, its severity, first time and count", () => {
    expect(firedFromPromtoolOutput(FAILED)).toEqual([
      { alert: "AgentWsRunSilent", severity: "critical", firstFiringS: 60, evaluationsFiring: 2 },
      { alert: "AgentWsSlowConsumerCuts", severity: "warning", firstFiringS: 7205, evaluationsFiring: 1 },
    ]);
    expect(firedFromPromtoolOutput("Unit Testing:  /tmp/x.json\n  SUCCESS\n")).toEqual([]);
    expect(promtoolDurationS("1h2m3s")).toBe(3723);
    expect(promtoolDurationS("500ms")).toBe(0.5);
  });

  test("alert names come from the rule file's own layout", () => {
    expect(alertNamesOf("groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: x\n      - alert: B\n")).toEqual(["A", "B"]);
  });

  test.each([
    ["healthy, nothing fired", judged([]), null, true],
    ["healthy, the silence alert fired", judged(["AgentWsRunSilent"]), null, false],
    ["70 s stall, the silence alert fired", judged(["AgentWsRunSilent"]), { durationMs: 70_000 }, true],
    ["70 s stall, nothing fired", judged([]), { durationMs: 70_000 }, false],
    ["70 s stall, the silence alert and another fired", judged(["AgentWsRunSilent", "AgentWsDeliveryFailureRate"]), { durationMs: 70_000 }, false],
    ["20 s stall, nothing fired", judged([]), { durationMs: 20_000 }, true],
    ["20 s stall, the silence alert fired", judged(["AgentWsRunSilent"]), { durationMs: 20_000 }, false],
  ] as const)("%s: goal met = %s", (_name, verdict, stall, ok) => {
    expect(judgeAlertGoal(verdict, stall).ok).toBe(ok);
  });

  test("not judged is said, not failed", () => {
    expect(judgeAlertGoal({ judged: false, reason: "promtool not installed" }, null)).toMatchObject({ ok: true, observed: "not judged: promtool not installed" });
    expect(judgeAlertGoal(null, null).observed).toMatch(/no \/metrics recording/);
  });
});
