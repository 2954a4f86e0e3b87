/** What `npm run record` prints for people (data first: this only formats the summary). */
import type { LiveSummary } from "./liveSummary.ts";
import type { LiveRecording } from "./recordLive.ts";

/** The text the command prints: verdict, figures, first violations, files and the replay line. */
export function formatRecording(recording: LiveRecording, where: { summary: LiveSummary; tracePath: string; summaryPath: string; directory: string }): string {
  const { summary } = where;
  const status = { pass: "PASSED", safety: "FAILED (safety violation)", liveness: "FAILED (liveness)" }[summary.outcome];
  const violations = [...recording.verdict.safety, ...recording.verdict.liveness];
  const dropWords = summary.drops.everyMs === 0 ? "no drops" : `drop every ${summary.drops.everyMs} ms, resume after ${summary.drops.pauseMs} ms`;
  const lines = [
    `Recording · target ${summary.target} · ${summary.users.length} user(s) × ${summary.totals.runsRequested / summary.users.length} run(s) · ${dropWords}`,
    `Status: ${status}`,
    `Runs: ${summary.totals.runsCompleted} of ${summary.totals.runsRequested} completed · ${summary.totals.drops} drop(s), ${summary.totals.resumes} resume(s) · ${recording.verdict.counts.events} events, ${summary.totals.traceLines} trace lines in ${(summary.recordedMs / 1000).toFixed(1)} s`,
  ];
  if (summary.livenessReason !== null) lines.push(`Not finished: ${summary.livenessReason}`);
  if (violations.length > 0) lines.push("Violations:");
  for (const violation of violations.slice(0, 10)) lines.push(`  [${violation.category}] invariant ${violation.protocolNumber} ${violation.invariant} (${violation.kind}): ${violation.message}`);
  if (violations.length > 10) lines.push(`  … and ${violations.length - 10} more`);
  lines.push(`Trace: ${where.tracePath}`, `Summary: ${where.summaryPath}`, `Replay: ${summary.repro}`, `HTML report: npm run report -- ${where.directory} --open`);
  return `${lines.join("\n")}\n`;
}
