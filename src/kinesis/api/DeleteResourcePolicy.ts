import { kinesisOperation } from "./kinesis-operation.js";
import type { DeleteResourcePolicyInput } from "./generated/types.js";

export const DeleteResourcePolicy = kinesisOperation<DeleteResourcePolicyInput>("DeleteResourcePolicy", async (input, _ctx, { streams }) => {
  await streams.control.setPolicy(streams.control.resourceByArn(input.ResourceARN), undefined);
  return undefined;
});
