/**
 * Planted bugs for invariants the sim's BUG_ZOO has no entry for (tool pairing, content),
 * built the same way (a broken publish wrapper; nothing inside the system under test).
 * They exist so the tool-pairing and content properties can show they fail. They are
 * not in BUG_ZOO (sim/ is not ours), so `npm run sim -- --plant` does not know them;
 * `npm run prop -- --plant NAME` does.
 */
import type { PlantedBug } from "../../sim/bugZoo/PlantedBug.ts";

/** See the module comment. */
export const PROPERTY_PLANTED_BUGS: readonly PlantedBug[] = [
  {
    name: "retry-reuses-wrong-execution-id",
    description: "A failed tool's tool_completed carries the execution_id of the retry it schedules instead of its own, so the failed tool_executing is never paired.",
    expectedInvariant: "tool_pairing",
    scenario: "tool-failures",
    wrapPublish: (publish) => (userId, draft) => {
      if (draft.type === "tool_completed" && draft.data.status === "error") {
        publish(userId, { ...draft, data: { ...draft.data, execution_id: `${draft.data.execution_id}-retry` } });
        return;
      }
      publish(userId, draft);
    },
  },
  {
    name: "empty-final-response-on-cancel",
    description: "A cancelled run is completed with the model's (empty) partial answer, so agent_completed goes out with final_response \"\".",
    expectedInvariant: "content",
    scenario: "tool-failures",
    wrapPublish: (publish) => (userId, draft) => {
      if (draft.type === "agent_completed" && draft.data.status === "cancelled") {
        publish(userId, { ...draft, data: { ...draft.data, final_response: "" } });
        return;
      }
      publish(userId, draft);
    },
  },
];
