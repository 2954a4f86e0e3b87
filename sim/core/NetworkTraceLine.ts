/**
 * One decision of the simulated network, as written to trace.jsonl. Lines follow
 * protocol/trace.ts's `TraceOtherLine` shape (`t`, `kind`, then fields) so the
 * trace checker skips them; every `kind` starts with `net_` so none can collide
 * with the checked kinds (`open`, `send`, `recv`, `close`). Keys are always built
 * in the order declared here, and every value is an integer or a short string,
 * so the JSON of a line is byte-identical across runs and machines.
 */

/** An end of a connection. */
export type NetworkSide = "server" | "client";

/** What a frame carries. Control frames (ping, pong, close) count 0 bytes. */
/** `binary`: a binary data frame, which only a misbehaving client sends (the protocol is text only). */
export type NetworkFrameKind = "message" | "binary" | "ping" | "pong" | "close";

/**
 * Why a frame was discarded: `severed` the connection was dropped (fault or close
 * timeout), `half_open` the client vanished, `closed` the receiving or sending end
 * had already closed, `pongs_stopped` a ping reached a client that no longer answers.
 */
export type NetworkDropReason = "severed" | "half_open" | "closed" | "pongs_stopped";

/** A fault that targets one connection. */
export type NetworkConnectionFault = "drop" | "half_open" | "fail_sends" | "bandwidth" | "stop_pongs";

/** A connection was created. */
export interface NetworkTraceConnect {
  t: number;
  kind: "net_connect";
  conn: string;
}

/** A data or ping/pong frame reached `to` and was handed to its handler (ping: answered by the client stack). */
export interface NetworkTraceDeliver {
  t: number;
  kind: "net_deliver";
  conn: string;
  to: NetworkSide;
  frame: "message" | "binary" | "ping" | "pong";
  bytes: number;
}

/** A close frame reached `to`. */
export interface NetworkTraceDeliverClose {
  t: number;
  kind: "net_deliver";
  conn: string;
  to: NetworkSide;
  frame: "close";
  code: number;
}

/** A frame heading for `to` was discarded (at send, in flight, or on arrival). */
export interface NetworkTraceDrop {
  t: number;
  kind: "net_drop";
  conn: string;
  to: NetworkSide;
  frame: NetworkFrameKind;
  bytes: number;
  reason: NetworkDropReason;
}

/** A server `send` threw SocketSendError with this `code`. */
export interface NetworkTraceSendFailed {
  t: number;
  kind: "net_send_failed";
  conn: string;
  code: "closed" | "transport";
}

/** `side`'s close handler was called with `code` (1006: abnormal, no close frame). */
export interface NetworkTraceClosed {
  t: number;
  kind: "net_closed";
  conn: string;
  side: NetworkSide;
  code: number;
}

/** `side` started a close and got no answer within closeTimeoutMs: the connection is severed. */
export interface NetworkTraceCloseTimeout {
  t: number;
  kind: "net_close_timeout";
  conn: string;
  side: NetworkSide;
}

/** A fault was applied to a connection. */
export type NetworkTraceFault =
  | { t: number; kind: "net_fault"; conn: string; fault: "drop" | "half_open" | "stop_pongs" }
  | { t: number; kind: "net_fault"; conn: string; fault: "fail_sends"; count: number }
  | { t: number; kind: "net_fault"; conn: string; fault: "bandwidth"; bytesPerMs: number };

/** The one-way delay range changed for every connection. */
export interface NetworkTraceDelay {
  t: number;
  kind: "net_delay";
  oneWayDelayMsMin: number;
  oneWayDelayMsMax: number;
}

/** A fault named a connection that is not live (already ended, or never existed): nothing happened. */
export interface NetworkTraceFaultIgnored {
  t: number;
  kind: "net_fault_ignored";
  conn: string;
  fault: NetworkConnectionFault;
}

/** Any line the simulated network emits. */
export type NetworkTraceLine =
  | NetworkTraceConnect
  | NetworkTraceDeliver
  | NetworkTraceDeliverClose
  | NetworkTraceDrop
  | NetworkTraceSendFailed
  | NetworkTraceClosed
  | NetworkTraceCloseTimeout
  | NetworkTraceFault
  | NetworkTraceDelay
  | NetworkTraceFaultIgnored;
