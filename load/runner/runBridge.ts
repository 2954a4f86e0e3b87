import type { VuGlobals } from "./shims/vuGlobals.ts";
import type { VuModules } from "./shims/vuModules.ts";

/**
 * What the synthetic modules of moduleHooks.mjs call to get a VU's shims. It
 * lives on globalThis (they run in the same realm but cannot import runner
 * files) and holds its own registry, so a second copy of the runner code in
 * the same process (test runners re-import modules per file) still connects.
 */
interface Bridge {
  readonly instances: Map<string, VuModules>;
  moduleExports(vuTag: string, specifier: string): Record<string, unknown>;
  globals(vuTag: string): VuGlobals;
}

const BRIDGE = Symbol.for("k6-node-runner.bridge");

/**
 * Connects `vuTag` (`<run>.<instance>`, the `k6vu` query of a bundle URL) to
 * that VU instance's shim modules until its run is detached.
 */
export function attachVuModules(vuTag: string, modules: VuModules): void {
  bridge().instances.set(vuTag, modules);
}

/** Forgets every VU instance of run `runId` (Node keeps the module objects cached). */
export function detachRunModules(runId: string): void {
  const instances = bridge().instances;
  for (const tag of [...instances.keys()]) if (tag.startsWith(`${runId}.`)) instances.delete(tag);
}

function bridge(): Bridge {
  const holder = globalThis as { [BRIDGE]?: Bridge };
  holder[BRIDGE] ??= createBridge();
  return holder[BRIDGE];
}

function createBridge(): Bridge {
  const instances = new Map<string, VuModules>();
  const modulesOf = (vuTag: string): VuModules => {
    const modules = instances.get(vuTag);
    if (modules === undefined) throw new Error(`k6 Node runner: no VU is registered for ${vuTag}; import bundles only through runBundle()`);
    return modules;
  };
  return {
    instances,
    moduleExports: (vuTag, specifier) => modulesOf(vuTag).module(specifier as Parameters<VuModules["module"]>[0]),
    globals: (vuTag) => modulesOf(vuTag).globals(),
  };
}
