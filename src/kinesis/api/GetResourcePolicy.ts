import { kinesisOperation } from "./kinesis-operation.js";
import type { GetResourcePolicyInput, GetResourcePolicyOutput } from "./generated/types.js";

export const GetResourcePolicy = kinesisOperation<GetResourcePolicyInput>("GetResourcePolicy", (input, _ctx, { streams }): GetResourcePolicyOutput => {
  const resource = streams.control.resourceByArn(input.ResourceARN);
  // AWS answers an empty policy document when none is attached.
  const policy = resource.kind === "stream" ? resource.stream.meta.policy : resource.consumer.policy;
  return { Policy: policy ?? "{}" };
});
