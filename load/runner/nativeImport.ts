// A dynamic import that always goes through Node's own loader (and so through
// the runner's module hooks). Test runners such as vitest rewrite `import()`
// in the files they transform and would resolve `k6/*` themselves; a data:
// URL module is left to Node, and its own `import()` is native.
const NATIVE_IMPORTER_URL = "data:text/javascript,export default (specifier) => import(specifier);";

let nativeImporter: ((specifier: string) => Promise<unknown>) | undefined;

/** Imports `specifier` (a URL) with Node's native loader and returns its namespace. */
export async function importNatively(specifier: string): Promise<Readonly<Record<string, unknown>>> {
  if (nativeImporter === undefined) {
    const importerModule = (await import(/* @vite-ignore */ NATIVE_IMPORTER_URL)) as { default: (specifier: string) => Promise<unknown> };
    nativeImporter = importerModule.default;
  }
  return (await nativeImporter(specifier)) as Readonly<Record<string, unknown>>;
}
