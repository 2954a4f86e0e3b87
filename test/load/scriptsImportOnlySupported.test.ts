/**
 * Every k6 script in load/ bundles in every flavour, its bundle imports only k6
 * modules and exports the Node runner implements (so the fallback engine runs exactly
 * what real k6 would) with the flavour's module names, nothing but k6 is left
 * external, and the text is what every k6 engine of the flavour's range parses:
 * CommonJS, no `import`/`export`, no object spread, `?.`, `??` or BigInt.
 */
import { mkdtempSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { bundleK6Script, findK6Scripts } from "../../load/build.ts";
import { K6_FLAVOURS } from "../../load/k6Flavours.ts";
import { findUnsupportedImports, formatUnsupportedImports, listK6Imports } from "../../load/runner/bundleImports.ts";

const loadDirectory = fileURLToPath(new URL("../../load/", import.meta.url));
const outDirectory = mkdtempSync(join(tmpdir(), "k6-scripts-imports-"));

describe("load/*.ts k6 scripts", async () => {
  const { scripts } = await findK6Scripts(loadDirectory);

  test("the four workloads are there, one per file", () => {
    expect(scripts.map((path) => basename(path, ".ts")).sort()).toEqual(["golden-path", "reconnect-storm", "soak", "throughput"]);
  });

  const cases = K6_FLAVOURS.flatMap((flavour) => scripts.map((path) => [basename(path, ".ts"), flavour.name, path, flavour] as const));
  test.each(cases)("%s (%s) bundles for its k6 range and imports only what the Node runner supports", async (name, flavourName, path, flavour) => {
    const outfile = join(outDirectory, flavourName, `${name}.js`);
    await bundleK6Script(path, outfile, { flavour });
    const source = await readFile(outfile, "utf8");
    const imports = listK6Imports(source);

    const unsupported = findUnsupportedImports(imports);
    expect(unsupported, formatUnsupportedImports(unsupported)).toEqual([]);
    const modules = new Set(imports.map((entry) => entry.module));
    expect(modules).toEqual(new Set(["k6", "k6/crypto", "k6/encoding", "k6/execution", "k6/metrics", flavour.moduleNames["k6/timers"], flavour.moduleNames["k6/websockets"]]));
    // Only k6 is external: any other bare require would fail under k6 (no node_modules there).
    const otherRequires = [...source.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((match) => match[1]).filter((module) => !/^k6(\/|$)/.test(module ?? ""));
    expect(otherRequires).toEqual([]);
    expect(source).not.toMatch(/^\s*(import|export)\s/m);
    expect(source).toMatch(/handleSummary: \(\) => handleSummary/);
    // Syntax Babel 6 (k6 before v0.53) and goja reject, and what older engines lack.
    const code = source.replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, "\"\"");
    expect(code).not.toMatch(/\?\.[^\d]/);
    expect(code).not.toMatch(/\?\?/);
    expect(code).not.toMatch(/\{\s*\.\.\./);
    expect(code).not.toMatch(/\bBigInt\b/);
  });
});
