/**
 * Properties over random losses and reconnects of one device: a correct replay always
 * passes; any silent loss is always caught, and only as order (7) or completeness (8),
 * never as a false run-invariant finding.
 */
import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { Script, Stream } from "./checkerFixtures.ts";

function threeRuns(): Stream {
  const stream = new Stream("u1", "e-1");
  for (let run = 1; run <= 3; run += 1) stream.goldenRun(`r-${run}`);
  return stream;
}

describe("checker properties", () => {
  test.prop([fc.array(fc.integer({ min: 1, max: 17 }), { maxLength: 4 })], { numRuns: 100, seed: 42 })(
    "a device that drops at any points and resumes from what it held passes",
    (dropAfterSeqs) => {
      const stream = threeRuns();
      const script = new Script();
      const cuts = new Set(dropAfterSeqs);
      let connection = 1;
      let held = 0;
      script.connect(`d1#${connection}`, { device: "d1", user: "u1", epoch: "e-1", lastSeq: 0 });
      for (const event of stream.emitted) {
        script.recv(`d1#${connection}`, event);
        held = event.seq;
        if (cuts.has(event.seq)) {
          script.close(`d1#${connection}`, 1006);
          connection += 1;
          script.connect(`d1#${connection}`, { device: "d1", user: "u1", epoch: "e-1", lastSeq: held, resume: { epoch: "e-1", last_seq: held } });
        }
      }
      const { verdict } = script.check({ requireRunsComplete: true, emitted: stream.emittedLog() });
      expect(verdict.safety.concat(verdict.liveness)).toEqual([]);
    },
  );

  test.prop([fc.uniqueArray(fc.integer({ min: 1, max: 18 }), { minLength: 1, maxLength: 6 })], { numRuns: 100, seed: 7 })(
    "any silent loss is caught, as order or completeness only",
    (lostSeqs) => {
      const stream = threeRuns();
      const lost = new Set(lostSeqs);
      const script = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 0 });
      script.recvAll("d1#1", stream.emitted.filter((event) => !lost.has(event.seq)));
      const { verdict } = script.check({ requireRunsComplete: true, emitted: stream.emittedLog() });
      expect(verdict.ok).toBe(false);
      const invariants = new Set(verdict.safety.concat(verdict.liveness).map((violation) => violation.invariant));
      expect([...invariants].every((invariant) => invariant === "order_exactly_once" || invariant === "completeness")).toBe(true);
    },
  );
});
