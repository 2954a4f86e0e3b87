/**
 * Bundles the live viewer's browser side (page/main.ts with protocol/client) into one
 * script with esbuild, when `npm run serve -- --dev` starts: no build step before serve,
 * no CDN, nothing fetched by the page but its WebSocket.
 */
import { fileURLToPath } from "node:url";

const PAGE_ENTRY = fileURLToPath(new URL("./page/main.ts", import.meta.url));

/** The page's script: an IIFE for browsers from 2020 on. esbuild is loaded only when called (dev only). */
export async function bundleViewerPage(): Promise<string> {
  const { build } = await import("esbuild");
  const result = await build({
    entryPoints: [PAGE_ENTRY],
    bundle: true,
    write: false,
    format: "iife",
    platform: "browser",
    target: ["es2020"],
    minify: true,
    logLevel: "silent",
  });
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error("bundleViewerPage: esbuild produced no output");
  return output.text;
}
