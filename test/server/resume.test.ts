/**
 * Resume (docs/protocol.md, Delivery): a killed client that resumes with last_seq/epoch gets
 * exactly the events it missed, in order, then live ones; a resume the server cannot
 * serve losslessly starts with resync_required: loss is announced, never silent.
 */
import { afterEach, describe, expect, test } from "vitest";
import { expectLosslessResume, seqProblems, startTestServer, waitFor, type TestServer } from "./serverTestKit.ts";

describe("resume", () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  test("a client killed mid-run resumes with exactly the missed events, then live ones", async () => {
    const live = await startTestServer();
    server = live;
    await expectLosslessResume({ victimOn: live, resumeOn: live }, "r1");
  });

  test("resume past the replay buffer: resync_required first, then what the server holds", async () => {
    const live = await startTestServer({ limits: { replayEventsMax: 5 } });
    server = live;
    const first = await live.connect("r2");
    const epoch = first.connected.epoch as string;
    const runA = await first.startRun("req-a");
    await waitFor(() => first.runCompleted(runA), 3_000, "run A");
    const runB = await first.startRun("req-b");
    await waitFor(() => first.runCompleted(runB), 3_000, "run B");
    const head = first.lastSeq();
    expect(head).toBeGreaterThan(7);
    await first.close();

    const resumed = await live.connect("r2", { resume: { lastSeq: 2, epoch } });
    await waitFor(() => resumed.lastSeq() === head, 3_000, "the buffered events");
    const [connected, resync, ...rest] = resumed.frames;
    expect(connected?.type).toBe("connected");
    expect(resync).toEqual({ type: "resync_required", epoch, oldest_seq: head - 4, last_seq: head });
    expect(rest.map((event) => event.seq)).toEqual([head - 4, head - 3, head - 2, head - 1, head]);
    expect(resumed.invalid).toEqual([]);

    // Live events follow the replay without a gap.
    const runC = await resumed.startRun("req-c");
    await waitFor(() => resumed.runCompleted(runC), 3_000, "run C");
    expect(seqProblems(resumed.events(), head - 5)).toEqual([]);
  });

  test.each([
    ["a wrong epoch", (epoch: string, head: number) => ({ lastSeq: head - 1, epoch: `${epoch}-old` })],
    ["a seq ahead of the server", (epoch: string, head: number) => ({ lastSeq: head + 10, epoch })],
  ])("resume with %s: resync_required first", async (_name, makeResume) => {
    const live = await startTestServer();
    server = live;
    const first = await live.connect("r3");
    const epoch = first.connected.epoch as string;
    const runId = await first.startRun("req-1");
    await waitFor(() => first.runCompleted(runId), 3_000, "the run");
    const head = first.lastSeq();
    await first.close();

    const resumed = await live.connect("r3", { resume: makeResume(epoch, head) });
    await waitFor(() => resumed.lastSeq() === head, 3_000, "the buffered events");
    expect(resumed.frames[1]).toEqual({ type: "resync_required", epoch, oldest_seq: 1, last_seq: head });
    expect(seqProblems(resumed.events(), 0)).toEqual([]);
  });

  test("resume at the head: no replay, no resync, then live events", async () => {
    const live = await startTestServer();
    server = live;
    const first = await live.connect("r4");
    const epoch = first.connected.epoch as string;
    const runA = await first.startRun("req-a");
    await waitFor(() => first.runCompleted(runA), 3_000, "run A");
    const head = first.lastSeq();
    await first.close();
    const resumed = await live.connect("r4", { resume: { lastSeq: head, epoch } });
    const runB = await resumed.startRun("req-b");
    await waitFor(() => resumed.runCompleted(runB), 3_000, "run B");
    expect(resumed.ofType("resync_required")).toEqual([]);
    expect(seqProblems(resumed.events(), head)).toEqual([]);
  });
});
