import { kinesisOperation, streamOf } from "./kinesis-operation.js";
import type { StartStreamEncryptionInput } from "./generated/types.js";

export const StartStreamEncryption = kinesisOperation<StartStreamEncryptionInput>("StartStreamEncryption", async (input, ctx, deps) => {
  await deps.streams.control.startEncryption(streamOf(deps, ctx, input), input.KeyId);
  return undefined;
});
