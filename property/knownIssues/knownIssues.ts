/**
 * Problems the properties found outside property/ that are not fixed yet, each pinned by
 * a deterministic replay. knownIssues.test.ts asserts each still reproduces: when one is
 * fixed that test fails, and the entry (and any `blocks`) should be deleted. A blocked
 * property's CI run is skipped (visibly) while its issue is open; `npm run prop` still
 * runs it in full, so the issue stays in plain sight.
 */

/** One open issue. */
export interface KnownIssue {
  id: string;
  /** Who owns the fix. */
  owner: string;
  summary: string;
  /** The command that shows it. */
  replay: string;
  /** Properties whose vitest run is skipped while the issue is open. */
  blocks: readonly string[];
  /** Planted bugs whose shrunk repro may not replay in a fresh process while the issue is open. */
  unreliableReprosOf?: readonly string[];
  /** Replays the pinned counterexample; true while the issue is still there. */
  reproduces(): Promise<boolean>;
}

/** See the module comment. */
export const KNOWN_ISSUES: readonly KnownIssue[] = [];

/** The open issue that makes `plantName`'s repro unreliable, or undefined. */
export function unreliableReproIssue(plantName: string): KnownIssue | undefined {
  return KNOWN_ISSUES.find((issue) => issue.unreliableReprosOf?.includes(plantName) === true);
}

/** The open issue that blocks `propertyName`'s CI run, or undefined. */
export function blockingIssue(propertyName: string): KnownIssue | undefined {
  return KNOWN_ISSUES.find((issue) => issue.blocks.includes(propertyName));
}
