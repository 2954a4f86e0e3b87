/**
 * Turns findings into Violations (adding protocolNumber, category and context from the
 * INVARIANTS table), stores at most `violationsMax`, and counts every one by category
 * so a verdict stays failed even when storage is full.
 */
import { invariantInfo, type InvariantName, type ViolationCategory } from "../invariants.ts";
import type { Violation } from "../Violation.ts";
import type { BoundsLog } from "./BoundsLog.ts";

/** What a check found, before the sink adds the context. */
export interface Finding {
  invariant: InvariantName;
  kind: string;
  message: string;
  runId?: string;
  seqs?: number[];
  /** Overrides the invariant's category (run_not_completed is liveness under a safety invariant). */
  category?: ViolationCategory;
}

/**
 * The shared "nothing found" answer of the per-event checks: frozen, so the hot path
 * allocates no empty array per check (k6's engine pays for each one).
 */
export const NO_FINDINGS: readonly Finding[] = Object.freeze([]);

/** The shared "no violation" answer of {@link ViolationSink.report}; frozen. */
export const NO_VIOLATIONS: readonly Violation[] = Object.freeze([]);

/** Two lists of findings as one; either one itself when the other is empty (the usual case: no allocation). */
export function joinFindings(first: readonly Finding[], second: readonly Finding[]): readonly Finding[] {
  if (second.length === 0) return first;
  if (first.length === 0) return second;
  return [...first, ...second];
}

/** Who and when, added to each finding. */
export interface FindingContext {
  userId?: string;
  connectionId?: string;
  deviceId?: string;
  atMs?: number;
}

/** See the module comment. */
export class ViolationSink {
  /** Stored violations, in the order found. */
  readonly stored: Violation[] = [];
  /** Every violation, stored or not, by category. */
  readonly totals: Record<ViolationCategory, number> = { safety: 0, liveness: 0, timing: 0 };
  /** Violations past violationsMax, by category. */
  readonly notStored: Record<ViolationCategory, number> = { safety: 0, liveness: 0, timing: 0 };

  constructor(
    private readonly violationsMax: number,
    private readonly bounds: BoundsLog,
  ) {}

  /** Records each finding with `context`; returns the violations (stored or not). */
  report(findings: readonly Finding[], context: FindingContext): Violation[] {
    return findings.map((finding) => this.reportOne(finding, context));
  }

  /** Records each finding and appends the violations to `into` (no allocation when there are none). */
  reportInto(into: Violation[], findings: readonly Finding[], context: FindingContext): void {
    for (let index = 0; index < findings.length; index += 1) into.push(this.reportOne(findings[index] as Finding, context));
  }

  private reportOne(finding: Finding, context: FindingContext): Violation {
    const info = invariantInfo(finding.invariant);
    const violation: Violation = {
      invariant: finding.invariant,
      protocolNumber: info.protocolNumber,
      category: finding.category ?? info.category,
      kind: finding.kind,
      message: finding.message,
    };
    if (context.userId !== undefined) violation.userId = context.userId;
    if (context.connectionId !== undefined) violation.connectionId = context.connectionId;
    if (context.deviceId !== undefined) violation.deviceId = context.deviceId;
    if (finding.runId !== undefined) violation.runId = finding.runId;
    if (finding.seqs !== undefined) violation.seqs = finding.seqs.slice(0, 32);
    if (context.atMs !== undefined) violation.atMs = context.atMs;
    this.totals[violation.category] += 1;
    if (this.stored.length < this.violationsMax) this.stored.push(violation);
    else {
      this.notStored[violation.category] += 1;
      this.bounds.hit("violationsMax", this.violationsMax, "violations counted (and still failing the verdict) but not stored");
    }
    return violation;
  }
}
