/**
 * Connection-level invariants: content (5), isolation (6), order and exactly-once (7).
 * Each case builds the same scenario twice: kept (zero violations) and broken in one
 * way (flagged under that invariant and kind, and under no other invariant).
 */
import { describe, expect, it } from "vitest";
import type { AgentEvent } from "../../protocol/frames.ts";
import { kindsOf, Script, Stream, withChanges, withoutDataField } from "./checkerFixtures.ts";

interface Case {
  name: string;
  /** invariant/kind expected when broken. */
  expected: string;
  build: (broken: boolean) => Script;
  requireRunsComplete?: boolean;
}

/** One device, one connection from seq 1, the golden run with `mutate` applied to the received list when broken. */
function singleRun(broken: boolean, mutate: (events: AgentEvent[], stream: Stream) => unknown[]): Script {
  const stream = new Stream("u1", "e-1");
  const events = stream.goldenRun("r-1");
  const script = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 0 });
  return script.recvAll("d1#1", broken ? mutate(events, stream) : events);
}

function replaceAt(events: readonly AgentEvent[], index: number, frame: unknown): unknown[] {
  return events.map((event, position) => (position === index ? frame : event));
}

const cases: Case[] = [
  {
    name: "content: an event without a required data field",
    expected: "content/missing_field",
    build: (broken) => singleRun(broken, (events) => replaceAt(events, 1, withoutDataField(events[1] as AgentEvent, "thinking_content"))),
    requireRunsComplete: true,
  },
  {
    name: "content: an empty required field",
    expected: "content/invalid_field",
    build: (broken) => singleRun(broken, (events) => replaceAt(events, 4, withChanges(events[4] as AgentEvent, { data: { content: "" } }))),
    requireRunsComplete: true,
  },
  {
    name: "content: an unknown frame type",
    expected: "content/unknown_type",
    build: (broken) => singleRun(broken, (events) => [...events.slice(0, 2), { type: "agent_dreaming", note: "no seq" }, ...events.slice(2)]),
    requireRunsComplete: true,
  },
  {
    name: "content: a frame that is not an object",
    expected: "content/not_an_object",
    build: (broken) => singleRun(broken, (events) => [...events.slice(0, 2), "surprise", ...events.slice(2)]),
  },
  {
    name: "isolation: an event of another user",
    expected: "isolation/foreign_event",
    build: (broken) => {
      const other = new Stream("u2", "e-9");
      return singleRun(broken, (events) => [...events.slice(0, 3), other.emit("partial_result", "r-77"), ...events.slice(3)]);
    },
    requireRunsComplete: true,
  },
  {
    name: "isolation: agent_started naming another user in data.user_id",
    expected: "isolation/foreign_started_user",
    build: (broken) => singleRun(broken, (events) => replaceAt(events, 0, withChanges(events[0] as AgentEvent, { data: { user_id: "u2" } }))),
    requireRunsComplete: true,
  },
  {
    name: "isolation: a connected frame naming another user",
    expected: "isolation/connected_user_mismatch",
    build: (broken) => {
      const stream = new Stream("u1", "e-1");
      const script = new Script().open("d1#1", { device: "d1", user: "u1" });
      script.connected("d1#1", { user: broken ? "u2" : "u1", epoch: "e-1", lastSeq: 0 });
      return script.recvAll("d1#1", stream.goldenRun("r-1"));
    },
  },
  {
    name: "order: a silent gap (tool_completed never arrives; pairing is not blamed)",
    expected: "order_exactly_once/gap",
    build: (broken) => singleRun(broken, (events) => events.filter((_, index) => index !== 3)),
    requireRunsComplete: true,
  },
  {
    name: "order: a duplicate",
    expected: "order_exactly_once/duplicate",
    build: (broken) => singleRun(broken, (events) => [...events.slice(0, 3), events[2], ...events.slice(3)]),
    requireRunsComplete: true,
  },
  {
    name: "order: a reorder (shows as a gap, then as the late seq)",
    expected: "order_exactly_once/reorder",
    build: (broken) => singleRun(broken, (events) => [events[0], events[1], events[4], events[2], events[3], events[5]]),
    requireRunsComplete: true,
  },
  {
    name: "order: an event of another epoch on the connection",
    expected: "order_exactly_once/epoch_mismatch",
    build: (broken) =>
      singleRun(broken, (events) => [...events.slice(0, 4), withChanges(events[4] as AgentEvent, { epoch: "e-2", seq: 1 }), ...events.slice(4)]),
    requireRunsComplete: true,
  },
  {
    name: "order: an event before connected",
    expected: "order_exactly_once/before_connected",
    build: (broken) => {
      const stream = new Stream("u1", "e-1");
      const early = stream.emit("partial_result", "r-0");
      const script = new Script().open("d1#1", { device: "d1", user: "u1" });
      if (broken) script.recv("d1#1", early);
      script.connected("d1#1", { user: "u1", epoch: "e-1", lastSeq: 1 });
      return script.recvAll("d1#1", stream.goldenRun("r-1"));
    },
    requireRunsComplete: true,
  },
  {
    name: "order: a second connected frame",
    expected: "order_exactly_once/connected_twice",
    build: (broken) =>
      singleRun(broken, (events) => [...events.slice(0, 2), { type: "connected", user_id: "u1", connection_id: "d1#1", epoch: "e-1", last_seq: 2 }, ...events.slice(2)]),
    requireRunsComplete: true,
  },
  {
    name: "order: a seq from before a fresh connection's start",
    expected: "order_exactly_once/before_start",
    build: (broken) => {
      const stream = new Stream("u1", "e-1");
      const old = stream.emit("partial_result", "r-0");
      const script = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 1 });
      if (broken) script.recv("d1#1", old);
      return script.recvAll("d1#1", stream.goldenRun("r-1"));
    },
    requireRunsComplete: true,
  },
  {
    name: "order: two devices receive different events under one seq",
    expected: "order_exactly_once/seq_conflict",
    build: (broken) => {
      const stream = new Stream("u1", "e-1");
      const events = stream.goldenRun("r-1");
      const script = new Script()
        .connect("a#1", { device: "a", user: "u1", epoch: "e-1", lastSeq: 0 })
        .connect("b#1", { device: "b", user: "u1", epoch: "e-1", lastSeq: 0 });
      for (const event of events) {
        script.recv("a#1", event);
        script.recv("b#1", broken && event.seq === 5 ? withChanges(event, { data: { content: "another text" } }) : event);
      }
      return script;
    },
    requireRunsComplete: true,
  },
  {
    name: "order: a resume in another epoch answered without resync_required",
    expected: "order_exactly_once/epoch_mismatch",
    build: (broken) => {
      const old = new Stream("u1", "e-old");
      const fresh = new Stream("u1", "e-new", 40_000);
      const script = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-old", lastSeq: 0 });
      script.recvAll("d1#1", old.goldenRun("r-1").slice(0, 3)).close("d1#1", 1006);
      const replay = fresh.goldenRun("r-5");
      script.connect("d1#2", { device: "d1", user: "u1", epoch: "e-new", lastSeq: 6, resume: { epoch: "e-old", last_seq: 3 } });
      if (!broken) script.recv("d1#2", { type: "resync_required", epoch: "e-new", oldest_seq: 1, last_seq: 6 });
      return script.recvAll("d1#2", broken ? replay.slice(3) : replay);
    },
  },
  {
    name: "order: a resume that replays the last event the device already had",
    expected: "order_exactly_once/duplicate",
    build: (broken) => {
      const stream = new Stream("u1", "e-1");
      const run = stream.goldenRun("r-1");
      const script = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 0 });
      script.recvAll("d1#1", run.slice(0, 3)).close("d1#1", 1006);
      script.connect("d1#2", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 6, resume: { epoch: "e-1", last_seq: 3 } });
      return script.recvAll("d1#2", run.slice(broken ? 2 : 3));
    },
    requireRunsComplete: true,
  },
  {
    name: "order: a resume ahead of the server's newest seq answered without resync_required",
    expected: "order_exactly_once/seq_regressed",
    build: (broken) => {
      const stream = new Stream("u1", "e-1");
      const events = stream.goldenRun("r-1");
      const script = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 0 });
      script.recvAll("d1#1", events).close("d1#1", 1006);
      const lastSeq = broken ? 9 : 6;
      script.connect("d1#2", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 6, resume: { epoch: "e-1", last_seq: lastSeq } });
      return script.recvAll("d1#2", stream.goldenRun("r-2"));
    },
  },
  {
    name: "order: a resume below the replay buffer answered without resync_required",
    expected: "order_exactly_once/gap",
    build: (broken) => {
      const stream = new Stream("u1", "e-1");
      const run = stream.goldenRun("r-1");
      const script = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 0 });
      script.recvAll("d1#1", run.slice(0, 2)).close("d1#1", 4409);
      script.connect("d1#2", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 6, resume: { epoch: "e-1", last_seq: 2 } });
      if (!broken) script.recv("d1#2", { type: "resync_required", epoch: "e-1", oldest_seq: 5, last_seq: 6 });
      return script.recvAll("d1#2", run.slice(4));
    },
    requireRunsComplete: true,
  },
  {
    name: "order: a resume before the first event (last_seq 0) answered with live events only (socket.io #5538)",
    expected: "order_exactly_once/gap",
    build: (broken) => {
      const stream = new Stream("u1", "e-1");
      const script = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 0 }).close("d1#1", 1006);
      const missed = stream.goldenRun("r-1");
      script.connect("d1#2", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 6, resume: { epoch: "e-1", last_seq: 0 } });
      if (!broken) script.recvAll("d1#2", missed);
      return script.recvAll("d1#2", stream.goldenRun("r-2"));
    },
    requireRunsComplete: true,
  },
];

describe("createChecker, connection-level invariants", () => {
  for (const testCase of cases) {
    const checkOptions = { requireRunsComplete: testCase.requireRunsComplete ?? false };
    it(`${testCase.name}: kept, passes`, () => {
      const { verdict, violations } = testCase.build(false).check(checkOptions);
      expect(kindsOf(violations)).toEqual([]);
      expect(verdict.ok).toBe(true);
    });
    it(`${testCase.name}: broken, flagged as ${testCase.expected} only`, () => {
      const checked = testCase.build(true).check(checkOptions);
      const verdict = checked.verdict;
      // A reordering delays deliveries in the script, which timing rightly notices; timing is judged apart.
      const violations = checked.violations.filter((violation) => violation.category !== "timing");
      const [invariant] = testCase.expected.split("/");
      expect(kindsOf(violations)).toContain(testCase.expected);
      expect(violations.every((violation) => violation.invariant === invariant)).toBe(true);
      expect(verdict.ok).toBe(false);
      for (const violation of violations) {
        expect(violation.message).toMatch(/^user u1 /);
        expect(violation.message.endsWith(".")).toBe(true);
      }
    });
  }

  it("names the user, connection, seq, epoch and first arrival in a duplicate's message", () => {
    const { violations } = singleRun(true, (events) => [...events.slice(0, 3), events[2], ...events.slice(3)]).check();
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ userId: "u1", connectionId: "d1#1", deviceId: "d1", seqs: [3], protocolNumber: 7, category: "safety" });
    expect(violations[0]?.message).toBe("user u1 connection d1#1: seq 3 arrived twice (epoch e-1); the first copy came at 1305 ms.");
  });

  it("reports a reorder as a gap when the jump arrives and a reorder when the late seq does", () => {
    const { violations } = singleRun(true, (events) => [events[0], events[1], events[4], events[2], events[3], events[5]]).check();
    expect(kindsOf(violations)).toEqual([
      "order_exactly_once/gap",
      "order_exactly_once/reorder",
      "order_exactly_once/reorder",
      "timing_delivery_latency/slow_delivery",
    ]);
    expect(violations[0]?.message).toBe("user u1 connection d1#1: seq 5 (epoch e-1) arrived when seq 3 was due; seqs 3-4 were skipped without resync_required.");
  });

  it("flags a socket.io #5538 resume that gets nothing at all as missing events at finish", () => {
    const stream = new Stream("u1", "e-1");
    const script = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 0 }).close("d1#1", 1006);
    stream.goldenRun("r-1");
    script.connect("d1#2", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 6, resume: { epoch: "e-1", last_seq: 0 } });
    const { violations, verdict } = script.check();
    expect(kindsOf(violations)).toEqual(["completeness/missing_events"]);
    expect(verdict.liveness[0]?.message).toBe(
      "user u1 device d1: 6 events of epoch e-1 never arrived (seq 1-6; newest known seq 6), and no loss was announced.",
    );
  });

  it("returns violations from serverFrame as it finds them", async () => {
    const { createChecker } = await import("../../protocol/checker/createChecker.ts");
    const stream = new Stream("u1", "e-1");
    const checker = createChecker();
    checker.connectionOpened({ connectionId: "c1", deviceId: "d1", userId: "u1", atMs: 0 });
    expect(checker.serverFrame("c1", { type: "connected", user_id: "u1", connection_id: "c1", epoch: "e-1", last_seq: 0 }, { receivedAtMs: 1 })).toEqual([]);
    const event = stream.emit("agent_started", "r-1");
    expect(checker.serverFrame("c1", event, { receivedAtMs: 1_105 })).toEqual([]);
    expect(kindsOf(checker.serverFrame("c1", event, { receivedAtMs: 1_106 }))).toEqual(["order_exactly_once/duplicate"]);
    expect(checker.serverFrame("nobody", event, { receivedAtMs: 1_107 })).toEqual([]);
    expect(checker.violations).toHaveLength(1);
    expect(checker.finish({ atMs: 2_000, requireRunsComplete: false }).counts.framesIgnored).toBe(1);
  });
});
