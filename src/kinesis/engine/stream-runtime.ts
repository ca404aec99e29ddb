import { PartitionKeyHashCache } from "./hash-key.js";
import type { StreamMeta } from "./model.js";
import { ShardRuntime } from "./shard-runtime.js";

/**
 * A stream in memory: its persisted metadata plus what the hot paths need, built once per shard-map
 * change: shards by id and the open shards sorted by hash range for binary-search routing.
 */
export class StreamRuntime {
  readonly shardsById = new Map<string, ShardRuntime>();
  private openShards: ShardRuntime[] = [];
  private openStarts: bigint[] = [];
  readonly hashCache = new PartitionKeyHashCache();
  /** Set while resharding swaps the shard map; writers wait on it so no append lands on a closing shard. */
  writeBarrier: Promise<void> | undefined;

  constructor(public meta: StreamMeta) {
    this.rebuild(meta);
  }

  /** Adopts new metadata, keeping the runtime state (open logs, visibility) of shards that remain. */
  rebuild(meta: StreamMeta): void {
    this.meta = meta;
    const previous = new Map(this.shardsById);
    this.shardsById.clear();
    for (const shardMeta of meta.shards) {
      const existing = previous.get(shardMeta.shardId);
      if (existing) {
        existing.meta = shardMeta;
        this.shardsById.set(shardMeta.shardId, existing);
      } else {
        this.shardsById.set(shardMeta.shardId, new ShardRuntime(shardMeta));
      }
    }
    this.openShards = [...this.shardsById.values()]
      .filter((s) => s.isOpen)
      .sort((a, b) => (a.startingHashKey < b.startingHashKey ? -1 : 1));
    this.openStarts = this.openShards.map((s) => s.startingHashKey);
  }

  /** The open shard whose hash range contains `hashKey`. */
  route(hashKey: bigint): ShardRuntime {
    const starts = this.openStarts;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= hashKey) low = mid;
      else high = mid - 1;
    }
    return this.openShards[low]!;
  }

  get openShardCount(): number {
    return this.openShards.length;
  }

  openShardsInKeyOrder(): readonly ShardRuntime[] {
    return this.openShards;
  }

  get retentionMs(): number {
    return this.meta.retentionHours * 3_600_000;
  }
}
