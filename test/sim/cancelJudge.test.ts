/**
 * The cancel judge (sim/settle/createCancelJudge.ts) on stand-in runtimes that do exactly
 * what a test says: quiet when a cancel ends the user's own active run at once and when a
 * cancel of anything else is refused; a finding for each wrong answer. (End to end, by
 * hand: a runtime refusing the cancel of its own active run fails golden-path seed 7; one
 * letting any user cancel any run fails tool-failures seed 4, whose foreign_cancel fault
 * sends such cancels: docs/mutation.md, #1137, #1138.)
 */
import { describe, expect, it } from "vitest";
import type { CommandAnswer, ManagerCommand } from "../../server/manager/createConnectionManager.ts";
import { createCancelJudge } from "../../sim/settle/createCancelJudge.ts";
import type { PlayedEvent } from "../../sim/settle/judgeScriptFidelity.ts";

function world() {
  const playedByRun = new Map<string, { userId: string; events: PlayedEvent[] }>([
    ["r-active", { userId: "u1", events: [{ type: "agent_started", atMs: 0 }, { type: "agent_thinking", atMs: 1 }] }],
    ["r-done", { userId: "u1", events: [{ type: "agent_started", atMs: 0 }, { type: "agent_completed", atMs: 5, status: "completed" }] }],
    ["r-theirs", { userId: "u2", events: [{ type: "agent_started", atMs: 0 }] }],
  ]);
  const judge = createCancelJudge(playedByRun, () => "quick");
  const cancel = (runId: string): ManagerCommand => ({ userId: "u1", connectionId: "c-1", frame: { type: "cancel", run_id: runId } });
  const refuse = (): CommandAnswer => ({ error: { code: "bad_field", message: "run_id: no active run" } });
  const end = (runId: string, status: string) => (): CommandAnswer => {
    playedByRun.get(runId)?.events.push({ type: "agent_completed", atMs: 9, status });
    return undefined;
  };
  const messages = () => judge.findings().map((finding) => finding.message);
  return { judge, cancel, refuse, end, messages };
}

describe("the cancel judge", () => {
  it("is quiet when the own active run ends cancelled at once and every other cancel is refused", () => {
    const { judge, cancel, refuse, end, messages } = world();
    expect(judge.command(cancel("r-active"), end("r-active", "cancelled"))).toBeUndefined();
    expect(judge.command(cancel("r-done"), refuse)).toEqual(refuse());
    expect(judge.command(cancel("r-theirs"), refuse)).toEqual(refuse());
    expect(judge.command(cancel("r-never"), refuse)).toEqual(refuse());
    // start_agent is not its business.
    expect(judge.command({ userId: "u1", connectionId: "c-1", frame: { type: "start_agent", request_id: "q", agent_type: "t", message: "m" } }, refuse)).toEqual(refuse());
    expect(messages()).toEqual([]);
  });

  it("finds a cancel of the own active run that is refused, or that ends it otherwise", () => {
    const { judge, cancel, refuse, end, messages } = world();
    judge.command(cancel("r-active"), refuse);
    judge.command(cancel("r-active"), end("r-active", "completed"));
    expect(messages()).toEqual([
      'a cancel of u1\'s own run r-active, started and not completed, was refused (bad_field: run_id: no active run) and did not end it: it must end the run at once with agent_completed (cancelled)',
      "a cancel of u1's own run r-active, started and not completed, answered nothing and ended it completed: it must end the run at once with agent_completed (cancelled)",
    ]);
  });

  it("finds a cancel of a completed, foreign or unknown run that is accepted or plays anything", () => {
    const { judge, cancel, end, messages } = world();
    judge.command(cancel("r-done"), () => undefined);
    judge.command(cancel("r-theirs"), end("r-theirs", "cancelled"));
    judge.command(cancel("r-never"), () => undefined);
    expect(messages()).toEqual([
      "a cancel from u1 of r-done, a run that had completed already, answered nothing and played 0 event(s) for it: it must be refused with a protocol_error and change nothing",
      "a cancel from u1 of r-theirs, another user's run (u2's), answered nothing and played 1 event(s) for it: it must be refused with a protocol_error and change nothing",
      "a cancel from u1 of r-never, no run the runtime played, answered nothing and played 0 event(s) for it: it must be refused with a protocol_error and change nothing",
    ]);
  });
});
