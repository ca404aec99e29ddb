/**
 * Append notifications per shard. Readers that are caught up (GetRecords long-pollers, SubscribeToShard
 * sessions, Firehose, SQL applications, event source mappings) wait here instead of polling on timers,
 * so a record reaches them as soon as it is durable.
 */
import type { Clock } from "../../core/clock.js";

export class ShardNotifier {
  private readonly waiters = new Map<string, Set<() => void>>();

  constructor(private readonly clock: Clock) {}

  notify(shardKey: string): void {
    const set = this.waiters.get(shardKey);
    if (!set) return;
    this.waiters.delete(shardKey);
    for (const wake of set) wake();
  }

  /** Resolves on the next append to the shard, after `timeoutMs`, or when `signal` aborts. */
  waitForAppend(shardKey: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      let set = this.waiters.get(shardKey);
      if (!set) {
        set = new Set();
        this.waiters.set(shardKey, set);
      }
      const waiterSet = set;
      const done = () => {
        cancelTimer();
        signal?.removeEventListener("abort", done);
        waiterSet.delete(done);
        resolve();
      };
      const cancelTimer = this.clock.setTimer(timeoutMs, done);
      signal?.addEventListener("abort", done, { once: true });
      waiterSet.add(done);
    });
  }

  /** Number of shards with waiters, for metrics and leak tests. */
  get watchedShards(): number {
    return this.waiters.size;
  }
}
