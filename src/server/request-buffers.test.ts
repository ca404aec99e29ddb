import { describe, expect, it } from "vitest";
import { RequestScope } from "./request-buffers.js";
import { SizeClassPool } from "./size-class-pool.js";

const MIN = 64 * 1024;

describe("RequestScope", () => {
  it("takes large buffers from the pool and gives them all back at release", () => {
    const pool = new SizeClassPool(MIN, 8 * 1024 * 1024);
    const scope = new RequestScope(pool);
    const body = scope.alloc(700_000);
    const arena = scope.alloc(525_000);
    expect(body.length).toBe(700_000);
    expect(scope.owns(body)).toBe(true);
    expect(scope.owns(arena.subarray(10, 20))).toBe(true);
    expect(pool.idleBytes).toBe(0);
    scope.release();
    expect(pool.idleBytes).toBe(2 * 1024 * 1024);
    // The next request reuses them.
    const next = new RequestScope(pool);
    expect(next.alloc(600_000).buffer).toBe(arena.buffer);
  });

  it("allocates small buffers as usual and never gives them to the pool", () => {
    const pool = new SizeClassPool(MIN, 8 * 1024 * 1024);
    const scope = new RequestScope(pool);
    const small = scope.alloc(100);
    expect(small.length).toBe(100);
    expect(scope.owns(small)).toBe(false);
    scope.release();
    expect(pool.idleBytes).toBe(0);
  });
});
