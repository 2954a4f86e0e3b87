/**
 * The progress display of sweeps and deep property runs: in a terminal it redraws one
 * line with an ETA; in a log it prints a full line every few seconds, never silent; quiet
 * prints nothing but notes. The terminal and the wall clock are the two boundaries it
 * writes to and reads, so a test stands in for both.
 */
import { describe, expect, it } from "vitest";
import { formatDurationSeconds } from "../../protocol/cli/durations.ts";
import { createProgress, PROGRESS_LINE_EVERY_MS } from "../../sim/report/createProgress.ts";

function fakeTerminal(isTTY: boolean) {
  const writes: string[] = [];
  let now = 1_000_000;
  return {
    writes,
    stream: { isTTY, write: (text: string) => writes.push(text) },
    nowMs: () => now,
    advanceMs: (ms: number) => {
      now += ms;
    },
  };
}

describe("createProgress", () => {
  it("prints a full line with rate and ETA every few seconds when stderr is not a terminal", () => {
    const fake = fakeTerminal(false);
    const progress = createProgress({ total: 100, label: "seeds", quiet: false, stream: fake.stream, nowMs: fake.nowMs });
    for (let seed = 1; seed <= 100; seed += 1) {
      fake.advanceMs(100); // 10 seeds/s: a line every 50 seeds at the 5 s default
      progress.tick({ failures: seed >= 30 ? 1 : 0 });
    }
    progress.done();
    expect(PROGRESS_LINE_EVERY_MS).toBe(5_000);
    expect(fake.writes).toEqual(["[ 50/100]  50% · 10.0 seeds/s · failures 1 · 5s elapsed · ETA 5s\n", "[100/100] 100% · 10.0 seeds/s · failures 1 · 10s elapsed\n"]);
  });

  it("redraws one line in place in a terminal, with an ETA, and clears it when done", () => {
    const fake = fakeTerminal(true);
    const progress = createProgress({ total: 10, label: "runs", quiet: false, stream: fake.stream, nowMs: fake.nowMs });
    fake.advanceMs(250);
    progress.tick();
    progress.note("✗ seed 1 failed");
    progress.done();
    expect(fake.writes).toEqual(["\r\u001b[2K[ 1/10]  10% · 4.0 runs/s · failures 0 · 0s elapsed · ETA 2s", "\r\u001b[2K", "✗ seed 1 failed\n"]);
  });

  it("prints only notes when quiet", () => {
    const fake = fakeTerminal(false);
    const progress = createProgress({ total: 3, label: "seeds", quiet: true, stream: fake.stream, nowMs: fake.nowMs });
    for (let index = 0; index < 3; index += 1) {
      fake.advanceMs(10_000);
      progress.tick();
    }
    progress.note("a failure");
    progress.done();
    expect(fake.writes).toEqual(["a failure\n"]);
  });

  it("formats durations for people", () => {
    expect([0.4, 59, 75, 3725].map(formatDurationSeconds)).toEqual(["0s", "59s", "1m 15s", "1h 2m"]);
  });
});
