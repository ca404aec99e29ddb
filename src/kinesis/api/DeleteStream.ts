import { kinesisOperation, streamOf } from "./kinesis-operation.js";
import type { DeleteStreamInput } from "./generated/types.js";

export const DeleteStream = kinesisOperation<DeleteStreamInput>("DeleteStream", async (input, ctx, deps) => {
  await deps.streams.control.deleteStream(streamOf(deps, ctx, input), input.EnforceConsumerDeletion === true);
  return undefined;
});
