import { streamArn } from "../../core/arn.js";
import { DESCRIBE_STREAM_SHARDS_DEFAULT } from "../../core/limits.js";
import { kinesisOperation, streamOf } from "./kinesis-operation.js";
import type { DescribeStreamInput, DescribeStreamOutput } from "./generated/types.js";
import { toWireShard } from "./wire-shapes.js";
import { shardIndexOf } from "../engine/model.js";

export const DescribeStream = kinesisOperation<DescribeStreamInput>("DescribeStream", (input, ctx, deps): DescribeStreamOutput => {
  const stream = streamOf(deps, ctx, input);
  const meta = stream.meta;
  let shards = deps.streams.control.visibleShards(stream);
  if (input.ExclusiveStartShardId !== undefined) {
    // AWS pages by shard index order; an id of another form starts from the beginning.
    const after = shardIndexOf(input.ExclusiveStartShardId) ?? -1;
    shards = shards.filter((s) => s.index > after);
  }
  const limit = input.Limit ?? DESCRIBE_STREAM_SHARDS_DEFAULT;
  const description: DescribeStreamOutput["StreamDescription"] = {
    StreamName: meta.streamName,
    StreamARN: streamArn(meta),
    StreamStatus: meta.status,
    StreamModeDetails: { StreamMode: meta.mode },
    Shards: shards.slice(0, limit).map(toWireShard),
    HasMoreShards: shards.length > limit,
    RetentionPeriodHours: meta.retentionHours,
    StreamCreationTimestamp: new Date(meta.createdMs),
    EnhancedMonitoring: [{ ShardLevelMetrics: meta.shardLevelMetrics }],
    EncryptionType: meta.encryptionType,
  };
  if (meta.keyId !== undefined) description.KeyId = meta.keyId;
  return { StreamDescription: description };
});
