import { kinesisOperation, streamOf } from "./kinesis-operation.js";
import type { ListTagsForStreamInput, ListTagsForStreamOutput } from "./generated/types.js";
import { tagList } from "./wire-shapes.js";

/** kinesalite records AWS's default page as 100 tags when Limit is absent. */
const LIST_TAGS_DEFAULT = 100;

export const ListTagsForStream = kinesisOperation<ListTagsForStreamInput>("ListTagsForStream", (input, ctx, deps): ListTagsForStreamOutput => {
  const stream = streamOf(deps, ctx, input);
  const after = input.ExclusiveStartTagKey;
  const all = tagList(stream.meta.tags).filter((t) => after === undefined || t.Key > after);
  const limit = input.Limit ?? LIST_TAGS_DEFAULT;
  return { Tags: all.slice(0, limit), HasMoreTags: all.length > limit };
});
