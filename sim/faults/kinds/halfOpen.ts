/** `half_open`: the client vanishes silently; only the server's heartbeat can notice. */
import { connectionFaultKind, perMilleField } from "../FaultKind.ts";

/** The silently vanished client. */
export const halfOpen = connectionFaultKind({
  name: "half_open",
  doc: "The client vanishes silently (half-open); only the server's heartbeat can notice.",
  planFields: {
    halfOpenPerMille: perMilleField("Per open connection per tick: the client vanishes silently; only the heartbeat can notice.", { on: [0, 4], heavy: [0, 15] }),
  },
  act: (device, connectionId, context) => {
    context.hitDevice(device);
    context.network.halfOpen(connectionId);
  },
  tick: { rateField: "halfOpenPerMille", order: 40, exclusive: true, drawsAtZero: true },
  shrinkRank: 3,
});
