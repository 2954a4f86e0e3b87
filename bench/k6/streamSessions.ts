/**
 * The work a k6 VU does per session of the synthetic stream (syntheticStream.ts), with
 * no engine API, so the same code is timed inside k6 (checkerCost.ts) and in Node
 * (bench/k6Section.ts): JSON.parse alone, and JSON.parse plus the checker as a VU runs
 * it (VU_CHECKER_OPTIONS, one checker per session, its finish included).
 */
import { VU_CHECKER_OPTIONS } from "../../protocol/checker/CheckerOptions.ts";
import { createChecker } from "../../protocol/checker/createChecker.ts";

/** Parses every frame of `sessions` sessions; returns a value that depends on them (so no engine skips the work). */
export function parseStreamSessions(frames: readonly string[], sessions: number): number {
  let sink = 0;
  for (let session = 0; session < sessions; session += 1) {
    for (let index = 0; index < frames.length; index += 1) sink += (JSON.parse(frames[index] as string) as { type: string }).type.length;
  }
  return sink;
}

/** Parses and checks every frame of `sessions` sessions. @throws Error when the stream does not pass (it must) */
export function checkStreamSessions(frames: readonly string[], sessions: number): void {
  for (let session = 0; session < sessions; session += 1) {
    const checker = createChecker(VU_CHECKER_OPTIONS);
    checker.connectionOpened({ connectionId: "c1", deviceId: "d1", userId: "u1", atMs: 1 });
    for (let index = 0; index < frames.length; index += 1) {
      checker.serverFrame("c1", JSON.parse(frames[index] as string), { receivedAtMs: 1_700_000_000_000 + index });
    }
    const verdict = checker.finish({ atMs: 1_700_000_000_000 + frames.length, requireRunsComplete: true });
    if (!verdict.ok) throw new Error(`the synthetic stream must pass the checker: ${JSON.stringify(verdict.safety.slice(0, 2))}`);
  }
}
