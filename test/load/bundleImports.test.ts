import { build } from "esbuild";
import { describe, expect, test } from "vitest";
import { k6BundleOptions } from "../../load/build.ts";
import { K6_FLAVOURS } from "../../load/k6Flavours.ts";
import { findUnsupportedImports, formatUnsupportedImports, listK6Imports } from "../../load/runner/bundleImports.ts";

// The import forms k6 scripts use, bundled by esbuild exactly as load/build.ts does.
const SCRIPT = `
import { check, sleep as sleep2 } from "k6";
import exec from "k6/execution";
import * as crypto from "k6/crypto";
import { WebSocket } from "k6/websockets";
import { setTimeout } from "k6/timers";
export default function () {
  sleep2(exec.vu.idInTest + exec.scenario.iterationInTest);
  crypto.hmac("sha256", "k", "d", "hex");
  const text = "import { nope } from 'k6/http'"; // not an import
  setTimeout(() => undefined, 1);
  return check(new WebSocket("ws://x"), { text: () => text.length > 0 });
}
`;

async function bundleSource(source: string, flavourIndex = K6_FLAVOURS.length - 1): Promise<string> {
  const options = k6BundleOptions("script.ts", "script.js", K6_FLAVOURS[flavourIndex]);
  const { entryPoints: _entryPoints, outfile: _outfile, ...rest } = options;
  const result = await build({ ...rest, stdin: { contents: source, loader: "ts", resolveDir: process.cwd(), sourcefile: "script.ts" }, write: false });
  return result.outputFiles?.[0]?.text ?? "";
}

function shapes(source: string): { module: string; names: string[]; memberNames: string[] }[] {
  return listK6Imports(source)
    .map(({ module, names, memberNames }) => ({ module, names, memberNames }))
    .sort((left, right) => left.module.localeCompare(right.module));
}

describe("listK6Imports on esbuild's CommonJS bundles", () => {
  test("lists every k6 module with the exports and default-export members the bundle reads", async () => {
    expect(shapes(await bundleSource(SCRIPT))).toEqual([
      { module: "k6", names: ["check", "sleep"], memberNames: [] },
      { module: "k6/crypto", names: ["hmac"], memberNames: [] },
      { module: "k6/execution", names: [], memberNames: ["scenario", "vu"] },
      { module: "k6/timers", names: [], memberNames: [] },
      { module: "k6/websockets", names: [], memberNames: [] },
    ]);
  });

  test("an older flavour requires the experimental module names", async () => {
    const modules = shapes(await bundleSource(SCRIPT, 0)).map((entry) => entry.module);
    expect(modules).toContain("k6/experimental/websockets");
    expect(modules).toContain("k6/experimental/timers");
    expect(modules).not.toContain("k6/websockets");
  });

  test("finds nothing unsupported in a bundle that only uses implemented APIs, in every flavour", async () => {
    for (let index = 0; index < K6_FLAVOURS.length; index += 1) expect(findUnsupportedImports(listK6Imports(await bundleSource(SCRIPT, index)))).toEqual([]);
  });

  test("reports unknown modules, unknown exports and unknown members of a default import", async () => {
    const source = await bundleSource(
      [
        'import http from "k6/http";',
        'import { Histogram, Counter } from "k6/metrics";',
        'import * as crypto from "k6/crypto";',
        "export default function () { http.get('x'); new Histogram('h'); new Counter('c'); crypto.md4('x', 'hex'); crypto.sha256('x', 'hex'); }",
      ].join("\n"),
    );
    const unsupported = findUnsupportedImports(listK6Imports(source));
    expect(unsupported.map(({ module, names }) => ({ module, names })).sort((left, right) => left.module.localeCompare(right.module))).toEqual([
      { module: "k6/crypto", names: ["md4"] },
      { module: "k6/http", names: [] },
      { module: "k6/metrics", names: ["Histogram"] },
    ]);
    const message = formatUnsupportedImports(unsupported);
    expect(message).toContain('module "k6/http" is not implemented');
    expect(message).toContain('"k6/metrics" has no export "Histogram"');
  });
});
