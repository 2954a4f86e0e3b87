/**
 * Every k6 script in load/ bundles, and its bundle imports only k6 modules and
 * exports the Node runner implements (so CI, which has no k6 binary, runs exactly
 * what real k6 would), and nothing but k6 is left external.
 */
import { mkdtempSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { bundleK6Script, findK6Scripts } from "../../load/build.ts";
import { findUnsupportedImports, formatUnsupportedImports, listK6Imports } from "../../load/runner/bundleImports.ts";

const loadDirectory = fileURLToPath(new URL("../../load/", import.meta.url));
const outDirectory = mkdtempSync(join(tmpdir(), "k6-scripts-imports-"));

describe("load/*.ts k6 scripts", async () => {
  const { scripts } = await findK6Scripts(loadDirectory);

  test("the four workloads are there, one per file", () => {
    expect(scripts.map((path) => basename(path, ".ts")).sort()).toEqual(["golden-path", "reconnect-storm", "soak", "throughput"]);
  });

  test.each(scripts.map((path) => [basename(path, ".ts"), path]))("%s bundles and imports only what the Node runner supports", async (name, path) => {
    const outfile = join(outDirectory, `${name}.js`);
    await bundleK6Script(path, outfile);
    const source = await readFile(outfile, "utf8");
    const imports = listK6Imports(source);

    const unsupported = findUnsupportedImports(imports);
    expect(unsupported, formatUnsupportedImports(unsupported)).toEqual([]);
    expect(new Set(imports.map((entry) => entry.module))).toEqual(new Set(["k6", "k6/crypto", "k6/encoding", "k6/execution", "k6/metrics", "k6/timers", "k6/websockets"]));
    // Only k6 is external: any other bare import would fail under k6 (no node_modules there).
    const otherImports = [...source.matchAll(/^import\s[^;]*?from\s*["']([^"']+)["']/gm)].map((match) => match[1]).filter((module) => !/^k6(\/|$)/.test(module ?? ""));
    expect(otherImports).toEqual([]);
    expect(source).toMatch(/export\s*\{[^}]*handleSummary/);
  });
});
