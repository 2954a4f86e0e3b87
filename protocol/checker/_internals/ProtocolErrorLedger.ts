/**
 * `unexpected_protocol_error` (invariant 5, category safety): a `protocol_error` that no
 * client frame on its connection can explain. Each client frame the checker cannot vouch
 * for (bad JSON, an unknown type, a bad field, a `start_agent` or `cancel` the runtime
 * may refuse for reasons a client cannot see, an `ack` sent before the connection knew
 * the server's newest seq) grants the connection one allowance; a `protocol_error`
 * spends one. One arriving with none left answered a frame the checker judged
 * well-formed: today that is an `ack` of a seq the server had already told the
 * connection of (the server's newest seq never falls within a connection's stream).
 * Counting, not matching, keeps it sound for any server: errors carry no reference to
 * the frame they answer. Cheap on k6's hot path: no schema, no allocation per frame.
 */
import type { ConnectionState } from "./checkerState.ts";
import type { Finding } from "./ViolationSink.ts";

/** Per-connection allowances; an entry lives while its connection is tracked. */
export class ProtocolErrorLedger {
  private readonly allowances = new Map<string, number>();

  /** Notes one client frame `value` (already JSON-parsed; undefined when the text was not JSON) sent on `connection`. */
  clientFrame(connection: ConnectionState, value: unknown): void {
    if (isVouchedAck(connection, value)) return;
    this.allowances.set(connection.connectionId, (this.allowances.get(connection.connectionId) ?? 0) + 1);
  }

  /** Spends one allowance for a `protocol_error` on `connection`; the finding when none was left. */
  protocolError(connection: ConnectionState, frame: { code: string; message: string }, subject: string): Finding[] {
    const left = this.allowances.get(connection.connectionId) ?? 0;
    if (left > 0) {
      this.allowances.set(connection.connectionId, left - 1);
      return [];
    }
    return [
      {
        invariant: "content",
        kind: "unexpected_protocol_error",
        message: `${subject}: protocol_error ${frame.code} ("${frame.message.slice(0, 120)}") answered no frame the client sent that could be refused; every frame it sent was well-formed.`,
      },
    ];
  }

  /** Forgets `connectionId` (closed). */
  closed(connectionId: string): void {
    this.allowances.delete(connectionId);
  }
}

/** An `ack` with a valid seq no higher than the newest seq this connection was told of, in the stream it reads. */
function isVouchedAck(connection: ConnectionState, value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const { type, seq } = value as { type?: unknown; seq?: unknown };
  if (type !== "ack" || typeof seq !== "number" || !Number.isSafeInteger(seq) || seq < 0) return false;
  if (!connection.connected || connection.resyncWait !== "none") return false;
  return seq <= Math.max(connection.replayThroughSeq, connection.expectedSeq - 1);
}
