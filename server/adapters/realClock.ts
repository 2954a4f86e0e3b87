/**
 * The real {@link Clock}: the system wall clock. One of the few places in server/
 * allowed to read real time (STYLE rule 1); everything else takes a Clock.
 */
import type { Clock } from "../ports/clock.ts";

/** Creates a clock that reads `Date.now()` (ms since the Unix epoch). */
export function createRealClock(): Clock {
  return { nowMs: () => Date.now() };
}
