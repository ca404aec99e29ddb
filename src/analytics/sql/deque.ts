/** Dead slots at the front tolerated before the backing array is compacted. */
const DEAD_PREFIX_COMPACT_MIN = 16;

/** A FIFO/LIFO double-ended queue over a growable array; amortised O(1) at both ends. */
export class Deque<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }
  push(v: T): void {
    this.items.push(v);
  }
  /** Oldest element. */
  first(): T | undefined {
    return this.items[this.head];
  }
  last(): T | undefined {
    // Shifted slots keep their old values, so an empty deque must not read below its head.
    return this.items.length > this.head ? this.items[this.items.length - 1] : undefined;
  }
  /** The i-th element from the oldest (0-based). */
  at(i: number): T | undefined {
    return i < 0 || i >= this.length ? undefined : this.items[this.head + i];
  }
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    // The slot is not cleared: writing `undefined` would turn an array of doubles into boxed elements.
    // Dead slots are dropped by the compaction below, so memory stays within twice the live window.
    const v = this.items[this.head++];
    // Compact once the dead prefix dominates, so memory stays proportional to the live window.
    // (Copying at most as many elements as were shifted since the last compaction keeps this O(1) amortised;
    // the small floor keeps thousands of per-partition deques from each holding a long dead prefix.)
    if (this.head >= DEAD_PREFIX_COMPACT_MIN && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return v;
  }
  pop(): T | undefined {
    if (this.length === 0) return undefined;
    return this.items.pop();
  }
  clear(): void {
    this.items = [];
    this.head = 0;
  }
  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = this.head; i < this.items.length; i++) yield this.items[i] as T;
  }
}
