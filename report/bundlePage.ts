/**
 * Bundles the browser side of the report (report/page/main.ts with chart.js) into
 * one script with esbuild, at report time, so the page needs no network and no
 * build step has to run before `npm run report`.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const PAGE_ENTRY = fileURLToPath(new URL("./page/main.ts", import.meta.url));
const PAGE_STYLES = fileURLToPath(new URL("./page/styles.css", import.meta.url));

/** The page's script (an IIFE, minified) and its stylesheet. */
export async function bundlePage(): Promise<{ script: string; styles: string }> {
  const result = await build({
    entryPoints: [PAGE_ENTRY],
    bundle: true,
    write: false,
    format: "iife",
    platform: "browser",
    target: ["es2020"],
    minify: true,
    legalComments: "inline",
    logLevel: "silent",
  });
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error("bundlePage: esbuild produced no output");
  return { script: output.text, styles: await readFile(PAGE_STYLES, "utf8") };
}
