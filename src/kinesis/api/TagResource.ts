import { TAGS_PER_CALL_MAX } from "../../core/limits.js";
import { invalidArgument } from "../engine/errors.js";
import { kinesisOperation } from "./kinesis-operation.js";
import type { TagResourceInput } from "./generated/types.js";
import { checkNoReservedPrefix, checkTagCharacters } from "./tag-rules.js";

export const TagResource = kinesisOperation<TagResourceInput>("TagResource", async (input, _ctx, { streams }) => {
  const resource = streams.control.resourceByArn(input.ResourceARN);
  const keys = Object.keys(input.Tags);
  checkTagCharacters([...keys, ...Object.values(input.Tags)], "add tags to", input.ResourceARN);
  checkNoReservedPrefix(keys);
  if (keys.length > TAGS_PER_CALL_MAX) {
    throw invalidArgument(`Failed to add tags to ${input.ResourceARN} because the number of tags in the request exceeds ${TAGS_PER_CALL_MAX}.`);
  }
  await streams.control.tagResource(resource, input.Tags);
  return undefined;
});
