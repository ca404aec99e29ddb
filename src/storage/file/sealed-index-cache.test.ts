import { describe, expect, it } from "vitest";
import { SealedIndexCache, type IndexHolder } from "./sealed-index-cache.js";
import { SegmentIndex } from "./segment-index.js";

describe("SealedIndexCache", () => {
  it("drops the least recently used indexes beyond its bound and forgets removed segments", () => {
    const cache = new SealedIndexCache(2);
    const holders: IndexHolder[] = [0, 1, 2].map((base) => ({ index: new SegmentIndex(base) }));
    const [a, b, c] = holders as [IndexHolder, IndexHolder, IndexHolder];
    cache.touch(a);
    cache.touch(b);
    cache.touch(a); // a is now the most recent
    cache.touch(c); // b goes
    expect(a.index).toBeDefined();
    expect(b.index).toBeUndefined();
    expect(c.index).toBeDefined();
    cache.forget(a);
    expect(cache.size).toBe(1);
    expect(a.index).toBeDefined(); // forgetting drops the entry, not what the holder has
  });
});
