import { TAGS_PER_CALL_MAX } from "../../core/limits.js";
import { invalidArgument } from "../engine/errors.js";
import { kinesisOperation, streamOf } from "./kinesis-operation.js";
import type { AddTagsToStreamInput } from "./generated/types.js";
import { checkNoReservedPrefix, checkTagCharacters } from "./tag-rules.js";

export const AddTagsToStream = kinesisOperation<AddTagsToStreamInput>("AddTagsToStream", async (input, ctx, deps) => {
  const stream = streamOf(deps, ctx, input);
  const keys = Object.keys(input.Tags);
  const target = `stream ${stream.meta.streamName} under account ${stream.meta.account}`;
  checkTagCharacters([...keys, ...Object.values(input.Tags)], "add tags to", target);
  checkNoReservedPrefix(keys);
  if (keys.length > TAGS_PER_CALL_MAX) {
    throw invalidArgument(`Failed to add tags to ${target} because the number of tags in the request exceeds ${TAGS_PER_CALL_MAX}.`);
  }
  await deps.streams.control.addTags(stream, input.Tags);
  return undefined;
});
