/** Records each bound the checker reached, with how often, so no limit acts silently (STYLE rule 6). */
import type { BoundReached } from "../CheckerVerdict.ts";

/** See the module comment. */
export class BoundsLog {
  private readonly reached = new Map<string, BoundReached>();

  /** One more time `option` (at `limit`) caused `effect`. */
  hit(option: string, limit: number, effect: string): void {
    const entry = this.reached.get(option);
    if (entry === undefined) this.reached.set(option, { option, limit, times: 1, effect });
    else entry.times += 1;
  }

  /** Every bound reached, in the order first reached. */
  list(): BoundReached[] {
    return [...this.reached.values()].map((entry) => ({ ...entry }));
  }
}
