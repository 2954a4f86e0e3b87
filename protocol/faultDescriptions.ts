/**
 * What each injected fault in a trace means, in words for the report: the `fault` field of
 * a trace line `{kind: "fault", fault, …}`. Runtime-free, so the report (which knows nothing
 * of the simulator) reads it; the simulator's fault registry (sim/faults/faultKinds.ts)
 * fails to compile while one of its kinds has no row here. An unknown fault (another
 * tool's trace) is described generically by {@link describeFault}.
 */

/** A trace line's fields, as read. */
type FaultLine = Readonly<Record<string, unknown>>;

/** One row of {@link FAULT_DESCRIPTIONS}. */
export interface FaultDescription {
  /** `system`: drawn across the whole timeline; `connection`: on the connection (or device) it hit. */
  readonly scope: "system" | "connection";
  /** Two or three words for a timeline label. */
  readonly label: string;
  /** One or two sentences: what happened and what must follow. */
  readonly detail: (line: FaultLine) => string;
  /** How long the fault lasts on the timeline, ms; absent: a moment. */
  readonly durationMs?: (line: FaultLine) => number | null;
}

const numberOf = (line: FaultLine, name: string): number | null => {
  const value = line[name];
  return typeof value === "number" && Number.isFinite(value) ? value : null;
};
const textOf = (line: FaultLine, name: string): string | null => {
  const value = line[name];
  return typeof value === "string" ? value : null;
};

/** The table, by fault name as traces write it. */
export const FAULT_DESCRIPTIONS = {
  drop: {
    scope: "connection",
    label: "drop",
    detail: () => "Injected fault: the connection dropped abruptly; frames in flight were lost both ways. The device reconnects and resumes.",
  },
  half_open: {
    scope: "connection",
    label: "half open",
    detail: () => "Injected fault: the client vanished silently (half-open); only the server's heartbeat can notice.",
  },
  reconnect: {
    scope: "connection",
    label: "reconnect",
    detail: () => "Injected fault: the client closed cleanly and will reconnect with resume.",
  },
  stop_pongs: {
    scope: "connection",
    label: "stop pongs",
    detail: () => "Injected fault: the client keeps reading but answers no ping; the server's heartbeat must close it (4408) and the device resumes.",
  },
  send_failure: {
    scope: "connection",
    label: "send failure",
    detail: () => "Injected fault: the server's next send on this connection fails.",
  },
  slow_socket: {
    scope: "connection",
    label: "slow socket",
    detail: (line) =>
      `Injected fault: the client reads slowly (${numberOf(line, "bytesPerMs") ?? "?"} bytes/ms for ${numberOf(line, "ms") ?? "?"} ms); the server may close it as a slow consumer.`,
    durationMs: (line) => numberOf(line, "ms"),
  },
  cancel: {
    scope: "connection",
    label: "cancel",
    detail: (line) => `Injected: the device cancels run ${textOf(line, "run") ?? "?"}; it must end with agent_completed status cancelled.`,
  },
  foreign_cancel: {
    scope: "connection",
    label: "foreign cancel",
    detail: (line) =>
      `Injected: a device of another user cancels ${textOf(line, "owner") ?? "?"}'s run ${textOf(line, "run") ?? "?"}: the server must refuse it as for an unknown run, and the run goes on.`,
  },
  storm: {
    scope: "system",
    label: "reconnect storm",
    detail: () => "Every open connection dropped at once and all reconnect within the storm window.",
  },
  restart: {
    scope: "system",
    label: "server restart",
    detail: (line) => {
      const downtimeMs = numberOf(line, "downtimeMs");
      return `The gateway restarted: every user gets a new epoch, so resumes after it need resync_required.${downtimeMs === null ? "" : ` Connections were refused for ${downtimeMs} ms.`}`;
    },
    durationMs: (line) => numberOf(line, "downtimeMs"),
  },
  flood: {
    scope: "connection",
    label: "✕ flood",
    detail: (line) =>
      `The device sent ${numberOf(line, "frames") ?? "?"} frames at once, one more than the server's messagesPerWindowMax: the server must close it for abuse (1008), and the device resumes without loss.`,
  },
  oversized_frame: {
    scope: "connection",
    label: "✕ frame too big",
    detail: (line) =>
      `The device sent one frame of ${numberOf(line, "bytes") ?? "?"} UTF-8 bytes (multi-byte text), one over the server's clientFrameBytesMax: the server must close it (1009), and the device resumes without loss.`,
  },
  binary_frame: {
    scope: "connection",
    label: "binary frame",
    detail: () => "The device sent a binary frame: the server must answer with a protocol_error (bad_json) naming the fix, and keep the connection open.",
  },
  unknown_script: {
    scope: "connection",
    label: "unknown script",
    detail: () => "The device sent a start_agent naming a script the server does not know: the server must refuse it with a protocol_error (bad_field) naming the script, start nothing, and keep the connection open.",
  },
  claim_answer_lost: {
    scope: "system",
    label: "claim answer lost",
    detail: (line) =>
      `Instance ${textOf(line, "instance") ?? "?"} made a claim of start_agent ${textOf(line, "request") ?? "?"} at the broker (${textOf(line, "answer") ?? "?"}) and lost the answer on the way back: it hears held and must ask again, so the run starts once.`,
  },
  resend_start: {
    scope: "connection",
    label: "start re-sent",
    detail: (line) =>
      `The device sent its start_agent ${typeof line["request"] === "string" ? line["request"] : "?"} again, as a client that did not see agent_started before a drop does: the same request_id must start no second run, on whichever instance it lands.`,
  },
  latency_spike: {
    scope: "system",
    label: "latency spike",
    detail: (line) =>
      `Every frame sent took ${numberOf(line, "oneWayDelayMsMin") ?? "?"}–${numberOf(line, "oneWayDelayMsMax") ?? "?"} ms one way for ${numberOf(line, "ms") ?? "?"} ms: nothing lost, order kept, but pongs and acks came late.`,
    durationMs: (line) => numberOf(line, "ms"),
  },
  failover: {
    scope: "system",
    label: "broker failover",
    detail: (line) => {
      const lost = Array.isArray(line["historyLost"]) ? (line["historyLost"] as unknown[]).length : 0;
      return `The broker failed over to a replica without its last ${numberOf(line, "replicationLagMs") ?? "?"} ms of appends; every instance was cut for ${numberOf(line, "downtimeMs") ?? "?"} ms. ${lost} user stream(s) lost history and got a new epoch: each resume into them must get resync_required.`;
    },
    durationMs: (line) => numberOf(line, "downtimeMs"),
  },
  instance_crash: {
    scope: "system",
    label: "instance crash",
    detail: (line) => `Instance ${textOf(line, "instance") ?? "?"} crashed: its sockets dropped and its runs were orphaned; a survivor must end them within 1.5 leases, and a new instance took its place after ${numberOf(line, "downtimeMs") ?? "?"} ms.`,
    durationMs: (line) => numberOf(line, "downtimeMs"),
  },
  partition: {
    scope: "system",
    label: "partition",
    detail: (line) => `Instance ${textOf(line, "instance") ?? "?"} could not reach the broker for ${numberOf(line, "ms") ?? "?"} ms: its clients were closed with 1013 to resume later, never left with a silent gap.`,
    durationMs: (line) => numberOf(line, "ms"),
  },
  feed_delay: {
    scope: "system",
    label: "feed delay",
    detail: (line) => `Instance ${textOf(line, "instance") ?? "?"}'s broker feed lagged ${numberOf(line, "lagMs") ?? "?"} ms more for ${numberOf(line, "ms") ?? "?"} ms, in order: it was behind the other instances.`,
    durationMs: (line) => numberOf(line, "ms"),
  },
  feed_reorder: {
    scope: "system",
    label: "feed reorder",
    detail: (line) => `Instance ${textOf(line, "instance") ?? "?"}'s broker feed arrived out of order (up to ${numberOf(line, "lagMs") ?? "?"} ms late per message) for ${numberOf(line, "ms") ?? "?"} ms: it had to fill each hole from the stream.`,
    durationMs: (line) => numberOf(line, "ms"),
  },
} as const satisfies Readonly<Record<string, FaultDescription>>;

/** The row for `fault`, or a generic one for a fault this table does not know. */
export function describeFault(fault: string): FaultDescription {
  const known: Readonly<Record<string, FaultDescription>> = FAULT_DESCRIPTIONS;
  return known[fault] ?? { scope: "connection", label: fault.replaceAll("_", " "), detail: () => `Injected fault: ${fault}.` };
}
