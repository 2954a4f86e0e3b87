/** `send_failure`: the server's next send on a connection fails. */
import { connectionFaultKind, perMilleField } from "../FaultKind.ts";

/** One failing server send. */
export const sendFailure = connectionFaultKind({
  name: "send_failure",
  doc: "The server's next send on this connection fails.",
  planFields: {
    sendFailurePerMille: perMilleField("Per open connection per tick: the server's next send on it fails.", { on: [0, 6], heavy: [0, 25] }),
  },
  act: (device, connectionId, context) => {
    context.hitDevice(device);
    context.network.failSends(connectionId, 1);
  },
  tick: { rateField: "sendFailurePerMille", order: 60, exclusive: false, drawsAtZero: true },
  shrinkRank: 2,
});
