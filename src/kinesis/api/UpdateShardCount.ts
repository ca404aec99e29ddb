import { streamArn } from "../../core/arn.js";
import { kinesisOperation, streamOf } from "./kinesis-operation.js";
import type { UpdateShardCountInput, UpdateShardCountOutput } from "./generated/types.js";

export const UpdateShardCount = kinesisOperation<UpdateShardCountInput>("UpdateShardCount", async (input, ctx, deps): Promise<UpdateShardCountOutput> => {
  const stream = streamOf(deps, ctx, input);
  const { current } = await deps.streams.control.updateShardCount(stream, input.TargetShardCount);
  return {
    StreamName: stream.meta.streamName,
    StreamARN: streamArn(stream.meta),
    CurrentShardCount: current,
    TargetShardCount: input.TargetShardCount,
  };
});
