/**
 * `oversized_frame`: a misbehaving client sends one frame a UTF-8 byte over clientFrameBytesMax,
 * in emoji and accented text, so only a byte count that is right in UTF-8 gets the bound right;
 * the server must close it with 1009.
 * Scheduled faults only, like `stop_pongs`: the seeded injector and the schedule arbitrary never
 * draw it, so seeded fault mixes and their traces stay as they were. Judged by the checker and
 * the self-report audit (sim/settle/createSelfReportAudit.ts).
 */
import { connectionFaultKind } from "../FaultKind.ts";
import { paddedFrameOfBytes } from "../../content/paddedFrameOfBytes.ts";

/** One frame of clientFrameBytesMax + 1 UTF-8 bytes: the server must close the connection with 1009. */
export const oversizedFrame = connectionFaultKind({
  name: "oversized_frame",
  doc: "The device sends one frame of clientFrameBytesMax + 1 UTF-8 bytes of multi-byte text; the server must close it (1009) and the device resumes.",
  planFields: {},
  act: (device, _connectionId, context) => {
    const bytes = context.managerLimits.clientFrameBytesMax + 1;
    context.hitDevice(device, { bytes });
    // Traced and checked as a short description: the frame itself is 64 KiB, and the server must not read it.
    device.sendRaw(paddedFrameOfBytes(bytes), { shown: `(a frame of ${bytes} UTF-8 bytes, not traced)` });
  },
});
