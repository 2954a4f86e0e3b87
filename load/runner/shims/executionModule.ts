import type { RunContext } from "../vu/runContext.ts";
import { TestAbortedError } from "../vu/runContext.ts";
import type { VirtualUser } from "../vu/virtualUser.ts";

// Property names any object may be asked for by the language or by tools
// (await, JSON.stringify, inspection); reading them must not throw.
const INTROSPECTION_KEYS = new Set(["then", "toJSON", "constructor", "toString", "valueOf", "inspect", "nodeType", "$$typeof"]);

/**
 * `k6/execution` for one VU. Each info object is strict: reading a property
 * the runner does not implement (say `exec.vu.tags`) throws an error naming
 * it, instead of quietly returning undefined.
 */
export function createExecutionModule(vu: VirtualUser, run: RunContext): Record<string, unknown> {
  const inVuContext = (what: string): void => {
    if (vu.initializing) throw new Error(`getting ${what} information in the init context is not supported`);
  };
  const currentScenario = () => {
    inVuContext("scenario");
    const scenario = vu.scenario;
    if (scenario === undefined) throw new Error("getting scenario information outside of the VU context is not supported");
    return scenario;
  };
  const stats = () => {
    inVuContext("instance");
    return run.executionStats();
  };

  const vuInfo = strictInfo("vu", {
    idInInstance: () => (inVuContext("VU"), vu.idInInstance),
    idInTest: () => (inVuContext("VU"), vu.idInTest),
    iterationInInstance: () => (inVuContext("VU"), vu.iterationInInstance),
    iterationInScenario: () => (inVuContext("VU"), vu.iterationInScenario),
  });
  const scenarioInfo = strictInfo("scenario", {
    name: () => currentScenario().name,
    executor: () => currentScenario().executor,
    startTime: () => currentScenario().startTimeEpochMs,
    progress: () => currentScenario().progress(),
    iterationInInstance: () => (currentScenario(), vu.scenarioIteration.inInstance),
    iterationInTest: () => (currentScenario(), vu.scenarioIteration.inTest),
  });
  const instanceInfo = strictInfo("instance", {
    vusActive: () => stats().vusActive,
    vusInitialized: () => stats().vusInitialized,
    iterationsCompleted: () => stats().iterationsCompleted,
    iterationsInterrupted: () => stats().iterationsInterrupted,
    currentTestRunDuration: () => stats().currentTestRunDurationMs,
  });
  const testInfo = strictInfo("test", {
    options: () => {
      inVuContext("test options");
      return run.testOptions();
    },
    abort: () => (reason?: unknown) => {
      const text = reason === undefined || reason === null ? "test aborted" : `test aborted: ${String(reason)}`;
      run.abortTest(text);
      throw new TestAbortedError(text);
    },
    fail: () => (reason?: unknown) => {
      const text = reason === undefined || reason === null ? "test marked as failed" : `test marked as failed: ${String(reason)}`;
      run.markFailed(text);
    },
  });
  const namespace = { vu: vuInfo, scenario: scenarioInfo, instance: instanceInfo, test: testInfo };
  return { ...namespace, default: namespace };
}

function strictInfo(objectName: string, getters: Readonly<Record<string, () => unknown>>): object {
  return new Proxy({}, {
    get(_target, property) {
      if (typeof property === "symbol" || INTROSPECTION_KEYS.has(property)) return undefined;
      const getter = getters[property];
      if (getter === undefined) {
        throw new Error(`k6/execution: ${objectName}.${property} is not implemented by the k6 Node runner (available: ${Object.keys(getters).join(", ")})`);
      }
      return getter();
    },
    has: (_target, property) => typeof property === "string" && property in getters,
    ownKeys: () => Object.keys(getters),
    getOwnPropertyDescriptor: (_target, property) =>
      typeof property === "string" && property in getters ? { enumerable: true, configurable: true } : undefined,
  });
}
