import { INDEX_INTERVAL_BYTES, TIME_INDEX_INTERVAL_MS } from "../../core/limits.js";
import { NumberColumn } from "./number-column.js";

/** `.index` entry: u32 offset relative to the segment's first offset, u32 file position. */
export const INDEX_ENTRY_BYTES = 8;
/** `.timeindex` entry: f64 arrival milliseconds, u32 offset relative to the segment's first offset. */
export const TIME_INDEX_ENTRY_BYTES = 12;
const OFFSET_NAME_DIGITS = 20;

export function segmentFileBase(base: number): string {
  return String(base).padStart(OFFSET_NAME_DIGITS, "0");
}

/** The first offset of a segment from its file name, or undefined when the name is not a segment's. */
export function parseSegmentFileName(name: string): { base: number; ext: "log" | "index" | "timeindex" } | undefined {
  const match = /^(\d{20})\.(log|index|timeindex)$/.exec(name);
  if (!match) return undefined;
  const base = Number(match[1]);
  if (!Number.isSafeInteger(base)) return undefined;
  return { base, ext: match[2] as "log" | "index" | "timeindex" };
}

/**
 * The sparse indexes of one segment, in memory. An offset entry is added every INDEX_INTERVAL_BYTES of
 * log; a time entry when arrival time moved on by TIME_INDEX_INTERVAL_MS, or moved at all after
 * INDEX_INTERVAL_BYTES (so a time lookup scans a bounded stretch of log). A sealed segment's time index
 * ends with an entry for its newest record, which retention reads to decide whether it may go.
 *
 * Offsets are kept relative to the segment's first offset, as the index files keep them (a segment is
 * below 4 GiB, so it holds fewer than 2^32 records); see NumberColumn for why not JS arrays.
 */
export class SegmentIndex {
  /** Offset entries: record offset minus `base`, and that record's file position. */
  private readonly offsets = new NumberColumn(Uint32Array);
  private readonly positions = new NumberColumn(Uint32Array);
  /** Time entries: arrival milliseconds, and the offset (minus `base`) of the record that has it. */
  private readonly times = new NumberColumn(Float64Array);
  private readonly timeOffsets = new NumberColumn(Uint32Array);
  private lastIndexedPosition = -Infinity;
  private lastTimePosition = -Infinity;

  constructor(readonly base: number) {}

  noteFrame(offset: number, position: number, arrivalMs: number): void {
    if (position - this.lastIndexedPosition >= INDEX_INTERVAL_BYTES) {
      this.offsets.push(offset - this.base);
      this.positions.push(position);
      this.lastIndexedPosition = position;
    }
    const lastTime = this.times.last();
    if (
      lastTime === undefined ||
      (arrivalMs > lastTime && (arrivalMs - lastTime >= TIME_INDEX_INTERVAL_MS || position - this.lastTimePosition >= INDEX_INTERVAL_BYTES))
    ) {
      this.times.push(arrivalMs);
      this.timeOffsets.push(offset - this.base);
      this.lastTimePosition = position;
    }
  }

  /** Marks the newest record when the segment is sealed. */
  noteLast(offset: number, arrivalMs: number): void {
    if (this.lastTimeOffset === offset) return;
    this.times.push(arrivalMs);
    this.timeOffsets.push(offset - this.base);
  }

  /** The offset of the newest time entry, if any. */
  get lastTimeOffset(): number | undefined {
    const relative = this.timeOffsets.last();
    return relative === undefined ? undefined : this.base + relative;
  }

  /** The last offset entry at or before `offset` (binary search), or the segment start. */
  floor(offset: number): { offset: number; position: number } {
    const relative = offset - this.base;
    let lo = 0;
    let hi = this.offsets.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.offsets.at(mid) <= relative) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < 0) return { offset: this.base, position: 0 };
    return { offset: this.base + this.offsets.at(found), position: this.positions.at(found) };
  }

  /** The first offset entry strictly after `position`, if any: where a reader resumes after damage. */
  after(position: number): { offset: number; position: number } | undefined {
    // Positions only grow, so the first one past `position` is found by binary search.
    let lo = 0;
    let hi = this.positions.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.positions.at(mid) > position) {
        found = mid;
        hi = mid - 1;
      } else lo = mid + 1;
    }
    if (found < 0) return undefined;
    return { offset: this.base + this.offsets.at(found), position: this.positions.at(found) };
  }

  /** Offset of the last time entry before `timeMs`: a scan for the first record at or after `timeMs` starts there. */
  timeFloorOffset(timeMs: number): number {
    let lo = 0;
    let hi = this.times.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times.at(mid) < timeMs) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 ? this.base : this.base + this.timeOffsets.at(found);
  }

  get newestArrivalMs(): number | undefined {
    return this.times.last();
  }

  encodeOffsets(): Buffer {
    const buf = Buffer.allocUnsafe(this.offsets.length * INDEX_ENTRY_BYTES);
    for (let i = 0; i < this.offsets.length; i++) {
      buf.writeUInt32LE(this.offsets.at(i), i * INDEX_ENTRY_BYTES);
      buf.writeUInt32LE(this.positions.at(i), i * INDEX_ENTRY_BYTES + 4);
    }
    return buf;
  }

  encodeTimes(): Buffer {
    const buf = Buffer.allocUnsafe(this.times.length * TIME_INDEX_ENTRY_BYTES);
    for (let i = 0; i < this.times.length; i++) {
      buf.writeDoubleLE(this.times.at(i), i * TIME_INDEX_ENTRY_BYTES);
      buf.writeUInt32LE(this.timeOffsets.at(i), i * TIME_INDEX_ENTRY_BYTES + 8);
    }
    return buf;
  }

  /**
   * Loads index files written when a segment was sealed, or returns undefined when they are not
   * plausible for it (wrong size, entries out of order or out of range, no closing time entry): the
   * caller then rebuilds them from the log.
   */
  static decode(base: number, nextBase: number, logBytes: number, offsetsFile: Buffer, timesFile: Buffer): SegmentIndex | undefined {
    if (offsetsFile.length % INDEX_ENTRY_BYTES !== 0 || timesFile.length % TIME_INDEX_ENTRY_BYTES !== 0) return undefined;
    if (timesFile.length === 0 || offsetsFile.length === 0) return undefined;
    const index = new SegmentIndex(base);
    let prevOffset = -1;
    let prevPosition = -1;
    for (let at = 0; at < offsetsFile.length; at += INDEX_ENTRY_BYTES) {
      const offset = base + offsetsFile.readUInt32LE(at);
      const position = offsetsFile.readUInt32LE(at + 4);
      if (offset <= prevOffset || position <= prevPosition || offset >= nextBase || position >= logBytes) return undefined;
      index.offsets.push(offset - base);
      index.positions.push(position);
      prevOffset = offset;
      prevPosition = position;
    }
    if (index.positions.at(0) !== 0 || index.offsets.at(0) !== 0) return undefined;
    let prevTime = -Infinity;
    prevOffset = -1;
    for (let at = 0; at < timesFile.length; at += TIME_INDEX_ENTRY_BYTES) {
      const time = timesFile.readDoubleLE(at);
      const offset = base + timesFile.readUInt32LE(at + 8);
      if (!Number.isFinite(time) || time < prevTime || offset <= prevOffset || offset >= nextBase) return undefined;
      index.times.push(time);
      index.timeOffsets.push(offset - base);
      prevTime = time;
      prevOffset = offset;
    }
    // The closing entry names the segment's newest record.
    if (index.lastTimeOffset !== nextBase - 1) return undefined;
    return index;
  }
}
