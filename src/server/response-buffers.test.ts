import { describe, expect, it } from "vitest";
import { RESPONSE_BUFFER_BYTES_MIN } from "../core/limits.js";
import { ResponseBufferPool, responseBuffer } from "./response-buffers.js";

describe("ResponseBufferPool", () => {
  it("hands out views of power-of-two buffers and reuses a returned one", () => {
    const pool = new ResponseBufferPool(4 * 1024 * 1024);
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
    expect(new ResponseBufferPool(1 << 20).take(RESPONSE_BUFFER_BYTES_MIN - 1)).toBeUndefined();
  });

  it("keeps no more than its bound and ignores buffers it did not make or got twice", () => {
    const pool = new ResponseBufferPool(1024 * 1024);
    const a = pool.take(1024 * 1024)!;
    const b = pool.take(1024 * 1024)!;
    pool.give(a);
    pool.give(a);
    pool.give(b);
    pool.give(Buffer.alloc(1024 * 1024));
    expect(pool.idleBytes).toBe(1024 * 1024);
    expect(pool.take(1024 * 1024)!.buffer).toBe(a.buffer);
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
