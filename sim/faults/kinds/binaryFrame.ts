/**
 * `binary_frame`: a misbehaving client sends a binary frame (the protocol is text only); the
 * server must answer with a protocol_error naming the fix and keep the connection.
 * Scheduled faults only, like `stop_pongs`: the seeded injector and the schedule arbitrary never
 * draw it, so seeded fault mixes and their traces stay as they were. Judged by the checker and
 * the self-report audit (sim/settle/createSelfReportAudit.ts).
 */
import { connectionFaultKind } from "../FaultKind.ts";

/** One binary frame: the server must answer with a protocol_error and keep the connection. */
export const binaryFrame = connectionFaultKind({
  name: "binary_frame",
  doc: "The device sends a binary frame; the server must answer with a protocol_error (bad_json) and keep the connection.",
  planFields: {},
  act: (device, _connectionId, context) => {
    context.hitDevice(device);
    device.sendRaw("\u0000\u0001 not text", { binary: true });
  },
});
