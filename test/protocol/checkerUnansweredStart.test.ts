/**
 * `unanswered_start` (invariant 1, liveness): a start_agent on a connection open to the
 * end, not refused, that the server never answered with agent_started. Judged only with
 * the emitted log. Each firing case has a quiet twin: answered, refused, sent on a
 * connection a restart or a drop ended, or a resync that cost the device its agent_started.
 */
import { describe, expect, it } from "vitest";
import { violationClassOf } from "../../protocol/checker/violationCountsByClass.ts";
import type { Violation } from "../../protocol/checker/Violation.ts";
import { kindsOf as allKindsOf, Script, startAgent, Stream } from "./checkerFixtures.ts";

/** The safety and liveness kinds (the fixtures' clocks make start latency a timing note, beside the point here). */
function kindsOf(violations: readonly Violation[]): string[] {
  return allKindsOf(violations.filter((violation) => violation.category !== "timing"));
}

describe("unanswered_start", () => {
  it("flags a start_agent the server never answered on a connection that stayed open", () => {
    const stream = new Stream("u1", "e-1");
    const script = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 0 }).send("d1#1", startAgent("q1"));
    const { violations, verdict } = script.check({ requireRunsComplete: true, emitted: stream.emittedLog() });
    expect(kindsOf(violations)).toEqual(["run_started_first/unanswered_start"]);
    expect(violations[0]).toMatchObject({ category: "liveness", protocolNumber: 1, userId: "u1", connectionId: "d1#1", deviceId: "d1" });
    expect(violations[0]?.message).toBe(
      "user u1 (epoch e-1): 1 start_agent sent on connections open to the end (request_ids q1) and not refused by a protocol_error, but the emitted log has 0 agent_started after seq 0: 1 never answered.",
    );
    expect(verdict.ok).toBe(false);
  });

  it("is quiet when every start is answered, and counts: two starts, one answer, is one finding", () => {
    const stream = new Stream("u1", "e-1");
    const answered = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 0 }).send("d1#1", startAgent("q1"));
    answered.recvAll("d1#1", stream.goldenRun("r-1"));
    expect(kindsOf(answered.check({ requireRunsComplete: true, emitted: stream.emittedLog() }).violations)).toEqual([]);
    answered.send("d1#1", startAgent("q2"));
    const { verdict } = answered.check({ requireRunsComplete: true, emitted: stream.emittedLog() });
    expect(kindsOf(verdict.liveness)).toEqual(["run_started_first/unanswered_start"]);
    expect(verdict.liveness[0]?.message).toContain("2 start_agent sent on connections open to the end (request_ids q1, q2)");
    expect(verdict.liveness[0]?.message).toContain("1 never answered");
  });

  it("is quiet when a protocol_error may have refused the start, or the request_id was already used", () => {
    const refused = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 0 }).send("d1#1", startAgent("q1"));
    refused.recv("d1#1", { type: "protocol_error", code: "bad_field", message: "request_id: this user already has 1 active runs (limit 1)" });
    expect(kindsOf(refused.check({ requireRunsComplete: true, emitted: [] }).violations)).toEqual([]);
    const stream = new Stream("u1", "e-1");
    const repeated = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 0 }).send("d1#1", startAgent("q1"));
    repeated.recvAll("d1#1", stream.goldenRun("r-1")).close("d1#1", 1006);
    repeated.connect("d1#2", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 6, resume: { epoch: "e-1", last_seq: 6 } }).send("d1#2", startAgent("q1"));
    expect(kindsOf(repeated.check({ requireRunsComplete: true, emitted: stream.emittedLog() }).violations)).toEqual([]);
  });

  it("stays quiet after a restart: the start went with the old server's connection", () => {
    const before = new Stream("u1", "e-1");
    const after = new Stream("u1", "e-2", 50_000);
    const script = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 0 }).send("d1#1", startAgent("q1")).close("d1#1", 1001);
    script.connect("d1#2", { device: "d1", user: "u1", epoch: "e-2", lastSeq: 0, resume: { epoch: "e-1", last_seq: 0 } });
    script.recv("d1#2", { type: "resync_required", epoch: "e-2", oldest_seq: 1, last_seq: 0 });
    const emitted = [...before.emittedLog(), ...after.emittedLog()];
    expect(kindsOf(script.check({ requireRunsComplete: true, emitted }).violations)).toEqual([]);
  });

  it("stays quiet when a resync cost the device its agent_started, and judges a start sent after the resync", () => {
    const stream = new Stream("u1", "e-1");
    const run = stream.goldenRun("r-1");
    const script = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 0 }).send("d1#1", startAgent("q1")).close("d1#1", 1006);
    script.connect("d1#2", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 6, resume: { epoch: "e-1", last_seq: 0 } });
    script.recv("d1#2", { type: "resync_required", epoch: "e-1", oldest_seq: 3, last_seq: 6 });
    script.recvAll("d1#2", run.slice(2));
    expect(kindsOf(script.check({ requireRunsComplete: true, emitted: stream.emittedLog() }).violations)).toEqual([]);
    // A start on the resumed connection is answered after where it resumed (seq 2): r-1's agent_started (seq 1) cannot be its answer.
    script.send("d1#2", startAgent("q2"));
    expect(kindsOf(script.check({ requireRunsComplete: true, emitted: stream.emittedLog() }).violations)).toEqual(["run_started_first/unanswered_start"]);
  });

  it("is not judged without the emitted log (a client trace cannot tell an unanswered start from a lost answer)", () => {
    const script = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 0 }).send("d1#1", startAgent("q1"));
    expect(kindsOf(script.check({ requireRunsComplete: true }).violations)).toEqual([]);
  });

  it("counts as the k6 class silent_gap (events that never came); other run_started_first kinds stay order", () => {
    expect(violationClassOf({ invariant: "run_started_first", kind: "unanswered_start" })).toBe("silent_gap");
    expect(violationClassOf({ invariant: "run_started_first", kind: "missing_start" })).toBe("order");
  });
});
