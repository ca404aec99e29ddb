/** Entries per full chunk (a power of two, so an index splits into chunk and slot with a shift and a mask). */
const CHUNK_SHIFT = 12;
const CHUNK_LENGTH = 1 << CHUNK_SHIFT;
const CHUNK_MASK = CHUNK_LENGTH - 1;
/** The first chunk starts this small and quadruples until it is full size, so a small segment costs little. */
const FIRST_CHUNK_LENGTH = 16;

type Chunk = Uint32Array | Float64Array;
type ChunkType = Uint32ArrayConstructor | Float64ArrayConstructor;

/**
 * An append-only column of numbers, stored in typed-array chunks of 4,096 entries.
 *
 * A JavaScript array reallocates its backing store as it grows. A segment index's arrays reach 32k
 * entries (256 KiB), and past 128 KiB every reallocation leaves the old store in V8's large-object
 * space until the next full collection. During a bulk write that was tens of MiB of resident memory
 * between collections. Here a full chunk is never copied, and nothing is left for the collector. The
 * chunks are outside the V8 heap, at 4 bytes an entry (u32) or 8 (f64); a JS array costs 8.
 */
export class NumberColumn {
  private readonly chunks: Chunk[] = [];
  private size = 0;

  /**
   * `Uint32Array` for values known to fit 32 bits, unsigned (a larger value would be stored modulo
   * 2^32); `Float64Array` for any number.
   */
  constructor(private readonly type: ChunkType) {}

  get length(): number {
    return this.size;
  }

  push(value: number): void {
    const slot = this.size & CHUNK_MASK;
    let chunk = this.chunks[this.size >>> CHUNK_SHIFT];
    if (chunk === undefined) {
      chunk = new this.type(this.chunks.length === 0 ? FIRST_CHUNK_LENGTH : CHUNK_LENGTH);
      this.chunks.push(chunk);
    } else if (slot === chunk.length) {
      // Only the first chunk is ever short of CHUNK_LENGTH.
      const grown = new this.type(Math.min(chunk.length * 4, CHUNK_LENGTH));
      grown.set(chunk);
      this.chunks[0] = grown;
      chunk = grown;
    }
    chunk[slot] = value;
    this.size++;
  }

  /** The entry at `i`, which must be below `length`. */
  at(i: number): number {
    return (this.chunks[i >>> CHUNK_SHIFT] as Chunk)[i & CHUNK_MASK] as number;
  }

  last(): number | undefined {
    return this.size === 0 ? undefined : this.at(this.size - 1);
  }
}
