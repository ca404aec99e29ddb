import type { SegmentIndex } from "./segment-index.js";

/** Anything that holds a sealed segment's index in memory (a shard log's segment entry). */
export interface IndexHolder {
  index: SegmentIndex | undefined;
}

/**
 * Bounds how many sealed segments keep their indexes in memory, across every shard of a backend.
 * A sealed segment's indexes are also in its `.index`/`.timeindex` files, so dropping the least
 * recently used ones costs a small file read when they are next needed — while keeping them all would
 * grow memory with the data stored (~4.5 MiB per GB written, measured).
 */
export class SealedIndexCache {
  /** Insertion order is recency: the first key is the least recently used. */
  private readonly held = new Map<IndexHolder, true>();

  constructor(private readonly entriesMax: number) {}

  /** The holder's index was just used or loaded; the least recently used beyond the bound are dropped. */
  touch(holder: IndexHolder): void {
    if (this.held.delete(holder)) {
      this.held.set(holder, true);
      return;
    }
    this.held.set(holder, true);
    while (this.held.size > this.entriesMax) {
      const oldest = this.held.keys().next().value as IndexHolder;
      this.held.delete(oldest);
      oldest.index = undefined;
    }
  }

  /** The segment is gone (retention, a closed log): nothing of it is kept. */
  forget(holder: IndexHolder): void {
    this.held.delete(holder);
  }

  get size(): number {
    return this.held.size;
  }
}
