/**
 * Large buffers reused across requests, by power-of-two size class. Allocated afresh per request, a
 * buffer of hundreds of KiB is freed only when V8 next collects it, by glibc's malloc. Its mmap
 * threshold rises after the first large free, so later ones come from the brk heap, which they
 * fragment and which rarely shrinks (docs/performance.md, "Memory"). Reused from a pool, they cost no
 * allocation and no fragmentation, and what the pool keeps free is bounded.
 *
 * The newest free buffer of a class is handed out first: it is the likeliest to still be in cache.
 */
export class SizeClassPool {
  private readonly free = new Map<number, Buffer[]>();
  private freeBytes = 0;
  private readonly pooled = new WeakSet<ArrayBufferLike>();
  private takenSinceTrim = false;

  /**
   * @param bytesMin  below this size `take` declines (ordinary allocation is cheaper there)
   * @param freeBytesMax  free buffers kept for reuse at most; one given back beyond it goes to the GC
   */
  constructor(
    private readonly bytesMin: number,
    private readonly freeBytesMax: number,
  ) {}

  /** A buffer of exactly `bytes` (a view of a pooled one of the next power-of-two size), or undefined below the minimum. */
  take(bytes: number): Buffer | undefined {
    if (bytes < this.bytesMin) return undefined;
    this.takenSinceTrim = true;
    const size = this.sizeClassOf(bytes);
    const whole = this.free.get(size)?.pop();
    if (whole !== undefined) {
      this.freeBytes -= size;
      return whole.subarray(0, bytes);
    }
    const fresh = Buffer.allocUnsafeSlow(size);
    this.pooled.add(fresh.buffer);
    return fresh.subarray(0, bytes);
  }

  /** Returns a buffer `take` gave out; kept while the pool holds less than its bound, else left to the GC. */
  give(view: Buffer): void {
    const backing = view.buffer;
    if (!this.pooled.has(backing)) return;
    const size = backing.byteLength;
    if (this.freeBytes + size > this.freeBytesMax) return;
    let list = this.free.get(size);
    if (list === undefined) {
      list = [];
      this.free.set(size, list);
    }
    if (list.some((b) => b.buffer === backing)) return; // given twice: keep one entry
    list.push(Buffer.from(backing, 0, size));
    this.freeBytes += size;
  }

  /**
   * Drops the free buffers (to the GC) when nothing was taken since the previous call: a pool that
   * served a burst of large reads or writes does not keep its buffers for the rest of the process's
   * life. Called periodically by the server.
   */
  trimIfIdle(): void {
    if (!this.takenSinceTrim) {
      this.free.clear();
      this.freeBytes = 0;
    }
    this.takenSinceTrim = false;
  }

  /** Whether `view` is a view of one of this pool's buffers. */
  owns(view: Uint8Array): boolean {
    return this.pooled.has(view.buffer);
  }

  /** Bytes held in free buffers. */
  get idleBytes(): number {
    return this.freeBytes;
  }

  private sizeClassOf(bytes: number): number {
    let size = this.bytesMin;
    while (size < bytes) size *= 2;
    return size;
  }
}
