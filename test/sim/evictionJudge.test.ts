/**
 * The simulator's early-eviction judge: a stream evicted for idle_timeout before
 * streamIdleMs, or for users_retained_max while no more than that many idle streams were
 * held, is a finding; evictions at or past the limits are not. (A manager whose `>` became
 * `>=` in its retention loop, or whose sweep evicted at half the idle time, passed every
 * sweep before: the client sees an honest resync either way.)
 */
import { describe, expect, it } from "vitest";
import type { ManagerDecision } from "../../server/manager/ManagerDecision.ts";
import { createEvictionJudge } from "../../sim/settle/createEvictionJudge.ts";
import { runSimulation } from "../../sim/runSimulation.ts";
import { loadScenario } from "../../sim/scenario/loadScenario.ts";

function evicted(reason: "idle_timeout" | "users_retained_max", idleMs: number): ManagerDecision {
  return { kind: "stream_evicted", userId: "u1", epoch: "e-1", lastSeq: 3, events: 3, idleMs, reason };
}

/** Stats with `idle` streams without a connection and `busy` with one. */
function statsOf(idle: number, busy: number) {
  return () => ({ users: idle + busy, connectionsByUser: new Map(Array.from({ length: busy }, (_, index) => [`b${index}`, 1])) });
}

describe("early-eviction judge", () => {
  const limits = { streamIdleMs: 1_000, usersRetainedMax: 2 };

  it("accepts idle_timeout at or past streamIdleMs, flags it before", () => {
    const judge = createEvictionJudge(limits);
    judge.decided(evicted("idle_timeout", 1_000), statsOf(0, 0));
    judge.decided(evicted("idle_timeout", 5_000), statsOf(0, 0));
    expect(judge.findings()).toEqual([]);
    judge.decided(evicted("idle_timeout", 999), statsOf(0, 0));
    expect(judge.findings()).toEqual([{ userId: "u1", message: "u1's stream evicted for idle_timeout after 999 ms idle, before streamIdleMs 1000" }]);
  });

  it("accepts users_retained_max when usersRetainedMax idle streams remain, flags it with fewer (busy streams do not count)", () => {
    const judge = createEvictionJudge(limits);
    judge.decided(evicted("users_retained_max", 0), statsOf(2, 3));
    expect(judge.findings()).toEqual([]);
    judge.decided(evicted("users_retained_max", 0), statsOf(1, 3));
    expect(judge.findings().map((finding) => finding.message)).toEqual([
      "u1's stream evicted for users_retained_max while 1 other idle stream(s) were held, fewer than usersRetainedMax 2",
    ]);
  });

  it("reads stats only for evictions, and ignores every other decision", () => {
    const judge = createEvictionJudge(limits);
    judge.decided({ kind: "connection_refused", userId: "u1", reason: "connections_total" }, () => {
      throw new Error("stats read for a decision that is not an eviction");
    });
    expect(judge.findings()).toEqual([]);
  });

  it("finds nothing in a run of the shipped idle-eviction scenario (its seed 1 evicts an idle stream on time)", () => {
    const result = runSimulation(loadScenario("scenarios/idle-eviction.json"), { seed: 1 });
    expect(result.outcome).toBe("pass");
    expect(result.earlyEvictions).toEqual([]);
  });
});
