import type { TimerNamer } from "../core/createVirtualTime.ts";

/**
 * Names the timers of `owner` ("manager", "runtime") for the quiescence report: a named
 * callback by its name (`manager.heartbeatOnTick`), else the limit its delay equals
 * (`runtime runDurationMsMax`), else its delay. A delay that happens to equal a limit
 * borrows the limit's name: the report says so by printing the delay beside it.
 */
export function timerNamerOf(owner: string, limits: Readonly<Record<string, number>>): TimerNamer {
  return (delayMs, callback) => {
    if (callback.name !== "") return `${owner}.${callback.name}`;
    const limit = Object.keys(limits).find((name) => limits[name] === delayMs);
    return limit === undefined ? `${owner} timer of ${delayMs} ms` : `${owner} ${limit} (${delayMs} ms)`;
  };
}
