// Node module customization hooks of the k6 Node runner (registered by
// registerModuleHooks.ts with node:module `register`).
//
// Plain JavaScript on purpose: Node runs hooks on a separate loader thread,
// where no TypeScript loader (tsx, vitest) is guaranteed to exist.
//
// Design (why each VU has its own module state):
// - The runner imports the bundle once per VU as `bundle.js?k6vu=<run>.<vu>`.
//   Node caches modules by URL, so each distinct query is a fresh instance of
//   the whole bundle: own top-level variables, own zod instance, own everything.
// - `resolve` maps `k6` and `k6/*` imported by such a bundle to a synthetic URL
//   `k6-node-runner:module?name=k6/…&k6vu=<run>.<vu>`; `load` answers it with a
//   few lines that fetch that VU's shim exports from the runner (through a
//   globalThis symbol) and re-export them. Unknown modules load as a module
//   that throws a message naming them.
// - `load` prefixes each VU bundle with one import (on line 1, so line numbers
//   stay true) of that VU's globals: __VU, __ITER (a live binding), __ENV,
//   timers, console, open. As module-scope bindings they shadow Node's globals
//   for the bundle only, so VUs sharing one realm still see their own values.
//   Names the bundle binds itself at top level are left out.

const SCHEME = "k6-node-runner:";
const BRIDGE = 'globalThis[Symbol.for("k6-node-runner.bridge")]';
const VU_PARAM = "k6vu";
const GLOBAL_NAMES = ["__VU", "__ITER", "__ENV", "setTimeout", "clearTimeout", "setInterval", "clearInterval", "console", "open"];

/** @type {Record<string, string[]>} module specifier -> export names */
let supportedModules = {};

/** @param {{ supportedModules: Record<string, string[]> }} data */
export function initialize(data) {
  supportedModules = data.supportedModules;
}

/** @param {string} url */
function vuTagOf(url) {
  try {
    return new URL(url).searchParams.get(VU_PARAM);
  } catch {
    return null;
  }
}

export async function resolve(specifier, context, nextResolve) {
  if (specifier.startsWith(SCHEME)) return { url: specifier, shortCircuit: true };
  const tag = context.parentURL === undefined ? null : vuTagOf(context.parentURL);
  if (tag !== null && (specifier === "k6" || specifier.startsWith("k6/"))) {
    const url = `${SCHEME}module?name=${encodeURIComponent(specifier)}&${VU_PARAM}=${encodeURIComponent(tag)}`;
    return { url, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (url.startsWith(SCHEME)) {
    return { format: "module", source: syntheticSource(new URL(url)), shortCircuit: true };
  }
  const tag = url.startsWith("file:") ? vuTagOf(url) : null;
  if (tag === null) return nextLoad(url, context);
  const loaded = await nextLoad(url, { ...context, format: "module" });
  const source = typeof loaded.source === "string" ? loaded.source : new TextDecoder().decode(loaded.source);
  return { format: "module", source: globalsImport(source, tag) + source, shortCircuit: true };
}

/** @param {URL} url */
function syntheticSource(url) {
  const tag = JSON.stringify(url.searchParams.get(VU_PARAM) ?? "");
  if (url.pathname === "globals") {
    const constants = GLOBAL_NAMES.filter((name) => name !== "__ITER").map((name) => `${name} = g.${name}`);
    return [
      `const g = ${BRIDGE}.globals(${tag});`,
      `export const ${constants.join(", ")};`,
      "export let __ITER = g.iteration();",
      "g.onIteration((iteration) => { __ITER = iteration; });",
    ].join("\n");
  }
  const name = url.searchParams.get("name") ?? "";
  const exportNames = supportedModules[name];
  if (exportNames === undefined) {
    return `throw new Error(${JSON.stringify(`k6 Node runner: module "${name}" is not implemented (see SUPPORTED_K6_MODULES in load/runner/supportedK6Modules.ts)`)});`;
  }
  const named = exportNames.filter((exportName) => exportName !== "default");
  return [
    `const m = ${BRIDGE}.moduleExports(${tag}, ${JSON.stringify(name)});`,
    "export default m.default;",
    named.length > 0 ? `export const { ${named.join(", ")} } = m;` : "",
  ].join("\n");
}

/** The import line that gives a VU bundle its own globals (no newline: line numbers stay true). */
export function globalsImport(source, tag) {
  const bound = topLevelBindings(source);
  const names = GLOBAL_NAMES.filter((name) => !bound.has(name));
  return `import { ${names.join(", ")} } from "${SCHEME}globals?${VU_PARAM}=${encodeURIComponent(tag)}";`;
}

/**
 * Names a module binds at top level through its import statements and
 * declarations. esbuild writes top-level statements at column 0, which is all
 * this needs to look at.
 * @param {string} source
 * @returns {Set<string>}
 */
export function topLevelBindings(source) {
  const bound = new Set();
  for (const match of source.matchAll(/^import\s+([^"';]*?)\s+from\s*["'][^"']*["']/gm)) {
    let clause = match[1] ?? "";
    const braces = /\{([^}]*)\}/.exec(clause);
    if (braces !== null) {
      for (const specifier of (braces[1] ?? "").split(",")) {
        const local = specifier.trim().split(/\s+as\s+/).pop();
        if (local) bound.add(local.trim());
      }
      clause = clause.replace(braces[0], "");
    }
    for (const part of clause.split(",")) {
      const local = part.trim().replace(/^\*\s*as\s+/, "");
      if (/^[\w$]+$/.test(local)) bound.add(local);
    }
  }
  const declaration = /^(?:export\s+)?(?:default\s+)?(?:async\s+)?(?:var|let|const|function\*?|class)\s+([\w$]+)/gm;
  for (const match of source.matchAll(declaration)) bound.add(match[1]);
  return bound;
}
