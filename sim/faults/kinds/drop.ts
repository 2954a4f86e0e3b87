/** `drop`: an abrupt drop; frames in flight are lost both ways and the device reconnects with resume. */
import { connectionFaultKind, perMilleField } from "../FaultKind.ts";

/** The abrupt connection drop. */
export const drop = connectionFaultKind({
  name: "drop",
  doc: "The connection drops abruptly; frames in flight are lost both ways. The device reconnects and resumes.",
  planFields: {
    dropPerMille: perMilleField("Per open connection per tick: an abrupt drop; frames in flight are lost both ways.", { on: [0, 12], heavy: [5, 40] }),
  },
  act: (device, connectionId, context) => {
    context.hitDevice(device);
    context.network.drop(connectionId);
  },
  tick: { rateField: "dropPerMille", order: 30, exclusive: true, drawsAtZero: true },
  shrinkRank: 0,
});
