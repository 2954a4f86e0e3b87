/**
 * A resume whose replay read is answered later, as a shared broker (Redis) answers it:
 * live events published while the read is in flight wait in the connection's queue and
 * follow the replay, each once, in order. And the manager's own guard against a duplicate:
 * an event the read's range already holds that also arrives live is written once, even from
 * a broker whose position ran ahead of its feed (outside the port's contract, which says a
 * position counts only what the feed delivered: Redis and the simulator's broker keep it, so
 * this guard is defence in depth no simulation can reach). Single-instance scenarios
 * cannot see this path (their in-process broker answers every read at once, so the queue
 * is always empty); multi-instance ones reach it only by chance. The broker is the
 * in-process one behind wrappers that hold each `read`, and optionally the live feed, until
 * the test releases them (a mock at the StreamBroker port, the seam the Redis broker plugs into).
 */
import { describe, expect, test } from "vitest";
import type { StreamBroker, StreamFollower } from "../../server/ports/streamBroker.ts";
import { createScriptedSocket, createVirtualManager } from "./hardeningKit.ts";

/** `inner` (a broker whose methods close over their state, as the in-process one's do), with every `read` held until `releaseReads()`. */
function createDeferredReadBroker(inner: StreamBroker): StreamBroker & { releaseReads(): number } {
  const held: Array<() => void> = [];
  return {
    ...inner,
    read(userId, range, done) {
      held.push(() => inner.read(userId, range, done));
    },
    releaseReads() {
      const count = held.length;
      for (const release of held.splice(0)) release();
      return count;
    },
  };
}

/**
 * `inner` with its live feed held while `holding` is set: an append is assigned its seq and
 * counted in the stream's position at once, but reaches the follower only on
 * `releaseEvents()`, as a Redis feed delivers an entry after its XADD answered.
 */
function createLaggingFeedBroker(inner: StreamBroker & { releaseReads(): number }): StreamBroker & { releaseReads(): number; releaseEvents(): number; holding: boolean } {
  const held: Array<() => void> = [];
  const broker = {
    ...inner,
    holding: false,
    follow(userId: string, follower: StreamFollower) {
      inner.follow(userId, {
        ...follower,
        event: (entry) => {
          if (broker.holding) held.push(() => follower.event(entry));
          else follower.event(entry);
        },
      });
    },
    releaseEvents() {
      const count = held.length;
      for (const release of held.splice(0)) release();
      return count;
    },
  };
  return broker;
}

function world() {
  let broker!: ReturnType<typeof createLaggingFeedBroker>;
  const virtual = createVirtualManager({}, { wrapBroker: (inner) => (broker = createLaggingFeedBroker(createDeferredReadBroker(inner))) });
  return { broker, manager: virtual.manager, publish: () => virtual.publish("u1") };
}

describe("a replay read answered later (shared broker)", () => {
  test("an event the stream's position already counted, fed live while the read is in flight (a broker breaking the port's contract), is written once: by the replay", () => {
    const { broker, manager, publish } = world();
    const first = createScriptedSocket();
    manager.accept(first, { userId: "u1" });
    for (let index = 0; index < 3; index += 1) publish();
    broker.holding = true;
    publish();
    const epoch = manager.streamHead("u1")?.epoch as string;
    const resumed = createScriptedSocket();
    manager.accept(resumed, { userId: "u1" }, { epoch, lastSeq: 1 });
    expect(resumed.sent[0]).toMatchObject({ type: "connected", last_seq: 4 });
    // seq 4 reaches the feed now, while the replay read (2..4) is still out: it waits in the queue.
    broker.holding = false;
    expect(broker.releaseEvents()).toBe(1);
    expect(broker.releaseReads()).toBe(1);
    expect(resumed.sent.slice(1).map((frame) => frame["seq"])).toEqual([2, 3, 4]);
    publish();
    expect(resumed.sent.slice(1).map((frame) => frame["seq"])).toEqual([2, 3, 4, 5]);
    expect(first.sent.slice(1).map((frame) => frame["seq"])).toEqual([1, 2, 3, 4, 5]);
  });


  test("events published meanwhile follow the replay, each once, in order", () => {
    const { broker, manager, publish } = world();
    const first = createScriptedSocket();
    manager.accept(first, { userId: "u1" });
    for (let index = 0; index < 3; index += 1) publish();
    const epoch = manager.streamHead("u1")?.epoch as string;

    const resumed = createScriptedSocket();
    manager.accept(resumed, { userId: "u1" }, { epoch, lastSeq: 1 });
    publish();
    publish();
    // Nothing but `connected` until the read answers: the live events wait.
    expect(resumed.sent.map((frame) => frame["type"])).toEqual(["connected"]);
    expect(broker.releaseReads()).toBe(1);
    expect(resumed.sent.slice(1).map((frame) => frame["seq"])).toEqual([2, 3, 4, 5]);
    // The connection is live now: the next event goes straight through.
    publish();
    expect(resumed.sent.at(-1)).toMatchObject({ seq: 6 });
    expect(first.sent.slice(1).map((frame) => frame["seq"])).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
