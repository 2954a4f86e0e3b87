/**
 * k6 execution segments: how one test is split across several runner
 * instances (`executionSegment: "1/3:2/3"`, `executionSegmentSequence:
 * "0,1/3,2/3,1"`). Each instance runs its share of VUs and iterations, and VU /
 * iteration ids stay unique across instances because every instance derives the
 * same interleaving ("striping") of global indexes from the same sequence.
 *
 * The striping follows k6's documented contract (lib/execution_segment.go):
 * positions 0..lcd-1 of each cycle are dealt to segments, biggest segment
 * first, each segment taking position p once p * size >= taken * lcd.
 * Written from that contract, not copied.
 */

/** An exact non-negative fraction. */
export interface Fraction {
  numerator: bigint;
  denominator: bigint;
}

/** One segment [from, to) of the whole test, 0 <= from < to <= 1. */
export interface ExecutionSegment {
  from: Fraction;
  to: Fraction;
}

/**
 * This instance's place in the segmented test: every global index (VU number,
 * iteration number) belongs to exactly one segment of the sequence.
 */
export interface ExecutionTuple {
  /** The segment this instance runs. */
  segment: ExecutionSegment;
  /** True when there is one segment covering the whole test (no segmentation). */
  isWholeTest: boolean;
  /** Length of one striping cycle (least common denominator of the segment lengths). */
  cycleLength: number;
  /** Positions within one cycle, ascending, that belong to this instance. */
  positions: readonly number[];
}

const ZERO: Fraction = { numerator: 0n, denominator: 1n };
const ONE: Fraction = { numerator: 1n, denominator: 1n };

/** Builds a tuple from the `executionSegment` / `executionSegmentSequence` options (either may be absent). */
export function createExecutionTuple(options: { segment?: string | undefined; sequence?: string | undefined }): ExecutionTuple {
  const segment = options.segment === undefined || options.segment.trim() === "" ? { from: ZERO, to: ONE } : parseExecutionSegment(options.segment);
  const sequence = options.sequence === undefined || options.sequence.trim() === "" ? [] : parseExecutionSegmentSequence(options.sequence);
  const filled = fillSequence(sequence, segment);
  const index = filled.findIndex((candidate) => equalFractions(candidate.from, segment.from) && equalFractions(candidate.to, segment.to));
  if (index < 0) {
    throw new Error(`couldn't find segment ${formatSegment(segment)} in sequence ${formatSequence(filled)}`);
  }
  const cycleLength = leastCommonDenominator(filled);
  const positions = stripePositions(filled, cycleLength)[index] ?? [];
  return { segment, isWholeTest: filled.length === 1, cycleLength, positions };
}

/** How many of the global indexes 0..value-1 belong to this instance (k6 ExecutionTuple.ScaleInt64). */
export function scaleCount(tuple: ExecutionTuple, value: number): number {
  if (tuple.isWholeTest) return value;
  const wholeCycles = Math.floor(value / tuple.cycleLength);
  const remainder = value % tuple.cycleLength;
  return wholeCycles * tuple.positions.length + tuple.positions.filter((position) => position < remainder).length;
}

/**
 * The 1-based global index of this instance's `localIndex`-th (1-based) item:
 * the `idInTest` of local VU n, or (minus one) the `iterationInTest` of a
 * scenario's n-th local iteration.
 */
export function globalIndexOf(tuple: ExecutionTuple, localIndex: number): number {
  if (tuple.isWholeTest) return localIndex;
  const perCycle = tuple.positions.length;
  const cycle = Math.floor((localIndex - 1) / perCycle);
  const position = tuple.positions[(localIndex - 1) % perCycle] ?? 0;
  return cycle * tuple.cycleLength + position + 1;
}

/** The share of the whole test this instance runs, as a float in (0, 1]. */
export function segmentLength(tuple: ExecutionTuple): number {
  const length = subtract(tuple.segment.to, tuple.segment.from);
  return Number(length.numerator) / Number(length.denominator);
}

/** Parses `"from:to"` or `"to"` (from 0); each side a fraction, decimal or percentage. */
export function parseExecutionSegment(text: string): ExecutionSegment {
  const [fromText, toText] = text.includes(":") ? text.split(":", 2) : ["0", text];
  return validSegment(parseFraction(fromText ?? ""), parseFraction(toText ?? ""));
}

/** Parses `"0,1/3,2/3,1"` into consecutive segments. */
export function parseExecutionSegmentSequence(text: string): ExecutionSegment[] {
  const points = text.split(",").map((point) => parseFraction(point));
  if (points.length < 2) {
    throw new Error(`at least 2 points are needed for an execution segment sequence, ${points.length} given`);
  }
  const segments: ExecutionSegment[] = [];
  for (let index = 1; index < points.length; index += 1) {
    segments.push(validSegment(points[index - 1] ?? ZERO, points[index] ?? ONE));
  }
  return segments;
}

/** Parses `1/3`, `0.25`, `25%` or `1` into an exact fraction. */
export function parseFraction(text: string): Fraction {
  const trimmed = text.trim();
  if (trimmed.endsWith("%")) {
    const percent = trimmed.slice(0, -1);
    if (!/^\d+$/.test(percent)) throw new Error(`'${text}' is not a valid percentage`);
    return normalize(BigInt(percent), 100n);
  }
  const ratio = /^(\d+)\s*\/\s*(\d+)$/.exec(trimmed);
  if (ratio !== null) return normalize(BigInt(ratio[1] ?? "0"), BigInt(ratio[2] ?? "1"));
  const decimal = /^(\d*)(?:\.(\d+))?$/.exec(trimmed);
  if (decimal !== null && trimmed !== "" && trimmed !== ".") {
    const fractionDigits = decimal[2] ?? "";
    return normalize(BigInt((decimal[1] ?? "") + fractionDigits || "0"), 10n ** BigInt(fractionDigits.length));
  }
  throw new Error(`'${text}' is not a valid percentage, decimal, fraction or interval value`);
}

function validSegment(from: Fraction, to: Fraction): ExecutionSegment {
  if (compare(from, to) >= 0) {
    throw new Error(`segment start(${formatFraction(from)}) must be less than its end(${formatFraction(to)})`);
  }
  if (compare(to, ONE) > 0) throw new Error(`segment end value can't be more than 1 but was ${formatFraction(to)}`);
  return { from, to };
}

function fillSequence(sequence: readonly ExecutionSegment[], segment: ExecutionSegment): ExecutionSegment[] {
  const filled = sequence.length > 0 ? [...sequence] : [segment];
  for (let index = 1; index < filled.length; index += 1) {
    if (!equalFractions(filled[index]?.from ?? ZERO, filled[index - 1]?.to ?? ZERO)) {
      throw new Error(`the execution segment sequence ${formatSequence(filled)} has a gap or an overlap at segment #${index}`);
    }
  }
  const first = filled[0];
  if (first !== undefined && compare(first.from, ZERO) !== 0) filled.unshift({ from: ZERO, to: first.from });
  const last = filled[filled.length - 1];
  if (last !== undefined && compare(last.to, ONE) !== 0) filled.push({ from: last.to, to: ONE });
  return filled;
}

function leastCommonDenominator(segments: readonly ExecutionSegment[]): number {
  let result = 1n;
  for (const segment of segments) {
    const denominator = subtract(segment.to, segment.from).denominator;
    result = (result * denominator) / greatestCommonDivisor(result, denominator);
  }
  return Number(result);
}

function stripePositions(segments: readonly ExecutionSegment[], cycleLength: number): number[][] {
  const sizes = segments.map((segment) => {
    const length = subtract(segment.to, segment.from);
    return Number((length.numerator * BigInt(cycleLength)) / length.denominator);
  });
  // Biggest segment first; a stable sort keeps sequence order among equals.
  const order = sizes.map((size, index) => ({ size, index })).sort((left, right) => right.size - left.size);
  const taken = order.map(() => 0);
  const positions: number[][] = segments.map(() => []);
  for (let position = 0; position < cycleLength; position += 1) {
    const pick = order.findIndex((entry, rank) => position * entry.size >= (taken[rank] ?? 0) * cycleLength);
    const chosen = order[pick];
    if (chosen === undefined) continue;
    taken[pick] = (taken[pick] ?? 0) + 1;
    positions[chosen.index]?.push(position);
  }
  return positions;
}

function normalize(numerator: bigint, denominator: bigint): Fraction {
  if (denominator === 0n) throw new Error("division by zero in an execution segment");
  const divisor = greatestCommonDivisor(numerator, denominator);
  return { numerator: numerator / divisor, denominator: denominator / divisor };
}

function greatestCommonDivisor(left: bigint, right: bigint): bigint {
  let a = left < 0n ? -left : left;
  let b = right < 0n ? -right : right;
  while (b !== 0n) [a, b] = [b, a % b];
  return a === 0n ? 1n : a;
}

function subtract(left: Fraction, right: Fraction): Fraction {
  return normalize(left.numerator * right.denominator - right.numerator * left.denominator, left.denominator * right.denominator);
}

function compare(left: Fraction, right: Fraction): number {
  const difference = left.numerator * right.denominator - right.numerator * left.denominator;
  return difference === 0n ? 0 : difference < 0n ? -1 : 1;
}

function equalFractions(left: Fraction, right: Fraction): boolean {
  return compare(left, right) === 0;
}

function formatFraction(value: Fraction): string {
  return value.denominator === 1n ? `${value.numerator}` : `${value.numerator}/${value.denominator}`;
}

function formatSegment(segment: ExecutionSegment): string {
  return `${formatFraction(segment.from)}:${formatFraction(segment.to)}`;
}

function formatSequence(segments: readonly ExecutionSegment[]): string {
  const first = segments[0];
  return [first === undefined ? "" : formatFraction(first.from), ...segments.map((segment) => formatFraction(segment.to))].join(",");
}
