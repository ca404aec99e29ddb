/**
 * Large buffers that live as long as one request: a big body (~700 KB for 500 x 1 KiB PutRecords) and
 * the arena its records' data are decoded into (~3/4 of that). They come from a pool (see
 * SizeClassPool for why) and go back when the request's handler has finished.
 *
 * The rule that makes reuse safe: nothing keeps a view of a request's body or of what was decoded from
 * it once its handler has returned. Storage copies what it keeps at append time (both backends encode
 * or copy in `append`), and responses are built in buffers of their own.
 */
import { REQUEST_BUFFER_BYTES_MIN, REQUEST_BUFFER_POOL_BYTES_MAX } from "../core/limits.js";
import { SizeClassPool } from "./size-class-pool.js";

/** The process's pool, shared by every connection. */
export const requestBufferPool = new SizeClassPool(REQUEST_BUFFER_BYTES_MIN, REQUEST_BUFFER_POOL_BYTES_MAX);

/** Gives out buffers of `bytes` that the caller may use until the request that asked for them ends. */
export type RequestAllocator = (bytes: number) => Buffer;

/** The pooled buffers of one request; all go back at once when it ends. */
export class RequestScope {
  private held: Buffer[] = [];

  constructor(private readonly pool: SizeClassPool = requestBufferPool) {}

  /** A buffer of `bytes` that stays this request's until `release`; small sizes are ordinary allocations. */
  readonly alloc: RequestAllocator = (bytes) => {
    const buffer = this.pool.take(bytes);
    if (buffer === undefined) return Buffer.allocUnsafe(bytes);
    this.held.push(buffer);
    return buffer;
  };

  /** Whether `view` is a view of a buffer this request holds. */
  owns(view: Uint8Array): boolean {
    return this.held.some((b) => b.buffer === view.buffer);
  }

  /** Gives every buffer back; nothing may use them afterwards. */
  release(): void {
    if (this.held.length === 0) return;
    for (const buffer of this.held) this.pool.give(buffer);
    this.held = [];
  }
}
