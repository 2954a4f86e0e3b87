/** The invariant table, the k6 class mapping, the bounds, and the checker's runtime-freedom. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { INVARIANTS } from "../../protocol/checker/invariants.ts";
import { violationClassOf, violationCountsByClass } from "../../protocol/checker/violationCountsByClass.ts";
import { kindsOf, Script, Stream, withChanges } from "./checkerFixtures.ts";

describe("INVARIANTS", () => {
  it("has one row per protocol invariant 1-8 and five timing rows for 9", () => {
    expect(INVARIANTS.map((row) => row.protocolNumber)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 9, 9]);
    expect(new Set(INVARIANTS.map((row) => row.name)).size).toBe(13);
    expect(INVARIANTS.filter((row) => row.category === "timing").every((row) => row.name.startsWith("timing_"))).toBe(true);
  });
});

describe("violationCountsByClass", () => {
  it("maps each violation to one k6 class and leaves timing out", () => {
    const violations = [
      { invariant: "order_exactly_once", kind: "gap" },
      { invariant: "order_exactly_once", kind: "duplicate" },
      { invariant: "order_exactly_once", kind: "reorder" },
      { invariant: "order_exactly_once", kind: "seq_conflict" },
      { invariant: "order_exactly_once", kind: "epoch_mismatch" },
      { invariant: "completeness", kind: "missing_events" },
      { invariant: "run_completed_last", kind: "run_not_completed" },
      { invariant: "run_completed_last", kind: "after_completed" },
      { invariant: "run_started_first", kind: "missing_start" },
      { invariant: "thinking_before_tool", kind: "tool_before_thinking" },
      { invariant: "tool_pairing", kind: "unpaired_completion" },
      { invariant: "isolation", kind: "foreign_event" },
      { invariant: "content", kind: "missing_field" },
      { invariant: "timing_delivery_latency", kind: "slow_delivery" },
    ] as const;
    expect(violationCountsByClass(violations)).toEqual({ order: 5, pairing: 1, duplicate: 1, gap: 1, isolation: 1, content: 1, silent_gap: 3 });
    expect(violationClassOf({ invariant: "timing_run_duration", kind: "slow_run" })).toBeUndefined();
  });
});

describe("bounds", () => {
  it("stores at most violationsMax violations but still fails the verdict and counts the rest", () => {
    const stream = new Stream("u1", "e-1");
    const events = stream.goldenRun("r-1");
    const script = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 0 }).recvAll("d1#1", [...events, ...events]);
    const { verdict, violations } = script.check({ violationsMax: 2 });
    expect(violations).toHaveLength(2);
    expect(verdict.violationsNotStored.safety).toBe(4);
    expect(verdict.ok).toBe(false);
    expect(verdict.boundsReached.map((bound) => bound.option)).toEqual(["violationsMax"]);
  });

  it("forgets old event copies past eventsRememberedPerUserMax, and says so", () => {
    const stream = new Stream("u1", "e-1");
    const events = stream.goldenRun("r-1");
    const script = new Script()
      .connect("a#1", { device: "a", user: "u1", epoch: "e-1", lastSeq: 0 })
      .recvAll("a#1", events)
      .connect("b#1", { device: "b", user: "u1", epoch: "e-1", lastSeq: 0 })
      .recvAll("b#1", events.map((event) => (event.seq === 5 ? withChanges(event, { data: { content: "other" } }) : event)));
    expect(kindsOf(script.check().verdict.safety)).toEqual(["order_exactly_once/seq_conflict"]);
    const bounded = script.check({ eventsRememberedPerUserMax: 2 });
    expect(kindsOf(bounded.verdict.safety)).toEqual([]);
    expect(bounded.verdict.boundsReached[0]).toMatchObject({ option: "eventsRememberedPerUserMax", limit: 2 });
  });

  it("keeps working past the run, range and connection bounds", () => {
    const stream = new Stream("u1", "e-1");
    const script = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 0 });
    for (let run = 1; run <= 6; run += 1) script.recvAll("d1#1", stream.goldenRun(`r-${run}`));
    const { verdict } = script.check({ runsRememberedPerDeviceMax: 2, runsRememberedPerUserMax: 2, requireRunsComplete: true });
    expect(verdict.ok).toBe(true);
    expect(verdict.boundsReached.map((bound) => bound.option).sort()).toEqual(["runsRememberedPerDeviceMax", "runsRememberedPerUserMax"]);

    const gappy = new Stream("u1", "e-1");
    const holes = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 0 });
    for (let index = 0; index < 40; index += 1) {
      gappy.emit("partial_result", "r-1");
      holes.recv("d1#1", gappy.emit("partial_result", "r-1"));
    }
    const gapVerdict = holes.check({ seqRangesPerSetMax: 4 }).verdict;
    expect(gapVerdict.safety).toHaveLength(40);
    expect(gapVerdict.boundsReached.map((bound) => bound.option)).toContain("seqRangesPerSetMax");

    const crowd = new Script().connect("c#1", { device: "c1", user: "u1", epoch: "e-1", lastSeq: 0 }).connect("c#2", { device: "c2", user: "u1", epoch: "e-1", lastSeq: 0 });
    const crowdVerdict = crowd.check({ connectionsOpenMax: 1 }).verdict;
    expect(crowdVerdict.counts).toMatchObject({ connections: 1, framesIgnored: 1 });
    expect(crowdVerdict.boundsReached.map((bound) => bound.option)).toEqual(["connectionsOpenMax"]);
  });
});

describe("runtime-freedom of protocol/checker", () => {
  function sources(directory: string): string[] {
    return readdirSync(directory).flatMap((name) => {
      const path = join(directory, name);
      return statSync(path).isDirectory() ? sources(path) : path.endsWith(".ts") ? [path] : [];
    });
  }

  it("uses no clock, randomness, timers or Node APIs, and imports only the protocol and zod", () => {
    const files = sources(join(import.meta.dirname, "../../protocol/checker"));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      for (const forbidden of [/Date\.now/, /Math\.random/, /setTimeout/, /setInterval/, /performance\.now/, /\bprocess\./, /\brequire\(/, /new Date\(/]) {
        expect({ file, found: forbidden.test(text) }).toEqual({ file, found: false });
      }
      for (const [, specifier] of text.matchAll(/from "([^"]+)"/g)) {
        const protocolRoot = resolve(import.meta.dirname, "../../protocol");
        const allowed = specifier === "zod" || (specifier?.startsWith(".") === true && resolve(dirname(file), specifier).startsWith(protocolRoot));
        expect({ file, specifier, allowed }).toEqual({ file, specifier, allowed: true });
      }
    }
  });
});
