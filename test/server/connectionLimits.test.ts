/**
 * The server-side bounds on one connection, over real sockets: slow consumer (4409,
 * then a lossless resume), heartbeat (4408), token expiry (4401), shutdown (1001),
 * and the upgrade timeout against slowloris.
 */
import { connect as connectTcp, type Socket } from "node:net";
import { afterEach, describe, expect, test } from "vitest";
import { runProblems, seqProblems, startTestServer, waitFor, type TestServer } from "./serverTestKit.ts";

/** The raw TCP socket under a ws client (ws keeps it private). */
function rawSocketOf(ws: unknown): Socket {
  return (ws as { _socket: Socket })._socket;
}

describe("connection limits", () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  test("a client that stops reading is closed as a slow consumer (4409) and resumes without loss", async () => {
    const live = await startTestServer({ limits: { bufferedBytesMax: 64 * 1024, replayBytesMax: 32 * 1024 * 1024 } });
    server = live;
    const client = await live.connect("slow");
    const epoch = client.connected.epoch as string;
    rawSocketOf(client.ws).pause();
    client.send({ type: "start_agent", request_id: "flood-1", agent_type: "tester", message: "go", scenario: "flood" });
    await waitFor(() => live.decisions.some((decision) => decision.kind === "slow_consumer"), 10_000, "the slow-consumer decision");
    expect(live.server.manager.stats().connectionsByUser.get("slow")).toBeUndefined();

    // Reading again, the client drains what was queued, then sees the close.
    rawSocketOf(client.ws).resume();
    await client.waitForClose();
    expect([4409, 1006]).toContain(client.closeCode);
    const lastSeqSeen = client.lastSeq();
    expect(seqProblems(client.events(), 0)).toEqual([]);

    const resumed = await live.connect("slow", { resume: { lastSeq: lastSeqSeen, epoch } });
    const runId = client.events()[0]?.run_id as string;
    await waitFor(() => resumed.runCompleted(runId), 10_000, "the flood run to complete after resume");
    expect(resumed.ofType("resync_required")).toEqual([]);
    expect(seqProblems(resumed.events(), lastSeqSeen)).toEqual([]);
    expect(runProblems([...client.events(), ...resumed.events()])).toEqual([]);
    expect(resumed.invalid).toEqual([]);
    expect(live.server.health().status).toBe("DEGRADED");
    expect(live.server.health().degradedReasons).toContain("slow_consumer");
  });

  test("a client that does not answer pings is closed with 4408; one that does stays open", async () => {
    const live = await startTestServer({ limits: { heartbeatMs: 100 } });
    server = live;
    const healthy = await live.connect("pinged");
    const deaf = await live.connect("deaf", { wsOptions: { autoPong: false } });
    await deaf.waitForClose(3_000);
    expect(deaf.closeCode).toBe(4408);
    expect(live.decisions.filter((decision) => decision.kind === "heartbeat_timeout").map((decision) => decision.userId)).toEqual(["deaf"]);
    expect(healthy.closeCode).toBeNull();
    const runId = await healthy.startRun("still-here");
    await waitFor(() => healthy.runCompleted(runId), 2_000, "a run on the healthy connection");
    await healthy.close();
  });

  test("a token that expires while the connection is open closes it with 4401", async () => {
    const live = await startTestServer();
    server = live;
    const client = await live.connect("expiring", { token: await live.token("expiring", { ttlSeconds: 2 }) });
    expect(client.connected.user_id).toBe("expiring");
    await client.waitForClose(3_500);
    expect(client.closeCode).toBe(4401);
    expect(live.decisions.some((decision) => decision.kind === "token_expired")).toBe(true);
  });

  test("shutdown closes every client with 1001, bounded even for a client that stopped reading", async () => {
    const local = await startTestServer({ closeTimeoutMs: 200 });
    const first = await local.connect("s1");
    const second = await local.connect("s2");
    const stuck = await local.connect("s3");
    rawSocketOf(stuck.ws).pause();
    const runId = await first.startRun("mid-run", "paced");
    expect(runId).toMatch(/^r-/);
    const startedMs = Date.now();
    await local.close();
    expect(Date.now() - startedMs).toBeLessThan(2_000);
    await first.waitForClose();
    await second.waitForClose();
    expect(first.closeCode).toBe(1001);
    expect(second.closeCode).toBe(1001);
    expect(local.server.health().status).toBe("SHUTTING_DOWN");
    await expect(local.connect("late")).rejects.toThrow();
  });

  test("a socket that never finishes its upgrade is dropped after upgradeTimeoutMs", async () => {
    const live = await startTestServer({ upgradeTimeoutMs: 200 });
    server = live;
    const { port } = live.address;
    const socket = connectTcp({ host: "127.0.0.1", port });
    let closed = false;
    socket.on("close", () => (closed = true));
    socket.on("error", () => {});
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    socket.write(`GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n`);
    await waitFor(() => closed, 2_000, "the half-sent upgrade to be dropped");
  });
});
