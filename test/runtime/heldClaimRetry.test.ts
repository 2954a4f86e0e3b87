/**
 * A `held` request claim (server/ports/requestClaims.ts) is asked again by the runtime on
 * its injected scheduler until it is won (the claimant died before its run: its lease
 * expired), taken (the claimant started the run), or 1.5 × leaseMs passed. The claims
 * port here is the simulator's broker (sim/cluster/createSimBroker.ts, the same three-way
 * answer as the Redis script, which test/redis/redisBroker.test.ts checks on a real
 * redis-server), all on virtual time: no server, no real timer.
 */
import { describe, expect, it } from "vitest";
import type { AgentEventDraft } from "../../protocol/frames.ts";
import type { RequestClaims } from "../../server/ports/requestClaims.ts";
import { claimRetryPlan, createAgentRuntime } from "../../server/runtime/createAgentRuntime.ts";
import { createRandom } from "../../sim/core/createRandom.ts";
import { createSimIdSource } from "../../sim/core/createSimIdSource.ts";
import { createVirtualTime } from "../../sim/core/createVirtualTime.ts";
import { createSimBroker } from "../../sim/cluster/createSimBroker.ts";

const LEASE_MS = 2_000;
/** A round trip to the simulated broker: two legs of at most 5 ms. */
const ROUND_TRIP_MS_MAX = 10;
const { retryMs, heldMsMax } = claimRetryPlan(LEASE_MS);

function cluster() {
  const time = createVirtualTime();
  const ids = createSimIdSource(createRandom(1));
  const broker = createSimBroker({
    time,
    random: createRandom(2),
    ids,
    replayEventsMax: 1_000,
    replayBytesMax: 1_000_000,
    feedDelayMsMin: 1,
    feedDelayMsMax: 5,
    appendsPendingMax: 100,
    onAppended: () => undefined,
    trace: () => undefined,
  });
  const abandoned: Array<{ requestId: string; heldMs: number }> = [];
  /**
   * One instance: its broker view, a runtime claiming through it, and what it published.
   * `answersLost`: that many first answers are lost on the way back (the claim was made at
   * the broker; the runtime hears `held`, as the Redis adapter answers a failed round trip).
   */
  function instance(instanceId: string, settings: { activeRunsPerUserMax?: number; answersLost?: number } = {}) {
    const { answersLost = 0, ...limits } = settings;
    let lostLeft = answersLost;
    const view = broker.connect(instanceId);
    broker.leases.set(instanceId, time.nowMs() + LEASE_MS);
    const asks: number[] = [];
    const claims: RequestClaims = {
      leaseMs: LEASE_MS,
      claim: (request, done) => {
        asks.push(time.nowMs());
        view.claim(request, (answer) => {
          if (lostLeft === 0) return done(answer);
          lostLeft -= 1;
          done("held");
        });
      },
      started: (userId, requestId) => view.started(userId, requestId),
    };
    const started: Array<{ runId: string; atMs: number }> = [];
    const runtime = createAgentRuntime({
      clock: time,
      scheduler: time,
      ids,
      publish: (_userId: string, draft: AgentEventDraft) => {
        if (draft.type === "agent_started") started.push({ runId: draft.run_id, atMs: time.nowMs() });
      },
      limits,
      requestClaims: claims,
      onClaimAbandoned: ({ requestId, heldMs }) => abandoned.push({ requestId, heldMs }),
    });
    const start = (requestId: string) => runtime.startRun("u", { type: "start_agent", request_id: requestId, agent_type: "t", message: "m", scenario: "quick" });
    /** Keeps the lease alive as createSimRunLeases does, until `untilMs`. */
    const keepLease = (untilMs: number) => broker.leases.set(instanceId, untilMs);
    return { view, runtime, start, started, asks, keepLease };
  }
  const run = (forMs: number) => time.runUntilIdle({ maxSteps: 100_000, untilMs: time.nowMs() + forMs });
  return { time, broker, instance, run, abandoned };
}

describe("a held request claim", () => {
  it("is won once its dead claimant's lease is gone, and the run starts then (not on the client's next reconnect)", () => {
    const { time, broker, instance, run } = cluster();
    const a = instance("i-a");
    const b = instance("i-b", { activeRunsPerUserMax: 1 });
    b.keepLease(time.nowMs() + 60_000);
    // i-a claims, then dies before its answer comes back: the claim is its, its run never begins.
    expect(a.start("q1")).toEqual({ claiming: true });
    a.view.kill();
    a.runtime.stop();
    const leaseEndsAtMs = broker.leases.get("i-a") as number;
    // The client re-sends on its next connection, to i-b, while i-a's lease still runs.
    run(100);
    expect(b.start("q1")).toEqual({ claiming: true });
    // The retrying claim counts against the user's active runs.
    expect(b.start("q2")).toEqual({ error: "request_id: this user already has 1 active runs (limit 1)" });
    time.runUntilIdle({ maxSteps: 100_000, untilMs: leaseEndsAtMs - 1 });
    expect(b.started).toEqual([]);
    expect(b.asks.length).toBeGreaterThan(1);
    run(retryMs + 3 * ROUND_TRIP_MS_MAX);
    expect(b.started).toHaveLength(1);
    const startedAtMs = (b.started[0] as { atMs: number }).atMs;
    expect(startedAtMs).toBeGreaterThanOrEqual(leaseEndsAtMs);
    // The first ask at or after the lease's end wins; asks are a retryMs and a round trip apart.
    expect(startedAtMs).toBeLessThanOrEqual(leaseEndsAtMs + retryMs + 2 * ROUND_TRIP_MS_MAX);
    const asked = b.asks.length;
    run(60_000);
    expect(b.asks).toHaveLength(asked);
    expect(a.started).toEqual([]);
  });

  it("whose won answer was lost is won again on its next ask (the same claim), and its run starts once", () => {
    const { time, instance, run } = cluster();
    const a = instance("i-a", { answersLost: 1 });
    a.keepLease(time.nowMs() + 60_000);
    a.start("q1");
    run(60_000);
    // Asked twice: the lost `won`, then the retry, which finds its own claim and wins again (not `taken`).
    expect(a.asks).toHaveLength(2);
    expect(a.started).toHaveLength(1);
    // Another instance still finds the request taken once the run started.
    const b = instance("i-b");
    b.keepLease(time.nowMs() + 60_000);
    b.start("q1");
    run(60_000);
    expect(b.started).toEqual([]);
  });

  it("is taken once its living claimant starts the run: asked again until then, never started twice", () => {
    const { time, instance, run } = cluster();
    const a = instance("i-a");
    const b = instance("i-b");
    a.keepLease(time.nowMs() + 60_000);
    b.keepLease(time.nowMs() + 60_000);
    // Both get the start in the same instant: i-a's claim lands first, i-b's finds it held.
    a.start("q1");
    b.start("q1");
    run(60_000);
    expect(a.started).toHaveLength(1);
    expect(b.started).toEqual([]);
    // Held once (i-a's run not started yet), then taken: two asks.
    expect(b.asks).toHaveLength(2);
    expect((b.asks[1] as number) - (b.asks[0] as number)).toBeGreaterThanOrEqual(retryMs);
  });

  it("is given up 1.5 × leaseMs after the first ask when its claimant lives but never marks it started, and forgotten so a re-send is claimed afresh", () => {
    const { time, instance, run, abandoned } = cluster();
    const holder = instance("i-a");
    const b = instance("i-b");
    holder.keepLease(time.nowMs() + 600_000);
    b.keepLease(time.nowMs() + 600_000);
    // i-a claims and never starts nor dies (its `started` mark lost, say).
    holder.view.claim({ userId: "u", requestId: "q1", attempt: "c1" }, () => undefined);
    run(100);
    const firstAskAtMs = time.nowMs();
    expect(b.start("q1")).toEqual({ claiming: true });
    run(60_000);
    expect(b.started).toEqual([]);
    expect(abandoned).toHaveLength(1);
    expect(abandoned[0]?.requestId).toBe("q1");
    // Counted for /metrics as it was told to the callback.
    expect(b.runtime.stats().claimsAbandoned).toBe(1);
    // Asked past any lease that could have been running at the first ask, and never after heldMsMax.
    const lastAskAfterMs = (b.asks.at(-1) as number) - firstAskAtMs;
    expect(lastAskAfterMs).toBeGreaterThan(LEASE_MS + retryMs);
    expect(lastAskAfterMs).toBeLessThanOrEqual(heldMsMax);
    expect(abandoned[0]?.heldMs).toBeGreaterThan(lastAskAfterMs);
    expect(b.asks.length).toBeLessThanOrEqual(heldMsMax / retryMs + 1);
    // Forgotten here: the client's next re-send is a new claim, not a duplicate.
    expect(b.start("q1")).toEqual({ claiming: true });
  });

  it("asked while the broker is unreachable is held, and won once the broker is back", () => {
    const { time, instance, run } = cluster();
    const b = instance("i-b");
    b.keepLease(time.nowMs() + 60_000);
    b.view.setReachable(false);
    b.start("q1");
    run(LEASE_MS);
    expect(b.started).toEqual([]);
    b.view.setReachable(true);
    run(retryMs + ROUND_TRIP_MS_MAX);
    expect(b.started).toHaveLength(1);
  });

  it("is asked no more once the runtime stops", () => {
    const { time, instance, run } = cluster();
    const holder = instance("i-a");
    const b = instance("i-b");
    holder.keepLease(time.nowMs() + 600_000);
    holder.view.claim({ userId: "u", requestId: "q1", attempt: "c1" }, () => undefined);
    run(100);
    b.start("q1");
    run(retryMs + ROUND_TRIP_MS_MAX);
    const asked = b.asks.length;
    expect(asked).toBeGreaterThanOrEqual(2);
    b.runtime.stop();
    expect(run(60_000).stoppedBy).toBe("idle");
    expect(b.asks).toHaveLength(asked);
  });
});
