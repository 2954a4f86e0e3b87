/**
 * The real-world adapters and the small parsers of the HTTP edge, tested directly.
 */
import { once } from "node:events";
import { afterEach, describe, expect, test, vi } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import { createCryptoIdSource } from "../../server/adapters/cryptoIdSource.ts";
import { createRealScheduler, TIMER_HOP_MS_MAX } from "../../server/adapters/realScheduler.ts";
import { createWsSocketPort } from "../../server/adapters/wsSocketPort.ts";
import { parseDurationSeconds } from "../../protocol/cli/durations.ts";
import { extractAccessToken } from "../../server/http/extractAccessToken.ts";
import { parseResumeQuery } from "../../server/http/parseResumeQuery.ts";
import { SocketSendError } from "../../server/ports/socketPort.ts";

describe("realScheduler", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  test("runs callbacks after their delay, in order; cancel and cancelAll stop them", () => {
    vi.useFakeTimers();
    const scheduler = createRealScheduler();
    const fired: string[] = [];
    scheduler.after(10, () => fired.push("a"));
    scheduler.after(10, () => fired.push("b"));
    const cancelled = scheduler.after(5, () => fired.push("cancelled"));
    cancelled.cancel();
    cancelled.cancel();
    expect(scheduler.pendingCount()).toBe(2);
    vi.advanceTimersByTime(10);
    expect(fired).toEqual(["a", "b"]);
    expect(scheduler.pendingCount()).toBe(0);
    scheduler.after(1, () => fired.push("never"));
    scheduler.cancelAll();
    vi.advanceTimersByTime(100);
    expect(fired).toEqual(["a", "b"]);
    expect(() => scheduler.after(-1, () => {})).toThrow(RangeError);
  });

  test("delays beyond setTimeout's 2^31-1 ms limit are chained, not fired at once", () => {
    vi.useFakeTimers();
    const scheduler = createRealScheduler();
    let fired = false;
    const thirtyDaysMs = 30 * 86_400_000;
    const handle = scheduler.after(thirtyDaysMs, () => (fired = true));
    vi.advanceTimersByTime(TIMER_HOP_MS_MAX);
    expect(fired).toBe(false);
    vi.advanceTimersByTime(thirtyDaysMs - TIMER_HOP_MS_MAX - 1);
    expect(fired).toBe(false);
    vi.advanceTimersByTime(1);
    expect(fired).toBe(true);
    handle.cancel();
    // A long timer cancelled between hops never fires.
    let late = false;
    const second = scheduler.after(thirtyDaysMs, () => (late = true));
    vi.advanceTimersByTime(TIMER_HOP_MS_MAX + 5);
    second.cancel();
    vi.advanceTimersByTime(thirtyDaysMs);
    expect(late).toBe(false);
  });
});

describe("cryptoIdSource", () => {
  test("short ids with their prefix; epochs carry a boot id", () => {
    const ids = createCryptoIdSource();
    expect(ids.next("c-")).toMatch(/^c-[0-9a-f]{8}$/);
    expect(ids.next("r-")).toMatch(/^r-[0-9a-f]{8}$/);
    expect(ids.next("e-")).toMatch(/^e-[0-9a-f]{16}$/);
  });

  test("tagRunIds: run ids end with the instance's tag, other ids do not", () => {
    const ids = createCryptoIdSource({ tagRunIds: true });
    expect(ids.instanceId).toMatch(/^i-[0-9a-f]{12}$/);
    const tag = ids.instanceId.slice(2);
    expect(ids.next("r-")).toMatch(new RegExp(`^r-[0-9a-f]{8}-${tag}$`));
    expect(ids.next("c-")).toMatch(/^c-[0-9a-f]{8}$/);
    expect(ids.next("e-")).toMatch(/^e-[0-9a-f]{16}$/);
    expect(createCryptoIdSource().next("r-")).toMatch(/^r-[0-9a-f]{8}$/);
  });

  test("unique within a process (200k ids of one prefix), different across processes", () => {
    const ids = createCryptoIdSource();
    const seen = new Set<string>();
    for (let index = 0; index < 200_000; index += 1) seen.add(ids.next("x-"));
    expect(seen.size).toBe(200_000);
    const other = createCryptoIdSource();
    expect(other.next("e-")).not.toBe(createCryptoIdSource().next("e-"));
  });
});

describe("wsSocketPort", () => {
  test("reports bufferedAmount, and send on a closed socket throws SocketSendError closed", async () => {
    const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    await once(wss, "listening");
    const address = wss.address() as { port: number };
    const accepted = once(wss, "connection") as Promise<[WebSocket]>;
    const client = new WebSocket(`ws://127.0.0.1:${address.port}`);
    const received: string[] = [];
    client.on("message", (data) => received.push(data.toString()));
    const [serverSide] = await accepted;
    const port = createWsSocketPort(serverSide);
    expect(port.bufferedBytes()).toBe(0);
    port.send("hello");
    await vi.waitFor(() => expect(received).toEqual(["hello"]));
    const clientClosed = once(client, "close");
    port.close(4409, "x".repeat(300));
    const [code, reason] = (await clientClosed) as [number, Buffer];
    expect(code).toBe(4409);
    expect(reason.length).toBeLessThanOrEqual(123);
    expect(() => port.send("late")).toThrow(SocketSendError);
    try {
      port.send("late");
    } catch (error) {
      expect((error as SocketSendError).code).toBe("closed");
    }
    port.close(1000, "twice is harmless");
    port.ping();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  });
});

describe("HTTP edge parsers", () => {
  const query = (text: string) => new URLSearchParams(text);

  test("parseResumeQuery", () => {
    expect(parseResumeQuery(query(""))).toEqual({ ok: true, resume: undefined });
    expect(parseResumeQuery(query("last_seq=0&epoch=e-1"))).toEqual({ ok: true, resume: { lastSeq: 0, epoch: "e-1" } });
    expect(parseResumeQuery(query("last_seq=41&epoch=e-1&token=x"))).toEqual({ ok: true, resume: { lastSeq: 41, epoch: "e-1" } });
    expect(parseResumeQuery(query("last_seq=1&last_seq=2&epoch=e"))).toMatchObject({ ok: false, message: /at most once/ });
    expect(parseResumeQuery(query("last_seq=1e3&epoch=e"))).toMatchObject({ ok: false, message: /non-negative integer/ });
    expect(parseResumeQuery(query("last_seq=99999999999999999&epoch=e"))).toMatchObject({ ok: false });
    expect(parseResumeQuery(query("last_seq=1&epoch="))).toMatchObject({ ok: false, message: /epoch: must be a non-empty/ });
  });

  test("extractAccessToken", () => {
    expect(extractAccessToken(undefined, query("token=abc"))).toEqual({ ok: true, token: "abc" });
    expect(extractAccessToken("Bearer abc", query(""))).toEqual({ ok: true, token: "abc" });
    expect(extractAccessToken("bearer   abc", query("token=abc"))).toEqual({ ok: true, token: "abc" });
    expect(extractAccessToken("Bearer abc", query("token=def"))).toMatchObject({ ok: false, reason: "conflicting_tokens" });
    expect(extractAccessToken(undefined, query("token=a&token=b"))).toMatchObject({ ok: false, reason: "conflicting_tokens" });
    expect(extractAccessToken("Token abc", query(""))).toMatchObject({ ok: false, reason: "malformed_token" });
    expect(extractAccessToken("Bearer a b", query(""))).toMatchObject({ ok: false, reason: "malformed_token" });
    expect(extractAccessToken(undefined, query("token="))).toMatchObject({ ok: false, reason: "missing_token" });
    expect(extractAccessToken(undefined, query(""))).toMatchObject({ ok: false, reason: "missing_token" });
  });

  test("parseDurationSeconds", () => {
    expect(parseDurationSeconds("90")).toEqual({ ok: true, seconds: 90 });
    expect(parseDurationSeconds("15m")).toEqual({ ok: true, seconds: 900 });
    expect(parseDurationSeconds("1h")).toEqual({ ok: true, seconds: 3_600 });
    expect(parseDurationSeconds("7d")).toEqual({ ok: true, seconds: 604_800 });
    expect(parseDurationSeconds("0")).toMatchObject({ ok: false });
    expect(parseDurationSeconds("2y")).toMatchObject({ ok: false });
    expect(parseDurationSeconds("400d")).toMatchObject({ ok: false, message: /one year/ });
  });
});
