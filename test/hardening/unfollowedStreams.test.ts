/**
 * A stream no longer followed (its user idle past streamIdleMs, so the manager evicted it):
 * what the in-process broker answers about it, and the manager ignoring a broker callback
 * that arrives for it late, as a shared broker's feed can (an event, a loss or a readiness
 * already on its way when the stream was unfollowed). Single-instance simulations never
 * produce a late callback: the in-process broker calls back inside the call that caused it.
 * The broker is the in-process one behind a wrapper that keeps every follower it was given
 * (a mock at the StreamBroker port, the seam the Redis broker plugs into).
 */
import { describe, expect, test } from "vitest";
import type { BrokerEntry, StreamBroker, StreamFollower } from "../../server/ports/streamBroker.ts";
import { createScriptedSocket, createVirtualManager } from "./hardeningKit.ts";

const STREAM_IDLE_MS = 1_000;

function world() {
  let inner!: StreamBroker;
  /** Every follower the manager handed the broker, oldest first, per user. */
  const followers = new Map<string, StreamFollower[]>();
  const virtual = createVirtualManager(
    { streamIdleMs: STREAM_IDLE_MS },
    {
      wrapBroker: (broker) => {
        inner = broker;
        return {
          ...broker,
          follow(userId, follower) {
            followers.set(userId, [...(followers.get(userId) ?? []), follower]);
            broker.follow(userId, follower);
          },
        };
      },
    },
  );
  return { time: virtual.time, inner, manager: virtual.manager, followers, decisions: virtual.decisions, publish: (userId: string) => virtual.publish(userId) };
}

describe("the in-process broker and a stream it does not follow", () => {
  test("a read answers an empty range, successfully: there is no history to lose", () => {
    const { inner } = world();
    const answers: unknown[] = [];
    inner.read("nobody", { afterSeq: 0, throughSeq: 10 }, (outcome) => answers.push(outcome));
    expect(answers).toEqual([{ ok: true, entries: [] }]);
  });

  test("an append is a bug in the caller and says whose stream", () => {
    const { inner } = world();
    expect(() => inner.append("nobody", { type: "partial_result", run_id: "r-1", user_id: "nobody", ts: 0, data: { agent_id: "a-1", content: "x" } }, () => undefined)).toThrow(
      new Error("assertion: append for nobody, whose stream is not followed"),
    );
  });
});

describe("a broker callback for a stream the manager evicted", () => {
  test("is ignored: no decision, and the user's new stream and its connection are untouched", () => {
    const { time, manager, followers, decisions, publish } = world();
    const first = createScriptedSocket();
    manager.accept(first, { userId: "u1" })?.socketOnClose(1006);
    publish("u1");
    time.runUntil(time.nowMs() + STREAM_IDLE_MS);
    expect(decisions.map((decision) => decision.kind)).toEqual(["connection_opened", "connection_closed", "stream_evicted"]);
    // The user comes back: a new stream (new epoch), live.
    const second = createScriptedSocket();
    manager.accept(second, { userId: "u1" });
    publish("u1");
    const [evicted] = followers.get("u1") as StreamFollower[];
    const late: BrokerEntry = { seq: 2, text: '{"late":true}', bytes: 13, tsMs: time.nowMs() };
    decisions.length = 0;
    evicted?.event(late);
    evicted?.lost("feed broke");
    evicted?.ready();
    expect(decisions).toEqual([]);
    expect(second.closed).toBeNull();
    expect(second.sent.map((frame) => frame["type"])).toEqual(["connected", "partial_result"]);
    expect(manager.stats()).toMatchObject({ users: 1, connections: 1 });
    // The live stream still serves: its next event arrives, and it is not evicted while its connection is open.
    publish("u1");
    time.runUntil(time.nowMs() + 10 * STREAM_IDLE_MS);
    expect(second.sent.at(-1)).toMatchObject({ type: "partial_result", seq: 2 });
    expect(decisions.filter((decision) => decision.kind === "stream_evicted")).toEqual([]);
  });
});
