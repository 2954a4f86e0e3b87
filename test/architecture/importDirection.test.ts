/**
 * STYLE rule 13, enforced: dependencies point one way, folder by folder and, where
 * docs/architecture.md draws a line inside a folder, sub-folder by sub-folder. The
 * protocol (types, validation, checkers, the event client) depends on nothing of ours
 * and no Node API, so it runs anywhere, k6 and browsers included; the system under test
 * (server/) depends only on the protocol; the simulator and properties sit on both; CLIs,
 * load scripts, recordings, reports and benchmarks on top. Each rule below is one row of
 * the architecture doc's table; change them together.
 */
import { describe, expect, it } from "vitest";
import { readImportGraph, type ModuleImport } from "./readImportGraph.ts";

/** What the files of one room (a folder, its sub-folders included unless they are rooms too) may import. */
interface Room {
  /**
   * Repository paths the room may import: `x/` is a folder and everything below it,
   * `x/*` only the files directly in folder x, anything else one exact file.
   */
  readonly may: readonly string[];
  /** Packages it may import: a name allows that package and its sub-paths, `node:` any Node built-in, `*` anything. */
  readonly packages: readonly string[];
  /** Paths it may import for types only (`import type`), never values. */
  readonly typesFrom?: readonly string[];
}

const ANY_PACKAGE = ["*"];

/** The production server, without its edges (cli/) and its dev page (viewer/). */
const SERVER_PRODUCTION = ["server/*", "server/adapters/", "server/auth/", "server/http/", "server/manager/", "server/monitoring/", "server/ports/", "server/runtime/"];

/** The server code a simulation may run: the real manager and runtime on the injected ports; never adapters (real time, sockets), HTTP or auth. */
const SERVER_SIMULATED = ["server/manager/", "server/ports/", "server/runtime/", "server/monitoring/"];

/** The rooms, by folder; a file belongs to the longest key its path starts with. */
const ROOMS: Record<string, Room> = {
  "protocol/": { may: ["protocol/"], packages: ["zod"] },
  // Bundled into k6 and browsers: the protocol's plain files (no zod there: see bundledCode.test.ts) and their own folder.
  "protocol/checker/": { may: ["protocol/*", "protocol/checker/"], packages: [] },
  "protocol/client/": { may: ["protocol/*", "protocol/client/"], packages: [] },

  "server/": { may: ["protocol/", ...SERVER_PRODUCTION], packages: ANY_PACKAGE },
  "server/ports/": { may: ["protocol/", "server/ports/"], packages: [] },
  "server/manager/": { may: ["protocol/", "server/ports/", "server/manager/"], packages: [] },
  // The runtime drives the manager through the command interface the manager declares; it never calls into it.
  "server/runtime/": { may: ["protocol/", "server/ports/", "server/runtime/"], typesFrom: ["server/manager/createConnectionManager.ts"], packages: ["zod"] },
  "server/adapters/": { may: ["protocol/", "server/ports/", "server/manager/", "server/runtime/", "server/adapters/"], packages: ANY_PACKAGE },
  "server/auth/": { may: ["server/auth/"], packages: ANY_PACKAGE },
  "server/http/": { may: ["protocol/", "server/ports/", "server/manager/", "server/runtime/", "server/adapters/", "server/auth/", "server/http/"], packages: ANY_PACKAGE },
  "server/monitoring/": { may: ["server/monitoring/"], packages: ANY_PACKAGE },
  "server/cli/": { may: ["protocol/", "server/"], packages: ANY_PACKAGE },
  "server/viewer/": { may: ["server/viewer/"], packages: ANY_PACKAGE },
  // Browser code on the event client; the real clock and scheduler are the two adapters a browser can run.
  "server/viewer/page/": { may: ["protocol/", "server/ports/", "server/adapters/realClock.ts", "server/adapters/realScheduler.ts", "server/viewer/page/"], packages: [] },

  "sim/": { may: ["protocol/", ...SERVER_SIMULATED, "sim/"], packages: ANY_PACKAGE },
  "sim/core/": { may: ["server/ports/", "sim/core/"], packages: ANY_PACKAGE },
  "property/": { may: ["protocol/", ...SERVER_SIMULATED, "sim/", "property/"], packages: ANY_PACKAGE },

  // load/*.ts: the k6 scripts (on load/lib) and the Node tools beside them (build, cli, probe, flagged sessions).
  // Our server only through the one seam, load/ourServer.ts (EDGE_IMPORTS); the port interfaces as types.
  "load/": { may: ["protocol/", "load/"], typesFrom: ["server/ports/"], packages: ANY_PACKAGE },
  // The soak (Node side, never bundled): speaks the protocol through the event client, judged by the checker.
  "load/soak/": { may: ["protocol/", "load/soak/", "load/ourServer.ts"], typesFrom: ["server/ports/"], packages: ANY_PACKAGE },
  "load/lib/": { may: ["protocol/", "load/lib/"], packages: ["k6"] },
  // The Node runner is a k6 stand-in: it runs any bundle and knows nothing of ours.
  "load/runner/": { may: ["load/runner/"], packages: ANY_PACKAGE },

  "record/": { may: ["protocol/", "server/auth/", "server/adapters/", "server/ports/", "load/*", "record/"], packages: ANY_PACKAGE },
  "report/": { may: ["protocol/", "report/"], packages: ANY_PACKAGE },
  // Browser code: the report's data types and small pure helpers beside it, the protocol's tables, chart.js.
  "report/page/": { may: ["protocol/", "report/*", "report/page/"], packages: ["chart.js"] },
  "bench/": { may: ["protocol/", "server/", "sim/", "property/", "load/", "record/", "report/", "bench/"], packages: ANY_PACKAGE },
  // Bundled into k6 like load/lib.
  "bench/k6/": { may: ["protocol/", "load/lib/", "bench/k6/"], packages: ["k6"] },
};

/**
 * Single imports a CLI edge may make past its room, by file, each with its reason.
 * sim/cli.ts: the one helper that names a new run folder, shared by every command that
 * writes one. load/ourServer.ts: the load side's one seam to our server — it starts it
 * (`npm run load`, `npm run soak`), binds the real clock and timers, signs tokens as the
 * server verifies them and names the run-silence alert a planted stall must fire; no other
 * file of load/ imports server/. The soak's flags and CLI: the CLIs' shared flag parsers
 * and their UsageError (server/cli/parseCliArgs.ts).
 */
const EDGE_IMPORTS: Record<string, readonly string[]> = {
  "sim/cli.ts": ["load/newRunDirectory.ts"],
  "load/ourServer.ts": ["server/createServer.ts", "server/adapters/", "server/auth/", "server/ports/", "server/monitoring/alertConditions.ts"],
  "load/soak/parseSoakArgs.ts": ["server/cli/parseCliArgs.ts"],
  "load/soak/cli.ts": ["server/cli/parseCliArgs.ts"],
};

/** The room a file belongs to: the longest key of {@link ROOMS} its path starts with. */
function roomOf(file: string): string | undefined {
  return Object.keys(ROOMS)
    .filter((key) => file.startsWith(key))
    .sort((left, right) => right.length - left.length)[0];
}

/** Whether `path` is covered by one `may` entry: `x/` a folder, `x/*` a folder's own files, else one file. */
function covers(entry: string, path: string): boolean {
  if (entry.endsWith("/*")) {
    const folder = entry.slice(0, -1);
    return path.startsWith(folder) && !path.slice(folder.length).includes("/");
  }
  return entry.endsWith("/") ? path.startsWith(entry) : path === entry;
}

function packageAllowed(allowed: readonly string[], specifier: string): boolean {
  return allowed.some((name) => name === "*" || (name.endsWith(":") ? specifier.startsWith(name) : specifier === name || specifier.startsWith(`${name}/`)));
}

/** Why `file` may not import `imported`, or undefined when it may. */
function violation(file: string, imported: ModuleImport): string | undefined {
  const key = roomOf(file);
  if (key === undefined) return undefined;
  const room = ROOMS[key] as Room;
  const edge = EDGE_IMPORTS[file] ?? [];
  if (imported.target === undefined) {
    return packageAllowed(room.packages, imported.specifier) ? undefined : `${file} imports package ${imported.specifier} (${key} may import ${room.packages.join(", ") || "no package"})`;
  }
  const target = imported.target;
  if ([...room.may, ...edge].some((entry) => covers(entry, target))) return undefined;
  if (imported.typeOnly && (room.typesFrom ?? []).some((entry) => covers(entry, target))) return undefined;
  return `${file} imports ${target} (${key} may import ${room.may.join(", ")})`;
}

describe("import direction (STYLE rule 13)", () => {
  const graph = readImportGraph(["protocol", "server", "sim", "property", "load", "record", "report", "bench"]);

  it("every source file outside test/ belongs to a room", () => {
    expect([...graph.keys()].filter((file) => roomOf(file) === undefined)).toEqual([]);
    expect(Object.keys(EDGE_IMPORTS).filter((file) => !graph.has(file))).toEqual([]);
  });

  it("every room holds files (a rule for a folder that moved is a rule for nothing: update it and docs/architecture.md)", () => {
    expect(Object.keys(ROOMS).filter((key) => ![...graph.keys()].some((file) => roomOf(file) === key))).toEqual([]);
  });

  for (const key of Object.keys(ROOMS)) {
    it(`${key} imports only what it may`, () => {
      const files = [...graph.keys()].filter((file) => roomOf(file) === key);
      const wrong = files.flatMap((file) => (graph.get(file) ?? []).flatMap((imported) => violation(file, imported) ?? []));
      expect(wrong).toEqual([]);
    });
  }

  it("an _internals/ folder is private to the folder that holds it (tests aside)", () => {
    const wrong = [...graph].flatMap(([file, imports]) =>
      imports.flatMap((imported) => {
        const at = imported.target?.indexOf("/_internals/") ?? -1;
        if (imported.target === undefined || at < 0) return [];
        const owner = imported.target.slice(0, at + 1);
        return file.startsWith(owner) ? [] : [`${file} imports ${imported.target}, private to ${owner}`];
      }),
    );
    expect(wrong).toEqual([]);
  });

  it("the check can fail", () => {
    const value = (target: string): ModuleImport => ({ specifier: `./${target}`, target, typeOnly: false });
    expect(violation("protocol/frames.ts", value("server/manager/createConnectionManager.ts"))).toMatch(/protocol\/frames\.ts imports server\/manager/);
    expect(violation("protocol/checker/checkTrace.ts", { specifier: "zod", target: undefined, typeOnly: false })).toMatch(/package zod/);
    expect(violation("protocol/checker/checkTrace.ts", value("protocol/schemas.ts"))).toBeUndefined();
    expect(violation("protocol/client/index.ts", value("protocol/checker/checkTrace.ts"))).toMatch(/may import protocol\/\*, protocol\/client\//);
    expect(violation("server/manager/planResume.ts", value("server/runtime/createAgentRuntime.ts"))).toBeDefined();
    expect(violation("server/runtime/createAgentRuntime.ts", value("server/manager/createConnectionManager.ts"))).toBeDefined();
    expect(violation("server/runtime/createAgentRuntime.ts", { ...value("server/manager/createConnectionManager.ts"), typeOnly: true })).toBeUndefined();
    expect(violation("sim/runSimulation.ts", value("server/adapters/realClock.ts"))).toBeDefined();
    expect(violation("load/lib/agentSession.ts", { specifier: "node:fs", target: undefined, typeOnly: false })).toBeDefined();
    expect(violation("load/golden-path.ts", value("server/createServer.ts"))).toBeDefined();
    expect(violation("load/cli.ts", value("server/createServer.ts"))).toBeDefined();
    expect(violation("load/ourServer.ts", value("server/createServer.ts"))).toBeUndefined();
    expect(violation("load/soak/runSoak.ts", value("server/createServer.ts"))).toBeDefined();
    expect(violation("load/soak/runSoak.ts", value("load/ourServer.ts"))).toBeUndefined();
    expect(violation("load/soak/runSoak.ts", value("server/ports/clock.ts"))).toBeDefined();
    expect(violation("load/soak/runSoak.ts", { ...value("server/ports/clock.ts"), typeOnly: true })).toBeUndefined();
    expect(violation("report/page/main.ts", value("report/_internals/closeMeaning.ts"))).toBeDefined();
    expect(roomOf("protocol/checker/_internals/runs/x.ts")).toBe("protocol/checker/");
    expect(covers("protocol/*", "protocol/frames.ts")).toBe(true);
    expect(covers("protocol/*", "protocol/client/index.ts")).toBe(false);
  });
});
