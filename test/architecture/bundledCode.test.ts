/**
 * What is bundled into k6 scripts or browser pages must run there, through every import
 * chain, not only its direct imports: k6's JavaScript engine and a browser have no Node
 * built-ins, and k6 budgets per-event work in microseconds (STYLE rule 19), so no schema
 * library (zod) may ride into a k6 bundle behind a harmless-looking import.
 */
import { describe, expect, it } from "vitest";
import { readImportGraph, type ImportGraph } from "./readImportGraph.ts";

/** A bundle kind: which files are bundled (entry points and every file they reach) and what none may reach. */
interface BundleRule {
  /** Files bundled: a `x/` folder prefix or an exact path; the k6 scripts are found by their `k6` import. */
  readonly entries: (file: string, graph: ImportGraph) => boolean;
  /** A package or file the bundle must not reach, named in the failure. */
  readonly forbidden: (specifierOrPath: string) => string | undefined;
}

const nodeBuiltin = (specifier: string): string | undefined =>
  specifier.startsWith("node:") || ["fs", "path", "crypto", "util", "os", "child_process", "worker_threads"].includes(specifier) ? "a Node built-in" : undefined;

const importsK6 = (file: string, graph: ImportGraph): boolean => (graph.get(file) ?? []).some((imported) => imported.specifier === "k6" || imported.specifier.startsWith("k6/"));

const RULES: Record<string, BundleRule> = {
  "k6 scripts (load/*.ts with a k6 import, load/lib/, bench/k6/, protocol/checker/, protocol/client/)": {
    entries: (file, graph) =>
      (file.startsWith("load/") && !file.slice("load/".length).includes("/") && importsK6(file, graph)) ||
      ["load/lib/", "bench/k6/", "protocol/checker/", "protocol/client/"].some((folder) => file.startsWith(folder)),
    forbidden: (target) =>
      nodeBuiltin(target) ??
      (target === "zod" || target.startsWith("zod/") ? "zod (use plain validators: protocol/validateFrame.ts)" : undefined) ??
      (target.startsWith("server/") ? "the server" : undefined) ??
      (target.startsWith("load/runner/") ? "the Node runner" : undefined) ??
      (target.startsWith("load/soak/") || target === "load/ourServer.ts" ? "the Node-side soak or the seam to our server" : undefined),
  },
  "browser pages (report/page/, server/viewer/page/)": {
    entries: (file) => file.startsWith("report/page/") || file.startsWith("server/viewer/page/"),
    forbidden: nodeBuiltin,
  },
};

/** For every file and package reachable from `entries` by value imports, the chain that first reaches it (breadth first). */
function reach(graph: ImportGraph, entries: readonly string[]): Map<string, readonly string[]> {
  const chains = new Map<string, readonly string[]>(entries.map((entry) => [entry, [entry]]));
  const queue = [...entries];
  for (let head = 0; head < queue.length; head += 1) {
    const file = queue[head] as string;
    for (const imported of graph.get(file) ?? []) {
      if (imported.typeOnly) continue; // erased by esbuild: never in a bundle
      const next = imported.target ?? imported.specifier;
      if (chains.has(next)) continue;
      chains.set(next, [...(chains.get(file) ?? []), next]);
      if (imported.target !== undefined) queue.push(next);
    }
  }
  return chains;
}

/** The forbidden things `rule`'s bundles reach, each as `why: a.ts → b.ts → zod`. */
function findForbidden(graph: ImportGraph, rule: BundleRule): string[] {
  const entries = [...graph.keys()].filter((file) => rule.entries(file, graph)).sort();
  return [...reach(graph, entries)].flatMap(([reached, chain]) => {
    const why = rule.forbidden(reached);
    return why === undefined ? [] : [`${why}: ${chain.join(" → ")}`];
  });
}

describe("bundled code reaches only what its engine runs", () => {
  const graph = readImportGraph(["protocol", "server", "sim", "property", "load", "record", "report", "bench"]);

  for (const [name, rule] of Object.entries(RULES)) {
    it(`${name} reach no forbidden module`, () => {
      expect([...graph.keys()].filter((file) => rule.entries(file, graph)).length).toBeGreaterThan(3);
      expect(findForbidden(graph, rule)).toEqual([]);
    });
  }

  it("the check follows chains (it can fail)", () => {
    const planted: ImportGraph = new Map([
      ["protocol/checker/checkTrace.ts", [{ specifier: "../readTrace.ts", target: "protocol/readTrace.ts", typeOnly: false }]],
      ["protocol/readTrace.ts", [{ specifier: "./schemas.ts", target: "protocol/schemas.ts", typeOnly: false }]],
      ["protocol/schemas.ts", [{ specifier: "zod", target: undefined, typeOnly: false }]],
    ]);
    expect(findForbidden(planted, RULES[Object.keys(RULES)[0] as string] as BundleRule)).toEqual([
      "zod (use plain validators: protocol/validateFrame.ts): protocol/checker/checkTrace.ts → protocol/readTrace.ts → protocol/schemas.ts → zod",
    ]);
  });
});
