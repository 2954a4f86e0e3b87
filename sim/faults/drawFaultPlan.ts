/**
 * Swarm testing, as the VOPR does it: unless a scenario fixes the fault mix, the seed
 * draws one. Each level gives a range per fault (each kind's `swarm` ranges, in
 * `kinds/<kind>.ts`); the draw picks inside it, so different seeds stress different mixes
 * (many drops and no restarts, or the reverse).
 */
import type { SimRandom } from "../core/createRandom.ts";
import { NO_FAULTS, PLAN_FIELDS, type FaultPlan } from "./FaultPlan.ts";

/** How hard the seed may push: `off` draws nothing. */
export type FaultLevel = "off" | "on" | "heavy";

/**
 * Draws a fault plan for `level` from the `faults` stream; `off` returns {@link NO_FAULTS}.
 * The order of draws is part of every drawn plan's contract: first every per-mille field
 * with a swarm range, in registry order, then every other field with one, in plan order.
 */
export function drawFaultPlan(random: SimRandom, level: FaultLevel): FaultPlan {
  if (level === "off") return { ...NO_FAULTS };
  const plan: FaultPlan = { ...NO_FAULTS };
  const drawn = PLAN_FIELDS.filter(([, spec]) => spec.swarm !== undefined);
  const rates = drawn.filter(([name]) => name.endsWith("PerMille"));
  const settings = drawn.filter(([name]) => !name.endsWith("PerMille"));
  for (const [name, spec] of [...rates, ...settings]) {
    const [low, high] = spec.swarm?.[level] ?? [spec.default, spec.default];
    plan[name] = random.integer(low, high);
  }
  return plan;
}
