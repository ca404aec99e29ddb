import * as zlib from "node:zlib";

/**
 * CRC-32 (IEEE, the zlib/gzip polynomial) of a byte range. Node ≥ 20.15 exposes zlib's SIMD
 * implementation as `zlib.crc32`; older runtimes fall back to a table-driven loop that computes the
 * same value, so files move freely between them.
 */
export type Crc32 = (data: Uint8Array) => number;

function buildTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

let table: Uint32Array | undefined;

export function crc32Table(data: Uint8Array): number {
  table ??= buildTable();
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = (table[(crc ^ (data[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const native = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;

export const crc32: Crc32 = typeof native === "function" ? (data) => native(data) : crc32Table;
