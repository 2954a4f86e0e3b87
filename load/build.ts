/**
 * Bundles every k6 script `load/<name>.ts` into `load/dist/<name>.js` with
 * esbuild, the way grafana/k6-template-typescript does: ES modules, neutral
 * platform, ES2020 (what k6's Sobek runtime runs), `k6` and `k6/*` left as
 * imports for k6 (or the Node runner) to provide, everything else (our
 * protocol code, zod) bundled in.
 *
 * Run: `tsx load/build.ts` (npm run load:build). Exits 1 when a bundle fails.
 * Skipped: `*.test.ts`, `*.d.ts`, this file, `cli.ts`, and any file without a
 * `k6` import (Node-side tools living in load/ are not k6 scripts).
 */
import { build, type BuildOptions } from "esbuild";
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** Files in load/ that are Node programs, never k6 scripts. */
const NODE_ENTRY_FILES = new Set(["build.ts", "cli.ts"]);

/** The esbuild options of one k6 script bundle. */
export function k6BundleOptions(entryPath: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entryPath],
    outfile,
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2020",
    external: ["k6", "k6/*"],
    // The neutral platform has no default main fields; packages without an
    // `exports` map still need to resolve.
    mainFields: ["module", "main"],
    logLevel: "silent",
  };
}

/** Bundles one k6 script; resolves with the output path and its size in bytes. */
export async function bundleK6Script(entryPath: string, outfile: string): Promise<{ outfile: string; bytes: number }> {
  await build(k6BundleOptions(entryPath, outfile));
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
  for (const script of scripts) {
    const outfile = join(distDirectory, `${basename(script, ".ts")}.js`);
    try {
      const { bytes } = await bundleK6Script(script, outfile);
      console.log(`built  ${shown(outfile)}  ${formatBytes(bytes)}`);
    } catch (error) {
      failures += 1;
      console.error(`FAILED ${shown(script)}:\n${describeBuildError(error)}`);
    }
  }
  if (failures > 0) {
    console.error(`load:build: ${failures} of ${scripts.length} bundle(s) failed`);
    process.exitCode = 1;
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
    process.exitCode = 1;
  });
}
