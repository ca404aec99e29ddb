import { kinesisOperation, streamOf } from "./kinesis-operation.js";
import type { StopStreamEncryptionInput } from "./generated/types.js";

export const StopStreamEncryption = kinesisOperation<StopStreamEncryptionInput>("StopStreamEncryption", async (input, ctx, deps) => {
  await deps.streams.control.stopEncryption(streamOf(deps, ctx, input));
  return undefined;
});
