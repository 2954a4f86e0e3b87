import { readFile } from "node:fs/promises";
import { isSupportedK6Module, supportedExportsOf } from "./supportedK6Modules.ts";

/**
 * One `k6` / `k6/*` module a CommonJS bundle requires and the exports it reads:
 * `names` through the require binding (`import_k6.check`), `memberNames` through its
 * default export (`import_execution.default.vu`, a default import in the source).
 */
export interface K6Import {
  module: string;
  /** Export names read through the require binding. */
  names: string[];
  /** Members read through the default export, e.g. `vu` in `exec.vu.idInTest`. */
  memberNames: string[];
  /** The require as written, for error messages. */
  statement: string;
}

/** One import the runner cannot satisfy. */
export interface UnsupportedK6Import {
  module: string;
  /** Missing export names; empty when the whole module is missing. */
  names: string[];
  statement: string;
}

// esbuild's CommonJS output requires each external module once, at the start of a line:
//   var import_k6 = require("k6");
//   var import_execution = __toESM(require("k6/execution"), 1);
// and reads its exports through that binding (`(0, import_k6.check)(...)`,
// `import_execution.default.vu`). A require anywhere else (a flavour module's guarded
// `loaded = require("k6/timers")`) is listed with the module alone.
const REQUIRE_BINDING = /^(?:var|let|const)\s+([\w$]+)\s*=\s*(?:__toESM\()?require\(\s*["'](k6(?:\/[^"']*)?)["']\s*\)/gm;
const ANY_REQUIRE = /\brequire\(\s*["'](k6(?:\/[^"']*)?)["']\s*\)/g;

/** Lists every `k6` / `k6/*` module a CommonJS bundle (an esbuild bundle) requires, with the exports it reads. */
export function listK6Imports(source: string): K6Import[] {
  const imports: K6Import[] = [];
  const bound = new Set<number>();
  for (const match of source.matchAll(REQUIRE_BINDING)) {
    const local = match[1] ?? "";
    const module = match[2] ?? "";
    bound.add((match.index ?? 0) + match[0].indexOf("require("));
    const members = membersReadThrough(source, local);
    // `binding.default.x` reads x of the module's default export, which is the namespace in k6.
    const names = members.filter((name) => name !== "default");
    const defaultMembers = membersReadThrough(source, `${local}.default`);
    imports.push({
      module,
      names: [...new Set(names)].sort(),
      memberNames: [...new Set(defaultMembers)].sort(),
      statement: match[0],
    });
  }
  for (const match of source.matchAll(ANY_REQUIRE)) {
    if (bound.has(match.index ?? -1)) continue;
    imports.push({ module: match[1] ?? "", names: [], memberNames: [], statement: match[0] });
  }
  return imports;
}

/** Reads a bundle file and lists its k6 imports. */
export async function readBundleImports(bundlePath: string): Promise<K6Import[]> {
  return listK6Imports(await readFile(bundlePath, "utf8"));
}

/**
 * Every import in `imports` that the runner does not implement: unknown modules,
 * unknown named exports, and unknown members read through a default or
 * namespace import. Empty when the bundle can run.
 */
export function findUnsupportedImports(imports: readonly K6Import[]): UnsupportedK6Import[] {
  const unsupported: UnsupportedK6Import[] = [];
  for (const entry of imports) {
    if (!isSupportedK6Module(entry.module)) {
      unsupported.push({ module: entry.module, names: [], statement: entry.statement });
      continue;
    }
    const provided = new Set<string>(supportedExportsOf(entry.module));
    const wanted = [...entry.names.filter((name) => name !== "*"), ...entry.memberNames];
    const missing = [...new Set(wanted.filter((name) => !provided.has(name)))];
    if (missing.length > 0) unsupported.push({ module: entry.module, names: missing, statement: entry.statement });
  }
  return unsupported;
}

/** One readable paragraph naming every unsupported module and export. */
export function formatUnsupportedImports(unsupported: readonly UnsupportedK6Import[]): string {
  const lines = unsupported.map((entry) =>
    entry.names.length === 0
      ? `  - module "${entry.module}" is not implemented (${entry.statement.trim()})`
      : `  - "${entry.module}" has no export ${entry.names.map((name) => `"${name}"`).join(", ")} in the Node runner (${entry.statement.trim()})`,
  );
  return [
    "the bundle imports k6 APIs the Node runner does not implement:",
    ...lines,
    "Implement them under load/runner/shims (and list them in SUPPORTED_K6_MODULES) or run the script with real k6.",
  ].join("\n");
}

function membersReadThrough(source: string, local: string): string[] {
  const escaped = local.replace(/\$/g, "\\$").replace(/\./g, "\\s*\\.\\s*");
  const memberAccess = new RegExp(`(?<![\\w$.])${escaped}\\s*\\.\\s*([A-Za-z_$][\\w$]*)`, "g");
  return [...source.matchAll(memberAccess)].map((match) => match[1] ?? "").filter((name) => name !== "");
}
