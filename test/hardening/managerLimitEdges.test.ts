/**
 * Every manager bound at its exact edge, on virtual time with scripted sockets: exactly
 * at the limit passes, one past is refused or closed, and the decision is traced. The
 * same bounds over real sockets are in limitEdges.test.ts; here the edge is exact
 * because the clock, the timers and `bufferedBytes()` are the test's.
 */
import { describe, expect, test } from "vitest";
import { CLOSE_CODES } from "../../protocol/limits.ts";
import { createConnectionManager } from "../../server/manager/createConnectionManager.ts";
import { createInProcessBroker } from "../../server/manager/createInProcessBroker.ts";
import { DEFAULT_MANAGER_LIMITS, resolveManagerLimits } from "../../server/manager/managerLimits.ts";
import { ReplayBuffer } from "../../server/manager/ReplayBuffer.ts";
import { SocketSendError } from "../../server/ports/socketPort.ts";
import { createVirtualTime } from "../../sim/core/createVirtualTime.ts";
import { createVirtualManager } from "./hardeningKit.ts";

describe("slow consumer bound (bufferedBytesMax), in bytes", () => {
  /** Opens one connection and measures the wire size of the user's next event (same seq width, same ts). */
  function setup(content: string, bufferedBytesMax = 1_000) {
    const virtual = createVirtualManager({ bufferedBytesMax });
    const { socket } = virtual.open("u1");
    virtual.publish("u1", content);
    const frameBytes = Buffer.byteLength(socket.sentTexts[1] as string, "utf8");
    return { virtual, socket, frameBytes, bufferedBytesMax };
  }

  test("buffered + frame = bufferedBytesMax is sent; one byte more closes with 4409", () => {
    const { virtual, socket, frameBytes, bufferedBytesMax } = setup("ascii only");
    socket.buffered = bufferedBytesMax - frameBytes;
    virtual.publish("u1", "ascii only");
    expect(socket.closed).toBeNull();
    expect(socket.sent.at(-1)).toMatchObject({ seq: 2 });
    socket.buffered = bufferedBytesMax - frameBytes + 1;
    virtual.publish("u1", "ascii only");
    expect(socket.closed).toEqual({ code: CLOSE_CODES.slowConsumer, reason: "slow consumer" });
    expect(socket.sent.at(-1)).toMatchObject({ seq: 2 });
    expect(virtual.decisions.filter((decision) => decision.kind === "slow_consumer")).toEqual([
      { kind: "slow_consumer", connectionId: expect.any(String), userId: "u1", bufferedBytes: bufferedBytesMax - frameBytes + 1, limitBytes: bufferedBytesMax },
    ]);
    // The event stays in the replay buffer for the resume.
    expect(virtual.manager.stats().replayEvents).toBe(3);
  });

  test("non-ASCII frames are counted in UTF-8 bytes, not UTF-16 code units", () => {
    const content = "é€😀".repeat(40);
    const { virtual, socket, frameBytes, bufferedBytesMax } = setup(content);
    const codeUnits = (socket.sentTexts[1] as string).length;
    expect(frameBytes - codeUnits).toBeGreaterThan(100);
    // By code units the frame would fit; by bytes it does not: the socket is cut.
    socket.buffered = bufferedBytesMax - codeUnits;
    virtual.publish("u1", content);
    expect(socket.closed?.code).toBe(CLOSE_CODES.slowConsumer);
  });

  test("a frame bigger than the bound alone is still sent to an empty socket (else it could never be delivered)", () => {
    const { virtual, socket } = setup("x".repeat(2_000));
    expect(socket.closed).toBeNull();
    virtual.publish("u1", "x".repeat(2_000));
    expect(socket.closed).toBeNull();
  });
});

describe("construction", () => {
  test("a given broker with the in-process broker's parts is refused (they would be silently unused); the broker alone is accepted", () => {
    const time = createVirtualTime({ startMs: 0 });
    let next = 0;
    const ids = { next: (prefix: string) => `${prefix}${(next += 1)}` };
    const broker = createInProcessBroker({ ids, replayEventsMax: 10, replayBytesMax: 10_000, createReplayStore: (bounds) => new ReplayBuffer(bounds), encodeEvent: (event) => JSON.stringify(event) });
    const base = { clock: time, scheduler: time, ids, broker };
    expect(() => createConnectionManager({ ...base, parts: { createReplayStore: (bounds) => new ReplayBuffer(bounds) } })).toThrow(/cannot be combined with options.broker/);
    expect(() => createConnectionManager({ ...base, parts: { createEventEncoder: () => (event) => JSON.stringify(event) } })).toThrow(/cannot be combined with options.broker/);
    expect(createConnectionManager(base).broker).toBe(broker);
  });
});

describe("stats(): the counters /metrics reads", () => {
  test("decisions are counted by kind as the observer saw them; frames sent, events published and a slow consumer's frame are counted", () => {
    const virtual = createVirtualManager({ bufferedBytesMax: 1_000 });
    const { socket } = virtual.open("u1");
    virtual.open("u2");
    virtual.publish("u1");
    virtual.publish("u1");
    socket.buffered = 1_000;
    virtual.publish("u1");
    expect(socket.closed?.code).toBe(CLOSE_CODES.slowConsumer);
    const seen: Record<string, number> = {};
    for (const decision of virtual.decisions) seen[decision.kind] = (seen[decision.kind] ?? 0) + 1;
    const stats = virtual.manager.stats();
    expect(stats.decisions).toEqual(seen);
    expect(stats.decisions).toMatchObject({ connection_opened: 2, slow_consumer: 1, connection_closed: 1 });
    // u1: connected + 2 events; u2: connected. The third event was refused, not sent.
    expect(stats.framesSent).toBe(4);
    expect(stats.eventsPublished).toBe(3);
    expect(stats.sendFailures).toBe(0);
  });

  test("an ack trims what every connection acknowledged, and the trim is decided (replay_trimmed) with its count and floor", () => {
    const virtual = createVirtualManager();
    const { handlers } = virtual.open("u1");
    for (let index = 0; index < 4; index += 1) virtual.publish("u1");
    handlers.socketOnMessage(JSON.stringify({ type: "ack", seq: 3 }));
    expect(virtual.decisions.filter((decision) => decision.kind === "replay_trimmed")).toEqual([{ kind: "replay_trimmed", userId: "u1", count: 3, throughSeq: 3 }]);
    expect(virtual.manager.stats().replayEvents).toBe(1);
  });

  test("a frame past clientFrameBytesMax is decided (frame_too_big) and closed with 1009; a binary frame gets a protocol_error saying what to send", () => {
    const virtual = createVirtualManager({ clientFrameBytesMax: 100 });
    const binary = virtual.open("u1");
    binary.handlers.socketOnMessage("{}", { binary: true, bytes: 2 });
    expect(binary.socket.sent.at(-1)).toEqual({ type: "protocol_error", code: "bad_json", message: "binary frames are not accepted: send one JSON object per text frame" });
    const big = virtual.open("u2");
    big.handlers.socketOnMessage("x".repeat(101));
    expect(virtual.decisions.filter((decision) => decision.kind === "frame_too_big")).toEqual([
      { kind: "frame_too_big", connectionId: expect.any(String), userId: "u2", bytes: 101, limitBytes: 100 },
    ]);
    expect(big.socket.closed?.code).toBe(CLOSE_CODES.messageTooBig);
  });

  test("with the default limits a client with a modest backlog (64 KiB unsent) is not cut as a slow consumer", () => {
    const virtual = createVirtualManager();
    const { socket } = virtual.open("u1");
    socket.buffered = 64 * 1024;
    virtual.publish("u1");
    expect(socket.closed).toBeNull();
    expect(socket.sent.at(-1)).toMatchObject({ seq: 1 });
  });

  test("a send that fails is decided (send_failed, with its seq and error code), counted, and closes the connection with 1011 so the client resumes", () => {
    const virtual = createVirtualManager();
    const { socket } = virtual.open("u1");
    socket.send = () => {
      throw new SocketSendError("transport", "write EPIPE");
    };
    virtual.publish("u1");
    expect(virtual.decisions.filter((decision) => decision.kind === "send_failed")).toEqual([
      { kind: "send_failed", connectionId: expect.any(String), userId: "u1", seq: 1, error: "transport" },
    ]);
    expect(socket.closed).toEqual({ code: CLOSE_CODES.internalError, reason: "send failed" });
    expect(virtual.manager.stats()).toMatchObject({ sendFailures: 1, connections: 0, replayEvents: 1 });
  });
});

describe("message rate per connection (messagesPerWindowMax per messageWindowMs)", () => {
  test("exactly the limit in one window stays open; one more closes with 1008; the next window starts fresh", () => {
    const virtual = createVirtualManager({ messagesPerWindowMax: 5, messageWindowMs: 1_000 });
    const { socket, handlers } = virtual.open("u1");
    const ack = JSON.stringify({ type: "ack", seq: 0 });
    for (let index = 0; index < 5; index += 1) handlers.socketOnMessage(ack);
    expect(socket.closed).toBeNull();
    // 999 ms later it is still the same window...
    virtual.time.runUntil(virtual.time.nowMs() + 999);
    const { socket: second, handlers: secondHandlers } = virtual.open("u2");
    for (let index = 0; index < 5; index += 1) secondHandlers.socketOnMessage(ack);
    virtual.time.runUntil(virtual.time.nowMs() + 1);
    // ...for u1 the window has rolled over at exactly 1000 ms: five more pass.
    for (let index = 0; index < 5; index += 1) handlers.socketOnMessage(ack);
    expect(socket.closed).toBeNull();
    handlers.socketOnMessage(ack);
    expect(socket.closed).toEqual({ code: CLOSE_CODES.policyViolation, reason: "rate limit exceeded" });
    expect(second.closed).toBeNull();
    expect(virtual.decisions.filter((decision) => decision.kind === "rate_limited")).toMatchObject([{ userId: "u1", messages: 6, windowMs: 1_000 }]);
  });
});

describe("heartbeat (heartbeatMs, heartbeatMissesMax)", () => {
  test("two unanswered pings are tolerated; the third tick closes with 4408; a pong resets the count", () => {
    const virtual = createVirtualManager({ heartbeatMs: 100, heartbeatMissesMax: 2 });
    const start = virtual.time.nowMs();
    const deaf = virtual.open("deaf");
    const alive = virtual.open("alive");
    virtual.time.runUntil(start + 200);
    expect(deaf.socket.pings).toBe(2);
    expect(deaf.socket.closed).toBeNull();
    alive.handlers.socketOnPong();
    virtual.time.runUntil(start + 299);
    expect(deaf.socket.closed).toBeNull();
    virtual.time.runUntil(start + 300);
    expect(deaf.socket.closed?.code).toBe(CLOSE_CODES.heartbeatTimeout);
    expect(alive.socket.closed).toBeNull();
    expect(virtual.decisions.filter((decision) => decision.kind === "heartbeat_timeout")).toMatchObject([{ userId: "deaf", missedPongs: 2 }]);
  });
});

describe("token expiry while open", () => {
  test("open 1 ms before expiresAtMs; closed with 4401 at it", () => {
    const virtual = createVirtualManager();
    const expiresAtMs = virtual.time.nowMs() + 500;
    const { socket } = virtual.open("u1", { expiresAtMs });
    virtual.time.runUntil(expiresAtMs - 1);
    expect(socket.closed).toBeNull();
    virtual.time.runUntil(expiresAtMs);
    expect(socket.closed).toEqual({ code: CLOSE_CODES.tokenExpired, reason: "token expired" });
  });
});

describe("connection caps at the manager (the HTTP layer maps them to 429/503)", () => {
  test("connectionsPerUserMax and connectionsMax: at the limit admitted, one past refused; a close frees a slot", () => {
    const virtual = createVirtualManager({ connectionsPerUserMax: 2, connectionsMax: 3 });
    const first = virtual.open("u1");
    virtual.open("u1");
    expect(virtual.manager.admit("u1")).toBe("connections_per_user");
    expect(virtual.manager.admit("u2")).toBeNull();
    virtual.open("u2");
    expect(virtual.manager.admit("u3")).toBe("connections_total");
    first.handlers.socketOnClose(1000);
    expect(virtual.manager.admit("u1")).toBeNull();
    expect(virtual.manager.admit("u3")).toBeNull();
  });
});

describe("stream eviction (streamIdleMs, usersRetainedMax)", () => {
  test("the new limits have sane defaults and are validated like the others", () => {
    expect(DEFAULT_MANAGER_LIMITS.streamIdleMs).toBe(30 * 60_000);
    expect(DEFAULT_MANAGER_LIMITS.usersRetainedMax).toBe(10_000);
    expect(() => resolveManagerLimits({ usersRetainedMax: 0 })).toThrow(/usersRetainedMax/);
    expect(() => resolveManagerLimits({ streamIdleMs: 1.5 })).toThrow(/streamIdleMs/);
  });

  test("a stream idle for streamIdleMs - 1 is kept; at streamIdleMs it is evicted, and the decision says so", () => {
    const virtual = createVirtualManager({ streamIdleMs: 1_000 });
    const { handlers } = virtual.open("u1");
    virtual.publish("u1");
    virtual.publish("u1");
    const epoch = virtual.manager.streamHead("u1")?.epoch as string;
    const closedAt = virtual.time.nowMs();
    handlers.socketOnClose(1006);
    virtual.time.runUntil(closedAt + 999);
    expect(virtual.manager.streamHead("u1")).toEqual({ epoch, lastSeq: 2 });
    virtual.time.runUntil(closedAt + 1_000);
    expect(virtual.manager.streamHead("u1")).toBeUndefined();
    expect(virtual.manager.stats()).toMatchObject({ users: 0, replayEvents: 0, replayBytes: 0 });
    expect(virtual.decisions.filter((decision) => decision.kind === "stream_evicted")).toEqual([
      { kind: "stream_evicted", userId: "u1", epoch, lastSeq: 2, events: 2, idleMs: 1_000, reason: "idle_timeout" },
    ]);
  });

  test("a resume of an evicted stream gets resync_required with the new stream's epoch: loss announced, never silent", () => {
    const virtual = createVirtualManager({ streamIdleMs: 1_000 });
    const { handlers } = virtual.open("u1");
    virtual.publish("u1");
    virtual.publish("u1");
    const oldEpoch = virtual.manager.streamHead("u1")?.epoch as string;
    handlers.socketOnClose(1006);
    virtual.time.runUntil(virtual.time.nowMs() + 1_000);
    const { socket } = virtual.open("u1", { resume: { epoch: oldEpoch, lastSeq: 1 } });
    const [connected, resync] = socket.sent;
    expect(connected).toMatchObject({ type: "connected", last_seq: 0 });
    expect(connected?.["epoch"]).not.toBe(oldEpoch);
    expect(resync).toEqual({ type: "resync_required", epoch: connected?.["epoch"], oldest_seq: 1, last_seq: 0 });
    expect(virtual.decisions.filter((decision) => decision.kind === "resync_required")).toMatchObject([{ userId: "u1", requestedEpoch: oldEpoch, requestedSeq: 1 }]);
    // The new stream serves live events from seq 1.
    virtual.publish("u1");
    expect(socket.sent.at(-1)).toMatchObject({ seq: 1, epoch: connected?.["epoch"] });
  });

  test("a stream that becomes busy again leaves no idle sweep armed (found by the simulator's quiescence phase)", () => {
    const virtual = createVirtualManager({ streamIdleMs: 1_000, heartbeatMs: 60_000 });
    const { handlers } = virtual.open("u1");
    virtual.publish("u1");
    handlers.socketOnClose(1006);
    // Idle: the sweep is armed, alone (no connection, no heartbeat).
    expect(virtual.time.pendingTimers()).toBe(1);
    virtual.time.runUntil(virtual.time.nowMs() + 500);
    virtual.open("u1");
    // Busy again: only the heartbeat is left; the sweep would have woken for nothing.
    expect(virtual.time.pendingTimers()).toBe(1);
    expect(virtual.time.nextDueMs()).toBe(virtual.time.nowMs() + 60_000);
  });

  test("a stream with an open connection is never evicted, however long it is quiet", () => {
    const virtual = createVirtualManager({ streamIdleMs: 1_000, heartbeatMs: 60_000 });
    const { socket, handlers } = virtual.open("u1");
    virtual.publish("u1");
    const start = virtual.time.nowMs();
    // Keep answering pings so the heartbeat does not close it.
    for (let step = 1; step <= 10; step += 1) {
      virtual.time.runUntil(start + step * 60_000);
      handlers.socketOnPong();
    }
    expect(socket.closed).toBeNull();
    expect(virtual.manager.streamHead("u1")?.lastSeq).toBe(1);
    expect(virtual.decisions.some((decision) => decision.kind === "stream_evicted")).toBe(false);
  });

  test("an event for a user with no connection restarts its idle clock (a run still going keeps its stream)", () => {
    const virtual = createVirtualManager({ streamIdleMs: 1_000 });
    const start = virtual.time.nowMs();
    virtual.publish("u1");
    virtual.time.runUntil(start + 900);
    virtual.publish("u1");
    virtual.time.runUntil(start + 1_899);
    expect(virtual.manager.streamHead("u1")?.lastSeq).toBe(2);
    virtual.time.runUntil(start + 1_900);
    expect(virtual.manager.streamHead("u1")).toBeUndefined();
  });

  test("usersRetainedMax idle streams are kept; one more evicts the one idle longest, first", () => {
    const virtual = createVirtualManager({ usersRetainedMax: 3 });
    const connected = virtual.open("online");
    for (const userId of ["a", "b", "c"]) {
      virtual.publish(userId);
      virtual.time.runUntil(virtual.time.nowMs() + 10);
    }
    expect(virtual.manager.stats().users).toBe(4);
    // "a" becomes busy again (a connection), then idle again: now "b" is the oldest idle.
    const again = virtual.open("a");
    again.handlers.socketOnClose(1000);
    virtual.publish("d");
    expect(virtual.decisions.filter((decision) => decision.kind === "stream_evicted")).toMatchObject([{ userId: "b", reason: "users_retained_max", idleMs: 20 }]);
    expect(["online", "a", "c", "d"].every((userId) => virtual.manager.streamHead(userId) !== undefined)).toBe(true);
    expect(virtual.manager.streamHead("b")).toBeUndefined();
    expect(connected.socket.closed).toBeNull();
  });

  test("shutdown cancels the eviction timer (no timer outlives the manager)", () => {
    const virtual = createVirtualManager({ streamIdleMs: 1_000 });
    virtual.publish("u1");
    expect(virtual.time.pendingTimers()).toBe(1);
    virtual.manager.shutdown();
    expect(virtual.time.pendingTimers()).toBe(0);
  });
});
