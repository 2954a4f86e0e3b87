/**
 * STYLE rule 1, enforced: real time and randomness (`Date.now`, argument-less
 * `new Date()`, `Math.random`, `setTimeout`/`setInterval`/`setImmediate`,
 * `performance.now`, `process.hrtime`, crypto randomness, node:timers) appear in
 * server/ only under server/adapters/. The check walks each file's syntax tree, so
 * comments and strings that merely mention these names do not count.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, test } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SERVER = join(ROOT, "server");
const ALLOWED_DIRECTORY = join(SERVER, "adapters");

const FORBIDDEN_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  Date: ["now"],
  Math: ["random"],
  performance: ["now"],
  process: ["hrtime", "uptime"],
  crypto: ["randomUUID", "randomBytes", "randomInt", "getRandomValues", "randomFillSync", "randomFill"],
};
const FORBIDDEN_IDENTIFIERS = new Set(["setTimeout", "setInterval", "setImmediate", "randomUUID", "randomBytes", "randomInt", "getRandomValues"]);
const FORBIDDEN_MODULES = new Set(["node:timers", "timers", "node:timers/promises", "timers/promises", "node:perf_hooks", "perf_hooks"]);
const CRYPTO_MODULES = new Set(["node:crypto", "crypto"]);

/** Every use of hidden time or randomness in `source`, as `line: text`. */
function findHiddenTime(fileName: string, source: string): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const report = (node: ts.Node) => {
    const line = file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
    found.push(`${line}: ${node.getText(file).slice(0, 80)}`);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression)) {
      const members = FORBIDDEN_MEMBERS[node.expression.text];
      if (members?.includes(node.name.text) === true || node.name.text === "setTimeout" || node.name.text === "setInterval") report(node);
    } else if (ts.isIdentifier(node) && FORBIDDEN_IDENTIFIERS.has(node.text) && !ts.isPropertyAccessExpression(node.parent)) {
      report(node);
    } else if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "Date" && (node.arguments?.length ?? 0) === 0) {
      report(node);
    } else if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const module = node.moduleSpecifier.text;
      if (FORBIDDEN_MODULES.has(module)) report(node);
      if (CRYPTO_MODULES.has(module) && /random|getRandomValues/.test(node.importClause?.getText(file) ?? "")) report(node);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

function typescriptFilesUnder(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => join(entry.parentPath, entry.name));
}

describe("no hidden time or randomness in server/ outside server/adapters/", () => {
  test("the detector catches each form and ignores comments and strings", () => {
    const violations = findHiddenTime(
      "sample.ts",
      [
        "// Date.now() in a comment is fine, and so is 'setTimeout' in a string",
        "const a = Date.now();",
        "const b = Math.random();",
        "setTimeout(() => {}, 1);",
        "const c = new Date();",
        "const d = new Date(5);",
        "const e = performance.now();",
        'import { randomUUID } from "node:crypto";',
        "const f = crypto.randomUUID();",
        "socket.setTimeout(10);",
      ].join("\n"),
    );
    expect(violations.map((violation) => violation.split(":")[0])).toEqual(["2", "3", "4", "5", "7", "8", "8", "9", "10"]);
  });

  test("server/ is clean", () => {
    const files = typescriptFilesUnder(SERVER).filter((file) => !file.startsWith(`${ALLOWED_DIRECTORY}/`));
    expect(files.some((file) => file.includes(`${join("server", "manager")}`))).toBe(true);
    expect(files.some((file) => file.includes(`${join("server", "runtime")}`))).toBe(true);
    const violations = files.flatMap((file) =>
      findHiddenTime(file, readFileSync(file, "utf8")).map((violation) => `${relative(ROOT, file)}:${violation}`),
    );
    expect(violations).toEqual([]);
  });
});
