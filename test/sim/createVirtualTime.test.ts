import { describe, expect, it } from "vitest";
import { createVirtualTime, virtualTimeStartMsDefault } from "../../sim/core/createVirtualTime.ts";
import { SimAssertionError } from "../../sim/core/SimAssertionError.ts";

describe("createVirtualTime", () => {
  it("starts at the default epoch-like time, or the given one", () => {
    expect(createVirtualTime().nowMs()).toBe(virtualTimeStartMsDefault);
    expect(createVirtualTime({ startMs: 5 }).nowMs()).toBe(5);
  });

  it("runs timers by due time, and same-due timers in insertion order", () => {
    const time = createVirtualTime({ startMs: 0 });
    const ran: string[] = [];
    time.after(20, () => ran.push("c@20"));
    time.after(10, () => ran.push("a@10"));
    time.after(10, () => ran.push("b@10"));
    time.after(5, () => ran.push("first@5"));
    time.after(20, () => ran.push("d@20"));
    const times: number[] = [];
    while (time.runNext()) times.push(time.nowMs());
    expect(ran).toEqual(["first@5", "a@10", "b@10", "c@20", "d@20"]);
    expect(times).toEqual([5, 10, 10, 20, 20]);
  });

  it("runs a 0-delay or past timer at now, after the timers already due now", () => {
    const time = createVirtualTime({ startMs: 0 });
    const ran: string[] = [];
    time.after(10, () => {
      ran.push("x");
      time.after(0, () => ran.push(`zero@${time.nowMs()}`));
      time.after(-50, () => ran.push(`past@${time.nowMs()}`));
    });
    time.after(10, () => ran.push("y"));
    time.after(11, () => ran.push("later"));
    time.runUntil(100);
    expect(ran).toEqual(["x", "y", "zero@10", "past@10", "later"]);
  });

  it("skips cancelled timers; cancel is idempotent and harmless after firing", () => {
    const time = createVirtualTime({ startMs: 0 });
    const ran: number[] = [];
    const first = time.after(1, () => ran.push(1));
    const second = time.after(2, () => ran.push(2));
    time.after(3, () => ran.push(3));
    expect(time.pendingTimers()).toBe(3);
    second.cancel();
    second.cancel();
    expect(time.pendingTimers()).toBe(2);
    time.runUntil(10);
    first.cancel();
    expect(ran).toEqual([1, 3]);
    expect(time.pendingTimers()).toBe(0);
  });

  it("runUntil runs timers due at or before the bound, then moves the clock to it", () => {
    const time = createVirtualTime({ startMs: 1000 });
    const ran: number[] = [];
    for (const delayMs of [0, 50, 100, 101, 200]) time.after(delayMs, () => ran.push(delayMs));
    const result = time.runUntil(1100);
    expect(ran).toEqual([0, 50, 100]);
    expect(result).toEqual({ stoppedBy: "untilMs", steps: 3, nowMs: 1100 });
    expect(time.nowMs()).toBe(1100);
    expect(time.pendingTimers()).toBe(2);
    expect(time.nextDueMs()).toBe(1101);
    expect(time.runUntil(1100).steps).toBe(0);
    expect(() => time.runUntil(1099)).toThrow(SimAssertionError);
  });

  it("latestDueMs is the due time of the last live timer, skipping cancelled ones", () => {
    const time = createVirtualTime({ startMs: 1000 });
    expect(time.latestDueMs()).toBeUndefined();
    time.after(300, () => {});
    const last = time.after(900, () => {});
    time.after(50, () => {});
    expect(time.latestDueMs()).toBe(1900);
    last.cancel();
    expect(time.latestDueMs()).toBe(1300);
  });

  it("runUntil stops at maxSteps on a timer that re-arms itself at 0 ms", () => {
    const time = createVirtualTime({ startMs: 0 });
    const spin = (): void => {
      time.after(0, spin);
    };
    time.after(0, spin);
    expect(time.runUntil(10, { maxSteps: 1000 })).toEqual({ stoppedBy: "maxSteps", steps: 1000, nowMs: 0 });
  });

  it("runUntilIdle reports idle, untilMs or maxSteps", () => {
    const time = createVirtualTime({ startMs: 0 });
    time.after(5, () => undefined);
    time.after(7, () => undefined);
    expect(time.runUntilIdle({ maxSteps: 10, untilMs: 100 })).toEqual({ stoppedBy: "idle", steps: 2, nowMs: 7 });

    time.after(50, () => undefined);
    time.after(500, () => undefined);
    expect(time.runUntilIdle({ maxSteps: 10, untilMs: 100 })).toEqual({ stoppedBy: "untilMs", steps: 1, nowMs: 100 });
    expect(time.runUntilIdle({ maxSteps: 0, untilMs: 1000 })).toEqual({ stoppedBy: "maxSteps", steps: 0, nowMs: 100 });
    expect(time.runUntilIdle({ maxSteps: 1, untilMs: 1000 })).toEqual({ stoppedBy: "idle", steps: 1, nowMs: 507 });
  });

  it("asserts integer delays and no reentrant runs", () => {
    const time = createVirtualTime({ startMs: 0 });
    expect(() => time.after(1.5, () => undefined)).toThrow(SimAssertionError);
    expect(() => time.after(Number.NaN, () => undefined)).toThrow(SimAssertionError);
    time.after(1, () => time.runNext());
    expect(() => time.runNext()).toThrow(/inside a timer callback/);
  });

  it("keeps order and counts through heap compaction of many cancelled timers", () => {
    const time = createVirtualTime({ startMs: 0 });
    const handles = [];
    const ran: number[] = [];
    for (let index = 0; index < 5000; index += 1) {
      const dueMs = (index * 7919) % 1000;
      handles.push({ index, dueMs, handle: time.after(dueMs, () => ran.push(index)) });
    }
    for (const { index, handle } of handles) if (index % 5 !== 0) handle.cancel();
    expect(time.pendingTimers()).toBe(1000);
    time.runUntil(2000);
    const expected = handles
      .filter(({ index }) => index % 5 === 0)
      .sort((left, right) => left.dueMs - right.dueMs || left.index - right.index)
      .map(({ index }) => index);
    expect(ran).toEqual(expected);
    expect(time.pendingTimers()).toBe(0);
  });

  it("lists live timers in due order with the name their labelled scheduler gives; labelling changes no order", () => {
    const time = createVirtualTime({ startMs: 0 });
    const ran: string[] = [];
    const named = time.labelled((delayMs, callback) => `${callback.name === "" ? "anonymous" : callback.name}/${delayMs}`);
    function tick(): void {
      ran.push("tick");
    }
    time.after(5, () => ran.push("plain"));
    named.after(5, tick);
    const cancelled = named.after(1, () => ran.push("cancelled"));
    named.after(9, () => ran.push("late"));
    cancelled.cancel();
    expect(time.armedTimers()).toEqual([
      { dueMs: 5, delayMs: 5, name: "sim" },
      { dueMs: 5, delayMs: 5, name: "tick/5" },
      { dueMs: 9, delayMs: 9, name: "anonymous/9" },
    ]);
    time.runUntil(6);
    expect(ran).toEqual(["plain", "tick"]);
    expect(time.armedTimers()).toEqual([{ dueMs: 9, delayMs: 9, name: "anonymous/9" }]);
  });
});
