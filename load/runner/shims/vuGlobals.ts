import type { RunLogger } from "../runLogger.ts";
import type { VirtualUser } from "../vu/virtualUser.ts";
import type { VuTimers } from "./timersModule.ts";

/**
 * What the bundle sees as its globals. The module hooks import these into
 * each VU's copy of the bundle as module-scope bindings that shadow Node's
 * globals, so every VU has its own `__VU`, `__ITER` (a live binding),
 * `__ENV`, timers and console while sharing one Node realm.
 */
export interface VuGlobals {
  __VU: number;
  __ENV: Record<string, string>;
  /** The current `__ITER`; the bridge module keeps its binding in step through `onIteration`. */
  iteration(): number;
  onIteration(listener: (iteration: number) => void): void;
  setTimeout: VuTimers["setTimeout"];
  clearTimeout: VuTimers["clearTimeout"];
  setInterval: VuTimers["setInterval"];
  clearInterval: VuTimers["clearInterval"];
  console: VuConsole;
  open: (path: unknown) => never;
}

/** k6's console: every level goes to the runner log (stderr) tagged `source=console`. */
export interface VuConsole {
  log(...values: unknown[]): void;
  info(...values: unknown[]): void;
  debug(...values: unknown[]): void;
  warn(...values: unknown[]): void;
  error(...values: unknown[]): void;
}

/** Builds the globals of one VU. */
export function createVuGlobals(vu: VirtualUser, timers: VuTimers, log: RunLogger): VuGlobals {
  const fields = { source: "console" };
  const console: VuConsole = {
    log: (...values) => log.info(formatConsoleValues(values), fields),
    info: (...values) => log.info(formatConsoleValues(values), fields),
    debug: (...values) => log.debug(formatConsoleValues(values), fields),
    warn: (...values) => log.warn(formatConsoleValues(values), fields),
    error: (...values) => log.error(formatConsoleValues(values), fields),
  };
  return {
    __VU: vu.idInInstance,
    __ENV: vu.env,
    iteration: () => Math.max(vu.iterationInInstance, 0),
    onIteration: (listener) => vu.onIteration(listener),
    ...timers,
    console,
    open: (path) => {
      throw new Error(`open(${JSON.stringify(path)}) is not supported by the k6 Node runner; build the data into the bundle instead`);
    },
  };
}

function formatConsoleValues(values: readonly unknown[]): string {
  return values.map(formatConsoleValue).join(" ");
}

function formatConsoleValue(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Error) return String(value);
  if (typeof value === "object" && value !== null) {
    try {
      return JSON.stringify(value);
    } catch {
      return String(value);
    }
  }
  return String(value);
}
