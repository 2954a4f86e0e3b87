/**
 * STYLE rule 13, enforced: dependencies point one way. The protocol (types, validation,
 * checkers) depends on nothing of ours and no Node API, so it runs anywhere, k6
 * included; the system under test (server/) depends only on the protocol; the
 * simulator and properties sit on both; CLIs, load scripts and reports on top.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { describe, expect, it } from "vitest";

function sourceFiles(path: string): string[] {
  if (statSync(path).isFile()) return path.endsWith(".ts") ? [path] : [];
  return readdirSync(path).flatMap((entry) => sourceFiles(join(path, entry)));
}

function importsOf(file: string): string[] {
  const code = readFileSync(file, "utf8");
  return [...code.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']/gm)].map((match) => match[1] as string);
}

function topFolder(file: string, specifier: string): string {
  if (!specifier.startsWith(".")) return `package:${specifier}`;
  return normalize(join(dirname(file), specifier)).split("/")[0] as string;
}

/** Which top-level folders (and packages) each layer may import. */
const ALLOWED: Record<string, (target: string) => boolean> = {
  protocol: (target) => target === "protocol" || target === "package:zod",
  server: (target) => target === "protocol" || target === "server" || target.startsWith("package:"),
  sim: (target) => ["protocol", "server", "sim"].includes(target) || target.startsWith("package:"),
  property: (target) => ["protocol", "server", "sim", "property"].includes(target) || target.startsWith("package:"),
  report: (target) => ["protocol", "report"].includes(target) || target.startsWith("package:"),
  record: (target) => ["protocol", "server", "load", "record"].includes(target) || target.startsWith("package:"),
};

/**
 * Single imports a CLI edge may make past its layer, by file: the one helper that names a new
 * run folder (load/newRunDirectory.ts), shared by every command that writes one, so that
 * sweeps, load runs and recordings name their folders the same way.
 */
const EDGE_IMPORTS: Record<string, readonly string[]> = {
  "sim/cli.ts": ["../load/newRunDirectory.ts"],
};

describe("import direction (STYLE rule 13)", () => {
  for (const [layer, allowed] of Object.entries(ALLOWED)) {
    const files = statSync(layer, { throwIfNoEntry: false }) === undefined ? [] : sourceFiles(layer);
    it(`${layer}/ imports only what it may`, () => {
      const wrong = files.flatMap((file) =>
        importsOf(file)
          .filter((specifier) => !allowed(topFolder(file, specifier)) && !(EDGE_IMPORTS[file] ?? []).includes(specifier))
          .map((specifier) => `${file} imports ${specifier}`),
      );
      expect(wrong).toEqual([]);
    });
  }

  it("the protocol layer imports no Node built-in (it is bundled into k6)", () => {
    const nodeImports = sourceFiles("protocol").flatMap((file) => importsOf(file).filter((specifier) => specifier.startsWith("node:") || ["fs", "path", "crypto", "util"].includes(specifier)).map((specifier) => `${file} imports ${specifier}`));
    expect(nodeImports).toEqual([]);
  });

  it("the client library (protocol/client/) imports only the protocol, not zod (it is bundled into browsers and k6)", () => {
    const wrong = sourceFiles("protocol/client").flatMap((file) =>
      importsOf(file).filter((specifier) => !specifier.startsWith(".") || topFolder(file, specifier) !== "protocol").map((specifier) => `${file} imports ${specifier}`),
    );
    expect(wrong).toEqual([]);
  });

  it("the check can fail", () => {
    expect((ALLOWED.protocol as (target: string) => boolean)("server")).toBe(false);
    expect(topFolder("protocol/checker/x.ts", "../../server/manager/y.ts")).toBe("server");
  });
});
