import { describe, expect, it } from "vitest";
import { DebtBudget, TokenBucket } from "./token-bucket.js";

describe("TokenBucket", () => {
  it("holds its capacity, refills continuously and never above the capacity", () => {
    const bucket = new TokenBucket(1000, 1000, 0);
    expect(bucket.tryTake(1000, 0)).toBe(true);
    expect(bucket.tryTake(1, 0)).toBe(false);
    expect(bucket.tryTake(1, 1)).toBe(true);
    expect(bucket.available(10_000)).toBe(1000);
  });

  it("lets one oversized take pass from a full bucket and leaves it in debt", () => {
    const bucket = new TokenBucket(100, 100, 0);
    expect(bucket.tryTake(300, 0)).toBe(true);
    expect(bucket.available(0)).toBe(-200);
    expect(bucket.canTake(1, 2000)).toBe(false);
    expect(bucket.canTake(1, 2010)).toBe(true);
    expect(bucket.canTake(300, 2500)).toBe(false); // oversized again only from a full bucket
    expect(bucket.canTake(300, 3000)).toBe(true);
  });
});

describe("DebtBudget", () => {
  it("admits while nothing is owed and repays at its rate (10 units at 2/s: 5 s)", () => {
    const budget = new DebtBudget(2);
    expect(budget.isFree(0)).toBe(true);
    budget.charge(10, 0);
    expect(budget.isFree(4999)).toBe(false);
    expect(budget.isFree(5000)).toBe(true);
    budget.charge(2, 6000);
    expect(budget.freeAt).toBe(7000);
  });
});
