import { describe, expect, it } from "vitest";
import { INDEX_INTERVAL_BYTES } from "../../core/limits.js";
import { SegmentIndex } from "./segment-index.js";

/** A segment of `count` records of `frameBytes` each from offset `base`, one millisecond apart. */
function filled(base: number, count: number, frameBytes: number, startMs = 1_700_000_000_000): SegmentIndex {
  const index = new SegmentIndex(base);
  for (let i = 0; i < count; i++) index.noteFrame(base + i, i * frameBytes, startMs + i);
  index.noteLast(base + count - 1, startMs + count - 1);
  return index;
}

describe("SegmentIndex", () => {
  // A base past 2^32: offsets are kept relative to it, as the index files keep them.
  const base = 2 ** 40 + 5;
  const frameBytes = 1000;
  const count = 40_000; // ~9,800 offset entries: past the column's first full chunks
  const index = filled(base, count, frameBytes);
  const perEntry = Math.ceil(INDEX_INTERVAL_BYTES / frameBytes);

  it("finds the last offset entry at or before an offset", () => {
    expect(index.floor(base)).toEqual({ offset: base, position: 0 });
    expect(index.floor(base - 1)).toEqual({ offset: base, position: 0 });
    expect(index.floor(base + perEntry - 1)).toEqual({ offset: base, position: 0 });
    expect(index.floor(base + perEntry)).toEqual({ offset: base + perEntry, position: perEntry * frameBytes });
    const last = index.floor(base + count + 100);
    expect(last.offset).toBeLessThan(base + count);
    expect(last.offset).toBeGreaterThan(base + count - 1 - perEntry);
    expect(last.position).toBe((last.offset - base) * frameBytes);
  });

  it("finds the first offset entry after a file position", () => {
    expect(index.after(-1)).toEqual({ offset: base, position: 0 });
    expect(index.after(0)).toEqual({ offset: base + perEntry, position: perEntry * frameBytes });
    expect(index.after(perEntry * frameBytes - 1)).toEqual({ offset: base + perEntry, position: perEntry * frameBytes });
    expect(index.after(count * frameBytes)).toBeUndefined();
  });

  it("finds where a scan for a time starts, and knows the newest arrival", () => {
    expect(index.timeFloorOffset(0)).toBe(base);
    const t = 1_700_000_000_000 + 25_000;
    const from = index.timeFloorOffset(t);
    expect(from).toBeLessThan(base + 25_000);
    expect(from).toBeGreaterThanOrEqual(base + 25_000 - perEntry - 1);
    expect(index.newestArrivalMs).toBe(1_700_000_000_000 + count - 1);
    expect(index.lastTimeOffset).toBe(base + count - 1);
  });

  it("decodes what it encodes, and refuses files that do not fit the segment", () => {
    const offsets = index.encodeOffsets();
    const times = index.encodeTimes();
    const decoded = SegmentIndex.decode(base, base + count, count * frameBytes, offsets, times);
    expect(decoded).toBeDefined();
    expect(decoded!.encodeOffsets().equals(offsets)).toBe(true);
    expect(decoded!.encodeTimes().equals(times)).toBe(true);
    expect(decoded!.floor(base + 12_345)).toEqual(index.floor(base + 12_345));
    // The closing time entry must name the segment's newest record.
    expect(SegmentIndex.decode(base, base + count + 1, count * frameBytes, offsets, times)).toBeUndefined();
    // A position past the log's end.
    expect(SegmentIndex.decode(base, base + count, 100, offsets, times)).toBeUndefined();
    expect(SegmentIndex.decode(base, base + count, count * frameBytes, offsets.subarray(1), times)).toBeUndefined();
  });
});
