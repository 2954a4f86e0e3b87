/** `tool_failure`: a tool step fails; drawn per tool step when scripts are built (sim/buildRunScripts.ts). */
import { perMilleField, planOnlyFaultKind } from "../FaultKind.ts";

/** Failing tools. */
export const toolFailure = planOnlyFaultKind({
  name: "tool_failure",
  doc: "A tool step fails (tool_completed with an error); drawn per tool step when run scripts are built.",
  planFields: {
    toolFailurePerMille: perMilleField("Per tool step, at scenario build time: the tool fails.", { on: [0, 150], heavy: [0, 300] }),
  },
});
