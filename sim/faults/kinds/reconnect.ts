/** `reconnect`: the client closes cleanly and reconnects with resume after a drawn delay. */
import { connectionFaultKind, perMilleField } from "../FaultKind.ts";

/** A clean close and reconnect. */
export const reconnect = connectionFaultKind({
  name: "reconnect",
  doc: "The client closes cleanly and reconnects with resume after a delay drawn from [reconnectDelayMsMin, reconnectDelayMsMax].",
  planFields: {
    reconnectPerMille: perMilleField("Per open connection per tick: the client closes cleanly and reconnects with resume.", { on: [0, 10], heavy: [0, 30] }),
  },
  act: (device, _connectionId, context) => {
    context.hitDevice(device);
    device.reconnect(context.random.integer(context.plan.reconnectDelayMsMin, context.plan.reconnectDelayMsMax));
  },
  tick: { rateField: "reconnectPerMille", order: 50, exclusive: true, drawsAtZero: true },
  shrinkRank: 1,
});
