/** What each per-run invariant check observes: the run as the device view held it before the event, and the event. */
import type { AgentEvent } from "../../../frames.ts";
import type { RunView } from "../checkerState.ts";

/** See the module comment. Checks never mutate it; applyEventToRun does, afterwards. */
export interface RunCheckInput {
  /** The run before this event; undefined when this is the first event of the run in the view. */
  run: RunView | undefined;
  event: AgentEvent;
  /** Who saw the run, for messages (built only when there is one: see {@link runSubject}). */
  userId: string;
  deviceId: string;
  /** For a run new to the view: the view provably holds every event since the run began. */
  startCovered: boolean;
  /** Why startCovered holds, as a clause for messages ("the device saw every seq since 1 of epoch e-1"). */
  startCoveredBecause: string;
}

/** True when the view holds every event of the run so far, so absence proves something. */
export function isStrict(input: RunCheckInput): boolean {
  return input.run === undefined ? input.startCovered : !input.run.relaxed;
}

/** "user u1 device d1 run r-9", the start of every message of a run check. */
export function runSubject(input: RunCheckInput): string {
  return `user ${input.userId} device ${input.deviceId} run ${input.event.run_id}`;
}
