/**
 * `stop_pongs`: the client keeps its socket and reads on, but answers no ping. Scheduled
 * faults only: the seeded injector and the schedule arbitrary never draw it, so seeded
 * fault mixes and their traces stay as they were.
 */
import { connectionFaultKind } from "../FaultKind.ts";

/** A client that stops answering pings. */
export const stopPongs = connectionFaultKind({
  name: "stop_pongs",
  doc: "The client keeps reading but answers no ping; the server's heartbeat must close it (4408) and the device resumes.",
  planFields: {},
  act: (device, connectionId, context) => {
    context.hitDevice(device);
    context.network.stopPongs(connectionId);
  },
});
