/**
 * A first-in first-out queue with O(1) amortized push and shift (an array and a
 * head index, compacted when the dead prefix dominates). `Array.prototype.shift`
 * is O(n), which a busy connection would pay on every frame.
 */
export class FifoQueue<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  /** Number of items queued. */
  get length(): number {
    return this.items.length - this.head;
  }

  /** Appends one item at the tail. */
  push(item: T): void {
    this.items.push(item);
  }

  /** The oldest item, left in place; undefined when empty. */
  peek(): T | undefined {
    return this.items[this.head];
  }

  /** Removes and returns the oldest item; undefined when empty. */
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head += 1;
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Removes every item and returns them oldest first. */
  drain(): T[] {
    const drained = this.items.slice(this.head) as T[];
    this.items = [];
    this.head = 0;
    return drained;
  }
}
