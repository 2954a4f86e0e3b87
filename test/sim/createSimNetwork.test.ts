import { describe, expect, it } from "vitest";
import { SocketSendError } from "../../server/ports/socketPort.ts";
import { createRandom } from "../../sim/core/createRandom.ts";
import { createSimNetwork } from "../../sim/core/createSimNetwork.ts";
import { createVirtualTime } from "../../sim/core/createVirtualTime.ts";
import { SimAssertionError } from "../../sim/core/SimAssertionError.ts";
import { createNetworkHarness } from "./simNetworkHarness.ts";

const noop = { socketOnMessage: () => undefined, socketOnPong: () => undefined, socketOnClose: () => undefined };

function thrownBy(action: () => void): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("createSimNetwork: latency and order", () => {
  it("keeps each direction FIFO under jitter, with every latency within [min, max]", () => {
    const { time, open } = createNetworkHarness(1, { oneWayDelayMsMin: 0, oneWayDelayMsMax: 40 });
    const connection = open("c1");
    const sentAtMs = new Map<string, number>();
    for (let index = 0; index < 300; index += 1) {
      // Several frames per ms, both ways, so jitter would reorder them without the FIFO rule.
      time.after(Math.floor(index / 3), () => {
        const text = `f${index}`;
        sentAtMs.set(`server:${text}`, time.nowMs());
        connection.ends.serverSocket.send(text);
        sentAtMs.set(`client:${text}`, time.nowMs());
        connection.ends.client.send(text);
      });
    }
    time.runUntil(1_000);
    for (const at of ["client", "server"] as const) {
      const received = connection.received(at);
      expect(received.map((event) => event.text)).toEqual(Array.from({ length: 300 }, (_, index) => `f${index}`));
      const latencies = received.map((event) => event.t - (sentAtMs.get(`${at === "client" ? "server" : "client"}:${event.text}`) as number));
      expect(Math.min(...latencies)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...latencies)).toBeLessThanOrEqual(40);
      expect(new Set(latencies).size).toBeGreaterThan(5);
    }
  });

  it("answers a server ping with a pong from the client stack, never shown to the client app", () => {
    const { time, open } = createNetworkHarness(2, { oneWayDelayMsMin: 5, oneWayDelayMsMax: 5 });
    const connection = open("c1");
    connection.ends.serverSocket.ping();
    time.runUntil(100);
    expect(connection.events).toEqual([{ t: 10, at: "server", what: "pong" }]);
  });

  it("applies a new delay range to frames sent afterwards", () => {
    const { time, open, network } = createNetworkHarness(3, { oneWayDelayMsMin: 1, oneWayDelayMsMax: 1 });
    const connection = open("c1");
    connection.ends.serverSocket.send("early");
    network.setDelay({ oneWayDelayMsMin: 30, oneWayDelayMsMax: 30 });
    connection.ends.serverSocket.send("late");
    time.runUntil(100);
    expect(connection.received("client").map((event) => [event.text, event.t])).toEqual([["early", 1], ["late", 30]]);
  });
});

describe("createSimNetwork: bandwidth and bufferedBytes", () => {
  it("derives bufferedBytes from the send queue and drains it at bandwidthBytesPerMs", () => {
    const { time, open } = createNetworkHarness(4, { oneWayDelayMsMin: 5, oneWayDelayMsMax: 5, bandwidthBytesPerMs: 10 });
    const connection = open("c1");
    const socket = connection.ends.serverSocket;
    socket.send("a".repeat(1000));
    socket.send("é".repeat(250)); // 500 UTF-8 bytes
    socket.ping(); // control frames count 0 bytes but wait their turn
    for (let tick = 0; tick <= 160; tick += 1) {
      time.runUntil(tick);
      // The link carries 10 bytes in every ms, the current one included, with no idle gap.
      expect(socket.bufferedBytes()).toBe(Math.max(0, 1500 - 10 * (tick + 1)));
    }
    time.runUntil(500);
    expect(connection.received("client").map((event) => event.t)).toEqual([99 + 5, 149 + 5]);
    expect(connection.events.find((event) => event.what === "pong")?.t).toBe(149 + 5 + 5);
  });

  it("models a slow consumer that recovers: setBandwidth takes effect mid-frame", () => {
    const { time, open, network } = createNetworkHarness(5, { oneWayDelayMsMin: 0, oneWayDelayMsMax: 0, bandwidthBytesPerMs: 1_000 });
    const connection = open("c1");
    const socket = connection.ends.serverSocket;
    network.setBandwidth("c1", 1);
    socket.send("x".repeat(100));
    time.runUntil(49);
    expect(socket.bufferedBytes()).toBe(50);
    // The rest of this ms's capacity is at the new rate: the last 50 bytes leave now.
    network.setBandwidth("c1", 1_000);
    expect(socket.bufferedBytes()).toBe(0);
    network.setBandwidth("c1", 2);
    socket.send("y".repeat(10));
    expect(socket.bufferedBytes()).toBe(10); // this ms is already spent past the new rate
    time.runUntil(60);
    expect(socket.bufferedBytes()).toBe(0);
    expect(connection.received("client").map((event) => event.t)).toEqual([49, 54]);
  });

  it("sends small frames in the same ms at the default bandwidth", () => {
    const { time, open } = createNetworkHarness(6, { oneWayDelayMsMin: 3, oneWayDelayMsMax: 3 });
    const connection = open("c1");
    for (let index = 0; index < 100; index += 1) connection.ends.serverSocket.send(`{"seq":${index}}`);
    time.runUntil(2);
    expect(connection.ends.serverSocket.bufferedBytes()).toBe(0);
    time.runUntil(3);
    expect(connection.received("client")).toHaveLength(100);
  });

  it("asserts when a direction holds more than framesInFlightMax frames", () => {
    const { open } = createNetworkHarness(7, { bandwidthBytesPerMs: 1, framesInFlightMax: 3 });
    const socket = open("c1").ends.serverSocket;
    socket.send("aaaa");
    socket.send("bbbb");
    socket.send("cccc");
    expect(() => socket.send("dddd")).toThrow(SimAssertionError);
  });
});

describe("createSimNetwork: closing", () => {
  it("delivers a server close after the frames ahead of it, then closes both ends", () => {
    const { time, open, network, trace } = createNetworkHarness(8, { oneWayDelayMsMin: 1, oneWayDelayMsMax: 20 });
    const connection = open("c1");
    const socket = connection.ends.serverSocket;
    for (let index = 0; index < 5; index += 1) socket.send(`m${index}`);
    socket.close(4409, "slow consumer");
    const error = thrownBy(() => socket.send("after close"));
    expect(error).toBeInstanceOf(SocketSendError);
    expect((error as SocketSendError).code).toBe("closed");
    time.runUntil(1_000);
    const clientSaw = connection.events.filter((event) => event.at === "client").map((event) => event.text ?? event.code);
    expect(clientSaw).toEqual(["m0", "m1", "m2", "m3", "m4", 4409]);
    const serverClose = connection.closes("server");
    expect(serverClose.map((event) => event.code)).toEqual([4409]);
    expect(serverClose[0]?.t).toBeGreaterThanOrEqual(connection.closes("client")[0]?.t as number);
    expect(connection.ends.client.state()).toBe("closed");
    expect(network.liveConnectionIds()).toEqual([]);
    expect(trace.filter((line) => line.kind === "net_drop")).toEqual([]);
  });

  it("delivers a client close after its frames, and the client hears the echo", () => {
    const { time, open } = createNetworkHarness(9);
    const connection = open("c1");
    connection.ends.client.send("ack 1");
    connection.ends.client.close(1000, "bye");
    connection.ends.client.send("ignored");
    expect(connection.ends.client.state()).toBe("closing");
    time.runUntil(1_000);
    expect(connection.events.map((event) => [event.at, event.what, event.text ?? event.code])).toEqual([
      ["server", "message", "ack 1"],
      ["server", "close", 1000],
      ["client", "close", 1000],
    ]);
    expect(thrownBy(() => connection.ends.serverSocket.send("late"))).toBeInstanceOf(SocketSendError);
  });

  it("lets the connection id be reused once both ends closed", () => {
    const { time, open, network } = createNetworkHarness(10);
    open("c1").ends.serverSocket.close(1001, "");
    expect(() => open("c1")).toThrow(SimAssertionError);
    time.runUntil(100);
    expect(network.liveConnectionIds()).toEqual([]);
    expect(() => open("c1")).not.toThrow();
  });
});

describe("createSimNetwork: faults", () => {
  it("drop loses every frame in flight both ways; each end sees 1006 after a one-way delay", () => {
    const { time, open, network, trace } = createNetworkHarness(11, { oneWayDelayMsMin: 10, oneWayDelayMsMax: 20 });
    const connection = open("c1");
    for (const text of ["a", "b", "c"]) connection.ends.serverSocket.send(text);
    for (const text of ["x", "y"]) connection.ends.client.send(text);
    time.runUntil(5);
    expect(network.drop("c1")).toBe(true);
    connection.ends.serverSocket.send("lost before the server knows");
    time.runUntil(1_000);
    expect(connection.received("client")).toEqual([]);
    expect(connection.received("server")).toEqual([]);
    for (const at of ["client", "server"] as const) {
      const closes = connection.closes(at);
      expect(closes.map((event) => event.code)).toEqual([1006]);
      expect(closes[0]?.t).toBeGreaterThanOrEqual(15);
      expect(closes[0]?.t).toBeLessThanOrEqual(25);
    }
    const drops = trace.filter((line) => line.kind === "net_drop");
    expect(drops).toHaveLength(6);
    expect(drops.every((line) => line.kind === "net_drop" && line.reason === "severed")).toBe(true);
    expect((thrownBy(() => connection.ends.serverSocket.send("z")) as SocketSendError).code).toBe("closed");
    expect(network.drop("c1")).toBe(false);
    expect(trace.at(-1)).toEqual({ t: 1_000, kind: "net_fault_ignored", conn: "c1", fault: "drop" });
  });

  it("half-open: the server gets no close and no pong; the client sees 1006", () => {
    const { time, open, network, trace } = createNetworkHarness(12, { oneWayDelayMsMin: 2, oneWayDelayMsMax: 8, closeTimeoutMs: 30_000 });
    const connection = open("c1");
    connection.ends.client.send("in flight");
    network.halfOpen("c1");
    for (let second = 1; second <= 60; second += 1) {
      time.after(second * 1_000, () => {
        connection.ends.serverSocket.ping();
        connection.ends.serverSocket.send(`event ${second}`);
      });
    }
    time.runUntil(61_000);
    expect(connection.events.map((event) => [event.at, event.what, event.code])).toEqual([["client", "close", 1006]]);
    expect(connection.ends.serverSocket.bufferedBytes()).toBe(0);
    const drops = trace.filter((line) => line.kind === "net_drop");
    expect(drops.filter((line) => line.kind === "net_drop" && line.reason === "half_open")).toHaveLength(121);

    // Only closing it itself ends it for the server: no echo comes, so after closeTimeoutMs it hears 1006.
    connection.ends.serverSocket.close(4408, "heartbeat");
    time.runUntil(61_000 + 29_999);
    expect(connection.closes("server")).toEqual([]);
    time.runUntil(61_000 + 30_000);
    expect(connection.closes("server").map((event) => [event.t, event.code])).toEqual([[91_000, 1006]]);
    expect(network.liveConnectionIds()).toEqual([]);
  });

  it("failSends makes the next sends throw SocketSendError('transport') and leaves the connection open", () => {
    const { time, open, network, trace } = createNetworkHarness(13);
    const connection = open("c1");
    network.failSends("c1", 2);
    const errors = [thrownBy(() => connection.ends.serverSocket.send("one")), thrownBy(() => connection.ends.serverSocket.send("two"))];
    for (const error of errors) {
      expect(error).toBeInstanceOf(SocketSendError);
      expect((error as SocketSendError).code).toBe("transport");
    }
    connection.ends.serverSocket.send("three");
    time.runUntil(100);
    expect(connection.received("client").map((event) => event.text)).toEqual(["three"]);
    expect(trace.filter((line) => line.kind === "net_send_failed")).toHaveLength(2);
  });

  it("asserts when a frame reaches a server whose handlers were never wired", () => {
    const time = createVirtualTime({ startMs: 0 });
    const network = createSimNetwork(time, createRandom(1).fork("network"));
    const ends = network.connect({ connectionId: "c1", client: noop });
    ends.client.send("hello");
    expect(() => time.runUntil(100)).toThrow(SimAssertionError);

    const wired = createNetworkHarness(1).open("c2", { wireServerLater: true });
    expect(wired.ends.connectionId).toBe("c2");
  });

  it("lets a server refuse a socket by closing it without wiring handlers", () => {
    const { time, network, trace } = createNetworkHarness(15, { oneWayDelayMsMin: 5, oneWayDelayMsMax: 5 });
    const clientSaw: number[] = [];
    const ends = network.connect({ connectionId: "c1", client: { socketOnMessage: () => undefined, socketOnClose: (code) => clientSaw.push(code) } });
    ends.serverSocket.close(1013, "try again later");
    ends.client.send("sent before the refusal arrived");
    time.runUntil(100);
    expect(clientSaw).toEqual([1013]);
    expect(network.liveConnectionIds()).toEqual([]);
    expect(trace.filter((line) => line.kind === "net_drop")).toEqual([
      { t: 5, kind: "net_drop", conn: "c1", to: "server", frame: "message", bytes: 31, reason: "closed" },
    ]);
  });
});

describe("createSimNetwork: contract checks", () => {
  it("asserts on close codes ws would refuse, and on over-long reasons", () => {
    const { open } = createNetworkHarness(14);
    const connection = open("c1");
    expect(() => connection.ends.serverSocket.close(1006, "")).toThrow(SimAssertionError);
    expect(() => connection.ends.serverSocket.close(2000, "")).toThrow(SimAssertionError);
    expect(() => connection.ends.client.close(1000, "r".repeat(124))).toThrow(SimAssertionError);
    expect(() => connection.ends.serverSocket.close(4408, "r".repeat(123))).not.toThrow();
  });

  it("rejects bad options and fault arguments", () => {
    const time = createVirtualTime({ startMs: 0 });
    expect(() => createSimNetwork(time, createRandom(1), { oneWayDelayMsMin: 5, oneWayDelayMsMax: 4 })).toThrow(SimAssertionError);
    expect(() => createSimNetwork(time, createRandom(2), { bandwidthBytesPerMs: 0.5 })).toThrow(SimAssertionError);
    const network = createSimNetwork(time, createRandom(3));
    network.connect({ connectionId: "c1", client: noop, server: noop });
    expect(() => network.setBandwidth("c1", 0)).toThrow(SimAssertionError);
    expect(() => network.failSends("c1", -1)).toThrow(SimAssertionError);
    expect(network.setBandwidth("c1", 10)).toBe(true);
    expect(network.halfOpen("nope")).toBe(false);
  });
});
