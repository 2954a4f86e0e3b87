/**
 * Slow consumers, judged by the shared checker: one user, two devices. The slow one
 * stops reading during a 6.5 MB flood and is cut at the buffered-bytes bound (4409),
 * then resumes from its last seq without loss; the fast one, same user, same stream,
 * receives every event live and is never closed.
 */
import type { Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { seqProblems, startTestServer, waitFor, type TestClient, type TestServer } from "../server/serverTestKit.ts";
import { createTestChecker, feedChecker, HARDENING_SCRIPTS, safetyMessages } from "./hardeningKit.ts";

/** The raw TCP socket under a ws client (ws keeps it private). */
function rawSocketOf(client: TestClient): Socket {
  return (client.ws as unknown as { _socket: Socket })._socket;
}

const BUFFERED_BYTES_MAX = 256 * 1024;

describe("a slow consumer next to a fast one of the same user", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ scripts: HARDENING_SCRIPTS, limits: { bufferedBytesMax: BUFFERED_BYTES_MAX, replayBytesMax: 64 * 1024 * 1024 } });
  });
  afterAll(() => server.close());

  test("the slow device is cut with 4409 and resumes losslessly; the fast device gets everything live, never closed", async () => {
    const checker = createTestChecker();
    const fast = await server.connect("reader");
    feedChecker(checker, fast, { userId: "reader", deviceId: "desktop", connectionId: "desktop#1" });
    const slow = await server.connect("reader");
    feedChecker(checker, slow, { userId: "reader", deviceId: "phone", connectionId: "phone#1" });
    const slowConnectionId = slow.connected.connection_id;

    rawSocketOf(slow).pause();
    const runId = await fast.startRun("flood-1", "flood");
    await waitFor(() => fast.runCompleted(runId), 20_000, "the fast device to receive the whole flood");
    await waitFor(() => server.decisions.some((decision) => decision.kind === "slow_consumer"), 5_000, "the slow device to be cut");

    // Fast: every event, live (one connection, seqs 1..N, no resync), never closed.
    const head = server.server.manager.streamHead("reader")?.lastSeq as number;
    expect(head).toBeGreaterThan(400);
    expect(fast.closeCode).toBeNull();
    expect(fast.lastSeq()).toBe(head);
    expect(seqProblems(fast.events(), 0)).toEqual([]);
    expect(fast.ofType("resync_required")).toEqual([]);
    const cuts = server.decisions.filter((decision) => decision.kind === "slow_consumer");
    expect(cuts).toEqual([expect.objectContaining({ connectionId: slowConnectionId, userId: "reader", limitBytes: BUFFERED_BYTES_MAX })]);

    // Slow: drains what was queued, sees the close, resumes from its last seq.
    rawSocketOf(slow).resume();
    await slow.waitForClose(5_000);
    expect([4409, 1006]).toContain(slow.closeCode);
    const resume = { epoch: slow.connected.epoch as string, lastSeq: slow.lastSeq() };
    expect(resume.lastSeq).toBeLessThan(head);
    const resumed = await server.connect("reader", { resume });
    feedChecker(checker, resumed, { userId: "reader", deviceId: "phone", connectionId: "phone#2", resume });
    await waitFor(() => resumed.lastSeq() === head, 10_000, "the slow device to catch up");
    expect(resumed.ofType("resync_required")).toEqual([]);
    expect(seqProblems(resumed.events(), resume.lastSeq)).toEqual([]);
    expect(fast.closeCode).toBeNull();

    expect(safetyMessages(checker)).toEqual([]);
    const verdict = checker.finish({ atMs: Date.now(), requireRunsComplete: true });
    expect([...verdict.safety, ...verdict.liveness]).toEqual([]);
    expect(verdict.counts.runsCompleted).toBe(1);
    fast.kill();
    resumed.kill();
  });
});
