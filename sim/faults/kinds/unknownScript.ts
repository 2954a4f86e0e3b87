/**
 * `unknown_script`: a client sends a well-formed `start_agent` naming a script the server does
 * not know (a typo, a script removed since the client was built); the server must refuse it
 * with a protocol_error (bad_field) that names the script, keep the connection and start
 * nothing. Sent raw, so the device does not wait for the run: the checker allows the error
 * (a start may be refused for reasons a client cannot see) and the self-report audit requires
 * every protocol_error decision to carry a code and a message.
 * Scheduled faults only, like `stop_pongs`: the seeded injector and the schedule arbitrary never
 * draw it, so seeded fault mixes and their traces stay as they were.
 */
import { connectionFaultKind } from "../FaultKind.ts";

/** The script name asked for: no shipped or generated script has it. */
const UNKNOWN_SCRIPT_NAME = "no-such-script";

/** One `start_agent` of an unknown script: the server must refuse it and keep the connection. */
export const unknownScript = connectionFaultKind({
  name: "unknown_script",
  doc: "The device sends a start_agent naming a script the server does not know; the server must refuse it (protocol_error bad_field naming the script), start nothing and keep the connection.",
  planFields: {},
  act: (device, connectionId, context) => {
    context.hitDevice(device);
    const frame = { type: "start_agent", request_id: `unknown-script-${connectionId}-${context.time.nowMs()}`, agent_type: "sim_agent", message: "Run a script that does not exist", scenario: UNKNOWN_SCRIPT_NAME };
    device.sendRaw(JSON.stringify(frame), { shown: frame });
  },
});
