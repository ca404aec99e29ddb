import { assert } from "../../core/assert.js";
import { evenHashKeyRanges, type HashKeyRange } from "./hash-key.js";
import { shardIdOf, type ShardMeta } from "./model.js";

/**
 * Pure resharding plans: given the shard list, produce the new list with parents closed and children
 * opened with lineage. The caller supplies each closing parent's end offset.
 */
export interface ReshardContext {
  nowMs: number;
  nextShardIndex: number;
  /** One past the last record offset of an open shard at the moment it closes. */
  endOffsetOf(shardId: string): number;
}

export interface ReshardResult {
  shards: ShardMeta[];
  nextShardIndex: number;
}

class Plan {
  readonly shards: ShardMeta[];
  nextShardIndex: number;

  constructor(
    shards: readonly ShardMeta[],
    private readonly ctx: ReshardContext,
  ) {
    this.shards = shards.map((s) => ({ ...s }));
    this.nextShardIndex = ctx.nextShardIndex;
  }

  private close(shard: ShardMeta): void {
    shard.closedMs = this.ctx.nowMs;
    // Shards created within this plan close before anything can be written to them.
    shard.endOffset = shard.index >= this.ctx.nextShardIndex ? 0 : this.ctx.endOffsetOf(shard.shardId);
  }

  private open(range: HashKeyRange, parentShardId: string, adjacentParentShardId?: string): ShardMeta {
    const index = this.nextShardIndex++;
    const shard: ShardMeta = {
      shardId: shardIdOf(index),
      index,
      parentShardId,
      startingHashKey: range.startingHashKey.toString(),
      endingHashKey: range.endingHashKey.toString(),
      createdMs: this.ctx.nowMs,
    };
    if (adjacentParentShardId !== undefined) shard.adjacentParentShardId = adjacentParentShardId;
    this.shards.push(shard);
    return shard;
  }

  split(shard: ShardMeta, newStartingHashKey: bigint): [ShardMeta, ShardMeta] {
    assert(shard.closedMs === undefined, "split of a closed shard");
    this.close(shard);
    const left = this.open({ startingHashKey: BigInt(shard.startingHashKey), endingHashKey: newStartingHashKey - 1n }, shard.shardId);
    const right = this.open({ startingHashKey: newStartingHashKey, endingHashKey: BigInt(shard.endingHashKey) }, shard.shardId);
    return [left, right];
  }

  merge(shard: ShardMeta, adjacent: ShardMeta): ShardMeta {
    assert(shard.closedMs === undefined && adjacent.closedMs === undefined, "merge of a closed shard");
    this.close(shard);
    this.close(adjacent);
    const [low, high] = BigInt(shard.startingHashKey) < BigInt(adjacent.startingHashKey) ? [shard, adjacent] : [adjacent, shard];
    return this.open(
      { startingHashKey: BigInt(low.startingHashKey), endingHashKey: BigInt(high.endingHashKey) },
      shard.shardId,
      adjacent.shardId,
    );
  }

  openShardsInKeyOrder(): ShardMeta[] {
    return this.shards
      .filter((s) => s.closedMs === undefined)
      .sort((a, b) => (BigInt(a.startingHashKey) < BigInt(b.startingHashKey) ? -1 : 1));
  }

  result(): ReshardResult {
    return { shards: this.shards, nextShardIndex: this.nextShardIndex };
  }
}

export function planSplit(shards: readonly ShardMeta[], shardId: string, newStartingHashKey: bigint, ctx: ReshardContext): ReshardResult {
  const plan = new Plan(shards, ctx);
  const shard = plan.shards.find((s) => s.shardId === shardId);
  assert(shard, `unknown shard ${shardId}`);
  plan.split(shard, newStartingHashKey);
  return plan.result();
}

export function planMerge(shards: readonly ShardMeta[], shardId: string, adjacentShardId: string, ctx: ReshardContext): ReshardResult {
  const plan = new Plan(shards, ctx);
  const shard = plan.shards.find((s) => s.shardId === shardId);
  const adjacent = plan.shards.find((s) => s.shardId === adjacentShardId);
  assert(shard && adjacent, "unknown shard to merge");
  plan.merge(shard, adjacent);
  return plan.result();
}

function width(shard: ShardMeta): bigint {
  return BigInt(shard.endingHashKey) - BigInt(shard.startingHashKey) + 1n;
}

/**
 * UNIFORM_SCALING as AWS performs it (shard totals recorded against AWS: 2->4 makes 6 shards in all,
 * 4->5 makes 15, 10->13 makes 37, 4->2 makes 6, 5->3 makes 7): scaling up splits every open shard once
 * and then merges adjacent pieces from different parents until the target is reached; scaling down
 * only merges adjacent shards. Split points are the target's even boundaries, and merges pick the
 * smallest adjacent pair, so the result is as close to uniform as that sequence allows.
 */
export function planUniformScaling(shards: readonly ShardMeta[], targetShardCount: number, ctx: ReshardContext): ReshardResult {
  const plan = new Plan(shards, ctx);
  let open = plan.openShardsInKeyOrder();
  while (open.length * 2 <= targetShardCount && open.length < targetShardCount) {
    for (const shard of open) plan.split(shard, BigInt(shard.startingHashKey) + width(shard) / 2n);
    open = plan.openShardsInKeyOrder();
  }
  if (open.length < targetShardCount) {
    const boundaries = evenHashKeyRanges(targetShardCount).map((r) => r.startingHashKey);
    for (const shard of open) {
      const start = BigInt(shard.startingHashKey);
      const end = BigInt(shard.endingHashKey);
      const middle = start + width(shard) / 2n;
      let best: bigint | undefined;
      for (const b of boundaries) {
        if (b > start + 1n && b <= end && (best === undefined || abs(b - middle) < abs(best - middle))) best = b;
      }
      plan.split(shard, best ?? middle);
    }
    open = plan.openShardsInKeyOrder();
  }
  while (open.length > targetShardCount) {
    let bestIndex = 0;
    for (let i = 1; i < open.length - 1; i++) {
      if (width(open[i]!) + width(open[i + 1]!) < width(open[bestIndex]!) + width(open[bestIndex + 1]!)) bestIndex = i;
    }
    plan.merge(open[bestIndex]!, open[bestIndex + 1]!);
    open = plan.openShardsInKeyOrder();
  }
  return plan.result();
}

function abs(value: bigint): bigint {
  return value < 0n ? -value : value;
}
