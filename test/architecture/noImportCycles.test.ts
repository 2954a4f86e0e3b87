/**
 * No import cycles anywhere in the repository's own TypeScript, type-only imports
 * included: a cycle makes load order matter, hides which module owns a type, and turns
 * "move this file" into "move these files together". Fix one by moving the shared type
 * to the module that owns it (or to a file of its own both sides import).
 */
import { describe, expect, it } from "vitest";
import { findImportCycles, formatCycle, type DependencyEdges } from "./findImportCycles.ts";
import { importsOfSource, readImportGraph } from "./readImportGraph.ts";

/** Every folder holding the project's own `.ts` files. */
const ROOTS = ["protocol", "server", "sim", "property", "load", "record", "report", "bench", "test", "vitest.config.ts", "vitest.deep.config.ts"];

describe("no import cycles", () => {
  const graph = readImportGraph(ROOTS);
  const edges: DependencyEdges = new Map(
    [...graph].map(([file, imports]) => [file, imports.flatMap((imported) => (imported.target === undefined ? [] : [imported.target]))]),
  );

  it("reads the whole repository, and every relative import names a file that exists", () => {
    expect(graph.size).toBeGreaterThan(300);
    for (const folder of ["protocol/checker/", "server/manager/", "sim/core/", "load/lib/", "report/page/", "bench/", "test/"]) {
      expect([...graph.keys()].some((file) => file.startsWith(folder)), folder).toBe(true);
    }
    const dangling = [...graph].flatMap(([file, imports]) =>
      imports.filter((imported) => imported.target !== undefined && !graph.has(imported.target) && imported.target.endsWith(".ts")).map((imported) => `${file} imports ${imported.specifier}`),
    );
    expect(dangling).toEqual([]);
  });

  it("the repository's import graph has no cycle", () => {
    expect(findImportCycles(edges).map(formatCycle)).toEqual([]);
  });

  it("the cycle finder finds cycles (the check can fail)", () => {
    const synthetic: DependencyEdges = new Map([
      ["a.ts", ["b.ts", "d.ts"]],
      ["b.ts", ["c.ts"]],
      ["c.ts", ["a.ts", "outside.ts"]],
      ["d.ts", []],
      ["e.ts", ["e.ts"]],
      ["f.ts", ["g.ts", "a.ts"]],
      ["g.ts", ["f.ts"]],
    ]);
    expect(findImportCycles(synthetic).map(formatCycle)).toEqual(["a.ts → b.ts → c.ts → a.ts", "e.ts → e.ts", "f.ts → g.ts → f.ts"]);
    expect(findImportCycles(new Map([["a.ts", ["b.ts"]], ["b.ts", ["c.ts"]], ["c.ts", []]]))).toEqual([]);
  });

  it("type-only imports are edges too (the two cycles this test was written for were type-only)", () => {
    const imports = importsOfSource("server/manager/planResume.ts", 'import type { ResumeRequest } from "./createConnectionManager.ts";\nexport { x } from "../../protocol/frames.ts";\nconst later = import("./late.ts");');
    expect(imports).toEqual([
      { specifier: "./createConnectionManager.ts", target: "server/manager/createConnectionManager.ts", typeOnly: true },
      { specifier: "../../protocol/frames.ts", target: "protocol/frames.ts", typeOnly: false },
      { specifier: "./late.ts", target: "server/manager/late.ts", typeOnly: false },
    ]);
  });
});
