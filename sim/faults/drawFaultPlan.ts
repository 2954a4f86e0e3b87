/**
 * Swarm testing, as the VOPR does it: unless a scenario fixes the fault mix, the seed
 * draws one. Each level gives a range per fault; the draw picks inside it, so different
 * seeds stress different mixes (many drops and no restarts, or the reverse).
 */
import type { SimRandom } from "../core/createRandom.ts";
import { NO_FAULTS, PER_MILLE_FIELDS, type FaultPlan } from "./FaultPlan.ts";

/** How hard the seed may push: `off` draws nothing. */
export type FaultLevel = "off" | "on" | "heavy";

type PerMilleField = (typeof PER_MILLE_FIELDS)[number];

/** Inclusive per-mille ranges per level. A range's low end is 0 so that a seed may leave a fault out. */
const RANGES: Record<Exclude<FaultLevel, "off">, Record<PerMilleField, readonly [number, number]>> = {
  on: {
    dropPerMille: [0, 12],
    halfOpenPerMille: [0, 4],
    sendFailurePerMille: [0, 6],
    slowSocketPerMille: [0, 5],
    reconnectPerMille: [0, 10],
    stormPerMille: [0, 3],
    restartPerMille: [0, 2],
    toolFailurePerMille: [0, 150],
    toolTimeoutPerMille: [0, 100],
    cancelPerMille: [0, 100],
  },
  heavy: {
    dropPerMille: [5, 40],
    halfOpenPerMille: [0, 15],
    sendFailurePerMille: [0, 25],
    slowSocketPerMille: [0, 20],
    reconnectPerMille: [0, 30],
    stormPerMille: [0, 10],
    restartPerMille: [0, 6],
    toolFailurePerMille: [0, 300],
    toolTimeoutPerMille: [0, 200],
    cancelPerMille: [0, 200],
  },
};

/** Draws a fault plan for `level` from the `faults` stream; `off` returns {@link NO_FAULTS}. */
export function drawFaultPlan(random: SimRandom, level: FaultLevel): FaultPlan {
  if (level === "off") return { ...NO_FAULTS };
  const plan: FaultPlan = { ...NO_FAULTS };
  for (const field of PER_MILLE_FIELDS) {
    const [low, high] = RANGES[level][field];
    plan[field] = random.integer(low, high);
  }
  plan.slowBandwidthBytesPerMs = random.integer(1, 20);
  plan.slowSocketMs = random.integer(500, 6_000);
  plan.reconnectDelayMsMax = random.integer(200, 3_000);
  return plan;
}
