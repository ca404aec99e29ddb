import { kinesisOperation, streamOf } from "./kinesis-operation.js";
import type { UpdateMaxRecordSizeInput } from "./generated/types.js";

export const UpdateMaxRecordSize = kinesisOperation<UpdateMaxRecordSizeInput>("UpdateMaxRecordSize", async (input, ctx, deps) => {
  await deps.streams.control.updateMaxRecordSize(streamOf(deps, ctx, input), input.MaxRecordSizeInKiB);
  return undefined;
});
