import { readFile } from "node:fs/promises";
import { isSupportedK6Module, supportedExportsOf } from "./supportedK6Modules.ts";

/**
 * One `k6` / `k6/*` import of a bundle: the module and the names the bundle
 * takes from it. A default or namespace import (`import exec from "k6/execution"`,
 * `import * as crypto from "k6/crypto"`) lists `default` / `*` and, in
 * `memberNames`, every `local.member` the bundle reads through it.
 */
export interface K6Import {
  module: string;
  /** Imported export names (`default` for a default import, `*` for a namespace import). */
  names: string[];
  /** Members read through a default or namespace binding, e.g. `vu` in `exec.vu.idInTest`. */
  memberNames: string[];
  /** The import statement as written, for error messages. */
  statement: string;
}

/** One import the runner cannot satisfy. */
export interface UnsupportedK6Import {
  module: string;
  /** Missing export names; empty when the whole module is missing. */
  names: string[];
  statement: string;
}

// esbuild writes every static import as one statement at the start of a line:
//   import { check, sleep as sleep2 } from "k6";
//   import exec from "k6/execution";
//   import * as crypto from "k6/crypto";
//   import "k6/x";
// Re-exports (`export { x } from "k6"`) are listed too, because they import as well.
const IMPORT_STATEMENT = /^(import|export)\s*([^;"'`]*?)\s*from\s*["'](k6(?:\/[^"']*)?)["'];?|^import\s*["'](k6(?:\/[^"']*)?)["'];?/gm;

/** Lists every `k6` / `k6/*` import in an ES module's source (an esbuild bundle). */
export function listK6Imports(source: string): K6Import[] {
  const imports: K6Import[] = [];
  for (const match of source.matchAll(IMPORT_STATEMENT)) {
    const sideEffectModule = match[4];
    if (sideEffectModule !== undefined) {
      imports.push({ module: sideEffectModule, names: [], memberNames: [], statement: match[0] });
      continue;
    }
    const clause = match[2] ?? "";
    const module = match[3] ?? "";
    const bindings = parseImportClause(clause, match[1] === "export");
    const memberNames = bindings.wholeModuleLocals.flatMap((local) => membersReadThrough(source, local));
    imports.push({
      module,
      names: bindings.importedNames,
      memberNames: [...new Set(memberNames)].sort(),
      statement: match[0],
    });
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

interface ImportBindings {
  importedNames: string[];
  /** Local names bound to the whole module (default or namespace imports). */
  wholeModuleLocals: string[];
}

function parseImportClause(clause: string, isReExport: boolean): ImportBindings {
  const importedNames: string[] = [];
  const wholeModuleLocals: string[] = [];
  let rest = clause.trim();
  const braceStart = rest.indexOf("{");
  if (braceStart >= 0) {
    const braceEnd = rest.indexOf("}", braceStart);
    const specifiers = rest.slice(braceStart + 1, braceEnd < 0 ? undefined : braceEnd);
    for (const specifier of specifiers.split(",")) {
      const [imported] = specifier.trim().split(/\s+as\s+/);
      if (imported !== undefined && imported !== "") importedNames.push(unquote(imported));
    }
    rest = (rest.slice(0, braceStart) + rest.slice(braceEnd < 0 ? rest.length : braceEnd + 1)).trim();
  }
  for (const part of rest.split(",").map((text) => text.trim()).filter((text) => text !== "")) {
    const namespace = /^\*\s*(?:as\s+([\w$]+))?$/.exec(part);
    if (namespace !== null) {
      importedNames.push("*");
      if (namespace[1] !== undefined && !isReExport) wholeModuleLocals.push(namespace[1]);
      continue;
    }
    if (/^[\w$]+$/.test(part) && !isReExport) {
      importedNames.push("default");
      wholeModuleLocals.push(part);
    }
  }
  return { importedNames, wholeModuleLocals };
}

function unquote(name: string): string {
  return name.replace(/^["']|["']$/g, "");
}

function membersReadThrough(source: string, local: string): string[] {
  const escaped = local.replace(/\$/g, "\\$");
  const memberAccess = new RegExp(`(?<![\\w$.])${escaped}\\s*\\.\\s*([A-Za-z_$][\\w$]*)`, "g");
  return [...source.matchAll(memberAccess)].map((match) => match[1] ?? "").filter((name) => name !== "");
}
