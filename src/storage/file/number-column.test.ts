import { describe, expect, it } from "vitest";
import { NumberColumn } from "./number-column.js";

describe("NumberColumn", () => {
  it("keeps every pushed value across the first chunk's growth and full chunks", () => {
    const column = new NumberColumn(Uint32Array);
    expect(column.length).toBe(0);
    expect(column.last()).toBeUndefined();
    const count = 3 * 4096 + 17; // past the growing first chunk and two full chunk boundaries
    for (let i = 0; i < count; i++) column.push(i * 7 + 1);
    expect(column.length).toBe(count);
    for (let i = 0; i < count; i++) expect(column.at(i)).toBe(i * 7 + 1);
    expect(column.last()).toBe((count - 1) * 7 + 1);
  });

  it("stores the whole u32 range, and any double in a Float64Array column", () => {
    const u32 = new NumberColumn(Uint32Array);
    u32.push(0);
    u32.push(2 ** 32 - 1);
    expect([u32.at(0), u32.at(1)]).toEqual([0, 2 ** 32 - 1]);
    const f64 = new NumberColumn(Float64Array);
    for (const value of [1_700_000_000_123, 0.5, -1, Number.MAX_SAFE_INTEGER]) f64.push(value);
    expect([0, 1, 2, 3].map((i) => f64.at(i))).toEqual([1_700_000_000_123, 0.5, -1, Number.MAX_SAFE_INTEGER]);
  });
});
