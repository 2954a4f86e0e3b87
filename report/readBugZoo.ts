/**
 * A bug zoo result (kind "bug-zoo"): per planted bug, the invariant that caught it
 * and after how many runs. Read tolerantly: the producer is still being built, so
 * a few spellings of each field are accepted and anything else is ignored.
 */
import type { BugZooView } from "./ReportData.ts";

const text = (value: unknown): string | null => (typeof value === "string" && value !== "" ? value : null);
const count = (value: unknown): number | null => (typeof value === "number" && Number.isFinite(value) ? value : null);

/** True when `json` is a bug zoo result. */
export function isBugZoo(json: Record<string, unknown>): boolean {
  return json["kind"] === "bug-zoo";
}

/** The view of a bug zoo result found at `displayPath`; rows without a bug name are skipped. */
export function readBugZoo(json: Record<string, unknown>, displayPath: string): BugZooView {
  const rows = [json["rows"], json["bugs"], json["results"]].find(Array.isArray) ?? [];
  return {
    path: displayPath,
    rows: (rows as unknown[]).flatMap((row) => {
      if (typeof row !== "object" || row === null) return [];
      const fields = row as Record<string, unknown>;
      const bug = text(fields["bug"]) ?? text(fields["name"]);
      if (bug === null) return [];
      const caughtAs = text(fields["caughtAs"]) ?? text(fields["caught_as"]);
      const expected = text(fields["expected"]) ?? text(fields["expectedInvariant"]);
      const status = caughtAs === null ? "missed" : expected !== null && expected !== caughtAs ? "caught-as-other" : "caught";
      return [{ bug, expected, caughtAs, runsToDetection: count(fields["runsToDetection"]) ?? count(fields["runs"]), repro: text(fields["repro"]) ?? "", status }] as BugZooView["rows"];
    }),
  };
}
