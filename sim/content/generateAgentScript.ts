/**
 * Generated agent scripts: the shapes hand-written scenarios never have. Multi-byte text
 * everywhere (thinking, tool names, args, results, partials, final response), partial
 * results near a byte size, scripts that open with a tool (the runtime must think
 * first), and bursts of zero-duration steps that emit back to back.
 */
import { agentScriptSchema, type AgentScript, type AgentScriptInput } from "../../server/runtime/agentScript.ts";
import type { SimRandom } from "../core/createRandom.ts";
import { multiByteText } from "./multiByteText.ts";

/** Options of {@link generateAgentScript}. */
export interface GenerateAgentScriptOptions {
  name: string;
  /** Largest UTF-8 size of one partial_result's content, bytes; one partial in four is drawn within 5% under it. */
  payloadBytesMax: number;
}

type Step = AgentScriptInput["steps"][number];

/** Draws one script from `random` (3..14 steps; every draw comes from this stream). */
export function generateAgentScript(random: SimRandom, options: GenerateAgentScriptOptions): AgentScript {
  const steps: Step[] = [];
  if (random.chance(1, 2)) steps.push(toolStep(random));
  const stepsWanted = random.integer(3, 12);
  while (steps.length < stepsWanted) {
    switch (random.integer(0, 3)) {
      case 0:
        steps.push({ kind: "think", content: shortText(random), durationMs: random.integer(0, 300) });
        break;
      case 1:
        steps.push(toolStep(random));
        break;
      case 2:
        steps.push(partialStep(random, options.payloadBytesMax));
        break;
      default:
        // A zero-think burst: steps that emit at the same virtual ms.
        for (let index = random.integer(2, 6); index > 0; index -= 1) {
          steps.push(random.chance(1, 2) ? { kind: "think", content: shortText(random), durationMs: 0 } : { kind: "partial", content: shortText(random), delayMs: 0 });
        }
    }
  }
  return agentScriptSchema.parse({ name: options.name, agentType: `généré_${random.integer(1, 9)}`, steps, finalResponse: multiByteText(random, { bytesMin: 1, bytesMax: 400 }) });
}

function shortText(random: SimRandom): string {
  return multiByteText(random, { bytesMin: 1, bytesMax: 120 });
}

function toolStep(random: SimRandom): Step {
  const name = random.pick(["query_metrics", "analyze_logs", "検索", "résumé_tool", "🔧fix"]);
  return { kind: "tool", name, args: { query: shortText(random), "ключ": random.integer(0, 1_000) }, durationMs: random.integer(0, 400), result: shortText(random) };
}

function partialStep(random: SimRandom, payloadBytesMax: number): Step {
  const nearMax = random.chance(1, 4);
  const bytesMin = nearMax ? Math.max(1, Math.floor(payloadBytesMax * 0.95)) : 1;
  const bytesMax = nearMax ? payloadBytesMax : Math.max(8, Math.floor(payloadBytesMax / 4));
  return { kind: "partial", content: multiByteText(random, { bytesMin, bytesMax }), delayMs: random.integer(0, 100) };
}
