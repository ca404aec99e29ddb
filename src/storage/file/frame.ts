import { FRAME_BYTES_MAX } from "../../core/limits.js";
import { assert } from "../../core/assert.js";
import type { AppendRecord, InPlaceRecord } from "../types.js";
import { crc32 } from "./crc.js";

/**
 * One record on disk (all integers little-endian; see docs/storage-format.md):
 *
 *   0  u32  frame bytes, header included
 *   4  u32  CRC-32 of bytes [8, frame bytes)
 *   8  u8   format version (1)
 *   9  u8   frame flags: bit 0 = an explicit hash key is present
 *  10  u16  partition key bytes (UTF-8)
 *  12  u32  record flags (opaque to the log)
 *  16  u32  offset, low 32 bits
 *  20  u32  offset, high 32 bits
 *  24  f64  arrival time, milliseconds since the epoch
 *  32  u8   explicit hash key bytes (ASCII decimal)
 *  33  3 bytes reserved, zero
 *  36  partition key, explicit hash key, data
 */
export const FRAME_HEADER_BYTES = 36;
export const FRAME_VERSION = 1;
const FRAME_FLAG_EXPLICIT_HASH_KEY = 1;
const TWO_POW_32 = 2 ** 32;
/** A partition key of n UTF-16 code units takes at most 3n bytes of UTF-8. */
const UTF8_BYTES_PER_CODE_UNIT_MAX = 3;
const EXPLICIT_HASH_KEY_BYTES_MAX = 255;

/**
 * Encodes a whole batch into one buffer (one allocation, one write), with contiguous offsets from
 * `firstOffset`. Each frame's checksum is computed over its bytes as they sit in that buffer, i.e.
 * over exactly what goes to disk.
 */
export function encodeBatch(records: readonly AppendRecord[], firstOffset: number, arrivalMs: number): Buffer {
  return encodeBatchInto(Buffer.allocUnsafe(batchBoundBytes(records)), records, firstOffset, arrivalMs);
}

/** An upper bound of the bytes `records` take once encoded. */
export function batchBoundBytes(records: readonly AppendRecord[]): number {
  let boundBytes = 0;
  for (const r of records) {
    boundBytes += FRAME_HEADER_BYTES + r.partitionKey.length * UTF8_BYTES_PER_CODE_UNIT_MAX + (r.explicitHashKey?.length ?? 0) + r.data.length;
  }
  return boundBytes;
}

/** Encodes into `buf` (at least `batchBoundBytes(records)` long); returns the used part. */
export function encodeBatchInto(buf: Buffer, records: readonly AppendRecord[], firstOffset: number, arrivalMs: number): Buffer {
  let pos = 0;
  let offset = firstOffset;
  for (const r of records) {
    const start = pos;
    let p = start + FRAME_HEADER_BYTES;
    const keyBytes = writeKey(buf, r.partitionKey, p);
    p += keyBytes;
    let hashKeyBytes = 0;
    if (r.explicitHashKey !== undefined) {
      assert(r.explicitHashKey.length <= EXPLICIT_HASH_KEY_BYTES_MAX, "explicit hash key too long for a frame");
      hashKeyBytes = buf.write(r.explicitHashKey, p, "latin1");
      p += hashKeyBytes;
    }
    buf.set(r.data, p);
    p += r.data.length;
    const frameBytes = p - start;
    assert(frameBytes <= FRAME_BYTES_MAX, "record too large for a frame");
    buf.writeUInt32LE(frameBytes, start);
    buf[start + 8] = FRAME_VERSION;
    buf[start + 9] = r.explicitHashKey !== undefined ? FRAME_FLAG_EXPLICIT_HASH_KEY : 0;
    buf.writeUInt16LE(keyBytes, start + 10);
    buf.writeUInt32LE((r.flags ?? 0) >>> 0, start + 12);
    buf.writeUInt32LE(offset % TWO_POW_32, start + 16);
    buf.writeUInt32LE(Math.floor(offset / TWO_POW_32), start + 20);
    buf.writeDoubleLE(arrivalMs, start + 24);
    buf[start + 32] = hashKeyBytes;
    buf[start + 33] = 0;
    buf[start + 34] = 0;
    buf[start + 35] = 0;
    buf.writeUInt32LE(crc32(buf, start + 8, p), start + 4);
    pos = p;
    offset++;
  }
  return buf.subarray(0, pos);
}

/** Keys up to this many characters are copied by a JavaScript loop when ASCII (a native `write` costs more). */
const KEY_LOOP_CHARS_MAX = 64;

/** Writes a partition key as UTF-8 at `at`; returns its byte length. */
function writeKey(buf: Buffer, key: string, at: number): number {
  const n = key.length;
  if (n <= KEY_LOOP_CHARS_MAX) {
    let i = 0;
    for (; i < n; i++) {
      const c = key.charCodeAt(i);
      if (c >= 0x80) break;
      buf[at + i] = c;
    }
    if (i === n) return n;
  }
  return buf.write(key, at, "utf8");
}

export type FrameCheck =
  /** A whole, intact frame of `bytes` bytes. */
  | { kind: "ok"; bytes: number }
  /** The buffer ends inside the frame (or its header): read more, or it is a torn tail. */
  | { kind: "short"; bytes: number }
  | { kind: "bad"; reason: string };

/** Checks the frame starting at `pos`, using bytes up to `end` only. */
export function checkFrame(buf: Buffer, pos: number, end: number): FrameCheck {
  if (end - pos < FRAME_HEADER_BYTES) return { kind: "short", bytes: FRAME_HEADER_BYTES };
  const frameBytes = buf.readUInt32LE(pos);
  if (frameBytes < FRAME_HEADER_BYTES || frameBytes > FRAME_BYTES_MAX) return { kind: "bad", reason: "implausible frame length" };
  if (buf[pos + 8] !== FRAME_VERSION) return { kind: "bad", reason: "unknown frame version" };
  if (buf[pos + 33] !== 0 || buf[pos + 34] !== 0 || buf[pos + 35] !== 0) return { kind: "bad", reason: "reserved bytes not zero" };
  const keysBytes = buf.readUInt16LE(pos + 10) + (buf[pos + 32] as number);
  if (FRAME_HEADER_BYTES + keysBytes > frameBytes) return { kind: "bad", reason: "keys overrun the frame" };
  if (end - pos < frameBytes) return { kind: "short", bytes: frameBytes };
  if (crc32(buf, pos + 8, pos + frameBytes) !== buf.readUInt32LE(pos + 4)) return { kind: "bad", reason: "checksum mismatch" };
  return { kind: "ok", bytes: frameBytes };
}

export function frameBytesAt(buf: Buffer, pos: number): number {
  return buf.readUInt32LE(pos);
}

export function frameOffsetAt(buf: Buffer, pos: number): number {
  return buf.readUInt32LE(pos + 16) + buf.readUInt32LE(pos + 20) * TWO_POW_32;
}

export function frameArrivalMsAt(buf: Buffer, pos: number): number {
  return buf.readDoubleLE(pos + 24);
}

/**
 * A record read from a frame. Its partition key and data are made on first use: a GetRecords page
 * writes most records straight from the frame's bytes (`keyStart`.., `dataStart`..), so it never
 * needs them, and making a string and a view per record was a tenth of a drain's CPU.
 */
export class FrameRecord implements InPlaceRecord {
  private key: string | undefined;
  private view: Buffer | undefined;

  constructor(
    /** The buffer holding the frame (owned by the reader that handed the record out). */
    readonly source: Buffer,
    readonly offset: number,
    readonly arrivalMs: number,
    readonly flags: number,
    readonly explicitHashKey: string | undefined,
    readonly keyStart: number,
    readonly keyEnd: number,
    readonly dataStart: number,
    readonly dataEnd: number,
  ) {}

  get partitionKey(): string {
    return (this.key ??= this.source.toString("utf8", this.keyStart, this.keyEnd));
  }

  /** A view into the frame's buffer. */
  get data(): Buffer {
    return (this.view ??= this.source.subarray(this.dataStart, this.dataEnd));
  }
}

/** Decodes a checked frame; `data` is a view into `buf` (callers hand out buffers they own). */
export function decodeFrame(buf: Buffer, pos: number): FrameRecord {
  const frameBytes = buf.readUInt32LE(pos);
  const keyBytes = buf.readUInt16LE(pos + 10);
  const hashKeyBytes = buf[pos + 32] as number;
  const keyStart = pos + FRAME_HEADER_BYTES;
  const hashKeyStart = keyStart + keyBytes;
  const dataStart = hashKeyStart + hashKeyBytes;
  const hasHashKey = ((buf[pos + 9] as number) & FRAME_FLAG_EXPLICIT_HASH_KEY) !== 0;
  return new FrameRecord(
    buf,
    frameOffsetAt(buf, pos),
    buf.readDoubleLE(pos + 24),
    buf.readUInt32LE(pos + 12),
    hasHashKey ? buf.toString("latin1", hashKeyStart, dataStart) : undefined,
    keyStart,
    hashKeyStart,
    dataStart,
    pos + frameBytes,
  );
}
