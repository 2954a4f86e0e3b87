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

/** A tool first: the runtime's own planning agent_thinking comes before it. */
const TOOL_FIRST: AgentScript = { ...SCRIPT, steps: [SCRIPT.steps[1] as AgentScript["steps"][number]] };

const FAILING: AgentScript = { ...SCRIPT, steps: [SCRIPT.steps[0] as AgentScript["steps"][number], { ...(SCRIPT.steps[1] as Extract<AgentScript["steps"][number], { kind: "tool" }>), outcome: "error" }] };

const TIMING_OUT: AgentScript = {
  ...SCRIPT,
  steps: [SCRIPT.steps[0] as AgentScript["steps"][number], { ...(SCRIPT.steps[1] as Extract<AgentScript["steps"][number], { kind: "tool" }>), outcome: "timeout", timeoutMs: 50 }],
};

const TOOL: Extract<AgentScript["steps"][number], { kind: "tool" }> = { kind: "tool", name: "query", args: { q: 1 }, durationMs: 200, result: "rows", outcome: "ok", severity: "high" };
/** Two tools and no think step: the runtime plans before the first tool only. */
const TWO_TOOLS: AgentScript = { name: "s", agentType: "analyst", steps: [TOOL, { ...TOOL, name: "fetch" }], finalResponse: "Done" };
/** A partial, then a tool: a heartbeat during the partial's delay is the run's thinking, so no planning line follows. */
const PARTIAL_THEN_TOOL: AgentScript = { name: "s", agentType: "analyst", steps: [{ kind: "partial", content: "Half", delayMs: 200 }, TOOL], finalResponse: "Done" };

const STARTED = { type: "agent_started" } as const;
const THINK = { type: "agent_thinking", text: "Plan" } as const;
const PLANNING = { type: "agent_thinking", text: "Planning: calling query." } as const;
const HEARTBEAT = { type: "agent_thinking", text: "Still working (2 s elapsed)." } as const;
const EXECUTING = { type: "tool_executing", toolName: "query" } as const;
const COMPLETED_OK = { type: "tool_completed", toolName: "query", status: "ok" } as const;
const COMPLETED_ERROR = { type: "tool_completed", toolName: "query", status: "error" } as const;
const PARTIAL = { type: "partial_result", text: "Half" } as const;
const ERROR_EVENT = { type: "error_event" } as const;
const done = (status: string) => ({ type: "agent_completed", status }) as const;

/** An event and the virtual ms it was emitted at. */
type Timed = readonly [Omit<PlayedEvent, "atMs">, number];

/** SCRIPT played exactly, heartbeats off (the interval is longer than the run). */
const PLAYED: Timed[] = [[STARTED, 0], [THINK, 0], [EXECUTING, 100], [COMPLETED_OK, 300], [PARTIAL, 300], [done("success"), 300]];

function judge(events: readonly Timed[], options: { script?: AgentScript; runDurationMsMax?: number; thinkingIntervalMs?: number; endedByLease?: boolean } = {}): string[] {
  const played = events.map(([event, atMs]) => ({ ...event, atMs }));
  const scriptOfRun = new Map([["r-1", options.script ?? SCRIPT]]);
  return judgeScriptFidelity(new Map([["r-1", { userId: "u1", events: played }]]), {
    scriptOfRun,
    runDurationMsMax: options.runDurationMsMax ?? 30_000,
    thinkingIntervalMs: options.thinkingIntervalMs ?? 1_500,
    ...(options.endedByLease === true ? { endedByLease: new Set(["r-1"]) } : {}),
  }).map((finding) => finding.message);
}

describe("judgeScriptFidelity", () => {
  it("accepts a run that played its script at its times, with heartbeats exactly thinkingIntervalMs after the previous event (first on a tie)", () => {
    expect(judge(PLAYED)).toEqual([]);
    const beating: Timed[] = [[STARTED, 0], [THINK, 0], [HEARTBEAT, 80], [EXECUTING, 100], [HEARTBEAT, 180], [HEARTBEAT, 260], [COMPLETED_OK, 300], [PARTIAL, 300], [done("success"), 300]];
    expect(judge(beating, { thinkingIntervalMs: 80 })).toEqual([]);
    const tied: Timed[] = [[STARTED, 0], [THINK, 0], [HEARTBEAT, 100], [EXECUTING, 100], [HEARTBEAT, 200], [HEARTBEAT, 300], [COMPLETED_OK, 300], [PARTIAL, 300], [done("success"), 300]];
    expect(judge(tied, { thinkingIntervalMs: 100 })).toEqual([]);
    expect(judge([[STARTED, 0], [THINK, 0], [EXECUTING, 100], [COMPLETED_ERROR, 300], [ERROR_EVENT, 300], [done("error"), 300]], { script: FAILING })).toEqual([]);
  });

  it("flags a succeeding tool reported as failed", () => {
    expect(judge([[STARTED, 0], [THINK, 0], [EXECUTING, 100], [COMPLETED_ERROR, 300], [ERROR_EVENT, 300], [done("error"), 300]])).toEqual([
      "user u1 run r-1 (script s): step 2 of 3 (tool query, outcome ok): expected tool_completed of query with status ok, emitted tool_completed (error) (event 4 of 6)",
    ]);
  });

  it("flags a run completed with no step played, a missing tool step, a failed tool whose run goes on, and events after the end", () => {
    expect(judge([[STARTED, 0], [done("success"), 0]])).toEqual([
      "user u1 run r-1 (script s): step 1 of 3 (think): expected its agent_thinking, emitted agent_completed (success) (event 2 of 2)",
    ]);
    expect(judge([[STARTED, 0], [THINK, 0], [PARTIAL, 100], [done("success"), 100]])[0]).toContain("step 2 of 3 (tool query, outcome ok): expected tool_executing of query, emitted partial_result");
    expect(judge([[STARTED, 0], [THINK, 0], [EXECUTING, 100], [COMPLETED_ERROR, 300], [PARTIAL, 300], [done("success"), 300]], { script: FAILING })[0]).toContain(
      "the tool failed, so expected error_event then agent_completed (error) at once and nothing more, emitted [partial_result, agent_completed(success)]",
    );
    expect(judge([...PLAYED, [PARTIAL, 300]])).toEqual(["user u1 run r-1 (script s): 1 event(s) emitted after agent_completed"]);
  });

  it("flags a timing-out tool answered after its durationMs instead of its timeoutMs, and any step played off its time", () => {
    const timedOut = (atMs: number): Timed[] => [[STARTED, 0], [THINK, 0], [EXECUTING, 100], [COMPLETED_ERROR, atMs], [ERROR_EVENT, atMs], [done("error"), atMs]];
    expect(judge(timedOut(150), { script: TIMING_OUT })).toEqual([]);
    expect(judge(timedOut(300), { script: TIMING_OUT })).toEqual([
      "user u1 run r-1 (script s): step 2 of 2 (tool query, outcome timeout): its tool_completed came 200 ms after its tool_executing, expected 50 ms (its timeoutMs: the tool times out) (event 4 of 6)",
    ]);
    expect(judge([[STARTED, 0], [THINK, 0], [EXECUTING, 100], [COMPLETED_OK, 350], [PARTIAL, 350], [done("success"), 350]])[0]).toContain(
      "step 2 of 3 (tool query, outcome ok): its tool_completed came 250 ms after its tool_executing, expected 200 ms (its durationMs)",
    );
    expect(judge([[STARTED, 0], [THINK, 0], [EXECUTING, 90], [COMPLETED_OK, 290], [PARTIAL, 290], [done("success"), 290]])[0]).toContain(
      "step 2 of 3 (tool query, outcome ok): expected tool_executing of query at +100 ms into the run, emitted at +90 ms",
    );
    expect(judge([[STARTED, 0], [THINK, 0], [EXECUTING, 100], [COMPLETED_OK, 300], [PARTIAL, 300], [done("success"), 400]])[0]).toContain(
      "after the last step: expected agent_completed with status success at +300 ms into the run, emitted at +400 ms",
    );
  });

  it("requires the planning agent_thinking before a first tool exactly when nothing was thought yet, and flags it before any other tool", () => {
    const twoTools = (planningBeforeSecond: boolean): Timed[] => [
      [STARTED, 0],
      [PLANNING, 0],
      [EXECUTING, 0],
      [COMPLETED_OK, 200],
      ...(planningBeforeSecond ? [[{ type: "agent_thinking", text: "Planning: calling fetch." }, 200] as const] : []),
      [{ type: "tool_executing", toolName: "fetch" }, 200],
      [{ type: "tool_completed", toolName: "fetch", status: "ok" }, 400],
      [done("success"), 400],
    ];
    expect(judge(twoTools(false), { script: TWO_TOOLS })).toEqual([]);
    expect(judge(twoTools(true), { script: TWO_TOOLS })).toEqual([
      'user u1 run r-1 (script s): step 2 of 2 (tool fetch, outcome ok): expected tool_executing of fetch, emitted agent_thinking "Planning: calling fetch." (event 5 of 8)',
    ]);
    expect(judge([[STARTED, 0], [EXECUTING, 0], [COMPLETED_OK, 200], [done("success"), 200]], { script: TOOL_FIRST })[0]).toContain(
      "step 1 of 1 (tool query, outcome ok): expected the planning agent_thinking before a first tool, emitted tool_executing",
    );
    // After a think step the run has thought: a planning line there is one too many.
    expect(judge([[STARTED, 0], [THINK, 0], [PLANNING, 100], [EXECUTING, 100], [COMPLETED_OK, 300], [PARTIAL, 300], [done("success"), 300]])[0]).toContain(
      'step 2 of 3 (tool query, outcome ok): expected tool_executing of query, emitted agent_thinking "Planning: calling query."',
    );
    // A heartbeat during an earlier delay was the run's first thinking: no planning line (the tie at 200 ms: the heartbeat first).
    expect(judge([[STARTED, 0], [PARTIAL, 0], [HEARTBEAT, 100], [HEARTBEAT, 200], [EXECUTING, 200], [HEARTBEAT, 300], [HEARTBEAT, 400], [COMPLETED_OK, 400], [done("success"), 400]], { script: PARTIAL_THEN_TOOL, thinkingIntervalMs: 100 })).toEqual([]);
  });

  it("flags an agent_thinking off the heartbeat interval, and a silence longer than thinkingIntervalMs", () => {
    expect(judge([[STARTED, 0], [THINK, 0], [HEARTBEAT, 50], [EXECUTING, 100], [COMPLETED_OK, 300], [PARTIAL, 300], [done("success"), 300]])[0]).toContain(
      'step 2 of 3 (tool query, outcome ok): expected tool_executing of query, emitted agent_thinking "Still working (2 s elapsed)."',
    );
    expect(judge(PLAYED, { thinkingIntervalMs: 80 })[0]).toContain(
      "step 2 of 3 (tool query, outcome ok): 100 ms of silence before its tool_executing, past thinkingIntervalMs 80 (a heartbeat missing)",
    );
  });

  it("accepts the documented cuts: a cancel anywhere, the deadline exactly runDurationMsMax after the start, a dead instance's run ended by a survivor", () => {
    expect(judge([[STARTED, 0], [THINK, 0], [done("cancelled"), 42]])).toEqual([]);
    expect(judge([[STARTED, 0], [THINK, 0], [EXECUTING, 100], [COMPLETED_ERROR, 170], [done("cancelled"), 170]])).toEqual([]);
    expect(judge([[STARTED, 0], [THINK, 0], [EXECUTING, 100], [COMPLETED_ERROR, 300], [done("cancelled"), 300]], { script: FAILING })).toEqual([]);
    // The deadline: the cut is one moment, exactly runDurationMsMax after agent_started (a heartbeat at 1 600 ms keeps the run from going silent).
    const cutAt = (atMs: number): Timed[] => [[STARTED, 0], [THINK, 0], [EXECUTING, 100], [HEARTBEAT, 1_600], [ERROR_EVENT, atMs], [COMPLETED_ERROR, atMs], [done("error"), atMs]];
    expect(judge(cutAt(3_000), { runDurationMsMax: 3_000 })).toEqual([]);
    expect(judge(cutAt(2_999), { runDurationMsMax: 3_000 })).toHaveLength(1);
    expect(judge(cutAt(3_001), { runDurationMsMax: 3_000 })).toHaveLength(1);
    expect(judge([[STARTED, 0], [THINK, 0], [EXECUTING, 100], [COMPLETED_ERROR, 9_000], [ERROR_EVENT, 9_000], [done("error"), 9_000]], { endedByLease: true })).toEqual([]);
  });

  it("does not judge a run that never completed (liveness does)", () => {
    expect(judge([[STARTED, 0], [THINK, 0]])).toEqual([]);
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
