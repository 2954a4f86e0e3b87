/**
 * The wire answer to a repeated `request_id` (docs/mutation.md, mutant #996): the manager
 * sends back whatever `handleCommand` returns, and for a repeat that is nothing, as for any
 * accepted start; no second run starts. `startRun`'s own `{ duplicate: true }` is pinned in
 * agentRuntime.test.ts. A simulation cannot tell `{ duplicate: true }` from `{}` (both are no
 * answer), so this is where the repeat's answer is judged.
 */
import { describe, expect, it } from "vitest";
import type { AgentEventDraft, StartAgentFrame } from "../../protocol/frames.ts";
import { createAgentRuntime } from "../../server/runtime/createAgentRuntime.ts";
import { createRandom } from "../../sim/core/createRandom.ts";
import { createSimIdSource } from "../../sim/core/createSimIdSource.ts";
import { createVirtualTime } from "../../sim/core/createVirtualTime.ts";

describe("a repeated request_id on the wire", () => {
  it("is answered with nothing (no protocol_error) and starts no second run, while the first run goes on and after it ended", () => {
    const time = createVirtualTime();
    const published: AgentEventDraft[] = [];
    const runtime = createAgentRuntime({ clock: time, scheduler: time, ids: createSimIdSource(createRandom(1)), publish: (_userId, draft) => published.push(draft) });
    const frame: StartAgentFrame = { type: "start_agent", request_id: "q1", agent_type: "t", message: "m" };
    const send = (userId: string) => runtime.handleCommand({ userId, connectionId: `c-${userId}`, frame });
    const started = () => published.filter((draft) => draft.type === "agent_started").length;
    expect(send("u")).toBeUndefined();
    expect(send("u")).toBeUndefined();
    expect(started()).toBe(1);
    time.runUntilIdle({ maxSteps: 10_000, untilMs: time.nowMs() + 600_000 });
    expect(published.at(-1)?.type).toBe("agent_completed");
    expect(send("u")).toBeUndefined();
    expect(started()).toBe(1);
    // Another user's request id of the same name is a new request.
    expect(send("v")).toBeUndefined();
    expect(started()).toBe(2);
  });
});
