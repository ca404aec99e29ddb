import { kinesisOperation, streamOf } from "./kinesis-operation.js";
import type { DecreaseStreamRetentionPeriodInput } from "./generated/types.js";

export const DecreaseStreamRetentionPeriod = kinesisOperation<DecreaseStreamRetentionPeriodInput>(
  "DecreaseStreamRetentionPeriod",
  async (input, ctx, deps) => {
    await deps.streams.control.decreaseRetention(streamOf(deps, ctx, input), input.RetentionPeriodHours);
    return undefined;
  },
);
