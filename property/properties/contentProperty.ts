/**
 * docs/protocol.md invariant 5: every frame a client receives is a known type with every
 * required field present and non-empty (the table of docs/protocol.md), for every event type
 * the runtime can emit: successes, tool errors and timeouts, cancels, replays.
 */
import { simCaseArbitrary } from "../arbitraries/simCaseArbitrary.ts";
import { defineSimProperty } from "../harness/defineSimProperty.ts";
import { violationsFailure } from "../harness/violationsFailure.ts";

/** See the module comment. */
export const contentProperty = defineSimProperty({
  name: "content",
  guards: "docs/protocol.md invariant 5: every received frame has every required field present and non-empty",
  invariants: [5],
  defaultRuns: 100,
  catches: ["empty-final-response-on-cancel"],
  exercisedShareMin: 0.9,
  arbitrary: simCaseArbitrary({ name: "content", usersMax: 2, devicesMax: 2, runsPerUserMax: 3, scriptsMax: 2 }),
  judge: (run) => ({
    failure: violationsFailure(run.result, ["content"]),
    exercised: (run.result.verdict?.counts.events ?? 0) > 0,
  }),
});
