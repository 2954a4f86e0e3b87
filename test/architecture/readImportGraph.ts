/**
 * The repository's own import graph, read with the TypeScript compiler's parser (not a
 * regular expression), so that side-effect imports, `export … from`, dynamic `import()`
 * and type-only imports all count: a type-only import still ties two files together.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import ts from "typescript";

/** One import of one file. */
export interface ModuleImport {
  /** As written: `../protocol/frames.ts`, `zod`, `node:fs`. */
  readonly specifier: string;
  /** The imported file as a repository path (`protocol/frames.ts`), or undefined for a package. */
  readonly target: string | undefined;
  /** True when every statement importing this specifier is `import type` / `export type` (or names only types). */
  readonly typeOnly: boolean;
}

/** Repository path of a `.ts` file → its imports, in source order. */
export type ImportGraph = ReadonlyMap<string, readonly ModuleImport[]>;

/** Folders never read: installed packages and build output. */
const SKIPPED_FOLDERS = new Set(["node_modules", "dist"]);

function sourceFiles(path: string): string[] {
  if (statSync(path).isFile()) return path.endsWith(".ts") && !path.endsWith(".d.ts") ? [path] : [];
  return readdirSync(path)
    .filter((entry) => !SKIPPED_FOLDERS.has(entry))
    .flatMap((entry) => sourceFiles(join(path, entry)));
}

function isTypeOnlyStatement(statement: ts.Statement): boolean {
  if (ts.isImportDeclaration(statement)) {
    const clause = statement.importClause;
    if (clause === undefined) return false;
    if (clause.isTypeOnly) return true;
    const bindings = clause.namedBindings;
    return clause.name === undefined && bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((element) => element.isTypeOnly);
  }
  if (ts.isExportDeclaration(statement)) {
    if (statement.isTypeOnly) return true;
    const clause = statement.exportClause;
    return clause !== undefined && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((element) => element.isTypeOnly);
  }
  return false;
}

/** Specifiers that this file imports only for types (every top-level statement naming them is type-only). */
function typeOnlySpecifiers(file: string, code: string): Set<string> {
  const source = ts.createSourceFile(file, code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const valueSpecifiers = new Set<string>();
  const typeSpecifiers = new Set<string>();
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) && !ts.isExportDeclaration(statement)) continue;
    const specifier = statement.moduleSpecifier;
    if (specifier === undefined || !ts.isStringLiteral(specifier)) continue;
    (isTypeOnlyStatement(statement) ? typeSpecifiers : valueSpecifiers).add(specifier.text);
  }
  return new Set([...typeSpecifiers].filter((specifier) => !valueSpecifiers.has(specifier)));
}

/** The imports of one file's source text; `file` is its repository path. */
export function importsOfSource(file: string, code: string): ModuleImport[] {
  const typeOnly = typeOnlySpecifiers(file, code);
  const specifiers = [...new Set(ts.preProcessFile(code, true, true).importedFiles.map((imported) => imported.fileName))];
  return specifiers.map((specifier) => ({
    specifier,
    target: specifier.startsWith(".") ? normalize(join(dirname(file), specifier)) : undefined,
    typeOnly: typeOnly.has(specifier),
  }));
}

/**
 * Reads every `.ts` file under `roots` (repository-relative folders, read from the
 * current directory, which vitest sets to the repository root).
 */
export function readImportGraph(roots: readonly string[]): ImportGraph {
  const graph = new Map<string, readonly ModuleImport[]>();
  for (const file of roots.flatMap((root) => (statSync(root, { throwIfNoEntry: false }) === undefined ? [] : sourceFiles(root)))) {
    graph.set(file, importsOfSource(file, readFileSync(file, "utf8")));
  }
  return graph;
}
