import type { StoredRecord } from "../types.js";
import { decodeFrame, frameBytesAt, frameOffsetAt, FRAME_HEADER_BYTES } from "./frame.js";

interface Chunk {
  owner: ShardTail;
  firstOffset: number;
  count: number;
  /** The encoded batch exactly as written to disk. */
  buffer: Buffer;
  dropped: boolean;
}

/**
 * Recently written batches of every shard of one backend, kept as the very buffers that were written, so
 * caching costs no per-record work at append time. One byte budget for all shards; the oldest batch
 * backend-wide is dropped first, which is always the oldest cached batch of its shard (so each shard's
 * cache stays one contiguous range ending at its newest durable record).
 */
export class TailCache {
  private queue: Chunk[] = [];
  private head = 0;
  private bytes = 0;

  constructor(private readonly bytesMax: number) {}

  shard(): ShardTail {
    return new ShardTail(this);
  }

  /** @internal */
  admit(chunk: Chunk): void {
    this.queue.push(chunk);
    this.bytes += chunk.buffer.length;
    while (this.bytes > this.bytesMax && this.head < this.queue.length) {
      const oldest = this.queue[this.head++] as Chunk;
      if (oldest.dropped) continue;
      oldest.owner.evictOldest(oldest);
      this.release(oldest);
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  /** @internal */
  release(chunk: Chunk): void {
    if (chunk.dropped) return;
    chunk.dropped = true;
    this.bytes -= chunk.buffer.length;
  }

  get bytesCached(): number {
    return this.bytes;
  }
}

export class ShardTail {
  private chunks: Chunk[] = [];
  private head = 0;

  constructor(private readonly cache: TailCache) {}

  add(firstOffset: number, count: number, buffer: Buffer): void {
    const chunk: Chunk = { owner: this, firstOffset, count, buffer, dropped: false };
    this.chunks.push(chunk);
    this.cache.admit(chunk);
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
    for (let i = this.head; i < this.chunks.length; i++) this.cache.release(this.chunks[i] as Chunk);
    this.chunks = [];
    this.head = 0;
  }

  /**
   * Reads cached records from `fromOffset` (which must be cached). Returned data are views into one
   * copy per batch, never into the cache itself, so a caller that scribbles on them harms nobody.
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
