/**
 * Two runtime bugs the CI sweep used to miss (docs/mutation.md, mutants #939 and #914 of
 * server/runtime/createAgentRuntime.ts), planted through the runtime's publish port as the
 * bug zoo plants runtime bugs: the sweep now fails them with script fidelity's one-line
 * reason naming the run, and the correct runtime passes the same seeds.
 */
import { describe, expect, it } from "vitest";
import type { AgentEventDraft } from "../../protocol/frames.ts";
import type { PlantedBug } from "../../sim/bugZoo/PlantedBug.ts";
import { loadScenario } from "../../sim/scenario/loadScenario.ts";
import { runSweepSeed } from "../../sim/sweep/runSweepSeed.ts";

const SEEDS = [1, 2, 3, 4, 5, 6];

/** #939: a timing-out tool answered late. Holds the `tool_completed` of every timed-out tool, and the rest of its run, `lateMs` longer. */
const timeoutAnsweredLate: PlantedBug = {
  name: "timeout-answered-late",
  description: "A timing-out tool is answered after more than its timeoutMs (the runtime waited its full durationMs).",
  expectedInvariant: "script fidelity",
  scenario: "tool-failures.json",
  wrapPublish: (publish, { scheduler }) => {
    const lateMs = 150;
    const held = new Map<string, AgentEventDraft[]>();
    return (userId, draft) => {
      const holding = held.get(draft.run_id);
      if (holding !== undefined) {
        holding.push(draft);
        return;
      }
      const timedOut = draft.type === "tool_completed" && / timed out after \d+ ms$/.test(draft.data.result_summary);
      if (!timedOut) {
        publish(userId, draft);
        return;
      }
      held.set(draft.run_id, [draft]);
      scheduler.after(lateMs, () => {
        for (const late of held.get(draft.run_id) ?? []) publish(userId, late);
        held.delete(draft.run_id);
      });
    };
  },
};

/** #914: a planning `agent_thinking` before every tool, not only before a first tool of a run that has not thought yet. */
const planningBeforeEveryTool: PlantedBug = {
  name: "planning-before-every-tool",
  description: "The runtime announces a plan before every tool call, not only before a first one with no thinking yet.",
  expectedInvariant: "script fidelity",
  scenario: "golden-path.json",
  wrapPublish: (publish) => {
    const runs = new Map<string, { agentId: string; thoughts: number; planned: boolean }>();
    return (userId, draft) => {
      if (draft.type === "agent_started") runs.set(draft.run_id, { agentId: draft.data.agent_id, thoughts: 0, planned: false });
      const run = runs.get(draft.run_id);
      if (run === undefined) {
        publish(userId, draft);
        return;
      }
      if (draft.type === "tool_executing" && !run.planned) {
        run.thoughts += 1;
        const plan = `Planning: calling ${draft.data.tool_name}.`;
        publish(userId, { type: "agent_thinking", run_id: draft.run_id, data: { agent_id: run.agentId, thinking_content: plan, step_number: run.thoughts } });
      }
      run.planned = draft.type === "agent_thinking" && draft.data.thinking_content.startsWith("Planning: calling ");
      if (draft.type === "agent_thinking") {
        run.thoughts += 1;
        publish(userId, { ...draft, data: { ...draft.data, step_number: run.thoughts } });
        return;
      }
      publish(userId, draft);
    };
  },
};

/** Each seed's one-line reason, or "pass". */
function sweep(scenarioFile: string, plant?: PlantedBug): string[] {
  const scenario = loadScenario(`scenarios/${scenarioFile}`);
  return SEEDS.map((seed) => runSweepSeed(scenario, seed, { checkDeterminism: false, ...(plant === undefined ? {} : { plant }) }).failure?.first ?? "pass");
}

describe("runtime bugs script fidelity sees", () => {
  it("the correct runtime passes these seeds", () => {
    for (const file of ["tool-failures.json", "golden-path.json", "unicode-payloads.json"]) expect(sweep(file), file).toEqual(SEEDS.map(() => "pass"));
  });

  it("fails a timing-out tool answered after its timeoutMs (#939), naming the run, the tool and both waits", () => {
    const reasons = sweep("tool-failures.json", timeoutAnsweredLate);
    expect(reasons.filter((reason) => reason !== "pass").length).toBeGreaterThanOrEqual(SEEDS.length - 1);
    for (const reason of reasons.filter((line) => line !== "pass")) {
      expect(reason).toMatch(
        /^script fidelity: user \S+ run r-\S+ \(script \S+\): step \d+ of \d+ \(tool \S+, outcome timeout\): its tool_completed came (\d+) ms after its tool_executing, expected \d+ ms \(its timeoutMs: the tool times out\) \(event \d+ of \d+\)$/,
      );
    }
  });

  it("fails a planning agent_thinking before a tool when the run has thought already (#914)", () => {
    for (const reason of sweep("golden-path.json", planningBeforeEveryTool)) {
      expect(reason).toMatch(/^script fidelity: user \S+ run r-\S+ \(script \S+\): step \d+ of \d+ \(tool \S+, outcome \w+\): expected tool_executing of \S+, emitted agent_thinking "Planning: calling \S+\." \(event \d+ of \d+\)$/);
    }
  });
});
