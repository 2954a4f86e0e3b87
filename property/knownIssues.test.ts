/**
 * Known issues the properties found elsewhere (property/knownIssues/knownIssues.ts), each
 * pinned by a deterministic replay. When one of these tests fails, the issue is fixed (or
 * the pin no longer reaches it): delete its entry, and un-block the properties it blocked.
 */
import { describe, expect, it } from "vitest";
import { KNOWN_ISSUES } from "./knownIssues/knownIssues.ts";

describe("known issues found by the properties (still open)", () => {
  it("lists each open issue once, with an owner and a one-line replay (the list may be empty)", () => {
    const ids = KNOWN_ISSUES.map((issue) => issue.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const issue of KNOWN_ISSUES) {
      expect(issue.owner, issue.id).not.toBe("");
      expect(issue.replay, issue.id).toMatch(/^npm run /);
    }
  });

  // it.each of an empty table is "no test found" in vitest: only declare it when something is open.
  if (KNOWN_ISSUES.length > 0) {
    it.each(KNOWN_ISSUES.map((issue) => [issue.id, issue] as const))("%s still reproduces", async (_id, issue) => {
      expect(await issue.reproduces(), `${issue.id} no longer reproduces (${issue.replay}); if ${issue.owner} fixed it, delete it from property/knownIssues/knownIssues.ts`).toBe(true);
    });
  }
});
