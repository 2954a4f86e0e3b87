import { register } from "node:module";
import { SUPPORTED_K6_MODULES } from "./supportedK6Modules.ts";

const REGISTERED = Symbol.for("k6-node-runner.hooksRegistered");

/**
 * Registers the runner's module hooks (see moduleHooks.mjs for the design)
 * once per process. Hooks cannot be unregistered; they only touch URLs that
 * carry the runner's `k6vu` marker, so everything else loads as usual.
 */
export function registerModuleHooks(): void {
  const state = globalThis as { [REGISTERED]?: boolean };
  if (state[REGISTERED] === true) return;
  register(new URL("./moduleHooks.mjs", import.meta.url), {
    data: { supportedModules: SUPPORTED_K6_MODULES },
  });
  state[REGISTERED] = true;
}
