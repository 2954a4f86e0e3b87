/**
 * The server tests' oracles (checkerOracles.ts) can fail: each broken stream below is
 * named by the shared checker, and a well-formed one passes.
 */
import { describe, expect, it } from "vitest";
import { runProblems, seqProblems, type OracleFrame } from "./checkerOracles.ts";

const DATA: Record<string, Record<string, unknown>> = {
  agent_started: { agent_id: "a", agent_type: "t", user_id: "u1", timestamp: 1 },
  agent_thinking: { agent_id: "a", thinking_content: "hm", step_number: 1 },
  tool_executing: { tool_name: "q", tool_args: { k: 1 }, execution_id: "x1" },
  tool_completed: { tool_name: "q", execution_id: "x1", result_summary: "ok", status: "ok" },
  agent_completed: { agent_id: "a", final_response: "done", execution_time: 5, status: "success" },
};

function stream(types: readonly string[], firstSeq = 1): OracleFrame[] {
  return types.map((type, index) => ({ type, seq: firstSeq + index, epoch: "e1", run_id: "r1", user_id: "u1", ts: 1_000 + index, data: DATA[type] }));
}

const GOOD = ["agent_started", "agent_thinking", "tool_executing", "tool_completed", "agent_completed"];

describe("server test oracles are checker calls", () => {
  it("a well-formed run and stream pass", () => {
    expect(runProblems(stream(GOOD))).toEqual([]);
    expect(seqProblems(stream(GOOD, 4), 3)).toEqual([]);
  });

  it("runProblems names a missing start, a tool before thinking, an unpaired tool and a missing completion", () => {
    expect(runProblems(stream(GOOD.slice(1)))).toEqual([expect.stringMatching(/first event is agent_thinking .* not agent_started/)]);
    expect(runProblems(stream(["agent_started", "tool_executing", "tool_completed", "agent_completed"]))).toEqual([
      expect.stringMatching(/no agent_thinking before it/),
    ]);
    expect(runProblems(stream(["agent_started", "agent_thinking", "tool_executing", "agent_completed"]))).toEqual([
      expect.stringMatching(/execution x1 .* had no tool_completed/),
    ]);
    expect(runProblems(stream(GOOD.slice(0, 4)))).toEqual([expect.stringMatching(/never its agent_completed/)]);
  });

  it("seqProblems names a gap, a duplicate and a wrong start", () => {
    const events = stream(GOOD);
    expect(seqProblems([events[0], events[2]] as OracleFrame[], 0)).toEqual([expect.stringMatching(/seq 2 was skipped/)]);
    expect(seqProblems([events[0], events[1], events[1]] as OracleFrame[], 0)).toEqual([expect.stringMatching(/seq 2 arrived twice/)]);
    expect(seqProblems(events, 2)).toContainEqual(expect.stringMatching(/seq 1 .* not owed it/));
  });
});
