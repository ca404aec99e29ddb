/**
 * A token bucket on an injected clock: `capacity` tokens at most, refilled continuously at
 * `perSecond`. Time is passed in (never read here) so that callers decide which clock counts.
 */
export class TokenBucket {
  private level: number;
  private lastMs: number;

  constructor(
    readonly capacity: number,
    readonly perSecond: number,
    nowMs: number,
  ) {
    this.level = capacity;
    this.lastMs = nowMs;
  }

  private refill(nowMs: number): void {
    if (nowMs > this.lastMs) {
      this.level = Math.min(this.capacity, this.level + ((nowMs - this.lastMs) * this.perSecond) / 1000);
      this.lastMs = nowMs;
    }
  }

  /** Tokens available now (negative while a large take is being paid back). */
  available(nowMs: number): number {
    this.refill(nowMs);
    return this.level;
  }

  /**
   * Whether `amount` could be taken now. An amount above the capacity is allowed from a full bucket
   * and leaves it in debt, so a rare oversized request passes and the requests after it wait.
   */
  canTake(amount: number, nowMs: number): boolean {
    this.refill(nowMs);
    return this.level >= Math.min(amount, this.capacity);
  }

  take(amount: number, nowMs: number): void {
    this.refill(nowMs);
    this.level -= amount;
  }

  tryTake(amount: number, nowMs: number): boolean {
    if (!this.canTake(amount, nowMs)) return false;
    this.level -= amount;
    return true;
  }
}

/**
 * A budget paid after the fact: a call is admitted while nothing is owed, then charged what it used,
 * and the debt is repaid at `perSecond`. This is GetRecords' documented rule: after a call returns
 * 10 MiB, calls in the next 5 seconds (at 2 MiB/s) are throttled; after 2 MiB, the next second.
 */
export class DebtBudget {
  private freeAtMs = Number.NEGATIVE_INFINITY;

  constructor(readonly perSecond: number) {}

  isFree(nowMs: number): boolean {
    return nowMs >= this.freeAtMs;
  }

  /** When the budget is free again. */
  get freeAt(): number {
    return this.freeAtMs;
  }

  charge(amount: number, nowMs: number): void {
    if (amount <= 0) return;
    this.freeAtMs = Math.max(nowMs, this.freeAtMs) + (amount * 1000) / this.perSecond;
  }
}
