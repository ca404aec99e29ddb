import { describe, expect, it } from "vitest";
import { sequenceBase, sequenceDigits, sequenceNumberAt, sequenceNumberAtBigInt, writeSequenceNumber } from "./sequence-number.js";

/** A small deterministic generator (xorshift), so a failure names a reproducible case. */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

describe("sequence numbers formatted without BigInt", () => {
  it("match the BigInt formatting over random bases and offsets", () => {
    const next = random(42);
    for (let i = 0; i < 20_000; i++) {
      const creation = Math.floor(next() * 2 ** 36);
      const index = Math.floor(next() * 2 ** 32);
      const arrival = Math.floor(next() * 2 ** 36);
      const base = sequenceBase(creation, index, arrival);
      // Offsets of every magnitude up to 2^53 - 2 (the counter is offset + 1).
      const magnitude = Math.floor(next() * 53);
      const offset = Math.min(Math.floor(next() * 2 ** magnitude), Number.MAX_SAFE_INTEGER - 1);
      expect(sequenceNumberAt(base, offset)).toBe(sequenceNumberAtBigInt(base, offset));
    }
  });

  it("match at the counter's limb and carry boundaries", () => {
    const bases = [sequenceBase(0, 0, 0), sequenceBase(2 ** 36 - 1, 2 ** 32 - 1, 2 ** 36 - 1), sequenceBase(1_700_000_000, 3, 1_700_000_123)];
    const counters = [1, 2, 9, 10, 9_999_999, 10_000_000, 10_000_001, 99_999_999_999_999, 100_000_000_000_000, 100_000_000_000_001, 2 ** 32, 2 ** 53 - 1];
    for (const base of bases) {
      for (const counter of counters) {
        for (const delta of [-1, 0, 1]) {
          const offset = counter - 1 + delta;
          if (offset < -1 || offset + 1 > Number.MAX_SAFE_INTEGER) continue;
          expect(sequenceNumberAt(base, offset)).toBe(sequenceNumberAtBigInt(base, offset));
        }
      }
    }
  });

  it("match when the counter carries into the cached upper digits", () => {
    // Bases whose digits 35..41 (limb 5) are near 10⁷ - 1, so that adding counter·2⁸⁰ carries past them.
    const next = random(99);
    let carried = 0;
    for (let i = 0; carried < 200 && i < 2_000_000; i++) {
      const base = (BigInt(Math.floor(next() * 2 ** 41)) << 144n) | BigInt(Math.floor(next() * 2 ** 50));
      const limb5 = (base / 10n ** 35n) % 10n ** 7n;
      if (limb5 < 9_800_000n) continue;
      carried++;
      for (const offset of [0, 10_000_000, 99_999_999_999_999, 2 ** 52, 2 ** 53 - 2, Math.floor(next() * 2 ** 53)]) {
        expect(sequenceNumberAt(base, offset)).toBe(sequenceNumberAtBigInt(base, offset));
      }
    }
    expect(carried).toBe(200);
  });

  it("writes the same digits into a buffer at any position", () => {
    const base = sequenceBase(1_700_000_000, 7, 1_700_000_500);
    const buffer = Buffer.alloc(100, 0x20);
    const end = writeSequenceNumber(buffer, 5, sequenceDigits(base), 123_456);
    expect(buffer.toString("latin1", 5, end)).toBe(sequenceNumberAtBigInt(base, 123_456));
    expect(buffer[4]).toBe(0x20);
    expect(buffer[end]).toBe(0x20);
  });

  it("keeps several bases apart when they alternate", () => {
    const a = sequenceBase(100, 1, 200);
    const b = sequenceBase(100, 2, 200);
    for (let offset = 0; offset < 50; offset++) {
      expect(sequenceNumberAt(offset % 2 === 0 ? a : b, offset)).toBe(sequenceNumberAtBigInt(offset % 2 === 0 ? a : b, offset));
    }
  });
});
