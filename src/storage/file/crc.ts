import * as zlib from "node:zlib";

/**
 * CRC-32 (IEEE, the zlib/gzip polynomial) of buf[start, end). Node ≥ 20.15 exposes zlib's SIMD
 * implementation as `zlib.crc32`, but each call costs ~200 ns of overhead, more than computing a
 * typical 100-byte record's CRC in JavaScript. So short ranges use a slicing-by-8 table loop and long
 * ones the native call (or the loop, on runtimes without it); both give the same value.
 */
const NATIVE_BYTES_MIN = 320;

function buildTables(): Int32Array {
  const t = new Int32Array(256 * 8);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  // Table k advances a byte's contribution by k more bytes, so eight bytes fold in per step.
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 8; k++) {
      const prev = t[(k - 1) * 256 + n] as number;
      t[k * 256 + n] = (prev >>> 8) ^ (t[prev & 0xff] as number);
    }
  }
  return t;
}

const T = buildTables();

export function crc32Table(buf: Uint8Array, start: number, end: number): number {
  let c = -1;
  let i = start;
  const end8 = end - ((end - start) & 7);
  for (; i < end8; i += 8) {
    const a = c ^ ((buf[i] as number) | ((buf[i + 1] as number) << 8) | ((buf[i + 2] as number) << 16) | ((buf[i + 3] as number) << 24));
    c =
      (T[1792 + (a & 0xff)] as number) ^
      (T[1536 + ((a >>> 8) & 0xff)] as number) ^
      (T[1280 + ((a >>> 16) & 0xff)] as number) ^
      (T[1024 + (a >>> 24)] as number) ^
      (T[768 + (buf[i + 4] as number)] as number) ^
      (T[512 + (buf[i + 5] as number)] as number) ^
      (T[256 + (buf[i + 6] as number)] as number) ^
      (T[buf[i + 7] as number] as number);
  }
  for (; i < end; i++) c = (T[(c ^ (buf[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

const native = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;

export function crc32(buf: Uint8Array, start: number, end: number): number {
  if (native === undefined || end - start < NATIVE_BYTES_MIN) return crc32Table(buf, start, end);
  return native(buf.subarray(start, end));
}
