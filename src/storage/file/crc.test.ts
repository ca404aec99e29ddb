import * as zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { crc32, crc32Table } from "./crc.js";

describe("crc32", () => {
  it("matches the standard check value", () => {
    const check = Buffer.from("123456789");
    expect(crc32Table(check, 0, check.length)).toBe(0xcbf43926);
    expect(crc32(check, 0, check.length)).toBe(0xcbf43926);
  });

  it("agrees with zlib on every length and alignment", () => {
    const buf = Buffer.alloc(2000);
    for (let i = 0; i < buf.length; i++) buf[i] = (i * 131 + 7) & 0xff;
    for (const start of [0, 1, 3, 8]) {
      const lengths = [...Array.from({ length: 80 }, (_, i) => i), ...Array.from({ length: 32 }, (_, i) => 80 + i * 37)];
      for (const length of lengths) {
        const expected = zlib.crc32(buf.subarray(start, start + length));
        expect(crc32Table(buf, start, start + length)).toBe(expected);
        expect(crc32(buf, start, start + length)).toBe(expected);
      }
    }
  });
});
