import { describe, expect, it } from "vitest";
import { responseBuffer } from "./response-buffers.js";
import { SizeClassPool } from "./size-class-pool.js";

const MIN = 64 * 1024;

describe("SizeClassPool", () => {
  it("hands out views of power-of-two buffers and reuses a returned one", () => {
    const pool = new SizeClassPool(MIN, 4 * 1024 * 1024);
    const a = pool.take(700_000)!;
    expect(a.length).toBe(700_000);
    expect(a.buffer.byteLength).toBe(1024 * 1024);
    pool.give(a);
    expect(pool.idleBytes).toBe(1024 * 1024);
    const b = pool.take(600_000)!;
    expect(b.buffer).toBe(a.buffer);
    expect(pool.idleBytes).toBe(0);
  });

  it("leaves small sizes to ordinary allocation", () => {
    expect(new SizeClassPool(MIN, 1 << 20).take(MIN - 1)).toBeUndefined();
  });

  it("keeps no more than its bound and ignores buffers it did not make or got twice", () => {
    const pool = new SizeClassPool(MIN, 1024 * 1024);
    const a = pool.take(1024 * 1024)!;
    const b = pool.take(1024 * 1024)!;
    pool.give(a);
    pool.give(a);
    pool.give(b);
    pool.give(Buffer.alloc(1024 * 1024));
    expect(pool.idleBytes).toBe(1024 * 1024);
    expect(pool.take(1024 * 1024)!.buffer).toBe(a.buffer);
  });

  it("hands out the most recently returned buffer of a class first", () => {
    const pool = new SizeClassPool(MIN, 8 * 1024 * 1024);
    const a = pool.take(MIN)!;
    const b = pool.take(MIN)!;
    pool.give(a);
    pool.give(b);
    expect(pool.take(MIN)!.buffer).toBe(b.buffer);
    expect(pool.owns(a)).toBe(true);
    expect(pool.owns(Buffer.alloc(MIN))).toBe(false);
  });

  it("drops its free buffers once a whole trim period passed without a take", () => {
    const pool = new SizeClassPool(MIN, 8 * 1024 * 1024);
    pool.give(pool.take(MIN)!);
    pool.trimIfIdle(); // taken since the last trim: kept
    expect(pool.idleBytes).toBe(MIN);
    pool.trimIfIdle(); // idle for a whole period: dropped
    expect(pool.idleBytes).toBe(0);
    const fresh = pool.take(MIN)!;
    expect(pool.owns(fresh)).toBe(true);
  });
});

describe("responseBuffer", () => {
  it("gives exactly the size asked for, pooled from the minimum up", () => {
    expect(responseBuffer(10).length).toBe(10);
    const big = responseBuffer(3_000_000);
    expect(big.length).toBe(3_000_000);
    expect(big.buffer.byteLength).toBe(4 * 1024 * 1024);
  });
});
