/**
 * The work a k6 VU does per session of the synthetic stream (syntheticStream.ts), with
 * no engine API, so the same code is timed inside k6 (checkerCost.ts) and in Node
 * (bench/k6Section.ts): JSON.parse alone, and JSON.parse plus the checker as a VU runs
 * it (VU_CHECKER_OPTIONS, one checker per session, its finish included): the lazy
 * checker, which stays quiet on this healthy stream, or the full checker, which is what
 * a session pays once its lazy checker engaged.
 */
import type { Checker } from "../../protocol/checker/Checker.ts";
import { VU_CHECKER_OPTIONS } from "../../protocol/checker/CheckerOptions.ts";
import { createChecker } from "../../protocol/checker/createChecker.ts";
import { createLazyChecker } from "../../protocol/checker/createLazyChecker.ts";

/** Which checker a session runs: the VU's (lazy, quiet here) or the full one (an engaged session). */
export type SessionChecker = "lazy" | "full";

/** Parses every frame of `sessions` sessions; returns a value that depends on them (so no engine skips the work). */
export function parseStreamSessions(frames: readonly string[], sessions: number): number {
  let sink = 0;
  for (let session = 0; session < sessions; session += 1) {
    for (let index = 0; index < frames.length; index += 1) sink += (JSON.parse(frames[index] as string) as { type: string }).type.length;
  }
  return sink;
}

/** Parses and checks every frame of `sessions` sessions with `which` checker. @throws Error when the stream does not pass (it must), or a lazy checker engaged */
export function checkStreamSessions(frames: readonly string[], options: { sessions: number; checker: SessionChecker }): void {
  const { sessions, checker: which } = options;
  // Reused for every frame, as the VU does (load/lib/agentSession.ts).
  const receivedOptions = { receivedAtMs: 0 };
  for (let session = 0; session < sessions; session += 1) {
    const lazy = which === "lazy" ? createLazyChecker(VU_CHECKER_OPTIONS) : undefined;
    const checker: Checker = lazy ?? createChecker(VU_CHECKER_OPTIONS);
    checker.connectionOpened({ connectionId: "c1", deviceId: "d1", userId: "u1", atMs: 1 });
    for (let index = 0; index < frames.length; index += 1) {
      receivedOptions.receivedAtMs = 1_700_000_000_000 + index;
      checker.serverFrame("c1", JSON.parse(frames[index] as string), receivedOptions);
    }
    const verdict = checker.finish({ atMs: 1_700_000_000_000 + frames.length, requireRunsComplete: true });
    if (!verdict.ok) throw new Error(`the synthetic stream must pass the checker: ${JSON.stringify(verdict.safety.slice(0, 2))}`);
    if (lazy?.engaged === true) throw new Error("the lazy checker must stay quiet on the synthetic stream");
  }
}
