/** Invariant 8 (completeness, category liveness) at finish. */
import { describe, expect, it } from "vitest";
import { kindsOf, Script, Stream } from "./checkerFixtures.ts";

describe("createChecker, completeness at finish", () => {
  it("flags the events an open device never got while another device of the user did", () => {
    for (const broken of [false, true]) {
      const stream = new Stream("u1", "e-1");
      const events = stream.goldenRun("r-1");
      const script = new Script()
        .connect("a#1", { device: "a", user: "u1", epoch: "e-1", lastSeq: 0 })
        .connect("b#1", { device: "b", user: "u1", epoch: "e-1", lastSeq: 0 });
      for (const event of events) {
        script.recv("a#1", event);
        if (!broken || event.seq <= 4) script.recv("b#1", event);
      }
      // requireRunsComplete: the missing tail may hold the completion, so only completeness is reported.
      const { verdict, violations } = script.check({ requireRunsComplete: true });
      if (!broken) {
        expect(kindsOf(violations)).toEqual([]);
        continue;
      }
      expect(kindsOf(violations)).toEqual(["completeness/missing_events"]);
      expect(verdict.ok).toBe(false);
      expect(verdict.liveness[0]).toMatchObject({ userId: "u1", deviceId: "b", category: "liveness", protocolNumber: 8, seqs: [5, 6] });
      expect(verdict.liveness[0]?.message).toBe(
        "user u1 device b: 2 events of epoch e-1 never arrived (seq 5-6; newest known seq 6), and no loss was announced.",
      );
    }
  });

  it("uses the emitted log as the newest known seq when given", () => {
    const stream = new Stream("u1", "e-1");
    const events = stream.goldenRun("r-1");
    const script = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 0 }).recvAll("d1#1", events.slice(0, 5));
    expect(kindsOf(script.check().violations)).toEqual([]);
    expect(kindsOf(script.check({ emitted: stream.emittedLog() }).violations)).toEqual(["completeness/missing_events"]);
  });

  it("flags a resume into another epoch that never gets resync_required", () => {
    for (const broken of [false, true]) {
      const old = new Stream("u1", "e-old");
      const script = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-old", lastSeq: 0 });
      script.recvAll("d1#1", old.goldenRun("r-1")).close("d1#1", 1006);
      script.connect("d1#2", { device: "d1", user: "u1", epoch: "e-new", lastSeq: 3, resume: { epoch: "e-old", last_seq: 6 } });
      if (!broken) script.recv("d1#2", { type: "resync_required", epoch: "e-new", oldest_seq: 4, last_seq: 3 });
      const { violations } = script.check();
      expect(kindsOf(violations)).toEqual(broken ? ["completeness/resync_missing"] : []);
    }
  });

  it("judges a device that closed with 1000 under requireRunsComplete, against what it was told, and not one that closed with 1001", () => {
    const stream = new Stream("u1", "e-1");
    const events = stream.goldenRun("r-1");
    const build = (code: number) =>
      new Script()
        .connect("d1#1", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 0 })
        .recvAll("d1#1", events.slice(0, 2))
        .close("d1#1", 1006)
        .connect("d1#2", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 6, resume: { epoch: "e-1", last_seq: 2 } })
        .recvAll("d1#2", events.slice(2, 4))
        .close("d1#2", code);
    expect(kindsOf(build(1000).check({ requireRunsComplete: true }).violations)).toEqual(["completeness/missing_events"]);
    expect(kindsOf(build(1000).check({ requireRunsComplete: false }).violations)).toEqual([]);
    expect(kindsOf(build(1001).check({ requireRunsComplete: true }).violations)).toEqual([]);
  });

  it("does not judge a device whose connection dropped (1006) and never came back", () => {
    const stream = new Stream("u1", "e-1");
    const events = stream.goldenRun("r-1");
    const script = new Script().connect("d1#1", { device: "d1", user: "u1", epoch: "e-1", lastSeq: 0 }).recvAll("d1#1", events.slice(0, 3)).close("d1#1", 1006);
    expect(kindsOf(script.check({ requireRunsComplete: true, emitted: stream.emittedLog() }).violations)).toEqual([]);
  });
});
