/**
 * docs/protocol.md invariant 6: with many users (2 to 5) and many devices each (1 to 3), a
 * connection only ever receives events of its own authenticated user, live or replayed,
 * across drops, resumes, storms and restarts.
 */
import { simCaseArbitrary } from "../arbitraries/simCaseArbitrary.ts";
import { defineSimProperty } from "../harness/defineSimProperty.ts";
import { violationsFailure } from "../harness/violationsFailure.ts";

/** See the module comment. */
export const isolationProperty = defineSimProperty({
  name: "isolation",
  guards: "docs/protocol.md invariant 6: a connection receives only its own user's events, with 2-5 users of 1-3 devices each",
  invariants: [6],
  defaultRuns: 80,
  catches: ["cross-user-leak"],
  exercisedShareMin: 0.9,
  arbitrary: simCaseArbitrary({ name: "isolation", usersMin: 2, usersMax: 5, devicesMax: 3, runsPerUserMax: 2, scriptsMax: 2, faultsMax: 6 }),
  judge: (run) => ({
    failure: violationsFailure(run.result, ["isolation"]),
    exercised: run.result.totals.users >= 2 && (run.result.verdict?.counts.events ?? 0) > 0,
  }),
});
