/**
 * Run invariants 1-4 on a device's view. Each case builds one scenario kept (zero
 * violations) and broken in one way (flagged under that invariant and kind only).
 */
import { describe, expect, it } from "vitest";
import type { AgentEvent } from "../../protocol/frames.ts";
import { kindsOf, Script, startAgent, Stream, withChanges } from "./checkerFixtures.ts";

interface Case {
  name: string;
  expected: string;
  build: (broken: boolean) => { script: Script; stream: Stream };
  requireRunsComplete?: boolean;
  withEmitted?: boolean;
}

/** One device from seq 1 receiving what `emit` emits. */
function oneDevice(emit: (stream: Stream, broken: boolean) => void): (broken: boolean) => { script: Script; stream: Stream } {
  return (broken) => {
    const stream = new Stream("u1", "e-1");
    emit(stream, broken);
    const script = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 0 });
    script.recvAll("d1#1", stream.emitted);
    return { script, stream };
  };
}

function thinkingThenTool(stream: Stream, runId: string, executionId = "x-1"): void {
  stream.emit("agent_thinking", runId);
  stream.emit("tool_executing", runId, { data: { execution_id: executionId } });
}

const cases: Case[] = [
  {
    name: "1: a run whose first event is not agent_started, in a view that holds every seq from 1",
    expected: "run_started_first/missing_start",
    build: oneDevice((stream, broken) => {
      if (!broken) stream.emit("agent_started", "r-1");
      thinkingThenTool(stream, "r-1");
      stream.emit("tool_completed", "r-1", { data: { execution_id: "x-1" } });
      stream.emit("agent_completed", "r-1");
    }),
    requireRunsComplete: true,
  },
  {
    name: "1: a run without agent_started that answers the device's own start_agent (view starts after seq 1)",
    expected: "run_started_first/missing_start",
    build: (broken) => {
      const stream = new Stream("u1", "e-1");
      stream.goldenRun("r-0");
      const script = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 6 });
      script.send("d1#1", startAgent("q-1"), stream.nowMs + 60);
      const before = stream.emitted.length;
      if (!broken) stream.emit("agent_started", "r-1");
      thinkingThenTool(stream, "r-1");
      stream.emit("tool_completed", "r-1", { data: { execution_id: "x-1" } });
      stream.emit("agent_completed", "r-1");
      return { script: script.recvAll("d1#1", stream.emitted.slice(before)), stream };
    },
    requireRunsComplete: true,
  },
  {
    name: "1: a second agent_started",
    expected: "run_started_first/started_twice",
    build: oneDevice((stream, broken) => {
      stream.emit("agent_started", "r-1");
      stream.emit("agent_thinking", "r-1");
      if (broken) stream.emit("agent_started", "r-1");
      stream.emit("agent_completed", "r-1");
    }),
    requireRunsComplete: true,
  },
  {
    name: "1: agent_started after another event of the run, seen by a device that joined mid-run",
    expected: "run_started_first/started_not_first",
    build: (broken) => {
      const stream = new Stream("u1", "e-1");
      stream.goldenRun("r-0");
      const script = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 6 });
      const events = broken
        ? [stream.emit("agent_thinking", "r-1"), stream.emit("agent_started", "r-1"), stream.emit("agent_completed", "r-1")]
        : [stream.emit("agent_thinking", "r-1"), stream.emit("partial_result", "r-1"), stream.emit("agent_completed", "r-1")];
      return { script: script.recvAll("d1#1", events), stream };
    },
  },
  {
    name: "2: an event after agent_completed",
    expected: "run_completed_last/after_completed",
    build: oneDevice((stream, broken) => {
      stream.goldenRun("r-1");
      if (broken) stream.emit("partial_result", "r-1");
    }),
    requireRunsComplete: true,
  },
  {
    name: "2: a second agent_completed",
    expected: "run_completed_last/completed_twice",
    build: oneDevice((stream, broken) => {
      stream.goldenRun("r-1");
      if (broken) stream.emit("agent_completed", "r-1");
    }),
    requireRunsComplete: true,
  },
  {
    name: "2: status error without an error_event before it",
    expected: "run_completed_last/error_without_error_event",
    build: oneDevice((stream, broken) => {
      stream.emit("agent_started", "r-1");
      stream.emit("agent_thinking", "r-1");
      if (!broken) stream.emit("error_event", "r-1");
      stream.emit("agent_completed", "r-1", { data: { status: "error" } });
    }),
    requireRunsComplete: true,
  },
  {
    name: "2: a run the device saw start never completes (requireRunsComplete)",
    expected: "run_completed_last/run_not_completed",
    build: oneDevice((stream, broken) => {
      const run = stream.goldenRun("r-1");
      if (broken) stream.emitted.splice(stream.emitted.indexOf(run[5] as AgentEvent), 1);
    }),
    requireRunsComplete: true,
  },
  {
    name: "2: the server never emits agent_completed (ground truth from the emitted log)",
    expected: "run_completed_last/run_not_completed",
    build: oneDevice((stream, broken) => {
      stream.emit("agent_started", "r-1");
      stream.emit("agent_thinking", "r-1");
      if (!broken) stream.emit("agent_completed", "r-1");
    }),
    requireRunsComplete: true,
    withEmitted: true,
  },
  {
    name: "3: tool_executing with no agent_thinking before it",
    expected: "thinking_before_tool/tool_before_thinking",
    build: oneDevice((stream, broken) => {
      stream.emit("agent_started", "r-1");
      if (!broken) stream.emit("agent_thinking", "r-1");
      stream.emit("tool_executing", "r-1", { data: { execution_id: "x-1" } });
      stream.emit("tool_completed", "r-1", { data: { execution_id: "x-1" } });
      stream.emit("agent_thinking", "r-1");
      stream.emit("agent_completed", "r-1");
    }),
    requireRunsComplete: true,
  },
  {
    name: "4: tool_completed without its tool_executing",
    expected: "tool_pairing/unpaired_completion",
    build: oneDevice((stream, broken) => {
      stream.emit("agent_started", "r-1");
      thinkingThenTool(stream, "r-1");
      stream.emit("tool_completed", "r-1", { data: { execution_id: "x-1" } });
      if (broken) stream.emit("tool_completed", "r-1", { data: { execution_id: "x-9" } });
      stream.emit("agent_completed", "r-1");
    }),
    requireRunsComplete: true,
  },
  {
    name: "4: a second tool_completed for one execution",
    expected: "tool_pairing/duplicate_completion",
    build: oneDevice((stream, broken) => {
      stream.emit("agent_started", "r-1");
      thinkingThenTool(stream, "r-1");
      stream.emit("tool_completed", "r-1", { data: { execution_id: "x-1" } });
      if (broken) stream.emit("tool_completed", "r-1", { data: { execution_id: "x-1" } });
      stream.emit("agent_completed", "r-1");
    }),
    requireRunsComplete: true,
  },
  {
    name: "4: tool_completed naming another tool than its tool_executing",
    expected: "tool_pairing/tool_name_mismatch",
    build: oneDevice((stream, broken) => {
      stream.emit("agent_started", "r-1");
      thinkingThenTool(stream, "r-1");
      stream.emit("tool_completed", "r-1", { data: { execution_id: "x-1", tool_name: broken ? "send_email" : "query_metrics" } });
      stream.emit("agent_completed", "r-1");
    }),
    requireRunsComplete: true,
  },
  {
    name: "4: agent_completed while a tool_executing has no tool_completed",
    expected: "tool_pairing/unpaired_executing",
    build: oneDevice((stream, broken) => {
      stream.emit("agent_started", "r-1");
      thinkingThenTool(stream, "r-1");
      if (!broken) stream.emit("tool_completed", "r-1", { data: { execution_id: "x-1" } });
      stream.emit("agent_completed", "r-1");
    }),
    requireRunsComplete: true,
  },
  {
    name: "4: an execution_id used by two tool_executing",
    expected: "tool_pairing/execution_reused",
    build: oneDevice((stream, broken) => {
      stream.emit("agent_started", "r-1");
      thinkingThenTool(stream, "r-1");
      stream.emit("tool_completed", "r-1", { data: { execution_id: "x-1" } });
      stream.emit("tool_executing", "r-1", { data: { execution_id: broken ? "x-1" : "x-2" } });
      stream.emit("tool_completed", "r-1", { data: { execution_id: broken ? "x-1" : "x-2" } });
      stream.emit("agent_completed", "r-1");
    }),
    requireRunsComplete: true,
  },
];

describe("createChecker, run invariants on a device view", () => {
  for (const testCase of cases) {
    const options = (stream: Stream) => ({
      requireRunsComplete: testCase.requireRunsComplete ?? false,
      ...(testCase.withEmitted === true ? { emitted: stream.emittedLog() } : {}),
    });
    it(`${testCase.name}: kept, passes`, () => {
      const { script, stream } = testCase.build(false);
      const { verdict, violations } = script.check(options(stream));
      expect(kindsOf(violations)).toEqual([]);
      expect(verdict.ok).toBe(true);
    });
    it(`${testCase.name}: broken, flagged as ${testCase.expected} only`, () => {
      const { script, stream } = testCase.build(true);
      const { verdict, violations } = script.check(options(stream));
      const [invariant] = testCase.expected.split("/");
      expect(kindsOf(violations)).toContain(testCase.expected);
      expect(violations.every((violation) => violation.invariant === invariant)).toBe(true);
      expect(verdict.ok).toBe(false);
      for (const violation of violations) expect(violation.message).toMatch(/^user u1 (device d1 )?run r-1/);
    });
  }

  it("does not require completion unless asked (requireRunsComplete false)", () => {
    const { script } = oneDevice((stream) => {
      stream.emit("agent_started", "r-1");
      stream.emit("agent_thinking", "r-1");
    })(false);
    expect(script.check({ requireRunsComplete: false }).verdict.ok).toBe(true);
  });

  it("reports run_not_completed once, server side, when the emitted log shows it never completed", () => {
    const stream = new Stream("u1", "e-1");
    stream.emit("agent_started", "r-1");
    const script = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 0 }).recvAll("d1#1", stream.emitted);
    const { verdict } = script.check({ requireRunsComplete: true, emitted: stream.emittedLog() });
    expect(verdict.liveness.map((violation) => violation.message)).toEqual([
      "user u1 run r-1: the server emitted agent_started (epoch e-1, seq 1) but never agent_completed.",
    ]);
    expect(verdict.liveness[0]).toMatchObject({ category: "liveness", protocolNumber: 2 });
  });

  it("relaxes absence checks after an announced loss but still flags what loss cannot explain", () => {
    const stream = new Stream("u1", "e-1");
    const events = [
      stream.emit("agent_started", "r-1"),
      stream.emit("agent_thinking", "r-1"),
      stream.emit("tool_executing", "r-1", { data: { execution_id: "x-1" } }),
      stream.emit("tool_executing", "r-1", { data: { execution_id: "x-2" } }),
      stream.emit("tool_completed", "r-1", { data: { execution_id: "x-1" } }),
      stream.emit("tool_completed", "r-1", { data: { execution_id: "x-2", tool_name: "other_tool" } }),
      stream.emit("agent_completed", "r-1"),
      stream.emit("partial_result", "r-1"),
    ];
    const script = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 0 });
    script.recvAll("d1#1", events.slice(0, 1)).close("d1#1", 1006);
    script.connect("d1#2", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 8, resume: { epoch: "e-1", last_seq: 1 } });
    script.recv("d1#2", { type: "resync_required", epoch: "e-1", oldest_seq: 4, last_seq: 8 });
    script.recvAll("d1#2", events.slice(3));
    const { violations } = script.check({ requireRunsComplete: true });
    // Lost: thinking and x-1's tool_executing. Not blamed: x-1 completing without a seen executing.
    expect(kindsOf(violations)).toEqual(["tool_pairing/tool_name_mismatch", "run_completed_last/after_completed"]);
    expect(violations[0]?.message).toBe(
      "user u1 device d1 run r-1: tool_completed at seq 6 (epoch e-1) names tool other_tool but execution x-2 started query_metrics at seq 4.",
    );
  });

  it("does not blame a run on a pending start_agent when the run was seen before by another connection", () => {
    const stream = new Stream("u1", "e-1");
    const other = stream.goldenRun("r-1");
    const script = new Script()
      .connect("a#1", { device: "a", user: "u1", epoch: "e-1", lastSeq: 0 })
      .recvAll("a#1", other.slice(0, 2))
      .connect("b#1", { device: "b", user: "u1", epoch: "e-1", lastSeq: 2 })
      .send("b#1", startAgent("q-1", "writer"));
    for (const event of other.slice(2)) script.recv("a#1", event).recv("b#1", event);
    expect(kindsOf(script.check({ requireRunsComplete: true }).violations)).toEqual([]);
  });

  it("keys runs by epoch: a restarted server may reuse a run id", () => {
    const old = new Stream("u1", "e-old");
    const fresh = new Stream("u1", "e-new", 60_000);
    const script = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-old", lastSeq: 0 });
    script.recvAll("d1#1", old.goldenRun("r-1").slice(0, 4)).close("d1#1", 1001);
    script.connect("d1#2", { device: "d1", user: "u1", epoch: "e-new", lastSeq: 0, resume: { epoch: "e-old", last_seq: 4 } });
    script.recv("d1#2", { type: "resync_required", epoch: "e-new", oldest_seq: 1, last_seq: 0 });
    script.recvAll("d1#2", fresh.goldenRun("r-1"));
    expect(kindsOf(script.check({ requireRunsComplete: true }).violations)).toEqual([]);
  });
});

describe("createChecker, runs that span a server restart", () => {
  it("does not blame a run continuing into a new epoch, and still blames one in a user's only epoch", () => {
    for (const restarted of [true, false]) {
      const old = new Stream("u1", "e-old");
      const next = restarted ? new Stream("u1", "e-new") : old;
      const script = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-old", lastSeq: 0 });
      script.recvAll("d1#1", old.goldenRun("r-1"));
      if (restarted) {
        // The gateway restarted mid-run (runs survive it): seq 1 of the new epoch is the middle of r-2.
        script.close("d1#1", 1001).connect("d1#2", { device: "d1", user: "u1", epoch: "e-new", lastSeq: 2, resume: { epoch: "e-old", last_seq: 6 } });
        script.recv("d1#2", { type: "resync_required", epoch: "e-new", oldest_seq: 1, last_seq: 2 });
        script.recv("d1#2", next.emit("tool_executing", "r-2", { data: { execution_id: "x-2", tool_name: "query_metrics" } }));
        script.recv("d1#2", next.emit("tool_completed", "r-2", { data: { execution_id: "x-2", tool_name: "query_metrics" } }));
      } else {
        // Same epoch, every seq from 1 held: a run whose first event is a tool really lost its start.
        script.recv("d1#1", next.emit("tool_executing", "r-2", { data: { execution_id: "x-2", tool_name: "query_metrics" } }));
      }
      const kinds = kindsOf(script.check().violations);
      if (restarted) expect(kinds).toEqual([]);
      else expect(kinds).toContain("run_started_first/missing_start");
    }
  });
});
