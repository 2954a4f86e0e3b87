import { describe, expect, test } from "vitest";
import { findUnsupportedImports, formatUnsupportedImports, listK6Imports } from "../../load/runner/bundleImports.ts";
import { globalsImport, topLevelBindings } from "../../load/runner/moduleHooks.mjs";

// The shapes esbuild writes for the import forms k6 scripts use.
const BUNDLE = `// test/load/fixtures/x.ts
import { check, sleep as sleep2 } from "k6";
import exec from "k6/execution";
import * as crypto from "k6/crypto";
import { WebSocket } from "k6/websockets";
import "k6/timers";
var z = 1;
function useThem() {
  sleep2(exec.vu.idInTest + exec.scenario.iterationInTest);
  crypto.hmac("sha256", "k", "d", "hex");
  const text = "import { nope } from 'k6/http'"; // not a statement
  return check(new WebSocket("ws://x"), {});
}
`;

describe("listK6Imports", () => {
  test("lists every k6 import with the names and members the bundle uses", () => {
    expect(listK6Imports(BUNDLE).map(({ module, names, memberNames }) => ({ module, names, memberNames }))).toEqual([
      { module: "k6", names: ["check", "sleep"], memberNames: [] },
      { module: "k6/execution", names: ["default"], memberNames: ["scenario", "vu"] },
      { module: "k6/crypto", names: ["*"], memberNames: ["hmac"] },
      { module: "k6/websockets", names: ["WebSocket"], memberNames: [] },
      { module: "k6/timers", names: [], memberNames: [] },
    ]);
  });

  test("finds nothing unsupported in a bundle that only uses implemented APIs", () => {
    expect(findUnsupportedImports(listK6Imports(BUNDLE))).toEqual([]);
  });

  test("reports unknown modules, unknown named exports and unknown members of namespace imports", () => {
    const source = [
      'import http from "k6/http";',
      'import { Histogram, Counter } from "k6/metrics";',
      'import * as crypto from "k6/crypto";',
      "crypto.md4('x', 'hex'); crypto.sha256('x', 'hex');",
      'export { randomSeed } from "k6";',
    ].join("\n");
    const unsupported = findUnsupportedImports(listK6Imports(source));

    expect(unsupported.map(({ module, names }) => ({ module, names }))).toEqual([
      { module: "k6/http", names: [] },
      { module: "k6/metrics", names: ["Histogram"] },
      { module: "k6/crypto", names: ["md4"] },
      { module: "k6", names: ["randomSeed"] },
    ]);
    const message = formatUnsupportedImports(unsupported);
    expect(message).toContain('module "k6/http" is not implemented');
    expect(message).toContain('"k6/metrics" has no export "Histogram"');
  });
});

describe("moduleHooks globals prelude", () => {
  test("knows what a bundle binds at top level", () => {
    const bound = topLevelBindings(`import { setTimeout, x as console } from "k6/timers";\nimport exec, * as all from "k6/execution";\nvar open = 1;\nexport async function handleSummary() {}\n  const __VU = "indented, not top level";`);
    expect([...bound].sort()).toEqual(["all", "console", "exec", "handleSummary", "open", "setTimeout"].sort());
  });

  test("imports on one line only the globals the bundle does not bind itself", () => {
    const line = globalsImport('import { setTimeout, clearTimeout } from "k6/timers";\n', "7.3");
    expect(line).toBe('import { __VU, __ITER, __ENV, setInterval, clearInterval, console, open } from "k6-node-runner:globals?k6vu=7.3";');
  });
});
