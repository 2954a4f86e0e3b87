/**
 * The k6 versions our bundles serve, as data: one bundle flavour per range, named by
 * the oldest k6 it serves. A flavour fixes the names of the two k6 modules that moved
 * between versions (websockets and timers); everything else is the same bundle.
 *
 * | flavour  | k6 versions      | WebSocket from               | timers from              |
 * |----------|------------------|------------------------------|--------------------------|
 * | k6-v0.48 | v0.48 – v0.49    | `k6/experimental/websockets` | `k6/experimental/timers` |
 * | k6-v0.50 | v0.50 – v1.5     | `k6/experimental/websockets` | `k6/timers`              |
 * | k6-v1.6  | v1.6 and later   | `k6/websockets`              | `k6/timers`              |
 *
 * Sources: k6 v0.50 graduated `k6/timers` (the experimental name was deprecated then
 * and later removed); `k6/websockets` exists from v1.6. Every flavour is CommonJS
 * (goja and Sobek load it without Babel) with ES2017 syntax and no BigInt, so the same
 * bundle text runs on the oldest engine of its range and on the newest.
 */

/** A k6 version as `[major, minor, patch]`. */
export type K6Version = readonly [number, number, number];

/** One bundle flavour. */
export interface K6Flavour {
  /** Folder under `load/dist/`, e.g. `k6-v0.48`. */
  name: string;
  /** Oldest k6 served (inclusive). */
  fromVersion: K6Version;
  /** Newest k6 served, exclusive; undefined: no upper bound known. */
  beforeVersion: K6Version | undefined;
  /** What each module name of the sources becomes in this flavour's bundles. */
  moduleNames: Readonly<Record<"k6/websockets" | "k6/timers", string>>;
}

/** Every flavour, oldest first. */
export const K6_FLAVOURS: readonly K6Flavour[] = [
  {
    name: "k6-v0.48",
    fromVersion: [0, 48, 0],
    beforeVersion: [0, 50, 0],
    moduleNames: { "k6/websockets": "k6/experimental/websockets", "k6/timers": "k6/experimental/timers" },
  },
  {
    name: "k6-v0.50",
    fromVersion: [0, 50, 0],
    beforeVersion: [1, 6, 0],
    moduleNames: { "k6/websockets": "k6/experimental/websockets", "k6/timers": "k6/timers" },
  },
  {
    name: "k6-v1.6",
    fromVersion: [1, 6, 0],
    beforeVersion: undefined,
    moduleNames: { "k6/websockets": "k6/websockets", "k6/timers": "k6/timers" },
  },
];

/** The newest flavour: what the Node runner runs (it provides every module name). */
export const NEWEST_FLAVOUR = K6_FLAVOURS[K6_FLAVOURS.length - 1] as K6Flavour;

/** "v0.48.0 or later", the supported range in words. */
export const SUPPORTED_K6_RANGE = `k6 ${formatK6Version((K6_FLAVOURS[0] as K6Flavour).fromVersion)} or later`;

/** `v1.2.3`. */
export function formatK6Version(version: K6Version): string {
  return `v${version.join(".")}`;
}

/** Reads the version from `k6 version` output (`k6 v0.48.0 (go1.19.8, linux/amd64)`, or `k6 v1.6.0 (commit/…)`); undefined when none. */
export function parseK6Version(text: string): K6Version | undefined {
  const match = /\bk6\s+v?(\d+)\.(\d+)\.(\d+)/.exec(text);
  if (match === null) return undefined;
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

function compareVersions(left: K6Version, right: K6Version): number {
  for (let index = 0; index < 3; index += 1) {
    const difference = (left[index] as number) - (right[index] as number);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** The flavour serving `version`, or undefined when it is older than every flavour. */
export function flavourForVersion(version: K6Version): K6Flavour | undefined {
  return K6_FLAVOURS.find(
    (flavour) => compareVersions(version, flavour.fromVersion) >= 0 && (flavour.beforeVersion === undefined || compareVersions(version, flavour.beforeVersion) < 0),
  );
}

/** The flavour named `name`, or undefined. */
export function flavourNamed(name: string): K6Flavour | undefined {
  return K6_FLAVOURS.find((flavour) => flavour.name === name);
}

/** "k6 v0.48.0 – v0.49.x" style description of a flavour's range. */
export function describeFlavourRange(flavour: K6Flavour): string {
  const from = formatK6Version(flavour.fromVersion);
  return flavour.beforeVersion === undefined ? `k6 ${from} or later` : `k6 ${from} up to (not including) ${formatK6Version(flavour.beforeVersion)}`;
}
