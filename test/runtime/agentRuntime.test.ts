/**
 * The fake agent runtime on virtual time (its ports are injected, so no server is
 * needed here; the server tests drive it over real WebSockets). Checks the guarantees
 * it makes by construction and its memory bounds.
 */
import { describe, expect, it } from "vitest";
import type { AgentEventDraft } from "../../protocol/frames.ts";
import { agentScriptSchema } from "../../server/runtime/agentScript.ts";
import { createAgentRuntime } from "../../server/runtime/createAgentRuntime.ts";
import { DEFAULT_SCRIPTS } from "../../server/runtime/defaultScripts.ts";
import type { RequestClaims } from "../../server/ports/requestClaims.ts";
import { createRandom } from "../../sim/core/createRandom.ts";
import { createSimIdSource } from "../../sim/core/createSimIdSource.ts";
import { createVirtualTime } from "../../sim/core/createVirtualTime.ts";

function world(limits: Parameters<typeof createAgentRuntime>[0]["limits"] = {}, requestClaims?: RequestClaims) {
  const time = createVirtualTime();
  const published: Array<{ userId: string; draft: AgentEventDraft; atMs: number }> = [];
  const longTool = agentScriptSchema.parse({
    name: "long",
    agentType: "researcher",
    steps: [{ kind: "tool", name: "crawl", args: { depth: 3 }, durationMs: 7_000, result: "done" }],
    finalResponse: "ok",
  });
  const runtime = createAgentRuntime({
    clock: time,
    scheduler: time,
    ids: createSimIdSource(createRandom(1)),
    publish: (userId, draft) => published.push({ userId, draft, atMs: time.nowMs() }),
    scripts: new Map([["long", longTool]]),
    defaultScriptName: "long",
    limits,
    ...(requestClaims === undefined ? {} : { requestClaims }),
  });
  const start = (userId: string, requestId: string) => runtime.startRun(userId, { type: "start_agent", request_id: requestId, agent_type: "t", message: "m" });
  return { time, published, runtime, start };
}

describe("agent runtime", () => {
  it("thinks before a script's first tool and at least every thinkingIntervalMs while the tool runs", () => {
    const { time, published, start } = world();
    start("u1", "q1");
    time.runUntilIdle({ maxSteps: 10_000, untilMs: time.nowMs() + 60_000 });
    const types = published.map((entry) => entry.draft.type);
    expect(types.slice(0, 3)).toEqual(["agent_started", "agent_thinking", "tool_executing"]);
    expect(types.at(-1)).toBe("agent_completed");
    const gaps = published.slice(1).map((entry, index) => entry.atMs - (published[index] as { atMs: number }).atMs);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(1_500);
    expect(types.filter((type) => type === "agent_thinking").length).toBeGreaterThanOrEqual(5);
  });

  it("starts one run per request_id, and forgets the request ids of the least recently active users past requestIdUsersMax", () => {
    const { start } = world({ requestIdUsersMax: 2 });
    expect(start("a", "q1")).toHaveProperty("runId");
    expect(start("a", "q1")).toEqual({ duplicate: true });
    start("b", "q1");
    start("c", "q1");
    // a was the least recently active of three users with a bound of two: its ids are forgotten.
    expect(start("a", "q1")).toHaveProperty("runId");
    expect(start("c", "q1")).toEqual({ duplicate: true });
  });

  it("with request claims (several instances), a run starts only when its claim is won: once per request id across runtimes", () => {
    // The claim store shared by two instances' runtimes: the boundary Redis stands behind
    // (test/redis/redisBroker.test.ts runs the real one); answers are held until released.
    const claimed = new Set<string>();
    const held: Array<() => void> = [];
    const claims: RequestClaims = {
      leaseMs: 2_000,
      started: () => undefined,
      claim: ({ userId, requestId }, done) =>
        held.push(() => {
          const key = `${userId} ${requestId}`;
          done(claimed.has(key) ? "taken" : "won");
          claimed.add(key);
        }),
    };
    const a = world({ activeRunsPerUserMax: 2 }, claims);
    const b = world({}, claims);
    expect(a.start("u", "q1")).toEqual({ claiming: true });
    expect(a.start("u", "q1")).toEqual({ duplicate: true });
    expect(b.start("u", "q1")).toEqual({ claiming: true });
    // Pending claims count against the active-run limit.
    expect(a.start("u", "q2")).toEqual({ claiming: true });
    expect(a.start("u", "q3")).toHaveProperty("error");
    expect(a.published).toEqual([]);
    for (const release of held.splice(0)) release();
    const startedOn = (side: typeof a) => side.published.filter((entry) => entry.draft.type === "agent_started").length;
    expect([startedOn(a), startedOn(b)]).toEqual([2, 0]);
    // A claim answered after the runtime stopped starts nothing.
    expect(b.start("u", "q4")).toEqual({ claiming: true });
    b.runtime.stop();
    for (const release of held.splice(0)) release();
    expect(startedOn(b)).toBe(0);
  });

  it("frees a claim's place under activeRunsPerUserMax once it is answered, won or taken", () => {
    const answers: Array<() => void> = [];
    const claims: RequestClaims = { leaseMs: 2_000, started: () => undefined, claim: ({ requestId }, done) => answers.push(() => done(requestId.startsWith("taken") ? "taken" : "won")) };
    const { time, start } = world({ activeRunsPerUserMax: 2 }, claims);
    expect(start("u", "won-1")).toEqual({ claiming: true });
    expect(start("u", "taken-1")).toEqual({ claiming: true });
    expect(start("u", "q-over")).toEqual({ error: "request_id: this user already has 2 active runs (limit 2)" });
    for (const answer of answers.splice(0)) answer();
    // One run going (won-1), nothing left pending (taken-1 runs elsewhere): one place free.
    expect(start("u", "won-2")).toEqual({ claiming: true });
    expect(start("u", "q-over-2")).toEqual({ error: "request_id: this user already has 2 active runs (limit 2)" });
    for (const answer of answers.splice(0)) answer();
    time.runUntilIdle({ maxSteps: 10_000, untilMs: time.nowMs() + 60_000 });
    // Both runs ended: both places are free again.
    expect(start("u", "won-3")).toEqual({ claiming: true });
    expect(start("u", "won-4")).toEqual({ claiming: true });
  });

  it("refuses a start_agent naming an unknown script, naming it and the scripts it knows", () => {
    const time = createVirtualTime();
    const published: AgentEventDraft[] = [];
    const runtime = createAgentRuntime({ clock: time, scheduler: time, ids: createSimIdSource(createRandom(1)), publish: (_userId, draft) => published.push(draft), scripts: DEFAULT_SCRIPTS });
    const frame = { type: "start_agent", request_id: "q1", agent_type: "t", message: "m", scenario: "nope" } as const;
    expect(runtime.startRun("u1", frame)).toEqual({ error: 'scenario: unknown script "nope" (known: golden-path, quick)' });
    // A name is quoted at most 64 characters long, however long the frame's is.
    expect(runtime.startRun("u1", { ...frame, request_id: "q2", scenario: "x".repeat(500) })).toEqual({ error: `scenario: unknown script "${"x".repeat(64)}" (known: golden-path, quick)` });
    expect(published).toEqual([]);
  });

  it("refuses a run past activeRunsPerUserMax and accepts one again after a run ends", () => {
    const { time, start } = world({ activeRunsPerUserMax: 1 });
    expect(start("u1", "q1")).toHaveProperty("runId");
    expect(start("u1", "q2")).toEqual({ error: "request_id: this user already has 1 active runs (limit 1)" });
    time.runUntilIdle({ maxSteps: 10_000, untilMs: time.nowMs() + 60_000 });
    expect(start("u1", "q3")).toHaveProperty("runId");
  });
});
