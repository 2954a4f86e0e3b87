/**
 * A set of seqs kept as sorted, disjoint, non-adjacent inclusive ranges. A stream that
 * behaves is one range, so memory follows the number of holes, and that is bounded:
 * past `rangesMax` the two ranges with the smallest hole between them merge (the hole
 * counts as covered) and `onMerge` is told.
 */
export type SeqRange = readonly [low: number, high: number];

/** See the module comment. */
export class SeqRanges {
  private readonly ranges: [number, number][] = [];

  constructor(
    private readonly rangesMax: number,
    private readonly onMerge: () => void = () => {},
  ) {}

  /** True when `seq` is in the set. */
  has(seq: number): boolean {
    for (let index = this.ranges.length - 1; index >= 0; index -= 1) {
      const range = this.ranges[index] as [number, number];
      if (seq > range[1]) return false;
      if (seq >= range[0]) return true;
    }
    return false;
  }

  /** Adds every seq of [low, high]. */
  add(low: number, high: number = low): void {
    if (high < low) return;
    const last = this.ranges[this.ranges.length - 1];
    if (last !== undefined && low >= last[0] && low <= last[1] + 1) {
      if (high > last[1]) last[1] = high;
      return;
    }
    const kept: [number, number][] = [];
    let merged: [number, number] = [low, high];
    let placed = false;
    for (const range of this.ranges) {
      if (range[1] + 1 < merged[0]) kept.push(range);
      else if (merged[1] + 1 < range[0]) {
        if (!placed) kept.push(merged);
        placed = true;
        kept.push(range);
      } else merged = [Math.min(range[0], merged[0]), Math.max(range[1], merged[1])];
    }
    if (!placed) kept.push(merged);
    this.ranges.splice(0, this.ranges.length, ...kept);
    while (this.ranges.length > this.rangesMax) this.mergeSmallestHole();
  }

  /** True when every seq of [low, high] is in the set (an empty interval is covered). */
  covers(low: number, high: number): boolean {
    if (high < low) return true;
    return this.ranges.some((range) => range[0] <= low && high <= range[1]);
  }

  /** The parts of [low, high] not in the set, in order. */
  missingWithin(low: number, high: number): SeqRange[] {
    const missing: SeqRange[] = [];
    let next = low;
    for (const range of this.ranges) {
      if (next > high) break;
      if (range[1] < next) continue;
      if (range[0] > high) break;
      if (range[0] > next) missing.push([next, range[0] - 1]);
      next = range[1] + 1;
    }
    if (next <= high) missing.push([next, high]);
    return missing;
  }

  /** True when the set holds at least one seq of [low, high]. */
  intersects(low: number, high: number): boolean {
    return this.ranges.some((range) => range[0] <= high && low <= range[1]);
  }

  /** Highest seq in the set, or undefined when empty. */
  highest(): number | undefined {
    return this.ranges[this.ranges.length - 1]?.[1];
  }

  private mergeSmallestHole(): void {
    let smallestIndex = 0;
    let smallestHole = Number.POSITIVE_INFINITY;
    for (let index = 0; index + 1 < this.ranges.length; index += 1) {
      const hole = (this.ranges[index + 1] as [number, number])[0] - (this.ranges[index] as [number, number])[1];
      if (hole < smallestHole) {
        smallestHole = hole;
        smallestIndex = index;
      }
    }
    const left = this.ranges[smallestIndex] as [number, number];
    const right = this.ranges[smallestIndex + 1] as [number, number];
    left[1] = right[1];
    this.ranges.splice(smallestIndex + 1, 1);
    this.onMerge();
  }
}

/** The parts of `ranges` not in `set`. */
export function subtractRanges(ranges: readonly SeqRange[], set: SeqRanges): SeqRange[] {
  return ranges.flatMap((range) => set.missingWithin(range[0], range[1]));
}

/** "5-9, 12" for people; at most `rangesShownMax` ranges, then "and N more". */
export function describeSeqRanges(ranges: readonly SeqRange[], rangesShownMax = 8): string {
  const shown = ranges.slice(0, rangesShownMax).map(([low, high]) => (low === high ? `${low}` : `${low}-${high}`));
  const rest = ranges.length - shown.length;
  return rest > 0 ? `${shown.join(", ")} and ${rest} more range${rest === 1 ? "" : "s"}` : shown.join(", ");
}

/** Total seqs in `ranges`. */
export function countSeqs(ranges: readonly SeqRange[]): number {
  return ranges.reduce((total, [low, high]) => total + (high - low + 1), 0);
}

/** The first `seqsMax` seqs of `ranges`, expanded (for Violation.seqs). */
export function firstSeqs(ranges: readonly SeqRange[], seqsMax = 32): number[] {
  const seqs: number[] = [];
  for (const [low, high] of ranges) {
    for (let seq = low; seq <= high && seqs.length < seqsMax; seq += 1) seqs.push(seq);
    if (seqs.length >= seqsMax) break;
  }
  return seqs;
}
