import { kinesisOperation } from "./kinesis-operation.js";
import type { ListTagsForResourceInput, ListTagsForResourceOutput } from "./generated/types.js";
import { tagList } from "./wire-shapes.js";

export const ListTagsForResource = kinesisOperation<ListTagsForResourceInput>(
  "ListTagsForResource",
  (input, _ctx, { streams }): ListTagsForResourceOutput => {
    const resource = streams.control.resourceByArn(input.ResourceARN);
    return { Tags: tagList(resource.kind === "stream" ? resource.stream.meta.tags : resource.consumer.tags) };
  },
);
