/**
 * The checker's violations of some invariants, as a property failure sentence. Properties
 * judge the shared checker's verdict (protocol/checker) rather than re-implementing it.
 */
import type { InvariantName } from "../../protocol/checker/invariants.ts";
import type { Violation } from "../../protocol/checker/Violation.ts";
import type { SimulationResult } from "../../sim/runSimulation.ts";

/** Violations shown in a failure message at most. */
const VIOLATIONS_SHOWN_MAX = 3;

/** The verdict's safety and liveness violations of `invariants`, in the order found. */
export function violationsOf(result: SimulationResult, invariants: readonly InvariantName[]): Violation[] {
  const wanted = new Set<string>(invariants);
  const verdict = result.verdict;
  if (verdict === null) return [];
  return [...verdict.safety, ...verdict.liveness].filter((violation) => wanted.has(violation.invariant));
}

/** A failure text naming the first of `violations` (`what` says which), or undefined when there is none. */
export function describeViolations(violations: readonly Violation[], what: string): string | undefined {
  if (violations.length === 0) return undefined;
  const shown = violations.slice(0, VIOLATIONS_SHOWN_MAX).map((violation) => `[${violation.category}] ${violation.invariant} (${violation.kind}, docs/protocol.md ${violation.protocolNumber}): ${violation.message}`);
  const more = violations.length > VIOLATIONS_SHOWN_MAX ? `\n… and ${violations.length - VIOLATIONS_SHOWN_MAX} more` : "";
  return `${violations.length} violation(s) of ${what}:\n${shown.join("\n")}${more}`;
}

/** {@link describeViolations} of every violation of `invariants`. */
export function violationsFailure(result: SimulationResult, invariants: readonly InvariantName[]): string | undefined {
  return describeViolations(violationsOf(result, invariants), invariants.join(", "));
}

/** Joins the failures that are defined; undefined when none is. */
export function joinFailures(failures: ReadonlyArray<string | undefined>): string | undefined {
  const present = failures.filter((failure): failure is string => failure !== undefined);
  return present.length === 0 ? undefined : present.join("\n");
}
