/**
 * protocol/readTrace.ts, the one trace reader: one validator per line kind the checker
 * reads, line-numbered problems, and the same answer for the checker, the report and
 * the properties, which all read through it.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkTrace } from "../../protocol/checker/checkTrace.ts";
import { isCheckedLine, readTrace, readTraceLine } from "../../protocol/readTrace.ts";
import { readSimTrace } from "../../property/harness/readSimTrace.ts";
import { readTraceLines } from "../../report/readTraceLines.ts";

const OPEN = { t: 1, kind: "open", conn: "d1#1", device: "d1", user: "u1" };

describe("readTraceLine", () => {
  it("returns each valid line as parsed, the checked kinds and every other kind", () => {
    const valid = [
      OPEN,
      { ...OPEN, resume: { epoch: "e-1", last_seq: 0 } },
      { t: 2, kind: "send", conn: "d1#1", frame: { type: "ping" } },
      { t: 3, kind: "recv", conn: "d1#1", frame: { type: "connected" } },
      { t: 3.5, kind: "recv", conn: "d1#1", raw: "{not json" },
      { t: 4, kind: "close", conn: "d1#1", code: 1006 },
      { t: 5, kind: "fault", rule: "drop" },
      { t: 6, kind: "decision", action: "replay" },
    ];
    for (const line of valid) expect(readTraceLine(JSON.stringify(line))).toEqual(line);
    expect(valid.map((line) => isCheckedLine(readTraceLine(JSON.stringify(line)) as never))).toEqual([true, true, true, true, true, true, false, false]);
  });

  it.each([
    ["not json", /^not JSON \(.+\): not json$/],
    ["[1]", /^not a JSON object: \[1\]$/],
    ['{"t":"1","kind":"open"}', /^field t must be a number \(ms\): /],
    ['{"t":1,"kind":7}', /^field kind must be a string: /],
    ['{"t":1,"kind":"send","conn":""}', /^a send line needs a non-empty string conn: /],
    ['{"t":1,"kind":"open","conn":"c","device":"d"}', /^an open line needs non-empty string device and user: /],
    ['{"t":1,"kind":"open","conn":"c","device":"d","user":"u","resume":{"epoch":"e","last_seq":-1}}', /^an open line's resume needs a string epoch and a non-negative integer last_seq: /],
    ['{"t":1,"kind":"send","conn":"c"}', /^a send line needs a frame: /],
    ['{"t":1,"kind":"recv","conn":"c","raw":5}', /^a recv line needs a frame or a raw string: /],
    ['{"t":1,"kind":"close","conn":"c","code":"1000"}', /^a close line needs a numeric code: /],
  ])("names the problem of %s", (text, sentence) => {
    expect(readTraceLine(text)).toMatch(sentence);
  });

  it("quotes at most 80 characters of a bad line", () => {
    const long = `{"t":1,"kind":"send","conn":"c","pad":"${"x".repeat(200)}"}`;
    expect(readTraceLine(long)).toBe(`a send line needs a frame: ${long.slice(0, 80)}…`);
  });
});

describe("readTrace", () => {
  it("numbers lines from 1, counting blank lines, dropping a trailing \\r", () => {
    const text = `${JSON.stringify(OPEN)}\r\n\n   \nnot json\r\n${JSON.stringify({ t: 9, kind: "fault" })}`;
    expect([...readTrace(text)]).toEqual([
      { lineNumber: 1, line: OPEN },
      { lineNumber: 4, problem: expect.stringMatching(/^not JSON \(.+\): not json$/) },
      { lineNumber: 5, line: { t: 9, kind: "fault" } },
    ]);
    expect([...readTrace("")]).toEqual([]);
  });

  it("gives the checker, the report and the properties the same answer about a bad line", async () => {
    const bad = '{"t":2,"kind":"close","conn":"d1#1"}';
    const text = [JSON.stringify(OPEN), "", bad, JSON.stringify({ t: 3, kind: "fault" })].join("\n");
    const sentence = readTraceLine(bad) as string;
    expect(sentence).toBe(`a close line needs a numeric code: ${bad}`);

    expect(checkTrace(text).traceProblems).toEqual([{ lineNumber: 3, message: sentence }]);

    const folder = mkdtempSync(join(tmpdir(), "read-trace-"));
    try {
      writeFileSync(join(folder, "trace.jsonl"), text);
      const report = await readTraceLines(join(folder, "trace.jsonl"));
      if (typeof report === "string") throw new Error(report);
      expect([...report.lines].map((line) => line.kind)).toEqual(["open", "fault"]);
      expect(report.unreadable).toBe(1);
      expect(report.firstProblem).toEqual({ lineNumber: 3, problem: sentence });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }

    expect(() => readSimTrace(text.split("\n").filter((line) => line !== ""))).toThrow(`simulator trace line 2: ${sentence}`);
  });
});
