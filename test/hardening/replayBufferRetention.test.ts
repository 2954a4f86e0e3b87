/**
 * A replay buffer must not keep what it dropped. Between compactions (every 1024 drops)
 * its array keeps a dead prefix; the slots must be cleared, or each user's buffer holds
 * up to 1024 dropped events' texts beyond its bounds (the soak found the heap growing
 * by that much per user).
 */
import { describe, expect, test } from "vitest";
import { ReplayBuffer, type ReplayEntry } from "../../server/manager/ReplayBuffer.ts";
import { collectGarbage } from "./hardeningKit.ts";

function entry(seq: number): ReplayEntry {
  return { seq, text: `${seq}:${"x".repeat(1_000)}`, bytes: 1_005, tsMs: 0 };
}

describe("replay buffer retention", () => {
  test("trimmed and evicted entries can be collected before the next compaction", async () => {
    const buffer = new ReplayBuffer({ eventsMax: 10, bytesMax: 1_000_000 });
    const refs: Array<WeakRef<ReplayEntry>> = [];
    for (let seq = 1; seq <= 30; seq += 1) {
      const appended = entry(seq);
      refs.push(new WeakRef(appended));
      buffer.append(appended);
    }
    // 20 evicted by the count bound, then 5 more trimmed by an ack: far from the 1024 compaction.
    expect(buffer.trimThrough(25)).toBe(5);
    expect(buffer.size).toBe(5);
    // A WeakRef keeps its target alive until the current job ends: collect on a later turn.
    await new Promise((resolve) => setTimeout(resolve, 0));
    collectGarbage();
    expect(refs.slice(0, 25).filter((ref) => ref.deref() !== undefined)).toEqual([]);
    expect(refs.slice(25).every((ref) => ref.deref() !== undefined)).toBe(true);
    expect(buffer.after(25).map((held) => held.seq)).toEqual([26, 27, 28, 29, 30]);
  });

  test("its array stays bounded however many events go through it: the dead prefix is compacted", () => {
    const buffer = new ReplayBuffer({ eventsMax: 10, bytesMax: 1_000_000 });
    for (let seq = 1; seq <= 20_000; seq += 1) buffer.append({ seq, text: "x", bytes: 1, tsMs: 0 });
    expect(buffer.size).toBe(10);
    // Without compaction every one of the 20 000 events would keep a slot.
    expect(buffer.slotsUsed).toBeLessThanOrEqual(2 * 10 + 1_025);
    expect(buffer.trimThrough(19_995)).toBe(5);
    expect(buffer.slotsUsed).toBeLessThanOrEqual(2 * 5 + 1_025);
    expect(buffer.after(0).map((held) => held.seq)).toEqual([19_996, 19_997, 19_998, 19_999, 20_000]);
  });

  test("a buffer holding more than 1024 events (the default holds up to 10 000) compacts too", () => {
    const buffer = new ReplayBuffer({ eventsMax: 2_000, bytesMax: 1_000_000 });
    for (let seq = 1; seq <= 20_000; seq += 1) buffer.append({ seq, text: "x", bytes: 1, tsMs: 0 });
    expect(buffer.size).toBe(2_000);
    expect(buffer.slotsUsed).toBeLessThanOrEqual(2 * 2_000 + 1_025);
    expect(buffer.oldestSeq).toBe(18_001);
  });
});
