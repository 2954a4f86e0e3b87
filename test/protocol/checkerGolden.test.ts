/** Golden paths and resume: traces that keep every invariant must pass with zero violations. */
import { describe, expect, it } from "vitest";
import { kindsOf, Script, startAgent, Stream } from "./checkerFixtures.ts";

describe("createChecker on traces that keep every invariant", () => {
  it("passes one device running one golden run, and counts what it saw", () => {
    const stream = new Stream("u1", "e-1");
    const script = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 0 });
    script.send("d1#1", startAgent("q-1"), stream.nowMs + 50);
    script.recvAll("d1#1", stream.goldenRun("r-1"));
    const { verdict, violations } = script.check({ requireRunsComplete: true, emitted: stream.emittedLog() });
    expect(kindsOf(violations)).toEqual([]);
    expect(verdict.ok).toBe(true);
    expect(verdict.counts).toMatchObject({ frames: 7, events: 6, connections: 1, users: 1, runsStarted: 1, runsCompleted: 1 });
    expect(verdict.counts.eventsByType).toMatchObject({ agent_started: 1, agent_completed: 1 });
    expect(verdict.latencyMs).toMatchObject({ count: 6, p50: 5, p99: 5, max: 5 });
    expect(verdict.timing.every((timing) => timing.ok)).toBe(true);
    const startLatency = verdict.timing.find((timing) => timing.name === "timing_start_latency");
    expect(startLatency).toMatchObject({ observed: 50, samples: 1 });
  });

  it("passes interleaved runs and an error run that sends error_event first", () => {
    const stream = new Stream("u1", "e-1");
    const script = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 0 });
    const events = [
      stream.emit("agent_started", "r-1"),
      stream.emit("agent_started", "r-2"),
      stream.emit("agent_thinking", "r-1"),
      stream.emit("agent_thinking", "r-2"),
      stream.emit("tool_executing", "r-2", { data: { execution_id: "x-2" } }),
      stream.emit("error_event", "r-1"),
      stream.emit("agent_completed", "r-1", { data: { status: "error" } }),
      stream.emit("tool_completed", "r-2", { data: { execution_id: "x-2", status: "error" } }),
      stream.emit("agent_completed", "r-2", { data: { status: "cancelled" } }),
    ];
    script.recvAll("d1#1", events);
    const { verdict } = script.check({ requireRunsComplete: true });
    expect(kindsOf(verdict.safety.concat(verdict.liveness))).toEqual([]);
  });

  it("passes a resume in the same epoch that gets the replay first", () => {
    const stream = new Stream("u1", "e-1");
    const run = stream.goldenRun("r-1");
    const script = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 0 });
    script.recvAll("d1#1", run.slice(0, 3)).close("d1#1", 1006);
    script.connect("d1#2", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 6, resume: { epoch: "e-1", last_seq: 3 } });
    script.recvAll("d1#2", run.slice(3));
    script.recvAll("d1#2", stream.goldenRun("r-2"));
    const { verdict, violations } = script.check({ requireRunsComplete: true, emitted: stream.emittedLog() });
    expect(kindsOf(violations)).toEqual([]);
    expect(verdict.ok).toBe(true);
    // Replayed events (seq <= connected.last_seq) are not latency samples; live ones are.
    expect(verdict.latencyMs.count).toBe(3 + 6);
  });

  it("passes a resume into a new epoch that gets resync_required and then what the server has", () => {
    const old = new Stream("u1", "e-old");
    const fresh = new Stream("u1", "e-new", 50_000);
    const script = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-old", lastSeq: 0 });
    script.recvAll("d1#1", old.goldenRun("r-1").slice(0, 3)).close("d1#1", 1006);
    const early = fresh.goldenRun("r-1");
    script.connect("d1#2", { device: "d1", user: "u1", epoch: "e-new", lastSeq: 6, resume: { epoch: "e-old", last_seq: 3 } });
    script.recv("d1#2", { type: "resync_required", epoch: "e-new", oldest_seq: 1, last_seq: 6 });
    script.recvAll("d1#2", early);
    script.recvAll("d1#2", fresh.goldenRun("r-2"));
    const { verdict } = script.check({ requireRunsComplete: true, emitted: [...old.emittedLog(), ...fresh.emittedLog()].filter((entry) => entry.epoch === "e-new") });
    expect(kindsOf(verdict.safety.concat(verdict.liveness))).toEqual([]);
  });

  it("passes a resume below the replay buffer announced by resync_required (the lost range is announced)", () => {
    const stream = new Stream("u1", "e-1");
    const run = stream.goldenRun("r-1");
    const script = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 0 });
    script.recvAll("d1#1", run.slice(0, 2)).close("d1#1", 4409);
    script.connect("d1#2", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 6, resume: { epoch: "e-1", last_seq: 2 } });
    script.recv("d1#2", { type: "resync_required", epoch: "e-1", oldest_seq: 5, last_seq: 6 });
    script.recvAll("d1#2", run.slice(4));
    const { verdict } = script.check({ requireRunsComplete: true, emitted: stream.emittedLog() });
    expect(kindsOf(verdict.safety.concat(verdict.liveness))).toEqual([]);
  });

  it("passes two devices of one user when the second joins mid-run (and sends its own start_agent)", () => {
    const stream = new Stream("u1", "e-1");
    const first = stream.goldenRun("r-1");
    const second = stream.goldenRun("r-2");
    const script = new Script().connect("a#1", { device: "a", user: "u1", epoch: "e-1", lastSeq: 0 });
    script.send("a#1", startAgent("q-1"), 1_000);
    script.recvAll("a#1", first.slice(0, 3));
    script.connect("b#1", { device: "b", user: "u1", epoch: "e-1", lastSeq: 3 });
    // b's own start_agent is still unanswered while a's run goes on: a's run must not be blamed on it.
    script.send("b#1", startAgent("q-2", "writer"));
    for (const event of first.slice(3)) script.recv("a#1", event).recv("b#1", event);
    script.send("a#1", startAgent("q-3"), (second[0]?.ts ?? 0) - 40);
    for (const event of second) script.recv("a#1", event).recv("b#1", event);
    // b's start is answered last (an unanswered one is unanswered_start, with the emitted log);
    // so late that start latency is beside this test's point: timing off.
    const third = [stream.emit("agent_started", "r-3", { data: { agent_type: "writer" } }), stream.emit("agent_thinking", "r-3"), stream.emit("agent_completed", "r-3")];
    for (const event of third) script.recv("a#1", event).recv("b#1", event);
    const { verdict, violations } = script.check({ requireRunsComplete: true, emitted: stream.emittedLog(), measureTiming: false });
    expect(kindsOf(violations)).toEqual([]);
    expect(verdict.ok).toBe(true);
    expect(verdict.counts.runsStarted).toBe(3);
  });

  it("passes a device that reconnects without resume mid-run (it gave up continuity; live events only)", () => {
    const stream = new Stream("u1", "e-1");
    const run = stream.goldenRun("r-1");
    const script = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 0 });
    script.recvAll("d1#1", run.slice(0, 2)).close("d1#1", 1006);
    script.connect("d1#2", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 3 });
    script.recvAll("d1#2", run.slice(3));
    const { verdict } = script.check({ requireRunsComplete: true, emitted: stream.emittedLog() });
    expect(kindsOf(verdict.safety.concat(verdict.liveness))).toEqual([]);
  });

  it("ignores a repeated start_agent request_id and protocol_error frames", () => {
    const stream = new Stream("u1", "e-1");
    const script = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 0 });
    script.send("d1#1", startAgent("q-1"), 1_040).send("d1#1", startAgent("q-1"), 1_050);
    script.send("d1#1", { type: "bogus" });
    script.recv("d1#1", { type: "protocol_error", code: "unknown_type", message: "type: bogus" });
    script.recvAll("d1#1", stream.goldenRun("r-1"));
    const { verdict } = script.check({ requireRunsComplete: true });
    expect(verdict.ok).toBe(true);
    expect(verdict.timing.find((timing) => timing.name === "timing_start_latency")).toMatchObject({ observed: 60, samples: 1 });
  });

  it("returns the same verdict when finish is called again", async () => {
    const { createChecker } = await import("../../protocol/checker/createChecker.ts");
    const checker = createChecker();
    const first = checker.finish({ atMs: 1, requireRunsComplete: true });
    expect(checker.finish({ atMs: 2, requireRunsComplete: false })).toBe(first);
  });
});
