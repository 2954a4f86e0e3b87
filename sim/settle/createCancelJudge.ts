/**
 * The cancel judge (one instance): each `cancel` the manager hands the runtime is judged by
 * what the simulation saw the runtime play, never by the runtime's own account.
 *
 * - The user's own run, started and not completed when the cancel arrives: the runtime
 *   answers nothing and ends the run at that moment, `agent_completed` with status
 *   `cancelled` (the protocol's cancel).
 * - Any other run id (a run that already completed, as when the user presses cancel just as
 *   the run ends; an unknown id; another user's run): the runtime answers a protocol error
 *   and plays nothing for that run.
 *
 * The checker cannot judge either from the wire: a cancel may be refused for reasons a
 * client cannot see (the run may have ended on the server), so it allows the error and
 * accepts a run that completes normally. With several instances a run lives on one of them
 * and a cancel reaching another is refused rightly, so the cluster is not judged here.
 */
import type { CommandAnswer, ManagerCommand } from "../../server/manager/createConnectionManager.ts";
import type { PlayedEvent, ScriptFidelityFinding } from "./judgeScriptFidelity.ts";

/** What {@link createCancelJudge} returns. */
export interface CancelJudge {
  /** Hands `command` to the runtime through `handle` and judges a cancel by what was played meanwhile; returns the runtime's answer. */
  command(command: ManagerCommand, handle: () => CommandAnswer): CommandAnswer;
  /** Every cancel judged wrong so far, in order. */
  findings(): ScriptFidelityFinding[];
}

/** Creates the judge over `playedByRun`, the events each run played so far (the simulation fills it as the runtime publishes). */
export function createCancelJudge(playedByRun: ReadonlyMap<string, { userId: string; events: readonly PlayedEvent[] }>, scriptNameOf: (runId: string) => string): CancelJudge {
  const findings: ScriptFidelityFinding[] = [];
  return {
    command(command, handle) {
      if (command.frame.type !== "cancel") return handle();
      const runId = command.frame.run_id;
      const played = playedByRun.get(runId);
      const playedBefore = played?.events.length ?? 0;
      const own = played !== undefined && played.userId === command.userId;
      const active = own && played.events.some((event) => event.type === "agent_started") && !played.events.some((event) => event.type === "agent_completed");
      const answer = handle();
      const playedMeanwhile = playedByRun.get(runId)?.events.slice(playedBefore) ?? [];
      const refusal = answer === undefined ? "answered nothing" : `was refused (${answer.error.code}: ${answer.error.message.slice(0, 120)})`;
      const finding = (message: string) => findings.push({ userId: command.userId, runId, script: scriptNameOf(runId), message });
      if (active) {
        const ended = playedMeanwhile.find((event) => event.type === "agent_completed");
        if (answer !== undefined || ended?.status !== "cancelled") {
          finding(`a cancel of ${command.userId}'s own run ${runId}, started and not completed, ${refusal} and ${ended === undefined ? "did not end it" : `ended it ${ended.status ?? "without a status"}`}: it must end the run at once with agent_completed (cancelled)`);
        }
      } else if (answer === undefined || playedMeanwhile.length > 0) {
        const which = played === undefined ? "no run the runtime played" : own ? "a run that had completed already" : `another user's run (${played.userId}'s)`;
        finding(`a cancel from ${command.userId} of ${runId}, ${which}, ${refusal} and played ${playedMeanwhile.length} event(s) for it: it must be refused with a protocol_error and change nothing`);
      }
      return answer;
    },
    findings: () => findings,
  };
}
