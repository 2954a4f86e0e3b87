// Types of moduleHooks.mjs (plain JavaScript, see the comment there).

/** Receives the supported k6 modules and their exports from `register(..., { data })`. */
export function initialize(data: { supportedModules: Readonly<Record<string, readonly string[]>> }): void;
/** Node resolve hook. */
export function resolve(specifier: string, context: { parentURL?: string | undefined }, nextResolve: (specifier: string, context: unknown) => unknown): Promise<unknown>;
/** Node load hook. */
export function load(url: string, context: Record<string, unknown>, nextLoad: (url: string, context: unknown) => unknown): Promise<unknown>;
/** The import line that gives VU bundle `tag` its globals, minus names `source` binds itself. */
export function globalsImport(source: string, tag: string): string;
/** The names an esbuild module binds at top level (imports and declarations at column 0). */
export function topLevelBindings(source: string): Set<string>;
