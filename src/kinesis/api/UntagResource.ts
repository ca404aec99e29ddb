import { kinesisOperation } from "./kinesis-operation.js";
import type { UntagResourceInput } from "./generated/types.js";
import { checkTagCharacters } from "./tag-rules.js";

export const UntagResource = kinesisOperation<UntagResourceInput>("UntagResource", async (input, _ctx, { streams }) => {
  const resource = streams.control.resourceByArn(input.ResourceARN);
  checkTagCharacters(input.TagKeys, "remove tags from", input.ResourceARN);
  await streams.control.untagResource(resource, input.TagKeys);
  return undefined;
});
