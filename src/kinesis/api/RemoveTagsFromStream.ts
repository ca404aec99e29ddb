import { kinesisOperation, streamOf } from "./kinesis-operation.js";
import type { RemoveTagsFromStreamInput } from "./generated/types.js";
import { checkTagCharacters } from "./tag-rules.js";

export const RemoveTagsFromStream = kinesisOperation<RemoveTagsFromStreamInput>("RemoveTagsFromStream", async (input, ctx, deps) => {
  const stream = streamOf(deps, ctx, input);
  checkTagCharacters(input.TagKeys, "remove tags from", `stream ${stream.meta.streamName} under account ${stream.meta.account}`);
  await deps.streams.control.removeTags(stream, input.TagKeys);
  return undefined;
});
