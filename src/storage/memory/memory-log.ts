import { FrameRecord } from "../file/frame.js";
import { NumberColumn } from "../file/number-column.js";
import type { AppendRecord, AppendResult, ReadOptions, ReadResult, ShardLog, ShardLogKey, StoredRecord } from "../types.js";
import { StorageError } from "../types.js";

/**
 * Records are packed into byte blocks: a header, the partition key (UTF-8), the ExplicitHashKey (ASCII
 * digits) and the data. Header: data length u32, flags u32, arrival f64, key length u16, hash-key
 * length u8, one spare byte.
 */
const HEADER_BYTES = 20;
const H_DATA_LENGTH = 0;
const H_FLAGS = 4;
const H_ARRIVAL = 8;
const H_KEY_LENGTH = 16;
const H_HASH_KEY_LENGTH = 18;
/** A shard's first block is small (streams in tests have many shards and few records); each next one doubles. */
const BLOCK_BYTES_FIRST = 4 * 1024;
const BLOCK_BYTES_MAX = 1024 * 1024;

/** Consecutive records in one buffer; `positions[i]` is where record `firstOffset + i` starts. */
interface Block {
  readonly firstOffset: number;
  readonly bytes: Buffer;
  used: number;
  readonly positions: NumberColumn;
}

/**
 * A record read from a block: laid out as a file-backend frame record (key made only when asked for),
 * but its data is handed out as a copy, made on first use: the block is the log's, and readers may keep
 * or change what they get.
 */
class BlockRecord extends FrameRecord {
  private copy: Buffer | undefined;

  override get data(): Buffer {
    return (this.copy ??= Buffer.from(this.source.subarray(this.dataStart, this.dataEnd)));
  }
}

/**
 * One shard's log in memory. Appends are durable as soon as they are made (there is nothing more
 * durable to wait for), so the promise resolves at once; data is copied so that a caller reusing its
 * buffers cannot change stored records.
 *
 * Records live packed in byte blocks rather than as an object and an ArrayBuffer each: with millions
 * of records, V8's collector spent more CPU tracing and sweeping those than the server spent serving
 * PutRecords (4 background threads at ~150 us per 500-record request); blocks leave it nothing to do.
 * Retention drops whole blocks.
 */
export class MemoryShardLog implements ShardLog {
  private blocks: Block[] = [];
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
    for (const record of records) this.put(record, arrival);
    if (records.length > 0) this.lastArrival = arrival;
    return Promise.resolve({ firstOffset, count: records.length });
  }

  private put(record: AppendRecord, arrival: number): void {
    const keyBytes = Buffer.byteLength(record.partitionKey, "utf8");
    const hashKey = record.explicitHashKey;
    const hashKeyBytes = hashKey === undefined ? 0 : hashKey.length;
    const size = HEADER_BYTES + keyBytes + hashKeyBytes + record.data.length;
    const block = this.blockWithRoom(size);
    const at = block.used;
    const bytes = block.bytes;
    bytes.writeUInt32LE(record.data.length, at + H_DATA_LENGTH);
    bytes.writeUInt32LE(record.flags ?? 0, at + H_FLAGS);
    bytes.writeDoubleLE(arrival, at + H_ARRIVAL);
    bytes.writeUInt16LE(keyBytes, at + H_KEY_LENGTH);
    bytes[at + H_HASH_KEY_LENGTH] = hashKeyBytes;
    let pos = at + HEADER_BYTES;
    pos += bytes.write(record.partitionKey, pos, keyBytes, "utf8");
    if (hashKey !== undefined) pos += bytes.write(hashKey, pos, hashKeyBytes, "latin1");
    bytes.set(record.data, pos);
    block.used = pos + record.data.length;
    block.positions.push(at);
    this.end++;
  }

  private blockWithRoom(size: number): Block {
    const last = this.blocks.at(-1);
    if (last !== undefined && last.bytes.length - last.used >= size) return last;
    const previous = last?.bytes.length ?? BLOCK_BYTES_FIRST / 2;
    const block: Block = {
      firstOffset: this.end,
      bytes: Buffer.allocUnsafeSlow(Math.max(size, Math.min(previous * 2, BLOCK_BYTES_MAX))),
      used: 0,
      positions: new NumberColumn(Uint32Array),
    };
    this.blocks.push(block);
    return block;
  }

  read(options: ReadOptions): Promise<ReadResult> {
    if (this.closed) return Promise.reject(new StorageError("closed", "shard log is closed"));
    const out: StoredRecord[] = [];
    let bytes = 0;
    let offset = Math.max(options.fromOffset, this.start);
    for (let b = this.blockIndexOf(offset); b < this.blocks.length && out.length < options.recordsMax; b++) {
      const block = this.blocks[b] as Block;
      const count = block.positions.length;
      for (let i = offset - block.firstOffset; i < count && out.length < options.recordsMax; i++) {
        const record = this.recordAt(block, i);
        const length = record.dataEnd - record.dataStart;
        if (out.length > 0 && bytes + length > options.bytesMax) return Promise.resolve({ records: out, nextOffset: offset });
        bytes += length;
        out.push(record);
        offset++;
      }
    }
    return Promise.resolve({ records: out, nextOffset: offset });
  }

  offsetAtTime(timeMs: number): Promise<number> {
    return Promise.resolve(this.firstArrivedAtOrAfter(timeMs));
  }

  trimOlderThan(cutoffMs: number): Promise<void> {
    this.start = this.firstArrivedAtOrAfter(cutoffMs);
    // Blocks wholly before the start go; the one holding it stays until all of it is older.
    let drop = 0;
    while (drop < this.blocks.length - 1 && (this.blocks[drop + 1] as Block).firstOffset <= this.start) drop++;
    if (drop > 0) this.blocks = this.blocks.slice(drop);
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  /** The block holding `offset` (which must be at least startOffset), or blocks.length past the end. */
  private blockIndexOf(offset: number): number {
    let lo = 0;
    let hi = this.blocks.length;
    // The last block whose first offset is at or before `offset`.
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if ((this.blocks[mid] as Block).firstOffset <= offset) lo = mid;
      else hi = mid;
    }
    return offset >= this.end ? this.blocks.length : lo;
  }

  /** First offset from startOffset whose arrival is at or after `timeMs` (arrivals never decrease), or endOffset. */
  private firstArrivedAtOrAfter(timeMs: number): number {
    let lo = this.start;
    let hi = this.end;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.arrivalAt(mid) < timeMs) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private arrivalAt(offset: number): number {
    const block = this.blocks[this.blockIndexOf(offset)] as Block;
    return block.bytes.readDoubleLE(block.positions.at(offset - block.firstOffset) + H_ARRIVAL);
  }

  private recordAt(block: Block, index: number): BlockRecord {
    const bytes = block.bytes;
    const at = block.positions.at(index);
    const keyStart = at + HEADER_BYTES;
    const keyEnd = keyStart + bytes.readUInt16LE(at + H_KEY_LENGTH);
    const hashKeyBytes = bytes[at + H_HASH_KEY_LENGTH] as number;
    const dataStart = keyEnd + hashKeyBytes;
    return new BlockRecord(
      bytes,
      block.firstOffset + index,
      bytes.readDoubleLE(at + H_ARRIVAL),
      bytes.readUInt32LE(at + H_FLAGS),
      hashKeyBytes === 0 ? undefined : bytes.toString("latin1", keyEnd, dataStart),
      keyStart,
      keyEnd,
      dataStart,
      dataStart + bytes.readUInt32LE(at + H_DATA_LENGTH),
    );
  }
}
