import { realTime } from "../realTime.ts";
import type { IterationScope, PendingWork } from "../vu/iterationScope.ts";
import type { VirtualUser } from "../vu/virtualUser.ts";

/** The four timer functions, as both `k6/timers` and the bundle's globals provide them. */
export interface VuTimers {
  setTimeout(callback: unknown, delayMs?: unknown, ...args: unknown[]): number;
  clearTimeout(id: unknown): void;
  setInterval(callback: unknown, delayMs?: unknown, ...args: unknown[]): number;
  clearInterval(id: unknown): void;
}

interface ActiveTimer {
  handle: NodeJS.Timeout;
  work: PendingWork;
  scope: IterationScope;
  repeats: boolean;
}

/**
 * Timers of one VU. Each pending timeout and each interval until cleared
 * keeps the current iteration alive (k6's event loop); callbacks run through
 * the iteration's scope so a throw fails the iteration. Ids are numbers, as in k6.
 */
export function createVuTimers(vu: VirtualUser): VuTimers {
  let nextId = 1;
  const active = new Map<number, ActiveTimer>();

  const start = (callback: unknown, delay: unknown, args: unknown[], repeats: boolean): number => {
    const name = repeats ? "setInterval()" : "setTimeout()";
    const scope = vu.requireScope(name);
    if (typeof callback !== "function") throw new TypeError(`${name} requires a function as its first argument`);
    const delayMs = Math.max(0, Number(delay) || 0);
    const id = nextId;
    nextId += 1;
    const fire = (): void => {
      if (!repeats) active.delete(id);
      scope.invoke(() => (callback as (...values: unknown[]) => unknown)(...args));
      if (!repeats) scope.untrack(work);
    };
    const handle = repeats ? realTime.setInterval(fire, delayMs) : realTime.setTimeout(fire, delayMs);
    const work: PendingWork = {
      cancel: () => {
        stopHandle(handle, repeats);
        active.delete(id);
      },
    };
    active.set(id, { handle, work, scope, repeats });
    scope.track(work);
    return id;
  };

  const clear = (id: unknown): void => {
    const timer = active.get(Number(id));
    if (timer === undefined) return;
    stopHandle(timer.handle, timer.repeats);
    active.delete(Number(id));
    timer.scope.untrack(timer.work);
  };

  return {
    setTimeout: (callback, delayMs, ...args) => start(callback, delayMs, args, false),
    clearTimeout: clear,
    setInterval: (callback, delayMs, ...args) => start(callback, delayMs, args, true),
    clearInterval: clear,
  };
}

function stopHandle(handle: NodeJS.Timeout, repeats: boolean): void {
  if (repeats) realTime.clearInterval(handle);
  else realTime.clearTimeout(handle);
}
