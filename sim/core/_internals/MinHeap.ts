/**
 * A binary min-heap ordered by `less`. Private to the simulator: the virtual clock
 * keeps its timers here (O(log n) push and pop, no allocation per operation beyond
 * the array growing).
 */
export class MinHeap<T> {
  private readonly items: T[] = [];
  private readonly less: (left: T, right: T) => boolean;

  constructor(less: (left: T, right: T) => boolean) {
    this.less = less;
  }

  /** Number of items held. */
  get size(): number {
    return this.items.length;
  }

  /** The smallest item, left in place; undefined when empty. */
  peek(): T | undefined {
    return this.items[0];
  }

  /** Adds one item. */
  push(item: T): void {
    this.items.push(item);
    this.siftUp(this.items.length - 1);
  }

  /** Removes and returns the smallest item; undefined when empty. */
  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  /** Every item, in heap (not sorted) order; a copy. */
  toArray(): T[] {
    return [...this.items];
  }

  /** Keeps only the items `keep` accepts, then restores the heap order (O(n)). */
  retain(keep: (item: T) => boolean): void {
    const items = this.items;
    let kept = 0;
    for (let index = 0; index < items.length; index += 1) {
      const item = items[index] as T;
      if (keep(item)) {
        items[kept] = item;
        kept += 1;
      }
    }
    items.length = kept;
    for (let index = (kept >> 1) - 1; index >= 0; index -= 1) this.siftDown(index);
  }

  // Indexes below are always within bounds, hence the `as T` casts that
  // noUncheckedIndexedAccess would otherwise force into runtime checks.
  private siftUp(start: number): void {
    const items = this.items;
    const item = items[start] as T;
    let index = start;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = items[parentIndex] as T;
      if (!this.less(item, parent)) break;
      items[index] = parent;
      index = parentIndex;
    }
    items[index] = item;
  }

  private siftDown(start: number): void {
    const items = this.items;
    const length = items.length;
    const item = items[start] as T;
    let index = start;
    for (;;) {
      const leftIndex = index * 2 + 1;
      if (leftIndex >= length) break;
      const rightIndex = leftIndex + 1;
      let childIndex = leftIndex;
      if (rightIndex < length && this.less(items[rightIndex] as T, items[leftIndex] as T)) childIndex = rightIndex;
      const child = items[childIndex] as T;
      if (!this.less(child, item)) break;
      items[index] = child;
      index = childIndex;
    }
    items[index] = item;
  }
}
