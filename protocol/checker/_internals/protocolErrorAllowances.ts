/**
 * `unexpected_protocol_error` (invariant 5, category safety): a `protocol_error` that no
 * client frame on its connection can explain. Each client frame the checker cannot vouch
 * for (bad JSON, an unknown type, a bad field, a `start_agent` or `cancel` the runtime
 * may refuse for reasons a client cannot see, an `ack` sent before the connection knew
 * the server's newest seq) grants the connection one allowance
 * (`ConnectionState.protocolErrorAllowances`); a `protocol_error` spends one. One
 * arriving with none left answered a frame the checker judged well-formed: today that is
 * an `ack` of a seq the server had already told the connection of (the server's newest
 * seq never falls within a connection's stream). Counting, not matching, keeps it sound
 * for any server: errors carry no reference to the frame they answer. Cheap on k6's hot
 * path: no schema, no allocation per frame.
 */
import { CLIENT_FRAME_SHAPES } from "../../frameShapes.ts";
import { compileShape } from "../../validateFrame.ts";
import type { ConnectionState } from "./checkerState.ts";
import { NO_FINDINGS, type Finding } from "./ViolationSink.ts";

const ACK_SHAPE = compileShape(CLIENT_FRAME_SHAPES.ack);

/** Notes one client frame `value` (already JSON-parsed; undefined when the text was not JSON) sent on `connection`. */
export function grantProtocolErrorAllowance(connection: ConnectionState, value: unknown): void {
  if (!isVouchedAck(connection, value)) connection.protocolErrorAllowances += 1;
}

/** Spends one allowance for a `protocol_error` on `connection`; the finding when none was left. */
export function spendProtocolErrorAllowance(connection: ConnectionState, frame: { code: string; message: string }, subject: string): readonly Finding[] {
  if (connection.protocolErrorAllowances > 0) {
    connection.protocolErrorAllowances -= 1;
    return NO_FINDINGS;
  }
  return [
    {
      invariant: "content",
      kind: "unexpected_protocol_error",
      message: `${subject}: protocol_error ${frame.code} ("${frame.message.slice(0, 120)}") answered no frame the client sent that could be refused; every frame it sent was well-formed.`,
    },
  ];
}

/** A well-formed `ack` of a seq no higher than the newest seq this connection was told of, in the stream it reads. */
function isVouchedAck(connection: ConnectionState, value: unknown): boolean {
  if (!ACK_SHAPE.isValid(value) || !connection.connected || connection.resyncWait !== "none") return false;
  return (value as { seq: number }).seq <= Math.max(connection.replayThroughSeq, connection.expectedSeq - 1);
}
