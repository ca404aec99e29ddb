import type { AppendRecord, AppendResult, ReadOptions, ReadResult, ShardLog, ShardLogKey, StoredRecord } from "../types.js";
import { StorageError } from "../types.js";

/** Dropped records are compacted out of the array once this many have accumulated (amortises the shift). */
const MEMORY_LOG_COMPACT_RECORDS_MIN = 4096;

/**
 * One shard's log held in an array. Appends are durable as soon as they are made (there is nothing
 * more durable to wait for), so the promise resolves at once; data is copied so that a caller reusing
 * its buffers cannot change stored records.
 */
export class MemoryShardLog implements ShardLog {
  private records: StoredRecord[] = [];
  /** Index in `records` of the record at startOffset (records before it are trimmed, awaiting compaction). */
  private head = 0;
  private start = 0;
  private end = 0;
  private lastArrival: number | undefined;
  private closed = false;

  constructor(readonly key: ShardLogKey) {}

  get endOffset(): number {
    return this.end;
  }

  get startOffset(): number {
    return this.start;
  }

  get lastArrivalMs(): number | undefined {
    return this.lastArrival;
  }

  append(records: readonly AppendRecord[], arrivalMs: number): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new StorageError("closed", "shard log is closed"));
    // Arrival times are kept non-decreasing per shard (as the file backend does) so time lookups can bisect.
    const arrival = Math.max(arrivalMs, this.lastArrival ?? arrivalMs);
    const firstOffset = this.end;
    for (const record of records) {
      this.records.push({
        offset: this.end++,
        arrivalMs: arrival,
        partitionKey: record.partitionKey,
        explicitHashKey: record.explicitHashKey,
        data: Uint8Array.prototype.slice.call(record.data),
        flags: record.flags ?? 0,
      });
    }
    if (records.length > 0) this.lastArrival = arrival;
    return Promise.resolve({ firstOffset, count: records.length });
  }

  read(options: ReadOptions): Promise<ReadResult> {
    if (this.closed) return Promise.reject(new StorageError("closed", "shard log is closed"));
    const from = Math.max(options.fromOffset, this.start);
    const out: StoredRecord[] = [];
    let bytes = 0;
    let offset = from;
    while (offset < this.end && out.length < options.recordsMax) {
      const record = this.records[this.head + (offset - this.start)];
      if (!record) break;
      if (out.length > 0 && bytes + record.data.length > options.bytesMax) break;
      bytes += record.data.length;
      out.push({ ...record, data: record.data.slice() });
      offset++;
    }
    return Promise.resolve({ records: out, nextOffset: offset });
  }

  offsetAtTime(timeMs: number): Promise<number> {
    let lo = this.head;
    let hi = this.records.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const record = this.records[mid];
      if (record && record.arrivalMs < timeMs) lo = mid + 1;
      else hi = mid;
    }
    return Promise.resolve(this.start + (lo - this.head));
  }

  trimOlderThan(cutoffMs: number): Promise<void> {
    while (this.head < this.records.length) {
      const record = this.records[this.head];
      if (!record || record.arrivalMs >= cutoffMs) break;
      this.head++;
      this.start++;
    }
    if (this.head >= MEMORY_LOG_COMPACT_RECORDS_MIN && this.head * 2 >= this.records.length) {
      this.records = this.records.slice(this.head);
      this.head = 0;
    }
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}
