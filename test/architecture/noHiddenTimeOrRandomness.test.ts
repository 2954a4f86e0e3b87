/**
 * STYLE rule 1, enforced: time, timers and randomness reach the manager, the runtime,
 * the protocol code and the simulator only through injected ports. The real-world
 * bindings live in server/adapters/ and are the only place these may appear.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const FORBIDDEN: Array<{ name: string; pattern: RegExp }> = [
  { name: "Date.now", pattern: /\bDate\.now\s*\(/ },
  { name: "new Date() without an argument", pattern: /\bnew\s+Date\s*\(\s*\)/ },
  { name: "Math.random", pattern: /\bMath\.random\s*\(/ },
  { name: "setTimeout", pattern: /\bsetTimeout\s*\(/ },
  { name: "setInterval", pattern: /\bsetInterval\s*\(/ },
  { name: "setImmediate", pattern: /\bsetImmediate\s*\(/ },
  { name: "performance.now", pattern: /\bperformance\.now\s*\(/ },
  { name: "process.hrtime", pattern: /\bprocess\.hrtime\b/ },
  { name: "crypto.random*", pattern: /\b(crypto\.)?random(UUID|Bytes|Int|Fill)\s*\(/ },
  { name: "getRandomValues", pattern: /\bgetRandomValues\s*\(/ },
];

/** Folders whose code must be deterministic. */
const GUARDED = ["server/manager", "server/runtime", "server/ports", "protocol", "sim"];

/**
 * The simulator's command-line edge, which measures wall time for its own display
 * (seeds/s, progress) and never hands it to a simulation.
 */
const REAL_WORLD_EDGE = new Set(["sim/cli.ts", "sim/report/createProgress.ts"]);

function sourceFiles(path: string): string[] {
  if (statSync(path).isFile()) return path.endsWith(".ts") ? [path] : [];
  return readdirSync(path).flatMap((entry) => sourceFiles(join(path, entry)));
}

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
}

describe("no hidden time or randomness (STYLE rule 1)", () => {
  const files = GUARDED.flatMap(sourceFiles).filter((file) => !REAL_WORLD_EDGE.has(file));

  it("guards a real set of files", () => {
    expect(files.length).toBeGreaterThan(20);
    expect(files).toContain("server/manager/createConnectionManager.ts");
    expect(files).toContain("server/runtime/createAgentRuntime.ts");
    expect(files).toContain("sim/createSimHost.ts");
    expect(files).toContain("sim/settle/driveUntilSettled.ts");
  });

  it.each(files)("%s uses only injected ports", (file) => {
    const code = stripComments(readFileSync(file, "utf8"));
    const found = FORBIDDEN.filter(({ pattern }) => pattern.test(code)).map(({ name }) => name);
    expect(found, `${file} calls ${found.join(", ")}; take time, timers and randomness from the injected ports instead`).toEqual([]);
  });

  it("detects a violation (the check can fail)", () => {
    const planted = stripComments("const t = Date.now(); // fine in a comment: Math.random()\nsetTimeout(() => {}, 1);");
    const found = FORBIDDEN.filter(({ pattern }) => pattern.test(planted)).map(({ name }) => name);
    expect(found).toEqual(["Date.now", "setTimeout"]);
  });
});
