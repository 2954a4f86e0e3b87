import type { SupportedK6Module } from "../supportedK6Modules.ts";
import type { RunContext } from "../vu/runContext.ts";
import type { VirtualUser } from "../vu/virtualUser.ts";
import { createCryptoModule } from "./cryptoModule.ts";
import { createEncodingModule } from "./encodingModule.ts";
import { createExecutionModule } from "./executionModule.ts";
import { createK6Module } from "./k6Module.ts";
import { createMetricsModule } from "./metricsModule.ts";
import { createVuTimers, type VuTimers } from "./timersModule.ts";
import { createVuGlobals, type VuGlobals } from "./vuGlobals.ts";
import { createWebSocketsModule } from "./websocketsModule.ts";

/** The k6 modules and globals of one VU, built on first import. */
export interface VuModules {
  /** The exports of `specifier` for this VU (its `default` included). */
  module(specifier: SupportedK6Module): Record<string, unknown>;
  globals(): VuGlobals;
}

/** Creates the lazily built shim modules of `vu`. */
export function createVuModules(vu: VirtualUser, run: RunContext): VuModules {
  const built = new Map<SupportedK6Module, Record<string, unknown>>();
  let timers: VuTimers | undefined;
  let globals: VuGlobals | undefined;
  const vuTimers = (): VuTimers => (timers ??= createVuTimers(vu));
  const build = (specifier: SupportedK6Module): Record<string, unknown> => {
    switch (specifier) {
      case "k6":
        return createK6Module(vu, run);
      case "k6/websockets":
      case "k6/experimental/websockets":
        return createWebSocketsModule(vu, run);
      case "k6/metrics":
        return createMetricsModule(vu, run);
      case "k6/execution":
        return createExecutionModule(vu, run);
      case "k6/crypto":
        return createCryptoModule();
      case "k6/encoding":
        return createEncodingModule();
      case "k6/timers":
      case "k6/experimental/timers": {
        const namespace = { ...vuTimers() };
        return { ...namespace, default: namespace };
      }
    }
  };
  return {
    module(specifier) {
      let exports = built.get(specifier);
      if (exports === undefined) {
        exports = build(specifier);
        built.set(specifier, exports);
      }
      return exports;
    },
    globals: () => (globals ??= createVuGlobals(vu, vuTimers(), run.log)),
  };
}
