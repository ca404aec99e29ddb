import { kinesisOperation } from "./kinesis-operation.js";
import type { CreateStreamInput } from "./generated/types.js";
import { invalidArgument } from "../engine/errors.js";
import { TAGS_PER_CALL_MAX } from "../../core/limits.js";

export const CreateStream = kinesisOperation<CreateStreamInput>("CreateStream", async (input, ctx, { streams }) => {
  const mode = input.StreamModeDetails?.StreamMode ?? "PROVISIONED";
  if (mode === "PROVISIONED" && input.ShardCount === undefined) {
    throw invalidArgument("ShardCount is required for a stream in PROVISIONED mode.");
  }
  if (mode === "ON_DEMAND" && input.ShardCount !== undefined) {
    throw invalidArgument("ShardCount must not be specified for a stream in ON_DEMAND mode.");
  }
  if (input.Tags && Object.keys(input.Tags).length > TAGS_PER_CALL_MAX) {
    throw invalidArgument(`Failed to create stream ${input.StreamName} because the number of tags exceeds ${TAGS_PER_CALL_MAX}.`);
  }
  await streams.control.createStream(
    { account: ctx.account, region: ctx.region, streamName: input.StreamName },
    {
      shardCount: input.ShardCount,
      mode,
      tags: input.Tags,
      maxRecordSizeKiB: input.MaxRecordSizeInKiB,
      warmThroughputMiBps: input.WarmThroughputMiBps,
    },
  );
  return undefined;
});
