import type { StoredRecord } from "../types.js";
import { decodeFrame, frameBytesAt, frameOffsetAt, FRAME_HEADER_BYTES } from "./frame.js";

/** The cache's memory comes in slabs of this size, reused in a ring: a steady state allocates nothing. */
export const TAIL_CACHE_SLAB_BYTES = 1024 * 1024;

interface Chunk {
  owner: ShardTail;
  slab: number;
  firstOffset: number;
  count: number;
  /** The encoded batch exactly as written to disk, copied into a slab. */
  buffer: Buffer;
  dropped: boolean;
}

/**
 * Recently written batches of every shard of one backend, copied (one memcpy per batch) into a ring of
 * slabs. Writing into a slab that is being reused drops the batches it held, which are the oldest
 * backend-wide and therefore the oldest of their shards: each shard's cache stays one contiguous range
 * of offsets ending at its newest durable record. A batch larger than a slab is not cached (its shard's
 * cache restarts after it); reads then come from disk.
 */
export class TailCache {
  private readonly slabs: Buffer[] = [];
  private readonly slabsMax: number;
  private slab = -1;
  private slabPosition = 0;
  private queue: Chunk[] = [];
  private head = 0;

  constructor(bytesMax: number) {
    this.slabsMax = Math.floor(bytesMax / TAIL_CACHE_SLAB_BYTES);
  }

  shard(): ShardTail {
    return new ShardTail(this);
  }

  /** @internal Copies a batch in; returns its chunk, or undefined when it cannot be cached. */
  admit(owner: ShardTail, firstOffset: number, count: number, batch: Buffer): Chunk | undefined {
    if (this.slabsMax === 0 || batch.length > TAIL_CACHE_SLAB_BYTES) return undefined;
    if (this.slab < 0 || this.slabPosition + batch.length > TAIL_CACHE_SLAB_BYTES) this.nextSlab();
    const slab = this.slabs[this.slab] as Buffer;
    batch.copy(slab, this.slabPosition);
    const chunk: Chunk = { owner, slab: this.slab, firstOffset, count, buffer: slab.subarray(this.slabPosition, this.slabPosition + batch.length), dropped: false };
    this.slabPosition += batch.length;
    this.queue.push(chunk);
    return chunk;
  }

  private nextSlab(): void {
    this.slab = (this.slab + 1) % this.slabsMax;
    this.slabPosition = 0;
    if (this.slabs.length <= this.slab) {
      this.slabs.push(Buffer.allocUnsafeSlow(TAIL_CACHE_SLAB_BYTES));
      return;
    }
    // Reusing a slab: everything in it is the oldest cached data; drop it.
    while (this.head < this.queue.length && (this.queue[this.head] as Chunk).slab === this.slab) {
      const oldest = this.queue[this.head++] as Chunk;
      if (!oldest.dropped) oldest.owner.evictOldest(oldest);
      oldest.dropped = true;
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }
}

export class ShardTail {
  private chunks: Chunk[] = [];
  private head = 0;

  constructor(private readonly cache: TailCache) {}

  add(firstOffset: number, count: number, batch: Buffer): void {
    const chunk = this.cache.admit(this, firstOffset, count, batch);
    if (!chunk) {
      this.clear();
      return;
    }
    this.chunks.push(chunk);
  }

  /** @internal */
  evictOldest(chunk: Chunk): void {
    if (this.chunks[this.head] === chunk) this.head++;
    if (this.head > 256 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }

  /** Oldest offset served from memory, or undefined when nothing is cached. */
  get firstOffset(): number | undefined {
    return this.chunks[this.head]?.firstOffset;
  }

  clear(): void {
    for (let i = this.head; i < this.chunks.length; i++) (this.chunks[i] as Chunk).dropped = true;
    this.chunks = [];
    this.head = 0;
  }

  /**
   * Reads cached records from `fromOffset` (which must be cached). Returned data are views into one
   * copy per batch, never into the cache, whose slabs are reused.
   */
  read(fromOffset: number, recordsMax: number, bytesMax: number, out: StoredRecord[], dataBytes: number): { nextOffset: number; dataBytes: number } {
    let i = this.find(fromOffset);
    let next = fromOffset;
    while (i < this.chunks.length && out.length < recordsMax) {
      const chunk = this.chunks[i] as Chunk;
      const buf = chunk.buffer;
      let pos = 0;
      for (let offset = chunk.firstOffset; offset < next; offset++) pos += frameBytesAt(buf, pos);
      const startPos = pos;
      const frames: number[] = [];
      let full = false;
      while (pos < buf.length && out.length + frames.length < recordsMax) {
        const frameBytes = frameBytesAt(buf, pos);
        const keysBytes = buf.readUInt16LE(pos + 10) + (buf[pos + 32] as number);
        const dataLength = frameBytes - FRAME_HEADER_BYTES - keysBytes;
        if (out.length + frames.length > 0 && dataBytes + dataLength > bytesMax) {
          full = true;
          break;
        }
        dataBytes += dataLength;
        frames.push(pos - startPos);
        pos += frameBytes;
      }
      if (frames.length > 0) {
        const copy = Buffer.from(buf.subarray(startPos, pos));
        for (const at of frames) out.push(decodeFrame(copy, at));
        next = frameOffsetAt(copy, frames.at(-1) as number) + 1;
      }
      if (full) break;
      i++;
    }
    return { nextOffset: next, dataBytes };
  }

  private find(offset: number): number {
    let lo = this.head;
    let hi = this.chunks.length - 1;
    let found = this.head;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.chunks[mid] as Chunk).firstOffset <= offset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }
}
