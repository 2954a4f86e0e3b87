/**
 * Script fidelity: the simulator judges each completed run's emitted events against the
 * script it was given. Unit cases on the judge (each departure flagged, each documented
 * cut and interleaved heartbeat quiet), then whole simulations with a runtime publish
 * port that lies about its steps, which the checker alone lets pass.
 */
import { describe, expect, it } from "vitest";
import type { PlantedBug } from "../../sim/bugZoo/PlantedBug.ts";
import { runSimulation } from "../../sim/runSimulation.ts";
import { loadScenario } from "../../sim/scenario/loadScenario.ts";
import { judgeScriptFidelity, type PlayedEvent } from "../../sim/settle/judgeScriptFidelity.ts";
import type { AgentScript } from "../../server/runtime/agentScript.ts";

const SCRIPT: AgentScript = {
  name: "s",
  agentType: "analyst",
  steps: [
    { kind: "think", content: "Plan", durationMs: 100 },
    { kind: "tool", name: "query", args: { q: 1 }, durationMs: 200, result: "rows", outcome: "ok", severity: "high" },
    { kind: "partial", content: "Half", delayMs: 0 },
  ],
  finalResponse: "Done",
};

const FAILING: AgentScript = { ...SCRIPT, steps: [SCRIPT.steps[0] as AgentScript["steps"][number], { ...(SCRIPT.steps[1] as Extract<AgentScript["steps"][number], { kind: "tool" }>), outcome: "error" }] };

let clockMs = 0;
function at(event: Omit<PlayedEvent, "atMs">, atMs?: number): PlayedEvent {
  clockMs = atMs ?? clockMs + 10;
  return { ...event, atMs: clockMs };
}

const STARTED = { type: "agent_started" } as const;
const THINK = { type: "agent_thinking", text: "Plan" } as const;
const HEARTBEAT = { type: "agent_thinking", text: "Still working (2 s elapsed)." } as const;
const EXECUTING = { type: "tool_executing", toolName: "query" } as const;
const COMPLETED_OK = { type: "tool_completed", toolName: "query", status: "ok" } as const;
const COMPLETED_ERROR = { type: "tool_completed", toolName: "query", status: "error" } as const;
const PARTIAL = { type: "partial_result", text: "Half" } as const;
const ERROR_EVENT = { type: "error_event" } as const;
const done = (status: string) => ({ type: "agent_completed", status }) as const;

function judge(events: Omit<PlayedEvent, "atMs">[], options: { script?: AgentScript; runDurationMsMax?: number; lastAtMs?: number } = {}): string[] {
  clockMs = 0;
  const played = events.map((event, index) => at(event, index === events.length - 1 ? options.lastAtMs : undefined));
  const scriptOfRun = new Map([["r-1", options.script ?? SCRIPT]]);
  return judgeScriptFidelity(new Map([["r-1", { userId: "u1", events: played }]]), { scriptOfRun, runDurationMsMax: options.runDurationMsMax ?? 30_000 }).map((finding) => finding.message);
}

describe("judgeScriptFidelity", () => {
  it("accepts a run that played its script, heartbeats anywhere included", () => {
    expect(judge([STARTED, THINK, EXECUTING, COMPLETED_OK, PARTIAL, done("success")])).toEqual([]);
    expect(judge([STARTED, HEARTBEAT, THINK, EXECUTING, HEARTBEAT, HEARTBEAT, COMPLETED_OK, PARTIAL, HEARTBEAT, done("success")])).toEqual([]);
    expect(judge([STARTED, THINK, EXECUTING, HEARTBEAT, COMPLETED_ERROR, ERROR_EVENT, done("error")], { script: FAILING })).toEqual([]);
  });

  it("flags a succeeding tool reported as failed", () => {
    expect(judge([STARTED, THINK, EXECUTING, COMPLETED_ERROR, ERROR_EVENT, done("error")])).toEqual([
      "user u1 run r-1 (script s): step 2 of 3 (tool query, outcome ok): expected tool_completed of query with status ok, emitted tool_completed (error) (event 4 of 6)",
    ]);
  });

  it("flags a run completed with no step played, a missing tool step, a failed tool whose run goes on, and events after the end", () => {
    expect(judge([STARTED, done("success")])).toEqual([
      "user u1 run r-1 (script s): step 1 of 3 (think): expected its agent_thinking, emitted agent_completed (success) (event 2 of 2)",
    ]);
    expect(judge([STARTED, THINK, PARTIAL, done("success")])[0]).toContain("step 2 of 3 (tool query, outcome ok): expected tool_executing of query, emitted partial_result");
    expect(judge([STARTED, THINK, EXECUTING, COMPLETED_ERROR, PARTIAL, done("success")], { script: FAILING })[0]).toContain(
      "the tool failed, so expected error_event then agent_completed (error) and nothing more, emitted [partial_result, agent_completed(success)]",
    );
    expect(judge([STARTED, THINK, EXECUTING, COMPLETED_OK, PARTIAL, done("success"), PARTIAL])).toEqual(["user u1 run r-1 (script s): 1 event(s) emitted after agent_completed"]);
  });

  // The run starts at 10 ms (the first event), so 3 010 ms is exactly the 3 000 ms deadline.
  it("accepts the documented cuts: a cancel anywhere, the deadline once the run is that old; and a failure ending too early is not the deadline", () => {
    expect(judge([STARTED, THINK, done("cancelled")])).toEqual([]);
    expect(judge([STARTED, THINK, EXECUTING, COMPLETED_ERROR, done("cancelled")])).toEqual([]);
    expect(judge([STARTED, THINK, EXECUTING, COMPLETED_ERROR, done("cancelled")], { script: FAILING })).toEqual([]);
    expect(judge([STARTED, THINK, EXECUTING, ERROR_EVENT, COMPLETED_ERROR, done("error")], { runDurationMsMax: 3_000, lastAtMs: 3_010 })).toEqual([]);
    expect(judge([STARTED, THINK, EXECUTING, ERROR_EVENT, COMPLETED_ERROR, done("error")], { runDurationMsMax: 3_000, lastAtMs: 3_009 })).toHaveLength(1);
  });

  it("does not judge a run that never completed (liveness does)", () => {
    expect(judge([STARTED, THINK])).toEqual([]);
  });
});

/** A publish port that rewrites what the runtime emits; the checker sees a valid protocol. */
function lyingRuntime(name: string, rewrite: (draft: Parameters<NonNullable<PlantedBug["wrapPublish"]>>[0] extends (userId: string, draft: infer D) => void ? D : never) => typeof draft | undefined): PlantedBug {
  return {
    name,
    description: name,
    expectedInvariant: "script fidelity",
    scenario: "golden-path.json",
    wrapPublish: (publish) => (userId, draft) => {
      const rewritten = rewrite(draft);
      if (rewritten !== undefined) publish(userId, rewritten);
    },
  };
}

describe("script fidelity in the simulator", () => {
  const goldenPath = loadScenario("scenarios/golden-path.json");

  it("passes the shipped golden path as it is", () => {
    const result = runSimulation(goldenPath, { seed: 3 });
    expect(result.outcome).toBe("pass");
    expect(result.scriptFidelity).toEqual([]);
  });

  it("fails a runtime that reports every succeeding tool as failed, which the checker alone passes", () => {
    const plant = lyingRuntime("tools-reported-failed", (draft) =>
      draft.type === "tool_completed" ? { ...draft, data: { ...draft.data, status: "error" } } : draft,
    );
    const result = runSimulation(goldenPath, { seed: 3, plant });
    expect(result.verdict?.ok).toBe(true);
    expect(result.outcome).toBe("safety");
    expect(result.scriptFidelity?.[0]?.message).toMatch(/expected tool_completed of \S+ with status ok, emitted tool_completed \(error\)/);
  });

  it("fails a runtime that completes its runs without playing a step", () => {
    const plant = lyingRuntime("steps-skipped", (draft) => (draft.type === "agent_started" || draft.type === "agent_completed" ? draft : undefined));
    const result = runSimulation(goldenPath, { seed: 3, plant });
    expect(result.outcome).toBe("safety");
    expect(result.scriptFidelity?.[0]?.message).toMatch(/step 1 of \d+ \(\w+\): expected /);
  });
});
