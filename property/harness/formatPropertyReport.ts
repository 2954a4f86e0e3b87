/** Formats a {@link PropertyReport} for people: the failure message a test or `npm run prop` prints. */
import type { PropertyReport } from "./PropertyReport.ts";

/** Multi-line text: verdict, why, counterexample file, replay commands, fast-check seed and path. */
export function formatPropertyReport(report: PropertyReport): string {
  const subject = `Property ${report.property}${report.plant === null ? "" : ` with planted bug ${report.plant}`}`;
  const seconds = (report.elapsedMs / 1000).toFixed(1);
  if (report.ok) {
    return `${subject} held for ${report.numRuns} run(s) (${report.exercisedRuns} exercised it) in ${seconds} s — ${report.guards}\n  fast-check seed ${report.fastCheck.seed}`;
  }
  const lines = [
    `${subject} FAILED after ${report.numRuns} run(s) and ${report.numShrinks} shrink(s) — ${report.guards}`,
    `  why: ${(report.failure ?? "unknown").replaceAll("\n", "\n       ")}`,
  ];
  if (report.counterexampleFile !== null) lines.push(`  counterexample: ${report.counterexampleFile} (${report.counterexampleSummary ?? ""})`);
  if (report.replay.length > 0) {
    lines.push(`  replay: ${report.replay[0]}`);
    for (const command of report.replay.slice(1)) lines.push(`     or: ${command}`);
  }
  lines.push(`  fast-check: seed ${report.fastCheck.seed}, path "${report.fastCheck.path ?? ""}"`);
  return lines.join("\n");
}
