/**
 * The Redis broker's frame text (frameTextAround, assembled by its append script) is the
 * in-process broker's frame (JSON.stringify of stampEvent) byte for byte.
 */
import { describe, expect, test } from "vitest";
import { frameTextAround, stampEvent } from "../../server/manager/stampEvent.ts";
import type { UnstampedEvent } from "../../server/ports/streamBroker.ts";

describe("stamped frame layout", () => {
  const events: UnstampedEvent[] = [
    { type: "agent_thinking", run_id: "r-1", user_id: "u-1", ts: 1_700_000_000_000, data: { agent_id: "a-1", thought: 'quote " backslash \\ newline \n é 🚀' } },
    { type: "tool_completed", run_id: "r-\"2", user_id: "ü", ts: 0, data: { tool_name: "search", execution_id: "x-1", result_summary: "ok", status: "ok" } },
  ] as UnstampedEvent[];
  test.each(events)("$type: head + seq + epoch + tail equals JSON.stringify of the stamped event", (event) => {
    const stamp = { seq: 42, epoch: "e-0123abcd" };
    const { head, tail } = frameTextAround(event);
    // What the append script does in Lua.
    const assembled = `${head}${stamp.seq},"epoch":"${stamp.epoch}"${tail}`;
    expect(assembled).toBe(JSON.stringify(stampEvent(event, stamp)));
    expect(JSON.parse(assembled)).toEqual({ ...event, ...stamp });
  });
});
