import { kinesisOperation, streamOf } from "./kinesis-operation.js";
import type { MergeShardsInput } from "./generated/types.js";

export const MergeShards = kinesisOperation<MergeShardsInput>("MergeShards", async (input, ctx, deps) => {
  await deps.streams.control.mergeShards(streamOf(deps, ctx, input), input.ShardToMerge, input.AdjacentShardToMerge);
  return undefined;
});
