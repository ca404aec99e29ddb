import { kinesisOperation, streamOf } from "./kinesis-operation.js";
import type { IncreaseStreamRetentionPeriodInput } from "./generated/types.js";

export const IncreaseStreamRetentionPeriod = kinesisOperation<IncreaseStreamRetentionPeriodInput>(
  "IncreaseStreamRetentionPeriod",
  async (input, ctx, deps) => {
    await deps.streams.control.increaseRetention(streamOf(deps, ctx, input), input.RetentionPeriodHours);
    return undefined;
  },
);
