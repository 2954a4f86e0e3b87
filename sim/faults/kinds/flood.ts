/**
 * `flood`: a misbehaving client sends more frames in one burst than the server's rate limit
 * allows (messagesPerWindowMax + 1 at once); the server must close it with 1008.
 * Scheduled faults only, like `stop_pongs`: the seeded injector and the schedule arbitrary never
 * draw it, so seeded fault mixes and their traces stay as they were. Judged by the checker and
 * the self-report audit (sim/settle/createSelfReportAudit.ts).
 */
import { connectionFaultKind } from "../FaultKind.ts";

/** The frame a flood repeats: an ack of seq 0 is well-formed whatever the device holds, and changes nothing. */
const floodAck = { type: "ack", seq: 0 } as const;
const floodFrame = JSON.stringify(floodAck);

/** messagesPerWindowMax + 1 frames at once: the server must close the connection with 1008. */
export const flood = connectionFaultKind({
  name: "flood",
  doc: "The device sends messagesPerWindowMax + 1 frames at once; the server must rate-limit it (1008) and the device resumes.",
  planFields: {},
  act: (device, _connectionId, context) => {
    const frames = context.managerLimits.messagesPerWindowMax + 1;
    context.hitDevice(device, { frames });
    for (let index = 0; index < frames; index += 1) device.sendRaw(floodFrame, { shown: floodAck });
  },
});
