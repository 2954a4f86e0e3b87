/** `tool_timeout`: a tool step times out; drawn per tool step when scripts are built (sim/buildRunScripts.ts). */
import { perMilleField, planOnlyFaultKind } from "../FaultKind.ts";

/** Tools that time out. */
export const toolTimeout = planOnlyFaultKind({
  name: "tool_timeout",
  doc: "A tool step times out; drawn per tool step when run scripts are built.",
  planFields: {
    toolTimeoutPerMille: perMilleField("Per tool step, at scenario build time: the tool times out.", { on: [0, 100], heavy: [0, 200] }),
  },
});
