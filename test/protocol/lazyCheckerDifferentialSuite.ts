/**
 * The lazy checker (what a k6 VU runs) against the full checker, call by call, on one
 * device's randomly broken streams: a few well-formed runs interleaved, then fast-check
 * breaks them the ways servers do (loses, repeats, swaps and rewrites events, cuts the
 * connection and resumes, announces resyncs, refuses frames, sends bad frames). Both
 * must return the same violations on every call and the same verdict at the end; the
 * bug zoo and the sweep seeds are compared in vuCheckerDifferentialSuite.ts.
 *
 * `npm test` runs 400 drawn sessions (lazyCheckerDifferential.test.ts); `npm run test:deep`
 * 1 000 more from another seed (lazyCheckerDifferential.deep.test.ts).
 */
import { fc, test } from "@fast-check/vitest";
import { afterAll, describe, expect } from "vitest";
import type { Checker, EmittedLog } from "../../protocol/checker/Checker.ts";
import type { CheckerVerdict } from "../../protocol/checker/CheckerVerdict.ts";
import { VU_CHECKER_OPTIONS } from "../../protocol/checker/CheckerOptions.ts";
import { createChecker } from "../../protocol/checker/createChecker.ts";
import { createLazyChecker } from "../../protocol/checker/createLazyChecker.ts";
import type { Violation } from "../../protocol/checker/Violation.ts";

type Frame = Record<string, unknown>;

/** One call of a device's session, as a k6 VU makes them. */
type Call =
  | { kind: "open"; resume?: { epoch: string; lastSeq: number } }
  | { kind: "send"; frame: unknown }
  | { kind: "recv"; frame: unknown }
  | { kind: "close"; code: number };

const USER = "u1";
const EPOCH = "e-1";

/** What can be wrong inside one run (invariants 1-4), or nothing. */
const RUN_FLAWS = [
  "no_thinking",
  "error_without_error_event",
  "not_completed",
  "event_after_completed",
  "execution_reused",
  "execution_reused_open",
  "tool_name_mismatch",
  "unpaired_completion",
  "open_tool",
  "started_twice",
  "started_late",
  "foreign_started_user",
] as const;
type RunFlaw = (typeof RUN_FLAWS)[number] | "none";

/** The events of one run: well-formed (thinking before tools, tools paired, error_event before an error completion) unless `flaw` says otherwise. */
function runEvents(runId: string, shape: { tools: number; partial: boolean; error: boolean; flaw: RunFlaw }): Frame[] {
  const { flaw } = shape;
  const agent = `a-${runId}`;
  const started: Frame = { type: "agent_started", run_id: runId, data: { agent_id: agent, agent_type: "analyst", user_id: flaw === "foreign_started_user" ? "u-other" : USER, timestamp: 1 } };
  const thinking: Frame = { type: "agent_thinking", run_id: runId, data: { agent_id: agent, thinking_content: "thinking", step_number: 1 } };
  const events: Frame[] = flaw === "started_late" ? [thinking, started] : flaw === "no_thinking" ? [started] : [started, thinking];
  if (flaw === "started_twice") events.push(started);
  const tools = Math.max(shape.tools, flaw === "no_thinking" || flaw === "execution_reused" || flaw === "execution_reused_open" || flaw === "tool_name_mismatch" || flaw === "open_tool" ? 1 : 0);
  for (let tool = 0; tool < tools; tool += 1) {
    const executionId = `${runId}-x${tool}`;
    const executing: Frame = { type: "tool_executing", run_id: runId, data: { tool_name: `tool${tool}`, tool_args: { q: tool }, execution_id: executionId } };
    const completedName = flaw === "tool_name_mismatch" && tool === 0 ? "tool-other" : `tool${tool}`;
    const completed: Frame = { type: "tool_completed", run_id: runId, data: { tool_name: completedName, execution_id: executionId, result_summary: "ok", status: "ok" } };
    events.push(executing);
    if (flaw === "execution_reused" && tool === 0) events.push(completed, executing);
    if (flaw === "execution_reused_open" && tool === 0) events.push(executing);
    if (!(flaw === "open_tool" && tool === 0)) events.push(completed);
  }
  if (flaw === "unpaired_completion") events.push({ type: "tool_completed", run_id: runId, data: { tool_name: "ghost", execution_id: `${runId}-ghost`, result_summary: "ok", status: "ok" } });
  if (shape.partial) events.push({ type: "partial_result", run_id: runId, data: { agent_id: agent, content: "part" } });
  const failed = shape.error || flaw === "error_without_error_event";
  if (shape.error && flaw !== "error_without_error_event") events.push({ type: "error_event", run_id: runId, data: { agent_id: agent, error: "failed", severity: "high", recovery_suggestions: ["retry"] } });
  if (flaw === "not_completed") return events;
  events.push({ type: "agent_completed", run_id: runId, data: { agent_id: agent, final_response: "done", execution_time: 1, status: failed ? "error" : "success" } });
  if (flaw === "event_after_completed") events.push({ type: "partial_result", run_id: runId, data: { agent_id: agent, content: "late" } });
  return events;
}

/** Interleaves the runs' events (each run in its own order) by the picks, then stamps seq, epoch, user and ts. */
function interleave(runs: Frame[][], picks: number[]): Frame[] {
  const cursors = runs.map(() => 0);
  const merged: Frame[] = [];
  let pick = 0;
  for (;;) {
    const open = runs.map((events, index) => ((cursors[index] as number) < events.length ? index : -1)).filter((index) => index >= 0);
    if (open.length === 0) break;
    const chosen = open[(picks[pick % Math.max(1, picks.length)] ?? 0) % open.length] as number;
    pick += 1;
    merged.push((runs[chosen] as Frame[])[cursors[chosen] as number] as Frame);
    cursors[chosen] = (cursors[chosen] as number) + 1;
  }
  return merged.map((event, index) => ({ ...event, seq: index + 1, epoch: EPOCH, user_id: USER, ts: 1_700_000_000_000 + index }));
}

/** A way to break the stream at one position. */
const breakage = fc.oneof(
  fc.record({ kind: fc.constant("drop" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("repeat" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("swap" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("retype" as const), at: fc.nat(), type: fc.constantFrom("agent_started", "agent_thinking", "tool_executing", "tool_completed", "agent_completed", "error_event", "partial_result") }),
  fc.record({ kind: fc.constant("rewrite" as const), at: fc.nat(), field: fc.constantFrom("run_id", "user_id", "epoch", "seq", "data.execution_id", "data.tool_name", "data.status", "data.user_id", "data") }),
  fc.record({ kind: fc.constant("cut" as const), at: fc.nat(), code: fc.constantFrom(1006, 4000, 1001), resumeDelta: fc.integer({ min: -2, max: 2 }), epoch: fc.constantFrom(EPOCH, "e-2") }),
  fc.record({ kind: fc.constant("resync" as const), at: fc.nat(), oldestDelta: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ kind: fc.constant("protocolError" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("invalid" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("reconnected" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("send" as const), at: fc.nat(), frame: fc.constantFrom<unknown>({ type: "start_agent", request_id: "q1", agent_type: "analyst", message: "hi" }, { type: "ack", seq: 2 }, { type: "bogus" }, "not json") }),
);
type Breakage = typeof breakage extends fc.Arbitrary<infer T> ? T : never;

function rewrite(event: Frame, field: string): Frame {
  const copy: Frame = { ...event, data: { ...(event["data"] as Frame) } };
  const data = copy["data"] as Frame;
  switch (field) {
    case "run_id":
      copy["run_id"] = "r-other";
      break;
    case "user_id":
      copy["user_id"] = "u-other";
      break;
    case "epoch":
      copy["epoch"] = "e-2";
      break;
    case "seq":
      copy["seq"] = (event["seq"] as number) + 2;
      break;
    case "data":
      copy["data"] = {};
      break;
    case "data.status":
      data["status"] = data["status"] === "error" ? "success" : "error";
      break;
    default:
      data[field.slice("data.".length)] = "changed";
  }
  return copy;
}

/** The session's calls: open, connected, the (broken) events, then a close or none. */
function sessionCalls(
  events: Frame[],
  breakages: readonly Breakage[],
  end: { close: number | undefined; sendFirst: boolean; extraStarts: number; flaw: "none" | "resumed" | "connected_user_mismatch" | "no_connected" },
): Call[] {
  let stream: Frame[] = [...events];
  const inserts = new Map<number, Call[]>();
  const insert = (at: number, calls: Call[]): void => void inserts.set(at, [...(inserts.get(at) ?? []), ...calls]);
  let connection = 1;
  for (const broken of breakages) {
    if (stream.length === 0) break;
    const at = broken.at % stream.length;
    const event = stream[at] as Frame;
    switch (broken.kind) {
      case "drop":
        stream = stream.filter((_, index) => index !== at);
        break;
      case "repeat":
        stream.splice(at + 1, 0, event);
        break;
      case "swap":
        if (at + 1 < stream.length) [stream[at], stream[at + 1]] = [stream[at + 1] as Frame, event];
        break;
      case "retype":
        stream[at] = { ...event, type: broken.type };
        break;
      case "rewrite":
        stream[at] = rewrite(event, broken.field);
        break;
      case "cut": {
        connection += 1;
        const lastSeq = Math.max(0, (event["seq"] as number) + broken.resumeDelta);
        const resumed: Call[] = [{ kind: "close", code: broken.code }, { kind: "open", resume: { epoch: broken.epoch, lastSeq } }];
        resumed.push({ kind: "recv", frame: { type: "connected", user_id: USER, connection_id: `c${connection}`, epoch: EPOCH, last_seq: events.length } });
        insert(at, resumed);
        break;
      }
      case "resync":
        insert(at, [{ kind: "recv", frame: { type: "resync_required", epoch: EPOCH, oldest_seq: (event["seq"] as number) + broken.oldestDelta, last_seq: events.length } }]);
        break;
      case "protocolError":
        insert(at, [{ kind: "recv", frame: { type: "protocol_error", code: "invalid_frame", message: "no" } }]);
        break;
      case "invalid":
        insert(at, [{ kind: "recv", frame: { type: event["type"], seq: event["seq"] } }]);
        break;
      case "reconnected":
        insert(at, [{ kind: "recv", frame: { type: "connected", user_id: USER, connection_id: "again", epoch: EPOCH, last_seq: 0 } }]);
        break;
      case "send":
        insert(at, [{ kind: "send", frame: broken.frame }]);
        break;
    }
  }
  const calls: Call[] = [end.flaw === "resumed" ? { kind: "open", resume: { epoch: "e-0", lastSeq: 3 } } : { kind: "open" }];
  if (end.sendFirst) calls.push({ kind: "send", frame: { type: "start_agent", request_id: "q0", agent_type: "analyst", message: "hi" } });
  if (end.flaw !== "no_connected") {
    calls.push({ kind: "recv", frame: { type: "connected", user_id: end.flaw === "connected_user_mismatch" ? "u-other" : USER, connection_id: "c1", epoch: EPOCH, last_seq: 0 } });
  }
  // Starts beyond the runs the stream answers: with the emitted log, unanswered_start at finish.
  for (let start = 1; start <= end.extraStarts; start += 1) calls.push({ kind: "send", frame: { type: "start_agent", request_id: `q-extra${start}`, agent_type: "analyst", message: "hi" } });
  stream.forEach((event, index) => {
    calls.push(...(inserts.get(index) ?? []));
    calls.push({ kind: "recv", frame: event });
  });
  if (end.close !== undefined) calls.push({ kind: "close", code: end.close });
  return calls;
}

/**
 * Feeds the calls to `checker`; returns what each call returned (finish: the violations it
 * stored) and the verdict. With `withText`, each frame's JSON goes along (as a k6 VU passes
 * it); `emitted` goes to finish (the simulator's ground truth).
 */
function drive(
  checker: Checker,
  calls: readonly Call[],
  options: { requireRunsComplete: boolean; withText: boolean; emitted?: EmittedLog | undefined },
): { returned: (readonly Violation[])[]; verdict: CheckerVerdict } {
  const { requireRunsComplete, withText, emitted } = options;
  const returned: (readonly Violation[])[] = [];
  let connection = 0;
  let atMs = 1_700_000_000_000;
  for (const call of calls) {
    atMs += 3;
    switch (call.kind) {
      case "open":
        connection += 1;
        checker.connectionOpened({ connectionId: `d1#${connection}`, deviceId: "d1", userId: USER, atMs, ...(call.resume === undefined ? {} : { resume: call.resume }) });
        break;
      case "send":
        returned.push(checker.clientFrame(`d1#${connection}`, call.frame, { atMs }));
        break;
      case "recv": {
        const frameOptions: { receivedAtMs: number; text?: string } = { receivedAtMs: atMs };
        if (withText && typeof call.frame === "object") frameOptions.text = JSON.stringify(call.frame);
        returned.push(checker.serverFrame(`d1#${connection}`, call.frame, frameOptions));
        break;
      }
      case "close":
        checker.connectionClosed(`d1#${connection}`, { atMs, code: call.code });
        break;
    }
  }
  const storedBefore = checker.violations.length;
  const verdict = checker.finish(emitted === undefined ? { atMs: atMs + 10, requireRunsComplete } : { atMs: atMs + 10, requireRunsComplete, emitted });
  returned.push(checker.violations.slice(storedBefore));
  return { returned, verdict };
}

const runShape = fc.record({
  tools: fc.integer({ min: 0, max: 2 }),
  partial: fc.boolean(),
  error: fc.boolean(),
  flaw: fc.oneof({ arbitrary: fc.constant<RunFlaw>("none"), weight: 5 }, { arbitrary: fc.constantFrom<RunFlaw>(...RUN_FLAWS), weight: 1 }),
});

/** What can be wrong with the session's first connection, or nothing. */
const sessionFlaw = fc.oneof(
  { arbitrary: fc.constant("none" as const), weight: 8 },
  { arbitrary: fc.constantFrom("resumed" as const, "connected_user_mismatch" as const, "no_connected" as const), weight: 1 },
);

const outcomes = { quiet: 0, engaged: 0, unansweredStart: 0 };

/** The emitted log of `events` (what the server emitted, before the network broke anything). */
function emittedLogOf(events: readonly Frame[]): EmittedLog {
  return events.map((event) => ({ userId: USER, epoch: EPOCH, seq: event["seq"] as number, runId: event["run_id"] as string, type: event["type"] as string }));
}

/** How many sessions to draw, from which fast-check seed. */
export interface LazyDifferentialBudget {
  numRuns: number;
  seed: number;
}

/** The suite of the module comment, over `budget.numRuns` drawn sessions. */
export function lazyCheckerDifferentialSuite(budget: LazyDifferentialBudget): void {
describe(`the lazy checker returns what the full checker returns (${budget.numRuns} sessions, seed ${budget.seed})`, () => {
  test.prop(
    [
      fc.array(runShape, { minLength: 1, maxLength: 5 }),
      fc.array(fc.nat({ max: 9 }), { minLength: 1, maxLength: 12 }),
      fc.oneof({ arbitrary: fc.constant([]), weight: 2 }, { arbitrary: fc.array(breakage, { minLength: 1, maxLength: 3 }), weight: 1 }),
      fc.constantFrom<number | undefined>(undefined, 1000, 1006),
      fc.boolean(),
      fc.boolean(),
      sessionFlaw,
      fc.boolean(),
      // Default bounds, or small ones that the streams reach (the lazy checker must engage before any is hit).
      fc.oneof(
        { arbitrary: fc.constant({}), weight: 3 },
        {
          arbitrary: fc.record(
            {
              eventsRememberedPerUserMax: fc.integer({ min: 1, max: 14 }),
              runsRememberedPerDeviceMax: fc.integer({ min: 1, max: 4 }),
              runsRememberedPerUserMax: fc.integer({ min: 1, max: 4 }),
              executionsRememberedPerRunMax: fc.integer({ min: 1, max: 3 }),
              pendingStartsPerUserMax: fc.integer({ min: 1, max: 3 }),
              requestIdsRememberedPerUserMax: fc.integer({ min: 1, max: 3 }),
            },
            { requiredKeys: [] },
          ),
          weight: 1,
        },
      ),
      // Starts no run answers, and whether finish gets the emitted log (the simulator's path; it engages the full checker).
      fc.oneof({ arbitrary: fc.constant(0), weight: 1 }, { arbitrary: fc.integer({ min: 1, max: 6 }), weight: 1 }),
      fc.boolean(),
    ],
    { numRuns: budget.numRuns, seed: budget.seed },
  )("on one device's stream, whole or broken, call by call and at the end", (shapes, picks, breakages, close, sendFirst, requireRunsComplete, flaw, withText, bounds, extraStarts, withEmittedLog) => {
    const events = interleave(
      shapes.map((shape, index) => runEvents(`r-${index + 1}`, shape)),
      picks,
    );
    // Around as many starts as runs: some sessions answer every start, most leave a few unanswered.
    const starts = extraStarts === 0 ? 0 : Math.max(1, shapes.length + extraStarts - 3);
    const calls = sessionCalls(events, breakages, { close, sendFirst, extraStarts: starts, flaw });
    const emitted = withEmittedLog ? emittedLogOf(events) : undefined;
    const options = { ...VU_CHECKER_OPTIONS, ...bounds };
    const full = drive(createChecker(options), calls, { requireRunsComplete, withText: false, emitted });
    const lazyChecker = createLazyChecker(options);
    const lazy = drive(lazyChecker, calls, { requireRunsComplete, withText, emitted });
    if (full.verdict.liveness.some((violation) => violation.kind === "unanswered_start")) outcomes.unansweredStart += 1;
    expect(lazy.returned).toEqual(full.returned);
    expect(lazy.verdict).toEqual(full.verdict);
    outcomes[lazyChecker.engaged ? "engaged" : "quiet"] += 1;
    // The quiet path must cover every well-formed session, or a VU pays the full checker's price for a healthy server.
    const wellFormed = breakages.length === 0 && flaw === "none" && !withEmittedLog && shapes.every((shape) => shape.flaw === "none") && Object.keys(bounds).length === 0;
    if (wellFormed) expect(lazyChecker.engaged).toBe(false);
  });

  test.each([
    ["a run's tool executions past executionsRememberedPerRunMax", { executionsRememberedPerRunMax: 2 }, [runEvents("r-1", { tools: 3, partial: false, error: false, flaw: "none" })], 0],
    ["unanswered start_agents past pendingStartsPerUserMax", { pendingStartsPerUserMax: 2 }, [runEvents("r-1", { tools: 1, partial: false, error: false, flaw: "none" })], 3],
  ] as const)("a quiet stream that reaches a bound: %s", (_name, bounds, runs, unansweredStarts) => {
    const events = interleave(runs.map((run) => [...run]), [0]);
    const calls = sessionCalls(events, [], { close: 1000, sendFirst: false, extraStarts: 0, flaw: "none" });
    const sends: Call[] = Array.from({ length: unansweredStarts }, (_, index) => ({ kind: "send", frame: { type: "start_agent", request_id: `q${index}`, agent_type: "other", message: "hi" } }));
    calls.splice(2, 0, ...sends);
    const options = { ...VU_CHECKER_OPTIONS, ...bounds };
    const full = drive(createChecker(options), calls, { requireRunsComplete: true, withText: true });
    const lazy = drive(createLazyChecker(options), calls, { requireRunsComplete: true, withText: true });
    expect((full.verdict as { boundsReached: unknown[] }).boundsReached).not.toEqual([]);
    expect(lazy).toEqual(full);
  });

  // The comparison proves something only if both paths ran often: streams that stayed quiet to the end, and streams that engaged the full checker.
  // Per 1 000 sessions: more than 100 quiet, 250 engaged, 20 with an unanswered start.
  afterAll(() => {
    const per1000 = budget.numRuns / 1000;
    expect(outcomes.quiet).toBeGreaterThan(100 * per1000);
    expect(outcomes.engaged).toBeGreaterThan(250 * per1000);
    // A lazy checker whose quiet finish missed an unanswered start would differ from the full one here.
    expect(outcomes.unansweredStart).toBeGreaterThan(20 * per1000);
  });
});
}
