/**
 * `binary_frame`: a misbehaving client sends a binary frame (the protocol is text only); the
 * server must answer with a protocol_error naming the fix and keep the connection. Its bytes
 * are a well-formed `ack` of seq 0, so a server that reads binary frames as text accepts it
 * (no protocol_error): the self-report audit's `refusal` rule catches that. The checker and
 * the trace are shown `{ binary: <its text> }`, a frame no server may accept, so the
 * checker allows the error (and a replayed trace judges it the same way).
 * Scheduled faults only, like `stop_pongs`: the seeded injector and the schedule arbitrary never
 * draw it, so seeded fault mixes and their traces stay as they were. Judged by the checker and
 * the self-report audit (sim/settle/createSelfReportAudit.ts).
 */
import { connectionFaultKind } from "../FaultKind.ts";

/** One binary frame: the server must answer with a protocol_error and keep the connection. */
export const binaryFrame = connectionFaultKind({
  name: "binary_frame",
  doc: "The device sends a binary frame (a well-formed ack as bytes); the server must answer with a protocol_error (bad_json) and keep the connection.",
  planFields: {},
  act: (device, _connectionId, context) => {
    context.hitDevice(device);
    const text = JSON.stringify({ type: "ack", seq: 0 });
    device.sendRaw(text, { binary: true, shown: { binary: text } });
  },
});
