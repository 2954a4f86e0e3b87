/** The trace → timeline/latency/series step of the report, on a small trace written line by line. */
import { describe, expect, it } from "vitest";
import { buildTraceView } from "../../report/buildTraceView.ts";

const START = 1_732_233_600_000;
const event = (type: string, seq: number, t: number, extra: { user?: string; data?: Record<string, unknown> } = {}) => ({
  type,
  seq,
  epoch: "e1",
  run_id: "r1",
  user_id: extra.user ?? "u1",
  ts: START + t,
  data: extra.data ?? {},
});

const TRACE = [
  { t: 1, kind: "open", conn: "u1-d1#1", device: "u1-d1", user: "u1" },
  { t: 2, kind: "recv", conn: "u1-d1#1", frame: { type: "connected", user_id: "u1", connection_id: "s1", epoch: "e1", last_seq: 0 } },
  { t: 5, kind: "send", conn: "u1-d1#1", frame: { type: "start_agent", request_id: "q1", agent_type: "a", message: "m" } },
  { t: 10, kind: "emit", user: "u1", epoch: "e1", seq: 1, run: "r1", type: "agent_started" },
  { t: 15, kind: "recv", conn: "u1-d1#1", frame: event("agent_started", 1, 10) },
  { t: 20, kind: "emit", user: "u1", epoch: "e1", seq: 2, run: "r1", type: "tool_executing" },
  { t: 22, kind: "recv", conn: "u1-d1#1", frame: event("tool_executing", 2, 20, { data: { tool_name: "query", execution_id: "x1" } }) },
  { t: 30, kind: "emit", user: "u1", epoch: "e1", seq: 3, run: "r1", type: "tool_completed" },
  { t: 31, kind: "recv", conn: "u1-d1#1", frame: event("tool_completed", 3, 30, { data: { tool_name: "query", execution_id: "x1", status: "ok" } }) },
  { t: 35, kind: "fault", fault: "slow_socket", conn: "u1-d1#1", bytesPerMs: 1, ms: 3000 },
  { t: 40, kind: "decision", decision: "slow_consumer", connectionId: "s1", userId: "u1", bufferedBytes: 70_000, limitBytes: 65_536 },
  { t: 41, kind: "close", conn: "u1-d1#1", code: 4409 },
  { t: 45, kind: "emit", user: "u1", epoch: "e1", seq: 4, run: "r1", type: "agent_thinking" },
  { t: 48, kind: "refused", conn: "u1-d1#2", device: "u1-d1" },
  { t: 50, kind: "open", conn: "u1-d1#3", device: "u1-d1", user: "u1", resume: { epoch: "e1", last_seq: 3 } },
  { t: 51, kind: "recv", conn: "u1-d1#3", frame: { type: "connected", user_id: "u1", connection_id: "s2", epoch: "e1", last_seq: 4 } },
  { t: 51, kind: "decision", decision: "replayed", connectionId: "s2", userId: "u1", fromSeq: 4, toSeq: 4, count: 1 },
  { t: 52, kind: "recv", conn: "u1-d1#3", frame: event("agent_thinking", 4, 45) },
  { t: 60, kind: "fault", fault: "restart", downtimeMs: 500 },
  { t: 65, kind: "emit", user: "u2", epoch: "e1", seq: 9, run: "r2", type: "agent_thinking" },
  { t: 70, kind: "recv", conn: "u1-d1#3", frame: event("agent_thinking", 9, 65, { user: "u2" }) },
  { t: 75, kind: "recv", conn: "u1-d1#3", frame: { type: "resync_required", epoch: "e2", oldest_seq: 1, last_seq: 2 } },
  { t: 80, kind: "net_connect", conn: "u1-d1#3" },
  { t: 1000, kind: "end", settled: false },
];

describe("buildTraceView", () => {
  const { view, latencySamplesMs, clockOffsetMs } = buildTraceView(TRACE, { flagged: new Set(["u1-d1#1#2"]) });
  const lanes = view.users[0]?.lanes ?? [];

  it("draws one lane per connection, grouped by user, with how each closed", () => {
    expect(view.users.map((user) => user.userId)).toEqual(["u1"]);
    expect(lanes.map((lane) => lane.connectionId)).toEqual(["u1-d1#1", "u1-d1#3"]);
    expect(lanes[0]).toMatchObject({ openMs: 1, closeMs: 41, closeCode: 4409, closeMeaning: "slow consumer: unsent bytes exceeded the bound; the events stay in the replay buffer (4409)", serverConnectionId: "s1", resume: null });
    expect(lanes[1]).toMatchObject({ closeMs: null, resume: { epoch: "e1", lastSeq: 3 } });
  });

  it("links a tool call to its completion and flags the events violations name", () => {
    expect(lanes[0]?.links).toEqual([{ fromMs: 22, toMs: 31, executionId: "x1", toolName: "query", status: "ok", runId: "r1" }]);
    expect(lanes[0]?.marks.map((mark) => [mark.type, mark.flagged])).toEqual([
      ["agent_started", false],
      ["tool_executing", true],
      ["tool_completed", false],
    ]);
    const foreign = lanes[1]?.marks.find((mark) => mark.userId === "u2");
    expect(foreign?.flagged).toBe(true);
  });

  it("puts faults, server decisions (by the server's connection id), resyncs and refusals where they happened", () => {
    const labels = (index: number) => lanes[index]?.annotations.map((annotation) => `${annotation.kind}:${annotation.label}`);
    expect(labels(0)).toEqual(["request:ask", "fault:slow socket", "decision:slow consumer"]);
    expect(lanes[0]?.annotations[1]?.durationMs).toBe(3000);
    expect(labels(1)).toEqual(["decision:replay ×1", "resync:resync"]);
    expect(view.users[0]?.notes.map((note) => note.kind)).toEqual(["refused"]);
    expect(view.globalMarks).toEqual([expect.objectContaining({ t: 60, label: "server restart", durationMs: 500 })]);
  });

  it("measures live latency from emit lines, leaving out replays and other users' events", () => {
    expect(latencySamplesMs).toEqual([5, 2, 1]);
    expect(view.latency).toMatchObject({ count: 3, replaysExcluded: 1, foreignExcluded: 1, p50: 2, max: 5 });
    expect(lanes[1]?.marks[0]).toMatchObject({ seq: 4, replay: true });
    expect(clockOffsetMs).toBe(START);
  });

  it("counts open connections over time and events per second", () => {
    expect(view.connectionsOverTime.map((point) => [point.t, point.open])).toEqual([
      [0, 0],
      [1, 1],
      [41, 0],
      [50, 1],
      [1000, 1],
    ]);
    expect(view.eventsPerSecond.emittedKnown).toBe(true);
    const received = view.eventsPerSecond.points.reduce((total, point) => total + (point.receivedPerSecond * view.eventsPerSecond.bucketMs) / 1000, 0);
    expect(received).toBe(5);
  });

  it("stops the view shortly after the last activity when a long quiet tail follows", () => {
    expect(view.durationMs).toBe(1000);
    expect(view.viewUntilMs).toBeLessThan(200);
    expect(view.viewNote).toContain("Nothing happened after 0.07 s"); // the resync at 75 ms; net_* and end lines are not activity
  });

  it("bounds the marks it keeps and says how many it dropped", () => {
    const bounded = buildTraceView(TRACE, { eventMarksMax: 2 });
    expect(bounded.view.eventsReceived).toBe(5);
    expect(bounded.view.eventMarksDropped).toBe(3);
    expect(bounded.latencySamplesMs).toEqual([5, 2, 1]);
  });

  it("skips lines it cannot use instead of failing", () => {
    const { view: odd } = buildTraceView([{ kind: "open" }, { t: 1, kind: "recv", conn: "nobody", frame: {} }, { t: "x", kind: "emit" }, { t: 2, kind: "open", conn: "c", user: "u" }]);
    expect(odd.users.map((user) => user.lanes.length)).toEqual([1]);
    expect(odd.latency.note).toBe("No live agent events were received.");
  });

  it("draws a wall-clock trace (a live recording) from its first line, with latency from the events' ts", () => {
    const live = [
      { t: START + 100, kind: "open", conn: "u1-d1#1", device: "u1-d1", user: "u1" },
      { t: START + 101, kind: "recv", conn: "u1-d1#1", frame: { type: "connected", user_id: "u1", connection_id: "s1", epoch: "e1", last_seq: 0 } },
      { t: START + 112, kind: "recv", conn: "u1-d1#1", frame: event("agent_started", 1, 110) },
      { t: START + 130, kind: "close", conn: "u1-d1#1", code: 1006 },
    ];
    const result = buildTraceView(live);
    expect(result.originMs).toBe(START + 100);
    const lane = result.view.users[0]?.lanes[0];
    expect(lane).toMatchObject({ openMs: 0, closeMs: 30, closeCode: 1006 });
    expect(lane?.marks[0]).toMatchObject({ t: 12, latencyMs: 2 });
    expect(result.view.durationMs).toBe(30);
    expect(buildTraceView(TRACE).originMs).toBe(0); // a trace that counts from its start is left alone
  });
});
