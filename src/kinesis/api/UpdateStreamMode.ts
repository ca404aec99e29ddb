import { kinesisOperation, streamOf } from "./kinesis-operation.js";
import type { UpdateStreamModeInput } from "./generated/types.js";

export const UpdateStreamMode = kinesisOperation<UpdateStreamModeInput>("UpdateStreamMode", async (input, ctx, deps) => {
  const stream = streamOf(deps, ctx, input);
  await deps.streams.control.updateStreamMode(stream, input.StreamModeDetails.StreamMode, input.WarmThroughputMiBps);
  // Warm throughput provisions shards ahead of load (scaling/).
  if (input.WarmThroughputMiBps !== undefined) await deps.streams.scaling.provisionWarmThroughput(stream);
  return undefined;
});
