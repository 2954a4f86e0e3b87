/**
 * `resend_start`: the device sends its latest `start_agent` again, same `request_id`, on
 * its current connection, as a real client does when the run's `agent_started` had not
 * reached it before a drop (docs/client.md: re-send what the app still owes). With several
 * instances the resume, and so the re-send, may land on another instance than the first
 * send. The protocol says the same `request_id` twice starts one run only; the simulation
 * counts runs per request (runSimulation.ts) and a second run is a safety failure.
 * Off by default (no swarm range): seeded fault mixes and their traces are unchanged.
 */
import { connectionFaultKind, perMilleField } from "../FaultKind.ts";

/** A repeated start of the device's latest request. */
export const resendStart = connectionFaultKind({
  name: "resend_start",
  doc: "The device re-sends its latest start_agent (same request_id) on its current connection, as a client that did not see agent_started before a drop does.",
  planFields: {
    resendStartPerMille: perMilleField("Per open connection per tick: the device re-sends its latest start_agent, same request_id."),
  },
  act: (device, _connectionId, context) => {
    const requestId = device.resendLatestStart();
    if (requestId !== null) context.hitDevice(device, { request: requestId });
  },
  tick: { rateField: "resendStartPerMille", order: 80, exclusive: false },
});
