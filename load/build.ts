/**
 * Bundles every k6 script `load/<name>.ts` into `load/dist/<flavour>/<name>.js`, one
 * bundle per k6 flavour (load/k6Flavours.ts), with esbuild, the way
 * grafana/k6-template-typescript does: **CommonJS** (no k6 version sends it through
 * Babel), ES2017 syntax (object spread, `?.` and `??` lowered: k6 before v0.53 runs
 * ES modules through Babel 6, which rejects them), `k6` and `k6/*` left to k6 (or
 * the Node runner) to provide, everything else (our protocol code) bundled in. The
 * two module names that moved between k6 versions are the flavour's; requiring one
 * that the running k6 lacks fails with a sentence naming the right flavour.
 *
 * Run: `tsx load/build.ts` (npm run load:build). Exits 1 when a bundle fails.
 * Skipped: `*.test.ts`, `*.d.ts`, this file, Node programs, and any file without a
 * `k6` import (Node-side tools living in load/ are not k6 scripts).
 */
import { build, type BuildOptions, type Plugin } from "esbuild";
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describeFlavourRange, K6_FLAVOURS, NEWEST_FLAVOUR, type K6Flavour } from "./k6Flavours.ts";
import { EXIT_CODES } from "../protocol/exitCodes.ts";

/** Files in load/ that are Node programs, never k6 scripts. */
const NODE_ENTRY_FILES = new Set(["build.ts", "cli.ts", "k6Flavours.ts"]);

/** The syntax level of every bundle: what goja (k6 before v0.52) parses without Babel. */
export const K6_BUNDLE_TARGET = "es2017";

/**
 * An esbuild plugin giving `k6/websockets` and `k6/timers` the flavour's names, each
 * through a small CommonJS module that turns k6's "unknown module" into a sentence
 * naming the flavour and its k6 range.
 */
function flavourModules(flavour: K6Flavour): Plugin {
  const namespace = "k6-flavour";
  return {
    name: "k6-flavour-modules",
    setup(esbuild) {
      esbuild.onResolve({ filter: /^k6\/(websockets|timers)$/ }, (args) =>
        // The flavour module's own require of the real name stays k6's to provide.
        args.namespace === namespace ? { path: args.path, external: true } : { path: args.path, namespace },
      );
      esbuild.onLoad({ filter: /.*/, namespace }, (args) => {
        const actual = flavour.moduleNames[args.path as keyof K6Flavour["moduleNames"]];
        const problem =
          `this bundle is the ${flavour.name} flavour, for ${describeFlavourRange(flavour)}, and needs the k6 module ${actual}, ` +
          `which this k6 does not have: run the flavour for your k6 (npm run load picks it; see load/k6Flavours.ts)`;
        return {
          contents: `var loaded;\ntry { loaded = require(${JSON.stringify(actual)}); } catch (error) { throw new Error(${JSON.stringify(problem)} + " (" + error + ")"); }\nmodule.exports = loaded;\n`,
          loader: "js",
        };
      });
    },
  };
}

/** The esbuild options of one k6 script bundle of `flavour` (default: the newest). */
export function k6BundleOptions(entryPath: string, outfile: string, flavour: K6Flavour = NEWEST_FLAVOUR): BuildOptions {
  return {
    entryPoints: [entryPath],
    outfile,
    bundle: true,
    format: "cjs",
    platform: "neutral",
    target: K6_BUNDLE_TARGET,
    external: ["k6", "k6/*"],
    plugins: [flavourModules(flavour)],
    // The neutral platform has no default main fields; packages without an
    // `exports` map still need to resolve.
    mainFields: ["module", "main"],
    banner: { js: `// ${basename(entryPath)} bundled for ${describeFlavourRange(flavour)} (flavour ${flavour.name}) by load/build.ts` },
    logLevel: "silent",
  };
}

/** Bundles one k6 script; resolves with the output path and its size in bytes. */
export async function bundleK6Script(
  entryPath: string,
  outfile: string,
  options: { flavour?: K6Flavour } = {},
): Promise<{ outfile: string; bytes: number }> {
  await build(k6BundleOptions(entryPath, outfile, options.flavour));
  return { outfile, bytes: (await stat(outfile)).size };
}

/** The k6 scripts directly in `loadDirectory`, sorted, and the files skipped with the reason. */
export async function findK6Scripts(loadDirectory: string): Promise<{ scripts: string[]; skipped: { path: string; reason: string }[] }> {
  const scripts: string[] = [];
  const skipped: { path: string; reason: string }[] = [];
  const entries = await readdir(loadDirectory, { withFileTypes: true });
  for (const entry of entries.sort((left, right) => left.name.localeCompare(right.name))) {
    if (!entry.isFile() || !entry.name.endsWith(".ts")) continue;
    if (entry.name.endsWith(".test.ts") || entry.name.endsWith(".d.ts") || NODE_ENTRY_FILES.has(entry.name)) continue;
    const path = join(loadDirectory, entry.name);
    if (!/^\s*import\s[^;]*?["']k6(?:\/[^"']*)?["']/m.test(await readFile(path, "utf8"))) {
      skipped.push({ path, reason: "no k6 import" });
      continue;
    }
    scripts.push(path);
  }
  return { scripts, skipped };
}

async function main(): Promise<void> {
  const loadDirectory = fileURLToPath(new URL(".", import.meta.url));
  const distDirectory = join(loadDirectory, "dist");
  const shown = (path: string) => relative(process.cwd(), path) || path;
  const { scripts, skipped } = await findK6Scripts(loadDirectory);
  for (const entry of skipped) console.log(`skip   ${shown(entry.path)} (${entry.reason})`);
  if (scripts.length === 0) console.log(`no k6 scripts found in ${shown(loadDirectory)}`);
  let failures = 0;
  for (const flavour of K6_FLAVOURS) {
    for (const script of scripts) {
      const outfile = join(distDirectory, flavour.name, `${basename(script, ".ts")}.js`);
      try {
        const { bytes } = await bundleK6Script(script, outfile, { flavour });
        console.log(`built  ${shown(outfile)}  ${formatBytes(bytes)}`);
      } catch (error) {
        failures += 1;
        console.error(`FAILED ${shown(script)} (${flavour.name}):\n${describeBuildError(error)}`);
      }
    }
  }
  if (failures > 0) {
    console.error(`load:build: ${failures} of ${scripts.length * K6_FLAVOURS.length} bundle(s) failed`);
    process.exitCode = EXIT_CODES.failure;
  }
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${bytes} B`;
}

function describeBuildError(error: unknown): string {
  const messages = (error as { errors?: { text: string; location?: { file: string; line: number; column: number } | null }[] }).errors;
  if (messages === undefined || messages.length === 0) return `  ${String(error)}`;
  return messages
    .map((message) => (message.location ? `  ${message.location.file}:${message.location.line}:${message.location.column}: ${message.text}` : `  ${message.text}`))
    .join("\n");
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(`load:build failed: ${(error as Error).stack ?? String(error)}`);
    process.exitCode = EXIT_CODES.failure;
  });
}
