/**
 * The checker's judgement of the server's answers to a client: `needless_resync` (a
 * `resync_required` although the buffer still held everything after the resume point)
 * and `unexpected_protocol_error` (a `protocol_error` no frame the client sent explains).
 * Each broken case is flagged under exactly that kind; each kept twin is clean.
 */
import { describe, expect, it } from "vitest";
import { violationClassOf } from "../../protocol/checker/violationCountsByClass.ts";
import { kindsOf, Script, startAgent, Stream } from "./checkerFixtures.ts";

/** Device d1 holds seqs 1..heldSeq of run r-1 (6 events), drops, and resumes from heldSeq; `answer` is what the server sends first. */
function resumeAfterDrop(heldSeq: number, answer: { epoch?: string; oldestSeq: number; lastSeq?: number } | undefined, replayFromSeq: number): Script {
  const stream = new Stream("u1", "e-1");
  const run = stream.goldenRun("r-1");
  const script = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 0 });
  script.recvAll("d1#1", run.slice(0, heldSeq)).close("d1#1", 1006);
  script.connect("d1#2", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 6, resume: { epoch: "e-1", last_seq: heldSeq } });
  if (answer !== undefined) {
    script.recv("d1#2", { type: "resync_required", epoch: answer.epoch ?? "e-1", oldest_seq: answer.oldestSeq, last_seq: answer.lastSeq ?? 6 });
  }
  return script.recvAll("d1#2", run.slice(replayFromSeq - 1));
}

describe("needless_resync", () => {
  it("flags a resync_required at the lossless boundary (last_seq = oldest_seq - 1)", () => {
    expect(kindsOf(resumeAfterDrop(3, undefined, 4).check({ requireRunsComplete: true }).violations)).toEqual([]);
    const { violations, verdict } = resumeAfterDrop(3, { oldestSeq: 4 }, 4).check({ requireRunsComplete: true });
    expect(kindsOf(violations)).toEqual(["completeness/needless_resync"]);
    expect(violations[0]?.category).toBe("safety");
    expect(verdict.ok).toBe(false);
    expect(violations[0]?.message).toBe(
      "user u1 connection d1#2: resync_required (epoch e-1, oldest_seq 4, last_seq 6) answered a resume from seq 3 although the server still held every seq after it (lossless when last_seq >= oldest_seq - 1).",
    );
  });

  it("flags a resync_required whose buffer reached back before the resume point", () => {
    const { violations } = resumeAfterDrop(3, { oldestSeq: 2 }, 4).check();
    expect(kindsOf(violations)).toContain("completeness/needless_resync");
  });

  it("accepts a resync_required when a seq after the resume point is gone, in another epoch, or for a resume ahead of the server", () => {
    expect(kindsOf(resumeAfterDrop(3, { oldestSeq: 5 }, 5).check({ requireRunsComplete: true }).violations)).toEqual([]);
    // Another epoch: the resumed stream is gone, whatever its seqs.
    const restarted = new Stream("u1", "e-2", 50_000);
    const script = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 0 }).close("d1#1", 1006);
    script.connect("d1#2", { device: "d1", user: "u1", epoch: "e-2", lastSeq: 0, resume: { epoch: "e-1", last_seq: 0 } });
    script.recv("d1#2", { type: "resync_required", epoch: "e-2", oldest_seq: 1, last_seq: 0 });
    script.recvAll("d1#2", restarted.goldenRun("r-9"));
    expect(kindsOf(script.check({ requireRunsComplete: true }).violations)).toEqual([]);
    // Ahead of the server (it lost its newest events): the buffer holding everything cannot help.
    const ahead = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 0 }).close("d1#1", 1006);
    ahead.connect("d1#2", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 2, resume: { epoch: "e-1", last_seq: 5 } });
    ahead.recv("d1#2", { type: "resync_required", epoch: "e-1", oldest_seq: 1, last_seq: 2 });
    expect(kindsOf(ahead.check().violations)).not.toContain("completeness/needless_resync");
  });

  it("counts as the k6 class gap", () => {
    expect(violationClassOf({ invariant: "completeness", kind: "needless_resync" })).toBe("gap");
    expect(violationClassOf({ invariant: "completeness", kind: "missing_events" })).toBe("silent_gap");
  });
});

/** One connection that received seqs 1..3 of a run, sent `frames`, then got one protocol_error per entry of `errors`. */
function afterFrames(frames: readonly unknown[], errors: number): Script {
  const stream = new Stream("u1", "e-1");
  const script = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 0 });
  script.recvAll("d1#1", stream.goldenRun("r-1").slice(0, 3));
  for (const frame of frames) script.send("d1#1", frame);
  for (let index = 0; index < errors; index += 1) script.recv("d1#1", { type: "protocol_error", code: "bad_field", message: "refused" });
  return script;
}

describe("unexpected_protocol_error", () => {
  it("flags a protocol_error refusing an ack of the newest seq the connection received", () => {
    expect(kindsOf(afterFrames([{ type: "ack", seq: 3 }], 0).check().violations)).toEqual([]);
    const { violations } = afterFrames([{ type: "ack", seq: 3 }], 1).check();
    expect(kindsOf(violations)).toEqual(["content/unexpected_protocol_error"]);
    expect(violations[0]?.category).toBe("safety");
    expect(violations[0]?.message).toBe(
      'user u1 connection d1#1: protocol_error bad_field ("refused") answered no frame the client sent that could be refused; every frame it sent was well-formed.',
    );
    expect(violationClassOf(violations[0] as { invariant: "content"; kind: string })).toBe("content");
  });

  it("accepts one protocol_error per frame the server may refuse: malformed, not JSON, unknown type, an ack past what it was told, start_agent, cancel", () => {
    const refusable: unknown[] = [
      { type: "ack" },
      "{not json",
      { type: "subscribe" },
      { type: "ack", seq: 9 },
      { type: "ack", seq: -1 },
      startAgent("q-1"),
      { type: "cancel", run_id: "r-404" },
    ];
    for (const frame of refusable) expect(kindsOf(afterFrames([frame], 1).check().violations), JSON.stringify(frame)).toEqual([]);
    expect(kindsOf(afterFrames(refusable, refusable.length).check().violations)).toEqual([]);
    // Two answers to one bad frame: the second is unexplained.
    expect(kindsOf(afterFrames([{ type: "ack" }], 2).check().violations)).toEqual(["content/unexpected_protocol_error"]);
  });

  it("cannot vouch for an ack sent before the connection knew the server's newest seq", () => {
    const script = new Script().open("d1#1", { device: "d1", user: "u1" }).send("d1#1", { type: "ack", seq: 0 });
    script.connected("d1#1", { user: "u1", epoch: "e-1", lastSeq: 0 });
    script.recv("d1#1", { type: "protocol_error", code: "bad_field", message: "refused" });
    expect(kindsOf(script.check().violations)).toEqual([]);
  });

  it("forgets a connection's allowances when it closes", () => {
    const script = afterFrames([{ type: "ack" }], 0).close("d1#1", 1006);
    script.connect("d1#2", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 3, resume: { epoch: "e-1", last_seq: 3 } });
    script.send("d1#2", { type: "ack", seq: 3 });
    script.recv("d1#2", { type: "protocol_error", code: "bad_field", message: "refused" });
    expect(kindsOf(script.check().violations)).toEqual(["content/unexpected_protocol_error"]);
  });
});

describe("emitted_after_completed", () => {
  it("flags an event the server emitted after its run's agent_completed, even when no device saw it", () => {
    const stream = new Stream("u1", "e-1");
    const run = stream.goldenRun("r-1");
    const script = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 0 }).recvAll("d1#1", run).close("d1#1", 1000);
    expect(kindsOf(script.check({ requireRunsComplete: true, emitted: stream.emittedLog() }).violations)).toEqual([]);
    stream.emit("error_event", "r-1");
    stream.emit("agent_completed", "r-1", { data: { status: "error" } });
    const { violations } = script.check({ requireRunsComplete: true, emitted: stream.emittedLog() });
    expect(kindsOf(violations)).toEqual(["run_completed_last/emitted_after_completed"]);
    expect(violations[0]?.message).toBe("user u1 run r-1: the server emitted error_event (epoch e-1, seq 7) after the run's agent_completed.");
  });
});
