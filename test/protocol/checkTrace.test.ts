/** checkTrace: JSONL traces (protocol/trace.ts) re-checked, bad lines reported by number. */
import { describe, expect, it } from "vitest";
import { checkTrace } from "../../protocol/checker/checkTrace.ts";
import { kindsOf, Script, startAgent, Stream } from "./checkerFixtures.ts";

function goldenTrace(): { script: Script; stream: Stream } {
  const stream = new Stream("u1", "e-1");
  const script = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 0 });
  script.send("d1#1", startAgent("q-1"), stream.nowMs + 40);
  script.recvAll("d1#1", stream.goldenRun("r-1"));
  return { script, stream };
}

describe("checkTrace", () => {
  it("passes a golden trace, ignoring kinds it does not read", () => {
    const { script } = goldenTrace();
    const lines = script.jsonl().split("\n");
    lines.splice(2, 0, JSON.stringify({ t: 3, kind: "fault", rule: "delay", ms: 20 }));
    const verdict = checkTrace(`${lines.join("\n")}\n`, { requireRunsComplete: true });
    expect(verdict.ok).toBe(true);
    expect(verdict.traceProblems).toEqual([]);
    expect(verdict.lines).toEqual({ total: 10, checked: 9, ignored: 1, unreadable: 0 });
    expect(verdict.counts.events).toBe(6);
  });

  it("reports a bad line with its number, keeps checking, and does not pass an unreadable trace", () => {
    const { script } = goldenTrace();
    const lines = script.jsonl().split("\n");
    lines.splice(3, 0, '{"t": 9, "kind": "recv", "conn": "d1#1", "frame": {"type": ');
    lines.splice(5, 0, JSON.stringify({ t: 10, kind: "open", conn: "x#1", device: "x" }));
    const verdict = checkTrace(lines.join("\r\n"));
    expect(verdict.traceProblems.map((problem) => problem.lineNumber)).toEqual([4, 6]);
    expect(verdict.traceProblems[0]?.message).toMatch(/^not JSON/);
    expect(verdict.traceProblems[1]?.message).toMatch(/^an open line needs non-empty string device and user/);
    expect(verdict.safety).toEqual([]);
    expect(verdict.counts.events).toBe(6);
    expect(verdict.ok).toBe(false);
  });

  it("flags what the trace shows, including a frame the client could not parse", () => {
    const { script } = goldenTrace();
    const lines = script.jsonl().split("\n");
    lines.push(JSON.stringify({ t: 5_000, kind: "recv", conn: "d1#1", raw: "{not json" }));
    lines.push(lines[4] as string);
    const verdict = checkTrace(lines.join("\n"));
    expect(kindsOf([...verdict.safety, ...verdict.liveness])).toEqual(["content/not_an_object", "order_exactly_once/duplicate"]);
    expect(verdict.safety[0]?.message).toBe(
      'user u1 connection d1#1: received a frame that is not a JSON object ("{not json") that breaks the protocol (frame: must be a JSON object).',
    );
  });

  it("reads resume from open lines", () => {
    const stream = new Stream("u1", "e-1");
    const run = stream.goldenRun("r-1");
    const script = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 0 }).recvAll("d1#1", run.slice(0, 2)).close("d1#1", 1006);
    script.connect("d1#2", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 6, resume: { epoch: "e-1", last_seq: 2 } }).recvAll("d1#2", run.slice(2));
    expect(checkTrace(script.jsonl(), { requireRunsComplete: true, emitted: stream.emittedLog() }).ok).toBe(true);
    const skipped = script.jsonl().replace('"last_seq":2}', '"last_seq":0}');
    expect(kindsOf(checkTrace(skipped).safety)).toEqual(["order_exactly_once/gap"]);
  });
});
