/**
 * Loads a CommonJS k6 bundle (load/build.ts makes them) once per VU, the way k6 does:
 * each VU runs the bundle's top level (the init context) in its own function scope, so
 * it has its own module state, and sees its own globals (`__VU`, `__ITER`, `__ENV`,
 * timers, console, `open`) and its own `require` of the k6 modules. The source is
 * compiled once per run; the wrapper keeps line 1 on line 1, so stack traces point
 * at the bundle's own lines.
 */
import { Script } from "node:vm";

/** What a VU's bundle instance sees as its globals (every name but `__ITER`). */
export const BUNDLE_GLOBAL_NAMES = ["__VU", "__ENV", "setTimeout", "clearTimeout", "setInterval", "clearInterval", "console", "open"] as const;

/** The values of {@link BUNDLE_GLOBAL_NAMES} for one VU, plus its `__ITER` source. */
export type BundleGlobals = { readonly [Name in (typeof BUNDLE_GLOBAL_NAMES)[number]]: unknown } & {
  /** The current iteration, and a way to follow it: `__ITER` is a live binding. */
  iteration(): number;
  onIteration(listener: (iteration: number) => void): void;
};

type BundleFunction = (exports: Record<string, unknown>, require: (specifier: string) => unknown, module: { exports: Record<string, unknown> }, globals: BundleGlobals) => void;

/** A bundle compiled once; `instantiate` runs its top level for one VU and returns its exports. */
export interface CompiledBundle {
  instantiate(options: { require: (specifier: string) => unknown; globals: BundleGlobals }): Readonly<Record<string, unknown>>;
}

/** True when `source` looks like an ES module (the runner only takes CommonJS bundles). */
export function looksLikeEsModule(source: string): boolean {
  return /^\s*(import\s[^;]*?from\s*["']|export\s+(default|const|function|async|\{))/m.test(source);
}

/** Compiles `source` (a CommonJS bundle) for {@link CompiledBundle.instantiate}. @throws SyntaxError */
export function compileCommonJsBundle(source: string, options: { filename: string }): CompiledBundle {
  const declarations = BUNDLE_GLOBAL_NAMES.map((name) => `${name} = __k6globals.${name}`).join(", ");
  const prefix =
    `(function (exports, require, module, __k6globals) { var ${declarations}; ` +
    "var __ITER = __k6globals.iteration(); __k6globals.onIteration(function (iteration) { __ITER = iteration; }); ";
  const script = new Script(`${prefix}${source}\n})`, { filename: options.filename });
  const bundleFunction = script.runInThisContext() as BundleFunction;
  return {
    instantiate({ require, globals }) {
      const module = { exports: {} as Record<string, unknown> };
      bundleFunction.call(module.exports, module.exports, require, module, globals);
      return module.exports;
    },
  };
}
