import { kinesisOperation, streamOf } from "./kinesis-operation.js";
import type { SplitShardInput } from "./generated/types.js";

export const SplitShard = kinesisOperation<SplitShardInput>("SplitShard", async (input, ctx, deps) => {
  await deps.streams.control.splitShard(streamOf(deps, ctx, input), input.ShardToSplit, BigInt(input.NewStartingHashKey));
  return undefined;
});
