import { kinesisOperation, streamOf } from "./kinesis-operation.js";
import type { UpdateStreamModeInput } from "./generated/types.js";

export const UpdateStreamMode = kinesisOperation<UpdateStreamModeInput>("UpdateStreamMode", async (input, ctx, deps) => {
  await deps.streams.control.updateStreamMode(streamOf(deps, ctx, input), input.StreamModeDetails.StreamMode, input.WarmThroughputMiBps);
  return undefined;
});
