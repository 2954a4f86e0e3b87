/**
 * Every k6 module the Node runner implements and, per module, every export it
 * provides. A bundle that imports anything else is refused before it runs
 * (see `bundleImports.ts`), so a script can never silently use a k6 API that
 * behaves differently here. `default` is the module namespace, as in k6.
 *
 * Adding a name here without implementing it in `shims/` fails the
 * `supportedK6Modules` test.
 */
export const SUPPORTED_K6_MODULES = {
  k6: ["default", "check", "fail", "group", "sleep"],
  "k6/websockets": ["default", "WebSocket"],
  "k6/metrics": ["default", "Counter", "Gauge", "Rate", "Trend"],
  "k6/execution": ["default", "instance", "scenario", "test", "vu"],
  "k6/crypto": [
    "default",
    "createHash",
    "createHMAC",
    "hexEncode",
    "hmac",
    "md5",
    "randomBytes",
    "ripemd160",
    "sha1",
    "sha256",
    "sha384",
    "sha512",
    "sha512_224",
    "sha512_256",
  ],
  "k6/encoding": ["default", "b64decode", "b64encode"],
  "k6/timers": ["default", "clearInterval", "clearTimeout", "setInterval", "setTimeout"],
  // The names older k6 versions give the same two modules (see load/k6Flavours.ts), so
  // every bundle flavour runs here.
  "k6/experimental/websockets": ["default", "WebSocket"],
  "k6/experimental/timers": ["default", "clearInterval", "clearTimeout", "setInterval", "setTimeout"],
} as const satisfies Readonly<Record<string, readonly string[]>>;

/** A k6 module specifier the runner implements. */
export type SupportedK6Module = keyof typeof SUPPORTED_K6_MODULES;

/** True when `specifier` names a module in `SUPPORTED_K6_MODULES`. */
export function isSupportedK6Module(specifier: string): specifier is SupportedK6Module {
  return Object.hasOwn(SUPPORTED_K6_MODULES, specifier);
}

/** The exports the runner provides for `specifier`, or none when it is not supported. */
export function supportedExportsOf(specifier: string): readonly string[] {
  return isSupportedK6Module(specifier) ? SUPPORTED_K6_MODULES[specifier] : [];
}
