/**
 * The one close-code table (protocol/closeCodes.ts): codes are unique, every code the
 * server closes with has a meaning (1011, 4401 and 1013 were missing from the report's
 * own list before), and the report's words come from it.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLOSE_CODE_TABLE, CLOSE_CODES, closeCodeInfo, describeCloseCode } from "../../protocol/closeCodes.ts";
import { closeMeaning } from "../../report/_internals/closeMeaning.ts";

function sourceFiles(path: string): string[] {
  if (statSync(path).isFile()) return path.endsWith(".ts") ? [path] : [];
  return readdirSync(path).flatMap((entry) => sourceFiles(join(path, entry)));
}

describe("close codes: one table", () => {
  it("names each code once", () => {
    const codes = Object.values(CLOSE_CODE_TABLE).map((row) => row.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(CLOSE_CODES.slowConsumer).toBe(4409);
    expect(CLOSE_CODES.tryAgainLater).toBe(1013);
  });

  it("gives a meaning to the codes the server sends, and the report prints it", () => {
    for (const code of [1011, 4401, 1013, 4408, 4409, 1001, 1008, 1009]) {
      expect(closeCodeInfo(code)?.meaning, `code ${code}`).toMatch(/\w{4,}/);
      expect(closeMeaning(code)).toBe(describeCloseCode(code));
      expect(closeMeaning(code)).toMatch(new RegExp(`^[^(]*\\w.* \\(${code}\\)$`));
    }
    expect(closeMeaning(4401)).toMatch(/token expired/);
    expect(closeMeaning(3999)).toBe("closed with code 3999");
  });

  it("the server closes only with codes of the table (by name, no bare numbers)", () => {
    const closes = sourceFiles("server").flatMap((file) =>
      [...readFileSync(file, "utf8").matchAll(/\.close\((\d{4})\b/g)].map((match) => `${file}: close(${match[1]})`),
    );
    expect(closes).toEqual([]);
  });
});
