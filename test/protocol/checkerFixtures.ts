/**
 * Hand-built traces for the checker's self-tests: a server-side stream that stamps
 * valid events, a golden-path run, and a script of client-side lines (the JSONL shape
 * of protocol/trace.ts) that can be fed to createChecker or serialised for checkTrace.
 */
import type { AgentEvent, AgentEventData } from "../../protocol/frames.ts";
import type { AgentEventType } from "../../protocol/eventTypes.ts";
import type { CheckerOptions } from "../../protocol/checker/CheckerOptions.ts";
import type { CheckerVerdict } from "../../protocol/checker/CheckerVerdict.ts";
import type { EmittedLog } from "../../protocol/checker/Checker.ts";
import { createChecker } from "../../protocol/checker/createChecker.ts";
import type { Violation } from "../../protocol/checker/Violation.ts";
import type { TraceCheckedLine } from "../../protocol/trace.ts";

/** Default `data` per type, every field non-empty. */
export function defaultData<T extends AgentEventType>(type: T, userId: string, index: number): AgentEventData[T] {
  const all: AgentEventData = {
    agent_started: { agent_id: "a-1", agent_type: "analyst", user_id: userId, timestamp: 1_700_000_000_000 },
    agent_thinking: { agent_id: "a-1", thinking_content: `step ${index}`, step_number: index },
    tool_executing: { tool_name: "query_metrics", tool_args: { window: "1h" }, execution_id: "x-1" },
    tool_completed: { tool_name: "query_metrics", execution_id: "x-1", result_summary: "42 rows", status: "ok" },
    partial_result: { agent_id: "a-1", content: `part ${index}` },
    error_event: { agent_id: "a-1", error: "tool failed", severity: "high", recovery_suggestions: ["retry"] },
    agent_completed: { agent_id: "a-1", final_response: "done", execution_time: 500, status: "success" },
  };
  return all[type];
}

/** One user's server-side stream: stamps seq, epoch, user and ts like the manager does. */
export class Stream {
  /** Every event emitted, in order (the simulator's ground truth). */
  readonly emitted: AgentEvent[] = [];
  seq = 0;

  constructor(
    readonly userId: string,
    readonly epoch: string,
    /** Server clock (ms) of the next emission. */
    public nowMs = 1_000,
  ) {}

  /** Emits one event `stepMs` after the previous one. */
  emit<T extends AgentEventType>(type: T, runId: string, options: { data?: Partial<AgentEventData[T]>; stepMs?: number } = {}): AgentEvent {
    this.seq += 1;
    this.nowMs += options.stepMs ?? 100;
    const event = {
      type,
      seq: this.seq,
      epoch: this.epoch,
      run_id: runId,
      user_id: this.userId,
      ts: this.nowMs,
      data: { ...defaultData(type, this.userId, this.seq), ...options.data },
    } as unknown as AgentEvent;
    this.emitted.push(event);
    return event;
  }

  /** The golden path: started, thinking, tool_executing, tool_completed, partial_result, agent_completed. */
  goldenRun(runId: string, options: { executionId?: string; toolName?: string; stepMs?: number } = {}): AgentEvent[] {
    const executionId = options.executionId ?? `x-${runId}`;
    const toolName = options.toolName ?? "query_metrics";
    const step = options.stepMs === undefined ? {} : { stepMs: options.stepMs };
    return [
      this.emit("agent_started", runId, step),
      this.emit("agent_thinking", runId, step),
      this.emit("tool_executing", runId, { ...step, data: { execution_id: executionId, tool_name: toolName } }),
      this.emit("tool_completed", runId, { ...step, data: { execution_id: executionId, tool_name: toolName } }),
      this.emit("partial_result", runId, step),
      this.emit("agent_completed", runId, step),
    ];
  }

  /** The emitted log in the checker's EmittedLog shape. */
  emittedLog(): EmittedLog {
    return this.emitted.map((event) => ({ userId: event.user_id, epoch: event.epoch, seq: event.seq, runId: event.run_id, type: event.type }));
  }
}

/** Client-side lines, in the order the clients saw them. */
export class Script {
  readonly lines: TraceCheckedLine[] = [];
  /** Client clock (ms) of the last line. */
  clockMs = 0;

  /** A socket opened (optionally resuming). */
  open(conn: string, options: { device: string; user: string; atMs?: number; resume?: { epoch: string; last_seq: number } }): this {
    const line: TraceCheckedLine = { t: this.at(options.atMs), kind: "open", conn, device: options.device, user: options.user };
    if (options.resume !== undefined) line.resume = options.resume;
    this.lines.push(line);
    return this;
  }

  /** The `connected` frame. */
  connected(conn: string, options: { user: string; epoch: string; lastSeq: number; atMs?: number }): this {
    return this.recv(conn, { type: "connected", user_id: options.user, connection_id: conn, epoch: options.epoch, last_seq: options.lastSeq }, options.atMs);
  }

  /** Opens and gets `connected` in one go. */
  connect(conn: string, options: { device: string; user: string; epoch: string; lastSeq: number; resume?: { epoch: string; last_seq: number } }): this {
    const openOptions = options.resume === undefined ? { device: options.device, user: options.user } : { device: options.device, user: options.user, resume: options.resume };
    return this.open(conn, openOptions).connected(conn, { user: options.user, epoch: options.epoch, lastSeq: options.lastSeq });
  }

  /** One received frame (default: 5 ms after the event's ts, or 1 ms after the last line). */
  recv(conn: string, frame: unknown, atMs?: number): this {
    const ts = typeof frame === "object" && frame !== null ? (frame as { ts?: unknown }).ts : undefined;
    const defaultMs = typeof ts === "number" ? Math.max(ts + 5, this.clockMs) : undefined;
    this.lines.push({ t: this.at(atMs ?? defaultMs), kind: "recv", conn, frame });
    return this;
  }

  /** Several received events, each at its own default time. */
  recvAll(conn: string, events: readonly unknown[]): this {
    for (const event of events) this.recv(conn, event);
    return this;
  }

  /** A frame the client sent. */
  send(conn: string, frame: unknown, atMs?: number): this {
    this.lines.push({ t: this.at(atMs), kind: "send", conn, frame });
    return this;
  }

  /** The socket closed. */
  close(conn: string, code = 1000, atMs?: number): this {
    this.lines.push({ t: this.at(atMs), kind: "close", conn, code });
    return this;
  }

  /** Feeds every line to a fresh checker and finishes it. */
  check(options: CheckerOptions & { requireRunsComplete?: boolean; emitted?: EmittedLog } = {}): { verdict: CheckerVerdict; violations: readonly Violation[] } {
    const { requireRunsComplete = false, emitted, ...checkerOptions } = options;
    const checker = createChecker(checkerOptions);
    for (const line of this.lines) {
      if (line.kind === "open") {
        const open = { connectionId: line.conn, deviceId: line.device, userId: line.user, atMs: line.t };
        checker.connectionOpened(line.resume === undefined ? open : { ...open, resume: { epoch: line.resume.epoch, lastSeq: line.resume.last_seq } });
      } else if (line.kind === "send") checker.clientFrame(line.conn, line.frame, { atMs: line.t });
      else if (line.kind === "recv") checker.serverFrame(line.conn, line.frame, { receivedAtMs: line.t });
      else checker.connectionClosed(line.conn, { atMs: line.t, code: line.code });
    }
    const finish = emitted === undefined ? { atMs: this.clockMs + 1, requireRunsComplete } : { atMs: this.clockMs + 1, requireRunsComplete, emitted };
    const verdict = checker.finish(finish);
    return { verdict, violations: checker.violations };
  }

  /** The script as JSONL (protocol/trace.ts). */
  jsonl(): string {
    return this.lines.map((line) => JSON.stringify(line)).join("\n");
  }

  private at(atMs: number | undefined): number {
    this.clockMs = Math.max(this.clockMs + 1, atMs ?? this.clockMs + 1);
    return this.clockMs;
  }
}

/** "invariant/kind" of each violation, for compact assertions. */
export function kindsOf(violations: readonly Violation[]): string[] {
  return violations.map((violation) => `${violation.invariant}/${violation.kind}`);
}

/** A start_agent frame. */
export function startAgent(requestId: string, agentType = "analyst"): unknown {
  return { type: "start_agent", request_id: requestId, agent_type: agentType, message: "hello" };
}

/** A copy of `event` with some envelope or data fields replaced (data is merged). */
export function withChanges(event: AgentEvent, changes: Record<string, unknown> & { data?: Record<string, unknown> }): unknown {
  const { data, ...envelope } = changes;
  return { ...event, ...envelope, data: { ...event.data, ...data } };
}

/** A copy of `event` without one data field. */
export function withoutDataField(event: AgentEvent, field: string): unknown {
  const data: Record<string, unknown> = { ...event.data };
  delete data[field];
  return { ...event, data };
}
