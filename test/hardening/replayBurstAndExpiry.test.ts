/**
 * Found by review: (1) a resume whose backlog is bigger than bufferedBytesMax must not
 * close a healthy client as a slow consumer (the replay is written in one burst), while a
 * client that never drains is still cut once live events pass the bound; (2) a token that
 * expired between the upgrade's check and accept gets nothing, not even `connected`.
 */
import { describe, expect, test } from "vitest";
import { CLOSE_CODES } from "../../protocol/limits.ts";
import { createScriptedSocket, createVirtualManager } from "./hardeningKit.ts";

describe("replay burst vs the slow-consumer bound", () => {
  const content = "y".repeat(400);

  function resumeAfterBacklog(events: number) {
    const virtual = createVirtualManager({ bufferedBytesMax: 2_000 });
    const first = virtual.open("u1");
    const epoch = first.socket.sent[0]?.epoch as string;
    first.handlers.socketOnClose(1006);
    for (let index = 0; index < events; index += 1) virtual.publish("u1", content);
    // A socket that never drains: bufferedBytes is everything written to it.
    const socket = createScriptedSocket();
    const send = socket.send.bind(socket);
    socket.send = (text: string) => {
      send(text);
      socket.buffered += Buffer.byteLength(text, "utf8");
    };
    const handlers = virtual.manager.accept(socket, { userId: "u1" }, { epoch, lastSeq: 0 });
    return { virtual, socket, handlers };
  }

  test("a backlog of ten times bufferedBytesMax is replayed in full, with no 4409", () => {
    const { socket, virtual } = resumeAfterBacklog(50);
    expect(socket.closed).toBeNull();
    expect(socket.sent.filter((frame) => typeof frame.seq === "number").map((frame) => frame.seq)).toEqual(Array.from({ length: 50 }, (_, index) => index + 1));
    expect(socket.buffered).toBeGreaterThan(10 * 2_000);
    expect(virtual.decisions.some((decision) => decision.kind === "slow_consumer")).toBe(false);
  });

  test("a client that never drains is still cut once live events pass the bound on top of the replay", () => {
    const { socket, virtual } = resumeAfterBacklog(50);
    let live = 0;
    while (socket.closed === null && live < 100) {
      virtual.publish("u1", content);
      live += 1;
    }
    expect(socket.closed).toEqual({ code: CLOSE_CODES.slowConsumer, reason: "slow consumer" });
    // bufferedBytesMax of 2000 bytes holds a handful of ~500-byte live frames, not more.
    expect(live).toBeLessThanOrEqual(6);
  });
});

describe("token expiry at accept", () => {
  test("a token already expired at accept gets 4401 and no frame at all", () => {
    const virtual = createVirtualManager();
    virtual.publish("u1", "something to replay");
    const socket = createScriptedSocket();
    const handlers = virtual.manager.accept(socket, { userId: "u1", expiresAtMs: virtual.time.nowMs() }, undefined);
    expect(handlers).toBeNull();
    expect(socket.sent).toEqual([]);
    expect(socket.closed).toEqual({ code: CLOSE_CODES.tokenExpired, reason: "token expired" });
  });

  test("a token 1 ms from expiry is accepted and closed when it expires", () => {
    const virtual = createVirtualManager();
    const { socket } = virtual.open("u1", { expiresAtMs: virtual.time.nowMs() + 1 });
    expect(socket.sent[0]).toMatchObject({ type: "connected" });
    virtual.time.runUntil(virtual.time.nowMs() + 1);
    expect(socket.closed).toEqual({ code: CLOSE_CODES.tokenExpired, reason: "token expired" });
  });
});
